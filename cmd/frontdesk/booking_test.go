//go:build !js

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/frontdesk/frontdesk/backend/browsertest"
	"github.com/frontdesk/frontdesk/model"
)

// TestGuestBooksMeeting is the booking journey: a guest in Rome opens
// Anna's personal link, chooses "Schedule a meeting", picks the first day
// with free times (after today) and its first slot, fills in the form and sees the
// confirmation in their own zone. The meeting then exists, with its
// conversation, and the slot is no longer offered.
func TestGuestBooksMeeting(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	ctx := browsertest.New(t)
	inZone(t, ctx, "Europe/Rome")

	step(t, ctx,
		chromedp.Navigate(m.URL()+"/l/anna"),
		chromedp.WaitVisible(chromedp.ID("link-book")),
	)
	if got := text(t, ctx, "agent-name"); got != "Anna Schmidt" {
		t.Errorf("card shows %q", got)
	}
	shot(t, ctx, "card")
	step(t, ctx,
		chromedp.Click(chromedp.ID("link-book")),
		chromedp.WaitVisible(chromedp.ID("picker")),
		untilJS(`document.querySelector("#days button.bk-day--free") !== null`),
	)
	shot(t, ctx, "month")
	if zone := evalJS[string](t, ctx, `document.getElementById("tz").value`); zone != "Europe/Rome" {
		t.Errorf("time zone %q, want the browser's, Europe/Rome", zone)
	}
	duration := evalJS[string](t, ctx, `document.getElementById("duration").value`)
	step(t, ctx, pickFreeDay(""))
	day := evalJS[string](t, ctx, `document.querySelector('#days button[aria-pressed="true"]').dataset.date`)
	start := evalJS[string](t, ctx, `document.querySelector("#slots button[data-start]").dataset.start`)
	if !strings.HasPrefix(start, day+"T") {
		t.Fatalf("first slot %s is not on the chosen day %s", start, day)
	}
	shot(t, ctx, "slots")
	step(t, ctx,
		chromedp.Click(chromedp.CSS(`#slots button[data-start="`+start+`"]`)),
		chromedp.WaitVisible(chromedp.ID("book-name")),
		// The name is required: the form says so before asking the server.
		chromedp.Click(chromedp.ID("book-submit")),
		chromedp.WaitVisible(chromedp.ID("book-name-error")),
		chromedp.SendKeys(chromedp.ID("book-name"), "Giulia Bianchi"),
		chromedp.SendKeys(chromedp.ID("book-email"), "giulia@example.com"),
		chromedp.SendKeys(chromedp.ID("book-phone"), "+39 06 1234567"),
		chromedp.SendKeys(chromedp.ID("book-notes"), "Pricing for <b>10</b> seats"),
		chromedp.Click(chromedp.ID("book-submit")),
		chromedp.WaitVisible(chromedp.ID("confirmation")),
	)
	shot(t, ctx, "confirmation")
	if when := text(t, ctx, "confirm-when"); !strings.Contains(when, "(Europe/Rome)") {
		t.Errorf("confirmation time %q is not in the guest's zone", when)
	}
	if got := text(t, ctx, "confirm-email"); !strings.Contains(got, "giulia@example.com") || !strings.Contains(got, "calendar invite") {
		t.Errorf("confirmation says %q", got)
	}
	convURL := evalJS[string](t, ctx, `document.getElementById("conversation-link").href`)
	manageURL := evalJS[string](t, ctx, `document.getElementById("manage-link").href`)
	if !strings.HasPrefix(convURL, m.URL()+"/chat/") || !strings.HasPrefix(manageURL, m.URL()+"/m/") {
		t.Fatalf("links %s and %s", convURL, manageURL)
	}

	// The meeting is stored as booked.
	rec, err := m.db.MeetingByManageToken(context.Background(), path.Base(manageURL))
	if err != nil {
		t.Fatalf("the meeting of the manage link: %v", err)
	}
	mt := rec.Meeting
	wantStart, _ := time.Parse(time.RFC3339, start)
	if !mt.Start.Equal(wantStart) || fmt.Sprint(mt.Duration) != duration || mt.TimeZone != "Europe/Rome" ||
		mt.Status != model.MeetingScheduled || rec.Agent.Slug != "anna" {
		t.Errorf("meeting %+v with %s, want %s for %s minutes in Europe/Rome with anna", mt, rec.Agent.Slug, start, duration)
	}
	if g := mt.Guest; g.Name != "Giulia Bianchi" || g.Email != "giulia@example.com" || g.Phone != "+39 06 1234567" || mt.Notes != "Pricing for <b>10</b> seats" {
		t.Errorf("guest %+v, notes %q", g, mt.Notes)
	}
	if rec.ConversationToken != path.Base(convURL) {
		t.Errorf("conversation link %s, meeting's conversation %s", convURL, rec.ConversationToken)
	}
	// Its conversation opens by link and tells about the meeting.
	step(t, ctx,
		chromedp.Navigate(convURL),
		untilJS(`[...document.querySelectorAll("#messages [data-seq]")].some(e => e.textContent.includes("Meeting scheduled with Anna Schmidt"))`),
	)
	shot(t, ctx, "conversation")
	// And the slot is taken.
	var slots model.SlotList
	publicGet(t, m.URL()+"/api/v1/public/links/anna/slots?from="+day+"&to="+day+"&duration="+duration+"&tz=Europe/Rome", &slots)
	if slices.Contains(slots.Slots, start) {
		t.Errorf("%s is still offered after it was booked", start)
	}
}

// TestGuestLosesSlotToAnother: the slot a guest is about to book is taken
// meanwhile; the page says so and offers the remaining times.
func TestGuestLosesSlotToAnother(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	ctx := browsertest.New(t)
	step(t, ctx,
		chromedp.Navigate(m.URL()+"/l/ben/book"),
		pickFreeDay(""),
	)
	start := evalJS[string](t, ctx, `document.querySelector("#slots button[data-start]").dataset.start`)
	step(t, ctx,
		chromedp.Click(chromedp.CSS(`#slots button[data-start="`+start+`"]`)),
		chromedp.WaitVisible(chromedp.ID("book-name")),
	)
	duration := evalJS[string](t, ctx, `document.getElementById("duration").value`)
	other := fmt.Sprintf(`{"start":%q,"duration":%s,"time_zone":"UTC","name":"Someone Else","email":"else@example.com"}`, start, duration)
	resp, err := http.Post(m.URL()+"/api/v1/public/links/ben/meetings", "application/json", strings.NewReader(other))
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("the other booking: %v %v", resp, err)
	}
	resp.Body.Close()
	step(t, ctx,
		chromedp.SendKeys(chromedp.ID("book-name"), "Late Guest"),
		chromedp.SendKeys(chromedp.ID("book-email"), "late@example.com"),
		chromedp.Click(chromedp.ID("book-submit")),
		chromedp.WaitVisible(chromedp.ID("book-error")),
		chromedp.WaitVisible(chromedp.ID("picker")),
		untilJS(`document.querySelector("#slots button[data-start]") !== null`),
	)
	if msg := text(t, ctx, "book-error"); !strings.Contains(msg, "someone just booked that time") {
		t.Errorf("error %q", msg)
	}
	if evalJS[bool](t, ctx, `document.querySelector('#slots [data-start="`+start+`"]') !== null`) {
		t.Error("the taken slot is still offered")
	}
	shot(t, ctx, "taken")
}

// TestGuestReschedulesAndCancels follows the manage link of the emails:
// the guest moves the meeting to another day, then cancels it.
func TestGuestReschedulesAndCancels(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	var slots model.SlotList
	from := time.Now().UTC().Format(time.DateOnly)
	to := time.Now().UTC().AddDate(0, 0, 20).Format(time.DateOnly)
	publicGet(t, m.URL()+"/api/v1/public/links/chiara/slots?from="+from+"&to="+to+"&duration=30&tz=Europe/Rome", &slots)
	if len(slots.Slots) == 0 {
		t.Fatal("Chiara has no free slots")
	}
	var booked model.Booking
	publicPost(t, m.URL()+"/api/v1/public/links/chiara/meetings", model.BookingRequest{
		Start: slots.Slots[0], Duration: 30, TimeZone: "Europe/Rome", Name: "Paolo Verdi", Email: "paolo@example.com",
	}, &booked)

	ctx := browsertest.New(t)
	step(t, ctx,
		chromedp.Navigate(booked.ManageURL),
		chromedp.WaitVisible(chromedp.ID("manage-reschedule")),
	)
	if got := text(t, ctx, "manage-status"); got != "This meeting is scheduled." {
		t.Errorf("status %q", got)
	}
	step(t, ctx,
		chromedp.Click(chromedp.ID("manage-reschedule")),
		untilJS(`document.querySelectorAll("#days button.bk-day--free").length > 0`),
	)
	// Preloaded with the meeting's length and zone.
	if d, z := evalJS[string](t, ctx, `document.getElementById("duration").value`), evalJS[string](t, ctx, `document.getElementById("tz").value`); d != "30" || z != "Europe/Rome" {
		t.Errorf("picker preloaded with %s minutes in %s", d, z)
	}
	// A day other than the meeting's.
	step(t, ctx, pickFreeDay(slots.Slots[0][:10]))
	newStart := evalJS[string](t, ctx, `document.querySelector("#slots button[data-start]").dataset.start`)
	step(t, ctx,
		chromedp.Click(chromedp.CSS(`#slots button[data-start="`+newStart+`"]`)),
		chromedp.WaitVisible(chromedp.ID("book-submit")),
		chromedp.Click(chromedp.ID("book-submit")),
		untilJS(`document.getElementById("manage-status").textContent.includes("moved")`),
	)
	shot(t, ctx, "moved")
	rec, err := m.db.MeetingByManageToken(context.Background(), booked.ManageToken)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := time.Parse(time.RFC3339, newStart); !rec.Meeting.Start.Equal(want) || rec.Meeting.Sequence < 1 {
		t.Errorf("meeting starts %s (sequence %d), want %s", rec.Meeting.Start, rec.Meeting.Sequence, newStart)
	}

	step(t, ctx,
		chromedp.Click(chromedp.ID("manage-cancel")),
		chromedp.WaitVisible(chromedp.ID("manage-cancel-confirm")),
		chromedp.Click(chromedp.ID("manage-cancel-confirm")),
		untilJS(`document.getElementById("manage-status").textContent.includes("cancelled")`),
		chromedp.WaitNotVisible(chromedp.ID("manage-reschedule")),
	)
	shot(t, ctx, "cancelled")
	if rec, err := m.db.MeetingByManageToken(context.Background(), booked.ManageToken); err != nil || rec.Meeting.Status != model.MeetingCancelled {
		t.Errorf("meeting status %q (%v), want cancelled", rec.Meeting.Status, err)
	}
}

// TestWidgetOffersBooking: the demo website's widget offers "Book a
// meeting"; it opens the booking page inside the widget's frame, which
// leads back to the chat.
func TestWidgetOffersBooking(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	ctx := browsertest.New(t)
	frame := `document.getElementById("fd-frame")`
	step(t, ctx,
		chromedp.Navigate(m.URL()+"/demo"),
		chromedp.WaitVisible(chromedp.ID("fd-launcher")),
		chromedp.Click(chromedp.ID("fd-launcher")),
		untilJS(frame+`?.contentDocument?.getElementById("book-meeting")?.hidden === false`),
	)
	href := evalJS[string](t, ctx, frame+`.contentDocument.getElementById("book-meeting").getAttribute("href")`)
	if u, err := url.Parse(href); err != nil || !strings.HasPrefix(u.Path, "/l/") || !strings.HasSuffix(u.Path, "/book") || u.Query().Get("key") == "" {
		t.Fatalf("Book a meeting leads to %q", href)
	}
	step(t, ctx,
		chromedp.Evaluate[chromedp.Void](frame+`.contentDocument.getElementById("book-meeting").click()`),
		untilJS(frame+`.contentDocument?.querySelector("#days button.bk-day--free") != null`),
	)
	shot(t, ctx, "in-widget")
	step(t, ctx,
		chromedp.Evaluate[chromedp.Void](frame+`.contentDocument.getElementById("back").click()`),
		untilJS(frame+`.contentWindow.location.pathname === "/widget/frame" && `+frame+`.contentDocument.getElementById("close")?.hidden === false`),
	)
}

// pickFreeDay chooses the first day in the picker with free times, except
// the day not and today (today's first slot is only just past the agent's
// minimum notice: a slow test could book it too late), going on to the
// next month if need be; then it waits for the day's slots.
func pickFreeDay(not string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		pick := untilJS(fmt.Sprintf(`(() => {
			if (document.getElementById("days").getAttribute("aria-busy") !== "false") return false;
			const day = [...document.querySelectorAll("#days button.bk-day--free:not([aria-current=date])")].find(b => b.dataset.date !== %q);
			if (day) { day.click(); return true; }
			document.getElementById("month-next").click();
			return false;
		})()`, not))
		if _, err := pick(ctx, t); err != nil {
			return err
		}
		_, err := untilJS(`document.querySelector("#slots button[data-start]") !== null`)(ctx, t)
		return err
	})
}

// inZone makes the browser's time zone zone, as a guest living there has.
func inZone(t *testing.T, ctx context.Context, zone string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone}); err != nil {
		t.Fatal(err)
	}
}

// untilJS waits until expr is true.
func untilJS(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond))(ctx, t); err != nil {
			return fmt.Errorf("waiting for %s: %w", expr, err)
		}
		return nil
	})
}

// evalJS evaluates expr in the page.
func evalJS[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func publicGet(t *testing.T, url string, out any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

func publicPost(t *testing.T, url string, in, out any) {
	t.Helper()
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(url, "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
}
