package mail

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/jobs"
)

// SendEmailArgs is the job that sends one message.
type SendEmailArgs struct {
	Message Message `json:"message"`
}

// Kind names the job in river_job.
func (SendEmailArgs) Kind() string { return "send_email" }

// Enqueue queues m in tx: it is sent once tx commits, and never if tx rolls
// back. An invalid message fails here, in the transaction that made it,
// rather than later in a job nobody watches.
func Enqueue(ctx context.Context, q *jobs.Queue, tx bun.Tx, m Message) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("mail: enqueue: %w", err)
	}
	if err := q.InsertTx(ctx, tx, SendEmailArgs{Message: m}, nil); err != nil {
		return fmt.Errorf("mail: enqueue: %w", err)
	}
	return nil
}

// EmailWorker runs send_email jobs. A failed attempt returns its error, and
// River retries with backoff; a permanent refusal cancels the job instead,
// since retrying cannot change it.
type EmailWorker struct {
	river.WorkerDefaults[SendEmailArgs]
	Sender *Sender
	Log    *slog.Logger
	// Ledger, when set, keeps calendar invites in order (InOrder).
	Ledger InviteLedger
}

// InviteLedger remembers the newest version of each meeting's invite sent
// to each person (backend/postgres).
type InviteLedger interface {
	// InviteInOrder calls send unless this version of the invite, or a
	// newer one, has already been sent to recipient, and records it when
	// send succeeds. sent reports whether send was called and succeeded.
	InviteInOrder(ctx context.Context, uid, recipient string, sequence int, send func(context.Context) error) (sent bool, err error)
}

// WorkerOption adjusts the EmailWorker.
type WorkerOption func(*EmailWorker)

// InOrder makes the worker drop a message whose invite is older than one
// already sent to the same person. Jobs run concurrently and retry, so a
// REQUEST (SEQUENCE 2) whose first attempt failed could otherwise arrive
// after the CANCEL (SEQUENCE 3) that followed it, and a calendar applying
// them in arrival order would bring the meeting back. It also keeps a
// retried job from sending the same invite twice.
func InOrder(l InviteLedger) WorkerOption { return func(w *EmailWorker) { w.Ledger = l } }

// Register adds an EmailWorker sending through s to workers.
func Register(workers *river.Workers, s *Sender, log *slog.Logger, opts ...WorkerOption) error {
	if log == nil {
		log = slog.Default()
	}
	w := &EmailWorker{Sender: s, Log: log}
	for _, o := range opts {
		o(w)
	}
	if err := river.AddWorkerSafely(workers, w); err != nil {
		return fmt.Errorf("mail: register worker: %w", err)
	}
	return nil
}

// Work sends the job's message.
func (w *EmailWorker) Work(ctx context.Context, job *river.Job[SendEmailArgs]) error {
	m := job.Args.Message
	if m.ID == "" {
		m.ID = messageID(job.ID, job.CreatedAt.UnixNano(), w.Sender.from.Address)
	}
	var err error
	if inv := m.Invite; inv != nil && w.Ledger != nil && len(m.To) == 1 {
		var sent bool
		sent, err = w.Ledger.InviteInOrder(ctx, inv.UID, m.To[0].Email, inv.Sequence,
			func(ctx context.Context) error { return w.Sender.Send(ctx, m) })
		if err == nil && !sent {
			w.Log.InfoContext(ctx, "mail: not sending an invite older than one already sent",
				slog.Int64("job_id", job.ID), slog.String("uid", inv.UID), slog.Int("sequence", inv.Sequence))
			return nil
		}
	} else {
		err = w.Sender.Send(ctx, m)
	}
	if err != nil && IsPermanent(err) {
		w.Log.ErrorContext(ctx, "mail: giving up on a message the server refused",
			slog.Int64("job_id", job.ID), slog.String("to", recipients(m.To)),
			slog.String("subject", m.Subject), slog.Any("err", err))
		return river.JobCancel(err)
	}
	if err != nil {
		level, msg := slog.LevelWarn, "mail: send failed; will retry"
		if job.Attempt >= job.MaxAttempts {
			level, msg = slog.LevelError, "mail: send failed for the last time; giving up"
		}
		w.Log.Log(ctx, level, msg, slog.Int64("job_id", job.ID),
			slog.Int("attempt", job.Attempt), slog.Int("max_attempts", job.MaxAttempts),
			slog.String("to", recipients(m.To)), slog.Any("err", err))
	}
	return err
}

// messageID is the same for every attempt of one job, so a message that
// did reach a mailbox before its attempt failed is recognisable as a
// duplicate when the retry delivers it again.
func messageID(jobID, createdAt int64, from string) string {
	return fmt.Sprintf("frontdesk.%d.%d@%s", jobID, createdAt, domainOf(from))
}
