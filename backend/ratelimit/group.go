package ratelimit

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Group makes limiters shared by every instance through a Store, and
// settles them with it in the background. A nil *Group makes limiters of
// this instance only.
type Group struct {
	store Store
	every time.Duration
	log   *slog.Logger

	mu       sync.Mutex
	limiters []*Limiter

	syncs    prometheus.Histogram
	failures prometheus.Counter
}

// NewGroup returns a Group settling with store every interval (100 ms if
// zero or less).
func NewGroup(store Store, every time.Duration, log *slog.Logger) *Group {
	if every <= 0 {
		every = 100 * time.Millisecond
	}
	if log == nil {
		log = slog.Default()
	}
	g := &Group{
		store: store, every: every, log: log,
		syncs: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "frontdesk_rate_limit_sync_seconds", Help: "Time to settle this instance's rate-limit counts with the other instances.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25},
		}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "frontdesk_rate_limit_sync_failures_total", Help: "Rate-limit settlements that failed (limits are then per instance until the next one works).",
		}),
	}
	return g
}

// Collectors are the group's metrics, to register with Prometheus.
func (g *Group) Collectors() []prometheus.Collector {
	if g == nil {
		return nil
	}
	return []prometheus.Collector{g.syncs, g.failures}
}

// New returns the limiter called name (one per kind of limit, such as
// "login_ip"): burst actions at once per key, refilled at one per every.
func (g *Group) New(name string, burst int, every time.Duration) *Limiter {
	l := newLimiter(name, burst, every)
	if g == nil {
		return l
	}
	l.shared = true
	g.mu.Lock()
	g.limiters = append(g.limiters, l)
	g.mu.Unlock()
	return l
}

// Sync settles every limiter of the group now.
func (g *Group) Sync(ctx context.Context) error {
	if g == nil {
		return nil
	}
	g.mu.Lock()
	limiters := append([]*Limiter(nil), g.limiters...)
	g.mu.Unlock()
	start := time.Now()
	var errs []error
	for _, l := range limiters {
		if l.burst <= 0 || l.rate <= 0 {
			continue
		}
		// Keys used since the sync before are refreshed too, so an
		// instance sees what the others handed out for them.
		if err := l.sync(ctx, g.store, 2*g.every); err != nil {
			errs = append(errs, err)
		}
	}
	g.syncs.Observe(time.Since(start).Seconds())
	if err := errors.Join(errs...); err != nil {
		g.failures.Inc()
		return err
	}
	return nil
}

// Run settles every interval until ctx ends, and once more then, so that
// an instance stopping hands what it counted to the others.
func (g *Group) Run(ctx context.Context) {
	if g == nil {
		return
	}
	t := time.NewTicker(g.every)
	defer t.Stop()
	forget := time.NewTicker(time.Minute)
	defer forget.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			defer cancel()
			if err := g.Sync(fctx); err != nil {
				g.log.Warn("rate limits: final settlement", "err", err)
			}
			return
		case <-t.C:
			if err := g.Sync(ctx); err != nil && ctx.Err() == nil {
				g.log.Warn("rate limits: settle with other instances", "err", err)
			}
		case <-forget.C:
			if f, ok := g.store.(interface{ ForgetIdleRateLimits(context.Context) error }); ok {
				if err := f.ForgetIdleRateLimits(ctx); err != nil && ctx.Err() == nil {
					g.log.Warn("rate limits: forget idle buckets", "err", err)
				}
			}
		}
	}
}
