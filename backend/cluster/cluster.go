// Package cluster lets the server instances that share one database notice
// each other's death.
//
// Every instance heartbeats a row of the instances table. When an
// instance's heartbeat stops (a SIGKILL, a lost machine) or it leaves after
// a shutdown that could not finish its jobs, the others hand the River jobs
// it was running back to the queue within a few seconds. River's own
// stuck-job rescue would do it too, but only after an hour by default: an
// email or a calendar write held by a dead instance would wait that long.
//
// A job is handed back only when the instance that held it is known to be
// gone, so a slow job on a live instance never runs twice. Jobs are
// idempotent anyway (reminders claim a row, calendar writes PUT in place,
// CRM calls carry markers, emails keep their Message-ID), which covers the
// one case this cannot tell apart: an instance cut off from the database
// for longer than the timeout that still finishes a job.
package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/frontdesk/frontdesk/backend/postgres"
)

// DefaultTimeout is how long an instance may go without a heartbeat before
// the others take over its jobs.
const DefaultTimeout = 10 * time.Second

// Reclaimer hands the jobs of dead workers back to the queue (jobs.Queue).
type Reclaimer interface {
	Reclaim(ctx context.Context, workerIDs []string) (int64, error)
}

// Member is this instance.
type Member struct {
	id, host string
	db       *postgres.DB
	log      *slog.Logger
	timeout  time.Duration
	jobs     Reclaimer

	reclaimed prometheus.Counter
	live      prometheus.GaugeFunc
}

// New names this instance after its host and the address it listens on,
// which operators see in the instances table and in river_job; call Join,
// then Run to take part. timeout 0 means DefaultTimeout.
func New(db *postgres.DB, log *slog.Logger, addr string, timeout time.Duration) *Member {
	host, _ := os.Hostname()
	if addr != "" {
		host += "/" + addr
	}
	b := make([]byte, 6)
	rand.Read(b) //nolint:errcheck // never fails on Linux
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	m := &Member{id: host + "/" + hex.EncodeToString(b), host: host, db: db, log: log, timeout: timeout}
	if len(m.id) > 90 { // River's limit is 100, and the queue adds "-insert"
		m.id = m.id[len(m.id)-90:]
	}
	if len(m.host) > 255 {
		m.host = m.host[:255]
	}
	m.reclaimed = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "frontdesk_jobs_reclaimed_total", Help: "Jobs handed back to the queue because the instance running them died.",
	})
	m.live = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "frontdesk_instances_live", Help: "Server instances with a recent heartbeat, as this instance sees them.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := db.LiveInstances(ctx, m.timeout)
		if err != nil {
			return 0
		}
		return float64(n)
	})
	return m
}

// Collectors are the cluster's metrics, to register with Prometheus.
func (m *Member) Collectors() []prometheus.Collector {
	return []prometheus.Collector{m.reclaimed, m.live}
}

// ID is this instance's name, unique among the running instances; the job
// queue uses it as its worker id.
func (m *Member) ID() string { return m.id }

// SetJobs says whose jobs to reclaim; set before Run.
func (m *Member) SetJobs(r Reclaimer) { m.jobs = r }

// Join records the first heartbeat, so this instance counts as alive before
// it takes any job.
func (m *Member) Join(ctx context.Context) error { return m.db.Heartbeat(ctx, m.id, m.host) }

// Run heartbeats and reclaims the jobs of dead instances until ctx ends.
func (m *Member) Run(ctx context.Context) {
	t := time.NewTicker(m.timeout / 5)
	defer t.Stop()
	for {
		m.tick(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (m *Member) tick(ctx context.Context) {
	if err := m.db.Heartbeat(ctx, m.id, m.host); err != nil {
		if ctx.Err() == nil {
			m.log.Warn("cluster: heartbeat", "err", err)
		}
		return
	}
	if m.jobs == nil {
		return
	}
	dead, err := m.db.DeadInstances(ctx, m.timeout)
	if err != nil || len(dead) == 0 {
		if err != nil && ctx.Err() == nil {
			m.log.Warn("cluster: find dead instances", "err", err)
		}
		return
	}
	n, err := m.jobs.Reclaim(ctx, dead)
	if err != nil {
		if ctx.Err() == nil {
			m.log.Warn("cluster: reclaim jobs", "err", err)
		}
		return
	}
	if n > 0 {
		m.reclaimed.Add(float64(n))
		m.log.Info("cluster: jobs of stopped instances handed back to the queue", "jobs", n, "instances", dead)
	}
}

// Leave records that this instance has stopped: the jobs it could not
// finish go back to the queue at the others' next heartbeat. Call it after
// the job queue has stopped.
func (m *Member) Leave(ctx context.Context) error { return m.db.LeaveInstance(ctx, m.id) }
