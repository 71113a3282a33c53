package realtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/frontdesk/frontdesk/backend/api"
	"github.com/frontdesk/frontdesk/backend/eventbus/natsbus"
	"github.com/frontdesk/frontdesk/backend/natstest"
	"github.com/frontdesk/frontdesk/backend/password"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/realtime"
	"github.com/frontdesk/frontdesk/model"
)

const pw = "correct horse battery"

// instance is one server process: its own pool, hub and HTTP server.
type instance struct {
	db   *postgres.DB
	hub  *realtime.Hub
	srv  *httptest.Server
	stop func() // as a graceful shutdown would
}

// busKind names an event bus the multi-instance tests run on.
type busKind string

const (
	pgBus   busKind = "postgres"
	natsBus busKind = "nats"
)

// eachBus runs a test once per event bus: every instance of the NATS run
// talks to one nats-server of its own.
func eachBus(t *testing.T, test func(t *testing.T, w *world)) {
	for _, kind := range []busKind{pgBus, natsBus} {
		t.Run(string(kind), func(t *testing.T) { test(t, newWorld(t, kind)) })
	}
}

func startInstance(t *testing.T, dsn string, kind busKind, nats *natstest.Server) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := api.DefaultConfig()
	cfg.PublicBurst = 10000
	s := api.New(cfg, db, log)
	var opts []realtime.Option
	closeBus := func() {}
	if kind == natsBus {
		bus, err := natsbus.Connect(nats.URL, t.Name(), log)
		if err != nil {
			t.Fatal(err)
		}
		closeBus = bus.Close
		opts = append(opts, realtime.WithBus(bus))
	}
	hub := realtime.New(db, log, nil, opts...)
	s.SetHub(hub)
	done := make(chan struct{})
	go func() { defer close(done); hub.Run(ctx) }()
	select {
	case <-hub.Ready():
	case <-time.After(10 * time.Second):
		t.Fatalf("%s bus not ready", kind)
	}
	srv := httptest.NewServer(s.Handler())
	var once sync.Once
	in := &instance{db: db, hub: hub, srv: srv}
	in.stop = func() {
		once.Do(func() {
			hub.Shutdown(context.Background())
			srv.Close()
			cancel()
			<-done
			closeBus()
			db.Close()
		})
	}
	t.Cleanup(in.stop)
	return in
}

// world is an organization with an agent and a widget, and another
// organization with its own agent and conversation.
type world struct {
	dsn        string
	kind       busKind
	nats       *natstest.Server
	a, b       *instance
	org        model.Organization
	agent      model.Agent
	widget     model.Widget
	alienAgent model.Agent
	alienConv  postgres.GuestAccess
}

func newWorld(t *testing.T, kind busKind) *world {
	t.Helper()
	w := &world{dsn: pgtest.DSN(t), kind: kind}
	if kind == natsBus {
		w.nats = natstest.Start(t)
	}
	w.a = startInstance(t, w.dsn, kind, w.nats)
	w.b = startInstance(t, w.dsn, kind, w.nats)
	ctx := context.Background()
	db := w.a.db
	hash, _ := password.Hash(pw)
	w.org, _ = db.CreateOrganization(ctx, "Acme")
	var err error
	w.agent, err = db.CreateAgent(ctx, w.org.ID, postgres.NewAgent{Email: "anna@acme.test", Name: "Anna", Slug: "anna", TimeZone: "UTC", Role: model.RoleAgent, License: model.LicenseStandard, PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	w.widget, err = db.CreateWidget(ctx, w.org.ID, model.Widget{PublicKey: "wk_test", Name: "Site", Color: "#2563eb"})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := db.CreateOrganization(ctx, "Other")
	w.alienAgent, _ = db.CreateAgent(ctx, other.ID, postgres.NewAgent{Email: "x@other.test", Name: "X", Slug: "x", TimeZone: "UTC", Role: model.RoleAdmin, License: model.LicenseStandard, PasswordHash: hash})
	w.alienConv, _, err = db.StartConversation(ctx, postgres.NewConversation{OrganizationID: other.ID, Channel: model.ChannelWidget, AccessToken: "alienalienalienalienalien", Guest: model.Guest{Name: "Z"}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func call(t *testing.T, c *http.Client, method, url string, body, out any, hdr map[string]string) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %s", method, url, res.StatusCode, b)
		}
	}
	return res.StatusCode
}

// startGuest opens a widget conversation through instance in.
func (w *world) startGuest(t *testing.T, in *instance, visitor string) model.GuestConversation {
	t.Helper()
	var gc model.GuestConversation
	st := call(t, http.DefaultClient, "POST", in.srv.URL+"/api/v1/public/widgets/wk_test/conversations",
		model.StartConversation{VisitorToken: visitor, Name: "Gina Guest", Email: "gina@example.com"}, &gc, nil)
	if st != 201 && st != 200 {
		t.Fatalf("start conversation: %d", st)
	}
	return gc
}

type agentClient struct {
	http *http.Client
	csrf string
	base string
}

func (w *world) login(t *testing.T, in *instance, email string) *agentClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &agentClient{http: &http.Client{Jar: jar}, base: in.srv.URL}
	var s model.Session
	if st := call(t, c.http, "POST", in.srv.URL+"/api/v1/auth/login", model.LoginRequest{Email: email, Password: pw}, &s, nil); st != 200 {
		t.Fatalf("login: %d", st)
	}
	c.csrf = s.CSRFToken
	return c
}

// socket is a test websocket client collecting events.
type socket struct {
	t    *testing.T
	conn *websocket.Conn
	ch   chan model.Event
}

func dial(t *testing.T, url string, hdr http.Header, jar http.CookieJar) (*socket, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	opts := &websocket.DialOptions{HTTPHeader: hdr}
	if jar != nil {
		opts.HTTPClient = &http.Client{Jar: jar}
	}
	conn, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http"), opts)
	if err != nil {
		return nil, res, err
	}
	s := &socket{t: t, conn: conn, ch: make(chan model.Event, 1000)}
	go func() {
		defer close(s.ch)
		for {
			_, b, err := conn.Read(context.Background())
			if err != nil {
				return
			}
			var ev model.Event
			json.Unmarshal(b, &ev)
			s.ch <- ev
		}
	}()
	t.Cleanup(func() { conn.CloseNow() })
	return s, res, nil
}

func origin(base string) http.Header {
	h := http.Header{}
	h.Set("Origin", base)
	return h
}

func (s *socket) send(ev model.Event) {
	s.t.Helper()
	b, _ := json.Marshal(ev)
	if err := s.conn.Write(context.Background(), websocket.MessageText, b); err != nil {
		s.t.Fatal(err)
	}
}

// next waits for the next event matching ok.
func (s *socket) next(ok func(model.Event) bool) model.Event {
	s.t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev, open := <-s.ch:
			if !open {
				s.t.Fatal("socket closed while waiting")
			}
			if ok(ev) {
				return ev
			}
		case <-timeout:
			s.t.Fatal("timed out waiting for an event")
		}
	}
}

func isMessage(body string) func(model.Event) bool {
	return func(ev model.Event) bool {
		return ev.Type == model.EventMessage && ev.Message != nil && ev.Message.Body == body
	}
}

func TestCrossInstanceDelivery(t *testing.T) { eachBus(t, testCrossInstanceDelivery) }

func testCrossInstanceDelivery(t *testing.T, w *world) {
	gc := w.startGuest(t, w.a, "visitor-token-0123456789abcdef")
	agent := w.login(t, w.b, "anna@acme.test")
	agentWS, _, err := dial(t, w.b.srv.URL+"/ws/agent", origin(w.b.srv.URL), agent.http.Jar)
	if err != nil {
		t.Fatal(err)
	}
	guestWS, _, err := dial(t, w.a.srv.URL+"/ws/guest?token="+gc.Token+"&after=0", origin(w.a.srv.URL), nil)
	if err != nil {
		t.Fatal(err)
	}

	// Guest on A → agent on B.
	guestWS.send(model.Event{Type: model.EventMessage, ClientID: "g1", Message: &model.Message{Body: "Hello from A"}})
	ack := guestWS.next(func(ev model.Event) bool { return ev.Type == model.EventAck })
	if ack.ClientID != "g1" || ack.Seq != 1 {
		t.Fatalf("ack = %+v", ack)
	}
	got := agentWS.next(isMessage("Hello from A"))
	if got.ConversationID != gc.ID || got.Message.AuthorKind != model.AuthorGuest || got.Message.Seq != 1 {
		t.Fatalf("agent got %+v", got.Message)
	}

	// Agent on B → guest on A, and the agent's typing reaches the guest.
	agentWS.send(model.Event{Type: model.EventTyping, ConversationID: gc.ID})
	guestWS.next(func(ev model.Event) bool { return ev.Type == model.EventTyping && ev.AgentID == w.agent.ID })
	agentWS.send(model.Event{Type: model.EventMessage, ConversationID: gc.ID, ClientID: "a1", Message: &model.Message{Body: "Hi from B"}})
	reply := guestWS.next(isMessage("Hi from B"))
	if reply.Message.Seq != 2 || reply.Message.AuthorName != "Anna" {
		t.Fatalf("guest got %+v", reply.Message)
	}
}

func TestIdempotentSendAndSequence(t *testing.T) {
	w := newWorld(t, pgBus)
	gc := w.startGuest(t, w.a, "visitor-token-0123456789abcdef")
	url := w.a.srv.URL + "/api/v1/public/conversations/" + gc.Token + "/messages"
	var first, second model.Message
	if st := call(t, http.DefaultClient, "POST", url, model.SendMessage{ClientID: "same", Body: "once"}, &first, nil); st != 201 {
		t.Fatalf("first: %d", st)
	}
	if st := call(t, http.DefaultClient, "POST", url, model.SendMessage{ClientID: "same", Body: "once"}, &second, nil); st != 200 {
		t.Fatalf("retry: %d", st)
	}
	if first.ID != second.ID || first.Seq != second.Seq {
		t.Fatalf("retry stored a second copy: %+v vs %+v", first, second)
	}

	// Concurrent senders, some retrying: seq 2..N+1 with no gaps or doubles.
	const senders, each = 8, 15
	var wg sync.WaitGroup
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := fmt.Sprintf("s%d-%d", s, i)
				for range 1 + i%2 { // every other message is sent twice
					_, err := w.a.db.AppendMessage(context.Background(), w.org.ID, gc.ID, postgres.Author{Kind: model.AuthorGuest, Name: "G"}, id, "m "+id)
					if err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	wg.Wait()
	msgs, err := w.a.db.Messages(context.Background(), w.org.ID, gc.ID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1+senders*each {
		t.Fatalf("%d messages stored, want %d", len(msgs), 1+senders*each)
	}
	for i, m := range msgs {
		if m.Seq != int64(i+1) {
			t.Fatalf("message %d has seq %d", i, m.Seq)
		}
	}
}

func TestResumeReplaysInOrderThenLive(t *testing.T) { eachBus(t, testResumeReplaysInOrderThenLive) }

func testResumeReplaysInOrderThenLive(t *testing.T, w *world) {
	gc := w.startGuest(t, w.a, "visitor-token-0123456789abcdef")
	for i := 1; i <= 5; i++ {
		if _, err := w.a.db.AppendMessage(context.Background(), w.org.ID, gc.ID, postgres.Author{Kind: model.AuthorGuest, Name: "G"}, fmt.Sprint(i), fmt.Sprint("m", i)); err != nil {
			t.Fatal(err)
		}
	}
	guest, _, err := dial(t, w.b.srv.URL+"/ws/guest?token="+gc.Token+"&after=2", origin(w.b.srv.URL), nil)
	if err != nil {
		t.Fatal(err)
	}
	for want := int64(3); want <= 5; want++ {
		ev := guest.next(func(ev model.Event) bool { return ev.Type == model.EventMessage })
		if ev.Message.Seq != want {
			t.Fatalf("replayed seq %d, want %d", ev.Message.Seq, want)
		}
	}
	w.a.db.AppendMessage(context.Background(), w.org.ID, gc.ID, postgres.Author{Kind: model.AuthorGuest, Name: "G"}, "6", "m6")
	if ev := guest.next(func(ev model.Event) bool { return ev.Type == model.EventMessage }); ev.Message.Seq != 6 {
		t.Fatalf("live seq %d, want 6 exactly once", ev.Message.Seq)
	}
}

func TestBadInput(t *testing.T) {
	w := newWorld(t, pgBus)
	gc := w.startGuest(t, w.a, "visitor-token-0123456789abcdef")
	base := w.a.srv.URL

	t.Run("forged token", func(t *testing.T) {
		var er model.ErrorResponse
		if st := call(t, http.DefaultClient, "GET", base+"/api/v1/public/conversations/forgedforgedforgedforged/messages", nil, &er, nil); st != 404 || er.Error.Code != model.CodeNotFound {
			t.Fatalf("%d %+v", st, er.Error)
		}
		if _, res, err := dial(t, base+"/ws/guest?token=forgedforgedforgedforged", origin(base), nil); err == nil || res == nil || res.StatusCode != 404 {
			t.Fatalf("forged websocket token: err=%v res=%v", err, res)
		}
	})
	t.Run("bad origin", func(t *testing.T) {
		if _, res, err := dial(t, base+"/ws/guest?token="+gc.Token, origin("https://evil.example"), nil); err == nil || res == nil || res.StatusCode != 403 {
			t.Fatalf("cross-origin websocket accepted: err=%v", err)
		}
		agent := w.login(t, w.a, "anna@acme.test")
		if _, res, err := dial(t, base+"/ws/agent", origin("https://evil.example"), agent.http.Jar); err == nil || res == nil || res.StatusCode != 403 {
			t.Fatalf("cross-origin agent websocket accepted: err=%v", err)
		}
	})
	t.Run("oversize message", func(t *testing.T) {
		var er model.ErrorResponse
		big := strings.Repeat("x", model.MaxMessageBytes+1)
		if st := call(t, http.DefaultClient, "POST", base+"/api/v1/public/conversations/"+gc.Token+"/messages", model.SendMessage{ClientID: "big", Body: big}, &er, nil); st != 422 || er.Error.Fields["body"] == "" {
			t.Fatalf("%d %+v", st, er.Error)
		}
		guest, _, err := dial(t, base+"/ws/guest?token="+gc.Token, origin(base), nil)
		if err != nil {
			t.Fatal(err)
		}
		guest.send(model.Event{Type: model.EventMessage, ClientID: "big2", Message: &model.Message{Body: "   "}})
		ev := guest.next(func(ev model.Event) bool { return ev.Type == model.EventError })
		if ev.ClientID != "big2" || ev.Error.Code != model.CodeValidation {
			t.Fatalf("error event %+v", ev)
		}
		if msgs, _ := w.a.db.Messages(context.Background(), w.org.ID, gc.ID, 0, 10); len(msgs) != 0 {
			t.Fatalf("refused messages were stored: %+v", msgs)
		}
	})
	t.Run("another tenant's conversation", func(t *testing.T) {
		agent := w.login(t, w.a, "anna@acme.test")
		id := fmt.Sprint(w.alienConv.Conversation.ID)
		hdr := map[string]string{model.CSRFHeader: agent.csrf}
		var er model.ErrorResponse
		if st := call(t, agent.http, "GET", base+"/api/v1/conversations/"+id+"/messages", nil, &er, nil); st != 404 {
			t.Fatalf("read other tenant's messages: %d", st)
		}
		if st := call(t, agent.http, "POST", base+"/api/v1/conversations/"+id+"/messages", model.SendMessage{ClientID: "x", Body: "hi"}, &er, hdr); st != 404 {
			t.Fatalf("write other tenant's conversation: %d", st)
		}
		ws, _, err := dial(t, base+"/ws/agent", origin(base), agent.http.Jar)
		if err != nil {
			t.Fatal(err)
		}
		ws.send(model.Event{Type: model.EventMessage, ConversationID: w.alienConv.Conversation.ID, ClientID: "y", Message: &model.Message{Body: "hi"}})
		if ev := ws.next(func(ev model.Event) bool { return ev.Type == model.EventError }); ev.Error.Code != model.CodeNotFound {
			t.Fatalf("error %+v", ev.Error)
		}
		if msgs, _ := w.a.db.Messages(context.Background(), w.alienConv.Conversation.OrganizationID, w.alienConv.Conversation.ID, 0, 10); len(msgs) != 0 {
			t.Fatal("a message reached another tenant's conversation")
		}
	})
	t.Run("unknown conversation", func(t *testing.T) {
		agent := w.login(t, w.a, "anna@acme.test")
		if st := call(t, agent.http, "GET", base+"/api/v1/conversations/999999", nil, nil, nil); st != 404 {
			t.Fatalf("unknown conversation: %d", st)
		}
	})
}

func TestGuestMessageReopensResolved(t *testing.T) {
	w := newWorld(t, pgBus)
	gc := w.startGuest(t, w.a, "visitor-token-0123456789abcdef")
	ctx := context.Background()
	if _, err := w.a.db.SetStatus(ctx, w.org.ID, gc.ID, model.StatusResolved); err != nil {
		t.Fatal(err)
	}
	res, err := w.a.db.AppendMessage(ctx, w.org.ID, gc.ID, postgres.Author{Kind: model.AuthorGuest, Name: "G"}, "r", "back again")
	if err != nil || !res.Reopened {
		t.Fatalf("reopen: %+v %v", res, err)
	}
	c, _ := w.a.db.Conversation(ctx, w.org.ID, gc.ID, 0)
	if c.Status != model.StatusOpen {
		t.Fatalf("status %s", c.Status)
	}
}

func TestVisitorFindsConversationAgain(t *testing.T) { eachBus(t, testVisitorFindsConversationAgain) }

func testVisitorFindsConversationAgain(t *testing.T, w *world) {
	first := w.startGuest(t, w.a, "visitor-token-0123456789abcdef")
	again := w.startGuest(t, w.b, "visitor-token-0123456789abcdef")
	if first.ID != again.ID || first.Token != again.Token {
		t.Fatalf("the same visitor got a second conversation")
	}
	var cur model.GuestConversation
	if st := call(t, http.DefaultClient, "GET", w.a.srv.URL+"/api/v1/public/widgets/wk_test/conversations/current?visitor=visitor-token-0123456789abcdef", nil, &cur, nil); st != 200 || cur.ID != first.ID {
		t.Fatalf("current: %d %+v", st, cur)
	}
	other := w.startGuest(t, w.a, "another-visitor-0123456789abcdef")
	if other.ID == first.ID {
		t.Fatal("two visitors share a conversation")
	}
}
