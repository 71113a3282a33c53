//go:build !js

package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/coder/websocket"

	"github.com/frontdesk/frontdesk/backend/browsertest"
	"github.com/frontdesk/frontdesk/backend/seed"
	"github.com/frontdesk/frontdesk/model"
)

// TestInboxLiveChat is the agent's side of a live chat: a visitor starts a
// conversation on the demo website while Anna has the inbox open; it
// appears without a reload, Anna opens it and replies, the guest gets the
// reply, a guest message sent while the conversation is open appears once,
// and resolving takes it out of "All open".
func TestInboxLiveChat(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	ctx := browsertest.New(t)
	signIn(t, ctx, m.URL(), "anna@demo.frontdesk.test")
	step(t, ctx,
		chromedp.Click(chromedp.ID("view-open")),
		waitJS(`document.querySelector("#view-open").getAttribute("aria-pressed") === "true"`),
	)

	g := &guest{t: t, m: m}
	conv := g.start("Maria Rossi", "maria@example.com")
	g.send(conv.Token, "Hello! Do you ship to Italy?")

	row := "conv-" + strconv.FormatInt(conv.ID, 10)
	step(t, ctx,
		chromedp.WaitVisible(chromedp.ID(row)),
		waitJS(fmt.Sprintf(`document.getElementById(%q).textContent.includes("Do you ship to Italy?")`, row)),
	)
	if got := text(t, ctx, row); !strings.Contains(got, "Maria Rossi") || !strings.Contains(got, "Sales") {
		t.Errorf("row = %q, want the guest's name and the Sales tag", got)
	}
	if got := text(t, ctx, "view-open"); !strings.Contains(got, "1") {
		t.Errorf("All open tab = %q, want an unread count", got)
	}
	// In-app notification: a toast and the count in the title.
	step(t, ctx,
		waitJS(`document.querySelector('#toasts[role="status"]').textContent.includes("New message from Maria Rossi")`),
		waitJS(`document.title === "(1) Inbox · Frontdesk"`),
	)
	shot(t, ctx, "inbox")

	// Open it and reply with Enter.
	step(t, ctx,
		chromedp.Click(chromedp.ID(row)),
		waitJS(`location.pathname === `+strconv.Quote("/c/"+strconv.FormatInt(conv.ID, 10))),
		waitJS(`document.querySelector('#messages [data-seq="1"]') !== null`),
		waitJS(`document.title === "Inbox · Frontdesk"`),
		chromedp.WaitEnabled(chromedp.ID("send")),
		// Shift+Enter starts a new line, Enter sends.
		chromedp.SendKeys(chromedp.ID("composer"), "Yes, we ship to Italy."),
		pressEnter(true),
		chromedp.SendKeys(chromedp.ID("composer"), "And to all of the EU."),
		pressEnter(false),
		waitJS(`[...document.querySelectorAll("#messages [data-seq]")].some(e => e.textContent.includes("to all of the EU"))`),
	)
	step(t, ctx, waitJS(`document.getElementById("guest-name")?.textContent === "Maria Rossi"`))
	if got, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("composer"))); err != nil || got != "" {
		t.Errorf("composer after sending = %q, %v; want it empty", got, err)
	}

	// The guest got the reply, from Anna.
	reply := g.waitFor(conv.Token, "to all of the EU")
	if reply.Body != "Yes, we ship to Italy.\nAnd to all of the EU." || reply.AuthorKind != model.AuthorAgent || reply.AuthorName != "Anna Schmidt" {
		t.Errorf("reply = %+v, want Anna's", reply)
	}

	// Typing, both ways, over the guest's own socket.
	ws := g.socket(conv.Token)
	g.write(ws, model.Event{Type: model.EventTyping})
	step(t, ctx, waitJS(`document.getElementById("typing").textContent === "Maria Rossi is typing…"`))
	step(t, ctx, chromedp.SendKeys(chromedp.ID("composer"), "Let me check"))
	if ev := g.read(ws, model.EventTyping); ev.AgentID == 0 || ev.ConversationID != conv.ID {
		t.Errorf("typing event for the guest = %+v, want the agent's", ev)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("composer").value = ""`)); err != nil {
		t.Fatal(err)
	}

	// A guest message while the conversation is open appears once, and
	// the typing indicator goes.
	g.send(conv.Token, "Great, and how long does it take?")
	step(t, ctx,
		waitJS(`[...document.querySelectorAll("#messages [data-seq]")].some(e => e.textContent.includes("how long does it take"))`),
		waitJS(`document.getElementById("typing").textContent === ""`),
	)
	// Let any duplicate arrive before counting.
	step(t, ctx, chromedp.Sleep(500*time.Millisecond))
	count, err := chromedp.Run(ctx, chromedp.Evaluate[int](
		`[...document.querySelectorAll("#messages [data-seq]")].filter(e => e.textContent.includes("how long does it take")).length`))
	if err != nil || count != 1 {
		t.Fatalf("the guest's message is shown %d times (%v), want once", count, err)
	}
	wantSeqs(t, ctx, "1,2,3")
	// Read while open: no unread count on the row.
	step(t, ctx, waitJS(fmt.Sprintf(`document.querySelector("#%s .count") === null`, row)))
	shot(t, ctx, "conversation")

	// Resolve: it leaves "All open", and the header offers to reopen.
	step(t, ctx,
		chromedp.Click(chromedp.ID("resolve")),
		chromedp.WaitNotPresent(chromedp.ID(row)),
		chromedp.WaitVisible(chromedp.ID("reopen")),
		chromedp.Click(chromedp.ID("view-resolved")),
		chromedp.WaitVisible(chromedp.ID(row)),
	)
	shot(t, ctx, "resolved")

	// On a phone the list and the conversation take turns.
	step(t, ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.WaitNotVisible(chromedp.ID(row)),
		chromedp.WaitVisible(chromedp.ID("composer")),
	)
	shot(t, ctx, "phone-conversation")
	step(t, ctx,
		chromedp.Click(chromedp.CSS(".conv-back")),
		chromedp.WaitVisible(chromedp.ID(row)),
	)
	shot(t, ctx, "phone-inbox")
}

// TestInboxReconnect cuts the agent's live connection and keeps it down
// while the guest writes, the agent replies and a new visitor arrives; once
// it is back, everything is there, once, in order.
func TestInboxReconnect(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	proxy := newCutProxy(t, m.listener.Addr().String())
	ctx := browsertest.New(t)
	signIn(t, ctx, proxy.url, "anna@demo.frontdesk.test")
	step(t, ctx, chromedp.Click(chromedp.ID("view-open")))

	g := &guest{t: t, m: m}
	conv := g.start("Tom Becker", "tom@example.com")
	g.send(conv.Token, "First question")
	row := "conv-" + strconv.FormatInt(conv.ID, 10)
	step(t, ctx,
		chromedp.Click(chromedp.ID(row)),
		waitJS(`document.querySelector('#messages [data-seq="1"]') !== null`),
		chromedp.WaitEnabled(chromedp.ID("send")),
	)

	// Down: the socket is cut and cannot come back; plain HTTP still works.
	proxy.cut()
	step(t, ctx, waitJS(`document.getElementById("connection").textContent === "Reconnecting…"`))

	g.send(conv.Token, "Second, while you were away")
	other := g.start("Lea Wolf", "lea@example.com")
	g.send(other.Token, "Anyone there?")
	// The reply goes by REST meanwhile.
	step(t, ctx,
		chromedp.SendKeys(chromedp.ID("composer"), "Sorry, connection trouble."),
		pressEnter(false),
		waitJS(`[...document.querySelectorAll("#messages [data-seq]")].some(e => e.textContent.includes("connection trouble"))`),
	)
	g.waitFor(conv.Token, "connection trouble")
	// The reply's seq showed a gap, which is filled by REST too.
	step(t, ctx, waitJS(`document.querySelector('#messages [data-seq="2"]') !== null`))
	wantSeqs(t, ctx, "1,2,3")

	// What the socket alone would bring waits for it.
	g.send(conv.Token, "One more thing")
	time.Sleep(time.Second)
	if got := text(t, ctx, "connection"); got != "Reconnecting…" {
		t.Fatalf("connection = %q while cut", got)
	}
	for _, s := range []string{"One more thing", "Lea Wolf"} {
		if page := text(t, ctx, "inbox"); strings.Contains(page, s) {
			t.Fatalf("%q shown while the socket is down: the test does not test reconnecting", s)
		}
	}
	shot(t, ctx, "offline")

	// Back: what was missed appears, once, in order.
	proxy.restore()
	step(t, ctx,
		waitJS(`document.getElementById("connection").textContent === "Live"`),
		waitJS(`document.querySelector('#messages [data-seq="4"]')?.textContent.includes("One more thing") === true`),
		chromedp.WaitVisible(chromedp.ID("conv-"+strconv.FormatInt(other.ID, 10))),
	)
	wantSeqs(t, ctx, "1,2,3,4")
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#messages .msg-pending").length`)); err != nil || n != 0 {
		t.Errorf("%d messages still pending (%v)", n, err)
	}

	// A reply written while fully cut off is sent when the socket is back.
	proxy.cut()
	step(t, ctx, waitJS(`document.getElementById("connection").textContent === "Reconnecting…"`))
	proxy.refuseHTTP(true)
	step(t, ctx,
		chromedp.SendKeys(chromedp.ID("composer"), "Are you still there?"),
		pressEnter(false),
		waitJS(`document.querySelector("#messages .msg-pending")?.textContent.includes("still there") === true`),
	)
	shot(t, ctx, "pending")
	proxy.refuseHTTP(false)
	proxy.restore()
	step(t, ctx,
		waitJS(`document.querySelector('#messages [data-seq="5"]')?.textContent.includes("still there") === true`),
		waitJS(`document.querySelector("#messages .msg-pending") === null`),
	)
	if n := g.count(conv.Token, "Are you still there?"); n != 1 {
		t.Errorf("the guest has the reply %d times, want once", n)
	}

	// Live again: the next guest message is pushed.
	g.send(conv.Token, "Thanks!")
	step(t, ctx, waitJS(`document.querySelector('#messages [data-seq="6"]')?.textContent.includes("Thanks!") === true`))
	wantSeqs(t, ctx, "1,2,3,4,5,6")
	shot(t, ctx, "back")
}

// cutProxy forwards TCP connections to the server, as the network between
// browser and server. It can cut the agent websockets and refuse new ones,
// and refuse plain HTTP as well.
type cutProxy struct {
	url    string
	target string

	mu       sync.Mutex
	wsDown   bool
	httpDown bool
	conns    map[net.Conn]bool // open connections: true for websockets
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	p := &cutProxy{url: "http://" + ln.Addr().String(), target: target, conns: map[net.Conn]bool{}}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.forward(c)
		}
	}()
	return p
}

// forward pipes one connection, which the first request line says is the
// agent websocket or plain HTTP (browsers give websockets their own
// connections).
func (p *cutProxy) forward(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	line, err := br.ReadString('\n')
	if err != nil {
		return
	}
	ws := strings.HasPrefix(line, "GET /ws/agent")
	p.mu.Lock()
	refused := (ws && p.wsDown) || (!ws && p.httpDown)
	if !refused {
		p.conns[c] = ws
	}
	p.mu.Unlock()
	if refused {
		return
	}
	defer func() {
		p.mu.Lock()
		delete(p.conns, c)
		p.mu.Unlock()
	}()
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer up.Close()
	if _, err := io.WriteString(up, line); err != nil {
		return
	}
	go func() {
		io.Copy(c, up)
		c.Close()
	}()
	io.Copy(up, br)
}

// cut closes the agent websockets and refuses new ones until restore.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.wsDown = true
	p.closeLocked(true)
}

// closeLocked closes the open websockets, or the open HTTP connections.
func (p *cutProxy) closeLocked(websockets bool) {
	for c, ws := range p.conns {
		if ws == websockets {
			c.Close()
		}
	}
}

func (p *cutProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.wsDown = false
}

// refuseHTTP cuts plain HTTP too, or lets it through again.
func (p *cutProxy) refuseHTTP(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.httpDown = down
	if down {
		p.closeLocked(false)
	}
}

// wantSeqs checks the seqs of the messages shown, in page order.
func wantSeqs(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	seqs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#messages [data-seq]")].map(e => e.dataset.seq)`))
	if err != nil || strings.Join(seqs, ",") != want {
		t.Errorf("messages shown = %v (%v), want seq %s", seqs, err, want)
	}
}

// signIn signs a demo agent in and waits for the live connection.
func signIn(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	step(t, ctx,
		chromedp.EmulateViewport(1440, 1000),
		chromedp.Navigate(base+"/login"),
		// The form works once the app runs: its button is enabled.
		chromedp.WaitEnabled(chromedp.ID("login-submit")),
		chromedp.SendKeys(chromedp.ID("login-email"), email),
		chromedp.SendKeys(chromedp.ID("login-password"), seed.DemoPassword),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("view-open")),
		waitJS(`document.getElementById("connection").textContent === "Live"`),
	)
}

// pressEnter presses Enter (with Shift) as a keyboard does: one keyDown
// carrying the text, which the page may cancel. (kb.Enter sends the text in
// a separate char event that no page can cancel.)
func pressEnter(shift bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		down := input.DispatchKeyEventParams{Type: kb.KeyDown, Key: "Enter", Code: "Enter",
			WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13, Text: "\r", UnmodifiedText: "\r"}
		if shift {
			down.Modifiers = int64(chromedp.ModifierShift)
		}
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, down); err != nil {
			return err
		}
		up := down
		up.Type, up.Text, up.UnmodifiedText = kb.KeyUp, "", ""
		_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, up)
		return err
	})
}

// waitJS waits until a JavaScript expression is true.
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond))(ctx, t)
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", expr, err)
		}
		return nil
	})
}

// shot saves a screenshot of the tab to $BROWSERTEST_ARTIFACTS, when set,
// for people to look at the screens.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv(browsertest.ArtifactsDirEnv)
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.MkdirAll(dir, 0o755); err == nil {
		err = os.WriteFile(filepath.Join(dir, t.Name()+"-"+name+".png"), png, 0o644)
	}
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}

// guest is a website visitor, speaking the public API as the widget does.
type guest struct {
	t *testing.T
	m *Main
}

func (g *guest) start(name, email string) model.GuestConversation {
	g.t.Helper()
	b := make([]byte, 18)
	rand.Read(b)
	var conv model.GuestConversation
	g.do(http.MethodPost, "/api/v1/public/widgets/wk_demo_website/conversations",
		model.StartConversation{VisitorToken: base64.RawURLEncoding.EncodeToString(b), Name: name, Email: email}, &conv)
	if conv.ID == 0 || conv.Token == "" {
		g.t.Fatalf("started conversation = %+v", conv)
	}
	return conv
}

func (g *guest) send(token, body string) model.Message {
	g.t.Helper()
	var msg model.Message
	g.do(http.MethodPost, "/api/v1/public/conversations/"+token+"/messages",
		model.SendMessage{ClientID: "guest-" + strconv.FormatInt(time.Now().UnixNano(), 36), Body: body}, &msg)
	return msg
}

// socket opens the guest's websocket, as the widget does from the
// server's own origin.
func (g *guest) socket(token string) *websocket.Conn {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(g.m.URL(), "http") + "/ws/guest?token=" + token
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {g.m.URL()}}})
	if err != nil {
		g.t.Fatalf("guest socket: %v", err)
	}
	g.t.Cleanup(func() { c.CloseNow() })
	return c
}

func (g *guest) write(c *websocket.Conn, ev model.Event) {
	g.t.Helper()
	b, _ := json.Marshal(ev)
	if err := c.Write(context.Background(), websocket.MessageText, b); err != nil {
		g.t.Fatalf("guest socket: %v", err)
	}
}

// read returns the next event of type typ on the guest's socket.
func (g *guest) read(c *websocket.Conn, typ model.EventType) model.Event {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			g.t.Fatalf("guest socket: waiting for %s: %v", typ, err)
		}
		var ev model.Event
		if json.Unmarshal(data, &ev) == nil && ev.Type == typ {
			return ev
		}
	}
}

// count is how many of the guest's messages are body.
func (g *guest) count(token, body string) int {
	g.t.Helper()
	var msgs []model.Message
	g.do(http.MethodGet, "/api/v1/public/conversations/"+token+"/messages?after=0", nil, &msgs)
	n := 0
	for _, m := range msgs {
		if m.Body == body {
			n++
		}
	}
	return n
}

// waitFor polls the guest's messages until one contains s.
func (g *guest) waitFor(token, s string) model.Message {
	g.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var msgs []model.Message
		g.do(http.MethodGet, "/api/v1/public/conversations/"+token+"/messages?after=0", nil, &msgs)
		for _, m := range msgs {
			if strings.Contains(m.Body, s) {
				return m
			}
		}
		if time.Now().After(deadline) {
			g.t.Fatalf("the guest never got %q; messages: %+v", s, msgs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (g *guest) do(method, path string, in, out any) {
	g.t.Helper()
	var body bytes.Buffer
	if in != nil {
		if err := json.NewEncoder(&body).Encode(in); err != nil {
			g.t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, g.m.URL()+path, &body)
	if err != nil {
		g.t.Fatal(err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		var e model.ErrorResponse
		json.NewDecoder(res.Body).Decode(&e)
		g.t.Fatalf("%s %s: %d %+v\nserver log:\n%s", method, path, res.StatusCode, e.Error, g.m.Stdout.(*syncWriter).String())
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		g.t.Fatalf("%s %s: decode: %v", method, path, err)
	}
}
