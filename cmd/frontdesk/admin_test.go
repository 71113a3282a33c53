//go:build !js

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/frontdesk/frontdesk/backend/browsertest"
	"github.com/frontdesk/frontdesk/backend/seed"
	"github.com/frontdesk/frontdesk/model"
)

// The agent app's screens besides the inbox: settings for admins, an
// agent's availability, calendar, meetings and phonebook, and the app
// opening offline.

// TestAdminSettings is an admin's journey through Settings: the agents
// (a refused invitation, then a new agent who accepts hers), a new service whose members
// decide whether it is assignable, and the demo widget with its snippet
// and a colour too light for white text.
func TestAdminSettings(t *testing.T) {
	t.Parallel()
	m, smtp := startServerWithMail(t)
	ctx := browsertest.New(t)
	signIn(t, ctx, m.URL(), "admin@demo.frontdesk.test")

	// The navigation: every screen, and Settings for an admin.
	for _, id := range []string{"nav-inbox", "nav-phonebook", "nav-meetings", "nav-availability", "nav-settings"} {
		step(t, ctx, chromedp.WaitVisible(chromedp.ID(id)))
	}
	step(t, ctx,
		chromedp.Click(chromedp.ID("nav-settings")),
		waitJS(`location.pathname === "/settings"`),
		waitJS(`document.getElementById("nav-settings").getAttribute("aria-current") === "page"`),
		waitJS(`document.getElementById("settings-agents").getAttribute("aria-current") === "page"`),
		waitJS(`document.getElementById("agents-list")?.textContent.includes("Anna Schmidt") === true`),
		waitJS(`document.title === "Settings · Frontdesk"`),
	)
	if got := text(t, ctx, "agents-list"); !strings.Contains(got, "Dan Basic") || !strings.Contains(got, "Basic") || !strings.Contains(got, "/l/anna") {
		t.Errorf("agents list = %q, want Dan with a Basic license and Anna's link", got)
	}
	shot(t, ctx, "settings-agents")

	// Inviting an email that already has an account: the field says so.
	step(t, ctx,
		chromedp.Click(chromedp.ID("agent-invite")),
		chromedp.WaitVisible(chromedp.ID("inv-email")),
		chromedp.SendKeys(chromedp.ID("inv-email"), "anna@demo.frontdesk.test"),
		chromedp.SendKeys(chromedp.ID("inv-name"), "Eva Novák"),
		adminSelect("inv-license", "standard"),
		chromedp.Click(chromedp.ID("invite-send")),
		chromedp.WaitVisible(chromedp.ID("inv-email-error")),
	)
	if got := text(t, ctx, "inv-email-error"); got != "already has an account" {
		t.Errorf("email error = %q", got)
	}
	if got := text(t, ctx, "invite-form-error"); !strings.Contains(got, "already has an account") {
		t.Errorf("form error = %q", got)
	}
	shot(t, ctx, "settings-agent-taken")
	step(t, ctx,
		adminFill("inv-email", "eva@demo.frontdesk.test"),
		chromedp.Click(chromedp.ID("invite-send")),
		chromedp.WaitNotPresent(chromedp.ID("invite-form")),
		waitJS(`document.getElementById("invitations-list")?.textContent.includes("eva@demo.frontdesk.test") === true`),
		waitJS(`document.getElementById("agents-status").textContent.includes("Invitation sent to eva@demo.frontdesk.test")`),
	)
	// She accepts in another browser, choosing her password, and is an
	// agent with a Standard license.
	tok := inviteToken(t, waitMailTo(t, smtp, "eva@demo.frontdesk.test"))
	eva := acceptInvitation(t, m.URL(), tok, "Eva Novák", "a long password 1")
	var evaSession model.Session
	adminGet(t, eva, m.URL()+"/api/v1/auth/session", &evaSession)
	if evaSession.Agent.Name != "Eva Novák" || evaSession.Agent.License != model.LicenseStandard || evaSession.Agent.Slug != "eva-novak" {
		t.Errorf("Eva's session = %+v", evaSession.Agent)
	}
	step(t, ctx,
		chromedp.Reload(),
		waitJS(`document.getElementById("agents-list")?.textContent.includes("/l/eva-novak") === true`),
		chromedp.WaitNotPresent(chromedp.ID("invitations-list")),
	)

	// Services: the seed's Billing (only Dan, Basic) is not assignable; a
	// new service with only Dan is not either, until Eva joins.
	step(t, ctx,
		chromedp.Click(chromedp.ID("settings-services")),
		waitJS(`location.pathname === "/settings/services"`),
		chromedp.WaitVisible(chromedp.ID("services-list")),
	)
	if got := evalJS[bool](t, ctx, `[...document.querySelectorAll("#services-list > li")].some(li => li.textContent.includes("Billing") && li.querySelector("[id$=-unassignable]") !== null)`); !got {
		t.Error("Billing is not flagged as not assignable")
	}
	if got := evalJS[bool](t, ctx, `[...document.querySelectorAll("#services-list > li")].some(li => li.textContent.includes("Sales") && li.querySelector("[id$=-unassignable]") !== null)`); got {
		t.Error("Sales is flagged as not assignable")
	}
	dan, evaID := adminAgentID(t, m, "dan@demo.frontdesk.test"), evaSession.Agent.ID
	step(t, ctx,
		chromedp.Click(chromedp.ID("service-add")),
		chromedp.WaitVisible(chromedp.ID("service-form")),
		chromedp.SendKeys(chromedp.ID("service-name"), "Onboarding"),
		chromedp.Click(chromedp.ID("service-strategy-least_busy")),
		chromedp.WaitVisible(chromedp.ID("service-form-unassignable")),
		chromedp.Click(chromedp.ID(fmt.Sprintf("service-member-%d", dan))),
		chromedp.WaitVisible(chromedp.ID("service-form-unassignable")),
	)
	shot(t, ctx, "settings-service-unassignable")
	step(t, ctx,
		chromedp.Click(chromedp.ID(fmt.Sprintf("service-member-%d", evaID))),
		chromedp.WaitNotPresent(chromedp.ID("service-form-unassignable")),
		chromedp.Click(chromedp.ID("service-save")),
		chromedp.WaitNotPresent(chromedp.ID("service-form")),
		waitJS(`document.getElementById("services-list").textContent.includes("Onboarding")`),
	)
	var services []model.Service
	adminGet(t, eva, m.URL()+"/api/v1/services", &services)
	found := false
	for _, s := range services {
		if s.Name == "Onboarding" {
			found = true
			if s.Strategy != model.StrategyLeastBusy || len(s.MemberIDs) != 2 || !s.Assignable {
				t.Errorf("Onboarding = %+v, want least busy, Dan and Eva, assignable", s)
			}
		}
	}
	if !found {
		t.Errorf("services = %+v, want Onboarding", services)
	}
	shot(t, ctx, "settings-services")

	// Widgets: the demo widget's snippet, a colour too light for white
	// text, and a new greeting that is kept.
	step(t, ctx,
		chromedp.Click(chromedp.ID("settings-widgets")),
		chromedp.WaitVisible(chromedp.ID("widget-snippet")),
	)
	snippet := text(t, ctx, "widget-snippet")
	if want := `<script src="` + m.URL() + `/widget.js" data-frontdesk-widget="wk_demo_website" async></script>`; snippet != want {
		t.Errorf("snippet = %q, want %q", snippet, want)
	}
	step(t, ctx,
		chromedp.WaitNotPresent(chromedp.ID("widget-color-warning")),
		adminFill("widget-color", "#f59e0b"),
		chromedp.WaitVisible(chromedp.ID("widget-color-warning")),
	)
	if got := text(t, ctx, "widget-color-warning"); !strings.Contains(got, "2.1:1") || !strings.Contains(got, "4.5:1") {
		t.Errorf("contrast warning = %q", got)
	}
	shot(t, ctx, "settings-widget-contrast")
	step(t, ctx,
		adminFill("widget-color", "#1d4ed8"),
		chromedp.WaitNotPresent(chromedp.ID("widget-color-warning")),
		adminFill("widget-greeting", "Hello from the test!"),
		adminSelect("widget-language", "de"),
		chromedp.Click(chromedp.CSS("#widget-translations summary")),
		chromedp.WaitVisible(chromedp.ID("widget-greeting-de")),
		adminFill("widget-greeting-de", "Hallo aus dem Test!"),
		adminFill("widget-origins", "https://shop.example.com\nnot a website"),
		chromedp.Click(chromedp.ID("widget-save")),
		chromedp.WaitVisible(chromedp.ID("widget-origins-error")),
	)
	if got := text(t, ctx, "widget-origins-error"); !strings.HasPrefix(got, "not a website:") {
		t.Errorf("origins error = %q, want the bad line named", got)
	}
	step(t, ctx,
		adminFill("widget-origins", "https://shop.example.com"),
		chromedp.Click(chromedp.ID("widget-save")),
		waitJS(`document.getElementById("widget-status").textContent.startsWith("Saved")`),
	)
	var widgets []model.Widget
	adminGet(t, eva, m.URL()+"/api/v1/widgets", &widgets)
	if len(widgets) != 1 || widgets[0].Greeting != "Hello from the test!" || widgets[0].Color != "#1d4ed8" ||
		len(widgets[0].AllowedOrigins) != 1 || widgets[0].AllowedOrigins[0] != "https://shop.example.com" ||
		widgets[0].Language != "de" || widgets[0].Greetings["de"] != "Hallo aus dem Test!" || len(widgets[0].Greetings) != 1 {
		t.Errorf("widgets = %+v", widgets)
	}
	// The copy button copies, or selects the snippet where the clipboard
	// is refused (headless browsers may refuse it).
	step(t, ctx,
		chromedp.Click(chromedp.ID("widget-snippet-copy")),
		waitJS(`document.getElementById("widget-snippet-copy").textContent === "Copied" || window.getSelection().toString().includes("wk_demo_website")`),
	)
	shot(t, ctx, "settings-widgets")

	// The organization's name, shown in the top bar at once.
	step(t, ctx,
		chromedp.Click(chromedp.ID("settings-organization")),
		chromedp.WaitVisible(chromedp.ID("org-name")),
		adminFill("org-name", "Demo Company GmbH"),
		chromedp.Click(chromedp.ID("org-save")),
		waitJS(`document.getElementById("agent-org").textContent === "Demo Company GmbH"`),
	)

	// The CRM: nothing connected on the demo; a token is write-only.
	step(t, ctx,
		chromedp.Click(chromedp.ID("settings-crm")),
		chromedp.WaitVisible(chromedp.ID("crm-provider-none")),
		chromedp.Click(chromedp.ID("crm-provider-hubspot")),
		chromedp.WaitVisible(chromedp.ID("crm-hubspot-token")),
		chromedp.SendKeys(chromedp.ID("crm-hubspot-token"), "pat-na1-test-token"),
		chromedp.Click(chromedp.ID("crm-save")),
		chromedp.WaitVisible(chromedp.ID("crm-secret-stored")),
		waitJS(`document.getElementById("crm-hubspot-token").value === ""`),
		chromedp.Click(chromedp.ID("crm-test")),
		chromedp.WaitVisible(chromedp.ID("crm-test-result")),
	)
	if got := evalJS[string](t, ctx, `document.getElementById("crm-hubspot-token").placeholder`); !strings.Contains(got, "stored") {
		t.Errorf("token placeholder = %q, want it to say a token is stored", got)
	}
	t.Logf("CRM test: %s", text(t, ctx, "crm-test-result"))
	shot(t, ctx, "settings-crm")
}

// TestAdminAgentScreens is an agent's journey: no Settings, working hours
// that change the booking preview, the calendar feed, meetings, and the
// phonebook with its duplicate check, search and vCard export.
func TestAdminAgentScreens(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	ctx := browsertest.New(t)
	signIn(t, ctx, m.URL(), "anna@demo.frontdesk.test")

	// Agents' Settings are their own profile and security; the
	// organization's sections say they are for admins.
	step(t, ctx,
		chromedp.Click(chromedp.ID("nav-settings")),
		chromedp.WaitVisible(chromedp.ID("profile-name")),
		waitJS(`document.getElementById("settings-profile").getAttribute("aria-current") === "page"`),
	)
	if evalJS[bool](t, ctx, `document.getElementById("settings-agents") !== null`) {
		t.Error("an agent is offered the organization's settings")
	}
	step(t, ctx,
		chromedp.Navigate(m.URL()+"/settings/agents"),
		chromedp.WaitVisible(chromedp.ID("admins-only")),
	)

	// My availability: the personal link, and the preview of the next
	// seven days. The demo's hours are weekdays only, so the weekend of
	// the preview is empty until Anna works on Saturdays.
	step(t, ctx,
		chromedp.Click(chromedp.ID("nav-availability")),
		waitJS(`location.pathname === "/availability"`),
		chromedp.WaitVisible(chromedp.ID("slot-preview")),
		waitJS(`document.querySelectorAll("#slot-preview .preview-day").length === 7`),
	)
	if got := text(t, ctx, "personal-link"); got != m.URL()+"/l/anna" {
		t.Errorf("personal link = %q", got)
	}
	saturday := `[...document.querySelectorAll("#slot-preview .preview-day")].find(d => d.querySelector("dt").textContent.includes("Sat"))`
	if n := evalJS[int](t, ctx, saturday+`.querySelectorAll(".slot").length`); n != 0 {
		t.Fatalf("the preview has %d slots on Saturday before Anna works then", n)
	}
	weekdays := evalJS[int](t, ctx, `document.querySelectorAll("#slot-preview .slot").length`)
	shot(t, ctx, "availability")

	// A window ending before it starts is caught before saving.
	step(t, ctx,
		chromedp.Click(chromedp.ID("avail-day-5")),
		chromedp.WaitVisible(chromedp.ID("avail-day-5-0-start")),
		adminSelect("avail-day-5-0-start", "12:00"),
		adminSelect("avail-day-5-0-end", "10:00"),
		chromedp.Click(chromedp.ID("avail-save")),
		chromedp.WaitVisible(chromedp.ID("avail-day-5-0-error")),
	)
	if got := text(t, ctx, "avail-day-5-0-error"); got != "The end must be after the start." {
		t.Errorf("window error = %q", got)
	}
	step(t, ctx,
		adminSelect("avail-day-5-0-start", "10:00"),
		adminSelect("avail-day-5-0-end", "14:00"),
		chromedp.Click(chromedp.ID("avail-save")),
		waitJS(`document.getElementById("avail-status").textContent.startsWith("Saved")`),
		waitJS(saturday+`.querySelectorAll(".slot").length > 0`),
	)
	sat := evalJS[[]string](t, ctx, `[...`+saturday+`.querySelectorAll(".slot")].map(s => s.textContent)`)
	if sat[0] != "10:00" || sat[len(sat)-1] != "13:30" {
		t.Errorf("Saturday's slots = %v, want 10:00 to 13:30 (30-minute meetings until 14:00)", sat)
	}
	if n := evalJS[int](t, ctx, `document.querySelectorAll("#slot-preview .slot").length`); n != weekdays+len(sat) {
		t.Errorf("the preview has %d slots, want %d on weekdays and %d on Saturday", n, weekdays, len(sat))
	}
	var av model.Availability
	anna := adminClient(t, m.URL(), "anna@demo.frontdesk.test", seed.DemoPassword)
	adminGet(t, anna, m.URL()+"/api/v1/me/availability", &av)
	want := []model.AvailabilityRule{
		{RRule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", Window: model.Window{Start: "09:00", End: "17:00"}},
		{RRule: "FREQ=WEEKLY;BYDAY=SA", Window: model.Window{Start: "10:00", End: "14:00"}},
	}
	if fmt.Sprint(av.Rules) != fmt.Sprint(want) {
		t.Errorf("stored rules = %v, want %v", av.Rules, want)
	}
	shot(t, ctx, "availability-saturday")

	// The calendar feed, and a new one that replaces it.
	step(t, ctx, waitJS(`document.getElementById("feed-url")?.textContent.endsWith(".ics") === true`))
	feed := text(t, ctx, "feed-url")
	if !strings.HasPrefix(feed, m.URL()+"/feeds/") {
		t.Errorf("feed URL = %q", feed)
	}
	step(t, ctx,
		chromedp.Click(chromedp.ID("rotate-feed")),
		chromedp.WaitVisible(chromedp.ID("rotate-warning")),
		chromedp.Click(chromedp.ID("rotate-feed")),
		waitJS(fmt.Sprintf(`document.getElementById("feed-url").textContent !== %q`, feed)),
	)
	if res, err := http.Get(feed); err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("the old feed answers %v, %v; want 404", res, err)
	}
	if res, err := http.Get(text(t, ctx, "feed-url")); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("the new feed answers %v, %v; want 200", res, err)
	}
	// A calendar server that is not one is refused with the reason.
	step(t, ctx,
		chromedp.SendKeys(chromedp.ID("cal-url"), m.URL()+"/not-caldav"),
		chromedp.SendKeys(chromedp.ID("cal-username"), "anna"),
		chromedp.SendKeys(chromedp.ID("cal-password"), "app-password"),
		chromedp.Click(chromedp.ID("calendar-connect")),
		waitJS(`document.getElementById("calendar-error").textContent !== ""`),
	)
	shot(t, ctx, "availability-calendar")

	// Meetings: a guest books Anna; the meeting is listed in her zone,
	// with its conversation a click away.
	b := bookFirstSlot(t, m.URL(), "anna", "Europe/Berlin", "Jonas Weber", "jonas@example.com")
	step(t, ctx,
		chromedp.Click(chromedp.ID("nav-meetings")),
		waitJS(`location.pathname === "/meetings"`),
		chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("meeting-%d", b.Meeting.ID))),
	)
	start := b.Meeting.Start
	berlin, _ := time.LoadLocation("Europe/Berlin")
	row := text(t, ctx, fmt.Sprintf("meeting-%d", b.Meeting.ID))
	wantTime := start.In(berlin).Format("15:04") + "–" + start.Add(30*time.Minute).In(berlin).Format("15:04")
	if !strings.Contains(row, "Jonas Weber") || !strings.Contains(row, wantTime) || !strings.Contains(row, "30 min") {
		t.Errorf("meeting row = %q, want Jonas Weber at %s for 30 min", row, wantTime)
	}
	shot(t, ctx, "meetings")
	step(t, ctx,
		chromedp.Click(chromedp.CSS(fmt.Sprintf("#meeting-%d a", b.Meeting.ID))),
		waitJS(fmt.Sprintf(`location.pathname === "/c/%d"`, b.Meeting.ConversationID)),
		waitJS(`document.querySelector('#messages [data-seq="1"]') !== null`),
		waitJS(`document.getElementById("nav-inbox").getAttribute("aria-current") === "page"`),
	)

	// Phonebook: add, a duplicate offered as an update, search, export.
	step(t, ctx,
		chromedp.Click(chromedp.ID("nav-phonebook")),
		waitJS(`location.pathname === "/phonebook"`),
		chromedp.WaitVisible(chromedp.ID("pb-list")),
		chromedp.Click(chromedp.ID("pb-add")),
		chromedp.SendKeys(chromedp.ID("pb-name"), "Lena Vogel"),
		chromedp.SendKeys(chromedp.ID("pb-email"), "lena@example.com"),
		chromedp.SendKeys(chromedp.ID("pb-phone"), "+49 30 1234567"),
		chromedp.Click(chromedp.ID("pb-save")),
		waitJS(`document.getElementById("pb-status").textContent === "Lena Vogel was added to the phonebook."`),
		waitJS(`document.getElementById("pb-list").textContent.includes("Lena Vogel")`),
		chromedp.Click(chromedp.ID("pb-add")),
		chromedp.SendKeys(chromedp.ID("pb-name"), "Lena Vogel"),
		chromedp.SendKeys(chromedp.ID("pb-email"), "LENA@example.com"),
		chromedp.SendKeys(chromedp.ID("pb-company"), "Vogel & Co"),
		chromedp.Click(chromedp.ID("pb-save")),
		chromedp.WaitVisible(chromedp.ID("pb-duplicate")),
	)
	shot(t, ctx, "phonebook-duplicate")
	step(t, ctx,
		chromedp.Click(chromedp.ID("pb-update-existing")),
		waitJS(`document.getElementById("pb-status").textContent === "Lena Vogel was updated in the phonebook."`),
		waitJS(`document.getElementById("pb-list").textContent.includes("Vogel & Co")`),
	)
	// The update kept the phone number the form left empty.
	if got := text(t, ctx, "pb-list"); !strings.Contains(got, "+49 30 1234567") {
		t.Errorf("phonebook = %q, want Lena's phone kept", got)
	}
	if n := evalJS[int](t, ctx, `[...document.querySelectorAll("#pb-list tbody tr")].filter(r => r.textContent.includes("Lena Vogel")).length`); n != 1 {
		t.Errorf("Lena is listed %d times, want once", n)
	}
	step(t, ctx,
		chromedp.SendKeys(chromedp.ID("pb-search"), "vogel"),
		waitJS(`document.getElementById("pb-export").getAttribute("href") === "/api/v1/phonebook.vcf?q=vogel"`),
		waitJS(`document.querySelectorAll("#pb-list tbody tr").length === 1`),
	)
	shot(t, ctx, "phonebook")
	// The export link works with the browser's own session cookie.
	card := adminAwait(t, ctx, `fetch(document.getElementById("pb-export").href).then(async r => r.headers.get("Content-Type") + "\n" + await r.text())`)
	if !strings.HasPrefix(card, "text/vcard") || !strings.Contains(card, "BEGIN:VCARD") || !strings.Contains(card, "FN:Lena Vogel") ||
		!strings.Contains(card, "ORG:Vogel & Co") || strings.Contains(card, "Jonas") {
		t.Errorf("export of the search = %q", card)
	}
	if got := evalJS[string](t, ctx, `document.getElementById("pb-export").getAttribute("download")`); got != "phonebook.vcf" {
		t.Errorf("the export link's download = %q", got)
	}

	// Turning notifications on asks the browser for permission, then
	// subscribes with the server's VAPID key. Headless Chromium has no push
	// service: its subscription never answers, and after a while the agent
	// is told so.
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "notifications"}, Setting: browser.PermissionSettingGranted, Origin: m.URL(),
	}); err != nil {
		t.Fatal(err)
	}
	step(t, ctx,
		waitJS(`document.getElementById("push-toggle").textContent.startsWith("Alerts off")`),
		chromedp.Click(chromedp.ID("push-toggle")),
	)
	// The app waits 15 s for a push service before giving up.
	waitCtx, cancel := context.WithTimeout(ctx, 40*time.Second)
	defer cancel()
	if err := chromedp.Do(waitCtx, waitJS(`document.getElementById("push-note").textContent !== ""`)); err != nil {
		t.Fatal(err)
	}
	note := text(t, ctx, "push-note")
	if note != "Notifications are on for this browser." && note != "This browser could not subscribe to notifications." &&
		note != "The browser's push service did not answer. Try again later." {
		t.Errorf("push note = %q", note)
	}
	t.Logf("push: %s", note)

	// On a phone the navigation is a tab bar at the bottom.
	step(t, ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Click(chromedp.ID("nav-availability")),
		chromedp.WaitVisible(chromedp.ID("slot-preview")),
		waitJS(`document.getElementById("app-nav").getBoundingClientRect().top > 700`),
	)
	shot(t, ctx, "phone-availability")
	step(t, ctx, chromedp.Click(chromedp.ID("nav-inbox")), chromedp.WaitVisible(chromedp.ID("view-open")))
	shot(t, ctx, "phone-inbox")
}

// TestAdminOffline opens the app a second time with the network down: the
// service worker brings the app, and the inbox shows the conversations it
// saw, under a banner saying so. Back online, the banner goes.
func TestAdminOffline(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	ctx := browsertest.New(t)
	g := &guest{t: t, m: m}
	conv := g.start("Sofia Marin", "sofia@example.com")
	g.send(conv.Token, "Are you open on Sunday?")
	row := "conv-" + strconv.FormatInt(conv.ID, 10)

	signIn(t, ctx, m.URL(), "anna@demo.frontdesk.test")
	step(t, ctx,
		chromedp.Click(chromedp.ID("view-open")),
		chromedp.WaitVisible(chromedp.ID(row)),
		chromedp.Click(chromedp.ID(row)),
		waitJS(`document.querySelector('#messages [data-seq="1"]') !== null`),
		// The conversation itself has arrived (and been saved) too, not
		// only its messages.
		waitJS(`document.getElementById("guest-name")?.textContent === "Sofia Marin"`),
	)
	// Installable: the manifest is linked and the service worker, with
	// the app's files cached, controls the page.
	if got := evalJS[string](t, ctx, `document.querySelector('link[rel="manifest"]')?.getAttribute("href") ?? ""`); !strings.HasSuffix(got, "manifest.webmanifest") {
		t.Errorf("manifest link = %q", got)
	}
	if got := adminAwait(t, ctx, `navigator.serviceWorker.ready.then(r => r.active.scriptURL)`); !strings.HasSuffix(got, "/app-worker.js") {
		t.Errorf("service worker = %q", got)
	}
	step(t, ctx, waitJS(`navigator.serviceWorker.controller !== null`))

	// Offline: reload the conversation's address.
	adminOffline(t, ctx, true)
	step(t, ctx,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("offline-banner")),
		chromedp.WaitVisible(chromedp.ID(row)),
		waitJS(`document.querySelector('#messages [data-seq="1"]')?.textContent.includes("open on Sunday") === true`),
	)
	if got := text(t, ctx, "offline-banner"); !strings.HasPrefix(got, "Offline — showing saved data from ") {
		t.Errorf("banner = %q", got)
	}
	if got := text(t, ctx, "agent-name"); got != "Anna Schmidt" {
		t.Errorf("offline, the top bar shows %q", got)
	}
	shot(t, ctx, "offline")
	// Other screens open offline too, with what they saved (nothing, for
	// the meetings never opened).
	step(t, ctx,
		chromedp.Click(chromedp.ID("nav-meetings")),
		chromedp.WaitVisible(chromedp.ID("meetings-error")),
		chromedp.WaitVisible(chromedp.ID("offline-banner")),
		chromedp.Click(chromedp.ID("nav-inbox")),
		chromedp.WaitVisible(chromedp.ID(row)),
	)

	// Online again: the live connection comes back and the banner goes.
	adminOffline(t, ctx, false)
	step(t, ctx,
		waitJS(`document.getElementById("connection").textContent === "Live"`),
		chromedp.WaitNotPresent(chromedp.ID("offline-banner")),
	)
	g.send(conv.Token, "Hello again")
	step(t, ctx, waitJS(`document.getElementById("conv-list").textContent.includes("Hello again")`))

	// Logging out erases the saved data.
	step(t, ctx,
		chromedp.Click(chromedp.ID("logout")),
		chromedp.WaitVisible(chromedp.ID("login-email")),
	)
	if n := evalJS[int](t, ctx, `Object.keys(localStorage).filter(k => k.startsWith("frontdesk.offline")).length`); n != 0 {
		t.Errorf("%d saved answers remain after logging out", n)
	}
}

// adminFill replaces a field's value as typing does: the page hears an
// input event.
func adminFill(id, value string) chromedp.Action[chromedp.Void] {
	return runJS(fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %q; e.dispatchEvent(new Event("input", {bubbles: true})); })()`, id, value))
}

// adminSelect chooses a select's option by value, as a person does.
func adminSelect(id, value string) chromedp.Action[chromedp.Void] {
	return runJS(fmt.Sprintf(`(() => {
		const e = document.getElementById(%q);
		if (![...e.options].some(o => o.value === %q)) throw new Error("no option %s");
		e.value = %q;
		e.dispatchEvent(new Event("change", {bubbles: true}));
	})()`, id, value, value, value))
}

// adminAwait evaluates a promise of a string in the page.
func adminAwait(t *testing.T, ctx context.Context, expr string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// adminOffline cuts the tab, and its service worker, from the network (or
// gives it back), as airplane mode does.
func adminOffline(t *testing.T, ctx context.Context, offline bool) {
	t.Helper()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	conditions := []*network.Conditions{}
	if offline {
		conditions = append(conditions, &network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
	}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: &offline, MatchedNetworkConditions: conditions,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
		Offline: offline, DownloadThroughput: -1, UploadThroughput: -1,
	}); err != nil {
		t.Fatal(err)
	}
}

// adminClient signs in over HTTP, for checking what the browser stored.
func adminClient(t *testing.T, base, email, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	res, err := hc.Post(base+"/api/v1/auth/login", "application/json",
		strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("sign in as %s: %d %s", email, res.StatusCode, b)
	}
	return hc
}

func adminGet(t *testing.T, hc *http.Client, u string, out any) {
	t.Helper()
	res, err := hc.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, res.StatusCode, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

func adminAgentID(t *testing.T, m *Main, email string) int64 {
	t.Helper()
	var agents []model.Agent
	adminGet(t, adminClient(t, m.URL(), "admin@demo.frontdesk.test", seed.DemoPassword), m.URL()+"/api/v1/agents", &agents)
	for _, a := range agents {
		if a.Email == email {
			return a.ID
		}
	}
	t.Fatalf("no agent %s", email)
	return 0
}

// TestAdminA11y runs axe-core over the screens besides the inbox, with
// their forms open.
func TestAdminA11y(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	ctx := browsertest.New(t)
	signIn(t, ctx, m.URL(), "admin@demo.frontdesk.test")
	screens := []struct {
		name    string
		actions []chromedp.Action[chromedp.Void]
	}{
		{"a11y-agents", []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(m.URL() + "/settings/agents"),
			chromedp.WaitVisible(chromedp.ID("agents-list")),
			chromedp.Click(chromedp.ID("agent-invite")),
			chromedp.WaitVisible(chromedp.ID("inv-email")),
			chromedp.Click(chromedp.ID("invite-send")),
			chromedp.WaitVisible(chromedp.ID("inv-email-error")),
		}},
		{"a11y-services", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.ID("settings-services")),
			chromedp.WaitVisible(chromedp.ID("services-list")),
			chromedp.Click(chromedp.ID("service-add")),
			chromedp.WaitVisible(chromedp.ID("service-form-unassignable")),
		}},
		{"a11y-widgets", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.ID("settings-widgets")),
			chromedp.WaitVisible(chromedp.ID("widget-snippet")),
			adminFill("widget-color", "#f59e0b"),
			chromedp.WaitVisible(chromedp.ID("widget-color-warning")),
		}},
		{"a11y-organization", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.ID("settings-organization")),
			chromedp.WaitVisible(chromedp.ID("org-name")),
		}},
		{"a11y-crm", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.ID("settings-crm")),
			chromedp.WaitVisible(chromedp.ID("crm-provider-none")),
			chromedp.Click(chromedp.ID("crm-provider-salesforce")),
			chromedp.WaitVisible(chromedp.ID("crm-sf-url")),
		}},
		{"a11y-integrations", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.ID("settings-integrations")),
			chromedp.WaitVisible(chromedp.ID("microsoft-tenant")),
			chromedp.Click(chromedp.ID("google-save")),
			chromedp.WaitVisible(chromedp.ID("google-client-id-error")),
		}},
		{"a11y-availability", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.ID("nav-availability")),
			chromedp.WaitVisible(chromedp.ID("slot-preview")),
			chromedp.Click(chromedp.ID("avail-add-override")),
			chromedp.WaitVisible(chromedp.ID("avail-override-0-date")),
		}},
		{"a11y-meetings", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.ID("nav-meetings")),
			chromedp.WaitVisible(chromedp.ID("meetings-list")),
		}},
		{"a11y-phonebook", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.ID("nav-phonebook")),
			chromedp.WaitVisible(chromedp.ID("pb-list")),
			chromedp.Click(chromedp.ID("pb-add")),
			chromedp.WaitVisible(chromedp.ID("pb-name")),
		}},
	}
	for _, s := range screens {
		step(t, ctx, s.actions...)
		expectNoViolations(t, ctx, s.name, "window")
	}
}
