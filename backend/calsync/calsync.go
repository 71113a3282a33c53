// Package calsync keeps agents' connected calendars in step with their
// meetings, and reads those calendars' busy time for the booking page. It
// joins the store (postgres), the sealed credentials (secret), the CalDAV
// client (calendar) and the job queue (jobs).
package calsync

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/schedule"
	"github.com/frontdesk/frontdesk/backend/secret"
	"github.com/frontdesk/frontdesk/model"
)

// CodeCalendar is the API error code of a calendar that cannot be used.
const CodeCalendar = "calendar_unusable"

// Sync is the glue; one serves every agent.
type Sync struct {
	DB      *postgres.DB
	Box     *secret.Box
	Client  *calendar.Client
	BaseURL *url.URL
	// Queue is set once the job queue exists.
	Queue *jobs.Queue
}

// OwnUID reports whether a calendar event UID is one of our meetings (see
// booking's UIDs: random@host).
func OwnUID(base *url.URL) func(uid string) bool {
	host := "frontdesk"
	if base != nil && base.Hostname() != "" {
		host = base.Hostname()
	}
	return func(uid string) bool { return strings.HasSuffix(uid, "@"+host) }
}

func sealContext(agentID int64) string { return "caldav:agent:" + strconv.FormatInt(agentID, 10) }

// account loads and unseals an agent's calendar account.
func (s *Sync) account(ctx context.Context, agentID int64) (calendar.Account, bool, error) {
	stored, ok, err := s.DB.Calendar(ctx, agentID)
	if err != nil || !ok {
		return calendar.Account{}, false, err
	}
	pw, err := s.Box.Open(stored.PasswordSealed, sealContext(agentID))
	if err != nil {
		return calendar.Account{}, false, fmt.Errorf("open calendar password of agent %d: %w", agentID, err)
	}
	return calendar.Account{URL: stored.URL, Username: stored.Username, Password: string(pw)}, true, nil
}

// Connect checks an account against the server and stores it sealed.
func (s *Sync) Connect(ctx context.Context, agent model.Agent, acct calendar.Account) error {
	if err := s.Client.Check(ctx, acct); err != nil {
		// The calendar package's errors are written for this form and never
		// carry the password.
		msg := err.Error()
		return &model.Error{Status: http.StatusUnprocessableEntity, Code: CodeCalendar,
			Message: "The calendar could not be used: " + msg + ".", Fields: map[string]string{"url": msg}}
	}
	sealed, err := s.Box.Seal([]byte(acct.Password), sealContext(agent.ID))
	if err != nil {
		return err
	}
	return s.DB.SetCalendar(ctx, postgres.CalendarAccount{AgentID: agent.ID, OrganizationID: agent.OrganizationID,
		URL: acct.URL, Username: acct.Username, PasswordSealed: sealed})
}

// Busy implements booking.BusySource: the connected calendar's busy time,
// with invitations the agent has not accepted left free (the seed's Google
// Calendar rule).
func (s *Sync) Busy(ctx context.Context, agent model.Agent, from, to time.Time) ([]schedule.Interval, error) {
	acct, ok, err := s.account(ctx, agent.ID)
	if err != nil || !ok {
		return nil, err
	}
	return s.Client.Busy(ctx, acct, agent.Email, from, to)
}

// EnqueueSync queues the calendar update of a meeting in tx.
func (s *Sync) EnqueueSync(ctx context.Context, tx bun.Tx, meetingID int64) error {
	if s.Queue == nil {
		return nil
	}
	return s.Queue.InsertTx(ctx, tx, SyncArgs{MeetingID: meetingID}, nil)
}

// SyncArgs puts a meeting's current state into its agent's calendar.
type SyncArgs struct {
	MeetingID int64 `json:"meeting_id"`
}

// Kind names the job.
func (SyncArgs) Kind() string { return "calendar_sync" }

// Register adds the sync worker.
func (s *Sync) Register(workers *river.Workers) error {
	return river.AddWorkerSafely(workers, &worker{s: s})
}

type worker struct {
	river.WorkerDefaults[SyncArgs]
	s *Sync
}

// Work writes the meeting as it is now (jobs for older versions write the
// same thing), or deletes it when cancelled. No connected calendar: done.
func (w *worker) Work(ctx context.Context, job *river.Job[SyncArgs]) error {
	s := w.s
	var orgID int64
	if err := s.DB.Bun.NewSelect().Table("meetings").Column("organization_id").Where("id = ?", job.Args.MeetingID).Scan(ctx, &orgID); err != nil {
		return fmt.Errorf("calendar sync: %w", err)
	}
	rec, err := s.DB.Meeting(ctx, orgID, job.Args.MeetingID)
	if err != nil {
		if postgres.IsNotFound(err) {
			return nil
		}
		return err
	}
	acct, ok, err := s.account(ctx, rec.Agent.ID)
	if err != nil || !ok {
		return err
	}
	m := rec.Meeting
	if m.Status == model.MeetingCancelled {
		return s.Client.Delete(ctx, acct, m.UID)
	}
	link := strings.TrimRight(s.BaseURL.String(), "/") + fmt.Sprintf("/c/%d", m.ConversationID)
	guest := m.Guest.Name
	if guest == "" {
		guest = m.Guest.Email
	}
	return s.Client.Put(ctx, acct, calendar.Event{
		UID: m.UID, Sequence: m.Sequence, Start: m.Start, End: m.End(),
		Summary:     "Meeting with " + guest,
		Description: "Booked through Frontdesk. Conversation: " + link,
		URL:         link, OrganizerName: rec.Agent.Name, OrganizerEmail: rec.Agent.Email,
		Attendees: []calendar.Attendee{{Name: m.Guest.Name, Email: m.Guest.Email}},
	})
}
