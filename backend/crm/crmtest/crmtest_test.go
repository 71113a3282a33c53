package crmtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/backend/crm/crmtest"
)

// do sends a raw request and decodes the JSON answer into out.
func do(t *testing.T, method, u, auth, contentType, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: answer %q: %v", method, u, b, err)
		}
	}
	return resp.StatusCode
}

type hsError struct {
	Status   string `json:"status"`
	Message  string `json:"message"`
	Category string `json:"category"`
}

func TestHubSpotIsStrict(t *testing.T) {
	h := crmtest.NewHubSpot(t)
	bearer := "Bearer " + h.Token
	existing := h.AddContact(map[string]string{"email": "anna@acme.com"})
	contacts := h.URL() + "/crm/v3/objects/contacts"
	tests := []struct {
		name, method, url, auth, ctype, body string
		status                               int
		category, message                    string
	}{
		{"no token", "GET", contacts, "", "", "", 401, "INVALID_AUTHENTICATION", "credentials not found"},
		{"wrong token", "GET", contacts, "Bearer pat-other", "", "", 401, "INVALID_AUTHENTICATION", ""},
		{"not JSON", "POST", contacts, bearer, "text/plain", `{"properties":{}}`, 415, "VALIDATION_ERROR", "Unsupported Media Type"},
		{"unknown top-level field", "POST", contacts, bearer, "application/json", `{"props":{}}`, 400, "VALIDATION_ERROR", "Invalid input JSON"},
		{"unknown property", "POST", contacts, bearer, "application/json", `{"properties":{"shoe_size":"44"}}`, 400, "VALIDATION_ERROR", "PROPERTY_DOESNT_EXIST"},
		{"read-only property", "POST", contacts, bearer, "application/json", `{"properties":{"createdate":"x"}}`, 400, "VALIDATION_ERROR", "READ_ONLY_VALUE"},
		{"bad email", "POST", contacts, bearer, "application/json", `{"properties":{"email":"not-an-email"}}`, 400, "VALIDATION_ERROR", "INVALID_EMAIL"},
		{"bad lifecycle stage", "POST", contacts, bearer, "application/json", `{"properties":{"lifecyclestage":"hot"}}`, 400, "VALIDATION_ERROR", "INVALID_OPTION"},
		{"duplicate email", "POST", contacts, bearer, "application/json", `{"properties":{"email":"ANNA@acme.com"}}`, 409, "CONFLICT", "Contact already exists. Existing ID: " + existing},
		{"note without timestamp", "POST", h.URL() + "/crm/v3/objects/notes", bearer, "application/json", `{"properties":{"hs_note_body":"x"}}`, 400, "VALIDATION_ERROR", "hs_timestamp"},
		{"note with wrong association type", "POST", h.URL() + "/crm/v3/objects/notes", bearer, "application/json",
			`{"properties":{"hs_note_body":"x","hs_timestamp":"2026-01-01T00:00:00Z"},"associations":[{"to":{"id":"` + existing + `"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":279}]}]}`,
			400, "VALIDATION_ERROR", "association type"},
		{"note for a missing contact", "POST", h.URL() + "/crm/v3/objects/notes", bearer, "application/json",
			`{"properties":{"hs_note_body":"x","hs_timestamp":"2026-01-01T00:00:00Z"},"associations":[{"to":{"id":"999999"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":202}]}]}`,
			400, "VALIDATION_ERROR", "associations are invalid"},
		{"search with unknown operator", "POST", contacts + "/search", bearer, "application/json",
			`{"filterGroups":[{"filters":[{"propertyName":"email","operator":"LIKE","value":"a"}]}]}`, 400, "VALIDATION_ERROR", "operator"},
		{"search limit too high", "POST", contacts + "/search", bearer, "application/json", `{"limit":500}`, 400, "VALIDATION_ERROR", "limit"},
		{"unknown object", "GET", h.URL() + "/crm/v3/objects/widgets/1", bearer, "", "", 404, "OBJECT_NOT_FOUND", ""},
		{"missing record", "GET", contacts + "/424242", bearer, "", "", 404, "OBJECT_NOT_FOUND", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e hsError
			status := do(t, tt.method, tt.url, tt.auth, tt.ctype, tt.body, &e)
			if status != tt.status || e.Category != tt.category || !strings.Contains(e.Message, tt.message) {
				t.Errorf("= %d %+v, want %d %s %q", status, e, tt.status, tt.category, tt.message)
			}
			if status >= 400 && tt.category != "" && e.Status != "error" {
				t.Errorf("error body lacks status \"error\": %+v", e)
			}
		})
	}
	if n := len(h.Contacts()); n != 1 {
		t.Errorf("%d contacts after refused writes, want 1", n)
	}
	if n := len(h.Notes()); n != 0 {
		t.Errorf("%d notes after refused writes, want 0", n)
	}
}

func TestHubSpotFaultsAndSearchLag(t *testing.T) {
	h := crmtest.NewHubSpot(t)
	bearer := "Bearer " + h.Token
	search := h.URL() + "/crm/v3/objects/contacts/search"
	body := `{"filterGroups":[{"filters":[{"propertyName":"email","operator":"EQ","value":"new@acme.com"}]}]}`

	h.Inject(crmtest.Fault{Path: "/crm/v3/objects/contacts/search", Status: 429, RetryAfter: "3", Times: 2})
	for range 2 {
		if s := do(t, "POST", search, bearer, "application/json", body, nil); s != 429 {
			t.Fatalf("status %d, want the injected 429", s)
		}
	}
	var res struct {
		Total int `json:"total"`
	}
	if s := do(t, "POST", search, bearer, "application/json", body, &res); s != 200 || res.Total != 0 {
		t.Fatalf("after the faults: %d total %d", s, res.Total)
	}

	h.SetSearchLag(true)
	if s := do(t, "POST", h.URL()+"/crm/v3/objects/contacts", bearer, "application/json", `{"properties":{"email":"new@acme.com"}}`, nil); s != 201 {
		t.Fatalf("create: %d", s)
	}
	do(t, "POST", search, bearer, "application/json", body, &res)
	if res.Total != 0 {
		t.Errorf("a lagging search found the new contact")
	}
	h.Index()
	do(t, "POST", search, bearer, "application/json", body, &res)
	if res.Total != 1 {
		t.Errorf("search after Index found %d, want 1", res.Total)
	}
}

type sfError struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields"`
}

func TestSalesforceIsStrict(t *testing.T) {
	s := crmtest.NewSalesforce(t)
	var tok struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {s.ClientID}, "client_secret": {"nope"}}
	if st := do(t, "POST", s.URL()+"/services/oauth2/token", "", "application/x-www-form-urlencoded", form.Encode(), &tok); st != 400 || tok.Error != "invalid_client" {
		t.Fatalf("wrong secret: %d %+v", st, tok)
	}
	form.Set("grant_type", "password")
	if do(t, "POST", s.URL()+"/services/oauth2/token", "", "application/x-www-form-urlencoded", form.Encode(), &tok); tok.Error != "unsupported_grant_type" {
		t.Fatalf("password grant: %+v", tok)
	}
	form = url.Values{"grant_type": {"client_credentials"}, "client_id": {s.ClientID}, "client_secret": {s.ClientSecret}}
	if st := do(t, "POST", s.URL()+"/services/oauth2/token", "", "application/x-www-form-urlencoded", form.Encode(), &tok); st != 200 || tok.AccessToken == "" {
		t.Fatalf("token: %d %+v", st, tok)
	}
	bearer := "Bearer " + tok.AccessToken
	api := s.URL() + "/services/data/v60.0"
	query := func(q string) string { return api + "/query?q=" + url.QueryEscape(q) }

	tests := []struct {
		name, method, url, auth, ctype, body string
		status                               int
		code                                 string
		fields                               []string
	}{
		{"no token", "GET", query("SELECT Id FROM Lead"), "", "", "", 401, "INVALID_SESSION_ID", nil},
		{"other version", "GET", s.URL() + "/services/data/v59.0/query?q=x", bearer, "", "", 404, "NOT_FOUND", nil},
		{"Description is not filterable", "GET", query("SELECT Id FROM Lead WHERE Description LIKE '%key%'"), bearer, "", "", 400, "INVALID_FIELD", nil},
		{"unknown column", "GET", query("SELECT Shoe FROM Lead"), bearer, "", "", 400, "INVALID_FIELD", nil},
		{"unknown relationship", "GET", query("SELECT Owner.Name FROM Lead"), bearer, "", "", 400, "INVALID_FIELD", nil},
		{"quoted boolean", "GET", query("SELECT Id FROM Lead WHERE IsConverted = 'false'"), bearer, "", "", 400, "MALFORMED_QUERY", nil},
		{"required fields", "POST", api + "/sobjects/Lead", bearer, "application/json", `{"Email":"a@b.com"}`, 400, "REQUIRED_FIELD_MISSING", []string{"Company", "LastName"}},
		{"unknown field", "POST", api + "/sobjects/Lead", bearer, "application/json", `{"LastName":"X","Company":"Y","Shoe":"44"}`, 400, "INVALID_FIELD", nil},
		{"read-only field", "POST", api + "/sobjects/Lead", bearer, "application/json", `{"LastName":"X","Company":"Y","IsConverted":true}`, 400, "INVALID_FIELD_FOR_INSERT_UPDATE", []string{"IsConverted"}},
		{"bad email", "POST", api + "/sobjects/Lead", bearer, "application/json", `{"LastName":"X","Company":"Y","Email":"nope"}`, 400, "INVALID_EMAIL_ADDRESS", []string{"Email"}},
		{"too long", "POST", api + "/sobjects/Lead", bearer, "application/json", `{"LastName":"` + strings.Repeat("x", 81) + `","Company":"Y"}`, 400, "STRING_TOO_LONG", []string{"LastName"}},
		{"not JSON", "POST", api + "/sobjects/Lead", bearer, "text/plain", `{}`, 415, "UNSUPPORTED_MEDIA_TYPE", nil},
		{"missing record", "PATCH", api + "/sobjects/Lead/00Q000000000000AAA", bearer, "application/json", `{"Phone":"1"}`, 404, "NOT_FOUND", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errs []sfError
			st := do(t, tt.method, tt.url, tt.auth, tt.ctype, tt.body, &errs)
			if st != tt.status || len(errs) != 1 || errs[0].ErrorCode != tt.code || strings.Join(errs[0].Fields, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("= %d %+v, want %d %s %v", st, errs, tt.status, tt.code, tt.fields)
			}
		})
	}
	if n := len(s.Leads()); n != 0 {
		t.Errorf("%d leads after refused writes, want 0", n)
	}

	converted := s.AddLead(crmtest.Lead{LastName: "X", Company: "Y", IsConverted: true})
	var errs []sfError
	if st := do(t, "PATCH", api+"/sobjects/Lead/"+converted, bearer, "application/json", `{"Phone":"1"}`, &errs); st != 400 || errs[0].ErrorCode != "CANNOT_UPDATE_CONVERTED_LEAD" {
		t.Errorf("update of a converted lead: %d %+v", st, errs)
	}

	s.ExpireSessions()
	if st := do(t, "GET", query("SELECT Id FROM Lead"), bearer, "", "", &errs); st != 401 || errs[0].ErrorCode != "INVALID_SESSION_ID" {
		t.Errorf("expired session: %d %+v", st, errs)
	}
}

func TestSalesforceQueryShape(t *testing.T) {
	s := crmtest.NewSalesforce(t)
	acme := s.AddAccount("Acme", "acme.com")
	s.AddContact("Anna", "Rossi", "anna@acme.com", acme)
	s.AddContact("Ben", "Alone", "ben@acme.com", "")
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {s.ClientID}, "client_secret": {s.ClientSecret}}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	do(t, "POST", s.URL()+"/services/oauth2/token", "", "application/x-www-form-urlencoded", form.Encode(), &tok)

	var res struct {
		TotalSize int              `json:"totalSize"`
		Done      bool             `json:"done"`
		Records   []map[string]any `json:"records"`
	}
	q := "SELECT Id, Name, Account.Name FROM Contact WHERE Email LIKE '%@acme.com' ORDER BY LastName ASC"
	st := do(t, "GET", s.URL()+"/services/data/v60.0/query?q="+url.QueryEscape(q), "Bearer "+tok.AccessToken, "", "", &res)
	if st != 200 || res.TotalSize != 2 || !res.Done {
		t.Fatalf("= %d %+v", st, res)
	}
	// Ordered by LastName: Alone, then Rossi; an empty relationship is null.
	if res.Records[0]["Name"] != "Ben Alone" || res.Records[0]["Account"] != nil {
		t.Errorf("first record = %v", res.Records[0])
	}
	acct, _ := res.Records[1]["Account"].(map[string]any)
	attrs, _ := acct["attributes"].(map[string]any)
	if acct["Name"] != "Acme" || attrs["type"] != "Account" {
		t.Errorf("second record's Account = %v", res.Records[1]["Account"])
	}
}
