package crm_test

import (
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/crm"
)

func TestLeadValidate(t *testing.T) {
	ok := crm.Lead{Name: "Anna Rossi", Email: "anna@acme.com", ConversationURL: "https://fd.example/c/42"}
	tests := []struct {
		name  string
		edit  func(*crm.Lead)
		field string // "" means valid
	}{
		{"valid", func(*crm.Lead) {}, ""},
		{"no link is fine", func(l *crm.Lead) { l.ConversationURL = "" }, ""},
		{"apostrophe in address", func(l *crm.Lead) { l.Email = "o'brien@acme.com" }, ""},
		{"no email", func(l *crm.Lead) { l.Email = " " }, crm.FieldEmail},
		{"display name", func(l *crm.Lead) { l.Email = "Anna <anna@acme.com>" }, crm.FieldEmail},
		{"no domain", func(l *crm.Lead) { l.Email = "anna@localhost" }, crm.FieldEmail},
		{"javascript link", func(l *crm.Lead) { l.ConversationURL = "javascript:alert(1)" }, crm.FieldConversationURL},
		{"relative link", func(l *crm.Lead) { l.ConversationURL = "/c/42" }, crm.FieldConversationURL},
		{"long phone", func(l *crm.Lead) { l.Phone = fmt.Sprintf("%041d", 1) }, crm.FieldPhone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := ok
			tt.edit(&l)
			err := l.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			e, isCRM := crm.AsError(err)
			if !isCRM || e.Kind != crm.Validation || e.Field != tt.field {
				t.Fatalf("Validate() = %#v, want validation error on %q", err, tt.field)
			}
		})
	}
}

func TestValidateKey(t *testing.T) {
	for key, valid := range map[string]bool{
		"conv-42:lead-1": true, "a": true, "": false, "with space": false,
		"quote'": false, "percent%": false, "]": false,
	} {
		if got := crm.ValidateKey(key) == nil; got != valid {
			t.Errorf("ValidateKey(%q) valid = %v, want %v", key, got, valid)
		}
	}
}

func TestCompanyDomain(t *testing.T) {
	tests := map[string]string{
		"anna@Acme.COM":           "acme.com",
		"a@sub.acme.co.uk":        "sub.acme.co.uk",
		"anna@gmail.com":          "",
		"anna@web.de":             "",
		"anna@GMX.DE":             "",
		"no-at-sign":              "",
		"a@acme.com'--":           "",
		"a@ac%me.com":             "",
		"a@ac_me.com":             "",
		"a@-acme.com":             "",
		"anna@outlook.com":        "",
		"x@frontdesk-app.io":      "frontdesk-app.io",
		"x@xn--mnchen-3ya.de":     "xn--mnchen-3ya.de",
		"x@acme.com@evil.com":     "evil.com",
		"x@acme.com.":             "",
		"x@very.deep.acme.com":    "very.deep.acme.com",
		"x@acme.c0m":              "acme.c0m",
		"x@127.0.0.1":             "",
		"x@[127.0.0.1]":           "",
		"x@acme..com":             "",
		"x@acme.com\n":            "",
		"x@acme.com foo":          "",
		"x@ACME.com":              "acme.com",
		"x@a.b":                   "a.b",
		"x@localhost":             "",
		"x@yahoo.co.uk":           "",
		"x@acme.yahoo.com":        "acme.yahoo.com",
		"x@icloud.com":            "",
		"x@t-online.de":           "",
		"x@example.com":           "example.com",
		"x@acme.com\x00":          "",
		"x@a-.com":                "",
		"x@" + string(rune(0xe9)): "",
	}
	for email, want := range tests {
		if got := crm.CompanyDomain(email); got != want {
			t.Errorf("CompanyDomain(%q) = %q, want %q", email, got, want)
		}
	}
}

func TestSplitName(t *testing.T) {
	tests := []struct{ in, first, last string }{
		{"Anna Rossi", "Anna", "Rossi"},
		{"  Anna   Maria  Rossi ", "Anna Maria", "Rossi"},
		{"Cher", "", "Cher"},
		{"", "", ""},
	}
	for _, tt := range tests {
		first, last := crm.SplitName(tt.in)
		if first != tt.first || last != tt.last {
			t.Errorf("SplitName(%q) = %q, %q; want %q, %q", tt.in, first, last, tt.first, tt.last)
		}
	}
}

func TestErrorTemporary(t *testing.T) {
	netErr := &net.OpError{Op: "dial", Err: errors.New("connection refused")}
	tests := []struct {
		err  error
		want bool
	}{
		{&crm.Error{Kind: crm.RateLimited, RetryAfter: time.Second}, true},
		{&crm.Error{Kind: crm.Unavailable, Err: netErr}, true},
		{fmt.Errorf("create lead: %w", &crm.Error{Kind: crm.Unavailable}), true},
		{&crm.Error{Kind: crm.Unauthorized}, false},
		{&crm.Error{Kind: crm.Validation, Field: crm.FieldEmail}, false},
		{&crm.Error{Kind: crm.NotConfigured}, false},
		{errors.New("plain"), false},
	}
	for _, tt := range tests {
		if got := crm.IsTemporary(tt.err); got != tt.want {
			t.Errorf("IsTemporary(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
	wrapped := &crm.Error{Provider: "hubspot", Kind: crm.Unavailable, Message: "HubSpot could not be reached.", Err: netErr}
	if !errors.Is(wrapped, netErr) {
		t.Error("Error does not unwrap to its cause")
	}
	if got, want := wrapped.Error(), "hubspot: unavailable: HubSpot could not be reached.: dial: connection refused"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
