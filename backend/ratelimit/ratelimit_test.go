package ratelimit

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(3, time.Second)
	l.now = func() time.Time { return now }
	for i := range 3 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("call %d refused within burst", i)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("4th call: ok=%v wait=%v, want refusal with wait in (0,1s]", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("another key shares the bucket")
	}
	now = now.Add(time.Second)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("token not refilled after a second")
	}
	now = now.Add(time.Hour)
	l.Allow("c")
	if _, kept := l.buckets["a"]; kept {
		t.Fatal("idle bucket not swept")
	}
}

func TestDisabled(t *testing.T) {
	l := New(0, time.Second)
	for range 100 {
		if ok, _ := l.Allow("x"); !ok {
			t.Fatal("a zero burst should disable limiting")
		}
	}
}

// memStore is a Store in memory, as PostgreSQL computes it, for the unit
// tests; the real one is tested in backend/postgres.
type memStore struct {
	mu      sync.Mutex
	tokens  map[string]float64
	at      map[string]time.Time
	now     func() time.Time
	failing bool
}

func (m *memStore) SettleRateLimits(_ context.Context, name string, burst int, perSecond float64, takes []Take) ([]float64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failing {
		return nil, errors.New("database down")
	}
	now := m.now()
	out := make([]float64, len(takes))
	for i, t := range takes {
		k := name + "/" + t.Key
		cur, ok := m.tokens[k]
		if !ok {
			cur = float64(burst)
		} else {
			cur = math.Min(float64(burst), cur+now.Sub(m.at[k]).Seconds()*perSecond)
		}
		cur = math.Max(-float64(burst), cur-float64(t.N))
		m.tokens[k], m.at[k] = cur, now
		out[i] = cur
	}
	return out, nil
}

// TestGroupSharesBuckets: what one instance hands out counts on the other
// after a sync, and a failed sync keeps the counts for the next one.
func TestGroupSharesBuckets(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	store := &memStore{tokens: map[string]float64{}, at: map[string]time.Time{}, now: clock}
	ctx := context.Background()
	a := NewGroup(store, time.Second, nil)
	b := NewGroup(store, time.Second, nil)
	la, lb := a.New("login", 5, time.Minute), b.New("login", 5, time.Minute)
	la.now, lb.now = clock, clock

	for i := range 3 {
		if ok, _ := la.Allow("ip"); !ok {
			t.Fatalf("A refused call %d", i)
		}
	}
	store.failing = true
	if err := a.Sync(ctx); err == nil {
		t.Fatal("sync against a failing store succeeded")
	}
	store.failing = false
	if err := a.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, _ := lb.Allow("ip"); !ok {
		t.Fatal("B refused its first call")
	}
	if err := b.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	// 5 − 3 (A) − 1 (B) = 1 left, on both instances once A has synced.
	if err := a.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, _ := lb.Allow("ip"); !ok {
		t.Fatal("B refused the last token")
	}
	if ok, wait := lb.Allow("ip"); ok || wait <= 0 {
		t.Fatalf("B allowed a sixth call (wait %v)", wait)
	}
	if err := b.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	// A learns that B took the last tokens only when it settles: it takes
	// one more (its view was 2), then sees the debt.
	if ok, _ := la.Allow("ip"); !ok {
		t.Fatal("A, not yet synced, should still allow")
	}
	if err := a.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, wait := la.Allow("ip"); ok || wait < time.Minute {
		t.Fatalf("A after the sync: ok=%v wait=%v, want a refusal of at least a minute", ok, wait)
	}
	// Refill is shared too.
	now = now.Add(3 * time.Minute)
	if ok, _ := la.Allow("ip"); !ok {
		t.Fatal("no refill after three minutes")
	}
}

// TestNilGroup makes limiters of this instance only.
func TestNilGroup(t *testing.T) {
	var g *Group
	l := g.New("x", 1, time.Hour)
	if ok, _ := l.Allow("k"); !ok {
		t.Fatal("first call refused")
	}
	if ok, _ := l.Allow("k"); ok {
		t.Fatal("second call allowed")
	}
	if err := g.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
}
