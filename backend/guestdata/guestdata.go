// Package guestdata answers what a company owes its guests under the GDPR:
// everything stored about a guest, exported (article 15); a guest erased
// (article 17); and resolved conversations deleted once the organization's
// retention period has passed.
//
// A guest is a person, not a row: someone who chatted from two browsers
// and booked twice has four guest records, and maybe a phonebook entry.
// Records that share the email address or the phone number of the one an
// admin picked are treated together (postgres.Person).
//
// Data kept elsewhere about guests joins through Part: the attachments of
// conversations (issue #16) are the first such part. A Part exports its
// records with the rest, erases them in the erasing transaction, and is
// told before retention deletes conversations.
package guestdata

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/booking"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// Part is more data kept about guests than the conversation tables hold.
type Part interface {
	// Export adds the person's records to the export (files as links).
	Export(ctx context.Context, orgID int64, p postgres.Person, into *model.GuestExport) error
	// Erase removes the person's records in tx and counts them in rep.
	// What lives outside the database (stored files) is removed by a job
	// queued in tx, so it goes if and only if the erasure commits.
	Erase(ctx context.Context, tx bun.Tx, orgID int64, p postgres.Person, rep *model.ErasureReport) error
	// DeleteConversations removes what belongs to conversations that are
	// about to be deleted, in tx.
	DeleteConversations(ctx context.Context, tx bun.Tx, orgID int64, convIDs []int64) error
}

// Meetings cancels a meeting in a transaction with the usual notices
// (booking.Service).
type Meetings interface {
	CancelTx(ctx context.Context, tx bun.Tx, rec postgres.MeetingRecord, who booking.Who) (postgres.MeetingRecord, error)
}

// Service exports and erases guests' data.
type Service struct {
	DB       *postgres.DB
	Meetings Meetings
	Parts    []Part
	Log      *slog.Logger
}

// Subject is whom an export or erasure is about: a guest record (from a
// conversation's side panel) or a phonebook entry.
type Subject struct {
	GuestID   int64
	ContactID int64
}

func (s *Service) person(ctx context.Context, idb bun.IDB, orgID int64, sub Subject, lock bool) (postgres.Person, error) {
	if sub.ContactID != 0 {
		return s.DB.PersonOfContact(ctx, idb, orgID, sub.ContactID, lock)
	}
	return s.DB.PersonOfGuest(ctx, idb, orgID, sub.GuestID, lock)
}

// Export gathers everything stored about the subject.
func (s *Service) Export(ctx context.Context, orgID int64, sub Subject) (model.GuestExport, error) {
	p, err := s.person(ctx, s.DB.Bun, orgID, sub, false)
	if err != nil {
		return model.GuestExport{}, err
	}
	out, err := s.DB.ExportPerson(ctx, orgID, p)
	if err != nil {
		return out, err
	}
	for _, part := range s.Parts {
		if err := part.Export(ctx, orgID, p, &out); err != nil {
			return out, fmt.Errorf("guestdata: export: %w", err)
		}
	}
	return out, nil
}

// Erase erases the subject, all in one transaction: their meetings still
// to come are cancelled with the usual notices (the guest's CANCEL email
// is queued while the address is still known), then everything that
// identifies them goes (postgres.ErasePerson) with the other parts. by is
// the admin doing it, named in the conversation's notices. Erasing a guest
// already erased is refused with guest_erased.
func (s *Service) Erase(ctx context.Context, orgID int64, sub Subject, by model.Agent) (model.ErasureReport, error) {
	var rep model.ErasureReport
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		p, err := s.person(ctx, tx, orgID, sub, true)
		if err != nil {
			return err
		}
		if sub.ContactID == 0 && p.Erased {
			return postgres.ErrGuestErased
		}
		meetings, err := s.DB.ScheduledMeetingsOf(ctx, tx, orgID, p)
		if err != nil {
			return err
		}
		if len(meetings) > 0 && s.Meetings == nil {
			return fmt.Errorf("guestdata: %d meetings to cancel and no booking service", len(meetings))
		}
		for _, m := range meetings {
			if _, err := s.Meetings.CancelTx(ctx, tx, m, booking.Who{Name: by.Name}); err != nil {
				return fmt.Errorf("guestdata: cancel meeting %d: %w", m.Meeting.ID, err)
			}
		}
		if rep, err = s.DB.ErasePerson(ctx, tx, orgID, p); err != nil {
			return err
		}
		rep.MeetingsCancelled = len(meetings)
		for _, part := range s.Parts {
			if err := part.Erase(ctx, tx, orgID, p, &rep); err != nil {
				return fmt.Errorf("guestdata: erase: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return model.ErasureReport{}, err
	}
	if s.Log != nil {
		// Who erased whom matters (an audit log will keep it); what was
		// erased does not belong in logs.
		s.Log.Info("guest data erased", "organization", orgID, "by_agent", by.ID, "guests", rep.Guests,
			"conversations", rep.Conversations, "meetings_cancelled", rep.MeetingsCancelled)
	}
	return rep, nil
}

// RetentionArgs is the periodic job that deletes resolved conversations
// past their organization's retention period.
type RetentionArgs struct{}

// Kind names the job.
func (RetentionArgs) Kind() string { return "delete_expired_conversations" }

// RetentionEvery is how often the job runs.
const RetentionEvery = time.Hour

// Periodic is the retention job's schedule, for the queue
// (jobs.WithPeriodic).
func Periodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(RetentionEvery),
		func() (river.JobArgs, *river.InsertOpts) { return RetentionArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

// Register adds the retention worker.
func (s *Service) Register(workers *river.Workers) error {
	if err := river.AddWorkerSafely(workers, &retentionWorker{s: s}); err != nil {
		return fmt.Errorf("guestdata: register: %w", err)
	}
	return nil
}

type retentionWorker struct {
	river.WorkerDefaults[RetentionArgs]
	s *Service
}

func (w *retentionWorker) Work(ctx context.Context, _ *river.Job[RetentionArgs]) error {
	_, err := w.s.DeleteExpired(ctx)
	return err
}

// DeleteExpired deletes every resolved conversation past its
// organization's retention period, in batches, and returns how many went.
func (s *Service) DeleteExpired(ctx context.Context) (int, error) {
	const batch = 500
	total := 0
	for {
		expired, err := s.DB.ExpiredConversations(ctx, batch)
		if err != nil {
			return total, err
		}
		if len(expired) == 0 {
			return total, nil
		}
		for orgID, ids := range expired {
			err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
				for _, part := range s.Parts {
					if err := part.DeleteConversations(ctx, tx, orgID, ids); err != nil {
						return fmt.Errorf("guestdata: delete conversations: %w", err)
					}
				}
				n, err := s.DB.DeleteConversations(ctx, tx, orgID, ids)
				total += n
				return err
			})
			if err != nil {
				return total, err
			}
		}
		if s.Log != nil {
			s.Log.Info("retention: resolved conversations deleted", "count", total)
		}
	}
}
