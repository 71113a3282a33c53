package calsync

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/calendar/caldav"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

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

type writeWorker struct {
	river.WorkerDefaults[SyncArgs]
	s *Sync
}

// Work writes the meeting as it is now, whichever change queued the job:
// created once, then patched in place, deleted when cancelled. Jobs of one
// meeting may run at once on two instances; each records the SEQUENCE it
// wrote, and one that finds a later version recorded after its write
// either removes what it wrote (the meeting was cancelled meanwhile) or
// runs again to write the latest state over its own.
func (w *writeWorker) Work(ctx context.Context, job *river.Job[SyncArgs]) error {
	s := w.s
	var orgID int64
	err := s.DB.Bun.NewSelect().Table("meetings").Column("organization_id").Where("id = ?", job.Args.MeetingID).Scan(ctx, &orgID)
	if err != nil {
		if postgres.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("calendar sync: %w", err)
	}
	rec, err := s.DB.Meeting(ctx, orgID, job.Args.MeetingID)
	if err != nil {
		if postgres.IsNotFound(err) {
			return nil
		}
		return err
	}
	c, err := s.open(ctx, rec.Agent.ID)
	if errors.Is(err, errNotConnected) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.acct.NeedsReconnectAt != nil {
		return nil // written again once the agent reconnects
	}
	m := rec.Meeting
	ref, written, err := s.DB.CalendarEvent(ctx, m.ID)
	if err != nil {
		return err
	}
	if written && ref.WrittenSequence > m.Sequence {
		return nil // a later version is there already
	}
	if m.Status == model.MeetingCancelled {
		return s.remove(ctx, c, m, ref, written)
	}
	calID, eventID := c.acct.WriteCalendarID, ""
	if written && !ref.Deleted {
		calID, eventID = ref.CalendarID, ref.EventID
	}
	if calID == "" {
		return nil // the agent chose not to have meetings written
	}
	id, err := c.conn.Put(ctx, calID, eventID, s.event(rec))
	if err != nil {
		return s.failed(ctx, c, "write meeting", err)
	}
	ok, err := s.DB.RecordCalendarEvent(ctx, postgres.CalendarEventRef{MeetingID: m.ID, AgentID: c.acct.AgentID,
		CalendarID: calID, EventID: id, WrittenSequence: m.Sequence})
	if err != nil || ok {
		return err
	}
	// A later version was recorded while this one was being written.
	latest, _, err := s.DB.CalendarEvent(ctx, m.ID)
	if err != nil {
		return err
	}
	if latest.Deleted {
		if err := c.conn.Delete(ctx, calID, id); err != nil {
			return s.failed(ctx, c, "remove a meeting cancelled meanwhile", err)
		}
		return nil
	}
	return river.JobSnooze(time.Second) // write the latest over this one
}

// remove deletes a cancelled meeting's event and leaves a tombstone, so a
// write of an older version finishing later knows to undo itself.
func (s *Sync) remove(ctx context.Context, c *connection, m model.Meeting, ref postgres.CalendarEventRef, written bool) error {
	calID, eventID := ref.CalendarID, ref.EventID
	if !written && c.provider() == calendar.CalDAV {
		// Written before Frontdesk kept records: CalDAV events are
		// named by UID.
		calID, eventID = caldav.CalendarID, m.UID
	}
	if eventID != "" && !(written && ref.Deleted) {
		if err := c.conn.Delete(ctx, calID, eventID); err != nil {
			return s.failed(ctx, c, "delete meeting", err)
		}
	}
	_, err := s.DB.RecordCalendarEvent(ctx, postgres.CalendarEventRef{MeetingID: m.ID, AgentID: c.acct.AgentID,
		CalendarID: calID, EventID: eventID, WrittenSequence: m.Sequence, Deleted: true})
	return err
}

// event is the meeting as the calendar shows it.
func (s *Sync) event(rec postgres.MeetingRecord) calendar.Event {
	m := rec.Meeting
	link := s.link(fmt.Sprintf("/c/%d", m.ConversationID))
	guest := m.Guest.Name
	if guest == "" {
		guest = m.Guest.Email
	}
	desc := "Booked through Frontdesk. Conversation: " + link
	if m.Notes != "" {
		desc += "\n\nNotes from " + guest + ":\n" + m.Notes
	}
	return calendar.Event{
		UID: m.UID, Sequence: m.Sequence, Start: m.Start, End: m.End(), TimeZone: m.TimeZone,
		Summary: "Meeting with " + guest, Description: desc, URL: link,
		OrganizerName: rec.Agent.Name, OrganizerEmail: rec.Agent.Email,
		Attendees: []calendar.Attendee{{Name: m.Guest.Name, Email: m.Guest.Email}},
	}
}

// enqueueUpcoming queues writes of the agent's upcoming meetings, in tx,
// when a calendar is (re)connected: they belong in it too.
func (s *Sync) enqueueUpcoming(ctx context.Context, tx bun.Tx, orgID, agentID int64) error {
	if s.Queue == nil {
		return nil
	}
	var ids []int64
	err := tx.NewSelect().Table("meetings").Column("id").
		Where("organization_id = ? AND agent_id = ? AND status = 'scheduled' AND starts_at > ?", orgID, agentID, s.now().Add(-time.Hour)).
		Order("starts_at").Limit(500).Scan(ctx, &ids)
	if err != nil {
		return fmt.Errorf("upcoming meetings: %w", err)
	}
	for _, id := range ids {
		if err := s.Queue.InsertTx(ctx, tx, SyncArgs{MeetingID: id}, nil); err != nil {
			return err
		}
	}
	return nil
}
