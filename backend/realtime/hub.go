// Package realtime carries live events to agents' apps and guests' widgets
// over websockets.
//
// Every event starts as a PostgreSQL notification sent inside the
// transaction that caused it (see postgres.NotifyChannel). Each server
// instance LISTENs and fans the events out to its own sockets, so an event
// committed on one instance reaches clients on all of them, and an event
// whose transaction rolled back reaches nobody. Clients that miss events (a
// dropped socket, a slow reader, a lost LISTEN connection) resume from the
// last sequence number they have: the messages are in Postgres.
package realtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// Hub tracks this instance's sockets and routes events to them.
type Hub struct {
	db       *postgres.DB
	log      *slog.Logger
	instance string

	mu     sync.RWMutex
	agents map[int64]map[*client]struct{} // by organization
	guests map[int64]map[*client]struct{} // by conversation
	online map[int64]int                  // agent id → open sockets here

	ready   chan struct{} // closed once LISTEN is active
	closing bool          // GoAway was called: new sockets are refused (under mu)

	connections *prometheus.GaugeVec
	delivered   prometheus.Counter
	dropped     prometheus.Counter
	delay       prometheus.Histogram // message stored → fanned out here
}

// New creates a hub; call Run to start listening.
func New(db *postgres.DB, log *slog.Logger, reg prometheus.Registerer) *Hub {
	b := make([]byte, 8)
	rand.Read(b) //nolint:errcheck // never fails on Linux
	h := &Hub{
		db: db, log: log, instance: hex.EncodeToString(b),
		agents: map[int64]map[*client]struct{}{},
		guests: map[int64]map[*client]struct{}{},
		online: map[int64]int{},
		ready:  make(chan struct{}),
		connections: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "frontdesk_ws_connections", Help: "Open websocket connections by audience.",
		}, []string{"audience"}),
		delivered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "frontdesk_ws_events_delivered_total", Help: "Events queued to websocket clients.",
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "frontdesk_ws_slow_clients_dropped_total", Help: "Clients disconnected because their queue was full.",
		}),
		delay: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "frontdesk_ws_delivery_seconds",
			Help:    "Time from a message's transaction to its fan-out to this instance's sockets (the database's clock against this instance's).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
	}
	if reg != nil {
		reg.MustRegister(h.connections, h.delivered, h.dropped, h.delay)
	}
	return h
}

// Ready is closed once the hub listens for events; sockets opened before
// that could miss an event committed in between.
func (h *Hub) Ready() <-chan struct{} { return h.ready }

// Run listens for events until ctx ends, reconnecting after failures. After
// a reconnect every socket is closed, because events may have been missed
// while the listener was away: clients resume and replay from Postgres.
func (h *Hub) Run(ctx context.Context) error {
	presence := time.NewTicker(30 * time.Second)
	defer presence.Stop()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-presence.C:
				if err := h.db.RefreshPresence(ctx, h.instance); err != nil && ctx.Err() == nil {
					h.log.Warn("refresh presence", "err", err)
				}
			}
		}
	}()

	backoff := 100 * time.Millisecond
	first := true
	for {
		err := h.listen(ctx, h.db.Pool, func() {
			if first {
				close(h.ready)
				first = false
			} else {
				h.closeAll("event stream restarted; please resume")
			}
			backoff = 100 * time.Millisecond
		})
		if ctx.Err() != nil {
			h.closeAll("server shutting down")
			return nil
		}
		h.log.Warn("event listener lost; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (h *Hub) listen(ctx context.Context, pool *pgxpool.Pool, listening func()) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire: %w", err)
	}
	// The connection is dedicated to LISTEN for good; never give it back.
	raw := conn.Hijack()
	defer raw.Close(context.WithoutCancel(ctx))
	if _, err := raw.Exec(ctx, "LISTEN "+pgx.Identifier{postgres.NotifyChannel}.Sanitize()); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	listening()
	for {
		n, err := raw.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("wait: %w", err)
		}
		var note postgres.Notification
		if err := json.Unmarshal([]byte(n.Payload), &note); err != nil {
			h.log.Error("bad notification", "err", err)
			continue
		}
		h.dispatch(ctx, note)
	}
}

// dispatch sends one event to the sockets that should see it. The frame is
// encoded once for all of them.
func (h *Hub) dispatch(ctx context.Context, n postgres.Notification) {
	ev := n.Event
	if ev.Type == model.EventMessage && ev.Message == nil {
		// Too large for the notification: load it.
		msgs, err := h.db.Messages(ctx, n.OrganizationID, n.ConversationID, ev.Seq-1, 1)
		if err != nil || len(msgs) == 0 {
			h.log.Error("load notified message", "conversation", n.ConversationID, "seq", ev.Seq, "err", err)
			return
		}
		ev.Message = &msgs[0]
	}
	if ev.Type == model.EventMessage && ev.Message != nil && !ev.Message.CreatedAt.IsZero() {
		h.delay.Observe(max(time.Since(ev.Message.CreatedAt), 0).Seconds())
	}
	frame, err := json.Marshal(ev)
	if err != nil {
		h.log.Error("encode event", "err", err)
		return
	}
	guestFrame := frame
	if ev.Type == model.EventConversation && ev.Conversation != nil {
		// Guests see the status change, not the agents' view of it.
		guestFrame, _ = json.Marshal(model.Event{Type: ev.Type, ConversationID: ev.ConversationID,
			Conversation: &model.Conversation{ID: ev.Conversation.ID, Status: ev.Conversation.Status, AssigneeID: ev.Conversation.AssigneeID}})
	}

	h.mu.RLock()
	defer h.mu.RUnlock()
	for c := range h.agents[n.OrganizationID] {
		if c.skip(ev) {
			continue
		}
		h.send(c, frame)
	}
	// A guest whose data was erased has lost the token that opened the
	// socket: it is closed rather than fed. Agents-only events (private
	// notes) never reach a guest's socket.
	erased := ev.Type == model.EventConversation && ev.Conversation != nil && ev.Conversation.Guest.Erased
	if n.ConversationID != 0 && ev.Type != model.EventPresence && !n.AgentsOnly {
		for c := range h.guests[n.ConversationID] {
			if erased {
				c.close(websocket.StatusPolicyViolation, "this conversation is no longer available")
				continue
			}
			if c.skip(ev) {
				continue
			}
			h.send(c, guestFrame)
		}
	}
}

// send queues a frame; a client whose queue is full is cut off rather than
// allowed to hold everyone else up. It resumes when it reconnects.
func (h *Hub) send(c *client, frame []byte) {
	select {
	case c.out <- frame:
		h.delivered.Inc()
	default:
		h.dropped.Inc()
		c.kick("too slow: resume from your last sequence number")
	}
}

func (h *Hub) register(c *client) {
	h.mu.Lock()
	if h.closing {
		// Accepted just as GoAway ran: send it on its way too.
		c.close(StatusGoAway, "server shutting down: reconnect")
	}
	set := h.agents
	key := c.orgID
	if c.guest {
		set, key = h.guests, c.convID
	}
	if set[key] == nil {
		set[key] = map[*client]struct{}{}
	}
	set[key][c] = struct{}{}
	first := false
	if !c.guest {
		h.online[c.agentID]++
		first = h.online[c.agentID] == 1
	}
	h.mu.Unlock()
	h.connections.WithLabelValues(c.audience()).Inc()
	if first {
		h.presence(c, true)
	}
}

func (h *Hub) unregister(c *client) {
	h.mu.Lock()
	set := h.agents
	key := c.orgID
	if c.guest {
		set, key = h.guests, c.convID
	}
	delete(set[key], c)
	if len(set[key]) == 0 {
		delete(set, key)
	}
	last := false
	if !c.guest {
		h.online[c.agentID]--
		if h.online[c.agentID] <= 0 {
			delete(h.online, c.agentID)
			last = true
		}
	}
	h.mu.Unlock()
	h.connections.WithLabelValues(c.audience()).Dec()
	if last {
		h.presence(c, false)
	}
}

func (h *Hub) presence(c *client, online bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.db.SetPresence(ctx, h.instance, c.orgID, c.agentID, online); err != nil {
		h.log.Warn("set presence", "err", err)
		return
	}
	if err := h.db.Publish(ctx, postgres.Notification{OrganizationID: c.orgID, Event: model.Event{Type: model.EventPresence, AgentID: c.agentID, Online: online}}); err != nil {
		h.log.Warn("publish presence", "err", err)
	}
}

func (h *Hub) closeAll(reason string) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	h.closeAllLocked(StatusResume, reason)
}

func (h *Hub) closeAllLocked(code websocket.StatusCode, reason string) {
	for _, set := range []map[int64]map[*client]struct{}{h.agents, h.guests} {
		for _, cs := range set {
			for c := range cs {
				c.close(code, reason)
			}
		}
	}
}

// GoAway closes every socket with StatusGoAway, which clients take as
// "reconnect now" rather than as an error: the instance is shutting down
// and the load balancer sends them to another. Sockets asked for from now
// on are refused with 503 shutting_down. Call it once the listener is
// closed (http.Server.RegisterOnShutdown).
func (h *Hub) GoAway() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closing = true
	h.closeAllLocked(StatusGoAway, "server shutting down: reconnect")
}

// waitClosed waits until every socket has finished its closing handshake
// (or ctx ends), so that clients get the close code and not a reset.
func (h *Hub) waitClosed(ctx context.Context) {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		h.mu.RLock()
		n := len(h.agents) + len(h.guests)
		h.mu.RUnlock()
		if n == 0 {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Shutdown ends this instance's presence so agents do not look online
// after it stops.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.GoAway()
	h.waitClosed(ctx)
	_, err := h.db.Bun.ExecContext(ctx, "DELETE FROM presence WHERE instance_id = ?", h.instance)
	if err != nil {
		return errors.Join(fmt.Errorf("clear presence: %w", err))
	}
	return nil
}
