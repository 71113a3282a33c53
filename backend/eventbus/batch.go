package eventbus

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// sendTimeout bounds one batch on the wire.
const sendTimeout = 10 * time.Second

// inFlight is how many batches may be on their way at once. More than one
// makes batches smaller and more numerous, which PostgreSQL pays for in
// CPU (docs/PERFORMANCE.md).
const inFlight = 1

// linger is the pause after a batch before the next: under load it lets
// the next batch grow (each batch is a transaction to PostgreSQL, whose
// cost is per batch), and it costs an idle bus nothing, since the first
// event after a quiet spell goes at once.
const linger = time.Millisecond

// Batcher turns concurrent Publish calls into batches: while the batches
// in flight are on their way, what arrives meanwhile waits and goes next,
// in one round trip. Under load this makes the bus cost per batch, not per
// event; when idle an event goes at once.
type Batcher struct {
	send func(ctx context.Context, envs []Envelope) error

	mu      sync.Mutex
	pending []Envelope
	waiters []chan error
	running int // senders

	batches, events atomic.Int64
}

// Sent reports how many batches and events have been sent.
func (b *Batcher) Sent() (batches, events int64) { return b.batches.Load(), b.events.Load() }

// NewBatcher returns a Batcher that sends each batch with send, at most
// inFlight at a time.
func NewBatcher(send func(ctx context.Context, envs []Envelope) error) *Batcher {
	return &Batcher{send: send}
}

// Publish queues envs for the next batch and waits until it is sent; the
// error is the batch's.
func (b *Batcher) Publish(ctx context.Context, envs []Envelope) error {
	if len(envs) == 0 {
		return nil
	}
	done := make(chan error, 1)
	b.mu.Lock()
	b.pending = append(b.pending, envs...)
	b.waiters = append(b.waiters, done)
	if b.running < inFlight {
		b.running++
		go b.loop()
	}
	b.mu.Unlock()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err() // the batch still goes; only this caller stops waiting
	}
}

func (b *Batcher) loop() {
	for {
		b.mu.Lock()
		if len(b.pending) == 0 {
			b.running--
			b.mu.Unlock()
			return
		}
		envs, waiters := b.pending, b.waiters
		b.pending, b.waiters = nil, nil
		b.mu.Unlock()

		ctx, cancel := context.WithTimeout(context.Background(), sendTimeout)
		err := b.send(ctx, envs)
		b.batches.Add(1)
		b.events.Add(int64(len(envs)))
		cancel()
		for _, w := range waiters {
			w <- err
		}
		time.Sleep(linger)
	}
}
