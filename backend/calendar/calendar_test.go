package calendar_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/calendar"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2031, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"30", 30 * time.Second},
		{" 7 ", 7 * time.Second},
		{"-5", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"99999999", 24 * time.Hour},
	} {
		h := http.Header{}
		if tc.header != "" {
			h.Set("Retry-After", tc.header)
		}
		if got := calendar.RetryAfter(h, now); got != tc.want {
			t.Errorf("Retry-After %q: %s, want %s", tc.header, got, tc.want)
		}
	}
}

func TestError(t *testing.T) {
	cause := errors.New("connection reset")
	err := fmt.Errorf("sync: %w", &calendar.Error{Provider: calendar.Google, Kind: calendar.RateLimited, Status: 429,
		RetryAfter: time.Second, Message: "Google Calendar asked Frontdesk to slow down", Err: cause})
	e, ok := calendar.AsError(err)
	if !ok || e.Kind != calendar.RateLimited || !errors.Is(err, cause) || !calendar.IsKind(err, calendar.RateLimited) || calendar.IsKind(err, calendar.Reconnect) {
		t.Fatalf("AsError(%v) = %+v, %v", err, e, ok)
	}
	if got := e.Error(); got != "google: Google Calendar asked Frontdesk to slow down (rate_limited, HTTP 429): connection reset" {
		t.Errorf("Error() = %q", got)
	}
	if calendar.IsKind(errors.New("plain"), calendar.Unavailable) {
		t.Error("a plain error has a kind")
	}
}

func TestGuestLine(t *testing.T) {
	e := calendar.Event{Attendees: []calendar.Attendee{{Name: "Gina", Email: "gina@example.com"}, {Email: "hal@example.com"}, {Name: "Ivo"}}}
	if got := e.GuestLine(); got != "Gina <gina@example.com>, hal@example.com, Ivo" {
		t.Errorf("GuestLine = %q", got)
	}
}

func TestProvider(t *testing.T) {
	for p, title := range map[calendar.Provider]string{calendar.Google: "Google Calendar", calendar.Microsoft: "Microsoft 365", calendar.CalDAV: "CalDAV calendar"} {
		if !p.Valid() || p.Title() != title {
			t.Errorf("%s: valid %v, title %q", p, p.Valid(), p.Title())
		}
	}
	if calendar.Provider("yahoo").Valid() {
		t.Error("yahoo is a provider")
	}
}
