package booking

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// Who is making a change, for the notice in the conversation.
type Who struct {
	Name  string
	Guest bool
}

// Change reschedules a meeting and/or changes its duration. The new time is
// checked like a booking (past, availability, other meetings), except that
// the meeting's own place does not count as busy.
func (s *Service) Change(ctx context.Context, rec postgres.MeetingRecord, ch model.MeetingChange, who Who) (postgres.MeetingRecord, error) {
	m := rec.Meeting
	if m.Status != model.MeetingScheduled {
		return rec, &model.Error{Status: http.StatusConflict, Code: postgres.CodeMeetingCancelled, Message: "This meeting was cancelled and can no longer be changed."}
	}
	start, duration := m.Start, m.Duration
	var f model.Fields
	if ch.Start != nil {
		t, err := time.Parse(time.RFC3339, *ch.Start)
		if err != nil {
			f.Add("start", "must be a time like 2026-12-01T10:00:00+01:00")
		}
		start = t
	}
	if ch.Duration != nil {
		duration = *ch.Duration
		if duration <= 0 || duration > 24*60 {
			f.Add("duration", "must be a number of minutes")
		}
	}
	if ch.Start == nil && ch.Duration == nil {
		f.Add("start", "give a new start, a new duration, or both")
	}
	if err := f.Err(); err != nil {
		return rec, err
	}
	av, err := s.DB.Availability(ctx, m.OrganizationID, m.AgentID)
	if err != nil {
		return rec, err
	}
	c, err := Compile(av)
	if err != nil {
		return rec, err
	}
	d := time.Duration(duration) * time.Minute
	// The meeting's own place is free for it.
	busy, err := s.busy(ctx, rec.Agent, start.Add(-48*time.Hour), start.Add(d+48*time.Hour), m.ID)
	if err != nil {
		return rec, err
	}
	if err := c.Check(start, d, s.now(), busy); err != nil {
		return rec, CheckError(err, av)
	}
	occ := c.Occupied(start, d)
	loc, _ := time.LoadLocation(m.TimeZone)
	if loc == nil {
		loc = time.UTC
	}
	note := changeNote(who, m, start, duration, loc)
	return s.DB.UpdateMeeting(ctx, m.OrganizationID, m.ID, postgres.MeetingUpdate{
		Start: start, Duration: duration, Blocked: [2]time.Time{occ.Start, occ.End}, Note: note,
	}, s.notifyUpdate)
}

// Cancel cancels a meeting.
func (s *Service) Cancel(ctx context.Context, rec postgres.MeetingRecord, who Who) (postgres.MeetingRecord, error) {
	m := rec.Meeting
	return s.DB.UpdateMeeting(ctx, m.OrganizationID, m.ID, postgres.MeetingUpdate{Cancel: true, Note: cancelNote(who, m)}, s.notifyUpdate)
}

// CancelTx cancels a meeting in the caller's transaction, with the same
// notices (emails with the CANCEL invite, the calendar, the conversation).
func (s *Service) CancelTx(ctx context.Context, tx bun.Tx, rec postgres.MeetingRecord, who Who) (postgres.MeetingRecord, error) {
	m := rec.Meeting
	return s.DB.UpdateMeetingTx(ctx, tx, m.OrganizationID, m.ID, postgres.MeetingUpdate{Cancel: true, Note: cancelNote(who, m)}, s.notifyUpdate)
}

func cancelNote(who Who, m model.Meeting) string {
	loc, _ := time.LoadLocation(m.TimeZone)
	if loc == nil {
		loc = time.UTC
	}
	t := m.Start.In(loc)
	return fmt.Sprintf("%s cancelled the meeting of %s, %s (%s).", who.Name, t.Format("Monday 2 January 2006"), t.Format("15:04"), loc)
}

func (s *Service) notifyUpdate(ctx context.Context, tx bun.Tx, before, after postgres.MeetingRecord) error {
	if s.Notifier == nil {
		return nil
	}
	return s.Notifier.MeetingUpdated(ctx, tx, before, after)
}

func changeNote(who Who, m model.Meeting, start time.Time, minutes int, loc *time.Location) string {
	t := start.In(loc)
	span := fmt.Sprintf("%s, %s–%s (%s)", t.Format("Monday 2 January 2006"), t.Format("15:04"),
		t.Add(time.Duration(minutes)*time.Minute).Format("15:04"), loc)
	switch {
	case start.Equal(m.Start):
		return fmt.Sprintf("%s changed the meeting's duration to %d minutes: %s.", who.Name, minutes, span)
	case minutes == m.Duration:
		return fmt.Sprintf("%s rescheduled the meeting to %s.", who.Name, span)
	default:
		return fmt.Sprintf("%s rescheduled the meeting to %s, %d minutes.", who.Name, span, minutes)
	}
}
