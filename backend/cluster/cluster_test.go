package cluster_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/cluster"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
)

type slowArgs struct{}

func (slowArgs) Kind() string { return "cluster_test_slow" }

// slowWorker blocks on instance "a" until released, and returns at once
// elsewhere; it records who ran it.
type slowWorker struct {
	river.WorkerDefaults[slowArgs]
	id      string
	started chan string
	release chan struct{}
}

func (w *slowWorker) Work(ctx context.Context, job *river.Job[slowArgs]) error {
	w.started <- w.id
	if w.id == "a" {
		<-w.release
	}
	return nil
}

func (w *slowWorker) Timeout(*river.Job[slowArgs]) time.Duration { return time.Minute }

func queue(t *testing.T, db *postgres.DB, w *slowWorker) *jobs.Queue {
	t.Helper()
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	q, err := jobs.New(db, workers, slog.New(slog.NewTextHandler(io.Discard, nil)), jobs.ForTesting(), jobs.WithID(w.id))
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(ctx) //nolint:errcheck // a's job may be held on purpose
	})
	return q
}

// attempts returns the job's state and the workers that attempted it.
func attempts(t *testing.T, db *postgres.DB) (state string, by []string) {
	t.Helper()
	if err := db.Pool.QueryRow(context.Background(), `SELECT state, attempted_by FROM river_job WHERE kind = 'cluster_test_slow'`).Scan(&state, &by); err != nil {
		t.Fatal(err)
	}
	return state, by
}

func waitStarted(t *testing.T, w *slowWorker, want string) {
	t.Helper()
	select {
	case got := <-w.started:
		if got != want {
			t.Fatalf("job started on %s, want %s", got, want)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("job never started on %s", want)
	}
}

// An instance that stops heartbeating (killed) has its running job handed
// back and run by another; an instance that heartbeats keeps its job
// however long it runs.
func TestDeadInstancesJobsAreReclaimed(t *testing.T) {
	db := pgtest.Open(t)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	started := make(chan string, 4)
	a := &slowWorker{id: "a", started: started, release: make(chan struct{})}
	b := &slowWorker{id: "b", started: started}

	qa := queue(t, db, a)
	ma := cluster.New(db, log, "", 500*time.Millisecond)
	if err := ma.Join(ctx); err != nil {
		t.Fatal(err)
	}
	// The member's id names the worker in attempted_by.
	if _, err := db.Bun.ExecContext(ctx, `UPDATE instances SET id = 'a' WHERE id = ?`, ma.ID()); err != nil {
		t.Fatal(err)
	}
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error { return qa.InsertTx(ctx, tx, slowArgs{}, nil) })
	if err != nil {
		t.Fatal(err)
	}
	waitStarted(t, a, "a")

	qb := queue(t, db, b)
	mb := cluster.New(db, log, "", 500*time.Millisecond)
	mb.SetJobs(qb)
	if err := mb.Join(ctx); err != nil {
		t.Fatal(err)
	}

	// a alive: heartbeating, its job stays with it for several timeouts.
	aliveCtx, stopA := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-aliveCtx.Done():
				return
			case <-t.C:
				db.Heartbeat(aliveCtx, "a", "") //nolint:errcheck
			}
		}
	})
	runCtx, stopB := context.WithCancel(ctx)
	defer stopB()
	wg.Go(func() { mb.Run(runCtx) })
	time.Sleep(1500 * time.Millisecond)
	if state, by := attempts(t, db); state != "running" || len(by) != 1 || by[0] != "a" {
		t.Fatalf("a live instance's job: %s by %v, want still running on a", state, by)
	}

	// a dies: it stops fetching (its job still held) and heartbeating.
	// b hands the job back and runs it.
	stopping := make(chan struct{})
	go func() {
		defer close(stopping)
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		qa.Stop(sctx) //nolint:errcheck // returns once a's job is released
	}()
	time.Sleep(200 * time.Millisecond)
	stopA()
	waitStarted(t, b, "b")
	deadline := time.Now().Add(20 * time.Second)
	for {
		state, by := attempts(t, db)
		if state == "completed" {
			if len(by) != 2 || by[0] != "a" || by[1] != "b" {
				t.Fatalf("attempted by %v, want a then b", by)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s after the reclaim", state)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stopB()
	wg.Wait()
	a.release <- struct{}{}
	<-stopping
}

// An instance that leaves cleanly is gone at once, not after the timeout.
func TestLeaveCountsAsDead(t *testing.T) {
	db := pgtest.Open(t)
	ctx := context.Background()
	m := cluster.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), "127.0.0.1:8080", time.Hour)
	if err := m.Join(ctx); err != nil {
		t.Fatal(err)
	}
	dead, err := db.DeadInstances(ctx, time.Hour)
	if err != nil || len(dead) != 0 {
		t.Fatalf("dead = %v, %v; want none", dead, err)
	}
	if err := m.Leave(ctx); err != nil {
		t.Fatal(err)
	}
	if dead, _ := db.DeadInstances(ctx, time.Hour); len(dead) != 1 || dead[0] != m.ID() {
		t.Fatalf("dead after leaving = %v, want %s", dead, m.ID())
	}
}
