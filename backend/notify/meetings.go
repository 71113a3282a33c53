package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/invite"
	"github.com/frontdesk/frontdesk/backend/mail"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// MeetingBooked queues the guest's confirmation, the agent's notification
// (both with a METHOD:REQUEST invite) and the reminders.
func (n *Notifier) MeetingBooked(ctx context.Context, tx bun.Tx, b postgres.Booked, agent model.Agent) error {
	rec := postgres.MeetingRecord{
		Meeting: b.Meeting, Agent: agent, ManageToken: b.ManageToken,
		ConversationToken: b.Access.Token, Language: b.Language, ReminderMinutes: 15,
	}
	if err := n.meetingEmails(ctx, tx, rec, kindBooked); err != nil {
		return err
	}
	if err := n.syncCalendar(ctx, tx, rec.Meeting.ID); err != nil {
		return err
	}
	return n.scheduleReminders(ctx, tx, rec)
}

// MeetingUpdated queues the emails of a change (REQUEST with the higher
// SEQUENCE) or a cancellation (CANCEL), and reminders for the new time;
// reminders of the old time find the sequence moved on and stay silent.
func (n *Notifier) MeetingUpdated(ctx context.Context, tx bun.Tx, before, after postgres.MeetingRecord) error {
	kind := kindChanged
	if after.Meeting.Status == model.MeetingCancelled {
		kind = kindCancelled
	}
	if err := n.meetingEmails(ctx, tx, after, kind); err != nil {
		return err
	}
	if err := n.syncCalendar(ctx, tx, after.Meeting.ID); err != nil {
		return err
	}
	if kind == kindCancelled {
		return nil
	}
	return n.scheduleReminders(ctx, tx, after)
}

type emailKind int

const (
	kindBooked emailKind = iota
	kindChanged
	kindCancelled
)

// event is the meeting as calendars see it: the agent organizes, the guest
// attends.
func (n *Notifier) event(rec postgres.MeetingRecord, t texts) invite.Event {
	m := rec.Meeting
	return invite.Event{
		UID: m.UID, Sequence: m.Sequence, Start: m.Start, End: m.End(), TimeZone: m.TimeZone,
		Summary:     fmt.Sprintf(t.EventSummary, rec.Agent.Name, guestName(m.Guest, t)),
		Description: fmt.Sprintf(t.EventDescription, n.guestLink("/chat/"+rec.ConversationToken, rec.Language)),
		Location:    n.guestLink("/chat/"+rec.ConversationToken, rec.Language),
		URL:         n.guestLink("/chat/"+rec.ConversationToken, rec.Language),
		Organizer:   invite.Person{Name: rec.Agent.Name, Email: rec.Agent.Email},
		Attendees:   []invite.Attendee{{Name: m.Guest.Name, Email: m.Guest.Email}},
	}
}

func guestName(g model.Guest, t texts) string {
	if g.Name != "" {
		return g.Name
	}
	return t.Guest
}

// meetingEmails queues one email to the guest (in their language and zone)
// and one to the agent (in the agent's zone), each with the invite.
func (n *Notifier) meetingEmails(ctx context.Context, tx bun.Tx, rec postgres.MeetingRecord, kind emailKind) error {
	m := rec.Meeting
	gt := catalog(rec.Language)
	at := catalog("en")
	ics := func(t texts) ([]byte, error) {
		if kind == kindCancelled {
			return invite.Cancel(n.event(rec, t))
		}
		return invite.Request(n.event(rec, t))
	}

	// The guest.
	if m.Guest.Email != "" {
		cal, err := ics(gt)
		if err != nil {
			return fmt.Errorf("guest invite: %w", err)
		}
		when := gt.when(m.Start, m.Duration, m.TimeZone)
		var subject string
		var paras []string
		action := &mail.Link{Text: gt.OpenConversation, URL: n.guestLink("/chat/"+rec.ConversationToken, rec.Language)}
		switch kind {
		case kindBooked:
			subject = fmt.Sprintf(gt.BookedSubject, rec.Agent.Name)
			paras = []string{fmt.Sprintf(gt.BookedBody, rec.Agent.Name), when}
		case kindChanged:
			subject = fmt.Sprintf(gt.ChangedSubject, rec.Agent.Name)
			paras = []string{fmt.Sprintf(gt.ChangedBody, rec.Agent.Name), when}
		case kindCancelled:
			subject = fmt.Sprintf(gt.CancelledSubject, rec.Agent.Name)
			paras = []string{fmt.Sprintf(gt.CancelledBody, rec.Agent.Name), when}
		}
		if kind != kindCancelled {
			paras = append(paras, fmt.Sprintf(gt.ManageLine, n.guestLink("/m/"+rec.ManageToken, rec.Language)))
		}
		if err := mail.Enqueue(ctx, n.Queue, tx, mail.Message{
			To:      []mail.Address{{Name: m.Guest.Name, Email: m.Guest.Email}},
			ReplyTo: &mail.Address{Name: rec.Agent.Name, Email: rec.Agent.Email},
			Subject: subject, Text: mail.TextBody(subject, paras, action), HTML: mail.HTMLBody(subject, paras, action),
			Calendar: cal, Invite: &mail.InviteVersion{UID: m.UID, Sequence: m.Sequence},
		}); err != nil {
			return err
		}
	}

	// The agent: the seed's "email notification about the scheduled
	// meeting", in the agent's own zone, with the guest's details and a
	// link to the conversation in the app.
	cal, err := ics(at)
	if err != nil {
		return fmt.Errorf("agent invite: %w", err)
	}
	when := at.when(m.Start, m.Duration, rec.Agent.TimeZone)
	guest := guestName(m.Guest, at)
	var subject string
	switch kind {
	case kindBooked:
		subject = fmt.Sprintf("New meeting with %s", guest)
	case kindChanged:
		subject = fmt.Sprintf("Meeting with %s changed", guest)
	case kindCancelled:
		subject = fmt.Sprintf("Meeting with %s cancelled", guest)
	}
	details := "Guest: " + guest + "\nEmail: " + m.Guest.Email
	if m.Guest.Phone != "" {
		details += "\nPhone: " + m.Guest.Phone
	}
	if m.Notes != "" {
		details += "\nNotes: " + m.Notes
	}
	paras := []string{when, details}
	action := &mail.Link{Text: "Open the conversation", URL: n.link(fmt.Sprintf("/c/%d", m.ConversationID))}
	return mail.Enqueue(ctx, n.Queue, tx, mail.Message{
		To:      []mail.Address{{Name: rec.Agent.Name, Email: rec.Agent.Email}},
		Subject: subject, Text: mail.TextBody(subject, paras, action), HTML: mail.HTMLBody(subject, paras, action),
		Calendar: cal, Invite: &mail.InviteVersion{UID: m.UID, Sequence: m.Sequence},
	})
}

// ReminderArgs sends one reminder of one version (sequence) of a meeting.
type ReminderArgs struct {
	MeetingID   int64  `json:"meeting_id"`
	Sequence    int    `json:"sequence"`
	Audience    string `json:"audience"` // "agent" or "guest"
	LeadMinutes int    `json:"lead_minutes"`
}

// Kind names the job.
func (ReminderArgs) Kind() string { return "meeting_reminder" }

// scheduleReminders queues the agent's reminder (their lead time, 15
// minutes by default) and the guest's (that, and a day before), for the
// meeting's current version. Reminders whose time has passed are skipped.
func (n *Notifier) scheduleReminders(ctx context.Context, tx bun.Tx, rec postgres.MeetingRecord) error {
	m := rec.Meeting
	lead := rec.ReminderMinutes
	if lead <= 0 {
		lead = 15
	}
	guestLead := int(n.GuestLead / time.Minute)
	if guestLead == 0 {
		guestLead = 24 * 60
	}
	all := []ReminderArgs{
		{MeetingID: m.ID, Sequence: m.Sequence, Audience: "agent", LeadMinutes: lead},
		{MeetingID: m.ID, Sequence: m.Sequence, Audience: "guest", LeadMinutes: lead},
		{MeetingID: m.ID, Sequence: m.Sequence, Audience: "guest", LeadMinutes: guestLead},
	}
	now := n.now()
	for _, r := range all {
		at := m.Start.Add(-time.Duration(r.LeadMinutes) * time.Minute)
		if !at.After(now) {
			continue
		}
		if err := n.Queue.InsertTx(ctx, tx, r, &river.InsertOpts{
			ScheduledAt: at,
			UniqueOpts:  river.UniqueOpts{ByArgs: true},
		}); err != nil {
			return err
		}
	}
	return nil
}

type reminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	n *Notifier
}

// Work sends a reminder once: the claim row makes a second run (another
// instance, a retry) a no-op, and a moved or cancelled meeting makes it
// silent.
func (w *reminderWorker) Work(ctx context.Context, job *river.Job[ReminderArgs]) error {
	n := w.n
	a := job.Args
	return n.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		rec, ok, err := n.DB.ClaimReminder(ctx, tx, a.MeetingID, a.Audience, a.Sequence, a.LeadMinutes)
		if err != nil || !ok {
			return err
		}
		m := rec.Meeting
		switch a.Audience {
		case "guest":
			if m.Guest.Email == "" {
				return nil
			}
			t := catalog(rec.Language)
			subject := fmt.Sprintf(t.ReminderSubject, rec.Agent.Name)
			paras := []string{fmt.Sprintf(t.ReminderBody, rec.Agent.Name), t.when(m.Start, m.Duration, m.TimeZone)}
			action := &mail.Link{Text: t.OpenConversation, URL: n.guestLink("/chat/"+rec.ConversationToken, rec.Language)}
			return mail.Enqueue(ctx, n.Queue, tx, mail.Message{
				To:      []mail.Address{{Name: m.Guest.Name, Email: m.Guest.Email}},
				Subject: subject, Text: mail.TextBody(subject, paras, action), HTML: mail.HTMLBody(subject, paras, action),
			})
		default:
			t := catalog("en")
			guest := guestName(m.Guest, t)
			text := fmt.Sprintf("Reminder: the meeting with %s starts in %d minutes.", guest, a.LeadMinutes)
			if a.LeadMinutes >= 120 {
				text = fmt.Sprintf("Reminder: the meeting with %s starts at %s.", guest, t.when(m.Start, m.Duration, rec.Agent.TimeZone))
			}
			// In-app: a message in the conversation, seen live by both.
			if err := n.DB.PostSystemMessage(ctx, tx, m.OrganizationID, m.ConversationID, text); err != nil {
				return err
			}
			if n.Push != nil {
				if err := n.Push(ctx, tx, []int64{rec.Agent.ID}, "Meeting reminder", text, fmt.Sprintf("/c/%d", m.ConversationID)); err != nil {
					return err
				}
			}
			subject := fmt.Sprintf("Reminder: meeting with %s", guest)
			paras := []string{text, t.when(m.Start, m.Duration, rec.Agent.TimeZone)}
			action := &mail.Link{Text: "Open the conversation", URL: n.link(fmt.Sprintf("/c/%d", m.ConversationID))}
			return mail.Enqueue(ctx, n.Queue, tx, mail.Message{
				To:      []mail.Address{{Name: rec.Agent.Name, Email: rec.Agent.Email}},
				Subject: subject, Text: mail.TextBody(subject, paras, action), HTML: mail.HTMLBody(subject, paras, action),
			})
		}
	})
}

func (n *Notifier) syncCalendar(ctx context.Context, tx bun.Tx, meetingID int64) error {
	if n.Calendar == nil {
		return nil
	}
	return n.Calendar.EnqueueSync(ctx, tx, meetingID)
}
