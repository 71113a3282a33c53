package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

const (
	queueSize    = 128              // frames buffered per socket before it counts as slow
	pingEvery    = 20 * time.Second // keeps proxies from closing idle sockets and finds dead peers
	writeTimeout = 10 * time.Second
	readLimit    = 16 << 10
	replayPage   = 200
	// StatusResume is the close code that asks the client to reconnect and
	// resume from its last sequence number.
	StatusResume websocket.StatusCode = model.CloseResume
	// StatusGoAway tells the client the server is going away: reconnect
	// at once, elsewhere (see Hub.GoAway).
	StatusGoAway websocket.StatusCode = model.CloseGoAway
)

// client is one websocket.
type client struct {
	hub    *Hub
	conn   *websocket.Conn
	out    chan []byte
	resume chan resumeRequest

	orgID   int64
	agentID int64 // agents
	name    string
	guest   bool
	convID  int64 // guests: the one conversation

	limiter  *rate.Limiter
	kickOnce sync.Once
	cancel   context.CancelFunc
}

type resumeRequest struct{ conv, after int64 }

func (c *client) audience() string {
	if c.guest {
		return "guest"
	}
	return "agent"
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

// kick closes the socket with StatusResume; safe from any goroutine.
func (c *client) kick(reason string) { c.close(StatusResume, reason) }

// close closes the socket with code, once; safe from any goroutine.
func (c *client) close(code websocket.StatusCode, reason string) {
	c.kickOnce.Do(func() {
		go func() {
			c.conn.Close(code, reason) //nolint:errcheck // best effort
			c.cancel()
		}()
	})
}

// ServeAgent upgrades an authenticated agent's request. The caller has
// checked the session; websocket.Accept checks that the Origin is this
// server's own.
func (h *Hub) ServeAgent(w http.ResponseWriter, r *http.Request, s model.Session) {
	c := &client{hub: h, orgID: s.Agent.OrganizationID, agentID: s.Agent.ID, name: s.Agent.Name}
	h.serve(w, r, c, 0, 0)
}

// ServeGuest upgrades a guest's request for the conversation the access
// token opened.
func (h *Hub) ServeGuest(w http.ResponseWriter, r *http.Request, a postgres.GuestAccess) {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	name := a.Conversation.Guest.Name
	if name == "" {
		name = "Guest"
	}
	c := &client{hub: h, orgID: a.Conversation.OrganizationID, guest: true, convID: a.Conversation.ID, name: name,
		limiter: rate.NewLimiter(5, 20)}
	replay := int64(-1)
	if r.URL.Query().Has("after") {
		replay = max(after, 0)
	}
	h.serve(w, r, c, a.Conversation.ID, replay)
}

func (h *Hub) serve(w http.ResponseWriter, r *http.Request, c *client, conv, after int64) {
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
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		h.log.Info("websocket refused", "err", err, "origin", r.Header.Get("Origin"))
		return // Accept has written the response
	}
	conn.SetReadLimit(readLimit)
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()
	c.conn, c.cancel = conn, cancel
	c.out = make(chan []byte, queueSize)
	c.resume = make(chan resumeRequest, 4)

	// Register before replaying so nothing committed in between is missed;
	// the writer replays first and then sends the live frames, skipping the
	// messages the replay already covered.
	h.register(c)
	defer h.unregister(c)
	if after >= 0 {
		c.resume <- resumeRequest{conv: conv, after: after}
	}
	go c.writeLoop(ctx)
	c.readLoop(ctx)
	conn.CloseNow() //nolint:errcheck
}

func (c *client) writeLoop(ctx context.Context) {
	defer c.cancel()
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	// Highest seq written per conversation, to drop live copies of
	// messages a replay already sent.
	var sent map[int64]int64
	doResume := func(req resumeRequest) bool {
		if sent == nil {
			sent = map[int64]int64{}
		}
		last, err := c.replay(ctx, req)
		if err != nil {
			c.hub.log.Warn("replay", "conversation", req.conv, "err", err)
			c.kick("replay failed")
			return false
		}
		sent[req.conv] = max(sent[req.conv], last)
		return true
	}
	for {
		// Resume requests go first: a live frame written before the replay
		// it belongs after would arrive out of order.
		select {
		case req := <-c.resume:
			if !doResume(req) {
				return
			}
			continue
		default:
		}
		select {
		case <-ctx.Done():
			return
		case req := <-c.resume:
			if !doResume(req) {
				return
			}
		case frame := <-c.out:
			if sent != nil {
				if conv, seq, ok := messageSeq(frame); ok && seq <= sent[conv] {
					continue
				} else if ok {
					sent[conv] = seq
				}
			}
			if err := c.write(ctx, frame); err != nil {
				return
			}
		case <-ping.C:
			pctx, cancel := context.WithTimeout(ctx, writeTimeout)
			err := c.conn.Ping(pctx)
			cancel()
			if err != nil {
				return
			}
		}
	}
}

func (c *client) write(ctx context.Context, frame []byte) error {
	wctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	return c.conn.Write(wctx, websocket.MessageText, frame)
}

// replay writes every message of conv after req.after and returns the last
// seq written.
func (c *client) replay(ctx context.Context, req resumeRequest) (int64, error) {
	last := req.after
	for {
		read := c.hub.db.Messages
		if c.guest {
			read = c.hub.db.GuestMessages // never the agents' notes
		}
		msgs, err := read(ctx, c.orgID, req.conv, last, replayPage)
		if err != nil {
			return last, err
		}
		for i := range msgs {
			frame, _ := json.Marshal(model.Event{Type: model.EventMessage, ConversationID: req.conv, Message: &msgs[i], Seq: msgs[i].Seq})
			if err := c.write(ctx, frame); err != nil {
				return last, err
			}
			last = msgs[i].Seq
		}
		if len(msgs) < replayPage {
			return last, nil
		}
	}
}

// messageSeq peeks at a frame's type, conversation and seq without a full
// decode of the message body.
func messageSeq(frame []byte) (conv, seq int64, ok bool) {
	var head struct {
		Type           model.EventType `json:"type"`
		ConversationID int64           `json:"conversation_id"`
		Seq            int64           `json:"seq"`
	}
	if json.Unmarshal(frame, &head) != nil || head.Type != model.EventMessage {
		return 0, 0, false
	}
	return head.ConversationID, head.Seq, true
}

func (c *client) readLoop(ctx context.Context) {
	for {
		_, data, err := c.conn.Read(ctx)
		if err != nil {
			return
		}
		var ev model.Event
		if err := json.Unmarshal(data, &ev); err != nil {
			c.reply(model.Event{Type: model.EventError, Error: model.Errorf(400, model.CodeInvalidJSON, "Frames must be JSON events.")})
			continue
		}
		c.handle(ctx, ev)
	}
}

// reply queues a frame for this client only.
func (c *client) reply(ev model.Event) {
	frame, err := json.Marshal(ev)
	if err != nil {
		return
	}
	c.hub.send(c, frame)
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
		c.hub.db.Publish(ctx, postgres.Notification{OrganizationID: c.orgID, ConversationID: conv, //nolint:errcheck // typing is best effort
			Event: model.Event{Type: model.EventTyping, ConversationID: conv, AgentID: c.agentID}})
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
		c.hub.db.Publish(ctx, postgres.Notification{OrganizationID: c.orgID, ConversationID: conv, //nolint:errcheck // read receipts are best effort
			Event: model.Event{Type: model.EventRead, ConversationID: conv, AgentID: c.agentID, Seq: ev.Seq}})
	case model.EventResume:
		if conv == 0 || (!c.guest && !c.owns(ctx, conv)) {
			c.reply(model.Event{Type: model.EventError, ConversationID: conv, Error: model.Errorf(404, model.CodeNotFound, "Conversation not found.")})
			return
		}
		select {
		case c.resume <- resumeRequest{conv: conv, after: max(ev.Seq, 0)}:
		default:
			c.kick("too many resumes at once")
		}
	default:
		c.reply(model.Event{Type: model.EventError, Error: model.Errorf(400, model.CodeValidation, "Unknown event type %q.", ev.Type)})
	}
}

// owns reports whether an agent's organization holds the conversation.
func (c *client) owns(ctx context.Context, conv int64) bool {
	_, err := c.hub.db.Conversation(ctx, c.orgID, conv, c.agentID)
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
	// Committed: now, and only now, acknowledge.
	c.reply(model.Event{Type: model.EventAck, ConversationID: conv, ClientID: ev.ClientID, Seq: res.Message.Seq, Message: &res.Message})
}
