package crmsync_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/backend/crm/crmtest"
	"github.com/frontdesk/frontdesk/backend/crmsync"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/secret"
	"github.com/frontdesk/frontdesk/model"
)

type fixture struct {
	db  *postgres.DB
	crm *crmsync.Sync
	q   *jobs.Queue
	org model.Organization
}

func setup(t *testing.T, hubspotURL string) *fixture {
	t.Helper()
	ctx := context.Background()
	db := pgtest.Open(t)
	box, _ := secret.New(make([]byte, secret.KeySize))
	base, _ := url.Parse("http://frontdesk.test")
	s := &crmsync.Sync{DB: db, Box: box, BaseURL: base, HubSpotBaseURL: hubspotURL}
	workers := river.NewWorkers()
	if err := s.Register(workers); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(db, workers, slog.New(slog.NewTextHandler(io.Discard, nil)), jobs.ForTesting())
	if err != nil {
		t.Fatal(err)
	}
	q.Start(ctx)
	t.Cleanup(func() { q.Stop(context.Background()) })
	s.Queue = q
	db.GuestEmailHook = s.EnqueueLookup
	org, _ := db.CreateOrganization(ctx, "Acme")
	return &fixture{db: db, crm: s, q: q, org: org}
}

func (f *fixture) conversation(t *testing.T, email string) model.Conversation {
	t.Helper()
	ga, _, err := f.db.StartConversation(context.Background(), postgres.NewConversation{OrganizationID: f.org.ID, Channel: model.ChannelWidget,
		AccessToken: "tok-" + strings.Repeat("x", 20) + email, Guest: model.Guest{Name: "Gina Guest", Email: email}})
	if err != nil {
		t.Fatal(err)
	}
	return ga.Conversation
}

func (f *fixture) wait(t *testing.T, convID int64, ok func(model.Conversation) bool) model.Conversation {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := f.db.Conversation(context.Background(), f.org.ID, convID, 0)
		if err == nil && ok(c) {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("conversation never got there: %+v (%v)", c, err)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

func company(c model.Conversation) *model.Tag {
	for i := range c.Tags {
		if c.Tags[i].Kind == "company" {
			return &c.Tags[i]
		}
	}
	return nil
}

func TestHubSpotCompanyTagAndLead(t *testing.T) {
	hs := crmtest.NewHubSpot(t)
	acme := hs.AddCompany("Acme Corp", "acme-corp.test")
	hs.AddContact(map[string]string{"email": "gina@acme-corp.test", "firstname": "Gina"}, acme)
	f := setup(t, hs.URL())
	ctx := context.Background()

	// Not connected yet: a lead is refused with a clear code.
	c := f.conversation(t, "gina@acme-corp.test")
	_, err := f.crm.RequestLead(ctx, f.org.ID, c.ID)
	if e, ok := model.AsError(err); !ok || e.Code != model.CodeCRMNotConfigured {
		t.Fatalf("unconfigured: %v", err)
	}
	settings, err := f.crm.Configure(ctx, f.org.ID, model.CRMInput{Provider: "hubspot", HubSpotToken: hs.Token})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(settings)
	if !settings.SecretSet || strings.Contains(string(raw), hs.Token) {
		t.Fatalf("settings leak or lack the secret: %s", raw)
	}
	if err := f.crm.Test(ctx, f.org.ID); err != nil {
		t.Fatalf("test connection: %v", err)
	}

	// A guest with a known email: the Company tag appears, with its link.
	c = f.conversation(t, "Gina@Acme-Corp.test")
	got := f.wait(t, c.ID, func(c model.Conversation) bool { return company(c) != nil })
	if tag := company(got); tag.Label != "Acme Corp" || tag.URL == "" {
		t.Fatalf("company tag %+v", tag)
	}
	// Unknown domain: no tag, and the miss is cached.
	other := f.conversation(t, "someone@nowhere.test")
	if err := f.q.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	if c, _ := f.db.Conversation(ctx, f.org.ID, other.ID, 0); company(c) != nil {
		t.Fatalf("unknown guest tagged: %+v", c.Tags)
	}

	// Create lead, with a double click: one contact upsert, one note.
	for range 2 {
		if _, err := f.crm.RequestLead(ctx, f.org.ID, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	done := f.wait(t, c.ID, func(c model.Conversation) bool { return c.CRMLead != nil && c.CRMLead.Status == "done" })
	if done.CRMLead.RecordID == "" || done.CRMLead.URL == "" || done.CRMLead.Provider != "hubspot" {
		t.Fatalf("lead %+v", done.CRMLead)
	}
	if n := len(hs.Notes()); n != 1 || !strings.Contains(hs.Notes()[0].Body, "http://frontdesk.test/c/") {
		t.Fatalf("%d notes: %+v", n, hs.Notes())
	}
	if n := len(hs.Contacts()); n != 1 {
		t.Fatalf("%d contacts, want the existing one updated", n)
	}
	// Asking again after it is done changes nothing.
	again, err := f.crm.RequestLead(ctx, f.org.ID, c.ID)
	if err != nil || again.Status != "done" {
		t.Fatalf("again: %+v %v", again, err)
	}
	f.q.WaitIdle(ctx)
	if n := len(hs.Notes()); n != 1 {
		t.Fatalf("a repeated request filed %d notes", n)
	}

	// A revoked token: the lead fails with a message the agent can act on,
	// and a retry once fixed files it.
	hs.RevokeToken()
	c2 := f.conversation(t, "hans@elsewhere.test")
	if _, err := f.crm.RequestLead(ctx, f.org.ID, c2.ID); err != nil {
		t.Fatal(err)
	}
	failed := f.wait(t, c2.ID, func(c model.Conversation) bool { return c.CRMLead != nil && c.CRMLead.Status == "failed" })
	if failed.CRMLead.Code != model.CodeCRMUnauthorized || failed.CRMLead.Error == "" || strings.Contains(failed.CRMLead.Error, hs.Token) {
		t.Fatalf("revoked: %+v", failed.CRMLead)
	}

	// A guest without email cannot become a lead.
	ga, _, _ := f.db.StartConversation(ctx, postgres.NewConversation{OrganizationID: f.org.ID, Channel: model.ChannelWidget, AccessToken: strings.Repeat("n", 24)})
	_, err = f.crm.RequestLead(ctx, f.org.ID, ga.Conversation.ID)
	if e, ok := model.AsError(err); !ok || e.Code != model.CodeGuestWithoutEmail {
		t.Fatalf("no email: %v", err)
	}
}

func TestSalesforceLeadSurvivesRateLimit(t *testing.T) {
	sf := crmtest.NewSalesforce(t)
	f := setup(t, "")
	ctx := context.Background()
	if _, err := f.crm.Configure(ctx, f.org.ID, model.CRMInput{Provider: "salesforce",
		SalesforceInstanceURL: sf.URL(), SalesforceClientID: sf.ClientID, SalesforceClientSecret: sf.ClientSecret}); err != nil {
		t.Fatal(err)
	}
	// Bad settings are refused field by field.
	_, err := f.crm.Configure(ctx, f.org.ID, model.CRMInput{Provider: "salesforce", SalesforceInstanceURL: "http://evil.example"})
	if e, ok := model.AsError(err); !ok || e.Fields["salesforce_instance_url"] == "" || e.Fields["salesforce_client_id"] == "" {
		t.Fatalf("bad settings: %v", err)
	}
	sf.Inject(crmtest.Fault{Method: "POST", Path: "/services/data/", Status: 429, RetryAfter: "1"})
	c := f.conversation(t, "gina@globex.test")
	if _, err := f.crm.RequestLead(ctx, f.org.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	done := f.wait(t, c.ID, func(c model.Conversation) bool { return c.CRMLead != nil && c.CRMLead.Status == "done" })
	leads := sf.Leads()
	if len(leads) != 1 || leads[0].Email != "gina@globex.test" || leads[0].LastName != "Guest" || !strings.Contains(leads[0].Description, "/c/") || done.CRMLead.RecordID != leads[0].ID {
		t.Fatalf("leads %+v, lead %+v", leads, done.CRMLead)
	}
}
