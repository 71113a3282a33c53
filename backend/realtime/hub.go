// Package realtime carries live events to agents' apps and guests' widgets
// over websockets.
//
// Events are raised by the store inside the transaction that causes them
// and announced after it commits (postgres.DB.Announce → Hub.Publish): the
// hub hands them to its own sockets at once and publishes them on the event
// bus (backend/eventbus) for the other instances, which do the same with
// theirs. An event whose transaction rolled back reaches nobody.
//
// The bus promises neither order nor delivery across a reconnection, so
// each socket keeps, per conversation, the last message seq it has written
// and guarantees its client every message exactly once and in order: an
// older seq is dropped, a seq past a gap first fetches the missing
// messages from Postgres (they committed before it, since a conversation's
// seq is taken under its row lock). Clients that miss events anyway (a
// dropped socket, a slow reader, a bus that was away) resume from the last
// seq they have.
//
// Memory per idle socket is kept small (P3): the HTTP handler returns after
// the upgrade and a fresh goroutine reads; a writer goroutine exists only
// while frames are queued; one hub ticker pings every socket; the hijacked
// connection's net/http buffers are swapped for small ones.
package realtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/frontdesk/frontdesk/backend/eventbus"
	"github.com/frontdesk/frontdesk/backend/eventbus/pgbus"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// Hub tracks this instance's sockets and routes events to them.
type Hub struct {
	db       *postgres.DB
	bus      eventbus.Bus
	log      *slog.Logger
	instance string

	mu     sync.RWMutex
	agents map[int64]map[*client]struct{} // by organization
	guests map[int64][]*client            // by conversation
	online map[int64]int                  // agent id → open sockets here

	pingTick int  // pingSome's, on the ticker goroutine only
	closing  bool // GoAway was called: new sockets are refused (under mu)

	readyOnce sync.Once
	ready     chan struct{} // closed once the bus listens

	connections *prometheus.GaugeVec
	delivered   prometheus.Counter
	dropped     prometheus.Counter
	gapFills    prometheus.Counter
	published   *prometheus.CounterVec
	delay       prometheus.Histogram // message stored → fanned out here
}

// Option configures a Hub.
type Option func(*Hub)

// WithBus sets the event bus between instances; the default is PostgreSQL
// (pgbus) on the store's pool.
func WithBus(b eventbus.Bus) Option { return func(h *Hub) { h.bus = b } }

// New creates a hub; call Run to start listening. It becomes the store's
// announcer (db.Announce).
func New(db *postgres.DB, log *slog.Logger, reg prometheus.Registerer, opts ...Option) *Hub {
	h := &Hub{
		db: db, log: log, instance: NewInstanceID(),
		agents: map[int64]map[*client]struct{}{},
		guests: map[int64][]*client{},
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
		gapFills: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "frontdesk_ws_gap_fills_total", Help: "Messages a socket fetched from the database because an event arrived past a gap.",
		}),
		published: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_bus_publish_total", Help: "Batches of events handed to the event bus, by result.",
		}, []string{"result"}),
		delay: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "frontdesk_ws_delivery_seconds",
			Help:    "Time from a message's transaction to its fan-out to this instance's sockets (the database's clock against this instance's).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
	}
	for _, o := range opts {
		o(h)
	}
	if h.bus == nil {
		h.bus = pgbus.New(db.Pool, log)
	}
	if reg != nil {
		reg.MustRegister(h.connections, h.delivered, h.dropped, h.gapFills, h.published, h.delay)
	}
	db.Announce = h.Publish
	return h
}

// NewInstanceID names a server process in the presence table.
func NewInstanceID() string {
	b := make([]byte, 8)
	rand.Read(b) //nolint:errcheck // never fails on Linux
	return hex.EncodeToString(b)
}

// Bus is the event bus the hub publishes on.
func (h *Hub) Bus() eventbus.Bus { return h.bus }

// Ready is closed once the hub listens for events; sockets opened before
// that could miss an event committed in between.
func (h *Hub) Ready() <-chan struct{} { return h.ready }

// Run listens for events until ctx ends. When the bus comes back after a
// loss every socket is closed, because events may have been missed
// meanwhile: clients resume and replay from Postgres.
func (h *Hub) Run(ctx context.Context) error {
	go h.every(ctx, 30*time.Second, func() {
		if err := h.db.RefreshPresence(ctx, h.instance); err != nil && ctx.Err() == nil {
			h.log.Warn("refresh presence", "err", err)
		}
	})
	go h.every(ctx, pingEvery/pingSlots, h.pingSome)
	return h.bus.Run(ctx, busHandler{h})
}

func (h *Hub) every(ctx context.Context, d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// busHandler receives the other instances' events.
type busHandler struct{ h *Hub }

func (b busHandler) Listening(resumed bool) {
	first := false
	b.h.readyOnce.Do(func() { close(b.h.ready); first = true })
	if resumed && !first {
		b.h.log.Warn("event bus is back; clients resume", "bus", b.h.bus.Name())
		b.h.closeAll("event stream restarted; please resume")
	}
}

func (b busHandler) Deliver(e eventbus.Envelope) { b.h.dispatch(e) }

// Publish announces committed events: to this instance's sockets at once,
// and on the bus to the others. It returns once the bus has taken them, so
// a message is acknowledged to its sender only after it was announced. It
// is the store's Announce.
func (h *Hub) Publish(ctx context.Context, events []eventbus.Envelope) {
	for _, e := range events {
		h.dispatch(e)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := h.bus.Publish(ctx, events); err != nil {
		// Other instances' clients get these at their next event for the
		// conversation (a gap) or when they resume.
		h.published.WithLabelValues("failed").Inc()
		h.log.Warn("publish events", "bus", h.bus.Name(), "events", len(events), "err", err)
		return
	}
	h.published.WithLabelValues("ok").Inc()
}

// dispatch queues one event to the sockets that should see it. The frame
// is encoded once for all of them.
func (h *Hub) dispatch(e eventbus.Envelope) {
	if e.Event.Type == model.EventSignedOut {
		h.DisconnectAgent(e.Event.AgentID)
		return
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	agents, guests := h.agents[e.OrganizationID], []*client(nil)
	if e.ForGuests() {
		guests = h.guests[e.ConversationID]
	}
	if len(agents) == 0 && len(guests) == 0 {
		return // nobody here: not even worth encoding
	}
	ev := e.Event
	if ev.Type == model.EventMessage && ev.Message != nil && !ev.Message.CreatedAt.IsZero() {
		h.delay.Observe(max(time.Since(ev.Message.CreatedAt), 0).Seconds())
	}
	f := frame{kind: frameLive, conv: e.ConversationID}
	if ev.Type == model.EventMessage {
		f.seq = ev.Seq
		if ev.Message != nil {
			f.seq = ev.Message.Seq
		}
	}
	if ev.Type != model.EventMessage || ev.Message != nil {
		// A message without its text (too large for the bus) stays nil:
		// the writers load it by seq.
		var err error
		if f.data, err = json.Marshal(ev); err != nil {
			h.log.Error("encode event", "err", err)
			return
		}
	}
	guest := f
	if ev.Type == model.EventConversation && ev.Conversation != nil {
		// Guests see the status change, not the agents' view of it.
		guest.data, _ = json.Marshal(model.Event{Type: ev.Type, ConversationID: ev.ConversationID,
			Conversation: &model.Conversation{ID: ev.Conversation.ID, Status: ev.Conversation.Status, AssigneeID: ev.Conversation.AssigneeID}})
	}

	for c := range agents {
		if !c.skip(ev) {
			h.send(c, f)
		}
	}
	// A guest whose data was erased has lost the token that opened the
	// socket: it is closed rather than fed. Agents-only events (private
	// notes) never reach a guest's socket.
	erased := ev.Type == model.EventConversation && ev.Conversation != nil && ev.Conversation.Guest.Erased
	for _, c := range guests {
		switch {
		case erased:
			c.close(websocket.StatusPolicyViolation, "this conversation is no longer available")
		case !c.skip(ev):
			h.send(c, guest)
		}
	}
}

// send queues a frame; a client whose queue is full is cut off rather than
// allowed to hold everyone else up. It resumes when it reconnects.
func (h *Hub) send(c *client, f frame) {
	switch c.enqueue(f) {
	case queued:
		h.delivered.Inc()
	case full:
		h.dropped.Inc()
		c.kick("too slow: resume from your last sequence number")
	}
}

// register makes c receive its events; it returns once the bus delivers
// them here too.
func (h *Hub) register(ctx context.Context, c *client) error {
	topic := c.topic()
	if err := h.bus.Watch(ctx, topic); err != nil {
		return err
	}
	h.mu.Lock()
	if h.closing {
		// Accepted just as GoAway ran: send it on its way too.
		c.close(StatusGoAway, "server shutting down: reconnect")
	}
	first := false
	if c.guest {
		h.guests[c.convID] = append(h.guests[c.convID], c)
	} else {
		set := h.agents[c.orgID]
		if set == nil {
			set = map[*client]struct{}{}
			h.agents[c.orgID] = set
		}
		set[c] = struct{}{}
		h.online[c.agentID]++
		first = h.online[c.agentID] == 1
	}
	h.mu.Unlock()
	h.connections.WithLabelValues(c.audience()).Inc()
	if first {
		h.presence(c, true)
	}
	return nil
}

func (h *Hub) unregister(c *client) {
	h.mu.Lock()
	last := false
	if c.guest {
		list := h.guests[c.convID]
		for i, x := range list {
			if x == c {
				list[i] = list[len(list)-1]
				list = list[:len(list)-1]
				break
			}
		}
		if len(list) == 0 {
			delete(h.guests, c.convID)
		} else {
			h.guests[c.convID] = list
		}
	} else {
		delete(h.agents[c.orgID], c)
		if len(h.agents[c.orgID]) == 0 {
			delete(h.agents, c.orgID)
		}
		h.online[c.agentID]--
		if h.online[c.agentID] <= 0 {
			delete(h.online, c.agentID)
			last = true
		}
	}
	h.mu.Unlock()
	h.bus.Unwatch(c.topic())
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
	h.Publish(ctx, []eventbus.Envelope{{OrganizationID: c.orgID, Event: model.Event{Type: model.EventPresence, AgentID: c.agentID, Online: online}}})
}

// each calls fn for every socket of this instance, under the read lock.
func (h *Hub) each(fn func(*client)) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, cs := range h.agents {
		for c := range cs {
			fn(c)
		}
	}
	for _, cs := range h.guests {
		for _, c := range cs {
			fn(c)
		}
	}
}

func (h *Hub) closeAll(reason string) { h.each(func(c *client) { c.kick(reason) }) }

// DisconnectAgent closes this instance's sockets of one agent, at once:
// their sessions have ended (deactivation, a password reset, a session
// signed out elsewhere). The close asks clients to resume; those whose
// session still holds reconnect, the others are refused.
func (h *Hub) DisconnectAgent(agentID int64) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, cs := range h.agents {
		for c := range cs {
			if c.agentID == agentID {
				c.kick("signed out")
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
	h.closing = true
	h.mu.Unlock()
	h.each(func(c *client) { c.close(StatusGoAway, "server shutting down: reconnect") })
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

// pingSlots spreads the pings over the interval: a writer goroutine
// waits for its pong, and 10,000 of them at once would be a burst of
// memory every interval.
const pingSlots = 20

// pingSome has the sockets of the next slot ping their clients: one ticker
// for the hub rather than a timer per socket, each socket once per
// pingEvery.
func (h *Hub) pingSome() {
	h.pingTick++
	slot := uint8(h.pingTick % pingSlots)
	h.each(func(c *client) {
		if c.pingSlot == slot {
			c.ping()
		}
	})
}

// Shutdown sends every socket elsewhere (GoAway), waits for them to close,
// and ends this instance's presence so agents do not look online after it
// stops. It is the one place sockets are ended on shutdown.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.GoAway()
	h.waitClosed(ctx)
	if _, err := h.db.Bun.ExecContext(ctx, "DELETE FROM presence WHERE instance_id = ?", h.instance); err != nil {
		return fmt.Errorf("clear presence: %w", err)
	}
	return nil
}
