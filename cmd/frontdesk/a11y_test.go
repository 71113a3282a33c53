//go:build !js

package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/frontdesk/frontdesk/backend/browsertest"
	"github.com/frontdesk/frontdesk/model"
)

// axePath is where `make deps-axe` installs axe-core from npm, relative to
// this package.
const axePath = "../../.cache/npm/node_modules/axe-core/axe.min.js"

// axeTags are the rules axe runs: WCAG 2.0 and 2.1, levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

var (
	axeOnce sync.Once
	axeJS   string
	axeErr  error
)

// axeSource reads axe-core once per test binary.
func axeSource(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		var b []byte
		b, axeErr = os.ReadFile(axePath)
		axeJS = string(b)
	})
	if axeErr != nil {
		abs, _ := filepath.Abs(axePath)
		t.Fatalf("axe-core is not installed at %s (%v): run `make deps` (its deps-axe step runs npm install axe-core into .cache/npm)", abs, axeErr)
	}
	return axeJS
}

// axeViolation is one failed rule on one page, as axe-core reports it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target         []any  `json:"target"`
		FailureSummary string `json:"failureSummary"`
		HTML           string `json:"html"`
	} `json:"nodes"`
}

// String lists the rule and every element that breaks it.
func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n\t\t%v %s\n\t\t\t%s", n.Target, n.HTML, strings.ReplaceAll(n.FailureSummary, "\n", "\n\t\t\t"))
	}
	return b.String()
}

// axeKeys names each (rule, element) pair of violations, for comparing runs.
func axeKeys(vs []axeViolation) []string {
	var keys []string
	for _, v := range vs {
		for _, n := range v.Nodes {
			keys = append(keys, fmt.Sprintf("%s %v", v.ID, n.Target))
		}
	}
	sort.Strings(keys)
	return keys
}

// bypassCSP lets the test inject axe-core into pages whose CSP allows only
// their own scripts. It must be called before navigating.
func bypassCSP(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
}

// runAxe injects axe-core into the document that docExpr names (a
// JavaScript expression for a Window: "window", or the widget's frame) and
// returns its WCAG 2.1 A and AA violations there. Frames inside that
// document are checked on their own.
func runAxe(t *testing.T, ctx context.Context, win string) []axeViolation {
	t.Helper()
	src := axeSource(t)
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	// Let transitions (the frame fading in) settle: axe measures colours
	// as they are painted.
	if _, err := chromedp.Run(ctx, chromedp.Sleep(400*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	inject := fmt.Sprintf(`(() => { const w = %s; if (!w.axe) w.eval(%s); return true })()`, win, jsString(src))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](inject)); err != nil {
		t.Fatalf("inject axe-core into %s: %v", win, err)
	}
	tags := `["` + strings.Join(axeTags, `","`) + `"]`
	run := fmt.Sprintf(`(() => { const w = %s; return w.axe.run(w.document, {runOnly: {type: "tag", values: %s}, iframes: false, resultTypes: ["violations"]}).then(r => r.violations) })()`, win, tags)
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe-core in %s: %v", win, err)
	}
	return vs
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/50 + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\u2028', '\u2029':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// frameWin is the widget's frame on the demo page, as a Window.
const frameWin = `document.getElementById("fd-frame").contentWindow`

// expectNoViolations fails the test for each of axe's findings on the
// screen called name, and saves a screenshot of it.
func expectNoViolations(t *testing.T, ctx context.Context, name, win string) {
	t.Helper()
	vs := runAxe(t, ctx, win)
	shot(t, ctx, name)
	for _, v := range vs {
		t.Errorf("%s: %s", name, v)
	}
}

// TestA11yAxeFindsViolations proves the checks below can fail: axe-core,
// injected the same way, finds an image without alt text and a field
// without a label.
func TestA11yAxeFindsViolations(t *testing.T) {
	t.Parallel()
	ctx := browsertest.New(t)
	step(t, ctx, chromedp.Navigate(`data:text/html,<!doctype html><html lang="en"><title>x</title><main><img src="data:,"><input id="q"></main></html>`))
	ids := map[string]bool{}
	for _, v := range runAxe(t, ctx, "window") {
		ids[v.ID] = true
	}
	for _, want := range []string{"image-alt", "label"} {
		if !ids[want] {
			t.Errorf("axe-core did not report %s; it reported %v", want, ids)
		}
	}
}

// TestA11yVisitorPages runs axe-core over every screen a guest sees: the
// demo website with the launcher, the widget's pre-chat form, conversation
// and offline form, the widget's own booking, the personal link page, each
// step of the booking page with its confirmation, and the guest's meeting
// page. None may break a WCAG 2.1 A or AA rule.
func TestA11yVisitorPages(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	ctx := browsertest.New(t)
	bypassCSP(t, ctx)
	inZone(t, ctx, "Europe/Berlin")

	// The website with the launcher, then the widget.
	step(t, ctx,
		chromedp.EmulateViewport(1280, 860),
		chromedp.Navigate(m.URL()+"/demo"),
		chromedp.WaitVisible(chromedp.ID("fd-launcher")),
	)
	expectNoViolations(t, ctx, "demo", "window")
	step(t, ctx,
		chromedp.Click(chromedp.ID("fd-launcher")),
		waitFrame(`d.getElementById("prechat-name") && d.getElementById("prechat-name").offsetParent`),
	)
	expectNoViolations(t, ctx, "widget-prechat", frameWin)
	// The pre-chat form with its errors.
	step(t, ctx,
		clickInFrame("prechat-submit"),
		waitFrame(`!d.getElementById("prechat-name-error").hidden`),
	)
	expectNoViolations(t, ctx, "widget-prechat-errors", frameWin)
	step(t, ctx,
		typeInFrame("prechat-name", "Ada Lovelace"),
		typeInFrame("prechat-email", "ada@example.com"),
		clickInFrame("prechat-submit"),
		waitFrame(`d.getElementById("composer") && d.getElementById("composer").offsetParent`),
		typeInFrame("composer", "Hello, is anyone there?"),
		clickInFrame("send"),
		waitFrame(`d.querySelector('#messages [data-seq="1"]')`),
		typeInFrame("composer", "I would like to know about your prices."),
		clickInFrame("send"),
		waitFrame(`d.querySelector('#messages [data-seq="2"]')`),
	)
	expectNoViolations(t, ctx, "widget-conversation", frameWin)
	// Booking inside the widget's frame.
	step(t, ctx,
		waitFrame(`d.getElementById("book-meeting").hidden === false`),
		clickInFrame("book-meeting"),
		waitFrame(`d.querySelector("#days button.bk-day--free")`),
	)
	expectNoViolations(t, ctx, "widget-booking", frameWin)

	// The offline form: a conversation without an email while nobody is
	// online, opened by its link.
	// (A personal link's chat may start without an email.)
	g := &guest{t: t, m: m}
	var conv model.GuestConversation
	g.do(http.MethodPost, "/api/v1/public/links/anna/conversations",
		model.StartConversation{VisitorToken: "a11y-offline-visitor-token-0001", Name: "Offline Guest"}, &conv)
	step(t, ctx,
		chromedp.Navigate(m.URL()+"/chat/"+conv.Token),
		untilJS(`document.getElementById("offline-email")?.offsetParent != null`),
	)
	expectNoViolations(t, ctx, "chat-offline", "window")

	// The personal link and every step of booking.
	step(t, ctx,
		chromedp.Navigate(m.URL()+"/l/anna"),
		chromedp.WaitVisible(chromedp.ID("link-book")),
	)
	expectNoViolations(t, ctx, "link", "window")
	step(t, ctx,
		chromedp.Navigate(m.URL()+"/l/anna/chat"),
		untilJS(`document.getElementById("prechat-name")?.offsetParent != null`),
	)
	expectNoViolations(t, ctx, "link-chat", "window")
	step(t, ctx,
		chromedp.Navigate(m.URL()+"/l/anna/book"),
		untilJS(`document.querySelector("#days button.bk-day--free") !== null`),
	)
	expectNoViolations(t, ctx, "book-month", "window")
	step(t, ctx, pickFreeDay(""))
	expectNoViolations(t, ctx, "book-slots", "window")
	step(t, ctx,
		chromedp.Click(chromedp.CSS(`#slots button[data-start]`)),
		chromedp.WaitVisible(chromedp.ID("book-name")),
	)
	expectNoViolations(t, ctx, "book-form", "window")
	step(t, ctx,
		chromedp.SendKeys(chromedp.ID("book-email"), "not an email"),
		chromedp.Click(chromedp.ID("book-submit")),
		chromedp.WaitVisible(chromedp.ID("book-name-error")),
	)
	expectNoViolations(t, ctx, "book-form-errors", "window")
	step(t, ctx,
		chromedp.SendKeys(chromedp.ID("book-name"), "Ada Lovelace"),
		runJS(`document.getElementById("book-email").value = ""`),
		chromedp.SendKeys(chromedp.ID("book-email"), "ada@example.com"),
		chromedp.Click(chromedp.ID("book-submit")),
		chromedp.WaitVisible(chromedp.ID("confirmation")),
	)
	expectNoViolations(t, ctx, "book-confirmation", "window")
	manage := evalJS[string](t, ctx, `document.getElementById("manage-link").href`)
	step(t, ctx,
		chromedp.Navigate(manage),
		chromedp.WaitVisible(chromedp.ID("manage-reschedule")),
	)
	expectNoViolations(t, ctx, "manage", "window")
	step(t, ctx,
		chromedp.Click(chromedp.ID("manage-reschedule")),
		untilJS(`document.querySelector("#days button.bk-day--free") !== null`),
	)
	expectNoViolations(t, ctx, "manage-reschedule", "window")
}

// knownInboxViolations are the inbox's findings the agent app's owners
// have yet to fix (see the accessibility report); the test fails on any
// other, and when one of these is gone, so the list only shrinks.
var knownInboxViolations = []string{}

// TestA11yAgentApp runs axe-core over the agent app's sign-in screen and
// inbox.
func TestA11yAgentApp(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	ctx := browsertest.New(t)
	step(t, ctx,
		chromedp.EmulateViewport(1440, 900),
		chromedp.Navigate(m.URL()+"/login"),
		chromedp.WaitEnabled(chromedp.ID("login-submit")),
	)
	expectNoViolations(t, ctx, "login", "window")
	step(t, ctx,
		chromedp.SendKeys(chromedp.ID("login-email"), "anna@demo.frontdesk.test"),
		chromedp.SendKeys(chromedp.ID("login-password"), "wrong password"),
		chromedp.Click(chromedp.ID("login-submit")),
		waitJS(`document.getElementById("login-error").textContent !== ""`),
	)
	expectNoViolations(t, ctx, "login-error", "window")

	g := &guest{t: t, m: m}
	conv := g.start("Maria Rossi", "maria@example.com")
	g.send(conv.Token, "Hello! Do you ship to Italy?")
	signIn(t, ctx, m.URL(), "anna@demo.frontdesk.test")
	step(t, ctx,
		chromedp.Click(chromedp.ID("view-open")),
		chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("conv-%d", conv.ID))),
	)
	list := runAxe(t, ctx, "window")
	shot(t, ctx, "inbox")
	step(t, ctx,
		chromedp.Click(chromedp.ID(fmt.Sprintf("conv-%d", conv.ID))),
		waitJS(`document.querySelector('#messages [data-seq="1"]') !== null`),
	)
	open := runAxe(t, ctx, "window")
	shot(t, ctx, "inbox-conversation")

	got := map[string]bool{}
	for _, v := range append(list, open...) {
		for _, k := range axeKeys([]axeViolation{v}) {
			if !got[k] {
				got[k] = true
				t.Logf("inbox: %s", k)
			}
		}
	}
	reported := map[string]bool{}
	for _, v := range append(list, open...) {
		for _, k := range axeKeys([]axeViolation{v}) {
			if !contains(knownInboxViolations, k) && !reported[k] {
				reported[k] = true
				t.Errorf("inbox: new violation %s", v)
			}
		}
	}
	for _, k := range knownInboxViolations {
		if !got[k] {
			t.Errorf("inbox: %q is fixed: remove it from knownInboxViolations", k)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestA11yBrandColours: whatever colour a site owner picks, the widget's
// text on it keeps WCAG AA contrast (the frame picks black or white text
// for it).
func TestA11yBrandColours(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	ctx := browsertest.New(t)
	bypassCSP(t, ctx)
	bg := context.Background()
	wd, err := m.db.WidgetByKey(bg, "wk_demo_website")
	if err != nil {
		t.Fatal(err)
	}
	for _, color := range []string{"#fde047", "#767676", "#22c55e", "#1e1b4b", "#ff00ff"} {
		wd.Color = color
		if _, err := m.db.UpdateWidget(bg, wd.OrganizationID, wd); err != nil {
			t.Fatal(err)
		}
		// A message of the guest's shows the colour behind text too.
		step(t, ctx,
			chromedp.Navigate(m.URL()+"/widget/frame?key=wk_demo_website"),
			untilJS(`document.getElementById("prechat-name")?.offsetParent != null`),
			runJS(`document.getElementById("messages").insertAdjacentHTML("beforeend", '<li class="fd-msg fd-msg--guest"><p class="fd-bubble">Hello</p></li>')`),
		)
		expectNoViolations(t, ctx, "brand-"+color[1:], "window")
	}
}

// TestA11yReducedMotion: with prefers-reduced-motion, neither the
// launcher nor the widget nor the booking page animates.
func TestA11yReducedMotion(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	ctx := browsertest.New(t)
	// Whether an element (or its pseudo-element) has a transition or an
	// animation that takes time.
	const moving = `((w, el, pseudo) => { const s = w.getComputedStyle(el, pseudo);
		const takes = v => v.split(",").map(parseFloat).some(d => d > 0);
		return takes(s.transitionDuration) || (s.animationName !== "none" && takes(s.animationDuration)); })`
	step(t, ctx,
		chromedp.Navigate(m.URL()+"/demo"),
		chromedp.WaitVisible(chromedp.ID("fd-launcher")),
		chromedp.Click(chromedp.ID("fd-launcher")),
		waitFrame(`d.getElementById("prechat-name")?.offsetParent`),
	)
	frame := `document.getElementById("fd-frame")`
	// Without the preference the widget does move (the check can fail).
	if !evalJS[bool](t, ctx, moving+`(window, `+frame+`)`) {
		t.Fatal("the frame does not move even without prefers-reduced-motion")
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, expr string }{
		{"launcher", moving + `(window, document.getElementById("fd-launcher"))`},
		{"frame", moving + `(window, ` + frame + `)`},
		{"typing dots", moving + `(` + frame + `.contentWindow, ` + frame + `.contentDocument.getElementById("typing"), "::after")`},
	} {
		if evalJS[bool](t, ctx, c.expr) {
			t.Errorf("the %s moves despite prefers-reduced-motion", c.name)
		}
	}
}
