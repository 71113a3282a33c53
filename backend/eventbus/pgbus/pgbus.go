// Package pgbus is the event bus on PostgreSQL's LISTEN/NOTIFY: the
// default, since Frontdesk needs PostgreSQL anyway.
//
// Events are NOTIFYed after their transaction committed, by one batching
// publisher per instance: one autocommit statement carries every event that
// arrived while the previous one was on its way. The transactions that NOTIFY
// still queue behind each other at commit (PostgreSQL keeps the
// notification queue in commit order with one cluster-wide lock), but they
// are now a few hundred small ones a second, not one per message write.
//
// Every instance LISTENs on one channel and receives every event; it skips
// its own (the hub delivered those already) and leaves to the hub what
// none of its sockets needs. Watch and Unwatch are therefore free.
package pgbus

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/frontdesk/frontdesk/backend/eventbus"
)

// Channel is the PostgreSQL channel events travel on.
const Channel = "frontdesk_events"

// maxPayload keeps each notification under PostgreSQL's 8000 bytes.
const maxPayload = 7900

// Bus is the PostgreSQL event bus of one instance.
type Bus struct {
	pool     *pgxpool.Pool
	log      *slog.Logger
	instance string
	batch    *eventbus.Batcher
}

// New returns a bus on pool. Events it publishes are not delivered back to
// it: the hub has delivered them already.
func New(pool *pgxpool.Pool, log *slog.Logger) *Bus {
	id := make([]byte, 8)
	rand.Read(id) //nolint:errcheck // never fails on Linux
	b := &Bus{pool: pool, log: log, instance: hex.EncodeToString(id)}
	b.batch = eventbus.NewBatcher(b.send)
	return b
}

// Name implements eventbus.Bus.
func (b *Bus) Name() string { return "postgres" }

// Watch implements eventbus.Bus: every instance receives every event.
func (b *Bus) Watch(context.Context, eventbus.Topic) error { return nil }

// Unwatch implements eventbus.Bus.
func (b *Bus) Unwatch(eventbus.Topic) {}

// payload is one notification: some events of one instance.
type payload struct {
	Instance string              `json:"i"`
	Events   []eventbus.Envelope `json:"e"`
}

// Sent reports how many batches (statements) and events were published.
func (b *Bus) Sent() (batches, events int64) { return b.batch.Sent() }

// Publish implements eventbus.Bus.
func (b *Bus) Publish(ctx context.Context, envs []eventbus.Envelope) error {
	return b.batch.Publish(ctx, envs)
}

// send notifies one batch in one statement.
func (b *Bus) send(ctx context.Context, envs []eventbus.Envelope) error {
	payloads, dropped, err := encode(b.instance, envs)
	if err != nil {
		return err
	}
	if dropped > 0 {
		b.log.Warn("pgbus: events too large for a notification were not published", "dropped", dropped)
	}
	if len(payloads) == 0 {
		return nil
	}
	// The statement's transaction writes nothing but notifications, which
	// are delivered at commit whether or not the commit record reached the
	// disk: it need not wait for a WAL flush (with fsync, the bulk of its
	// time), and does not under synchronous_commit off, set for it alone.
	if _, err := b.pool.Exec(ctx, "SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, p) FROM unnest($2::text[]) AS p", Channel, payloads); err != nil {
		return fmt.Errorf("pgbus: notify: %w", err)
	}
	return nil
}

// encode packs envs into as few notifications as fit. An event too large
// for a notification on its own loses its message text (receivers load it
// by seq); one still too large is dropped and counted.
func encode(instance string, envs []eventbus.Envelope) (payloads []string, dropped int, err error) {
	head := `{"i":` + quote(instance) + `,"e":[`
	var out []string
	var cur strings.Builder
	n := 0
	flush := func() {
		if n > 0 {
			cur.WriteString("]}")
			out = append(out, cur.String())
			cur.Reset()
			n = 0
		}
	}
	for _, e := range envs {
		raw, err := json.Marshal(e)
		if err != nil {
			return nil, 0, fmt.Errorf("pgbus: encode: %w", err)
		}
		if len(head)+len(raw)+2 > maxPayload && e.Event.Message != nil {
			e.Event.Seq = e.Event.Message.Seq
			e.Event.Message = nil
			if raw, err = json.Marshal(e); err != nil {
				return nil, 0, fmt.Errorf("pgbus: encode: %w", err)
			}
		}
		if len(head)+len(raw)+2 > maxPayload {
			// Still too large (a conversation event can be): it cannot
			// travel; receivers learn the news at the conversation's next
			// event or when their clients resume.
			dropped++
			continue
		}
		if n > 0 && cur.Len()+1+len(raw)+2 > maxPayload {
			flush()
		}
		if n == 0 {
			cur.WriteString(head)
		} else {
			cur.WriteByte(',')
		}
		cur.Write(raw)
		n++
	}
	flush()
	return out, dropped, nil
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Run implements eventbus.Bus: it LISTENs on a connection of its own,
// reconnecting with backoff. Every reconnection is reported as resumed:
// notifications sent while nobody listened are gone.
func (b *Bus) Run(ctx context.Context, h eventbus.Handler) error {
	backoff := 100 * time.Millisecond
	first := true
	for {
		err := b.listen(ctx, h, func() {
			h.Listening(!first)
			first = false
			backoff = 100 * time.Millisecond
		})
		if ctx.Err() != nil {
			return nil
		}
		b.log.Warn("event listener lost; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (b *Bus) listen(ctx context.Context, h eventbus.Handler, listening func()) error {
	conn, err := b.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire: %w", err)
	}
	// The connection is dedicated to LISTEN for good; never give it back.
	raw := conn.Hijack()
	defer raw.Close(context.WithoutCancel(ctx))
	if _, err := raw.Exec(ctx, "LISTEN "+pgx.Identifier{Channel}.Sanitize()); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	listening()
	for {
		n, err := raw.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("wait: %w", err)
		}
		var p payload
		if err := json.Unmarshal([]byte(n.Payload), &p); err != nil {
			b.log.Error("pgbus: bad notification", "err", err)
			continue
		}
		if p.Instance == b.instance {
			continue
		}
		for _, e := range p.Events {
			h.Deliver(e)
		}
	}
}
