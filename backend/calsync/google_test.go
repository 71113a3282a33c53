package calsync_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/booking"
	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/calendar/calendartest"
	"github.com/frontdesk/frontdesk/backend/calendar/google"
	"github.com/frontdesk/frontdesk/model"
)

func googleInvitation(start time.Time, response string) calendartest.GoogleEvent {
	return calendartest.GoogleEvent{Summary: "Board call", Organizer: &calendartest.GooglePerson{Email: "boss@elsewhere.test"},
		Start:     &calendartest.GoogleTime{DateTime: start.Format(time.RFC3339)},
		End:       &calendartest.GoogleTime{DateTime: start.Add(time.Hour).Format(time.RFC3339)},
		Attendees: []calendartest.GoogleAttendee{{Email: "boss@elsewhere.test"}, {Email: annaEmail, ResponseStatus: response}}}
}

// settle waits for the fake's notifications after a change to be
// answered, then for the jobs they queued.
func (e *env) settleGoogle(before int) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(e.google.Deliveries()) <= before {
		if time.Now().After(deadline) {
			e.t.Fatal("no push notification was delivered")
		}
		time.Sleep(10 * time.Millisecond)
	}
	e.idle()
}

// The whole path with Google: connect through the consent screen, busy
// time that honours "Yes" fed by push notifications, and meetings written
// in place without Google emailing anyone.
func TestGoogleCalendar(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.connect(calendar.Google, calendartest.Consent{}); err != nil {
		t.Fatal(err)
	}
	s := e.settings()
	if !s.Connected || s.Provider != "google" || s.Username != annaEmail || s.Status != model.CalendarOK ||
		s.WriteCalendarID != annaEmail || len(s.Calendars) != 1 || !s.Calendars[0].Busy || s.Calendars[0].SyncedAt == nil {
		t.Fatalf("settings after connecting: %+v", s)
	}
	acct, _, _ := e.db.Calendar(e.ctx, e.agent.ID)
	if acct.RefreshTokenSealed == "" || strings.Contains(acct.RefreshTokenSealed, "1//") {
		t.Fatalf("refresh token stored as %q", acct.RefreshTokenSealed)
	}
	chans := e.google.Channels()
	if len(chans) != 1 || chans[0].Address != e.base+"/hooks/google" || chans[0].Token == "" || chans[0].CalendarID != annaEmail {
		t.Fatalf("push channels %+v", chans)
	}

	// An invitation awaiting Anna's answer leaves its time free; an
	// accepted one takes it.
	n := len(e.google.Deliveries())
	pending := e.google.PutEvent(annaEmail, googleInvitation(at(12), "needsAction"))
	e.google.PutEvent(annaEmail, googleInvitation(at(14), "accepted"))
	e.settleGoogle(n + 1)
	e.waitOffered(14, false, "an accepted invitation")
	if !e.offered()[at(12)] {
		t.Fatal("an invitation awaiting an answer blocks its slot")
	}
	n = len(e.google.Deliveries())
	e.google.SetResponse(annaEmail, pending.ID, annaEmail, "declined")
	e.settleGoogle(n)
	if !e.offered()[at(12)] {
		t.Fatal("a declined invitation blocks its slot")
	}
	e.google.SetResponse(annaEmail, pending.ID, annaEmail, "accepted")
	e.waitOffered(12, false, "Yes closes the slot")

	// A booking is written once, moved in place, removed when cancelled.
	b := e.book(10, "Gina")
	e.idle()
	id := google.EventID(b.Meeting.UID)
	ev, ok := e.google.Event(annaEmail, id)
	if !ok || ev.Start.DateTime != at(10).Format(time.RFC3339) || ev.Summary != "Meeting with Gina" ||
		len(ev.Attendees) != 1 || ev.Attendees[0].Email != "guest@example.com" ||
		!strings.Contains(ev.Description, e.base+"/c/") {
		t.Fatalf("the meeting in Google: %+v (found %v)", ev, ok)
	}
	rec, _ := e.db.Meeting(e.ctx, e.org.ID, b.Meeting.ID)
	moved := at(15).Format(time.RFC3339)
	if _, err := e.svc.Change(e.ctx, rec, model.MeetingChange{Start: &moved}, booking.Who{Name: "Anna"}); err != nil {
		t.Fatal(err)
	}
	e.idle()
	if ev, _ := e.google.Event(annaEmail, id); ev.Start.DateTime != moved {
		t.Fatalf("after the reschedule the event starts %s", ev.Start.DateTime)
	}
	// Frontdesk's own event does not count as busy time: the old slot is
	// free again once the notification of the move was synced.
	e.waitOffered(10, true, "the meeting's old time")
	if e.offered()[at(15)] {
		t.Fatal("the meeting's new time is offered")
	}
	var frontdesk int
	for _, ev := range e.google.Events(annaEmail) {
		if ev.ExtendedProperties != nil && ev.ExtendedProperties.Private["frontdeskUid"] != "" {
			frontdesk++
		}
	}
	if frontdesk != 1 {
		t.Fatalf("%d Frontdesk events in Google, want the one moved in place", frontdesk)
	}
	rec, _ = e.db.Meeting(e.ctx, e.org.ID, b.Meeting.ID)
	if _, err := e.svc.Cancel(e.ctx, rec, booking.Who{Name: "Anna"}); err != nil {
		t.Fatal(err)
	}
	e.idle()
	if ev, _ := e.google.Event(annaEmail, id); ev.Status != "cancelled" {
		t.Fatalf("after the cancellation the event is %q", ev.Status)
	}
	if n := e.google.InvitationsSent(); n != 0 {
		t.Fatalf("Google sent %d invitations", n)
	}
	for _, r := range e.google.Requests() {
		if r.Status >= 500 {
			t.Errorf("%s %s answered %d", r.Method, r.Path, r.Status)
		}
	}
}

// A revoked grant marks the connection "needs reconnecting", emails Anna
// once, keeps the stored busy time for the booking page, and reconnecting
// writes what was booked meanwhile.
func TestGoogleRevoked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.connect(calendar.Google, calendartest.Consent{}); err != nil {
		t.Fatal(err)
	}
	n := len(e.google.Deliveries())
	e.google.PutEvent(annaEmail, googleInvitation(at(11), "accepted"))
	e.settleGoogle(n)
	e.waitOffered(11, false, "accepted invitation")

	e.google.RevokeGrants(annaEmail)
	for range 2 {
		if err := e.sync.SyncNow(e.ctx, e.agent.ID); err != nil {
			t.Fatal(err)
		}
		e.idle()
	}
	b := e.book(9, "Gus")
	e.idle()
	s := e.settings()
	if s.Status != model.CalendarNeedsReconnect || !strings.Contains(s.StatusMessage, "revoked") {
		t.Fatalf("after revocation: %+v", s)
	}
	mails := e.smtp.WaitFor(t, 1, 10*time.Second)
	var reconnect int
	for _, m := range e.smtp.Messages() {
		if strings.Contains(m.Subject(), "Reconnect your Google Calendar") {
			reconnect++
			if !strings.Contains(m.Text(), e.base+"/availability") {
				t.Errorf("the email lacks the link: %s", m.Text())
			}
		}
	}
	if reconnect != 1 {
		t.Fatalf("%d reconnect emails (of %d), want exactly 1", reconnect, len(mails))
	}
	if e.offered()[at(11)] {
		t.Fatal("busy time known before the revocation is no longer used")
	}
	if _, ok := e.google.Event(annaEmail, google.EventID(b.Meeting.UID)); ok {
		t.Fatal("a meeting was written with a revoked grant")
	}

	if err := e.connect(calendar.Google, calendartest.Consent{}); err != nil {
		t.Fatal(err)
	}
	if s := e.settings(); s.Status != model.CalendarOK {
		t.Fatalf("after reconnecting: %+v", s)
	}
	if _, ok := e.google.Event(annaEmail, google.EventID(b.Meeting.UID)); !ok {
		t.Fatal("the meeting booked while disconnected was not written after reconnecting")
	}
}

// Writes survive the provider's failures and Retry-After, and stay one
// event when several jobs of one meeting run on two instances at once.
func TestGoogleWritesAreIdempotent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.connect(calendar.Google, calendartest.Consent{}); err != nil {
		t.Fatal(err)
	}
	e.newQueue() // a second instance working the same jobs
	e.google.Inject(calendartest.Fault{Method: http.MethodPost, Path: "/calendar/v3/calendars/" + annaEmail + "/events", Status: 503, Times: 2})
	b := e.book(10, "Gina")
	for range 4 { // duplicates, as retries of a lost answer would make
		if err := e.db.InTx(e.ctx, func(ctx context.Context, tx bun.Tx) error { return e.sync.EnqueueSync(ctx, tx, b.Meeting.ID) }); err != nil {
			t.Fatal(err)
		}
	}
	e.idle()
	var mine []calendartest.GoogleEvent
	for _, ev := range e.google.Events(annaEmail) {
		if ev.ID == google.EventID(b.Meeting.UID) {
			mine = append(mine, ev)
		}
	}
	if len(mine) != 1 {
		t.Fatalf("%d events for one meeting", len(mine))
	}
	ref, ok, _ := e.db.CalendarEvent(e.ctx, b.Meeting.ID)
	if !ok || ref.EventID != google.EventID(b.Meeting.UID) || ref.WrittenSequence != 0 {
		t.Fatalf("record of the write: %+v %v", ref, ok)
	}
}

// A 429's Retry-After is honoured: the job waits that long before asking
// again, and then succeeds.
func TestGoogleRetryAfter(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.connect(calendar.Google, calendartest.Consent{}); err != nil {
		t.Fatal(err)
	}
	e.google.PutEvent(annaEmail, googleInvitation(at(11), "accepted"))
	e.idle()
	e.google.Inject(calendartest.Fault{Method: http.MethodGet, Path: "/calendar/v3/calendars/", Status: 429, RetryAfter: "2"})
	if err := e.sync.SyncNow(e.ctx, e.agent.ID); err != nil {
		t.Fatal(err)
	}
	var limited, next time.Time
	deadline := time.Now().Add(15 * time.Second)
	for next.IsZero() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		limited, next = time.Time{}, time.Time{}
		for _, r := range e.google.Requests() {
			if r.Method != http.MethodGet || !strings.HasSuffix(r.Path, "/events") {
				continue
			}
			if r.Status == http.StatusTooManyRequests {
				limited = r.At
			} else if !limited.IsZero() && next.IsZero() {
				next = r.At
			}
		}
	}
	e.idle()
	e.waitOffered(11, false, "after the rate limit")
	if limited.IsZero() || next.IsZero() || next.Sub(limited) < 2*time.Second {
		t.Fatalf("429 at %s, next list at %s: Retry-After not honoured", limited, next)
	}
}

// An expired sync token leads to a full sync; the sweep resyncs stale
// calendars and renews channels that are about to expire.
func TestGoogleResyncAndRenewal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.connect(calendar.Google, calendartest.Consent{}); err != nil {
		t.Fatal(err)
	}
	n := len(e.google.Deliveries())
	e.google.PutEvent(annaEmail, googleInvitation(at(11), "accepted"))
	e.settleGoogle(n)
	e.waitOffered(11, false, "accepted invitation")

	e.google.ExpireSyncTokens(annaEmail)
	n = len(e.google.Deliveries())
	e.google.PutEvent(annaEmail, googleInvitation(at(13), "accepted"))
	e.settleGoogle(n)
	e.waitOffered(13, false, "an event after the sync token expired")
	if e.offered()[at(11)] {
		t.Fatal("the full resync lost an event")
	}

	// A missed notification: the event is there, only the sweep learns it.
	old := e.google.Channels()[0]
	if _, err := e.db.Bun.NewRaw("DELETE FROM calendar_channels").Exec(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.google.PutEvent(annaEmail, googleInvitation(at(15), "accepted")) // posted to a channel Frontdesk forgot
	if _, err := e.db.Bun.NewRaw("UPDATE connected_calendars SET synced_at = now() - interval '1 day'").Exec(e.ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.sync.Sweep(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.idle()
	e.waitOffered(15, false, "the sweep's resync")
	chans := e.google.Channels()
	if len(chans) != 2 || chans[1].ID == old.ID {
		t.Fatalf("channels after the sweep: %+v", chans)
	}

	// A channel about to expire is replaced by a new one, and the old is
	// stopped.
	if _, err := e.db.Bun.NewRaw("UPDATE calendar_channels SET expires_at = now() + interval '1 hour'").Exec(e.ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.sync.Sweep(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.idle()
	stored, _ := e.db.Channels(e.ctx, e.agent.ID, "")
	if len(stored) != 1 || stored[0].ID == chans[1].ID || time.Until(stored[0].ExpiresAt) < 6*24*time.Hour {
		t.Fatalf("stored channels after renewal: %+v", stored)
	}
	live := e.google.Channels()
	if len(live) != 2 || live[1].ID != stored[0].ID {
		t.Fatalf("channels at Google after renewal: %+v (the renewed one is stopped, the forgotten one expires)", live)
	}
}

// Choosing calendars: another calendar for meetings, and which count as
// busy.
func TestGoogleChoices(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const team = "team@group.calendar.google.com"
	e.google.AddCalendar(annaEmail, team, "Team", "UTC", "writer")
	e.google.AddCalendar(annaEmail, "holidays@group.v.calendar.google.com", "Holidays", "UTC", "reader")
	if err := e.connect(calendar.Google, calendartest.Consent{}); err != nil {
		t.Fatal(err)
	}
	if s := e.settings(); len(s.Calendars) != 3 || s.Calendars[1].Busy || s.Calendars[2].Writable {
		t.Fatalf("calendars %+v", s.Calendars)
	}
	for _, bad := range []model.CalendarChoices{
		{WriteCalendarID: "holidays@group.v.calendar.google.com"},
		{WriteCalendarID: "nope"},
		{BusyCalendarIDs: []string{"nope"}},
	} {
		err := e.sync.Choose(e.ctx, e.agent, bad)
		if me, ok := model.AsError(err); !ok || me.Code != model.CodeValidation {
			t.Errorf("choice %+v: %v", bad, err)
		}
	}
	e.google.PutEvent(team, googleInvitation(at(16), "accepted"))
	if err := e.sync.Choose(e.ctx, e.agent, model.CalendarChoices{WriteCalendarID: team, BusyCalendarIDs: []string{annaEmail, team}}); err != nil {
		t.Fatal(err)
	}
	e.idle()
	e.waitOffered(16, false, "a calendar that now counts as busy")
	if len(e.google.Channels()) != 2 {
		t.Fatalf("channels %+v", e.google.Channels())
	}
	b := e.book(9, "Gina")
	e.idle()
	if _, ok := e.google.Event(team, google.EventID(b.Meeting.UID)); !ok {
		t.Fatal("the meeting is not in the chosen calendar")
	}
	if err := e.sync.Choose(e.ctx, e.agent, model.CalendarChoices{WriteCalendarID: team, BusyCalendarIDs: []string{annaEmail}}); err != nil {
		t.Fatal(err)
	}
	e.idle()
	e.waitOffered(16, true, "a calendar that no longer counts")
	if len(e.google.Channels()) != 1 {
		t.Fatalf("the unchosen calendar is still watched: %+v", e.google.Channels())
	}
	// Nowhere: new meetings are not written.
	if err := e.sync.Choose(e.ctx, e.agent, model.CalendarChoices{BusyCalendarIDs: []string{annaEmail}}); err != nil {
		t.Fatal(err)
	}
	b2 := e.book(11, "Hal")
	e.idle()
	if _, ok := e.google.Event(team, google.EventID(b2.Meeting.UID)); ok {
		t.Fatal("a meeting was written with no calendar chosen")
	}
	if err := e.sync.Disconnect(e.ctx, e.agent); err != nil {
		t.Fatal(err)
	}
	if len(e.google.Channels()) != 0 {
		t.Fatal("disconnecting left a channel open")
	}
	if s := e.settings(); s.Connected {
		t.Fatalf("still connected: %+v", s)
	}
}
