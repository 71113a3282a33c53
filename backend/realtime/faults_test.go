package realtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// tracker is what a resuming client has received: how often each seq of
// each conversation arrived.
type tracker struct {
	mu   sync.Mutex
	seqs map[int64]map[int64]int
	// reconnects counts sockets the server closed.
	reconnects int
}

func newTracker() *tracker { return &tracker{seqs: map[int64]map[int64]int{}} }

func (tr *tracker) add(conv, seq int64) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.seqs[conv] == nil {
		tr.seqs[conv] = map[int64]int{}
	}
	tr.seqs[conv][seq]++
}

// have is the last seq of the gap-free run from 1: a client resumes after
// it.
func (tr *tracker) have(conv int64) int64 {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	n := int64(0)
	for tr.seqs[conv][n+1] > 0 {
		n++
	}
	return n
}

// check reports what is missing or doubled against want messages per
// conversation.
func (tr *tracker) check(want map[int64]int64) (missing, doubled []string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for conv, n := range want {
		for seq := int64(1); seq <= n; seq++ {
			switch c := tr.seqs[conv][seq]; {
			case c == 0:
				missing = append(missing, fmt.Sprintf("%d/%d", conv, seq))
			case c > 1:
				doubled = append(doubled, fmt.Sprintf("%d/%dx%d", conv, seq, c))
			}
		}
	}
	return missing, doubled
}

// resumer keeps one socket open, reconnecting whenever the server closes
// it and resuming from what it has, as the widget and the app do.
type resumer struct {
	t     *testing.T
	tr    *tracker
	url   func() string // where to connect now, with ?after= for guests
	jar   http.CookieJar
	convs []int64 // agents: the conversations to resume after reconnecting
	ready chan struct{}
}

func (r *resumer) run(ctx context.Context) {
	first := true
	for ctx.Err() == nil {
		u := r.url()
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		opts := &websocket.DialOptions{HTTPHeader: origin(strings.SplitN(u, "/ws/", 2)[0])}
		if r.jar != nil {
			opts.HTTPClient = &http.Client{Jar: r.jar}
		}
		conn, _, err := websocket.Dial(dctx, "ws"+strings.TrimPrefix(u, "http"), opts)
		cancel()
		if err != nil {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		conn.SetReadLimit(1 << 20)
		if !first {
			for _, c := range r.convs {
				b, _ := json.Marshal(model.Event{Type: model.EventResume, ConversationID: c, Seq: r.tr.have(c)})
				conn.Write(ctx, websocket.MessageText, b) //nolint:errcheck // the read below notices a broken socket
			}
		}
		if first {
			close(r.ready)
			first = false
		}
		for {
			_, b, err := conn.Read(ctx)
			if err != nil {
				break
			}
			var ev model.Event
			json.Unmarshal(b, &ev)
			if ev.Type == model.EventMessage && ev.Message != nil {
				r.tr.add(ev.ConversationID, ev.Message.Seq)
			}
		}
		conn.CloseNow()
		r.tr.mu.Lock()
		r.tr.reconnects++
		r.tr.mu.Unlock()
	}
}

// TestBusOutageMidBurst: the event bus goes away in the middle of a burst
// of messages — the LISTEN connections are killed (PostgreSQL), or the
// nats-server dies and comes back (NATS) — and then the agent's instance is
// restarted. Every message reaches the guests (on the writing instance)
// and the agent (on the other) exactly once: the instances make their
// clients resume, and the clients resume from the seq they have.
func TestBusOutageMidBurst(t *testing.T) {
	eachBus(t, func(t *testing.T, w *world) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		const convs, perConv = 4, 40
		var ids []int64
		guests := newTracker()
		var wg sync.WaitGroup
		defer wg.Wait()
		defer cancel()
		for i := range convs {
			gc := w.startGuest(t, w.a, fmt.Sprintf("visitor-token-%d-0123456789abcdef", i))
			ids = append(ids, gc.ID)
			r := &resumer{t: t, tr: guests, ready: make(chan struct{}), url: func() string {
				return fmt.Sprintf("%s/ws/guest?token=%s&after=%d", w.a.srv.URL, gc.Token, guests.have(gc.ID))
			}}
			wg.Go(func() { r.run(ctx) })
			<-r.ready
		}
		agent := w.login(t, w.b, "anna@acme.test")
		agentTr := newTracker()
		var bmu sync.Mutex
		b := w.b
		ar := &resumer{t: t, tr: agentTr, jar: agent.http.Jar, convs: ids, ready: make(chan struct{}), url: func() string {
			bmu.Lock()
			defer bmu.Unlock()
			return b.srv.URL + "/ws/agent"
		}}
		wg.Go(func() { ar.run(ctx) })
		<-ar.ready

		author := postgres.Author{Kind: model.AuthorGuest, Name: "G"}
		for n := range convs * perConv {
			if n == convs*perConv/3 {
				w.busOutage(t)
			}
			if n == 2*convs*perConv/3 {
				// R1 across a restart: the agent's instance goes, a new one
				// takes its place.
				bmu.Lock()
				b.stop()
				b = startInstance(t, w.dsn, w.kind, w.nats)
				bmu.Unlock()
			}
			conv := ids[n%convs]
			if _, err := w.a.db.AppendMessage(ctx, w.org.ID, conv, author, fmt.Sprint("m", n), fmt.Sprint("Message ", n)); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Millisecond)
		}

		want := map[int64]int64{}
		for _, id := range ids {
			want[id] = perConv
		}
		deadline := time.Now().Add(15 * time.Second)
		for {
			gm, gd := guests.check(want)
			am, _ := agentTr.check(want)
			if len(gm)+len(am) == 0 {
				if len(gd) > 0 {
					t.Fatalf("guests got messages twice: %v", gd)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("missing after the outage: guests %v, agent %v", gm, am)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if guests.reconnects == 0 || agentTr.reconnects == 0 {
			t.Fatalf("the clients were never asked to resume (guests %d, agent %d)", guests.reconnects, agentTr.reconnects)
		}
		// Stored once each, whatever was retried.
		for _, id := range ids {
			msgs, err := w.a.db.Messages(ctx, w.org.ID, id, 0, 1000)
			if err != nil || len(msgs) != perConv {
				t.Fatalf("conversation %d has %d messages (%v), want %d", id, len(msgs), err, perConv)
			}
		}
	})
}

// busOutage takes the event bus away and brings it back.
func (w *world) busOutage(t *testing.T) {
	t.Helper()
	switch w.kind {
	case natsBus:
		w.nats.Stop()
		time.Sleep(200 * time.Millisecond)
		w.nats.Start()
	case pgBus:
		// Kill the instances' LISTEN connections, as a failover or a
		// network cut would.
		var n int
		err := w.a.db.Bun.NewRaw(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND query LIKE 'LISTEN%'`).Scan(context.Background(), &n)
		if err != nil || n != 2 {
			t.Fatalf("terminated %d LISTEN connections (%v), want 2", n, err)
		}
	}
}

// TestGapFill: an announcement is lost (its instance died between the
// commit and the publish). The next message of the conversation shows the
// gap, and each socket fetches what it missed before writing it: every
// client gets every seq once, in order.
func TestGapFill(t *testing.T) {
	w := newWorld(t, pgBus)
	ctx := context.Background()
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
	g := postgres.Author{Kind: model.AuthorGuest, Name: "G"}
	if _, err := w.a.db.AppendMessage(ctx, w.org.ID, gc.ID, g, "1", "one"); err != nil {
		t.Fatal(err)
	}
	agentWS.next(isMessage("one"))
	guestWS.next(isMessage("one"))

	// A store that announces nothing: seqs 2 and 3 commit silently.
	mute, err := postgres.Open(ctx, w.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer mute.Close()
	for _, body := range []string{"two", "three"} {
		if _, err := mute.AppendMessage(ctx, w.org.ID, gc.ID, g, body, body); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.a.db.AppendMessage(ctx, w.org.ID, gc.ID, g, "4", "four"); err != nil {
		t.Fatal(err)
	}
	for name, ws := range map[string]*socket{"agent": agentWS, "guest": guestWS} {
		for _, want := range []string{"two", "three", "four"} {
			ev := ws.next(func(ev model.Event) bool { return ev.Type == model.EventMessage })
			if ev.Message.Body != want {
				t.Fatalf("%s got %q, want %q", name, ev.Message.Body, want)
			}
		}
	}
}

// TestResumeFromSkippedOrUnknownSeq: a client that resumes from a seq it
// has already passed gets what follows it again, once, in order; one that
// resumes from a seq the conversation never reached is told so (seq_ahead,
// with the last seq) and gets the live messages that follow.
func TestResumeFromSkippedOrUnknownSeq(t *testing.T) {
	w := newWorld(t, pgBus)
	ctx := context.Background()
	gc := w.startGuest(t, w.a, "visitor-token-0123456789abcdef")
	g := postgres.Author{Kind: model.AuthorGuest, Name: "G"}
	for i := 1; i <= 5; i++ {
		if _, err := w.a.db.AppendMessage(ctx, w.org.ID, gc.ID, g, fmt.Sprint(i), fmt.Sprint("m", i)); err != nil {
			t.Fatal(err)
		}
	}
	seqs := func(ws *socket, n int) []int64 {
		var out []int64
		for range n {
			out = append(out, ws.next(func(ev model.Event) bool { return ev.Type == model.EventMessage }).Message.Seq)
		}
		return out
	}

	guest, _, err := dial(t, w.a.srv.URL+"/ws/guest?token="+gc.Token+"&after=0", origin(w.a.srv.URL), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := seqs(guest, 5); fmt.Sprint(got) != "[1 2 3 4 5]" {
		t.Fatalf("replay %v", got)
	}
	guest.send(model.Event{Type: model.EventResume, Seq: 2})
	if got := seqs(guest, 3); fmt.Sprint(got) != "[3 4 5]" {
		t.Fatalf("resume after 2: %v", got)
	}
	w.a.db.AppendMessage(ctx, w.org.ID, gc.ID, g, "6", "m6")
	if got := seqs(guest, 1); fmt.Sprint(got) != "[6]" {
		t.Fatalf("live after the resume: %v", got)
	}

	// A seq from nowhere, on connecting and on a live socket.
	ahead, _, err := dial(t, w.b.srv.URL+"/ws/guest?token="+gc.Token+"&after=1000", origin(w.b.srv.URL), nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := ahead.next(func(ev model.Event) bool { return ev.Type == model.EventError || ev.Type == model.EventMessage })
	if ev.Type != model.EventError || ev.Error.Code != model.CodeSeqAhead || ev.Seq != 6 {
		t.Fatalf("resume from 1000: %+v %+v", ev, ev.Error)
	}
	agent := w.login(t, w.a, "anna@acme.test")
	agentWS, _, err := dial(t, w.a.srv.URL+"/ws/agent", origin(w.a.srv.URL), agent.http.Jar)
	if err != nil {
		t.Fatal(err)
	}
	agentWS.send(model.Event{Type: model.EventResume, ConversationID: gc.ID, Seq: 99})
	if ev := agentWS.next(func(ev model.Event) bool { return ev.Type == model.EventError }); ev.Error.Code != model.CodeSeqAhead || ev.Seq != 6 {
		t.Fatalf("agent resume from 99: %+v", ev)
	}
	w.a.db.AppendMessage(ctx, w.org.ID, gc.ID, g, "7", "m7")
	for name, ws := range map[string]*socket{"guest": ahead, "agent": agentWS} {
		if got := seqs(ws, 1); fmt.Sprint(got) != "[7]" {
			t.Fatalf("%s after seq_ahead: %v", name, got)
		}
	}
}

// TestSlowClientIsCutAndResumes: a guest that never reads its socket
// fills its queue; the server cuts it (other clients of the conversation
// are not held up), and when it reconnects from its last seq it gets the
// rest, once each.
func TestSlowClientIsCutAndResumes(t *testing.T) {
	w := newWorld(t, pgBus)
	ctx := context.Background()
	gc := w.startGuest(t, w.a, "visitor-token-0123456789abcdef")
	base := w.a.srv.URL

	// The slow one: a raw socket nobody reads, with a small receive
	// buffer so that the server's writes block soon.
	slow, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws/guest?token="+gc.Token+"&after=0",
		&websocket.DialOptions{HTTPHeader: origin(base), HTTPClient: smallReceiveBuffer()})
	if err != nil {
		t.Fatal(err)
	}
	defer slow.CloseNow()
	fast, _, err := dial(t, base+"/ws/guest?token="+gc.Token+"&after=0", origin(base), nil)
	if err != nil {
		t.Fatal(err)
	}

	big := strings.Repeat("x", model.MaxMessageBytes-10)
	id := w.agent.ID
	a := postgres.Author{Kind: model.AuthorAgent, ID: &id, Name: "Anna"}
	const n = 1000 // 8 MB: more than the kernel buffers between them (tcp_wmem grows to 4 MB)
	// The writer keeps at most window messages ahead of what the reading
	// guest has received, so that guest keeps up however busy the machine
	// is, while the one that never reads falls ever further behind.
	const window = 16
	slots := make(chan struct{}, window)
	var wg sync.WaitGroup
	const writers = 4 // a burst, within the window
	for s := range writers {
		wg.Go(func() {
			for i := s; i < n; i += writers {
				slots <- struct{}{}
				if _, err := w.a.db.AppendMessage(ctx, w.org.ID, gc.ID, a, fmt.Sprint("a", i), big); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for want := int64(1); want <= n; want++ {
		if ev := fast.next(func(ev model.Event) bool { return ev.Type == model.EventMessage }); ev.Message.Seq != want {
			t.Fatalf("the reading guest got seq %d, want %d", ev.Message.Seq, want)
		}
		<-slots
	}
	wg.Wait()

	// The slow guest now reads: some messages, in order, then the cut.
	var last int64
	var code websocket.StatusCode = -1
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for last < n {
		_, b, err := slow.Read(rctx)
		if err != nil {
			code = websocket.CloseStatus(err)
			break
		}
		var ev model.Event
		json.Unmarshal(b, &ev)
		if ev.Type == model.EventMessage {
			if ev.Message.Seq != last+1 {
				t.Fatalf("slow guest got seq %d after %d", ev.Message.Seq, last)
			}
			last = ev.Message.Seq
		}
	}
	if last >= n {
		t.Fatalf("the slow guest was never cut (read all %d)", last)
	}
	if code != -1 && code != 4000 {
		t.Fatalf("closed with %d, want 4000 (resume) or a cut connection", code)
	}
	again, _, err := dial(t, fmt.Sprintf("%s/ws/guest?token=%s&after=%d", base, gc.Token, last), origin(base), nil)
	if err != nil {
		t.Fatal(err)
	}
	for want := last + 1; want <= n; want++ {
		if ev := again.next(func(ev model.Event) bool { return ev.Type == model.EventMessage }); ev.Message.Seq != want {
			t.Fatalf("resumed guest got seq %d, want %d", ev.Message.Seq, want)
		}
	}
}

// smallReceiveBuffer dials with a 4 KiB socket receive buffer.
func smallReceiveBuffer() *http.Client {
	d := &net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var err error
		c.Control(func(fd uintptr) { err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		return err
	}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}
