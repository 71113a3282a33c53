// Package ratelimit limits how often a key (an IP address, an account) may
// act, with a token bucket per key.
//
// Every decision is taken in memory, in well under a microsecond, so a
// limit adds nothing measurable to a request. Limiters made by a Group are
// shared by every server instance on the same database: each instance
// settles the tokens it handed out with the Group's Store (PostgreSQL)
// every sync interval and takes the bucket over as all instances left it.
//
// What that costs in precision: between two syncs an instance does not see
// what the others handed out, and an instance that meets a key for the
// first time starts from a full bucket. A client spreading its requests
// over N instances therefore gets at most one burst per instance the first
// time, and after that what the instances hand out within one sync interval
// before the debt reaches them (buckets may go negative, down to minus one
// burst, so the excess is paid back with waiting). With the default 100 ms
// interval that is a handful of requests; guessing and flooding are stopped
// all the same, and no request waits for the database.
package ratelimit

import (
	"context"
	"math"
	"sync"
	"time"
)

// Limiter hands out a token bucket per key: burst actions at once, refilled
// at one per every.
type Limiter struct {
	name   string
	shared bool // counts what it hands out for a Group to settle
	burst  int
	every  time.Duration
	rate   float64 // tokens per second

	mu      sync.Mutex
	buckets map[string]*bucket
	sweep   time.Time
	now     func() time.Time
}

type bucket struct {
	tokens float64   // as of at
	at     time.Time // when tokens was exact
	seen   time.Time // last Allow
	taken  int       // handed out since the last sync, not yet settled
}

// New returns a limiter of this instance only: burst actions at once per
// key, refilled at one per every. A burst of 0 or less allows everything.
func New(burst int, every time.Duration) *Limiter {
	return newLimiter("", burst, every)
}

func newLimiter(name string, burst int, every time.Duration) *Limiter {
	l := &Limiter{name: name, burst: burst, every: every, buckets: map[string]*bucket{}, now: time.Now}
	if every > 0 {
		l.rate = float64(time.Second) / float64(every)
	}
	return l
}

// Allow takes a token for key. When none is left it returns false and how
// long until one is.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l == nil || l.burst <= 0 || l.rate <= 0 {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweepLocked(now)
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(l.burst), at: now}
		l.buckets[key] = b
	}
	b.refill(now, l)
	b.seen = now
	if b.tokens >= 1 {
		b.tokens--
		if l.shared {
			b.taken++
		}
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

func (b *bucket) refill(now time.Time, l *Limiter) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = math.Min(float64(l.burst), b.tokens+d.Seconds()*l.rate)
		b.at = now
	}
}

// idle is how long a bucket nobody uses is kept: long enough to have
// refilled, and at least a minute.
func (l *Limiter) idle() time.Duration {
	return max(time.Duration(float64(l.every)*float64(l.burst)), time.Minute)
}

// sweepLocked forgets buckets idle long enough to have refilled and settled,
// so the map stays as small as the set of recently active keys.
func (l *Limiter) sweepLocked(now time.Time) {
	idle := l.idle()
	if now.Sub(l.sweep) < idle {
		return
	}
	l.sweep = now
	for k, b := range l.buckets {
		if now.Sub(b.seen) > idle && b.taken == 0 {
			delete(l.buckets, k)
		}
	}
}

// Take is how many tokens an instance handed out for a key since it last
// settled.
type Take struct {
	Key string
	N   int
}

// Store keeps the buckets every instance shares.
type Store interface {
	// SettleRateLimits subtracts each take from the shared bucket of its
	// key (refilled at perSecond up to burst, floored at -burst) and
	// returns the tokens each bucket has left, in the order of takes.
	SettleRateLimits(ctx context.Context, name string, burst int, perSecond float64, takes []Take) ([]float64, error)
}

// sync settles this limiter's takes with store, and learns what the other
// instances took of the keys used here within recent (taking nothing).
func (l *Limiter) sync(ctx context.Context, store Store, recent time.Duration) error {
	l.mu.Lock()
	at := l.now()
	var takes []Take
	for k, b := range l.buckets {
		if b.taken > 0 || at.Sub(b.seen) <= recent {
			takes = append(takes, Take{Key: k, N: b.taken})
			b.taken = 0
		}
	}
	l.mu.Unlock()
	if len(takes) == 0 {
		return nil
	}

	left, err := store.SettleRateLimits(ctx, l.name, l.burst, l.rate, takes)

	l.mu.Lock()
	defer l.mu.Unlock()
	for i, t := range takes {
		b, ok := l.buckets[t.Key]
		if !ok {
			b = &bucket{tokens: float64(l.burst), at: at, seen: at}
			l.buckets[t.Key] = b
		}
		if err != nil {
			b.taken += t.N // settle them next time
			continue
		}
		// The shared bucket as of the sync, less what this instance has
		// handed out since; it refills from then on.
		b.tokens = left[i] - float64(b.taken)
		b.at = at
	}
	return err
}
