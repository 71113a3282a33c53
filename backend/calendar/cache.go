package calendar

import (
	"slices"
	"sync"
	"time"

	"github.com/frontdesk/frontdesk/backend/schedule"
)

// busyCache keeps Busy answers for a short time: the booking page asks for
// the same agent and weeks again and again while a guest looks, and the
// calendar server need not be asked each time.
//
// Each account has a generation that Put and Delete bump. An answer is
// stored only if its account's generation did not change while it was being
// fetched, so a slow Busy cannot put back what a write just made stale.
type busyCache struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu      sync.Mutex
	entries map[cacheKey]cacheEntry
	gens    map[string]uint64
}

type cacheKey struct{ account, query string }

type cacheEntry struct {
	at   time.Time
	busy []schedule.Interval
}

func newBusyCache(ttl time.Duration, max int, now func() time.Time) *busyCache {
	return &busyCache{ttl: ttl, max: max, now: now, entries: make(map[cacheKey]cacheEntry), gens: make(map[string]uint64)}
}

func (c *busyCache) get(account, query string) ([]schedule.Interval, bool) {
	if c.ttl < 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[cacheKey{account, query}]
	if !ok || c.now().Sub(e.at) >= c.ttl {
		return nil, false
	}
	return slices.Clone(e.busy), true
}

// generation is read before fetching and handed back to put.
func (c *busyCache) generation(account string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gens[account]
}

func (c *busyCache) put(account, query string, gen uint64, busy []schedule.Interval) {
	if c.ttl < 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gens[account] != gen {
		return
	}
	now := c.now()
	if len(c.entries) >= c.max {
		c.evict(now)
	}
	c.entries[cacheKey{account, query}] = cacheEntry{at: now, busy: slices.Clone(busy)}
}

// evict drops expired entries and, if that frees nothing, the oldest one.
// A linear scan: the cache is small and this runs only when it is full.
func (c *busyCache) evict(now time.Time) {
	var oldest cacheKey
	var oldestAt time.Time
	for k, e := range c.entries {
		if now.Sub(e.at) >= c.ttl {
			delete(c.entries, k)
			continue
		}
		if oldestAt.IsZero() || e.at.Before(oldestAt) {
			oldest, oldestAt = k, e.at
		}
	}
	if len(c.entries) >= c.max {
		delete(c.entries, oldest)
	}
}

// invalidate drops the account's answers after a write through this Client.
func (c *busyCache) invalidate(account string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gens[account]++
	for k := range c.entries {
		if k.account == account {
			delete(c.entries, k)
		}
	}
}
