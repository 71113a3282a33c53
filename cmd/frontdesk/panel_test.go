//go:build !js

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/frontdesk/frontdesk/app"
	"github.com/frontdesk/frontdesk/backend/browsertest"
	"github.com/frontdesk/frontdesk/backend/crm/crmtest"
	"github.com/frontdesk/frontdesk/backend/seed"
	"github.com/frontdesk/frontdesk/model"
)

// TestPanelAssign is the seed's "Assign conversation" and "Add contact to
// a phonebook", from the conversation's side panel. A visitor's chat
// reaches Anna; she assigns it to Support / Chiara and the conversation
// says so; Billing, whose only member has a Basic license, is listed but
// cannot be chosen, and the API refuses it too; she adds the guest to the
// phonebook, and adding again finds the contact; with "Apply and leave"
// she hands it to Ben: it leaves her Mine and appears in his, live.
func TestPanelAssign(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	anna := browsertest.New(t)
	signIn(t, anna, m.URL(), "anna@demo.frontdesk.test")

	g := &guest{t: t, m: m}
	conv := g.start("Maria Rossi", "maria@example.com")
	g.send(conv.Token, "Hello, I have a question about my invoice.")
	id := strconv.FormatInt(conv.ID, 10)
	row := "conv-" + id

	// The only Sales member online, Anna got it: it is in her Mine.
	step(t, anna,
		chromedp.Click(chromedp.ID("view-mine")),
		chromedp.WaitVisible(chromedp.ID(row)),
		chromedp.Click(chromedp.ID(row)),
		waitJS(`location.pathname === "/c/`+id+`"`),
		chromedp.WaitVisible(chromedp.ID("assign-service")),
		waitJS(`document.getElementById("conv-tags")?.textContent.includes("Sales") === true`),
	)
	if got := panelSelected(t, anna, "assign-service"); got != "Sales" {
		t.Errorf("Service field shows %q, want the conversation's, Sales", got)
	}
	// Nothing chosen yet: nothing to apply.
	panelWantDisabled(t, anna, "assign-apply", true)

	// (b) Billing is listed, disabled, with the seed's reason.
	billing := evalJS[string](t, anna, `(() => {
		const o = [...document.querySelectorAll("#assign-service option")].find(o => o.text.startsWith("Billing"));
		return o ? (o.disabled ? "disabled: " : "enabled: ") + o.text : "missing";
	})()`)
	if billing != "disabled: Billing — No member with a Standard license" {
		t.Errorf("Billing option = %q, want it listed and disabled with the reason", billing)
	}
	// And the API refuses it, whatever the page does.
	api := panelAPI(t, m.URL(), "anna@demo.frontdesk.test")
	services, err := api.Services(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var billingID int64
	for _, s := range services {
		if s.Name == "Billing" {
			billingID = s.ID
		}
	}
	_, err = api.Assign(context.Background(), conv.ID, model.AssignRequest{ServiceID: &billingID})
	if e, ok := model.AsError(err); !ok || e.Status != http.StatusUnprocessableEntity || e.Code != model.CodeServiceNotAssignable {
		t.Errorf("assigning to Billing by the API: %v, want 422 service_not_assignable", err)
	}

	// (a) Support / Chiara: the Assignee field lists Support's members.
	step(t, anna,
		panelChoose("assign-service", "Support"),
		waitJS(`[...document.querySelectorAll("#assign-assignee option")].map(o => o.text).join("|") === "Anyone in Support|Ben Carter|Chiara Rossi"`),
	)
	step(t, anna,
		panelChoose("assign-assignee", "Chiara Rossi"),
		// Her presence shows under the field once the choice is rendered
		// (and the buttons have moved down).
		waitJS(`document.getElementById("assign-presence")?.textContent === "Offline"`),
		chromedp.WaitEnabled(chromedp.ID("assign-apply")),
	)
	shot(t, anna, "assign-chosen")
	step(t, anna,
		chromedp.Click(chromedp.ID("assign-apply")),
		waitJS(`[...document.querySelectorAll("#messages .msg-system")].some(e => e.textContent.includes("Anna Schmidt assigned this conversation to Support / Chiara Rossi."))`),
		waitJS(`document.getElementById("assign-done").textContent === "Assigned to Support / Chiara Rossi."`),
		waitJS(`document.getElementById("conv-tags").textContent.includes("Support")`),
	)
	if got := text(t, anna, "panel-conversation"); !strings.Contains(got, "Chiara Rossi") {
		t.Errorf("Conversation section = %q, want Chiara as the assignee", got)
	}
	if got := panelSelected(t, anna, "assign-assignee"); got != "Chiara Rossi" {
		t.Errorf("Assignee field shows %q after applying, want Chiara", got)
	}
	shot(t, anna, "assigned")

	// Choosing Billing by hand (the option is disabled, a script is not)
	// disables both buttons, and says why.
	step(t, anna, chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.getElementById("assign-service");
		s.value = [...s.options].find(o => o.text.startsWith("Billing")).value;
		s.dispatchEvent(new Event("change", {bubbles: true}));
	})()`), waitJS(`document.getElementById("assign-hint").textContent === "Billing has no member with a Standard license, so conversations cannot be assigned to it."`))
	panelWantDisabled(t, anna, "assign-apply", true)
	panelWantDisabled(t, anna, "assign-leave", true)
	shot(t, anna, "billing")

	// (d) The phonebook form is the guest's, and a second "Add" finds the
	// contact.
	step(t, anna,
		chromedp.Click(chromedp.ID("pb-open")),
		chromedp.WaitVisible(chromedp.ID("pb-name")),
	)
	for field, want := range map[string]string{"pb-name": "Maria Rossi", "pb-email": "maria@example.com", "pb-phone": "", "pb-company": ""} {
		if got := evalJS[string](t, anna, `document.getElementById("`+field+`").value`); got != want {
			t.Errorf("%s = %q, want %q from the guest", field, got, want)
		}
	}
	step(t, anna,
		chromedp.SendKeys(chromedp.ID("pb-phone"), "+39 06 1234567"),
		chromedp.Click(chromedp.ID("pb-add")),
		waitJS(`document.getElementById("pb-status").textContent === "Added Maria Rossi to the phonebook."`),
		chromedp.Click(chromedp.ID("pb-add")),
		waitJS(`document.getElementById("pb-status").textContent === "Already in the phonebook as Maria Rossi (maria@example.com, +39 06 1234567)."`),
		chromedp.WaitVisible(chromedp.ID("pb-update")),
	)
	shot(t, anna, "phonebook-exists")
	step(t, anna,
		chromedp.SendKeys(chromedp.ID("pb-company"), "Acme Italia"),
		chromedp.Click(chromedp.ID("pb-update")),
		waitJS(`document.getElementById("pb-status").textContent === "Updated Maria Rossi in the phonebook."`),
	)
	contacts := api.contacts(t, "maria")
	if len(contacts) != 1 || contacts[0].Company != "Acme Italia" || contacts[0].Phone != "+39 06 1234567" {
		t.Errorf("phonebook has %+v, want Maria once, updated", contacts)
	}

	// No CRM is connected in the demo: the button says what to do.
	step(t, anna,
		chromedp.Click(chromedp.ID("crm-lead")),
		waitJS(`document.getElementById("crm-lead-error").textContent === "No CRM connected — an admin can connect one in Settings."`),
	)

	// (c) Apply and leave, to Sales / Ben, who has his Mine open.
	ben := browsertest.NewContext(t, anna)
	signIn(t, ben, m.URL(), "ben@demo.frontdesk.test")
	step(t, ben, chromedp.Click(chromedp.ID("view-mine")), chromedp.WaitVisible(chromedp.ID("conv-list-empty")))
	step(t, anna,
		chromedp.Click(chromedp.ID("view-mine")),
		chromedp.WaitVisible(chromedp.ID(row)),
		panelChoose("assign-service", "Sales"),
		panelChoose("assign-assignee", "Ben Carter · online"),
		waitJS(`document.getElementById("assign-presence")?.textContent === "Online"`),
		chromedp.WaitEnabled(chromedp.ID("assign-leave")),
		chromedp.Click(chromedp.ID("assign-leave")),
		// She is out of it: the conversation closes and leaves her Mine.
		waitJS(`location.pathname === "/"`),
		chromedp.WaitNotPresent(chromedp.ID(row)),
	)
	step(t, ben,
		chromedp.WaitVisible(chromedp.ID(row)),
		chromedp.Click(chromedp.ID(row)),
		waitJS(`[...document.querySelectorAll("#messages .msg-system")].some(e => e.textContent.includes("assigned this conversation to Sales / Ben Carter. Anna Schmidt left the conversation."))`),
	)
	shot(t, ben, "ben")
	// Still open, and in All open for Anna.
	step(t, anna,
		chromedp.Click(chromedp.ID("view-open")),
		chromedp.WaitVisible(chromedp.ID(row)),
	)
}

// TestPanelMeetingCard is the seed's "Manage scheduled meetings" from the
// side panel: a guest books Anna; in the meeting's conversation Anna sees
// when it is, in her zone and the guest's, changes its duration,
// reschedules it to another of her free slots, and deletes it; each change
// is announced in the conversation.
func TestPanelMeetingCard(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	booking := bookFirstSlot(t, m.URL(), "anna", "America/New_York", "Giulia Bianchi", "giulia@example.com")
	ctx := browsertest.New(t)
	signIn(t, ctx, m.URL(), "anna@demo.frontdesk.test")

	id := strconv.FormatInt(booking.Meeting.ConversationID, 10)
	step(t, ctx,
		chromedp.Navigate(m.URL()+"/c/"+id),
		chromedp.WaitVisible(chromedp.ID("meeting-card")),
		waitJS(`document.querySelectorAll("#meeting-when .meeting-card-time").length === 2`),
		chromedp.WaitEnabled(chromedp.ID("meeting-duration")),
	)
	when := text(t, ctx, "meeting-when")
	for _, want := range []string{"Your time · Europe/Berlin", "Guest's time · America/New_York"} {
		if !strings.Contains(when, want) {
			t.Errorf("meeting time %q lacks %q", when, want)
		}
	}
	if got := text(t, ctx, "meeting-length"); got != "30 min" {
		t.Errorf("length = %q, want 30 min", got)
	}
	if strings.Contains(text(t, ctx, "meeting-card"), "equence") {
		t.Error("the card shows the iCalendar SEQUENCE")
	}
	shot(t, ctx, "meeting")

	// Duration: one of Anna's offered durations.
	step(t, ctx,
		waitJS(`[...document.querySelectorAll("#meeting-duration option")].map(o => o.text).join("|") === "15 min|30 min|1 h"`),
		panelChoose("meeting-duration", "1 h"),
		chromedp.WaitEnabled(chromedp.ID("meeting-duration-apply")),
		chromedp.Click(chromedp.ID("meeting-duration-apply")),
		waitJS(`document.getElementById("meeting-done").textContent === "The meeting now lasts 1 h."`),
		waitJS(`document.getElementById("meeting-length").textContent === "1 h"`),
		waitJS(`document.querySelectorAll("#messages .msg-system").length >= 2`),
	)

	// Reschedule to another free slot of an hour.
	step(t, ctx,
		chromedp.Click(chromedp.ID("meeting-reschedule")),
		chromedp.WaitVisible(chromedp.ID("meeting-slot")),
	)
	before := evalJS[string](t, ctx, `document.querySelector("#meeting-when .meeting-card-time-text").textContent`)
	slot := evalJS[string](t, ctx, `document.querySelectorAll("#meeting-slot option")[3].value`)
	shot(t, ctx, "reschedule")
	step(t, ctx,
		chromedp.Evaluate[chromedp.Void](`(() => {
			const s = document.getElementById("meeting-slot");
			s.value = `+strconv.Quote(slot)+`;
			s.dispatchEvent(new Event("change", {bubbles: true}));
		})()`),
		chromedp.Click(chromedp.ID("meeting-reschedule-apply")),
		waitJS(`document.getElementById("meeting-done").textContent.startsWith("Meeting moved to ")`),
		chromedp.WaitNotPresent(chromedp.ID("meeting-slot")),
	)
	after := evalJS[string](t, ctx, `document.querySelector("#meeting-when .meeting-card-time-text").textContent`)
	if after == before {
		t.Errorf("the card still says %q after rescheduling", after)
	}
	api := panelAPI(t, m.URL(), "anna@demo.frontdesk.test")
	got, err := api.ConversationMeeting(context.Background(), booking.Meeting.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := time.Parse(time.RFC3339, slot)
	if !got.Start.Equal(want) || got.Duration != 60 {
		t.Errorf("meeting is %s for %d min, want %s for 60", got.Start, got.Duration, want)
	}

	// Delete, after confirming.
	step(t, ctx,
		chromedp.Click(chromedp.ID("meeting-delete")),
		chromedp.WaitVisible(chromedp.ID("meeting-delete-confirm")),
	)
	shot(t, ctx, "delete")
	step(t, ctx,
		chromedp.Click(chromedp.ID("meeting-delete-confirm")),
		waitJS(`document.getElementById("meeting-status").textContent === "Cancelled"`),
		chromedp.WaitNotPresent(chromedp.ID("meeting-delete")),
	)
	if got, err := api.ConversationMeeting(context.Background(), booking.Meeting.ConversationID); err != nil || got.Status != model.MeetingCancelled {
		t.Errorf("meeting after deleting: %+v, %v", got, err)
	}
	if n := evalJS[int](t, ctx, `document.querySelectorAll("#messages .msg-system").length`); n < 4 {
		t.Errorf("%d system messages, want the booking and the three changes announced", n)
	}
	shot(t, ctx, "cancelled")
}

// TestPanelCRM is the seed's conversation tags and "Create CRM lead" with
// a CRM on loopback (a Salesforce that speaks its REST API): the guest's
// company is looked up and tagged, in the list and the side panel, live;
// a lead the CRM refuses says why and can be retried; then it links to
// the record.
func TestPanelCRM(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	sf := crmtest.NewSalesforce(t)
	account := sf.AddAccount("Acme Italia", "https://www.acme.example")
	sf.AddContact("Luca", "Verdi", "luca@acme.example", account)
	ada := panelAPI(t, m.URL(), "admin@demo.frontdesk.test")
	ada.do(t, http.MethodPut, "/api/v1/crm", model.CRMInput{
		Provider: "salesforce", SalesforceInstanceURL: sf.URL(),
		SalesforceClientID: sf.ClientID, SalesforceClientSecret: sf.ClientSecret,
	}, &model.CRMSettings{})

	ctx := browsertest.New(t)
	signIn(t, ctx, m.URL(), "anna@demo.frontdesk.test")
	step(t, ctx, chromedp.Click(chromedp.ID("view-open")))
	g := &guest{t: t, m: m}
	conv := g.start("Luca Verdi", "luca@acme.example")
	g.send(conv.Token, "Can we get a quote for 20 seats?")
	id := strconv.FormatInt(conv.ID, 10)
	row := "conv-" + id

	// The company arrives with the lookup, in the row and the panel.
	step(t, ctx,
		waitJS(`document.querySelector("#`+row+` .tag-company")?.textContent === "Acme Italia"`),
		chromedp.Click(chromedp.ID(row)),
		waitJS(`document.querySelector("#conv-tags a.tag-company")?.textContent === "Acme Italia"`),
	)
	link := evalJS[map[string]string](t, ctx, `(a => ({href: a.href, target: a.target, rel: a.rel}))(document.querySelector("#conv-tags a.tag-company"))`)
	if !strings.HasPrefix(link["href"], sf.URL()+"/") || !strings.Contains(link["href"], account) || link["target"] != "_blank" || !strings.Contains(link["rel"], "noopener") {
		t.Errorf("company tag links %+v, want the Account's record in a new tab, without opener", link)
	}

	// The CRM refuses the lead: the panel says why and offers to retry.
	sf.Inject(crmtest.Fault{Method: http.MethodPost, Path: "/services/data/", Status: http.StatusBadRequest})
	step(t, ctx,
		// The panel has settled: sections above have their final height.
		chromedp.WaitVisible(chromedp.ID("assign-service")),
		chromedp.WaitEnabled(chromedp.ID("crm-lead")),
		chromedp.Click(chromedp.ID("crm-lead")),
		waitJS(`document.getElementById("crm-lead-failed")?.textContent.includes("country code") === true`),
		chromedp.WaitVisible(chromedp.ID("crm-lead-retry")),
	)
	shot(t, ctx, "crm-failed")
	step(t, ctx,
		chromedp.Click(chromedp.ID("crm-lead-retry")),
		chromedp.WaitVisible(chromedp.ID("crm-lead-link")),
	)
	shot(t, ctx, "crm-done")
	if got := text(t, ctx, "crm-lead-link"); got != "Open in Salesforce" {
		t.Errorf("lead link says %q", got)
	}
	leads := sf.Leads()
	href := evalJS[string](t, ctx, `document.getElementById("crm-lead-link").href`)
	if len(leads) != 1 || leads[0].Email != "luca@acme.example" || !strings.Contains(href, leads[0].ID) {
		t.Errorf("Salesforce has leads %+v; the link goes to %s", leads, href)
	}
}

// panelChoose picks the option of a <select> whose text starts with label,
// as a person does: the option must be enabled, and the page hears the
// change.
func panelChoose(id, label string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		// Wait for the option: the fields fill in as data arrives.
		if _, err := chromedp.Poll[bool](fmt.Sprintf(`[...(document.getElementById(%q)?.options ?? [])].some(o => o.text.startsWith(%q) && !o.disabled)`, id, label),
			chromedp.WithPollingInterval(50*time.Millisecond))(ctx, t); err != nil {
			return fmt.Errorf("waiting for option %q of #%s: %w", label, id, err)
		}
		_, err := chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
			const s = document.getElementById(%q);
			s.value = [...s.options].find(o => o.text.startsWith(%q) && !o.disabled).value;
			s.dispatchEvent(new Event("change", {bubbles: true}));
		})()`, id, label))(ctx, t)
		return err
	})
}

// panelSelected is the text of a select's chosen option.
func panelSelected(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	return evalJS[string](t, ctx, fmt.Sprintf(`(s => s.options[s.selectedIndex]?.text ?? "")(document.getElementById(%q))`, id))
}

func panelWantDisabled(t *testing.T, ctx context.Context, id string, want bool) {
	t.Helper()
	if got := evalJS[bool](t, ctx, fmt.Sprintf(`document.getElementById(%q).disabled`, id)); got != want {
		t.Errorf("#%s disabled = %v, want %v", id, got, want)
	}
}

// panelAgent is an agent speaking the API with the app's own client, for
// checking what the server holds.
type panelAgent struct {
	*app.Client
	hc      *http.Client // with the session cookie
	base    string
	session model.Session
}

func panelAPI(t *testing.T, base, email string) *panelAgent {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	c := app.NewClient(base, hc)
	s, err := c.Login(context.Background(), model.LoginRequest{Email: email, Password: seed.DemoPassword})
	if err != nil {
		t.Fatalf("sign in %s: %v", email, err)
	}
	return &panelAgent{Client: c, hc: hc, base: base, session: s}
}

// contacts searches the phonebook.
func (a *panelAgent) contacts(t *testing.T, q string) []model.Contact {
	t.Helper()
	var list []model.Contact
	panelDo(t, a.hc, "", http.MethodGet, a.base+"/api/v1/phonebook?q="+url.QueryEscape(q), nil, &list)
	return list
}

// do calls an endpoint the app's client has no method for.
func (a *panelAgent) do(t *testing.T, method, path string, in, out any) {
	t.Helper()
	panelDo(t, a.hc, a.session.CSRFToken, method, a.base+path, in, out)
}

// bookFirstSlot books the first free 30-minute slot of an agent's, as a
// guest in zone does on the booking page.
func bookFirstSlot(t *testing.T, base, slug, zone, name, email string) model.Booking {
	t.Helper()
	from := time.Now().Format(time.DateOnly)
	to := time.Now().AddDate(0, 0, 13).Format(time.DateOnly)
	var slots model.SlotList
	panelDo(t, http.DefaultClient, "", http.MethodGet, base+"/api/v1/public/links/"+slug+"/slots?"+url.Values{
		"from": {from}, "to": {to}, "duration": {"30"}, "tz": {zone},
	}.Encode(), nil, &slots)
	if len(slots.Slots) == 0 {
		t.Fatalf("%s has no free slot in two weeks", slug)
	}
	var b model.Booking
	panelDo(t, http.DefaultClient, "", http.MethodPost, base+"/api/v1/public/links/"+slug+"/meetings", model.BookingRequest{
		Start: slots.Slots[0], Duration: 30, TimeZone: zone,
		Name: name, Email: email, Notes: "Pricing",
	}, &b)
	if b.Meeting.ConversationID == 0 {
		t.Fatalf("booking = %+v", b)
	}
	return b
}

// panelDo sends in as JSON (with a CSRF token, when not empty) and decodes
// the answer into out; any error answer fails the test.
func panelDo(t *testing.T, hc *http.Client, csrf, method, u string, in, out any) {
	t.Helper()
	var body strings.Builder
	if in != nil {
		if err := json.NewEncoder(&body).Encode(in); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, u, strings.NewReader(body.String()))
	if err != nil {
		t.Fatal(err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if csrf != "" {
		req.Header.Set(model.CSRFHeader, csrf)
	}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		var e model.ErrorResponse
		json.NewDecoder(res.Body).Decode(&e)
		t.Fatalf("%s %s: %d %+v", method, u, res.StatusCode, e.Error)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatalf("%s %s: decode: %v", method, u, err)
	}
}
