package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
)

// countArgs is a job that records which instance ran it.
type countArgs struct {
	N int `json:"n"`
}

func (countArgs) Kind() string { return "jobs_test_count" }

// ledger records every run of every job, across instances.
type ledger struct {
	mu   sync.Mutex
	runs map[int][]string // job N → instances that ran it, one entry per run
}

func newLedger() *ledger { return &ledger{runs: make(map[int][]string)} }

func (l *ledger) record(n int, instance string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.runs[n] = append(l.runs[n], instance)
}

func (l *ledger) snapshot() map[int][]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[int][]string, len(l.runs))
	for k, v := range l.runs {
		out[k] = append([]string(nil), v...)
	}
	return out
}

type countWorker struct {
	river.WorkerDefaults[countArgs]
	instance string
	ledger   *ledger
	// failFirst makes the first failFirst attempts of every job fail.
	failFirst int
}

func (w *countWorker) Work(ctx context.Context, job *river.Job[countArgs]) error {
	if job.Attempt <= w.failFirst {
		return fmt.Errorf("attempt %d fails on purpose", job.Attempt)
	}
	w.ledger.record(job.Args.N, w.instance)
	// Long enough that one instance cannot drain the queue alone.
	time.Sleep(2 * time.Millisecond)
	return nil
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// startQueue runs a Queue on db for the rest of the test.
func startQueue(t *testing.T, db *postgres.DB, w *countWorker, opts ...jobs.Option) *jobs.Queue {
	t.Helper()
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, w); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(db, workers, testLogger(t), append([]jobs.Option{jobs.ForTesting()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("stop queue: %v", err)
		}
	})
	return q
}

func waitIdle(t *testing.T, q *jobs.Queue) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := q.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
}

func openDB(t *testing.T, dsn string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Two instances, as two servers behind a load balancer would be, with their
// own pools on one database: every job runs exactly once, and both share
// the work.
func TestJobsRunOnceAcrossInstances(t *testing.T) {
	dsn := pgtest.DSN(t)
	dbA, dbB := openDB(t, dsn), openDB(t, dsn)
	runs := newLedger()
	qA := startQueue(t, dbA, &countWorker{instance: "A", ledger: runs}, jobs.WithMaxWorkers(4))
	qB := startQueue(t, dbB, &countWorker{instance: "B", ledger: runs}, jobs.WithMaxWorkers(4))

	const n = 300
	ctx := context.Background()
	// Half the jobs come from each instance, in several transactions.
	for batch := 0; batch < 6; batch++ {
		q, db := qA, dbA
		if batch%2 == 1 {
			q, db = qB, dbB
		}
		err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			for i := batch * n / 6; i < (batch+1)*n/6; i++ {
				if err := q.InsertTx(ctx, tx, countArgs{N: i}, nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	waitIdle(t, qA)

	got := runs.snapshot()
	perInstance := map[string]int{}
	for i := 0; i < n; i++ {
		if len(got[i]) != 1 {
			t.Errorf("job %d ran %d times (%v), want once", i, len(got[i]), got[i])
			continue
		}
		perInstance[got[i][0]]++
	}
	if len(got) != n {
		t.Errorf("%d distinct jobs ran, want %d", len(got), n)
	}
	t.Logf("runs per instance: %v", perInstance)
	if perInstance["A"] == 0 || perInstance["B"] == 0 {
		t.Errorf("one instance ran every job (%v): the test did not exercise two workers", perInstance)
	}

	var completed, firstAttempt int
	err := dbA.Pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE state = 'completed'), count(*) FILTER (WHERE attempt = 1)
		FROM river_job WHERE kind = 'jobs_test_count'`).Scan(&completed, &firstAttempt)
	if err != nil {
		t.Fatal(err)
	}
	if completed != n || firstAttempt != n {
		t.Errorf("river_job: %d completed, %d on first attempt; want %d and %d", completed, firstAttempt, n, n)
	}
}

// A job exists exactly when the transaction that inserted it commits.
func TestInsertTxFollowsTransaction(t *testing.T) {
	db := pgtest.Open(t)
	runs := newLedger()
	q := startQueue(t, db, &countWorker{instance: "A", ledger: runs})
	ctx := context.Background()

	tests := []struct {
		name    string
		n       int
		fail    error
		wantRun bool
	}{
		{name: "committed", n: 1, wantRun: true},
		{name: "rolled back", n: 2, fail: errors.New("business rule failed"), wantRun: false},
		{name: "committed after a rollback", n: 3, wantRun: true},
	}
	for _, tt := range tests {
		err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			if err := q.InsertTx(ctx, tx, countArgs{N: tt.n}, nil); err != nil {
				return err
			}
			return tt.fail
		})
		if !errors.Is(err, tt.fail) {
			t.Fatalf("%s: InTx: %v, want %v", tt.name, err, tt.fail)
		}
	}
	waitIdle(t, q)

	got := runs.snapshot()
	for _, tt := range tests {
		ran := len(got[tt.n])
		if tt.wantRun && ran != 1 {
			t.Errorf("%s: job ran %d times, want once", tt.name, ran)
		}
		if !tt.wantRun && ran != 0 {
			t.Errorf("%s: job ran %d times, want never", tt.name, ran)
		}
		var rows int
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE (args->>'n')::int = $1`, tt.n).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{true: 1, false: 0}[tt.wantRun]; rows != want {
			t.Errorf("%s: %d river_job rows, want %d", tt.name, rows, want)
		}
	}
}

// A failing job is retried with the injected policy until it succeeds, and
// then it has run to completion once.
func TestFailingJobIsRetried(t *testing.T) {
	db := pgtest.Open(t)
	runs := newLedger()
	q := startQueue(t, db, &countWorker{instance: "A", ledger: runs, failFirst: 2})
	failed, cancel := q.Subscribe(river.EventKindJobFailed)
	defer cancel()

	ctx := context.Background()
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return q.InsertTx(ctx, tx, countArgs{N: 7}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	waitIdle(t, q)

	if got := runs.snapshot()[7]; len(got) != 1 {
		t.Fatalf("job completed %d times, want once", len(got))
	}
	// Events are delivered asynchronously; both failures precede the
	// completion that WaitIdle saw, so they arrive promptly.
	timeout := time.After(5 * time.Second)
	for failures := 0; failures < 2; {
		select {
		case ev := <-failed:
			if ev.Job.Kind == "jobs_test_count" {
				failures++
			}
		case <-timeout:
			t.Fatalf("saw %d failure events, want 2", failures)
		}
	}
	var state string
	var attempt, errs int
	err = db.Pool.QueryRow(ctx, `SELECT state, attempt, coalesce(array_length(errors, 1), 0) FROM river_job WHERE kind = 'jobs_test_count'`).
		Scan(&state, &attempt, &errs)
	if err != nil {
		t.Fatal(err)
	}
	if state != "completed" || attempt != 3 || errs != 2 {
		t.Errorf("job: state %s, attempt %d, %d errors; want completed, 3, 2", state, attempt, errs)
	}
}

type unregisteredArgs struct{}

func (unregisteredArgs) Kind() string { return "jobs_test_unregistered" }

// A job nobody would run is refused at insert, failing the transaction.
func TestInsertRefusesUnknownKind(t *testing.T) {
	db := pgtest.Open(t)
	q := startQueue(t, db, &countWorker{instance: "A", ledger: newLedger()})
	err := db.InTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
		return q.InsertTx(ctx, tx, unregisteredArgs{}, nil)
	})
	if err == nil {
		t.Fatal("inserting a job without a worker succeeded")
	}
}

func TestNewValidates(t *testing.T) {
	db := pgtest.Open(t)
	tests := []struct {
		name    string
		workers *river.Workers
		opts    []jobs.Option
	}{
		{name: "nil workers", workers: nil},
		{name: "no worker slots", workers: river.NewWorkers(), opts: []jobs.Option{jobs.WithMaxWorkers(0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := jobs.New(db, tt.workers, testLogger(t), tt.opts...); err == nil {
				t.Error("New succeeded")
			}
		})
	}
}
