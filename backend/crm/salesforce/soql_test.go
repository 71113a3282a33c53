package salesforce

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/crm"
	"github.com/frontdesk/frontdesk/backend/crm/crmtest"
)

func TestSOQLEscaping(t *testing.T) {
	tests := []struct {
		in, str, like string
	}{
		{"plain", "plain", "plain"},
		{"O'Brien", `O\'Brien`, `O\'Brien`},
		{"o'brien@acme.com", `o\'brien@acme.com`, `o\'brien@acme.com`},
		{`back\slash`, `back\\slash`, `back\\slash`},
		{`\'`, `\\\'`, `\\\'`}, // a backslash cannot eat the quote's escape
		{"50% off", "50% off", `50\% off`},
		{"a_b", "a_b", `a\_b`},
		{`%\_`, `%\\_`, `\%\\\_`},
		{`say "hi"`, `say \"hi\"`, `say \"hi\"`},
		{"two\nlines\ttab", `two\nlines\ttab`, `two\nlines\ttab`},
		{"' OR Name != '", `\' OR Name != \'`, `\' OR Name != \'`},
	}
	for _, tt := range tests {
		if got := soqlString(tt.in); got != tt.str {
			t.Errorf("soqlString(%q) = %q, want %q", tt.in, got, tt.str)
		}
		if got := soqlLike(tt.in); got != tt.like {
			t.Errorf("soqlLike(%q) = %q, want %q", tt.in, got, tt.like)
		}
	}
}

// The escaped values go through the fake's SOQL parser, which applies
// Salesforce's literal rules, and must match exactly the record they name.
func TestSOQLEscapingAgainstParser(t *testing.T) {
	fake := crmtest.NewSalesforce(t)
	c := newTestClient(t, fake)
	names := []string{"O'Brien & Sons", "50% off_deal", "50X offYdeal", "back\\slash 'n' \"quotes\"", "say\nhi"}
	ids := map[string]string{}
	for _, n := range names {
		ids[n] = fake.AddAccount(n, "")
	}
	for _, n := range []string{"O'Brien & Sons", "50% off_deal", "back\\slash 'n' \"quotes\"", "say\nhi"} {
		for _, q := range []string{
			"SELECT Id FROM Account WHERE Name = '" + soqlString(n) + "'",
			"SELECT Id FROM Account WHERE Name LIKE '" + soqlLike(n) + "'",
		} {
			var res struct {
				Records []struct {
					ID string `json:"Id"`
				} `json:"records"`
			}
			if err := c.query(context.Background(), q, &res); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			if len(res.Records) != 1 || res.Records[0].ID != ids[n] {
				t.Errorf("%s matched %v, want only %s", q, res.Records, ids[n])
			}
		}
	}

	// Without escaping the same values break the query or match too much:
	// the fake would catch a client that forgot.
	var res struct {
		Records []struct{} `json:"records"`
	}
	err := c.query(context.Background(), "SELECT Id FROM Account WHERE Name = 'O'Brien & Sons'", &res)
	if e, ok := crm.AsError(err); !ok || e.Kind != crm.Validation || !strings.Contains(e.Message, "unexpected token") {
		t.Errorf("unescaped quote: %v, want a malformed query", err)
	}
	if err := c.query(context.Background(), "SELECT Id FROM Account WHERE Name LIKE '50% off_deal'", &res); err != nil || len(res.Records) != 2 {
		t.Errorf("unescaped wildcards matched %d accounts (%v), want the decoy too", len(res.Records), err)
	}
	err = c.query(context.Background(), `SELECT Id FROM Account WHERE Name = '50\% off'`, &res)
	if e, ok := crm.AsError(err); !ok || e.Kind != crm.Validation {
		t.Errorf(`\%% outside LIKE: %v, want a malformed query`, err)
	}
}

func newTestClient(t *testing.T, fake *crmtest.Salesforce) *Client {
	t.Helper()
	c, err := New(Config{InstanceURL: fake.URL(), ClientID: fake.ClientID, ClientSecret: fake.ClientSecret, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestWebsiteHost(t *testing.T) {
	for in, want := range map[string]string{
		"acme.com":                  "acme.com",
		"www.acme.com/":             "acme.com",
		"https://www.Acme.com/en":   "acme.com",
		"http://shop.acme.com:8080": "shop.acme.com",
		"":                          "",
	} {
		if got := websiteHost(in); got != want {
			t.Errorf("websiteHost(%q) = %q, want %q", in, got, want)
		}
	}
}
