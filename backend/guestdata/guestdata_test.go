package guestdata_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/backend/booking"
	"github.com/frontdesk/frontdesk/backend/guestdata"
	"github.com/frontdesk/frontdesk/backend/invite"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/mail"
	"github.com/frontdesk/frontdesk/backend/notify"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/smtptest"
	"github.com/frontdesk/frontdesk/model"
)

type fixture struct {
	db      *postgres.DB
	smtp    *smtptest.Server
	queue   *jobs.Queue
	booking *booking.Service
	svc     *guestdata.Service
	org     model.Organization
	agent   model.Agent
	admin   model.Agent
}

func setup(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := pgtest.Open(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	org, _ := db.CreateOrganization(ctx, "Acme")
	agent, err := db.CreateAgent(ctx, org.ID, postgres.NewAgent{Email: "anna@acme.test", Name: "Anna", Slug: "anna", TimeZone: "UTC", Role: model.RoleAgent, License: model.LicenseStandard, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := db.CreateAgent(ctx, org.ID, postgres.NewAgent{Email: "ada@acme.test", Name: "Ada", Slug: "ada", TimeZone: "UTC", Role: model.RoleAdmin, License: model.LicenseStandard, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	av := postgres.DefaultAvailability("UTC")
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
	n := &notify.Notifier{DB: db, BaseURL: base, Log: log}
	workers := river.NewWorkers()
	if err := mail.Register(workers, sender, log, mail.InOrder(db)); err != nil {
		t.Fatal(err)
	}
	if err := n.Register(workers); err != nil {
		t.Fatal(err)
	}
	svc := &guestdata.Service{DB: db, Log: log}
	if err := svc.Register(workers); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(db, workers, log, jobs.ForTesting())
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop(context.Background()) })
	n.Queue = q
	b := &booking.Service{DB: db, BaseURL: base, Notifier: n}
	svc.Meetings = b
	return &fixture{db: db, smtp: smtp, queue: q, booking: b, svc: svc, org: org, agent: agent, admin: admin}
}

func (f *fixture) idle(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := f.queue.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
}

// A person who chatted from the widget and booked a meeting (two guest
// records sharing an email) and is in the phonebook: the export holds all
// of it; the erasure cancels the meeting with the usual CANCEL notices,
// empties what identified them, revokes their links and deletes the
// phonebook entry, and can be done only once.
func TestExportAndErase(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	chat, _, err := f.db.StartConversation(ctx, postgres.NewConversation{OrganizationID: f.org.ID, Channel: model.ChannelWidget,
		VisitorToken: "visitor-0123456789abcdefghij", Guest: model.Guest{Name: "Gina Gast", Email: "Gina@Example.com"},
		Language: "de", AccessToken: "chatchatchatchatchatchat"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.AppendMessage(ctx, f.org.ID, chat.Conversation.ID, postgres.Author{Kind: model.AuthorGuest, Name: "Gina Gast"}, "c1", "Call me on +49 30 1234567"); err != nil {
		t.Fatal(err)
	}
	id := f.agent.ID
	if _, err := f.db.AppendMessage(ctx, f.org.ID, chat.Conversation.ID, postgres.Author{Kind: model.AuthorAgent, ID: &id, Name: "Anna"}, "a1", "Sure!"); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	b, err := f.booking.Book(ctx, "anna", model.BookingRequest{Start: start.Format(time.RFC3339), Duration: 30, TimeZone: "UTC",
		Name: "Gina Gast", Email: "gina@example.com", Phone: "+49 30 1234567", Notes: "About my contract"},
		"accessaccessaccessaccess", "managemanagemanagemanage")
	if err != nil {
		t.Fatal(err)
	}
	contact, err := f.db.AddContact(ctx, f.org.ID, model.ContactInput{Name: "Gina Gast", Phone: "+49 (30) 1234567"})
	if err != nil {
		t.Fatal(err)
	}
	// Someone else, who must not be touched.
	other, _, err := f.db.StartConversation(ctx, postgres.NewConversation{OrganizationID: f.org.ID, Channel: model.ChannelWidget,
		VisitorToken: "visitor-other-0123456789abcd", Guest: model.Guest{Name: "Otto", Email: "otto@example.com"}, AccessToken: "otherotherotherotherother"})
	if err != nil {
		t.Fatal(err)
	}
	f.idle(t)
	booked := len(f.smtp.Messages())

	// From the side panel of the chat: both guest records, the meeting
	// and the phonebook entry (same phone) are the same person.
	ex, err := f.svc.Export(ctx, f.org.ID, guestdata.Subject{GuestID: chat.Conversation.Guest.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Guests) != 2 || len(ex.Conversations) != 2 || len(ex.Meetings) != 1 || len(ex.Phonebook) != 1 || len(ex.Consent) != 2 {
		t.Fatalf("export: %d guests, %d conversations, %d meetings, %d phonebook, %d consents",
			len(ex.Guests), len(ex.Conversations), len(ex.Meetings), len(ex.Phonebook), len(ex.Consent))
	}
	if ex.Meetings[0].Notes != "About my contract" || ex.Phonebook[0].ID != contact.ID || ex.Files == nil {
		t.Errorf("export: %+v", ex)
	}
	// From the phonebook, the same person.
	viaContact, err := f.svc.Export(ctx, f.org.ID, guestdata.Subject{ContactID: contact.ID})
	if err != nil || len(viaContact.Guests) != 2 {
		t.Fatalf("export from the phonebook: %v, %+v", err, viaContact.Guests)
	}
	// Another organization's admin finds nobody.
	alien, _ := f.db.CreateOrganization(ctx, "Other")
	if _, err := f.svc.Export(ctx, alien.ID, guestdata.Subject{GuestID: chat.Conversation.Guest.ID}); !postgres.IsNotFound(err) {
		t.Fatalf("export across organizations: %v", err)
	}
	if _, err := f.svc.Erase(ctx, alien.ID, guestdata.Subject{GuestID: chat.Conversation.Guest.ID}, f.admin); !postgres.IsNotFound(err) {
		t.Fatalf("erase across organizations: %v", err)
	}

	rep, err := f.svc.Erase(ctx, f.org.ID, guestdata.Subject{GuestID: chat.Conversation.Guest.ID}, f.admin)
	if err != nil {
		t.Fatal(err)
	}
	want := model.ErasureReport{Guests: 2, Conversations: 2, Messages: 1, MeetingsCancelled: 1, PhonebookEntries: 1}
	if rep != want {
		t.Fatalf("report %+v, want %+v", rep, want)
	}
	f.idle(t)

	// The usual notices: a CANCEL to the guest (sent while the address was
	// known) and one to the agent.
	cancels := map[string]bool{}
	for _, m := range f.smtp.Messages()[booked:] {
		part, ok := m.Calendar()
		if !ok {
			t.Fatalf("%q has no invite", m.Subject())
		}
		method, ev, err := invite.Parse(part.Body)
		if err != nil || method != invite.MethodCancel || ev.UID != b.Meeting.UID {
			t.Fatalf("notice %q: %s %s %v", m.Subject(), method, ev.UID, err)
		}
		cancels[m.To[0]] = true
	}
	if !cancels["gina@example.com"] || !cancels["anna@acme.test"] || len(cancels) != 2 {
		t.Fatalf("cancel notices to %v", cancels)
	}

	// Nothing left that identifies her; the rest is whole.
	c, err := f.db.Conversation(ctx, f.org.ID, chat.Conversation.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Guest.Erased || c.Guest.Name != "" || c.Guest.Email != "" || c.LastMessage != "" {
		t.Errorf("conversation after erasure: %+v", c)
	}
	msgs, _ := f.db.Messages(ctx, f.org.ID, chat.Conversation.ID, 0, 10)
	if len(msgs) != 2 || !msgs[0].Erased || msgs[0].Body != "" || msgs[0].AuthorName != "" || msgs[1].Body != "Sure!" || msgs[1].Erased {
		t.Errorf("messages after erasure: %+v", msgs)
	}
	meetingMsgs, _ := f.db.Messages(ctx, f.org.ID, b.Meeting.ConversationID, 0, 10)
	for _, m := range meetingMsgs {
		if strings.Contains(m.Body, "Gina") {
			t.Errorf("a notice still names her: %q", m.Body)
		}
	}
	rec, err := f.db.Meeting(ctx, f.org.ID, b.Meeting.ID)
	if err != nil || rec.Meeting.Status != model.MeetingCancelled || rec.Meeting.Notes != "" || rec.Meeting.Guest.Phone != "" {
		t.Errorf("meeting after erasure: %+v, %v", rec.Meeting, err)
	}
	for _, token := range []string{"chatchatchatchatchatchat", "accessaccessaccessaccess"} {
		if _, err := f.db.ConversationByToken(ctx, token); !postgres.IsNotFound(err) {
			t.Errorf("conversation link %s still works: %v", token, err)
		}
	}
	if _, err := f.db.MeetingByManageToken(ctx, "managemanagemanagemanage"); !postgres.IsNotFound(err) {
		t.Errorf("manage link still works: %v", err)
	}
	if _, err := f.db.LatestConversation(ctx, f.org.ID, 0, "visitor-0123456789abcdefghij"); !postgres.IsNotFound(err) {
		t.Errorf("visitor token still finds her: %v", err)
	}
	if list, _ := f.db.Contacts(ctx, f.org.ID, "", 100); len(list) != 0 {
		t.Errorf("phonebook after erasure: %+v", list)
	}
	if o, err := f.db.Conversation(ctx, f.org.ID, other.Conversation.ID, 0); err != nil || o.Guest.Name != "Otto" || o.Guest.Erased {
		t.Errorf("someone else was touched: %+v, %v", o.Guest, err)
	}

	// Twice: refused, nothing done.
	if _, err := f.svc.Erase(ctx, f.org.ID, guestdata.Subject{GuestID: chat.Conversation.Guest.ID}, f.admin); err == nil {
		t.Fatal("erased twice")
	} else if e, ok := model.AsError(err); !ok || e.Code != model.CodeGuestErased || e.Status != 409 {
		t.Fatalf("second erasure: %v", err)
	}
	if _, err := f.svc.Erase(ctx, f.org.ID, guestdata.Subject{ContactID: contact.ID}, f.admin); !postgres.IsNotFound(err) {
		t.Fatalf("erasing a deleted phonebook entry: %v", err)
	}
	// The export now says it was erased, and nothing else.
	ex, _ = f.svc.Export(ctx, f.org.ID, guestdata.Subject{GuestID: chat.Conversation.Guest.ID})
	if len(ex.Guests) != 1 || ex.Guests[0].ErasedAt == nil || ex.Guests[0].Email != "" || len(ex.Consent) != 0 {
		t.Errorf("export after erasure: %+v", ex.Guests)
	}
}

// Resolved conversations older than the organization's retention go, with
// their guests when nothing else of theirs remains; open ones, recent ones,
// ones with a meeting to come and other organizations' stay.
func TestRetention(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	conv := func(org int64, visitor string, status model.Status, age time.Duration) int64 {
		t.Helper()
		a, _, err := f.db.StartConversation(ctx, postgres.NewConversation{OrganizationID: org, Channel: model.ChannelWidget,
			VisitorToken: visitor + "-0123456789abcdefghij", Guest: model.Guest{Name: visitor}, AccessToken: visitor + "-tokentokentokentoken"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.AppendMessage(ctx, org, a.Conversation.ID, postgres.Author{Kind: model.AuthorGuest, Name: visitor}, "m", "hello"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.Bun.ExecContext(ctx, `UPDATE conversations SET status = ?, updated_at = now() - ?::interval WHERE id = ?`,
			string(status), age.String(), a.Conversation.ID); err != nil {
			t.Fatal(err)
		}
		return a.Conversation.ID
	}
	other, _ := f.db.CreateOrganization(ctx, "Other")
	old := conv(f.org.ID, "old", model.StatusResolved, 40*24*time.Hour)
	recent := conv(f.org.ID, "recent", model.StatusResolved, 10*24*time.Hour)
	open := conv(f.org.ID, "open", model.StatusOpen, 40*24*time.Hour)
	otherOld := conv(other.ID, "elsewhere", model.StatusResolved, 400*24*time.Hour)
	b, err := f.booking.Book(ctx, "anna", model.BookingRequest{Start: time.Now().Add(48 * time.Hour).Truncate(time.Hour).Format(time.RFC3339),
		Duration: 30, TimeZone: "UTC", Name: "Mo", Email: "mo@example.com"}, "meetingmeetingmeetingmee", "managemanagemanagemanag2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Bun.ExecContext(ctx, `UPDATE conversations SET status = 'resolved', updated_at = now() - interval '40 days' WHERE id = ?`, b.Meeting.ConversationID); err != nil {
		t.Fatal(err)
	}

	// No retention set: nothing goes.
	if n, err := f.svc.DeleteExpired(ctx); err != nil || n != 0 {
		t.Fatalf("without a retention period: %d deleted, %v", n, err)
	}
	days := 30
	if err := f.db.SetRetention(ctx, f.org.ID, model.Retention{DeleteResolvedAfterDays: &days}); err != nil {
		t.Fatal(err)
	}
	if n, err := f.svc.DeleteExpired(ctx); err != nil || n != 1 {
		t.Fatalf("deleted %d, %v; want the one old resolved conversation", n, err)
	}
	if _, err := f.db.Conversation(ctx, f.org.ID, old, 0); !postgres.IsNotFound(err) {
		t.Errorf("old resolved conversation kept: %v", err)
	}
	if n, _ := f.db.Bun.NewSelect().Table("guests").Where("name = 'old'").Count(ctx); n != 0 {
		t.Errorf("the old conversation's guest was kept")
	}
	for _, id := range []int64{recent, open, b.Meeting.ConversationID} {
		if _, err := f.db.Conversation(ctx, f.org.ID, id, 0); err != nil {
			t.Errorf("conversation %d deleted: %v", id, err)
		}
	}
	if _, err := f.db.Conversation(ctx, other.ID, otherOld, 0); err != nil {
		t.Errorf("another organization's conversation deleted: %v", err)
	}
}
