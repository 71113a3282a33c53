package hubspot_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/crm"
	"github.com/frontdesk/frontdesk/backend/crm/crmtest"
	"github.com/frontdesk/frontdesk/backend/crm/hubspot"
)

func newClient(t *testing.T, fake *crmtest.HubSpot) *hubspot.Client {
	t.Helper()
	c, err := hubspot.New(hubspot.Config{AccessToken: fake.Token, BaseURL: fake.URL(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func companyURL(id string) string {
	return "https://app-eu1.hubspot.com/contacts/26354812/company/" + id
}

func TestLookupCompany(t *testing.T) {
	fake := crmtest.NewHubSpot(t)
	acme := fake.AddCompany("Acme GmbH", "acme.com")
	globex := fake.AddCompany("Globex", "globex.com")
	initech := fake.AddCompany("Initech", "initech.com")
	fake.AddCompany("Google", "gmail.com") // must never match a gmail guest

	fake.AddContact(map[string]string{"email": "anna@globex.com"}, acme) // contact's company beats the domain
	two := fake.AddContact(map[string]string{"email": "ben@example.org"})
	fake.AssociateCompany(two, globex, false)
	fake.AssociateCompany(two, initech, true) // primary, though listed second
	fake.AddContact(map[string]string{"email": "carla@gmail.com", "company": "Carla's Bakery"})
	fake.AddContact(map[string]string{"email": "dan@gmail.com"})

	tests := []struct {
		name  string
		email string
		want  *crm.Company
	}{
		{"contact's company", "anna@globex.com", &crm.Company{Name: "Acme GmbH", Domain: "acme.com", RecordID: acme, RecordURL: companyURL(acme)}},
		{"email case ignored", "Anna@Globex.COM", &crm.Company{Name: "Acme GmbH", Domain: "acme.com", RecordID: acme, RecordURL: companyURL(acme)}},
		{"primary company first", "ben@example.org", &crm.Company{Name: "Initech", Domain: "initech.com", RecordID: initech, RecordURL: companyURL(initech)}},
		{"by domain", "eve@initech.com", &crm.Company{Name: "Initech", Domain: "initech.com", RecordID: initech, RecordURL: companyURL(initech)}},
		{"contact's company property", "carla@gmail.com", &crm.Company{Name: "Carla's Bakery"}},
		{"free mail skipped", "dan@gmail.com", nil},
		{"unknown", "zoe@unknown.example", nil},
		{"empty", "", nil},
	}
	c := newClient(t, fake)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.LookupCompany(context.Background(), tt.email)
			if err != nil {
				t.Fatal(err)
			}
			if tt.name == "contact's company property" && got != nil {
				if !strings.HasPrefix(got.RecordURL, "https://app-eu1.hubspot.com/contacts/26354812/contact/") {
					t.Errorf("RecordURL = %q, want the contact's page", got.RecordURL)
				}
				got.RecordURL = ""
			}
			if (got == nil) != (tt.want == nil) || (got != nil && *got != *tt.want) {
				t.Fatalf("LookupCompany(%q) = %+v, want %+v", tt.email, got, tt.want)
			}
		})
	}
}

func TestLookupCompanySkipsFreeMailDomainSearch(t *testing.T) {
	fake := crmtest.NewHubSpot(t)
	fake.AddCompany("Google", "gmail.com")
	c := newClient(t, fake)
	got, err := c.LookupCompany(context.Background(), "someone@gmail.com")
	if err != nil || got != nil {
		t.Fatalf("LookupCompany = %+v, %v; want nil, nil", got, err)
	}
	if n := fake.Count(http.MethodPost, "/crm/v3/objects/companies/search"); n != 0 {
		t.Errorf("%d company searches for a free-mail domain, want 0", n)
	}
}

func TestLookupCompanyWithoutPortal(t *testing.T) {
	fake := crmtest.NewHubSpot(t)
	acme := fake.AddCompany("Acme", "acme.com")
	fake.Inject(crmtest.Fault{Path: "/account-info/", Status: http.StatusForbidden, Times: 100})
	c := newClient(t, fake)
	got, err := c.LookupCompany(context.Background(), "x@acme.com")
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || got.RecordID != acme || got.RecordURL != "" {
		t.Fatalf("LookupCompany = %+v, want Acme without a link", got)
	}
	// The failed account lookup is remembered, not repeated per call.
	if _, err := c.LookupCompany(context.Background(), "y@acme.com"); err != nil {
		t.Fatal(err)
	}
	if n := fake.Count(http.MethodGet, "/account-info/"); n != 1 {
		t.Errorf("account-info asked %d times, want 1", n)
	}
}

var lead = crm.Lead{
	Name:            "Anna Maria Rossi",
	Email:           "Anna.Rossi@Acme.com",
	Phone:           "+49 30 1234567",
	Company:         "Acme GmbH",
	ConversationURL: "https://frontdesk.example/app/conversations/42",
	Note:            "Wants a demo <b>next week</b>",
}

func TestCreateLeadNewContact(t *testing.T) {
	fake := crmtest.NewHubSpot(t)
	c := newClient(t, fake)
	rec, err := c.CreateLead(context.Background(), lead, "conv-42-lead")
	if err != nil {
		t.Fatal(err)
	}
	contacts := fake.Contacts()
	if len(contacts) != 1 {
		t.Fatalf("%d contacts, want 1", len(contacts))
	}
	got := contacts[0]
	want := map[string]string{
		"email": "anna.rossi@acme.com", "firstname": "Anna Maria", "lastname": "Rossi",
		"phone": "+49 30 1234567", "company": "Acme GmbH", "lifecyclestage": "lead",
	}
	for k, v := range want {
		if got.Properties[k] != v {
			t.Errorf("contact %s = %q, want %q", k, got.Properties[k], v)
		}
	}
	wantRec := crm.Record{ID: got.ID, URL: "https://app-eu1.hubspot.com/contacts/26354812/contact/" + got.ID, Created: true}
	if rec != wantRec {
		t.Errorf("record = %+v, want %+v", rec, wantRec)
	}

	notes := fake.Notes()
	if len(notes) != 1 {
		t.Fatalf("%d notes, want 1", len(notes))
	}
	n := notes[0]
	if len(n.ContactIDs) != 1 || n.ContactIDs[0] != got.ID {
		t.Errorf("note associated with %v, want [%s]", n.ContactIDs, got.ID)
	}
	for _, part := range []string{
		`<a href="https://frontdesk.example/app/conversations/42">`,
		"Wants a demo &lt;b&gt;next week&lt;/b&gt;", // the agent's text is escaped
		crm.KeyMarker("conv-42-lead"),
	} {
		if !strings.Contains(n.Body, part) {
			t.Errorf("note body %q lacks %q", n.Body, part)
		}
	}
	if _, err := time.Parse(time.RFC3339, n.Timestamp); err != nil {
		t.Errorf("note hs_timestamp %q: %v", n.Timestamp, err)
	}
	if got := fake.Count(http.MethodPost, "/crm/v3/objects/contacts"); got != 2 { // search + create
		t.Errorf("%d POSTs under /contacts, want a search and one create", got)
	}
}

func TestCreateLeadExistingContactIsUpdatedNotDuplicated(t *testing.T) {
	fake := crmtest.NewHubSpot(t)
	id := fake.AddContact(map[string]string{
		"email": "anna.rossi@acme.com", "firstname": "Annie", "lifecyclestage": "customer",
	})
	c := newClient(t, fake)
	rec, err := c.CreateLead(context.Background(), lead, "k1")
	if err != nil {
		t.Fatal(err)
	}
	if rec.ID != id || rec.Created {
		t.Errorf("record = %+v, want existing contact %s, not created", rec, id)
	}
	if n := len(fake.Contacts()); n != 1 {
		t.Fatalf("%d contacts, want 1", n)
	}
	got, _ := fake.Contact(id)
	want := map[string]string{
		"firstname":      "Annie",    // curated value kept
		"lifecyclestage": "customer", // never moved back to lead
		"lastname":       "Rossi",    // blanks filled
		"phone":          "+49 30 1234567",
		"company":        "Acme GmbH",
	}
	for k, v := range want {
		if got.Properties[k] != v {
			t.Errorf("contact %s = %q, want %q", k, got.Properties[k], v)
		}
	}
	if n := fake.Count(http.MethodPost, "/crm/v3/objects/contacts"); n != 1 { // the search only
		t.Errorf("%d POSTs under /contacts, want only the search", n)
	}

	// A lead from another conversation adds a second note, not a contact.
	if _, err := c.CreateLead(context.Background(), lead, "k2"); err != nil {
		t.Fatal(err)
	}
	if n, c := len(fake.Notes()), len(fake.Contacts()); n != 2 || c != 1 {
		t.Errorf("%d notes and %d contacts, want 2 and 1", n, c)
	}
}

func TestCreateLeadRetryIsIdempotent(t *testing.T) {
	fake := crmtest.NewHubSpot(t)
	c := newClient(t, fake)
	first, err := c.CreateLead(context.Background(), lead, "conv-7")
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.CreateLead(context.Background(), lead, "conv-7")
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || again.Created {
		t.Errorf("retry = %+v, want %s, not created", again, first.ID)
	}
	if n := len(fake.Notes()); n != 1 {
		t.Errorf("%d notes after a retry, want 1", n)
	}
	if n := fake.Count(http.MethodPost, "/crm/v3/objects/notes"); n != 2 { // create, then a batch read on retry
		t.Errorf("%d POSTs under /notes, want one create and one batch read", n)
	}
}

// When search has not caught up with the first attempt, the retry's create
// meets HubSpot's 409 and must still neither duplicate the contact nor the
// note.
func TestCreateLeadRetryWhileSearchLags(t *testing.T) {
	fake := crmtest.NewHubSpot(t)
	fake.SetSearchLag(true)
	c := newClient(t, fake)
	first, err := c.CreateLead(context.Background(), lead, "conv-8")
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.CreateLead(context.Background(), lead, "conv-8")
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID {
		t.Errorf("retry filed %s, first attempt %s", again.ID, first.ID)
	}
	if n, c := len(fake.Notes()), len(fake.Contacts()); n != 1 || c != 1 {
		t.Errorf("%d notes and %d contacts, want 1 and 1", n, c)
	}
	conflicts := 0
	for _, r := range fake.Requests() {
		if r.Status == http.StatusConflict {
			conflicts++
		}
	}
	if conflicts != 1 {
		t.Errorf("%d 409 answers, want the one that revealed the contact", conflicts)
	}
}

func TestCreateLeadFailureLosesNothing(t *testing.T) {
	fake := crmtest.NewHubSpot(t)
	c := newClient(t, fake)
	fake.Inject(crmtest.Fault{Method: http.MethodPost, Path: "/crm/v3/objects/notes", Status: http.StatusInternalServerError})
	_, err := c.CreateLead(context.Background(), lead, "conv-9")
	if e, ok := crm.AsError(err); !ok || e.Kind != crm.Unavailable || !e.Temporary() {
		t.Fatalf("first attempt: %v, want a temporary Unavailable error", err)
	}
	rec, err := c.CreateLead(context.Background(), lead, "conv-9")
	if err != nil {
		t.Fatal(err)
	}
	if n, c := len(fake.Notes()), len(fake.Contacts()); n != 1 || c != 1 {
		t.Errorf("%d notes and %d contacts after retry, want 1 and 1", n, c)
	}
	if rec.Created {
		t.Error("retry reported the contact as created, but the first attempt created it")
	}
}

func TestCreateLeadRefusesBadInput(t *testing.T) {
	fake := crmtest.NewHubSpot(t)
	c := newClient(t, fake)
	bad := lead
	bad.Email = ""
	_, err := c.CreateLead(context.Background(), bad, "k")
	if e, ok := crm.AsError(err); !ok || e.Kind != crm.Validation || e.Field != crm.FieldEmail || e.Provider != "hubspot" {
		t.Errorf("no email: %v, want validation error on email", err)
	}
	_, err = c.CreateLead(context.Background(), lead, "bad key")
	if e, ok := crm.AsError(err); !ok || e.Kind != crm.Validation {
		t.Errorf("bad key: %v, want validation error", err)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d requests for refused input, want 0", n)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(*crmtest.HubSpot)
		kind       crm.Kind
		temporary  bool
		retryAfter time.Duration
		field      string
		message    string
	}{
		{
			name: "revoked token", setup: (*crmtest.HubSpot).RevokeToken,
			kind: crm.Unauthorized, message: "HubSpot refused the access token",
		},
		{
			name:  "missing scope",
			setup: func(f *crmtest.HubSpot) { f.Inject(crmtest.Fault{Status: 403}) },
			kind:  crm.Unauthorized, message: "crm.objects.contacts.write",
		},
		{
			name:  "rate limited with Retry-After",
			setup: func(f *crmtest.HubSpot) { f.Inject(crmtest.Fault{Status: 429, RetryAfter: "7"}) },
			kind:  crm.RateLimited, temporary: true, retryAfter: 7 * time.Second,
		},
		{
			name:  "rate limited by policy window",
			setup: func(f *crmtest.HubSpot) { f.Inject(crmtest.Fault{Status: 429}) },
			kind:  crm.RateLimited, temporary: true, retryAfter: 10 * time.Second,
		},
		{
			name: "daily limit",
			setup: func(f *crmtest.HubSpot) {
				f.Inject(crmtest.Fault{Status: 429, Body: `{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","policyName":"DAILY"}`})
			},
			kind: crm.RateLimited, temporary: true, retryAfter: time.Hour, message: "daily",
		},
		{
			name:  "validation error",
			setup: func(f *crmtest.HubSpot) { f.Inject(crmtest.Fault{Status: 400}) },
			kind:  crm.Validation, field: crm.FieldEmail, message: "Email address is invalid",
		},
		{
			name: "validation error in errors list",
			setup: func(f *crmtest.HubSpot) {
				f.Inject(crmtest.Fault{Status: 400, Body: `{"status":"error","message":"Invalid input","category":"VALIDATION_ERROR",` +
					`"errors":[{"message":"Phone number is not valid","code":"INVALID_PHONE","context":{"propertyName":["phone"]}}]}`})
			},
			kind: crm.Validation, field: crm.FieldPhone, message: "Phone number is not valid",
		},
		{
			name:  "server error",
			setup: func(f *crmtest.HubSpot) { f.Inject(crmtest.Fault{Status: 500}) },
			kind:  crm.Unavailable, temporary: true,
		},
		{
			name:  "bad gateway with an HTML page",
			setup: func(f *crmtest.HubSpot) { f.Inject(crmtest.Fault{Status: 502}) },
			kind:  crm.Unavailable, temporary: true, message: "HTTP 502",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := crmtest.NewHubSpot(t)
			c := newClient(t, fake)
			tt.setup(fake)
			_, err := c.CreateLead(context.Background(), lead, "k")
			e, ok := crm.AsError(err)
			if !ok {
				t.Fatalf("CreateLead error = %v, want a *crm.Error", err)
			}
			if e.Kind != tt.kind || e.Temporary() != tt.temporary || e.RetryAfter != tt.retryAfter || e.Field != tt.field {
				t.Errorf("error = kind %s temporary %v retryAfter %v field %q; want %s %v %v %q",
					e.Kind, e.Temporary(), e.RetryAfter, e.Field, tt.kind, tt.temporary, tt.retryAfter, tt.field)
			}
			if !strings.Contains(e.Message, tt.message) {
				t.Errorf("message %q lacks %q", e.Message, tt.message)
			}
			if e.Provider != "hubspot" {
				t.Errorf("provider = %q", e.Provider)
			}
			if strings.Contains(err.Error(), fake.Token) {
				t.Errorf("error %q contains the token", err)
			}
			if n := len(fake.Contacts()) + len(fake.Notes()); n != 0 {
				t.Errorf("%d records written by a failed call", n)
			}
		})
	}
}

func TestErrorsNeverEchoTheToken(t *testing.T) {
	fake := crmtest.NewHubSpot(t)
	c := newClient(t, fake)
	body, _ := json.Marshal(map[string]string{"status": "error", "category": "VALIDATION_ERROR",
		"message": "token " + fake.Token + " is not allowed here"})
	fake.Inject(crmtest.Fault{Status: 400, Body: string(body)})
	_, err := c.CreateLead(context.Background(), lead, "k")
	if err == nil || strings.Contains(err.Error(), fake.Token) {
		t.Fatalf("error %v echoes the token", err)
	}
}

func TestUnreachable(t *testing.T) {
	c, err := hubspot.New(hubspot.Config{AccessToken: "pat-x", BaseURL: "http://127.0.0.1:1", Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.LookupCompany(context.Background(), "a@acme.com")
	if e, ok := crm.AsError(err); !ok || e.Kind != crm.Unavailable || !e.Temporary() {
		t.Fatalf("unreachable HubSpot: %v, want temporary Unavailable", err)
	}
}

func TestCheck(t *testing.T) {
	fake := crmtest.NewHubSpot(t)
	c := newClient(t, fake)
	if err := c.Check(context.Background()); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if n := fake.Count(http.MethodGet, "/account-info/"); n != 1 {
		t.Errorf("account-info asked %d times, want 1", n)
	}
	fake.Inject(crmtest.Fault{Path: "/crm/v3/objects/companies", Status: http.StatusForbidden})
	if e, ok := crm.AsError(c.Check(context.Background())); !ok || e.Kind != crm.Unauthorized || !strings.Contains(e.Message, "scope") {
		t.Fatalf("Check without the companies scope: %v, want Unauthorized naming the scope", e)
	}
	fake.RevokeToken()
	err := c.Check(context.Background())
	if e, ok := crm.AsError(err); !ok || e.Kind != crm.Unauthorized {
		t.Fatalf("Check with revoked token: %v, want Unauthorized", err)
	}
}

func TestNewRequiresConfig(t *testing.T) {
	for _, cfg := range []hubspot.Config{
		{},
		{AccessToken: "  "},
		{AccessToken: "pat", BaseURL: "http://api.hubapi.com"}, // a token over plain http
	} {
		_, err := hubspot.New(cfg)
		if e, ok := crm.AsError(err); !ok || e.Kind != crm.NotConfigured {
			t.Errorf("New(%+v) = %v, want NotConfigured", cfg, err)
		}
	}
}

// A contact with many notes is read in batches of 100; the marker in a
// later batch is still found.
func TestCreateLeadFindsMarkerBeyondFirstBatch(t *testing.T) {
	fake := crmtest.NewHubSpot(t)
	id := fake.AddContact(map[string]string{"email": "anna.rossi@acme.com"})
	for i := range 150 {
		body := "call notes"
		if i == 130 {
			body = "<p>Reference " + crm.KeyMarker("conv-99") + "</p>"
		}
		fake.AddNote(body, id)
	}
	if _, err := newClient(t, fake).CreateLead(context.Background(), lead, "conv-99"); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Notes()); n != 150 {
		t.Errorf("%d notes, want the 150 seeded and no new one", n)
	}
	if n := fake.Count(http.MethodPost, "/crm/v3/objects/notes/batch/read"); n != 2 {
		t.Errorf("%d batch reads, want 2", n)
	}
}
