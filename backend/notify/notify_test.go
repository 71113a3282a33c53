package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/booking"
	"github.com/frontdesk/frontdesk/backend/invite"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/mail"
	"github.com/frontdesk/frontdesk/backend/notify"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/push"
	"github.com/frontdesk/frontdesk/backend/push/pushtest"
	"github.com/frontdesk/frontdesk/backend/secret"
	"github.com/frontdesk/frontdesk/backend/smtptest"
	"github.com/frontdesk/frontdesk/model"
)

type fixture struct {
	push    *pushtest.Server
	pusher  *push.Sender
	db      *postgres.DB
	smtp    *smtptest.Server
	booking *booking.Service
	agent   model.Agent
	newQ    func() *jobs.Queue
}

// setup wires the real pieces: Postgres, River, an SMTP server on
// loopback, and an agent bookable around the clock.
func setup(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.Open(t)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	org, _ := db.CreateOrganization(ctx, "Acme")
	agent, err := db.CreateAgent(ctx, org.ID, postgres.NewAgent{Email: "anna@acme.test", Name: "Anna", Slug: "anna", TimeZone: "Europe/Berlin", Role: model.RoleAgent, License: model.LicenseStandard, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	av := postgres.DefaultAvailability("Europe/Berlin")
	av.Rules = []model.AvailabilityRule{{RRule: "FREQ=DAILY", Window: model.Window{Start: "00:00", End: "24:00"}}}
	av.MinNoticeMinutes = 0
	if err := db.SetAvailability(ctx, org.ID, agent.ID, av); err != nil {
		t.Fatal(err)
	}
	smtp := smtptest.Start(t)
	sender, err := mail.NewSender(mail.Config{Host: smtp.Host(), Port: smtp.Port(), TLS: mail.TLSNone, From: "Frontdesk <no-reply@acme.test>"}, log)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("http://frontdesk.test")
	n := &notify.Notifier{DB: db, BaseURL: base, Log: log, OfflineDelay: 50 * time.Millisecond}
	workers := river.NewWorkers()
	if err := mail.Register(workers, sender, log, mail.InOrder(db)); err != nil {
		t.Fatal(err)
	}
	if err := n.Register(workers); err != nil {
		t.Fatal(err)
	}
	pusher, err := push.New(ctx, db, testBox(t), "mailto:ops@acme.test", log, push.AllowLoopback())
	if err != nil {
		t.Fatal(err)
	}
	if err := push.Register(workers, pusher); err != nil {
		t.Fatal(err)
	}
	newQ := func() *jobs.Queue {
		q, err := jobs.New(db, workers, log, jobs.ForTesting())
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { q.Stop(context.Background()) })
		return q
	}
	n.Queue = newQ()
	db.MessageHook = n.MessageStored
	db.PushWindow = 100 * time.Millisecond
	sweepCtx, stopSweep := context.WithCancel(ctx)
	t.Cleanup(stopSweep)
	go n.RunPushes(sweepCtx)
	n.Push = func(ctx context.Context, tx bun.Tx, ids []int64, title, body, path string) error {
		return push.Enqueue(ctx, n.Queue, tx, ids, push.Payload{Title: title, Body: body, Path: path})
	}
	return &fixture{db: db, smtp: smtp, agent: agent, newQ: newQ, push: pushtest.Start(t), pusher: pusher,
		booking: &booking.Service{DB: db, BaseURL: base, Notifier: n}}
}

// nextSlot is a start on the 15-minute grid, days ahead.
func nextSlot(days int) time.Time {
	return time.Now().Add(time.Duration(days) * 24 * time.Hour).Truncate(time.Hour)
}

func inviteOf(t *testing.T, r smtptest.Received) (string, invite.Event) {
	t.Helper()
	part, ok := r.Calendar()
	if !ok {
		t.Fatalf("%q has no text/calendar part", r.Subject())
	}
	method, ev, err := invite.Parse(part.Body)
	if err != nil {
		t.Fatal(err)
	}
	if part.Params["method"] != method {
		t.Fatalf("Content-Type method %q, calendar METHOD %q", part.Params["method"], method)
	}
	return method, ev
}

// byRecipient splits received mail by its first recipient.
func byRecipient(msgs []smtptest.Received) map[string]smtptest.Received {
	out := map[string]smtptest.Received{}
	for _, m := range msgs {
		out[m.To[0]] = m
	}
	return out
}

func TestMeetingEmailsFollowTheMeeting(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	start := nextSlot(3)
	b, err := f.booking.Book(ctx, "anna", model.BookingRequest{
		Start: start.Format(time.RFC3339), Duration: 30, TimeZone: "America/New_York",
		Name: "Gina <b>Guest</b>", Email: "gina@example.com", Notes: "Pricing & plans",
	}, "accessaccessaccessaccess", "managemanagemanagemanage")
	if err != nil {
		t.Fatal(err)
	}
	got := byRecipient(f.smtp.WaitFor(t, 2, 10*time.Second))
	guest, agent := got["gina@example.com"], got["anna@acme.test"]
	if !strings.Contains(guest.Subject(), "confirmed") || !strings.Contains(guest.Text(), "http://frontdesk.test/chat/accessaccessaccessaccess") ||
		!strings.Contains(guest.Text(), "/m/managemanagemanagemanage") || !strings.Contains(guest.Text(), "(America/New_York)") {
		t.Fatalf("guest email: %q\n%s", guest.Subject(), guest.Text())
	}
	if strings.Contains(guest.HTML(), "<b>Guest</b>") {
		t.Fatal("guest name not escaped in HTML")
	}
	if !strings.Contains(agent.Text(), "Gina <b>Guest</b>") || !strings.Contains(agent.Text(), "(Europe/Berlin)") || !strings.Contains(agent.Text(), "Pricing & plans") {
		t.Fatalf("agent email:\n%s", agent.Text())
	}
	for _, r := range []smtptest.Received{guest, agent} {
		method, ev := inviteOf(t, r)
		if method != "REQUEST" || ev.UID != b.Meeting.UID || ev.Sequence != 0 || !ev.Start.Equal(start) || ev.Organizer.Email != "anna@acme.test" {
			t.Fatalf("invite %s %+v", method, ev)
		}
	}

	rec, err := f.db.Meeting(ctx, b.Meeting.OrganizationID, b.Meeting.ID)
	if err != nil {
		t.Fatal(err)
	}
	moved := start.Add(2 * time.Hour).Format(time.RFC3339)
	if rec, err = f.booking.Change(ctx, rec, model.MeetingChange{Start: &moved}, booking.Who{Name: "Anna"}); err != nil {
		t.Fatal(err)
	}
	msgs := f.smtp.WaitFor(t, 4, 10*time.Second)
	for _, r := range msgs[2:] {
		method, ev := inviteOf(t, r)
		if method != "REQUEST" || ev.UID != b.Meeting.UID || ev.Sequence != 1 || !ev.Start.Equal(start.Add(2*time.Hour)) {
			t.Fatalf("update invite %s %+v", method, ev)
		}
	}
	if _, err = f.booking.Cancel(ctx, rec, booking.Who{Name: "Gina", Guest: true}); err != nil {
		t.Fatal(err)
	}
	msgs = f.smtp.WaitFor(t, 6, 10*time.Second)
	for _, r := range msgs[4:] {
		method, ev := inviteOf(t, r)
		if method != "CANCEL" || ev.UID != b.Meeting.UID || ev.Sequence != 2 {
			t.Fatalf("cancel invite %s %+v", method, ev)
		}
	}
}

// fireReminders makes every queued reminder due now.
func fireReminders(t *testing.T, db *postgres.DB) {
	t.Helper()
	if _, err := db.Bun.ExecContext(context.Background(),
		"UPDATE river_job SET scheduled_at = now() WHERE kind = 'meeting_reminder' AND state = 'scheduled'"); err != nil {
		t.Fatal(err)
	}
}

func TestRemindersFollowReschedulesAndFireOnce(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	start := nextSlot(3)
	b, err := f.booking.Book(ctx, "anna", model.BookingRequest{Start: start.Format(time.RFC3339), Duration: 30, TimeZone: "Europe/Berlin", Name: "Gina", Email: "gina@example.com"},
		"accessaccessaccessaccess", "managemanagemanagemanage")
	if err != nil {
		t.Fatal(err)
	}
	// Scheduled for the agent 15 minutes before, and for the guest 15
	// minutes and a day before.
	var due []time.Time
	if err := f.db.Bun.NewSelect().Table("river_job").Column("scheduled_at").Where("kind = 'meeting_reminder'").Order("scheduled_at").Scan(ctx, &due); err != nil {
		t.Fatal(err)
	}
	if len(due) != 3 || !due[0].Equal(start.Add(-24*time.Hour)) || !due[1].Equal(start.Add(-15*time.Minute)) || !due[2].Equal(start.Add(-15*time.Minute)) {
		t.Fatalf("reminders due at %v", due)
	}
	rec, _ := f.db.Meeting(ctx, b.Meeting.OrganizationID, b.Meeting.ID)
	moved := start.Add(time.Hour).Format(time.RFC3339)
	if _, err := f.booking.Change(ctx, rec, model.MeetingChange{Start: &moved}, booking.Who{Name: "Anna"}); err != nil {
		t.Fatal(err)
	}
	f.smtp.WaitFor(t, 4, 10*time.Second) // booking and change emails

	// A second instance and a restart: the reminders still go out once.
	second := f.newQ()
	fireReminders(t, f.db)
	if err := second.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	third := f.newQ()
	if err := third.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := f.smtp.WaitFor(t, 7, 10*time.Second)
	time.Sleep(300 * time.Millisecond)
	if n := len(f.smtp.Messages()); n != 7 {
		t.Fatalf("%d emails, want 7: 4 for booking and change, 3 reminders of the new time only", n)
	}
	reminders := 0
	for _, m := range msgs[4:] {
		if strings.Contains(m.Subject(), "Reminder") {
			reminders++
		}
	}
	if reminders != 3 {
		t.Fatalf("%d reminder emails, want 3", reminders)
	}
	convMsgs, _ := f.db.Messages(ctx, b.Meeting.OrganizationID, b.Meeting.ConversationID, 0, 50)
	inApp := 0
	for _, m := range convMsgs {
		if strings.HasPrefix(m.Body, "Reminder:") {
			inApp++
		}
	}
	if inApp != 1 {
		t.Fatalf("%d reminder messages in the conversation, want 1: %+v", inApp, convMsgs)
	}
}

func TestNoReminderForCancelledMeeting(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	b, err := f.booking.Book(ctx, "anna", model.BookingRequest{Start: nextSlot(2).Format(time.RFC3339), Duration: 30, TimeZone: "Europe/Berlin", Name: "Gina", Email: "gina@example.com"},
		"accessaccessaccessaccess", "managemanagemanagemanage")
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := f.db.Meeting(ctx, b.Meeting.OrganizationID, b.Meeting.ID)
	if _, err := f.booking.Cancel(ctx, rec, booking.Who{Name: "Anna"}); err != nil {
		t.Fatal(err)
	}
	fireReminders(t, f.db)
	// Booked and cancelled at once: each side gets the CANCEL, and the
	// REQUEST before it — unless the CANCEL went out first, in which case
	// the older REQUEST is dropped (mail.InOrder).
	f.smtp.WaitFor(t, 2, 10*time.Second)
	if err := f.newQ().WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	cancelled := map[string]bool{}
	for _, m := range f.smtp.Messages() {
		if strings.Contains(m.Subject(), "Reminder") {
			t.Fatalf("a reminder went out for a cancelled meeting: %q", m.Subject())
		}
		method, _ := inviteOf(t, m)
		if cancelled[m.To[0]] {
			t.Errorf("%s got a %s after the CANCEL", m.To[0], method)
		}
		if method == invite.MethodCancel {
			cancelled[m.To[0]] = true
		}
	}
	if !cancelled["gina@example.com"] || !cancelled["anna@acme.test"] {
		t.Fatalf("cancellations went to %v, want the guest and the agent", cancelled)
	}
}

func TestOfflineRepliesGoOutByEmail(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	ga, _, err := f.db.StartConversation(ctx, postgres.NewConversation{OrganizationID: f.agent.OrganizationID, Channel: model.ChannelWidget,
		AccessToken: "tokentokentokentokentoken", Guest: model.Guest{Name: "Gina", Email: "gina@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	id := f.agent.ID
	agent := postgres.Author{Kind: model.AuthorAgent, ID: &id, Name: "Anna"}
	conv := ga.Conversation.ID
	// Read live: no email.
	r1, _ := f.db.AppendMessage(ctx, f.agent.OrganizationID, conv, agent, "a1", "Seen live")
	if err := f.db.MarkGuestRead(ctx, f.agent.OrganizationID, conv, r1.Message.Seq); err != nil {
		t.Fatal(err)
	}
	// Two unread replies: one email with both.
	f.db.AppendMessage(ctx, f.agent.OrganizationID, conv, agent, "a2", "First reply")
	f.db.AppendMessage(ctx, f.agent.OrganizationID, conv, agent, "a3", "Second reply")
	msgs := f.smtp.WaitFor(t, 1, 10*time.Second)
	time.Sleep(500 * time.Millisecond)
	if n := len(f.smtp.Messages()); n != 1 {
		t.Fatalf("%d emails, want 1", n)
	}
	text := msgs[0].Text()
	if msgs[0].To[0] != "gina@example.com" || !strings.Contains(text, "First reply") || !strings.Contains(text, "Second reply") ||
		strings.Contains(text, "Seen live") || !strings.Contains(text, "/chat/tokentokentokentokentoken") {
		t.Fatalf("offline email to %v:\n%s", msgs[0].To, text)
	}
}

// A guest writes while the agent's app is closed: the agent's browser gets
// a Web Push (verified and decrypted by the loopback push service); while
// the app is open, it does not.
func TestGuestMessagePushesClosedApps(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	sub := f.push.NewSubscription()
	var in push.Subscription
	if err := json.Unmarshal(sub.JSON(), &in); err != nil {
		t.Fatal(err)
	}
	if err := f.pusher.Subscribe(ctx, f.agent.OrganizationID, f.agent.ID, in, "test"); err != nil {
		t.Fatal(err)
	}
	id := f.agent.ID
	ga, _, err := f.db.StartConversation(ctx, postgres.NewConversation{OrganizationID: f.agent.OrganizationID, Channel: model.ChannelPersonalLink,
		AssigneeID: &id, AccessToken: "tokentokentokentokentoken", Guest: model.Guest{Name: "Gina"}})
	if err != nil {
		t.Fatal(err)
	}
	guest := postgres.Author{Kind: model.AuthorGuest, Name: "Gina"}
	f.db.AppendMessage(ctx, f.agent.OrganizationID, ga.Conversation.ID, guest, "g1", "Are you there?")
	deadline := time.Now().Add(10 * time.Second)
	for len(f.push.Messages(sub)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no push arrived; rejections: %+v", f.push.Rejections())
		}
		time.Sleep(20 * time.Millisecond)
	}
	var p struct{ Title, Body, Path string }
	json.Unmarshal(f.push.Messages(sub)[0].Payload, &p)
	if p.Title != "Gina" || p.Body != "Are you there?" || p.Path != fmt.Sprintf("/c/%d", ga.Conversation.ID) {
		t.Fatalf("push payload %+v", p)
	}
	// A burst is one notification with the latest text, replacing the
	// previous one (same tag).
	for i := range 5 {
		if _, err := f.db.AppendMessage(ctx, f.agent.OrganizationID, ga.Conversation.ID, guest, fmt.Sprint("b", i), fmt.Sprint("Burst ", i)); err != nil {
			t.Fatal(err)
		}
	}
	for len(f.push.Messages(sub)) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("no push for the burst; rejections: %+v", f.push.Rejections())
		}
		time.Sleep(20 * time.Millisecond)
	}
	json.Unmarshal(f.push.Messages(sub)[1].Payload, &p)
	if p.Body != "Burst 4 (5 new messages)" {
		t.Fatalf("burst push %+v", p)
	}
	// With the app open, messages arrive live instead.
	if err := f.db.SetPresence(ctx, "instance-a", f.agent.OrganizationID, f.agent.ID, true); err != nil {
		t.Fatal(err)
	}
	f.db.AppendMessage(ctx, f.agent.OrganizationID, ga.Conversation.ID, guest, "g2", "Hello?")
	// The mark is taken (and dropped: nobody to push to) after the window.
	for f.pendingPushes(t) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the pending push was never swept")
		}
		time.Sleep(20 * time.Millisecond)
	}
	f.newQ().WaitIdle(ctx)
	if n := len(f.push.Messages(sub)); n != 2 {
		t.Fatalf("%d pushes, want 2: the open app gets no push", n)
	}
}

func (f *fixture) pendingPushes(t *testing.T) int64 {
	t.Helper()
	n, err := f.db.Bun.NewSelect().Table("pending_pushes").Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func testBox(t testing.TB) *secret.Box {
	t.Helper()
	box, err := secret.New(bytes.Repeat([]byte{7}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return box
}
