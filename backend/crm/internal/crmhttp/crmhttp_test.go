package crmhttp

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/crm"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{"-3", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.value != "" {
			h.Set("Retry-After", tt.value)
		}
		if got := RetryAfter(h, now); got != tt.want {
			t.Errorf("RetryAfter(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}

func TestDoTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/x?email=anna@acme.com", nil)
	_, err := Do(context.Background(), NewClient(), 50*time.Millisecond, req)
	if err == nil {
		t.Fatal("Do returned no error for a server that never answers")
	}
	e := TransportError("hubspot", "HubSpot", err)
	if e.Kind != crm.Unavailable || !e.Temporary() || !errors.Is(e, context.DeadlineExceeded) {
		t.Fatalf("TransportError = %#v, want temporary Unavailable wrapping DeadlineExceeded", e)
	}
	if strings.Contains(e.Error(), "anna@acme.com") {
		t.Errorf("error %q leaks the request URL", e.Error())
	}
}

func TestDoDoesNotFollowRedirects(t *testing.T) {
	srv := httptest.NewServer(http.RedirectHandler("https://elsewhere.example/", http.StatusFound))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL, nil)
	resp, err := Do(context.Background(), NewClient(), time.Second, req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusFound {
		t.Fatalf("status = %d, want 302 returned, not followed", resp.Status)
	}
}

func TestRedactAndTruncate(t *testing.T) {
	if got := Redact("token pat-na1-secret is invalid", "pat-na1-secret", ""); got != "token [redacted] is invalid" {
		t.Errorf("Redact = %q", got)
	}
	if got := Truncate("héllo", 2); got != "h…" {
		t.Errorf("Truncate = %q, want cut before the split rune", got)
	}
}

func TestBaseURL(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"https://api.hubapi.com", "https://api.hubapi.com", true},
		{"https://acme.my.salesforce.com/", "https://acme.my.salesforce.com", true},
		{"http://127.0.0.1:4321", "http://127.0.0.1:4321", true},
		{"http://acme.my.salesforce.com", "", false}, // secrets over plain http
		{"https://user:pw@acme.my.salesforce.com", "", false},
		{"acme.my.salesforce.com", "", false},
		{"ftp://acme.com", "", false},
		{"https://acme.com?x=1", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := BaseURL(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("BaseURL(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
