package realtime

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/frontdesk/frontdesk/backend/eventbus"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

const (
	// Frames queued per socket before it counts as slow. A guest's one
	// conversation rarely bursts; an agent sees the whole organization.
	// The queue is a slice that grows while frames wait and is let go when
	// they are written: an idle socket holds none.
	guestQueue = 64
	agentQueue = 256

	pingEvery    = 20 * time.Second // keeps proxies from closing idle sockets and finds dead peers
	writeTimeout = 10 * time.Second
	frameTimeout = 30 * time.Second // handling one frame from a client
	readLimit    = 16 << 10
	replayPage   = 200

	// Buffers of a hijacked connection: net/http's are 4 KiB each and
	// coder/websocket keeps them for the socket's life. Guests' frames are
	// small; larger ones bypass a bufio buffer anyway.
	readBuffer  = 256
	writeBuffer = 512

	// StatusResume is the close code that asks the client to reconnect and
	// resume from its last sequence number.
	StatusResume websocket.StatusCode = model.CloseResume
	// StatusGoAway tells the client the server is going away: reconnect
	// at once, elsewhere (see Hub.GoAway).
	StatusGoAway websocket.StatusCode = model.CloseGoAway
)

// frame is something to write to a socket.
type frame struct {
	kind frameKind
	data []byte // nil for a message whose text must be loaded
	conv int64
	// seq is a message's seq (live messages and acks carrying one);
	// for a resume, the seq to replay after.
	seq int64
}

type frameKind uint8

const (
	frameLive   frameKind = iota // an event; messages are checked against the seq written
	frameAck                     // the sender's ack: always written, even for a seq the client has
	frameResume                  // replay the conversation's messages after seq
)

// client is one websocket.
type client struct {
	hub  *Hub
	conn *websocket.Conn

	orgID   int64
	agentID int64 // agents
	name    string
	guest   bool
	convID  int64         // guests: the one conversation
	limiter *rate.Limiter // guests

	pingSlot uint8 // which of the hub's ping ticks is this socket's

	mu      sync.Mutex
	queue   []frame
	writing bool // a writer goroutine is running
	pingDue bool
	done    bool
	// The highest message seq written, per conversation: a guest's one
	// (known says whether it is set), an agent's many.
	last   int64
	known  bool
	lastBy map[int64]int64

	kickOnce sync.Once
}

func (c *client) audience() string {
	if c.guest {
		return "guest"
	}
	return "agent"
}

func (c *client) topic() eventbus.Topic {
	if c.guest {
		return eventbus.Topic{Organization: c.orgID, Conversation: c.convID}
	}
	return eventbus.Topic{Organization: c.orgID}
}

// skip reports whether the client caused ev itself and need not see it.
// Messages are never skipped: the sender learns the stored seq from them.
func (c *client) skip(ev model.Event) bool {
	switch ev.Type {
	case model.EventTyping, model.EventRead:
		if c.guest {
			return ev.AgentID == 0
		}
		return ev.AgentID == c.agentID
	}
	return false
}

// kickWait bounds the close handshake of a kicked socket: a client that
// does not read never answers it.
const kickWait = 2 * time.Second

// kick closes the socket with StatusResume; safe from any goroutine.
func (c *client) kick(reason string) { c.close(StatusResume, reason) }

// close closes the socket with code, once; safe from any goroutine.
func (c *client) close(code websocket.StatusCode, reason string) {
	c.kickOnce.Do(func() {
		go func() {
			t := time.AfterFunc(kickWait, func() { c.conn.CloseNow() }) //nolint:errcheck // cutting it off
			c.conn.Close(code, reason)                                  //nolint:errcheck // best effort; the reader ends either way
			t.Stop()
		}()
	})
}

// ServeAgent upgrades an authenticated agent's request. The caller has
// checked the session; websocket.Accept checks that the Origin is this
// server's own.
func (h *Hub) ServeAgent(w http.ResponseWriter, r *http.Request, s model.Session) {
	c := &client{hub: h, orgID: s.Agent.OrganizationID, agentID: s.Agent.ID, name: s.Agent.Name}
	h.serve(w, r, c, nil)
}

// ServeGuest upgrades a guest's request for the conversation the access
// token opened. With ?after=N it first replays the messages after seq N.
func (h *Hub) ServeGuest(w http.ResponseWriter, r *http.Request, a postgres.GuestAccess) {
	name := a.Conversation.Guest.Name
	if name == "" {
		name = "Guest"
	}
	c := &client{hub: h, orgID: a.Conversation.OrganizationID, guest: true, convID: a.Conversation.ID, name: name,
		limiter: rate.NewLimiter(5, 20)}
	var first []frame
	if q := r.URL.Query(); q.Has("after") {
		after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
		after = max(after, 0)
		if last := a.Conversation.LastSeq; after > last {
			first = append(first, seqAhead(c.convID, last))
			after = last
		}
		first = append(first, frame{kind: frameResume, conv: c.convID, seq: after})
	}
	h.serve(w, r, c, first)
}

// seqAhead tells a client it asked for messages after a seq the
// conversation never reached.
func seqAhead(conv, last int64) frame {
	data, _ := json.Marshal(model.Event{Type: model.EventError, ConversationID: conv, Seq: last,
		Error: model.Errorf(422, model.CodeSeqAhead, "This conversation has %d messages; continuing after the last one.", last)})
	return frame{kind: frameLive, data: data}
}

// serve upgrades the request and returns: the socket lives on in a reader
// goroutine of its own (the handler's stack, grown by the middleware and
// the upgrade, is let go) and a writer that runs while frames are queued.
// first is queued before the socket is registered, so a replay goes out
// before any live frame.
func (h *Hub) serve(w http.ResponseWriter, r *http.Request, c *client, first []frame) {
	h.mu.RLock()
	closing := h.closing
	h.mu.RUnlock()
	if closing {
		// A client reconnecting to an instance on its way out: a balancer
		// retries elsewhere, a client reconnects.
		w.Header().Set("Connection", "close")
		w.Header().Set("Retry-After", "0")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(model.ErrorResponse{Error: &model.Error{Code: model.CodeShuttingDown, Message: "This instance is shutting down; connect again."}}) //nolint:errcheck
		return
	}
	conn, err := websocket.Accept(smallBuffers{w}, r, nil)
	if err != nil {
		h.log.Info("websocket refused", "err", err, "origin", r.Header.Get("Origin"))
		return // Accept has written the response
	}
	conn.SetReadLimit(readLimit)
	c.conn = conn
	c.queue = first
	c.pingSlot = uint8(rand.IntN(pingSlots))
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	if err := h.register(ctx, c); err != nil {
		h.log.Warn("websocket: watch events", "err", err)
		conn.Close(StatusResume, "events unavailable; please resume") //nolint:errcheck // best effort
		return
	}
	c.startWriter()
	go c.readLoop()
}

// smallBuffers hands websocket.Accept the hijacked connection with small
// bufio buffers instead of net/http's 4 KiB ones, which coder/websocket
// would keep for the socket's life (8 KiB per idle socket). Bytes the
// client sent after its request stay in net/http's reader, which is then
// kept.
type smallBuffers struct{ http.ResponseWriter }

func (w smallBuffers) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	br := brw.Reader
	if br.Buffered() == 0 {
		br = bufio.NewReaderSize(conn, readBuffer)
	}
	return conn, bufio.NewReadWriter(br, bufio.NewWriterSize(conn, writeBuffer)), nil
}

// Unwrap lets http.ResponseController reach the writer underneath.
func (w smallBuffers) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type enqueued uint8

const (
	queued enqueued = iota
	full
	closed
)

// enqueue adds f to the socket's queue and makes sure a writer runs.
func (c *client) enqueue(f frame) enqueued {
	c.mu.Lock()
	if c.done {
		c.mu.Unlock()
		return closed
	}
	limit := agentQueue
	if c.guest {
		limit = guestQueue
	}
	if len(c.queue) >= limit {
		c.mu.Unlock()
		return full
	}
	c.queue = append(c.queue, f)
	start := !c.writing
	c.writing = true
	c.mu.Unlock()
	if start {
		go c.writeLoop()
	}
	return queued
}

// ping asks the writer to ping the client.
func (c *client) ping() {
	c.mu.Lock()
	if c.done {
		c.mu.Unlock()
		return
	}
	c.pingDue = true
	start := !c.writing
	c.writing = true
	c.mu.Unlock()
	if start {
		go c.writeLoop()
	}
}

// startWriter runs a writer if frames were queued before registration.
func (c *client) startWriter() {
	c.mu.Lock()
	start := !c.writing && len(c.queue) > 0
	c.writing = c.writing || start
	c.mu.Unlock()
	if start {
		go c.writeLoop()
	}
}

// writeLoop writes what is queued and exits when nothing is left.
func (c *client) writeLoop() {
	for {
		c.mu.Lock()
		if c.done || (len(c.queue) == 0 && !c.pingDue) {
			c.writing = false
			c.mu.Unlock()
			return
		}
		batch, ping := c.queue, c.pingDue
		c.queue, c.pingDue = nil, false
		c.mu.Unlock()

		for _, f := range batch {
			if err := c.writeFrame(f); err != nil {
				c.fail(err)
				return
			}
		}
		if ping {
			ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
			err := c.conn.Ping(ctx)
			cancel()
			if err != nil {
				c.fail(err)
				return
			}
		}
	}
}

// fail ends a socket whose writes fail; the reader then unregisters it.
func (c *client) fail(err error) {
	c.mu.Lock()
	c.done, c.writing, c.queue = true, false, nil
	c.mu.Unlock()
	if !errors.Is(err, net.ErrClosed) {
		c.hub.log.Debug("websocket write", "err", err)
	}
	c.conn.CloseNow() //nolint:errcheck // already failing
}

func (c *client) write(data []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	return c.conn.Write(ctx, websocket.MessageText, data)
}

func (c *client) lastSeq(conv int64) (int64, bool) {
	if c.guest {
		return c.last, c.known
	}
	seq, ok := c.lastBy[conv]
	return seq, ok
}

func (c *client) setLast(conv, seq int64) {
	if c.guest {
		c.last, c.known = seq, true
		return
	}
	if c.lastBy == nil {
		c.lastBy = map[int64]int64{}
	}
	c.lastBy[conv] = seq
}

// writeFrame writes one frame, keeping each conversation's messages in
// order, once each. Only the writer goroutine calls it.
func (c *client) writeFrame(f frame) error {
	switch {
	case f.kind == frameResume:
		// The client says what it has: replay after it, even what was
		// written before (it asked).
		last, err := c.replay(f.conv, f.seq)
		c.setLast(f.conv, last)
		return err
	case f.seq == 0:
		return c.write(f.data)
	}
	last, known := c.lastSeq(f.conv)
	if !known {
		if f.data != nil {
			c.setLast(f.conv, f.seq)
			return c.write(f.data)
		}
		last, known = f.seq-1, true
	}
	if f.seq > last+1 || (f.data == nil && f.seq > last) {
		// Messages before this one committed before it; the bus has not
		// brought them (yet): fetch them, in order.
		n, err := c.replay(f.conv, last)
		if err != nil {
			return err
		}
		c.hub.gapFills.Add(float64(max(n-last-1, 0)))
		last = n
		c.setLast(f.conv, last)
	}
	if f.data == nil || (f.seq <= last && f.kind == frameLive) {
		return nil // written already
	}
	if err := c.write(f.data); err != nil {
		return err
	}
	if f.seq > last {
		c.setLast(f.conv, f.seq)
	}
	return nil
}

// replay writes every message of conv after seq after and returns the last
// seq written.
func (c *client) replay(conv, after int64) (int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), frameTimeout)
	defer cancel()
	last := after
	for {
		read := c.hub.db.Messages
		if c.guest {
			read = c.hub.db.GuestMessages // never the agents' notes
		}
		msgs, err := read(ctx, c.orgID, conv, last, replayPage)
		if err != nil {
			return last, err
		}
		for i := range msgs {
			data, _ := json.Marshal(model.Event{Type: model.EventMessage, ConversationID: conv, Message: &msgs[i], Seq: msgs[i].Seq})
			if err := c.write(data); err != nil {
				return last, err
			}
			last = msgs[i].Seq
		}
		if len(msgs) < replayPage {
			return last, nil
		}
	}
}

// readLoop handles the client's frames until the socket closes, then
// unregisters it.
func (c *client) readLoop() {
	defer func() {
		c.mu.Lock()
		c.done, c.queue = true, nil
		c.mu.Unlock()
		c.hub.unregister(c)
		c.conn.CloseNow() //nolint:errcheck // closed already, or closing
	}()
	for {
		// A context that never ends: coder/websocket then sets no timer per
		// read. Closing the connection ends the read.
		_, data, err := c.conn.Read(context.Background())
		if err != nil {
			return
		}
		var ev model.Event
		if err := json.Unmarshal(data, &ev); err != nil {
			c.reply(model.Event{Type: model.EventError, Error: model.Errorf(400, model.CodeInvalidJSON, "Frames must be JSON events.")})
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), frameTimeout)
		c.handle(ctx, ev)
		cancel()
	}
}

// reply queues a frame for this client only.
func (c *client) reply(ev model.Event) {
	data, err := json.Marshal(ev)
	if err != nil {
		return
	}
	c.hub.send(c, frame{kind: frameLive, data: data})
}

func (c *client) handle(ctx context.Context, ev model.Event) {
	conv := ev.ConversationID
	if c.guest {
		conv = c.convID
	}
	switch ev.Type {
	case model.EventMessage:
		c.handleMessage(ctx, conv, ev)
	case model.EventTyping:
		if conv == 0 {
			return
		}
		if !c.guest && !c.owns(ctx, conv) {
			return
		}
		c.hub.Publish(ctx, []eventbus.Envelope{{OrganizationID: c.orgID, ConversationID: conv,
			Event: model.Event{Type: model.EventTyping, ConversationID: conv, AgentID: c.agentID}}})
	case model.EventRead:
		var err error
		if c.guest {
			err = c.hub.db.MarkGuestRead(ctx, c.orgID, conv, ev.Seq)
		} else {
			err = c.hub.db.MarkRead(ctx, c.orgID, conv, c.agentID, ev.Seq)
		}
		if err != nil {
			c.hub.log.Warn("mark read", "err", err)
			return
		}
		c.hub.Publish(ctx, []eventbus.Envelope{{OrganizationID: c.orgID, ConversationID: conv,
			Event: model.Event{Type: model.EventRead, ConversationID: conv, AgentID: c.agentID, Seq: ev.Seq}}})
	case model.EventResume:
		c.handleResume(ctx, conv, max(ev.Seq, 0))
	default:
		c.reply(model.Event{Type: model.EventError, Error: model.Errorf(400, model.CodeValidation, "Unknown event type %q.", ev.Type)})
	}
}

// handleResume replays a conversation's messages after seq: a client that
// noticed a gap, or an agent opening a conversation.
func (c *client) handleResume(ctx context.Context, conv, after int64) {
	notFound := func() {
		c.reply(model.Event{Type: model.EventError, ConversationID: conv, Error: model.Errorf(404, model.CodeNotFound, "Conversation not found.")})
	}
	if conv == 0 {
		notFound()
		return
	}
	last, err := c.hub.db.LastSeq(ctx, c.orgID, conv) // in the client's organization, or not found
	switch {
	case postgres.IsNotFound(err):
		notFound()
		return
	case err != nil:
		c.hub.log.Warn("resume", "err", err)
		c.kick("resume failed")
		return
	case after > last:
		c.hub.send(c, seqAhead(conv, last))
		after = last
	}
	c.hub.send(c, frame{kind: frameResume, conv: conv, seq: after})
}

// owns reports whether an agent's organization holds the conversation.
func (c *client) owns(ctx context.Context, conv int64) bool {
	_, err := c.hub.db.LastSeq(ctx, c.orgID, conv)
	return err == nil
}

func (c *client) handleMessage(ctx context.Context, conv int64, ev model.Event) {
	fail := func(err error) {
		e, ok := model.AsError(err)
		if !ok {
			c.hub.log.Error("store message", "err", err)
			e = model.Errorf(500, model.CodeInternal, "The message could not be stored. Please retry.")
		}
		c.reply(model.Event{Type: model.EventError, ConversationID: conv, ClientID: ev.ClientID, Error: e})
	}
	if ev.Message == nil || ev.ClientID == "" {
		fail(model.Errorf(422, model.CodeValidation, "A message needs client_id and message.body."))
		return
	}
	if c.limiter != nil && !c.limiter.Allow() {
		fail(model.Errorf(429, model.CodeRateLimited, "You are sending messages too fast."))
		return
	}
	author := postgres.Author{Kind: model.AuthorGuest, Name: c.name}
	if !c.guest {
		id := c.agentID
		author = postgres.Author{Kind: model.AuthorAgent, ID: &id, Name: c.name}
	}
	if ev.Message.Private && c.guest {
		fail(model.Errorf(403, model.CodeForbidden, "Only agents write private notes."))
		return
	}
	res, err := c.hub.db.Post(ctx, c.orgID, conv, postgres.NewMessage{Author: author, ClientID: ev.ClientID,
		Body: ev.Message.Body, AttachmentIDs: ev.Message.AttachmentIDs, Private: ev.Message.Private})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return
		}
		fail(err)
		return
	}
	// Committed and announced: now, and only now, acknowledge.
	data, err := json.Marshal(model.Event{Type: model.EventAck, ConversationID: conv, ClientID: ev.ClientID, Seq: res.Message.Seq, Message: &res.Message})
	if err != nil {
		return
	}
	c.hub.send(c, frame{kind: frameAck, data: data, conv: conv, seq: res.Message.Seq})
}
