package push

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/jobs"
)

// maxAttempts bounds a push job's retries. With River's backoff (attempt⁴
// seconds) eight attempts span about two and a half hours, well inside TTL.
const maxAttempts = 8

// PushArgs is the job that notifies agents' browsers of one event.
type PushArgs struct {
	AgentIDs []int64 `json:"agent_ids"`
	Payload  Payload `json:"payload"`
	// Expires is when the notification stops being worth showing; the push
	// service is told to hold it until then, and a job still retrying
	// afterwards gives up.
	Expires time.Time `json:"expires"`
	// SubscriptionIDs, when set, limits the job to these subscriptions of
	// the agents: the ones an earlier job failed to reach while it reached
	// others, which must not be notified twice.
	SubscriptionIDs []int64 `json:"subscription_ids,omitempty"`
}

// Kind names the job in river_job.
func (PushArgs) Kind() string { return "web_push" }

// InsertOpts are the defaults River applies when the job is inserted.
func (PushArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: maxAttempts} }

// Enqueue queues p for the browsers of agentIDs in tx: it is sent once tx
// commits, and never if tx rolls back. With no agents it does nothing. An
// invalid payload fails here, in the transaction that made it, rather than
// later in a job nobody watches.
func Enqueue(ctx context.Context, q *jobs.Queue, tx bun.Tx, agentIDs []int64, p Payload) error {
	if len(agentIDs) == 0 {
		return nil
	}
	if _, err := p.encode(); err != nil {
		return fmt.Errorf("push: enqueue: %w", err)
	}
	ids := slices.Clone(agentIDs)
	slices.Sort(ids)
	args := PushArgs{AgentIDs: slices.Compact(ids), Payload: p, Expires: time.Now().Add(TTL).UTC()}
	if err := q.InsertTx(ctx, tx, args, nil); err != nil {
		return fmt.Errorf("push: enqueue: %w", err)
	}
	return nil
}

// Worker runs web_push jobs.
type Worker struct {
	river.WorkerDefaults[PushArgs]
	Sender *Sender
}

// Register adds a Worker sending through s to workers.
func Register(workers *river.Workers, s *Sender) error {
	if err := river.AddWorkerSafely(workers, &Worker{Sender: s}); err != nil {
		return fmt.Errorf("push: register worker: %w", err)
	}
	return nil
}

// Timeout leaves room for a job whose agents have many browsers, each push
// bounded by the Sender's own timeout.
func (w *Worker) Timeout(*river.Job[PushArgs]) time.Duration { return 2 * time.Minute }

// Work sends the job's notification. When no subscription could be reached
// it fails, and River retries it with backoff. When some were reached and
// others not, retrying it would notify the reached ones again, so it
// succeeds and queues a job for the others alone.
func (w *Worker) Work(ctx context.Context, job *river.Job[PushArgs]) error {
	args := job.Args
	log := w.Sender.log.With(slog.Int64("job_id", job.ID))
	ttl := TTL
	if !args.Expires.IsZero() {
		ttl = time.Until(args.Expires)
	}
	if ttl <= 0 {
		log.InfoContext(ctx, "push: notification expired before it could be sent", slog.String("title", args.Payload.Title))
		return nil
	}
	if _, err := args.Payload.encode(); err != nil {
		return river.JobCancel(err) // a bad payload stays bad
	}

	res, err := w.Sender.send(ctx, args.AgentIDs, args.SubscriptionIDs, args.Payload, ttl)
	if err != nil {
		return err
	}
	switch {
	case len(res.retry) == 0:
		return nil
	case res.settled == 0:
		return res.err
	}

	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return fmt.Errorf("push: %w (and no client to queue a retry: %w)", res.err, err)
	}
	rest := args
	rest.SubscriptionIDs = res.retry
	if _, err := client.Insert(ctx, rest, nil); err != nil {
		return fmt.Errorf("push: %w (and queueing a retry failed: %w)", res.err, err)
	}
	log.WarnContext(ctx, "push: some browsers not reached; retrying them in a new job",
		slog.Int("reached", res.settled), slog.Int("retrying", len(res.retry)), slog.Any("err", res.err))
	return nil
}
