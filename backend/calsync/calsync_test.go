package calsync_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/backend/booking"
	"github.com/frontdesk/frontdesk/backend/calendar/caldav"
	"github.com/frontdesk/frontdesk/backend/calsync"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/mail"
	"github.com/frontdesk/frontdesk/backend/notify"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/radicaletest"
	"github.com/frontdesk/frontdesk/backend/secret"
	"github.com/frontdesk/frontdesk/model"
)

// The whole path on real servers: a booking, its changes and its
// cancellation reach the agent's CalDAV calendar (radicale); the calendar's
// busy time shapes the slots, except invitations not yet accepted.
func TestCalendarFollowsMeetings(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Open(t)
	rad := radicaletest.Start(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	base, _ := url.Parse("http://frontdesk.test")

	org, _ := db.CreateOrganization(ctx, "Acme")
	agent, err := db.CreateAgent(ctx, org.ID, postgres.NewAgent{Email: "anna@acme.test", Name: "Anna", Slug: "anna", TimeZone: "UTC", Role: model.RoleAgent, License: model.LicenseStandard, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	av := postgres.DefaultAvailability("UTC")
	av.Rules = []model.AvailabilityRule{{RRule: "FREQ=DAILY", Window: model.Window{Start: "08:00", End: "18:00"}}}
	av.MinNoticeMinutes = 0
	db.SetAvailability(ctx, org.ID, agent.ID, av)

	box, _ := secret.New(make([]byte, secret.KeySize))
	sync := &calsync.Sync{DB: db, Box: box, BaseURL: base, Log: log,
		CalDAV: caldav.New(caldav.Options{OwnEvent: calsync.OwnUID(base)})}
	n := &notify.Notifier{DB: db, BaseURL: base, Log: log, Calendar: sync}
	workers := river.NewWorkers()
	sync.Register(workers)
	n.Register(workers)
	// Mail is not what this test is about: a sender with no SMTP server
	// logs and drops.
	sender, _ := mail.NewSender(mail.Config{}, log)
	if err := mail.Register(workers, sender, log); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(db, workers, log, jobs.ForTesting())
	if err != nil {
		t.Fatal(err)
	}
	q.Start(ctx)
	t.Cleanup(func() { q.Stop(context.Background()) })
	n.Queue, sync.Queue = q, q
	svc := &booking.Service{DB: db, BaseURL: base, Notifier: n, Busy: sync}

	// A wrong password is refused with the calendar's own words, and
	// nothing is stored.
	err = sync.Connect(ctx, agent, caldav.Account{URL: rad.CalendarURL, Username: rad.User, Password: "wrong"})
	if e, ok := model.AsError(err); !ok || e.Code != calsync.CodeCalendar || !strings.Contains(e.Message, "refused") {
		t.Fatalf("wrong password: %v", err)
	}
	if _, ok, _ := db.Calendar(ctx, agent.ID); ok {
		t.Fatal("a refused calendar was stored")
	}
	if err := sync.Connect(ctx, agent, caldav.Account{URL: rad.CalendarURL, Username: rad.User, Password: rad.Password}); err != nil {
		t.Fatal(err)
	}
	stored, _, _ := db.Calendar(ctx, agent.ID)
	if strings.Contains(stored.PasswordSealed, rad.Password) {
		t.Fatal("the calendar password is stored in clear")
	}

	day := time.Now().UTC().AddDate(0, 0, 3).Truncate(24 * time.Hour)
	at := func(h int) time.Time { return day.Add(time.Duration(h) * time.Hour) }
	b, err := svc.Book(ctx, "anna", model.BookingRequest{Start: at(10).Format(time.RFC3339), Duration: 30, TimeZone: "UTC", Name: "Gina", Email: "gina@example.com"},
		"accessaccessaccessaccess", "managemanagemanagemanage")
	if err != nil {
		t.Fatal(err)
	}
	waitEvent := func(want func(caldav.Event, error) bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			ev, err := sync.CalDAV.Get(ctx, caldav.Account{URL: rad.CalendarURL, Username: rad.User, Password: rad.Password}, b.Meeting.UID)
			if want(ev, err) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("calendar never reached the expected state; last: %+v %v", ev, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitEvent(func(ev caldav.Event, err error) bool { return err == nil && ev.Start.Equal(at(10)) })

	rec, _ := db.Meeting(ctx, org.ID, b.Meeting.ID)
	moved := at(14).Format(time.RFC3339)
	if _, err := svc.Change(ctx, rec, model.MeetingChange{Start: &moved}, booking.Who{Name: "Anna"}); err != nil {
		t.Fatal(err)
	}
	waitEvent(func(ev caldav.Event, err error) bool {
		return err == nil && ev.Start.Equal(at(14)) && ev.Sequence == 1
	})
	if n := len(rad.Objects(t)); n != 1 {
		t.Fatalf("%d events in the calendar after a reschedule, want 1 moved in place", n)
	}

	// Busy time from the calendar: an accepted meeting blocks 12:00, an
	// invitation still waiting for the agent's answer leaves 16:00 free.
	ics := func(uid string, h int, partstat string) string {
		return fmt.Sprintf("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:x\r\nORGANIZER:mailto:boss@elsewhere.test\r\nATTENDEE;PARTSTAT=%s:mailto:anna@acme.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
			uid, at(h).Format("20060102T150405Z"), at(h).Add(time.Hour).Format("20060102T150405Z"), partstat)
	}
	rad.PutRaw(t, "accepted.ics", ics("accepted@elsewhere", 12, "ACCEPTED"))
	rad.PutRaw(t, "pending.ics", ics("pending@elsewhere", 16, "NEEDS-ACTION"))
	// The store learns them at the sweep's next CalDAV sync, which is due
	// once the last one is two minutes old.
	if _, err := db.Bun.NewRaw("UPDATE connected_calendars SET synced_at = now() - interval '3 minutes'").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sync.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if err := q.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	slots, err := svc.Slots(ctx, "anna", booking.SlotsQuery{From: day.Format(time.DateOnly), To: day.Format(time.DateOnly), Duration: 30, TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	offered := map[string]bool{}
	for _, s := range slots.Slots {
		offered[s] = true
	}
	if offered[at(12).Format(time.RFC3339)] || !offered[at(16).Format(time.RFC3339)] || offered[at(14).Format(time.RFC3339)] {
		t.Fatalf("12:00 must be busy (accepted), 16:00 free (not yet accepted), 14:00 taken by the meeting: %v", slots.Slots)
	}

	rec, _ = db.Meeting(ctx, org.ID, b.Meeting.ID)
	if _, err := svc.Cancel(ctx, rec, booking.Who{Name: "Anna"}); err != nil {
		t.Fatal(err)
	}
	waitEvent(func(_ caldav.Event, err error) bool { return err != nil })
	for name := range rad.Objects(t) {
		if strings.HasPrefix(name, "frontdesk-") {
			t.Fatalf("cancelled meeting still in the calendar: %s", name)
		}
	}
}
