//go:build !js

package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/frontdesk/frontdesk/backend/browsertest"
	"github.com/frontdesk/frontdesk/backend/calendar/calendartest"
	"github.com/frontdesk/frontdesk/backend/calendar/google"
	"github.com/frontdesk/frontdesk/model"
)

// TestGoogleCalendarJourney: Ada (an admin) sets up Google in Settings →
// Integrations, connects her Google Calendar through the (loopback)
// consent page, a guest books her from her personal link and the meeting
// appears in her Google Calendar; an outside invitation she declined
// leaves its slot open on the booking page, and once she accepts it the
// slot closes.
func TestGoogleCalendarJourney(t *testing.T) {
	t.Parallel()
	const ada = "admin@demo.frontdesk.test"
	g := calendartest.NewGoogle(t)
	g.AddAccount(ada, "Europe/Berlin")
	m := startServer(t, func(m *Main) {
		m.CalendarEndpoints.Google = google.Endpoints{AuthURL: g.AuthURL(), TokenURL: g.TokenURL(), APIURL: g.APIURL()}
	})
	g.RegisterRedirectURI(m.URL() + "/oauth/google/callback")
	ctx := browsertest.New(t)
	signIn(t, ctx, m.URL(), ada)

	// Settings → Integrations: the redirect URI to register, then the
	// client id and secret.
	step(t, ctx,
		chromedp.Navigate(m.URL()+"/settings/integrations"),
		chromedp.WaitVisible(chromedp.ID("google-client-id")),
	)
	if got := text(t, ctx, "google-redirect-uri"); got != m.URL()+"/oauth/google/callback" {
		t.Fatalf("redirect URI shown: %q", got)
	}
	step(t, ctx,
		adminFill("google-client-id", g.ClientID),
		adminFill("google-client-secret", g.ClientSecret),
		chromedp.Click(chromedp.ID("google-save")),
		waitJS(`document.getElementById("google-status").textContent.startsWith("Saved")`),
	)
	shot(t, ctx, "integrations")

	// My availability → Calendar → Connect Google Calendar → consent.
	step(t, ctx,
		chromedp.Navigate(m.URL()+"/availability"),
		chromedp.WaitEnabled(chromedp.ID("connect-google")),
		chromedp.Click(chromedp.ID("connect-google")),
		chromedp.WaitVisible(chromedp.ID("consent-title")),
	)
	shot(t, ctx, "google-consent")
	// Allow leaves for the callback, which redirects into the app: wait
	// on the app's page rather than on the one being left.
	step(t, ctx,
		chromedp.Click(chromedp.ID("allow")),
		chromedp.WaitVisible(chromedp.ID("calendar-choices")),
		waitJS(`location.pathname === "/availability"`),
		waitJS(`document.getElementById("connection-status").textContent.includes("connected")`),
	)
	if got := text(t, ctx, "calendar-connected"); !strings.Contains(got, "Google Calendar") || !strings.Contains(got, ada) {
		t.Errorf("connection shown as %q", got)
	}
	if !evalJS[bool](t, ctx, `document.getElementById("cal-busy-0").checked && document.getElementById("cal-write-0").checked`) {
		t.Error("the main calendar is not chosen for meetings and busy time")
	}
	step(t, ctx, chromedp.ScrollIntoView(chromedp.ID("calendar")))
	shot(t, ctx, "calendar-connected")
	expectNoViolations(t, ctx, "calendar-connected", "window")

	// A guest books from the personal link; the meeting reaches Google.
	step(t, ctx,
		chromedp.Navigate(m.URL()+"/l/ada/book"),
		pickFreeDay(""),
	)
	starts := evalJS[[]string](t, ctx, `[...document.querySelectorAll("#slots button[data-start]")].map(b => b.dataset.start)`)
	if len(starts) < 6 {
		t.Fatalf("only %d slots on the first free day", len(starts))
	}
	booked, outside := starts[0], starts[len(starts)-1]
	duration := evalJS[string](t, ctx, `document.getElementById("duration").value`)
	length, _ := time.ParseDuration(duration + "m")
	step(t, ctx,
		chromedp.Click(chromedp.CSS(`#slots button[data-start="`+booked+`"]`)),
		chromedp.WaitVisible(chromedp.ID("book-name")),
		chromedp.SendKeys(chromedp.ID("book-name"), "Greta Guest"),
		chromedp.SendKeys(chromedp.ID("book-email"), "greta@example.com"),
		chromedp.Click(chromedp.ID("book-submit")),
		chromedp.WaitVisible(chromedp.ID("confirmation")),
	)
	bookedAt, _ := time.Parse(time.RFC3339, booked)
	waitFor(t, "the meeting in Google Calendar", func() bool {
		for _, ev := range g.Events(ada) {
			at, _ := time.Parse(time.RFC3339, ev.Start.DateTime)
			if ev.Summary == "Meeting with Greta Guest" && at.Equal(bookedAt) {
				return true
			}
		}
		return false
	})
	if n := g.InvitationsSent(); n != 0 {
		t.Errorf("Google sent %d invitations of its own", n)
	}

	// An outside invitation at another free time, declined: the slot
	// stays on the booking page once Frontdesk has read the change.
	outsideAt, _ := time.Parse(time.RFC3339, outside)
	synced := lastSync(t, m)
	inv := g.PutEvent(ada, calendartest.GoogleEvent{Summary: "Supplier call",
		Organizer: &calendartest.GooglePerson{Email: "supplier@elsewhere.test"},
		Start:     &calendartest.GoogleTime{DateTime: outsideAt.Format(time.RFC3339)},
		End:       &calendartest.GoogleTime{DateTime: outsideAt.Add(length).Format(time.RFC3339)},
		Attendees: []calendartest.GoogleAttendee{{Email: "supplier@elsewhere.test"}, {Email: ada, ResponseStatus: "declined"}}})
	waitFor(t, "the declined invitation to be synced", func() bool { return lastSync(t, m).After(synced) })
	step(t, ctx,
		chromedp.Navigate(m.URL()+"/l/ada/book"),
		pickFreeDay(""),
	)
	if !evalJS[bool](t, ctx, `document.querySelector('#slots button[data-start="`+outside+`"]') !== null`) {
		t.Fatal("a declined invitation closed its slot")
	}
	shot(t, ctx, "declined-slot-open")

	// She accepts it in Google Calendar: the push notification reaches
	// Frontdesk and the slot closes.
	day := outsideAt.Format(time.DateOnly)
	offered := func() bool {
		var slots model.SlotList
		publicGet(t, m.URL()+"/api/v1/public/links/ada/slots?from="+day+"&to="+day+"&duration="+duration+"&tz=UTC", &slots)
		for _, s := range slots.Slots {
			if at, _ := time.Parse(time.RFC3339, s); at.Equal(outsideAt) {
				return true
			}
		}
		return false
	}
	if !offered() {
		t.Fatal("the slot of the declined invitation is not offered by the API")
	}
	g.SetResponse(ada, inv.ID, ada, "accepted")
	waitFor(t, "the accepted invitation to close its slot", func() bool { return !offered() })
	step(t, ctx,
		chromedp.Navigate(m.URL()+"/l/ada/book"),
		pickFreeDay(""),
	)
	left := evalJS[[]string](t, ctx, `[...document.querySelectorAll("#slots button[data-start]")].map(b => b.dataset.start)`)
	if slices.Contains(left, outside) || slices.Contains(left, booked) {
		t.Fatalf("the accepted invitation's or the meeting's slot is still offered: %v", left)
	}
	shot(t, ctx, "accepted-slot-closed")
}

// lastSync is when Ada's calendar was last read into the store.
func lastSync(t *testing.T, m *Main) time.Time {
	t.Helper()
	var at *time.Time
	err := m.db.Bun.NewSelect().Table("connected_calendars").ColumnExpr("max(synced_at)").Scan(context.Background(), &at)
	if err != nil {
		t.Fatal(err)
	}
	if at == nil {
		return time.Time{}
	}
	return *at
}

// waitFor polls cond until it holds, for at most 20 seconds; gently,
// since the public API it may ask is rate limited.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(fmt.Sprintf("timed out waiting for %s", what))
		}
		time.Sleep(200 * time.Millisecond)
	}
}
