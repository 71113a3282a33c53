package app

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coder/websocket"
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// Actions the live connection posts to the app's components. Their handlers
// run on the UI goroutine, in the order the frames arrived.
const (
	// actionEvent carries a model.Event: a frame from the server, or an ack
	// standing in for one when a message went by REST.
	actionEvent = "frontdesk.live.event"
	// actionConnection carries a connState whenever the socket opens or
	// drops. Components refetch on every open, so nothing committed while
	// they were not listening is missed.
	actionConnection = "frontdesk.live.connection"
	// actionSignedOut says the session has ended; the app shows the login.
	actionSignedOut = "frontdesk.live.signed-out"
)

const (
	dialTimeout  = 10 * time.Second
	restTimeout  = 20 * time.Second
	maxFrame     = 1 << 20 // a message (8 KiB of text) with its JSON escaping, and room to spare
	firstBackoff = 500 * time.Millisecond
	maxBackoff   = 30 * time.Second
)

// connState is the socket's state.
type connState struct {
	Up bool
}

// liveConfig is what a liveConn needs from its surroundings; the browser's
// comes from browserLive, tests make their own.
type liveConfig struct {
	// URL is the agent socket, ws(s)://host/ws/agent.
	URL string
	// Post hands an action to the UI; it is called from the connection's
	// goroutines and must not block for long.
	Post func(action string, v any)
	// Send posts a message by REST, when the socket is down.
	Send func(ctx context.Context, conv int64, m model.SendMessage) (model.Message, error)
	// MarkRead records a read marker by REST, when the socket is down.
	MarkRead func(ctx context.Context, conv, seq int64) error
	// SignedOut reports whether the session has ended, which a browser's
	// failed websocket handshake cannot tell.
	SignedOut func(ctx context.Context) bool
}

// liveConn is the app's one websocket to /ws/agent. It reconnects with
// backoff and keeps every message the agent sent until the server
// acknowledges it: unacknowledged messages are sent again, with the same
// client id, on every new connection, and by REST while there is none, so a
// message is stored exactly once however the network behaves.
type liveConn struct {
	cfg liveConfig

	mu      sync.Mutex
	conn    *websocket.Conn // nil while down
	cancel  context.CancelFunc
	ctx     context.Context
	wake    chan struct{}
	outbox  []outgoing // oldest first
	running bool
}

// outgoing is a message sent but not yet acknowledged.
type outgoing struct {
	ConversationID int64
	ClientID       string
	Body           string
	// Private makes it a note; Attachments are files uploaded for it.
	Private     bool
	Attachments []model.Attachment
	At          time.Time
	// Failed is why the server refused the message; it is then kept for
	// the agent to retry or discard, and not sent again on its own.
	Failed string
	// posting is true while a REST request for it is in flight.
	posting bool
}

func (o outgoing) attachmentIDs() []int64 {
	var ids []int64
	for _, a := range o.Attachments {
		ids = append(ids, a.ID)
	}
	return ids
}

func newLiveConn(cfg liveConfig) *liveConn {
	return &liveConn{cfg: cfg, wake: make(chan struct{}, 1)}
}

// start connects and keeps connecting until stop. It does nothing when
// already started.
func (l *liveConn) start() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running {
		return
	}
	l.running = true
	l.ctx, l.cancel = context.WithCancel(context.Background())
	go l.run(l.ctx)
}

// stop closes the socket for good and forgets unsent messages: the agent
// has signed out.
func (l *liveConn) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.running {
		return
	}
	l.running = false
	l.cancel()
	if l.conn != nil {
		l.conn.CloseNow() //nolint:errcheck // closing for good
		l.conn = nil
	}
	l.outbox = nil
}

// reconnectNow skips the wait before the next attempt, for when the
// browser says it is back online.
func (l *liveConn) reconnectNow() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// sendMessage sends a message and keeps it until acknowledged.
func (l *liveConn) sendMessage(conv int64, clientID, body string) {
	l.send(outgoing{ConversationID: conv, ClientID: clientID, Body: body})
}

// send sends o (a message, a note, files) and keeps it until acknowledged.
func (l *liveConn) send(o outgoing) {
	l.mu.Lock()
	defer l.mu.Unlock()
	o.At = time.Now()
	l.outbox = append(l.outbox, o)
	l.deliverLocked(len(l.outbox) - 1)
}

// retry sends a refused message again, with the same client id.
func (l *liveConn) retry(clientID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i := l.indexLocked(clientID); i >= 0 {
		l.outbox[i].Failed = ""
		l.deliverLocked(i)
	}
}

// discard forgets a refused message.
func (l *liveConn) discard(clientID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i := l.indexLocked(clientID); i >= 0 {
		l.outbox = slices.Delete(l.outbox, i, i+1)
	}
}

// pending returns the unacknowledged messages of a conversation, oldest
// first.
func (l *liveConn) pending(conv int64) []outgoing {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []outgoing
	for _, o := range l.outbox {
		if o.ConversationID == conv {
			out = append(out, o)
		}
	}
	return out
}

// typing tells the guest the agent is typing. It is dropped while the
// socket is down: it would be stale by the time it arrived.
func (l *liveConn) typing(conv int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writeLocked(model.Event{Type: model.EventTyping, ConversationID: conv})
}

// markRead records that the agent has read conv up to seq.
func (l *liveConn) markRead(conv, seq int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.writeLocked(model.Event{Type: model.EventRead, ConversationID: conv, Seq: seq}) {
		return
	}
	ctx := l.ctx
	if ctx == nil || l.cfg.MarkRead == nil {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(ctx, restTimeout)
		defer cancel()
		l.cfg.MarkRead(ctx, conv, seq) //nolint:errcheck // the next read marker or visit catches up
	}()
}

// deliverLocked sends outbox[i] over the socket, or by REST when there is
// none. A browser's WebSocket.send only queues the frame, so writing here,
// on the caller's goroutine, never waits for the network and keeps frames
// in order.
func (l *liveConn) deliverLocked(i int) {
	o := l.outbox[i]
	if l.writeLocked(model.Event{Type: model.EventMessage, ConversationID: o.ConversationID, ClientID: o.ClientID,
		Message: &model.Message{Body: o.Body, Private: o.Private, AttachmentIDs: o.attachmentIDs()}}) {
		return
	}
	if o.posting || l.ctx == nil || l.cfg.Send == nil {
		return
	}
	l.outbox[i].posting = true
	go l.post(l.ctx, o)
}

// post sends a message by REST. On a network failure the message stays in
// the outbox for the next connection.
func (l *liveConn) post(ctx context.Context, o outgoing) {
	ctx, cancel := context.WithTimeout(ctx, restTimeout)
	defer cancel()
	msg, err := l.cfg.Send(ctx, o.ConversationID, model.SendMessage{ClientID: o.ClientID, Body: o.Body, Private: o.Private, AttachmentIDs: o.attachmentIDs()})

	l.mu.Lock()
	i := l.indexLocked(o.ClientID)
	if i >= 0 {
		l.outbox[i].posting = false
	}
	apiErr, refused := model.AsError(err)
	switch {
	case err == nil:
		if i >= 0 {
			l.outbox = slices.Delete(l.outbox, i, i+1)
		}
	case refused && isSignedOut(err):
		l.mu.Unlock()
		l.postUI(actionSignedOut, nil)
		return
	case refused && apiErr.Status < 500 && apiErr.Status != http.StatusTooManyRequests && i >= 0:
		l.outbox[i].Failed = userMessage(err)
	case i >= 0 && l.conn != nil:
		// The socket came back while the request failed: use it.
		l.deliverLocked(i)
	}
	l.mu.Unlock()

	switch {
	case err == nil:
		l.postUI(actionEvent, model.Event{Type: model.EventAck, ConversationID: o.ConversationID, ClientID: o.ClientID, Seq: msg.Seq, Message: &msg})
	case refused:
		l.postUI(actionEvent, model.Event{Type: model.EventError, ConversationID: o.ConversationID, ClientID: o.ClientID, Error: apiErr})
	}
}

// writeLocked writes a frame if the socket is up and reports whether it
// did.
func (l *liveConn) writeLocked(ev model.Event) bool {
	if l.conn == nil {
		return false
	}
	frame, err := json.Marshal(ev)
	if err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(l.ctx, dialTimeout)
	defer cancel()
	if err := l.conn.Write(ctx, websocket.MessageText, frame); err != nil {
		// The read loop sees the broken socket and reconnects.
		return false
	}
	return true
}

func (l *liveConn) indexLocked(clientID string) int {
	return slices.IndexFunc(l.outbox, func(o outgoing) bool { return o.ClientID == clientID })
}

func (l *liveConn) postUI(action string, v any) {
	if l.cfg.Post != nil {
		l.cfg.Post(action, v)
	}
}

// run connects, reads until the socket drops, and starts again until ctx
// ends.
func (l *liveConn) run(ctx context.Context) {
	failures := 0
	for ctx.Err() == nil {
		dctx, cancel := context.WithTimeout(ctx, dialTimeout)
		conn, _, err := websocket.Dial(dctx, l.cfg.URL, nil)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			l.postUI(actionConnection, connState{})
			if l.cfg.SignedOut != nil && l.cfg.SignedOut(ctx) {
				l.postUI(actionSignedOut, nil)
				return
			}
			// Websockets may be what is failing (a proxy that refuses
			// them): REST gets another try at what waits to be sent.
			l.resend()
			l.sleep(ctx, backoff(failures, rand.Float64()))
			continue
		}
		failures = 0
		conn.SetReadLimit(maxFrame)
		if !l.opened(ctx, conn) {
			conn.CloseNow() //nolint:errcheck // stopped meanwhile
			return
		}
		l.postUI(actionConnection, connState{Up: true})

		err = l.read(ctx, conn)

		l.mu.Lock()
		if l.conn == conn {
			l.conn = nil
		}
		l.mu.Unlock()
		conn.CloseNow() //nolint:errcheck // already broken
		if ctx.Err() != nil {
			return
		}
		if websocket.CloseStatus(err) == model.CloseGoAway {
			// The server is shutting down (a rolling upgrade) and the
			// balancer has another: reconnect at once, and do not tell
			// the agent about a connection that is not really lost.
			continue
		}
		l.postUI(actionConnection, connState{})
		// The server closes sockets it wants resumed (restarts, slow
		// readers); come back soon, but not all clients at once.
		l.sleep(ctx, time.Duration(200+rand.IntN(800))*time.Millisecond)
	}
}

// resend delivers again every message waiting to be sent.
func (l *liveConn) resend() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.resendLocked()
}

func (l *liveConn) resendLocked() {
	for i := range l.outbox {
		if l.outbox[i].Failed == "" {
			l.deliverLocked(i)
		}
	}
}

// opened makes conn the live socket and sends it every unacknowledged
// message, unless the connection was stopped meanwhile.
func (l *liveConn) opened(ctx context.Context, conn *websocket.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ctx.Err() != nil {
		return false
	}
	l.conn = conn
	l.resendLocked()
	return true
}

// read hands every frame to the UI, settling acknowledged messages first,
// until the socket ends; it returns why.
func (l *liveConn) read(ctx context.Context, conn *websocket.Conn) error {
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			return err
		}
		var ev model.Event
		if err := json.Unmarshal(data, &ev); err != nil {
			continue // not ours to understand; the next frame may be
		}
		switch ev.Type {
		case model.EventAck:
			l.settle(ev.ClientID, "")
		case model.EventMessage:
			if ev.Message != nil && ev.Message.ClientID != "" {
				l.settle(ev.Message.ClientID, "")
			}
		case model.EventError:
			if ev.ClientID != "" {
				msg := "The message was not sent."
				if ev.Error != nil && ev.Error.Message != "" {
					msg = ev.Error.Message
				}
				l.settle(ev.ClientID, msg)
			}
		}
		l.postUI(actionEvent, ev)
	}
}

// settle removes an acknowledged message from the outbox, or marks it
// failed when the server refused it.
func (l *liveConn) settle(clientID, failed string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i := l.indexLocked(clientID)
	switch {
	case i < 0:
	case failed != "":
		l.outbox[i].Failed = failed
	default:
		l.outbox = slices.Delete(l.outbox, i, i+1)
	}
}

// sleep waits d, or less when woken or stopped.
func (l *liveConn) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-l.wake:
	}
}

// backoff is the wait after the n-th failed attempt in a row: doubling
// from half a second up to 30 s, with up to 20% jitter (r in [0, 1)) so
// clients cut off together do not come back together.
func backoff(n int, r float64) time.Duration {
	d := firstBackoff
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	return d + time.Duration(float64(d)*0.2*r)
}

var (
	browserLiveOnce sync.Once
	browserLiveConn *liveConn
)

// browserLive returns the browser's live connection, made on first use for
// the origin that served the app. Its actions go through ctx's engine;
// which component's ctx does not matter, as every handler has its own.
// Only call it in the browser.
func browserLive(ctx goapp.Context) *liveConn {
	browserLiveOnce.Do(func() {
		u := goapp.Window().URL()
		scheme := "ws"
		if u.Scheme == "https" {
			scheme = "wss"
		}
		browserLiveConn = newLiveConn(liveConfig{
			URL:  scheme + "://" + u.Host + "/ws/agent",
			Post: func(action string, v any) { ctx.NewActionWithValue(action, v) },
			Send: func(ctx context.Context, conv int64, m model.SendMessage) (model.Message, error) {
				return api().SendMessage(ctx, conv, m)
			},
			MarkRead: func(ctx context.Context, conv, seq int64) error { return api().MarkRead(ctx, conv, seq) },
			SignedOut: func(ctx context.Context) bool {
				_, err := api().Session(ctx)
				return isSignedOut(err)
			},
		})
	})
	return browserLiveConn
}
