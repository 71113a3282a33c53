// Package natsbus is the event bus on NATS, for Frontdesk on several
// machines: set FRONTDESK_NATS_URL.
//
// Events travel on subjects per organization and conversation (see
// eventbus.Subject), and an instance subscribes only to what its sockets
// need: frontdesk.<org>.> while one of the organization's agents is
// connected to it, frontdesk.<org>.c.<conversation> for each conversation a
// guest of it has open. Subscriptions that an organization's subscription
// already covers are not made (they would deliver every event twice).
//
// The connection reconnects for ever. While it is down, this instance's
// events are buffered by the client and sent on reconnection, and other
// instances' events are missed: the reconnection is reported to the
// handler as resumed, and the hub makes its clients resume.
package natsbus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/frontdesk/frontdesk/backend/eventbus"
)

// Prefix starts every subject.
const Prefix = "frontdesk"

// inbox is how many received events may wait for the hub; beyond that
// NATS drops them (a slow consumer), and the hub is told to resume.
const inbox = 1 << 16

// flushTimeout bounds a Watch's round trip when its context has no
// deadline.
const flushTimeout = 5 * time.Second

// Bus is the NATS event bus of one instance.
type Bus struct {
	nc    *nats.Conn
	log   *slog.Logger
	batch *eventbus.Batcher
	msgs  chan *nats.Msg
	state chan bool // true: (re)connected after a loss; false: first connect

	mu    sync.Mutex
	orgs  map[int64]int
	convs map[eventbus.Topic]int
	subs  map[string]*nats.Subscription
}

// Connect connects to the NATS server(s) at url (comma-separated for a
// cluster). It returns at once when the server is not up yet: the client
// keeps trying, and Run reports the first connection.
func Connect(url, name string, log *slog.Logger) (*Bus, error) {
	b := &Bus{
		log:   log,
		msgs:  make(chan *nats.Msg, inbox),
		state: make(chan bool, 16),
		orgs:  map[int64]int{},
		convs: map[eventbus.Topic]int{},
		subs:  map[string]*nats.Subscription{},
	}
	b.batch = eventbus.NewBatcher(b.send)
	signal := func(resumed bool) {
		select {
		case b.state <- resumed:
		default: // a reset is already pending; one is enough
		}
	}
	nc, err := nats.Connect(url,
		nats.Name(name),
		nats.NoEcho(), // the hub delivers this instance's own events itself
		nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250*time.Millisecond),
		nats.ReconnectJitter(100*time.Millisecond, time.Second),
		nats.ConnectHandler(func(*nats.Conn) { signal(false) }),
		nats.ReconnectHandler(func(*nats.Conn) { signal(true) }),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			log.Warn("natsbus: disconnected; reconnecting", "err", err)
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			log.Error("natsbus: events lost", "err", err)
			if errors.Is(err, nats.ErrSlowConsumer) {
				signal(true)
			}
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("natsbus: connect: %w", err)
	}
	b.nc = nc
	if nc.IsConnected() {
		signal(false) // ConnectHandler only fires for connections made after a failed first try
	}
	return b, nil
}

// Name implements eventbus.Bus.
func (b *Bus) Name() string { return "nats" }

// Close drains nothing and closes the connection.
func (b *Bus) Close() { b.nc.Close() }

// Sent reports how many batches (flushes) and events were published.
func (b *Bus) Sent() (batches, events int64) { return b.batch.Sent() }

// Publish implements eventbus.Bus.
func (b *Bus) Publish(ctx context.Context, envs []eventbus.Envelope) error {
	return b.batch.Publish(ctx, envs)
}

func (b *Bus) send(ctx context.Context, envs []eventbus.Envelope) error {
	for _, e := range envs {
		data, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("natsbus: encode: %w", err)
		}
		if err := b.nc.Publish(eventbus.Subject(Prefix, e), data); err != nil {
			return fmt.Errorf("natsbus: publish: %w", err)
		}
	}
	if !b.nc.IsConnected() {
		return nil // buffered until the reconnection
	}
	if err := b.nc.FlushWithContext(ctx); err != nil && b.nc.IsConnected() {
		return fmt.Errorf("natsbus: flush: %w", err)
	}
	return nil
}

// Run implements eventbus.Bus.
func (b *Bus) Run(ctx context.Context, h eventbus.Handler) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case resumed := <-b.state:
			h.Listening(resumed)
		case m := <-b.msgs:
			var e eventbus.Envelope
			if err := json.Unmarshal(m.Data, &e); err != nil {
				b.log.Error("natsbus: bad event", "subject", m.Subject, "err", err)
				continue
			}
			h.Deliver(e)
		}
	}
}

// Watch implements eventbus.Bus. A new subscription is flushed to the
// server before Watch returns, so that nothing published afterwards is
// missed; while disconnected it is made on reconnection, which Run reports.
func (b *Bus) Watch(ctx context.Context, t eventbus.Topic) error {
	b.mu.Lock()
	var added []string
	if t.Conversation == 0 {
		b.orgs[t.Organization]++
		if b.orgs[t.Organization] == 1 {
			org := eventbus.TopicSubject(Prefix, t)
			if err := b.subscribeLocked(org); err != nil {
				b.orgs[t.Organization]--
				b.mu.Unlock()
				return err
			}
			added = append(added, org)
			// The organization's subscription covers its conversations:
			// theirs go once it has reached the server (below).
			defer b.dropCovered(t.Organization)
		}
	} else {
		b.convs[t]++
		if b.convs[t] == 1 && b.orgs[t.Organization] == 0 {
			s := eventbus.TopicSubject(Prefix, t)
			if err := b.subscribeLocked(s); err != nil {
				b.convs[t]--
				if b.convs[t] == 0 {
					delete(b.convs, t)
				}
				b.mu.Unlock()
				return err
			}
			added = append(added, s)
		}
	}
	b.mu.Unlock()
	if len(added) == 0 || !b.nc.IsConnected() {
		return nil
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, flushTimeout)
		defer cancel()
	}
	if err := b.nc.FlushWithContext(ctx); err != nil && b.nc.IsConnected() {
		return fmt.Errorf("natsbus: watch: %w", err)
	}
	return nil
}

// dropCovered unsubscribes the conversations of org while the
// organization's own subscription covers them.
func (b *Bus) dropCovered(org int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.orgs[org] == 0 {
		return
	}
	for c := range b.convs {
		if c.Organization == org {
			b.unsubscribeLocked(eventbus.TopicSubject(Prefix, c))
		}
	}
}

// Unwatch implements eventbus.Bus.
func (b *Bus) Unwatch(t eventbus.Topic) {
	b.mu.Lock()
	if t.Conversation != 0 {
		if b.convs[t] > 0 {
			b.convs[t]--
			if b.convs[t] == 0 {
				delete(b.convs, t)
				b.unsubscribeLocked(eventbus.TopicSubject(Prefix, t))
			}
		}
		b.mu.Unlock()
		return
	}
	if b.orgs[t.Organization] == 0 {
		b.mu.Unlock()
		return
	}
	b.orgs[t.Organization]--
	if b.orgs[t.Organization] > 0 {
		b.mu.Unlock()
		return
	}
	delete(b.orgs, t.Organization)
	// The conversations' subscriptions are made, and reach the server,
	// before the organization's goes: for a moment both deliver, which the
	// hub's per-seq check absorbs; the other way round would lose events.
	for c := range b.convs {
		if c.Organization == t.Organization {
			if err := b.subscribeLocked(eventbus.TopicSubject(Prefix, c)); err != nil {
				b.log.Error("natsbus: subscribe", "err", err)
			}
		}
	}
	b.mu.Unlock()
	if b.nc.IsConnected() {
		b.nc.FlushTimeout(flushTimeout) //nolint:errcheck // a lost connection is reported by Run
	}
	b.mu.Lock()
	if b.orgs[t.Organization] == 0 {
		b.unsubscribeLocked(eventbus.TopicSubject(Prefix, t))
	}
	b.mu.Unlock()
}

func (b *Bus) subscribeLocked(subject string) error {
	if b.subs[subject] != nil {
		return nil
	}
	sub, err := b.nc.ChanSubscribe(subject, b.msgs)
	if err != nil {
		return fmt.Errorf("natsbus: subscribe %s: %w", subject, err)
	}
	b.subs[subject] = sub
	return nil
}

func (b *Bus) unsubscribeLocked(subject string) {
	sub := b.subs[subject]
	if sub == nil {
		return
	}
	delete(b.subs, subject)
	if err := sub.Unsubscribe(); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
		b.log.Warn("natsbus: unsubscribe", "subject", subject, "err", err)
	}
}
