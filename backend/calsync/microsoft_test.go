package calsync_test

import (
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/booking"
	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/calendar/calendartest"
	"github.com/frontdesk/frontdesk/backend/calendar/microsoft"
	"github.com/frontdesk/frontdesk/model"
)

func graphInvitation(start time.Time, response string) calendartest.MicrosoftEvent {
	f := "2006-01-02T15:04:05.0000000"
	return calendartest.MicrosoftEvent{Subject: "Board call",
		Start:          &calendartest.MicrosoftTime{DateTime: start.UTC().Format(f), TimeZone: "UTC"},
		End:            &calendartest.MicrosoftTime{DateTime: start.Add(time.Hour).UTC().Format(f), TimeZone: "UTC"},
		Organizer:      &calendartest.MicrosoftRecipient{EmailAddress: calendartest.MicrosoftAddress{Address: "boss@elsewhere.test"}},
		ResponseStatus: &calendartest.MicrosoftResponse{Response: response},
		Attendees:      []calendartest.MicrosoftAttendee{{Type: "required", EmailAddress: calendartest.MicrosoftAddress{Address: annaEmail}}}}
}

func (e *env) settleGraph(before int) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(e.ms.Deliveries()) <= before {
		if time.Now().After(deadline) {
			e.t.Fatal("no change notification was delivered")
		}
		time.Sleep(10 * time.Millisecond)
	}
	e.idle()
}

// The whole path with Microsoft 365: the subscription's validation
// handshake through the hook, busy time that honours "Yes" from
// calendarView/delta, meetings written in place with no attendee emails,
// renewal when Graph asks, and a fresh round when the delta link expires.
func TestMicrosoftCalendar(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.connect(calendar.Microsoft, calendartest.Consent{}); err != nil {
		t.Fatal(err)
	}
	cal := e.ms.CalendarID(annaEmail)
	s := e.settings()
	if !s.Connected || s.Provider != "microsoft" || s.Username != annaEmail || s.WriteCalendarID != cal || s.Status != model.CalendarOK {
		t.Fatalf("settings after connecting: %+v", s)
	}
	subs := e.ms.Subscriptions()
	if len(subs) != 1 || subs[0].NotificationURL != e.base+"/hooks/microsoft" || subs[0].LifecycleURL != e.base+"/hooks/microsoft" ||
		subs[0].Resource != "me/calendars/"+cal+"/events" || subs[0].ClientState == "" {
		t.Fatalf("subscriptions %+v", subs)
	}

	n := len(e.ms.Deliveries())
	pending := e.ms.PutEvent(annaEmail, cal, graphInvitation(at(12), "notResponded"))
	e.ms.PutEvent(annaEmail, cal, graphInvitation(at(14), "accepted"))
	tentative := e.ms.PutEvent(annaEmail, cal, graphInvitation(at(16), "tentativelyAccepted"))
	e.settleGraph(n + 2)
	e.waitOffered(14, false, "an accepted invitation")
	if !e.offered()[at(12)] || !e.offered()[at(16)] {
		t.Fatal("an unanswered or tentative invitation blocks its slot")
	}
	e.ms.SetResponse(annaEmail, pending.ID, "accepted")
	e.waitOffered(12, false, "Yes closes the slot")
	e.ms.SetResponse(annaEmail, tentative.ID, "declined")

	b := e.book(10, "Gina")
	e.idle()
	ref, ok, _ := e.db.CalendarEvent(e.ctx, b.Meeting.ID)
	if !ok || ref.CalendarID != cal {
		t.Fatalf("no record of the meeting's event: %+v", ref)
	}
	ev, ok := e.ms.Event(annaEmail, ref.EventID)
	if !ok || ev.TransactionID != microsoft.TransactionID(b.Meeting.UID) || len(ev.Attendees) != 0 ||
		!strings.Contains(ev.Body.Content, "guest@example.com") || ev.Subject != "Meeting with Gina" {
		t.Fatalf("the meeting in Outlook: %+v", ev)
	}
	rec, _ := e.db.Meeting(e.ctx, e.org.ID, b.Meeting.ID)
	moved := at(15).Format(time.RFC3339)
	if _, err := e.svc.Change(e.ctx, rec, model.MeetingChange{Start: &moved}, booking.Who{Name: "Anna"}); err != nil {
		t.Fatal(err)
	}
	e.idle()
	if ev, _ := e.ms.Event(annaEmail, ref.EventID); ev.Start.DateTime != at(15).Format("2006-01-02T15:04:05") {
		t.Fatalf("after the reschedule the event starts %+v", ev.Start)
	}
	e.waitOffered(10, true, "the meeting's old time")
	if len(e.ms.Events(annaEmail, cal)) != 4 {
		t.Fatalf("%d events in Outlook, want 3 invitations and the meeting", len(e.ms.Events(annaEmail, cal)))
	}
	rec, _ = e.db.Meeting(e.ctx, e.org.ID, b.Meeting.ID)
	if _, err := e.svc.Cancel(e.ctx, rec, booking.Who{Name: "Anna"}); err != nil {
		t.Fatal(err)
	}
	e.idle()
	if _, ok := e.ms.Event(annaEmail, ref.EventID); ok {
		t.Fatal("the cancelled meeting is still in Outlook")
	}
	if n := e.ms.InvitationsSent(); n != 0 {
		t.Fatalf("Exchange sent %d invitations", n)
	}

	// Graph asks for reauthorization: the subscription is renewed in place.
	before := subs[0].Expires
	if _, err := e.db.Bun.NewRaw("UPDATE calendar_channels SET expires_at = now() + interval '2 hours'").Exec(e.ctx); err != nil {
		t.Fatal(err)
	}
	n = len(e.ms.Deliveries())
	e.ms.SendLifecycle(subs[0].ID, "reauthorizationRequired")
	e.settleGraph(n)
	stored, _ := e.db.Channels(e.ctx, e.agent.ID, "")
	if len(stored) != 1 || stored[0].ID != subs[0].ID || time.Until(stored[0].ExpiresAt) < 6*24*time.Hour {
		t.Fatalf("after reauthorizationRequired: %+v (was %s)", stored, before)
	}
	// Graph removed it: a new one is made.
	n = len(e.ms.Deliveries())
	e.ms.SendLifecycle(subs[0].ID, "subscriptionRemoved")
	e.settleGraph(n)
	stored, _ = e.db.Channels(e.ctx, e.agent.ID, "")
	if len(stored) != 1 || stored[0].ID == subs[0].ID {
		t.Fatalf("after subscriptionRemoved: %+v", stored)
	}

	// An expired delta link starts a new round.
	e.ms.ExpireDeltaTokens(annaEmail, cal)
	e.ms.PutEvent(annaEmail, cal, graphInvitation(at(9), "accepted"))
	e.waitOffered(9, false, "an event after the delta link expired")
	if e.offered()[at(14)] {
		t.Fatal("the fresh round lost an event")
	}
}
