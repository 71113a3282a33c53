// Package jobs is Frontdesk's durable background queue: email, reminders and
// CRM calls are River jobs stored in the same PostgreSQL database as the
// business data.
//
// A job is inserted inside the bun transaction that causes it (InsertTx), so
// it exists exactly when the change that caused it was committed: a rolled
// back booking sends no email, and a committed one always does, however often
// the SMTP server fails on the way. Every server instance runs a Queue;
// River's row locking makes each job run on one of them only.
//
// Packages that define jobs register their workers on a *river.Workers before
// New is called:
//
//	workers := river.NewWorkers()
//	if err := mail.Register(workers, sender, log); err != nil { … }
//	q, err := jobs.New(db, workers, log)
//	…
//	q.Start(ctx)
//	defer q.Stop(context.WithoutCancel(ctx))
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/postgres"
)

// Defaults for Options; they suit production.
const (
	defaultMaxWorkers   = 10
	defaultPollInterval = time.Second
	defaultMaxAttempts  = river.MaxAttemptsDefault // 25 attempts over about three weeks with River's backoff
	defaultJobTimeout   = time.Minute
)

// Queue inserts jobs in business transactions and works them.
//
// It holds two River clients on one database: an insert-only client on the
// database/sql driver, because business transactions are bun transactions
// over database/sql and a job must be written in the same *sql.Tx, and a
// working client on pgx over the pool, which fetches, locks and runs jobs
// and listens for new ones.
type Queue struct {
	inserter *river.Client[*sql.Tx]
	worker   *river.Client[pgx.Tx]
	pool     *pgxpool.Pool
	log      *slog.Logger
	metrics  *metrics
}

// Option changes how a Queue works jobs.
type Option func(*config)

type config struct {
	maxWorkers   int
	pollInterval time.Duration
	maxAttempts  int
	jobTimeout   time.Duration
	retryPolicy  river.ClientRetryPolicy
	testOnly     bool
	id           string
	periodic     []*river.PeriodicJob
}

// WithMaxWorkers sets how many jobs one instance runs at once.
func WithMaxWorkers(n int) Option { return func(c *config) { c.maxWorkers = n } }

// WithPollInterval sets how often an instance looks for due jobs when no
// notification told it about one: retries and scheduled jobs become due
// without a notification, so tests shorten it.
func WithPollInterval(d time.Duration) Option { return func(c *config) { c.pollInterval = d } }

// WithMaxAttempts sets how many times a failing job runs before River
// discards it.
func WithMaxAttempts(n int) Option { return func(c *config) { c.maxAttempts = n } }

// WithJobTimeout bounds one run of a job.
func WithJobTimeout(d time.Duration) Option { return func(c *config) { c.jobTimeout = d } }

// WithRetryPolicy replaces River's exponential backoff (attempt⁴ seconds),
// which tests cannot wait for; see RetryAfter.
func WithRetryPolicy(p river.ClientRetryPolicy) Option {
	return func(c *config) { c.retryPolicy = p }
}

// WithID names this instance's worker in river_job.attempted_by, so that
// the jobs of an instance that died can be found (backend/cluster). It must
// be unique among running instances; River picks one when it is empty.
func WithID(id string) Option { return func(c *config) { c.id = id } }

// WithPeriodicJobs adds jobs River inserts on a schedule. Only the elected
// leader among the instances inserts them, so each runs once per period
// across the cluster.
func WithPeriodicJobs(jobs ...*river.PeriodicJob) Option {
	return func(c *config) { c.periodic = append(c.periodic, jobs...) }
}

// ForTesting makes a Queue react in milliseconds rather than seconds: short
// polling, retries a few milliseconds apart and no staggered start of
// River's maintenance services. Never use it in production.
func ForTesting() Option {
	return func(c *config) {
		c.pollInterval = 20 * time.Millisecond
		c.retryPolicy = RetryAfter(10 * time.Millisecond)
		c.testOnly = true
	}
}

// New builds a Queue for db whose instance runs the given workers. The
// workers must be complete: River refuses to insert a job whose kind has no
// registered worker, which catches a forgotten registration at the first
// insert instead of leaving jobs nobody runs.
func New(db *postgres.DB, workers *river.Workers, log *slog.Logger, opts ...Option) (*Queue, error) {
	if workers == nil {
		return nil, errors.New("jobs: workers is nil")
	}
	if log == nil {
		log = slog.Default()
	}
	cfg := config{
		maxWorkers:   defaultMaxWorkers,
		pollInterval: defaultPollInterval,
		maxAttempts:  defaultMaxAttempts,
		jobTimeout:   defaultJobTimeout,
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.maxWorkers < 1 {
		return nil, fmt.Errorf("jobs: max workers must be positive, got %d", cfg.maxWorkers)
	}
	// River requires the poll interval to be no shorter than the fetch
	// cooldown, which defaults to 100ms.
	cooldown := min(river.FetchCooldownDefault, cfg.pollInterval)

	insertID := ""
	if cfg.id != "" {
		insertID = cfg.id + "-insert"
	}
	inserter, err := river.NewClient(riverdatabasesql.New(db.Bun.DB), &river.Config{
		ID:          insertID,
		Logger:      log,
		MaxAttempts: cfg.maxAttempts,
		Workers:     workers,
		TestOnly:    cfg.testOnly,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: insert client: %w", err)
	}
	worker, err := river.NewClient(riverpgxv5.New(db.Pool), &river.Config{
		ID:                cfg.id,
		Logger:            log,
		MaxAttempts:       cfg.maxAttempts,
		JobTimeout:        cfg.jobTimeout,
		FetchCooldown:     cooldown,
		FetchPollInterval: cfg.pollInterval,
		RetryPolicy:       cfg.retryPolicy,
		Queues: map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: cfg.maxWorkers},
		},
		Workers:      workers,
		PeriodicJobs: cfg.periodic,
		TestOnly:     cfg.testOnly,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: worker client: %w", err)
	}
	q := &Queue{inserter: inserter, worker: worker, pool: db.Pool, log: log}
	q.metrics = q.newMetrics()
	return q, nil
}

// InsertTx adds a job in tx: it becomes visible to workers when tx commits
// and disappears if tx rolls back. opts may be nil.
func (q *Queue) InsertTx(ctx context.Context, tx bun.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	if tx.Tx == nil {
		return fmt.Errorf("jobs: insert %s: no transaction", args.Kind())
	}
	if _, err := q.inserter.InsertTx(ctx, tx.Tx, args, opts); err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// Start begins working jobs until Stop is called or ctx is cancelled.
func (q *Queue) Start(ctx context.Context) error {
	if err := q.worker.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	q.count(ctx)
	return nil
}

// Stop stops fetching jobs and waits for the running ones to finish, or for
// ctx to end. Jobs still running then are cancelled (their context ends)
// and, once this instance has left the cluster, handed back to the queue
// for another instance (Reclaim).
func (q *Queue) Stop(ctx context.Context) error {
	err := q.worker.Stop(ctx)
	if err == nil {
		return nil
	}
	q.log.Warn("jobs: running jobs did not finish in time; cancelling them", "err", err)
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if cerr := q.worker.StopAndCancel(cctx); cerr != nil {
		return fmt.Errorf("jobs: stop: %w", errors.Join(err, cerr))
	}
	return fmt.Errorf("jobs: stop: %w", err)
}

// Reclaim hands the jobs that the given workers (WithID) were running back
// to the queue: they become available to every instance at once, as after
// a failed attempt (the attempt counts, and a job out of attempts is
// discarded). Call it only for workers known to be gone; a job reclaimed
// from a worker still running it would run twice. It returns how many jobs
// were reclaimed.
func (q *Queue) Reclaim(ctx context.Context, workerIDs []string) (int64, error) {
	if len(workerIDs) == 0 {
		return 0, nil
	}
	tag, err := q.pool.Exec(ctx, `
		UPDATE river_job SET
			state = CASE WHEN attempt >= max_attempts THEN 'discarded' ELSE 'available' END::river_job_state,
			finalized_at = CASE WHEN attempt >= max_attempts THEN now() END,
			scheduled_at = now(),
			errors = array_append(errors, jsonb_build_object(
				'at', now(), 'attempt', attempt, 'trace', '',
				'error', 'instance ' || attempted_by[array_length(attempted_by, 1)] || ' stopped while running the job'))
		WHERE state = 'running' AND attempted_by[array_length(attempted_by, 1)] = ANY($1)`, workerIDs)
	if err != nil {
		return 0, fmt.Errorf("jobs: reclaim: %w", err)
	}
	return tag.RowsAffected(), nil
}

// Subscribe reports events of the given kinds for jobs that this instance
// works, such as river.EventKindJobFailed. Call the returned function to
// unsubscribe. Events are dropped when the channel's buffer is full.
func (q *Queue) Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func()) {
	return q.worker.Subscribe(kinds...)
}

// WaitIdle blocks until no job is due: none is available or running, and no
// retry or scheduled job has reached its time. It watches the table, not this
// instance, so it also covers jobs that another instance works. Tests call it
// after committing the transactions whose jobs they wait for.
func (q *Queue) WaitIdle(ctx context.Context) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		n, err := q.dueJobs(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("jobs: wait idle: %d jobs still due: %w", n, ctx.Err())
		case <-tick.C:
		}
	}
}

func (q *Queue) dueJobs(ctx context.Context) (int, error) {
	var n int
	err := q.pool.QueryRow(ctx, `
		SELECT count(*) FROM river_job
		WHERE state IN ('available', 'running')
		   OR (state IN ('retryable', 'scheduled') AND scheduled_at <= now())`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("jobs: count due jobs: %w", err)
	}
	return n, nil
}
