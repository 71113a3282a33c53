package ratelimit_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/ratelimit"
)

// Three instances on one database share a sign-in limit: attempts spread
// over them count against one budget once they have settled, and the
// PostgreSQL bucket keeps keys and limits apart.
func TestSharedAcrossInstances(t *testing.T) {
	db := pgtest.Open(t)
	ctx := context.Background()
	var groups []*ratelimit.Group
	var limiters []*ratelimit.Limiter
	for range 3 {
		g := ratelimit.NewGroup(db, time.Hour, nil)
		groups = append(groups, g)
		limiters = append(limiters, g.New("login_ip", 10, time.Hour))
	}
	syncAll := func() {
		t.Helper()
		for _, g := range groups {
			if err := g.Sync(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Thirty attempts from one address, round robin over the instances,
	// settling between them as the instances do every 100 ms: ten pass,
	// the burst of one instance's limit.
	allowed := 0
	for i := range 30 {
		if ok, _ := limiters[i%3].Allow("203.0.113.7"); ok {
			allowed++
		}
		syncAll()
	}
	if allowed != 10 {
		t.Fatalf("%d of 30 attempts allowed over three instances, want 10", allowed)
	}
	// Refusals say how long to wait, on every instance.
	for _, l := range limiters {
		if ok, wait := l.Allow("203.0.113.7"); ok || wait < 50*time.Minute {
			t.Fatalf("after the budget: ok=%v wait=%v, want about an hour", ok, wait)
		}
	}
	// Another address, and the same address under another limit, are
	// untouched.
	if ok, _ := limiters[0].Allow("198.51.100.1"); !ok {
		t.Fatal("another address shares the bucket")
	}
	other := groups[0].New("login_account", 10, time.Hour)
	if ok, _ := other.Allow("203.0.113.7"); !ok {
		t.Fatal("another limit shares the bucket")
	}
	syncAll()
	var rows int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM rate_limits WHERE key_hash::text LIKE '%203.0.113.7%'`).Scan(&rows); err != nil || rows != 0 {
		t.Fatalf("keys stored in clear (%d rows, %v)", rows, err)
	}
}

// BenchmarkSharedLimiter measures what the shared limit costs a request
// at 2,000 requests a second spread over three instances and 500 guest
// addresses: the time Allow takes on the request's path, plus the time the
// instances spend settling with PostgreSQL (every 100 ms) divided over the
// requests. It runs for a fixed five seconds; b.N is not used.
//
//	go test -run '^$' -bench SharedLimiter -benchtime=1x ./backend/ratelimit/
func BenchmarkSharedLimiter(b *testing.B) {
	db := pgtest.Open(b)
	const (
		rate      = 2000
		instances = 3
		keys      = 500
		duration  = 5 * time.Second
	)
	ctx, cancel := context.WithCancel(context.Background())
	var limiters []*ratelimit.Limiter
	var groups []*ratelimit.Group
	for range instances {
		g := ratelimit.NewGroup(db, 100*time.Millisecond, nil) // settled below, timed
		groups = append(groups, g)
		limiters = append(limiters, g.New("public", 60, time.Second))
	}
	var syncMu sync.Mutex
	var syncTotal time.Duration
	var syncs int
	var wg sync.WaitGroup
	for _, g := range groups {
		wg.Go(func() {
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					start := time.Now()
					if err := g.Sync(ctx); err != nil && ctx.Err() == nil {
						b.Error(err)
					}
					syncMu.Lock()
					syncTotal += time.Since(start)
					syncs++
					syncMu.Unlock()
				}
			}
		})
	}
	b.ResetTimer()
	var allowTimes []time.Duration
	// Paced by the clock: behind schedule, catch up; ahead, wait.
	begin := time.Now()
	for sent := 0; ; {
		elapsed := time.Since(begin)
		if elapsed >= duration {
			break
		}
		due := int(elapsed.Seconds() * rate)
		if sent >= due {
			time.Sleep(time.Millisecond)
			continue
		}
		for ; sent < due; sent++ {
			l := limiters[rand.IntN(instances)]
			k := rand.IntN(keys)
			key := fmt.Sprintf("198.51.%d.%d", k/250, k%250)
			start := time.Now()
			l.Allow(key)
			allowTimes = append(allowTimes, time.Since(start))
		}
	}
	cancel()
	wg.Wait()
	b.StopTimer()

	slices.Sort(allowTimes)
	var allowTotal time.Duration
	for _, d := range allowTimes {
		allowTotal += d
	}
	n := float64(len(allowTimes))
	perRequest := (allowTotal + syncTotal).Seconds() * 1000 / n
	b.ReportMetric(n/duration.Seconds(), "req/s")
	b.ReportMetric(float64(allowTotal.Microseconds())/n, "allow_µs/req")
	b.ReportMetric(float64(allowTimes[len(allowTimes)*99/100].Microseconds()), "allow_p99_µs")
	b.ReportMetric(syncTotal.Seconds()*1000/float64(syncs), "ms/sync")
	b.ReportMetric(perRequest, "limiter_ms/req")
	if perRequest > 0.2 {
		b.Logf("over the 0.2 ms bar: %.3f ms per request", perRequest)
	}
}
