package jobs

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
)

// metrics are what operators watch of the queue: outcomes of the attempts
// this instance ran, by job kind (failed sends of email, calendar writes
// and CRM calls), and how far the queue as a whole is behind.
type metrics struct {
	attempts *prometheus.CounterVec
	due      prometheus.Collector
	age      prometheus.Collector
}

func (q *Queue) newMetrics() *metrics {
	m := &metrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_job_attempts_total",
			Help: "Job attempts this instance ran, by kind (send_email, calendar_sync, crm_…) and outcome (completed, failed, cancelled, snoozed).",
		}, []string{"kind", "outcome"}),
	}
	m.due = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "frontdesk_jobs_due", Help: "Jobs that are due or running, on all instances.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := q.dueJobs(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	})
	m.age = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "frontdesk_jobs_oldest_due_seconds", Help: "How long the oldest job that is due but not running has waited, on all instances.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		var s float64
		if err := q.pool.QueryRow(ctx, `SELECT coalesce(extract(epoch FROM now() - min(scheduled_at)), 0)::float8 FROM river_job
			WHERE state IN ('available', 'retryable') AND scheduled_at <= now()`).Scan(&s); err != nil {
			return -1
		}
		return s
	})
	return m
}

// Collectors are the queue's metrics, to register with Prometheus.
func (q *Queue) Collectors() []prometheus.Collector {
	return []prometheus.Collector{q.metrics.attempts, q.metrics.due, q.metrics.age}
}

// count follows the outcomes of the attempts this instance runs until ctx
// ends.
func (q *Queue) count(ctx context.Context) {
	events, cancel := q.worker.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed,
		river.EventKindJobCancelled, river.EventKindJobSnoozed)
	go func() {
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case <-q.worker.Stopped():
				return
			case ev, ok := <-events:
				if !ok {
					return
				}
				outcome := "completed"
				switch ev.Kind {
				case river.EventKindJobFailed:
					outcome = "failed"
				case river.EventKindJobCancelled:
					outcome = "cancelled"
				case river.EventKindJobSnoozed:
					outcome = "snoozed"
				}
				q.metrics.attempts.WithLabelValues(ev.Job.Kind, outcome).Inc()
			}
		}
	}()
}
