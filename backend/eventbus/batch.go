package eventbus

import (
	"context"
	"sync"
	"time"
)

// sendTimeout bounds one batch on the wire.
const sendTimeout = 10 * time.Second

// Batcher turns concurrent Publish calls into batches: while one batch is
// on its way, what arrives meanwhile waits and goes next, in one round
// trip. Under load this makes the bus cost per batch, not per event; when
// idle an event goes at once.
type Batcher struct {
	send func(ctx context.Context, envs []Envelope) error

	mu      sync.Mutex
	pending []Envelope
	waiters []chan error
	running bool
}

// NewBatcher returns a Batcher that sends each batch with send, one batch
// at a time.
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
	if !b.running {
		b.running = true
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
			b.running = false
			b.mu.Unlock()
			return
		}
		envs, waiters := b.pending, b.waiters
		b.pending, b.waiters = nil, nil
		b.mu.Unlock()

		ctx, cancel := context.WithTimeout(context.Background(), sendTimeout)
		err := b.send(ctx, envs)
		cancel()
		for _, w := range waiters {
			w <- err
		}
	}
}
