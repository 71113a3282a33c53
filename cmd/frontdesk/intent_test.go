//go:build !js

package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/frontdesk/frontdesk/backend/browsertest"
	"github.com/frontdesk/frontdesk/model"
)

// Issue #18: the loader draws the launcher and loads nothing else until the
// visitor reaches for it.

// settled resolves once the host page has loaded and then been idle for a
// second: long enough for any prefetch the loader would start on its own
// (the old one waited for the first idle moment after load).
const settled = `new Promise(resolve => {
  const wait = () => requestIdleCallback(() => setTimeout(() => resolve(true), 1000));
  document.readyState === "complete" ? wait() : addEventListener("load", wait);
})`

// settle waits for the host page to settle (see settled).
func settle(t *testing.T, ctx context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](settled, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("the page did not settle: %v", err)
	}
}

// requested lists what the host page has fetched (its resource timing).
const requested = `performance.getEntriesByType("resource").map(e => new URL(e.name).pathname)`

// center is the middle of an element of the page, in CSS pixels.
func center(t *testing.T, ctx context.Context, selector string) (x, y float64) {
	t.Helper()
	r := evalJS[[]float64](t, ctx, `(() => { const r = document.querySelector(`+strconv.Quote(selector)+`).getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`)
	return r[0], r[1]
}

// hover moves the mouse onto an element, as a person about to click does.
func hover(t *testing.T, ctx context.Context, selector string) chromedp.Action[chromedp.Void] {
	x, y := center(t, ctx, selector)
	return chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y)
}

// noFrameYet checks that the page has made no frame and fetched nothing
// but the loader.
func noFrameYet(t *testing.T, ctx context.Context) {
	t.Helper()
	if evalJS[bool](t, ctx, `!!document.getElementById("fd-frame")`) {
		t.Fatal("the loader made the frame without intent")
	}
	for _, p := range evalJS[[]string](t, ctx, requested) {
		if p != "/widget.js" && p != "/favicon.ico" { // the browser's own request
			t.Errorf("the host page fetched %s without intent", p)
		}
	}
}

// TestWidgetWeighsNothingUntilIntent: a page view without intent fetches
// nothing but the loader and makes no frame; the pointer entering the
// launcher loads the chat (still closed) and the click opens it. A visitor
// with an open conversation then gets the frame at once on the next page
// view, and an agent's reply raises the badge live while the chat is
// closed.
func TestWidgetWeighsNothingUntilIntent(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	ctx := browsertest.New(t)
	step(t, ctx,
		chromedp.EmulateViewport(1280, 860),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 5, 5),
		chromedp.Navigate(m.URL()+"/demo"),
		chromedp.WaitVisible(chromedp.ID("fd-launcher")),
	)
	settle(t, ctx)
	noFrameYet(t, ctx)

	// Hover: the chat loads behind the closed launcher.
	step(t, ctx,
		hover(t, ctx, "#fd-launcher"),
		waitFrame(`d.getElementById("prechat-name") && d.getElementById("prechat-email-field") && !d.getElementById("prechat-email-field").hidden`),
	)
	if evalJS[bool](t, ctx, `document.getElementById("fd-widget").classList.contains("fd-open")`) {
		t.Fatal("hovering opened the chat")
	}
	if got := evalJS[[]string](t, ctx, `performance.getEntriesByType("resource").map(e => e.name)`); len(got) < 2 {
		t.Errorf("after the hover the page fetched only %v", got)
	}

	// The click opens it, with focus in the first field.
	x, y := center(t, ctx, "#fd-launcher")
	step(t, ctx,
		chromedp.MouseClickXY(x, y),
		waitFrame(`d.activeElement && d.activeElement.id === "prechat-name"`),
		typeInFrame("prechat-name", "Ida Intent"),
		typeInFrame("prechat-email", "ida@example.com"),
		clickInFrame("prechat-submit"),
		waitFrame(`d.getElementById("composer") && d.getElementById("composer").offsetParent`),
		typeInFrame("composer", "Do you do payroll?"),
		clickInFrame("send"),
		waitFrame(`d.querySelector('#messages [data-seq="1"]')`),
		// The frame tells the loader the visitor has an open conversation.
		waitJS(`(JSON.parse(localStorage.getItem("frontdesk:wk_demo_website")) || {}).chat === true`),
	)

	// The next page view: the frame at once, without intent.
	step(t, ctx,
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 5, 5),
		chromedp.Navigate(m.URL()+"/demo"),
		chromedp.WaitVisible(chromedp.ID("fd-launcher")),
		waitFrame(`d.querySelector('#messages [data-seq="1"]')`),
	)
	if evalJS[bool](t, ctx, `document.getElementById("fd-widget").classList.contains("fd-open")`) {
		t.Fatal("the chat opened by itself")
	}

	// An agent answers while the chat is closed: the badge shows it.
	visitor := inFrame[string](t, ctx, `return localStorage.getItem("fd.visitor");`)
	var gc model.GuestConversation
	publicGet(t, m.URL()+"/api/v1/public/widgets/wk_demo_website/conversations/current?visitor="+visitor, &gc)
	agent := panelAPI(t, m.URL(), "anna@demo.frontdesk.test")
	agent.do(t, http.MethodPost, "/api/v1/conversations/"+strconv.FormatInt(gc.ID, 10)+"/messages",
		model.SendMessage{ClientID: "intent-reply-1", Body: "Yes, for up to 50 people."}, &model.Message{})
	step(t, ctx, waitJS(`document.getElementById("fd-badge").textContent === "1" && !document.getElementById("fd-badge").hidden`))
	if label := evalJS[string](t, ctx, `document.getElementById("fd-launcher").getAttribute("aria-label")`); !strings.Contains(label, "1 unread") {
		t.Errorf("the launcher is named %q", label)
	}
}

// TestWidgetIntentByTouchAndKeyboard: on a touch screen without hover, the
// finger touching the launcher loads the chat and the tap opens it; a
// visitor tabbing onto the launcher loads it, and Enter opens it.
func TestWidgetIntentByTouchAndKeyboard(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	phone := browsertest.New(t)
	step(t, phone,
		chromedp.EmulateViewport(390, 800, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{
				{Name: "hover", Value: "none"}, {Name: "pointer", Value: "coarse"},
			}})
			return err
		}),
		chromedp.Navigate(m.URL()+"/demo"),
		chromedp.WaitVisible(chromedp.ID("fd-launcher")),
	)
	settle(t, phone)
	if !evalJS[bool](t, phone, `matchMedia("(hover: none)").matches`) {
		t.Fatal("the phone has hover")
	}
	noFrameYet(t, phone)
	x, y := center(t, phone, "#fd-launcher")
	touch := func(typ input.DispatchTouchEventType) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			p := input.DispatchTouchEventParams{Type: typ, TouchPoints: []*input.TouchPoint{}}
			if typ == input.DispatchTouchEventTypeTouchStart {
				p.TouchPoints = []*input.TouchPoint{{X: x, Y: y}}
			}
			_, err := cdp.Call(ctx, t, input.DispatchTouchEvent, p)
			return err
		})
	}
	// The finger is down: loading starts before the tap ends.
	step(t, phone,
		touch(input.DispatchTouchEventTypeTouchStart),
		waitJS(`!!document.getElementById("fd-frame")`),
	)
	if evalJS[bool](t, phone, `document.getElementById("fd-widget").classList.contains("fd-open")`) {
		t.Fatal("the chat opened before the tap ended")
	}
	step(t, phone,
		touch(input.DispatchTouchEventTypeTouchEnd),
		waitJS(`document.getElementById("fd-widget").classList.contains("fd-open")`),
		waitFrame(`d.getElementById("prechat-name") && d.getElementById("prechat-name").offsetParent`),
	)

	// Keyboard, in a fresh context of the same browser.
	kbd := browsertest.NewContext(t, phone)
	step(t, kbd,
		chromedp.EmulateViewport(1280, 860),
		chromedp.Navigate(m.URL()+"/demo"),
		chromedp.WaitVisible(chromedp.ID("fd-launcher")),
	)
	settle(t, kbd)
	noFrameYet(t, kbd)
	pressUntil(t, kbd, kb.Tab, false, 30, `el.id === "fd-launcher"`)
	step(t, kbd, waitFrame(`d.getElementById("prechat-name")`))
	if evalJS[bool](t, kbd, `document.getElementById("fd-widget").classList.contains("fd-open")`) {
		t.Fatal("focus opened the chat")
	}
	step(t, kbd, pressEnter(false))
	wantFocus(t, kbd, "frame #prechat-name")
}

// hostSite serves one page of a made-up customer's site on another origin
// than Frontdesk's, with the widget snippet (and extra) in it and, when
// csp is set, that Content-Security-Policy.
func hostSite(t *testing.T, m *Main, csp, extra, snippetAttrs string) string {
	t.Helper()
	page := `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head><body>
<h1>A customer's page</h1>` + extra + `
<script src="` + m.URL() + `/widget.js" data-frontdesk-widget="wk_demo_website"` + snippetAttrs + ` async></script>
</body></html>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		if csp != "" {
			w.Header().Set("Content-Security-Policy", csp)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page)) //nolint:errcheck // the browser went away
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

// waitChat waits until expr holds in the chat's frame, which is from
// another origin than the host page: it runs in an isolated world of the
// frame (its DOM, not its scripts' variables).
func waitChat(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	// The frame's document may not have arrived yet.
	var frame *cdp.Frame
	for frame == nil {
		tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			t.Fatalf("no chat frame in the page: %v", err)
		}
		for _, c := range tree.FrameTree.ChildFrames {
			if strings.Contains(c.Frame.URL, "/widget/frame") {
				frame = c.Frame
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	world, err := chromedp.Call(ctx, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: frame.ID, WorldName: "test"})
	if err != nil {
		t.Fatal(err)
	}
	inWorld := func(p *runtime.EvaluateParams) { p.ContextID = world.ExecutionContextID }
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!(`+expr+`)`, inWorld))
		if err != nil {
			t.Fatalf("the chat never showed %s: %v", expr, err)
		}
		if ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestWidgetOnDifficultHostPages: a strict Content-Security-Policy that
// allows the Frontdesk origin in script-src and frame-src and nothing else,
// a launcher hidden by the host's CSS with a link of the site's own to
// open the chat, and a page whose requestIdleCallback never calls back:
// each loads on intent (or, asked to prefetch, anyway) and opens.
func TestWidgetOnDifficultHostPages(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	browser := browsertest.New(t)
	// violations counts what the page's CSP refused.
	const watchCSP = `window.__violations = []; document.addEventListener("securitypolicyviolation", e => window.__violations.push(e.violatedDirective + " " + e.blockedURI));`

	t.Run("strict CSP", func(t *testing.T) {
		ctx := browsertest.NewContext(t, browser)
		url := hostSite(t, m, "default-src 'none'; script-src "+m.URL()+"; frame-src "+m.URL(), "", "")
		step(t, ctx,
			chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watchCSP})
				return err
			}),
			chromedp.EmulateViewport(1280, 860),
			chromedp.Navigate(url),
			chromedp.WaitVisible(chromedp.ID("fd-launcher")),
		)
		if got := evalJS[string](t, ctx, `(() => { const s = getComputedStyle(document.getElementById("fd-launcher")); return s.position + " " + s.width; })()`); got != "fixed 60px" {
			t.Errorf("the launcher is styled %q under the host's CSP", got)
		}
		step(t, ctx, hover(t, ctx, "#fd-launcher"), waitJS(`!!document.getElementById("fd-frame")`))
		x, y := center(t, ctx, "#fd-launcher")
		step(t, ctx, chromedp.MouseClickXY(x, y), waitJS(`document.getElementById("fd-widget").classList.contains("fd-open")`))
		waitChat(t, ctx, `document.activeElement && document.activeElement.id === "prechat-name"`)
		if v := evalJS[[]string](t, ctx, `window.__violations`); len(v) > 0 {
			t.Errorf("the host's CSP refused %v", v)
		}
	})

	t.Run("launcher hidden, the site's own link", func(t *testing.T) {
		ctx := browsertest.NewContext(t, browser)
		url := hostSite(t, m, "", `<style>#fd-launcher{display:none!important}</style><p><a id="help" href="#chat" data-frontdesk-open>Chat with us</a></p>`, "")
		step(t, ctx,
			chromedp.EmulateViewport(1280, 860),
			chromedp.Navigate(url),
			chromedp.WaitReady(chromedp.ID("fd-launcher")),
		)
		settle(t, ctx)
		noFrameYet(t, ctx)
		step(t, ctx, hover(t, ctx, "#help"), waitJS(`!!document.getElementById("fd-frame")`))
		x, y := center(t, ctx, "#help")
		step(t, ctx, chromedp.MouseClickXY(x, y), waitJS(`document.getElementById("fd-widget").classList.contains("fd-open")`))
		waitChat(t, ctx, `document.activeElement && document.activeElement.id === "prechat-name"`)
		if evalJS[string](t, ctx, `location.hash`) != "" {
			t.Error("the link's own action was not cancelled")
		}
		// Escape in the chat: it closes, and focus goes back to the link.
		step(t, ctx, press(kb.Escape, false), waitJS(`!document.getElementById("fd-widget").classList.contains("fd-open")`))
		if got := evalJS[string](t, ctx, `document.activeElement.id`); got != "help" {
			t.Errorf("after closing, focus is on %q, want the link", got)
		}
	})

	t.Run("requestIdleCallback never calls back, prefetch asked for", func(t *testing.T) {
		ctx := browsertest.NewContext(t, browser)
		url := hostSite(t, m, "", `<script>window.requestIdleCallback = function () { return 1; };</script>`, ` data-frontdesk-prefetch="idle"`)
		step(t, ctx,
			chromedp.EmulateViewport(1280, 860),
			chromedp.Navigate(url),
			chromedp.WaitVisible(chromedp.ID("fd-launcher")),
			// The prefetch comes anyway, after a few seconds.
			waitJS(`!!document.getElementById("fd-frame")`),
		)
		x, y := center(t, ctx, "#fd-launcher")
		step(t, ctx, chromedp.MouseClickXY(x, y), waitJS(`document.getElementById("fd-widget").classList.contains("fd-open")`))
		waitChat(t, ctx, `document.activeElement && document.activeElement.id === "prechat-name"`)
	})
}
