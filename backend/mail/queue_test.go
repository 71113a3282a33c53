package mail_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/invite"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/mail"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/smtptest"
)

// queueFor runs a job queue whose EmailWorker sends through s, retrying
// failed jobs every 50ms.
func queueFor(t *testing.T, db *postgres.DB, s *mail.Sender) *jobs.Queue {
	t.Helper()
	workers := river.NewWorkers()
	if err := mail.Register(workers, s, testLogger(t), mail.InOrder(db)); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(db, workers, testLogger(t), jobs.ForTesting(), jobs.WithRetryPolicy(jobs.RetryAfter(50*time.Millisecond)))
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

func enqueue(t *testing.T, db *postgres.DB, q *jobs.Queue, m mail.Message) {
	t.Helper()
	err := db.InTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
		return mail.Enqueue(ctx, q, tx, m)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func waitIdle(t *testing.T, q *jobs.Queue) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := q.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
}

type jobRow struct {
	state    string
	attempt  int
	errors   int
	finished bool
}

func emailJobs(t *testing.T, db *postgres.DB) []jobRow {
	t.Helper()
	rows, err := db.Pool.Query(context.Background(), `
		SELECT state, attempt, coalesce(array_length(errors, 1), 0), finalized_at IS NOT NULL
		FROM river_job WHERE kind = 'send_email' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []jobRow
	for rows.Next() {
		var r jobRow
		if err := rows.Scan(&r.state, &r.attempt, &r.errors, &r.finished); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// A meeting is booked, then cancelled: each change is queued in its
// transaction, and the guest's mailbox receives an invitation and its
// cancellation that a calendar client would apply to one event.
func TestInviteThroughQueue(t *testing.T) {
	db := pgtest.Open(t)
	srv := smtptest.Start(t)
	q := queueFor(t, db, senderFor(t, srv, mail.Config{}))

	enqueue(t, db, q, inviteMessage(t, 0))

	// A booking that fails after queueing its email sends nothing.
	errBooking := errors.New("slot taken")
	err := db.InTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
		if err := mail.Enqueue(ctx, q, tx, inviteMessage(t, 0)); err != nil {
			return err
		}
		return errBooking
	})
	if !errors.Is(err, errBooking) {
		t.Fatalf("rolled back booking: %v", err)
	}

	cancelled, err := invite.Cancel(meeting(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	enqueue(t, db, q, mail.Message{
		To:       []mail.Address{{Email: "gus@example.org"}},
		Subject:  "Meeting cancelled",
		Text:     "Ada cancelled the meeting.",
		Calendar: cancelled,
	})
	waitIdle(t, q)

	got := srv.Messages()
	if len(got) != 2 {
		t.Fatalf("%d messages, want 2 (the rolled-back booking must send none)", len(got))
	}
	want := []struct {
		method, status string
		seq            int
	}{
		{invite.MethodRequest, invite.StatusConfirmed, 0},
		{invite.MethodCancel, invite.StatusCancelled, 1},
	}
	// The two jobs may run in either order.
	if got[0].Subject() == "Meeting cancelled" {
		got[0], got[1] = got[1], got[0]
	}
	for i, w := range want {
		part, ok := got[i].Calendar()
		if !ok {
			t.Fatalf("message %d has no calendar part", i)
		}
		if part.Params["method"] != w.method {
			t.Errorf("message %d: Content-Type method=%s, want %s", i, part.Params["method"], w.method)
		}
		method, ev, err := invite.Parse(part.Body)
		if err != nil {
			t.Fatal(err)
		}
		if method != w.method || ev.UID != "m-1@frontdesk.test" || ev.Sequence != w.seq || ev.Status != w.status {
			t.Errorf("message %d: %s UID %s SEQUENCE %d STATUS %s; want %s m-1@frontdesk.test %d %s",
				i, method, ev.UID, ev.Sequence, ev.Status, w.method, w.seq, w.status)
		}
	}
	for _, j := range emailJobs(t, db) {
		if j.state != "completed" || j.attempt != 1 {
			t.Errorf("job %+v, want completed on the first attempt", j)
		}
	}
}

// Whether the SMTP server is down or answers "try later", the job fails,
// is retried, and once the server is back the mail arrives exactly once,
// keeping the Message-ID it had from the first attempt.
func TestSMTPOutage(t *testing.T) {
	tests := []struct {
		name    string
		outage  func(*smtptest.Server)
		recover func(*testing.T, *smtptest.Server)
	}{
		{
			name:   "server down",
			outage: func(s *smtptest.Server) { s.Stop() },
			recover: func(t *testing.T, s *smtptest.Server) {
				if err := s.Restart(); err != nil {
					t.Fatal(err)
				}
			},
		},
		{
			name:    "server answers 451",
			outage:  func(s *smtptest.Server) { s.FailNext(1 << 30) },
			recover: func(t *testing.T, s *smtptest.Server) { s.FailNext(0) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := pgtest.Open(t)
			srv := smtptest.Start(t)
			q := queueFor(t, db, senderFor(t, srv, mail.Config{}))
			failed, unsubscribe := q.Subscribe(river.EventKindJobFailed)
			defer unsubscribe()

			tt.outage(srv)
			enqueue(t, db, q, inviteMessage(t, 0))

			// Watch it fail a few times: retries are running.
			var messageErr string
			for i := 0; i < 3; i++ {
				select {
				case ev := <-failed:
					if len(ev.Job.Errors) > 0 {
						messageErr = ev.Job.Errors[len(ev.Job.Errors)-1].Error
					}
				case <-time.After(10 * time.Second):
					t.Fatalf("saw %d failures, want 3", i)
				}
			}
			t.Logf("last error: %s", messageErr)
			if n := len(srv.Messages()); n != 0 {
				t.Fatalf("%d messages during the outage", n)
			}

			tt.recover(t, srv)
			got := srv.WaitFor(t, 1, 10*time.Second)
			waitIdle(t, q)
			// Give a wrongly duplicated delivery the time to show up.
			time.Sleep(200 * time.Millisecond)
			if got = srv.Messages(); len(got) != 1 {
				t.Fatalf("%d messages after recovery, want exactly 1", len(got))
			}
			jobsAfter := emailJobs(t, db)
			if len(jobsAfter) != 1 || jobsAfter[0].state != "completed" || jobsAfter[0].attempt < 4 || jobsAfter[0].errors != jobsAfter[0].attempt-1 {
				t.Errorf("jobs %+v, want one completed after at least 3 failed attempts", jobsAfter)
			}
			// The ID was fixed when the job was created.
			var jobID int64
			var created time.Time
			if err := db.Pool.QueryRow(context.Background(), `SELECT id, created_at FROM river_job WHERE kind = 'send_email'`).Scan(&jobID, &created); err != nil {
				t.Fatal(err)
			}
			wantID := fmt.Sprintf("<frontdesk.%d.%d@frontdesk.test>", jobID, created.UnixNano())
			if id := got[0].Header.Get("Message-Id"); id != wantID {
				t.Errorf("Message-ID %s, want %s", id, wantID)
			}
		})
	}
}

// A recipient the server refuses for good is not retried for weeks: the
// job is cancelled after one attempt.
func TestRefusedRecipientIsNotRetried(t *testing.T) {
	db := pgtest.Open(t)
	srv := smtptest.Start(t)
	srv.Reject("gus@example.org")
	q := queueFor(t, db, senderFor(t, srv, mail.Config{}))
	enqueue(t, db, q, inviteMessage(t, 0))
	waitIdle(t, q)
	got := emailJobs(t, db)
	if len(got) != 1 || got[0].state != "cancelled" || got[0].attempt != 1 {
		t.Errorf("jobs %+v, want one cancelled after one attempt", got)
	}
}

// Without SMTP (a development server), jobs complete without sending.
func TestDisabledMailCompletesJobs(t *testing.T) {
	db := pgtest.Open(t)
	s, err := mail.NewSender(mail.Config{}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	q := queueFor(t, db, s)
	enqueue(t, db, q, inviteMessage(t, 0))
	waitIdle(t, q)
	if got := emailJobs(t, db); len(got) != 1 || got[0].state != "completed" {
		t.Errorf("jobs %+v, want one completed", got)
	}
}

// An invalid message fails the transaction that tries to queue it.
func TestEnqueueRejectsInvalidMessage(t *testing.T) {
	db := pgtest.Open(t)
	s, err := mail.NewSender(mail.Config{}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	q := queueFor(t, db, s)
	err = db.InTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
		return mail.Enqueue(ctx, q, tx, mail.Message{To: []mail.Address{{Email: "not an address"}}, Subject: "s", Text: "t"})
	})
	if !errors.Is(err, mail.ErrInvalidMessage) {
		t.Errorf("Enqueue: %v, want ErrInvalidMessage", err)
	}
	if got := emailJobs(t, db); len(got) != 0 {
		t.Errorf("jobs %+v, want none", got)
	}
}

// A meeting rescheduled (SEQUENCE 2) and cancelled (SEQUENCE 3) in quick
// succession: whichever job runs first, no person receives an older
// version after a newer one — a calendar applying the REQUEST after the
// CANCEL would bring the meeting back — and nobody gets a version twice.
func TestInvitesNeverGoBackwards(t *testing.T) {
	db := pgtest.Open(t)
	srv := smtptest.Start(t)
	q := queueFor(t, db, senderFor(t, srv, mail.Config{}))
	versioned := func(to string, seq int, subject string) mail.Message {
		m := inviteMessage(t, seq)
		m.To = []mail.Address{{Email: to}}
		m.Subject = subject
		m.Invite = &mail.InviteVersion{UID: "m-1@frontdesk.test", Sequence: seq}
		return m
	}

	// The CANCEL goes out first (the REQUEST's first attempt failed, or
	// its job simply ran later).
	enqueue(t, db, q, versioned("ada@example.com", 3, "Cancelled (3)"))
	waitIdle(t, q)
	enqueue(t, db, q, versioned("ada@example.com", 2, "Rescheduled (2)"))
	enqueue(t, db, q, versioned("ADA@example.com", 3, "Cancelled again (3)"))
	// Another person's versions are their own.
	enqueue(t, db, q, versioned("gus@example.org", 2, "Rescheduled for Gus (2)"))
	waitIdle(t, q)
	enqueue(t, db, q, versioned("gus@example.org", 3, "Cancelled for Gus (3)"))
	waitIdle(t, q)

	var got []string
	for _, m := range srv.Messages() {
		got = append(got, m.Subject())
	}
	want := map[string]bool{"Cancelled (3)": true, "Rescheduled for Gus (2)": true, "Cancelled for Gus (3)": true}
	if len(got) != len(want) {
		t.Fatalf("received %q, want only %d: the older and the repeated versions must be dropped", got, len(want))
	}
	for _, s := range got {
		if !want[s] {
			t.Errorf("received %q", s)
		}
	}
	for _, j := range emailJobs(t, db) {
		if j.state != "completed" {
			t.Errorf("job %+v: a dropped version completes, it does not fail", j)
		}
	}
}
