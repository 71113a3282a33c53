package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/frontdesk/frontdesk/model"
)

// liveServer speaks the agent socket's protocol under the test's control:
// every connection is handed to the test, which reads the client's frames
// and answers. POST …/messages answers as the API does.
type liveServer struct {
	url    string
	conns  chan *websocket.Conn
	refuse atomic.Bool // answer 503 to websocket handshakes

	mu    sync.Mutex
	posts []model.SendMessage
}

func newLiveServer(t *testing.T) *liveServer {
	t.Helper()
	s := &liveServer{conns: make(chan *websocket.Conn, 8)}
	done := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws/agent", func(w http.ResponseWriter, r *http.Request) {
		if s.refuse.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		s.conns <- c
		<-done
	})
	mux.HandleFunc("POST /api/v1/conversations/{id}/messages", func(w http.ResponseWriter, r *http.Request) {
		var in model.SendMessage
		json.NewDecoder(r.Body).Decode(&in)
		s.mu.Lock()
		s.posts = append(s.posts, in)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if strings.TrimSpace(in.Body) == "" {
			w.WriteHeader(http.StatusUnprocessableEntity)
			json.NewEncoder(w).Encode(model.ErrorResponse{Error: &model.Error{Code: model.CodeValidation, Message: "Write something first."}})
			return
		}
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(model.Message{ConversationID: 5, Seq: 9, ClientID: in.ClientID, Body: in.Body, AuthorKind: model.AuthorAgent})
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(func() {
		close(done)
		ts.Close()
	})
	s.url = ts.URL
	return s
}

// accept waits for the client's next connection.
func (s *liveServer) accept(t *testing.T) *websocket.Conn {
	t.Helper()
	select {
	case c := <-s.conns:
		t.Cleanup(func() { c.CloseNow() })
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("the client did not connect")
		return nil
	}
}

func readFrame(t *testing.T, c *websocket.Conn) model.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, data, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	var ev model.Event
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatalf("frame %s: %v", data, err)
	}
	return ev
}

func writeFrame(t *testing.T, c *websocket.Conn, ev model.Event) {
	t.Helper()
	b, _ := json.Marshal(ev)
	if err := c.Write(context.Background(), websocket.MessageText, b); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// uiRecorder is the UI side: the actions the connection posts.
type uiRecorder struct{ ch chan action }

type action struct {
	name string
	v    any
}

func (u uiRecorder) post(name string, v any) { u.ch <- action{name, v} }

// next waits for the first action that match accepts, skipping others.
func (u uiRecorder) next(t *testing.T, what string, match func(action) bool) action {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case a := <-u.ch:
			if match(a) {
				return a
			}
		case <-deadline:
			t.Fatalf("no %s", what)
		}
	}
}

func isState(up bool) func(action) bool {
	return func(a action) bool {
		s, ok := a.v.(connState)
		return a.name == actionConnection && ok && s.Up == up
	}
}

func isEvent(typ model.EventType) func(action) bool {
	return func(a action) bool {
		ev, ok := a.v.(model.Event)
		return a.name == actionEvent && ok && ev.Type == typ
	}
}

func newTestLive(t *testing.T, s *liveServer) (*liveConn, uiRecorder) {
	t.Helper()
	ui := uiRecorder{ch: make(chan action, 64)}
	client := NewClient(s.url, nil)
	l := newLiveConn(liveConfig{
		URL:  "ws" + strings.TrimPrefix(s.url, "http") + "/ws/agent",
		Post: ui.post,
		Send: func(ctx context.Context, conv int64, m model.SendMessage) (model.Message, error) {
			return client.SendMessage(ctx, conv, m)
		},
		SignedOut: func(context.Context) bool { return false },
	})
	t.Cleanup(l.stop)
	return l, ui
}

// A message sent just before the socket drops is sent again, with the same
// client id, on the next connection, and kept until acknowledged.
func TestLiveResendsUnacknowledged(t *testing.T) {
	s := newLiveServer(t)
	l, ui := newTestLive(t, s)
	l.start()
	c1 := s.accept(t)
	ui.next(t, "connection up", isState(true))

	l.sendMessage(5, "client-1", "Hello")
	first := readFrame(t, c1)
	if first.Type != model.EventMessage || first.ConversationID != 5 || first.ClientID != "client-1" || first.Message == nil || first.Message.Body != "Hello" {
		t.Fatalf("frame = %+v", first)
	}
	if p := l.pending(5); len(p) != 1 || p[0].Body != "Hello" {
		t.Fatalf("pending = %+v, want the message", p)
	}

	// The server drops the socket before acknowledging.
	c1.Close(websocket.StatusCode(4000), "resume")
	ui.next(t, "connection down", isState(false))

	c2 := s.accept(t)
	again := readFrame(t, c2)
	if again.ClientID != "client-1" || again.Message.Body != "Hello" {
		t.Fatalf("resent frame = %+v, want the same client id", again)
	}
	stored := model.Message{ConversationID: 5, Seq: 3, ClientID: "client-1", Body: "Hello", AuthorKind: model.AuthorAgent}
	writeFrame(t, c2, model.Event{Type: model.EventAck, ConversationID: 5, ClientID: "client-1", Seq: 3, Message: &stored})
	ack := ui.next(t, "ack", isEvent(model.EventAck)).v.(model.Event)
	if ack.Seq != 3 || ack.ClientID != "client-1" {
		t.Errorf("ack = %+v", ack)
	}
	if p := l.pending(5); len(p) != 0 {
		t.Errorf("pending after ack = %+v", p)
	}

	// Other frames reach the UI as they are.
	writeFrame(t, c2, model.Event{Type: model.EventTyping, ConversationID: 5})
	ui.next(t, "typing", isEvent(model.EventTyping))
	l.typing(5)
	l.markRead(5, 3)
	if ev := readFrame(t, c2); ev.Type != model.EventTyping || ev.ConversationID != 5 {
		t.Errorf("typing frame = %+v", ev)
	}
	if ev := readFrame(t, c2); ev.Type != model.EventRead || ev.Seq != 3 {
		t.Errorf("read frame = %+v", ev)
	}
}

// While the socket is down messages go by REST; a refused one is kept,
// marked, and not sent again until the agent retries it.
func TestLiveFallsBackToREST(t *testing.T) {
	s := newLiveServer(t)
	s.refuse.Store(true)
	l, ui := newTestLive(t, s)
	l.start()
	ui.next(t, "a failed attempt", isState(false))

	l.sendMessage(5, "client-2", "Over HTTP")
	ack := ui.next(t, "ack", isEvent(model.EventAck)).v.(model.Event)
	if ack.ClientID != "client-2" || ack.Message == nil || ack.Message.Seq != 9 || ack.ConversationID != 5 {
		t.Errorf("ack = %+v", ack)
	}
	if p := l.pending(5); len(p) != 0 {
		t.Errorf("pending after the POST = %+v", p)
	}

	l.sendMessage(5, "client-3", "   ")
	refused := ui.next(t, "error", isEvent(model.EventError)).v.(model.Event)
	if refused.ClientID != "client-3" || refused.Error == nil || refused.Error.Code != model.CodeValidation {
		t.Errorf("error = %+v", refused)
	}
	p := l.pending(5)
	if len(p) != 1 || p[0].Failed != "Write something first." {
		t.Fatalf("pending = %+v, want the refused message marked", p)
	}

	// Back online: the refused message stays put.
	s.refuse.Store(false)
	l.reconnectNow()
	c := s.accept(t)
	ui.next(t, "connection up", isState(true))
	l.sendMessage(5, "client-4", "Next")
	if ev := readFrame(t, c); ev.ClientID != "client-4" {
		t.Errorf("first frame = %+v, want the new message only", ev)
	}

	l.discard("client-3")
	if p := l.pending(5); len(p) != 1 || p[0].ClientID != "client-4" {
		t.Errorf("pending after discard = %+v", p)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.posts) != 2 || s.posts[0].ClientID != "client-2" {
		t.Errorf("posts = %+v", s.posts)
	}
}

// A signed-out agent's app stops connecting and says so.
func TestLiveSignedOut(t *testing.T) {
	s := newLiveServer(t)
	s.refuse.Store(true)
	ui := uiRecorder{ch: make(chan action, 64)}
	var checks atomic.Int32
	l := newLiveConn(liveConfig{
		URL:       "ws" + strings.TrimPrefix(s.url, "http") + "/ws/agent",
		Post:      ui.post,
		SignedOut: func(context.Context) bool { return checks.Add(1) >= 2 },
	})
	t.Cleanup(l.stop)
	l.start()
	ui.next(t, "signed out", func(a action) bool { return a.name == actionSignedOut })
	if n := checks.Load(); n != 2 {
		t.Errorf("session checked %d times, want 2", n)
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		n    int
		r    float64
		want time.Duration
	}{
		{1, 0, 500 * time.Millisecond},
		{2, 0, time.Second},
		{4, 0, 4 * time.Second},
		{4, 0.5, 4*time.Second + 400*time.Millisecond},
		{7, 0, 30 * time.Second},
		{100, 0.999, 30*time.Second + 5994*time.Millisecond},
	}
	for _, tt := range tests {
		if got := backoff(tt.n, tt.r); got != tt.want {
			t.Errorf("backoff(%d, %v) = %v, want %v", tt.n, tt.r, got, tt.want)
		}
	}
}

// A message whose POST failed on the network is posted again after the
// next failed connection attempt, with the same client id.
func TestLiveRetriesREST(t *testing.T) {
	s := newLiveServer(t)
	s.refuse.Store(true)
	ui := uiRecorder{ch: make(chan action, 64)}
	client := NewClient(s.url, nil)
	var failures atomic.Int32
	l := newLiveConn(liveConfig{
		URL:  "ws" + strings.TrimPrefix(s.url, "http") + "/ws/agent",
		Post: ui.post,
		Send: func(ctx context.Context, conv int64, m model.SendMessage) (model.Message, error) {
			if failures.Add(1) == 1 {
				return model.Message{}, context.DeadlineExceeded // the network, this time
			}
			return client.SendMessage(ctx, conv, m)
		},
		SignedOut: func(context.Context) bool { return false },
	})
	t.Cleanup(l.stop)
	l.start()
	ui.next(t, "a failed attempt", isState(false))
	l.sendMessage(5, "client-5", "Eventually")
	ack := ui.next(t, "ack", isEvent(model.EventAck)).v.(model.Event)
	if ack.ClientID != "client-5" || failures.Load() != 2 {
		t.Errorf("ack = %+v after %d attempts, want client-5 after 2", ack, failures.Load())
	}
	if p := l.pending(5); len(p) != 0 {
		t.Errorf("pending = %+v", p)
	}
}

// The server going away (a rolling upgrade) is no lost connection: the app
// reconnects at once, says nothing about it, and sends again what was not
// acknowledged.
func TestLiveGoAwayReconnectsQuietly(t *testing.T) {
	s := newLiveServer(t)
	l, ui := newTestLive(t, s)
	l.start()
	c1 := s.accept(t)
	ui.next(t, "connection up", isState(true))
	l.sendMessage(5, "client-6", "Mid-upgrade")
	readFrame(t, c1)

	c1.Close(websocket.StatusCode(model.CloseGoAway), "server shutting down")
	c2 := s.accept(t)
	if again := readFrame(t, c2); again.ClientID != "client-6" {
		t.Fatalf("resent frame = %+v", again)
	}
	// The next state the UI hears about is up again, never down.
	if a := ui.next(t, "a connection state", func(a action) bool { return a.name == actionConnection }); !isState(true)(a) {
		t.Fatalf("UI was told %+v, want only the new connection", a.v)
	}
}
