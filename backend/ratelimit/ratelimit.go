// Package ratelimit limits how often a key (an IP address, an account) may
// act, with a token bucket per key from golang.org/x/time/rate.
//
// Buckets live in memory, per server instance: with N instances behind a
// load balancer a client gets at most N times the limit, which is enough to
// stop guessing and flooding without a shared store on the hot path.
package ratelimit

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter hands out a bucket per key.
type Limiter struct {
	every time.Duration // one token per every
	burst int

	mu      sync.Mutex
	buckets map[string]*bucket
	sweep   time.Time
	now     func() time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// New allows burst actions at once per key, refilled at one per every.
func New(burst int, every time.Duration) *Limiter {
	return &Limiter{every: every, burst: burst, buckets: map[string]*bucket{}, now: time.Now}
}

// Allow takes a token for key. When none is left it returns false and how
// long until one is.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l == nil || l.burst <= 0 {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweepLocked(now)
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweepLocked forgets buckets idle long enough to have refilled, so the map
// stays as small as the set of recently active keys.
func (l *Limiter) sweepLocked(now time.Time) {
	full := time.Duration(math.Max(float64(l.every)*float64(l.burst), float64(time.Minute)))
	if now.Sub(l.sweep) < full {
		return
	}
	l.sweep = now
	for k, b := range l.buckets {
		if now.Sub(b.seen) > full {
			delete(l.buckets, k)
		}
	}
}
