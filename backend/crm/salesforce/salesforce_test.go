package salesforce_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/crm"
	"github.com/frontdesk/frontdesk/backend/crm/crmtest"
	"github.com/frontdesk/frontdesk/backend/crm/salesforce"
)

// clock is a settable time source for token expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newClient(t *testing.T, fake *crmtest.Salesforce, edit ...func(*salesforce.Config)) *salesforce.Client {
	t.Helper()
	cfg := salesforce.Config{InstanceURL: fake.URL(), ClientID: fake.ClientID, ClientSecret: fake.ClientSecret, Timeout: 5 * time.Second}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := salesforce.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLookupCompany(t *testing.T) {
	fake := crmtest.NewSalesforce(t)
	notAcme := fake.AddAccount("Not Acme", "https://notacme.com") // LIKE '%acme.com%' finds it too
	acme := fake.AddAccount("Acme Corp", "https://www.acme.com/en")
	initech := fake.AddAccount("Initech", "initech.com")
	globex := fake.AddAccount("Globex", "globex.com")
	fake.AddAccount("Google", "gmail.com")
	fake.AddContact("Sean", "O'Brien", "o'brien@example.org", initech)
	fake.AddContact("A", "Under", "a_b@example.net", globex)
	fake.AddContact("A", "Other", "axb@example.net", acme)
	fake.AddContact("No", "Account", "solo@example.net", "")
	lead := fake.AddLead(crmtest.Lead{LastName: "Lee", Company: "Lee Consulting", Email: "lee@gmail.com"})
	fake.AddLead(crmtest.Lead{LastName: "X", Company: "Unknown", Email: "x@gmail.com"})
	fake.AddLead(crmtest.Lead{LastName: "Y", Company: "Converted Co", Email: "y@gmail.com", IsConverted: true})
	_ = notAcme

	base := fake.URL() + "/lightning/r/"
	tests := []struct {
		name  string
		email string
		want  *crm.Company
	}{
		{"contact's account, apostrophe in email", "o'brien@example.org",
			&crm.Company{Name: "Initech", Domain: "initech.com", RecordID: initech, RecordURL: base + "Account/" + initech + "/view"}},
		{"underscore is no wildcard in =", "a_b@example.net",
			&crm.Company{Name: "Globex", Domain: "globex.com", RecordID: globex, RecordURL: base + "Account/" + globex + "/view"}},
		{"lead's company", "lee@gmail.com",
			&crm.Company{Name: "Lee Consulting", RecordID: lead, RecordURL: base + "Lead/" + lead + "/view"}},
		{"placeholder company skipped", "x@gmail.com", nil},
		{"converted lead skipped", "y@gmail.com", nil},
		{"account by domain, not a lookalike", "zoe@acme.com",
			&crm.Company{Name: "Acme Corp", Domain: "acme.com", RecordID: acme, RecordURL: base + "Account/" + acme + "/view"}},
		{"contact without account falls back to domain", "solo@example.net", nil},
		{"free mail skipped", "someone@gmail.com", nil},
		{"unknown", "who@nowhere.example", nil},
		{"empty", "", nil},
	}
	c := newClient(t, fake)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.LookupCompany(context.Background(), tt.email)
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (tt.want == nil) || (got != nil && *got != *tt.want) {
				t.Fatalf("LookupCompany(%q) = %+v, want %+v", tt.email, got, tt.want)
			}
		})
	}
	for _, q := range fake.Queries() {
		if strings.Contains(q, "gmail") && strings.Contains(q, "FROM Account") {
			t.Errorf("free-mail domain searched among accounts: %s", q)
		}
	}
}

var lead = crm.Lead{
	Name:            "Anna Maria Rossi",
	Email:           "anna@acme.com",
	Phone:           "+39 06 1234567",
	ConversationURL: "https://frontdesk.example/app/conversations/42",
	Note:            "Wants a demo",
}

func TestCreateLeadNew(t *testing.T) {
	fake := crmtest.NewSalesforce(t)
	c := newClient(t, fake)
	rec, err := c.CreateLead(context.Background(), lead, "conv-42")
	if err != nil {
		t.Fatal(err)
	}
	leads := fake.Leads()
	if len(leads) != 1 {
		t.Fatalf("%d leads, want 1", len(leads))
	}
	got := leads[0]
	if got.FirstName != "Anna Maria" || got.LastName != "Rossi" || got.Company != "acme.com" ||
		got.Email != "anna@acme.com" || got.Phone != "+39 06 1234567" || got.LeadSource != "Web" {
		t.Errorf("lead = %+v", got)
	}
	for _, part := range []string{lead.ConversationURL, "Wants a demo", crm.KeyMarker("conv-42")} {
		if !strings.Contains(got.Description, part) {
			t.Errorf("description %q lacks %q", got.Description, part)
		}
	}
	want := crm.Record{ID: got.ID, URL: fake.URL() + "/lightning/r/Lead/" + got.ID + "/view", Created: true}
	if rec != want {
		t.Errorf("record = %+v, want %+v", rec, want)
	}
	if n := fake.Count(http.MethodPost, "/services/data/v60.0/sobjects/Lead"); n != 1 {
		t.Errorf("%d creates, want 1", n)
	}
}

func TestLeadDerivations(t *testing.T) {
	tests := []struct {
		lead              crm.Lead
		first, last, comp string
	}{
		{crm.Lead{Name: "Anna Rossi", Email: "a@acme.com", Company: "Acme GmbH"}, "Anna", "Rossi", "Acme GmbH"},
		{crm.Lead{Name: "Cher", Email: "c@acme.com"}, "", "Cher", "acme.com"},
		{crm.Lead{Email: "anon@gmail.com"}, "", salesforce.Unknown, salesforce.Unknown},
		{crm.Lead{Name: strings.Repeat("x", 50) + " Y", Email: "a@b.io"}, strings.Repeat("x", 40), "Y", "b.io"},
	}
	for _, tt := range tests {
		first, last := salesforce.LeadNames(tt.lead)
		comp := salesforce.LeadCompany(tt.lead)
		if first != tt.first || last != tt.last || comp != tt.comp {
			t.Errorf("%+v → %q %q %q, want %q %q %q", tt.lead, first, last, comp, tt.first, tt.last, tt.comp)
		}
	}
}

func TestCreateLeadUpdatesOpenLead(t *testing.T) {
	fake := crmtest.NewSalesforce(t)
	id := fake.AddLead(crmtest.Lead{FirstName: "Annie", LastName: "Rossi", Company: "Unknown", Email: "ANNA@acme.com", Description: "Met at the fair."})
	c := newClient(t, fake)
	rec, err := c.CreateLead(context.Background(), lead, "conv-43")
	if err != nil {
		t.Fatal(err)
	}
	if rec.ID != id || rec.Created {
		t.Errorf("record = %+v, want the existing lead %s", rec, id)
	}
	leads := fake.Leads()
	if len(leads) != 1 {
		t.Fatalf("%d leads, want 1", len(leads))
	}
	got := leads[0]
	if got.FirstName != "Annie" || got.Phone != lead.Phone || got.Company != "acme.com" {
		t.Errorf("lead = %+v; want first name kept, phone and placeholder company filled", got)
	}
	if !strings.HasPrefix(got.Description, "Met at the fair.\n\n") || !strings.Contains(got.Description, crm.KeyMarker("conv-43")) {
		t.Errorf("description = %q, want the old text then the conversation", got.Description)
	}
	if n := fake.Count(http.MethodPost, "/services/data/v60.0/sobjects/"); n != 0 {
		t.Errorf("%d creates, want 0", n)
	}
}

func TestCreateLeadNeverTouchesConvertedLead(t *testing.T) {
	fake := crmtest.NewSalesforce(t)
	old := fake.AddLead(crmtest.Lead{LastName: "Rossi", Company: "Acme", Email: "anna@acme.com", IsConverted: true})
	c := newClient(t, fake)
	rec, err := c.CreateLead(context.Background(), lead, "conv-44")
	if err != nil {
		t.Fatal(err)
	}
	if rec.ID == old || !rec.Created || len(fake.Leads()) != 2 {
		t.Errorf("record = %+v with %d leads; want a new lead beside the converted one", rec, len(fake.Leads()))
	}
}

func TestCreateLeadRetryIsIdempotent(t *testing.T) {
	fake := crmtest.NewSalesforce(t)
	c := newClient(t, fake)
	first, err := c.CreateLead(context.Background(), lead, "conv-45")
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.CreateLead(context.Background(), lead, "conv-45")
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || again.Created || again.URL != first.URL {
		t.Errorf("retry = %+v, want %+v not created", again, first)
	}
	if n := len(fake.Leads()); n != 1 {
		t.Errorf("%d leads after a retry, want 1", n)
	}
	if n := fake.Count(http.MethodPatch, ""); n != 0 {
		t.Errorf("%d updates on retry, want 0", n)
	}
}

func TestCreateLeadFailureLosesNothing(t *testing.T) {
	fake := crmtest.NewSalesforce(t)
	c := newClient(t, fake)
	fake.Inject(crmtest.Fault{Method: http.MethodPost, Path: "/services/data/v60.0/sobjects/Lead", Status: http.StatusServiceUnavailable})
	_, err := c.CreateLead(context.Background(), lead, "conv-46")
	if e, ok := crm.AsError(err); !ok || e.Kind != crm.Unavailable || !e.Temporary() {
		t.Fatalf("first attempt: %v, want temporary Unavailable", err)
	}
	if _, err := c.CreateLead(context.Background(), lead, "conv-46"); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Leads()); n != 1 {
		t.Errorf("%d leads, want exactly 1", n)
	}
}

func TestTokenCachedAndShared(t *testing.T) {
	fake := crmtest.NewSalesforce(t)
	c := newClient(t, fake)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := c.LookupCompany(context.Background(), "who@nowhere.example"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := fake.TokenRequests(); n != 1 {
		t.Errorf("%d tokens fetched for 8 concurrent lookups, want 1", n)
	}
}

func TestTokenRefreshedOnExpiry(t *testing.T) {
	fake := crmtest.NewSalesforce(t)
	clk := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	c := newClient(t, fake, func(cfg *salesforce.Config) { cfg.Now = clk.Now; cfg.TokenTTL = 30 * time.Minute })
	ctx := context.Background()
	if _, err := c.LookupCompany(ctx, "a@acme.com"); err != nil {
		t.Fatal(err)
	}
	clk.Advance(29 * time.Minute)
	if _, err := c.LookupCompany(ctx, "a@acme.com"); err != nil {
		t.Fatal(err)
	}
	if n := fake.TokenRequests(); n != 1 {
		t.Fatalf("%d tokens before the TTL, want 1", n)
	}
	clk.Advance(2 * time.Minute)
	if _, err := c.LookupCompany(ctx, "a@acme.com"); err != nil {
		t.Fatal(err)
	}
	if n := fake.TokenRequests(); n != 2 {
		t.Errorf("%d tokens after the TTL, want 2", n)
	}
	for _, r := range fake.Requests() {
		if r.Status == http.StatusUnauthorized {
			t.Errorf("%s %s got 401; the token should have been renewed before", r.Method, r.Path)
		}
	}
}

func TestTokenRefreshedOnInvalidSession(t *testing.T) {
	fake := crmtest.NewSalesforce(t)
	c := newClient(t, fake)
	ctx := context.Background()
	if _, err := c.LookupCompany(ctx, "a@acme.com"); err != nil {
		t.Fatal(err)
	}
	fake.ExpireSessions()
	if _, err := c.CreateLead(ctx, lead, "conv-47"); err != nil {
		t.Fatalf("CreateLead after the session expired: %v", err)
	}
	if n := fake.TokenRequests(); n != 2 {
		t.Errorf("%d tokens, want 2", n)
	}
	if n := len(fake.Leads()); n != 1 {
		t.Errorf("%d leads, want 1", n)
	}
}

func TestTokenRefreshedOnlyOnce(t *testing.T) {
	fake := crmtest.NewSalesforce(t)
	c := newClient(t, fake)
	fake.Inject(crmtest.Fault{Path: "/services/data/", Status: http.StatusUnauthorized, Times: 5})
	_, err := c.LookupCompany(context.Background(), "a@acme.com")
	if e, ok := crm.AsError(err); !ok || e.Kind != crm.Unauthorized || e.Temporary() {
		t.Fatalf("LookupCompany = %v, want Unauthorized", err)
	}
	if n, r := fake.TokenRequests(), fake.Count("", "/services/data/"); n != 2 || r != 2 {
		t.Errorf("%d tokens and %d API requests, want 2 and 2 (one renewal)", n, r)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(*crmtest.Salesforce, *salesforce.Config)
		kind       crm.Kind
		temporary  bool
		retryAfter time.Duration
		field      string
		message    string
	}{
		{
			name:  "wrong secret",
			setup: func(f *crmtest.Salesforce, c *salesforce.Config) { c.ClientSecret = "WRONG-" + f.ClientSecret },
			kind:  crm.Unauthorized, message: "consumer key or secret",
		},
		{
			name: "flow not enabled",
			setup: func(f *crmtest.Salesforce, _ *salesforce.Config) {
				f.Inject(crmtest.Fault{Path: "/services/oauth2/token", Status: 400, Body: `{"error":"invalid_grant","error_description":"no client credentials user enabled"}`})
			},
			kind: crm.Unauthorized, message: "no client credentials user enabled",
		},
		{
			name: "login domain instead of My Domain",
			setup: func(f *crmtest.Salesforce, _ *salesforce.Config) {
				f.Inject(crmtest.Fault{Path: "/services/oauth2/token", Status: 400, Body: `{"error":"invalid_request","error_description":"request not supported on this domain"}`})
			},
			kind: crm.NotConfigured, message: "My Domain",
		},
		{
			name: "daily request limit",
			setup: func(f *crmtest.Salesforce, _ *salesforce.Config) {
				f.Inject(crmtest.Fault{Path: "/services/data/", Status: 403})
			},
			kind: crm.RateLimited, temporary: true,
		},
		{
			name: "too many requests with Retry-After",
			setup: func(f *crmtest.Salesforce, _ *salesforce.Config) {
				f.Inject(crmtest.Fault{Path: "/services/data/", Status: 429, RetryAfter: "30"})
			},
			kind: crm.RateLimited, temporary: true, retryAfter: 30 * time.Second,
		},
		{
			name: "no permission",
			setup: func(f *crmtest.Salesforce, _ *salesforce.Config) {
				f.Inject(crmtest.Fault{Path: "/services/data/", Status: 403, Body: `[{"message":"insufficient access rights on object id","errorCode":"INSUFFICIENT_ACCESS_OR_READONLY"}]`})
			},
			kind: crm.Unauthorized, message: "insufficient access rights",
		},
		{
			name: "required field missing",
			setup: func(f *crmtest.Salesforce, _ *salesforce.Config) {
				f.Inject(crmtest.Fault{Method: http.MethodPost, Path: "/services/data/", Status: 400,
					Body: `[{"message":"Required fields are missing: [Company]","errorCode":"REQUIRED_FIELD_MISSING","fields":["Company"]}]`})
			},
			kind: crm.Validation, field: crm.FieldCompany, message: "Required fields are missing: [Company]",
		},
		{
			name: "validation rule",
			setup: func(f *crmtest.Salesforce, _ *salesforce.Config) {
				f.Inject(crmtest.Fault{Method: http.MethodPost, Path: "/services/data/", Status: 400})
			},
			kind: crm.Validation, field: crm.FieldPhone, message: "country code",
		},
		{
			name: "server error",
			setup: func(f *crmtest.Salesforce, _ *salesforce.Config) {
				f.Inject(crmtest.Fault{Path: "/services/data/", Status: 500})
			},
			kind: crm.Unavailable, temporary: true,
		},
		{
			name: "sign-in down",
			setup: func(f *crmtest.Salesforce, _ *salesforce.Config) {
				f.Inject(crmtest.Fault{Path: "/services/oauth2/", Status: 503})
			},
			kind: crm.Unavailable, temporary: true,
		},
		{
			name:  "unknown API version",
			setup: func(_ *crmtest.Salesforce, c *salesforce.Config) { c.APIVersion = "v59.0" },
			kind:  crm.NotConfigured, message: "v59.0",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := crmtest.NewSalesforce(t)
			cfg := salesforce.Config{InstanceURL: fake.URL(), ClientID: fake.ClientID, ClientSecret: fake.ClientSecret, Timeout: 5 * time.Second}
			tt.setup(fake, &cfg)
			c, err := salesforce.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.CreateLead(context.Background(), lead, "k")
			e, ok := crm.AsError(err)
			if !ok {
				t.Fatalf("CreateLead error = %v, want a *crm.Error", err)
			}
			if e.Kind != tt.kind || e.Temporary() != tt.temporary || e.RetryAfter != tt.retryAfter || e.Field != tt.field {
				t.Errorf("error = kind %s temporary %v retryAfter %v field %q; want %s %v %v %q (%v)",
					e.Kind, e.Temporary(), e.RetryAfter, e.Field, tt.kind, tt.temporary, tt.retryAfter, tt.field, err)
			}
			if !strings.Contains(e.Message, tt.message) {
				t.Errorf("message %q lacks %q", e.Message, tt.message)
			}
			for _, secret := range []string{fake.ClientSecret, cfg.ClientSecret} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q contains the client secret", err)
				}
			}
			if n := len(fake.Leads()); n != 0 {
				t.Errorf("%d leads written by a failed call", n)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	fake := crmtest.NewSalesforce(t)
	if err := newClient(t, fake).Check(context.Background()); err != nil {
		t.Fatalf("Check: %v", err)
	}
	bad := newClient(t, fake, func(c *salesforce.Config) { c.ClientID = "someone-else" })
	if e, ok := crm.AsError(bad.Check(context.Background())); !ok || e.Kind != crm.Unauthorized {
		t.Fatalf("Check with a wrong key: %v, want Unauthorized", e)
	}
}

func TestNewRequiresConfig(t *testing.T) {
	for _, cfg := range []salesforce.Config{
		{},
		{InstanceURL: "https://acme.my.salesforce.com"},
		{InstanceURL: "http://acme.my.salesforce.com", ClientID: "id", ClientSecret: "secret"},
		{InstanceURL: "https://acme.my.salesforce.com", ClientID: "id", ClientSecret: "secret", APIVersion: "60"},
	} {
		_, err := salesforce.New(cfg)
		if e, ok := crm.AsError(err); !ok || e.Kind != crm.NotConfigured {
			t.Errorf("New(%+v) = %v, want NotConfigured", cfg, err)
		}
		if err != nil && cfg.ClientSecret != "" && strings.Contains(err.Error(), cfg.ClientSecret) {
			t.Errorf("error %q contains the secret", err)
		}
	}
}
