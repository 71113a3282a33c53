//go:build !js

package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/frontdesk/frontdesk/backend/browsertest"
)

// focused describes the focused element, looking into the widget's frame
// when it has focus: "#id", or "tag.class" for elements without one.
const focused = `(() => {
	let d = document, el = d.activeElement, where = "";
	if (el && el.id === "fd-frame") { d = el.contentDocument; el = d.activeElement; where = "frame "; }
	if (!el || el === d.body) return where + "body";
	return where + (el.id ? "#" + el.id : el.tagName.toLowerCase() + "." + [...el.classList].join("."));
})()`

// focusOf reads the focused element (see focused).
func focusOf(t *testing.T, ctx context.Context) string {
	t.Helper()
	return evalJS[string](t, ctx, focused)
}

// press sends one key (a kb constant), with Shift when shift is set.
func press(key string, shift bool) chromedp.Action[chromedp.Void] {
	if shift {
		return chromedp.KeyEvent(key, chromedp.KeyModifiers(chromedp.ModifierShift))
	}
	return chromedp.KeyEvent(key)
}

// pressUntil presses key until the focus matches cond (a JavaScript
// condition on el, the focused element, and d, its document), at most max
// times, as a person tabbing to a control would.
func pressUntil(t *testing.T, ctx context.Context, key string, shift bool, max int, cond string) {
	t.Helper()
	check := `(() => { let d = document, el = d.activeElement;
		if (el && el.id === "fd-frame") { d = el.contentDocument; el = d.activeElement; }
		return !!el && !!(` + cond + `); })()`
	var trail []string
	for range max {
		if evalJS[bool](t, ctx, check) {
			return
		}
		step(t, ctx, press(key, shift), chromedp.Sleep(30*time.Millisecond))
		trail = append(trail, focusOf(t, ctx))
	}
	if !evalJS[bool](t, ctx, check) {
		t.Fatalf("after %d presses of %q focus is not on %s; it went %s", max, key, cond, strings.Join(trail, " → "))
	}
}

// wantFocus fails unless the focus settles on want (see focused).
func wantFocus(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(wctx, chromedp.Poll[bool](fmt.Sprintf(`%s === %q`, focused, want), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Fatalf("focus is on %s, want %s", focusOf(t, ctx), want)
	}
}

// TestKeyboardJourney is a visitor who uses the keyboard alone: from the
// demo website they tab to the launcher and open the chat (focus moves
// in), fill in the pre-chat form, send a message, close the widget with
// Escape and with its close button (focus returns to the launcher each
// time) and reopen it, find Tab kept inside the open widget, then book a meeting from it: to the calendar
// button, through the date grid with the arrow keys, a slot, the form and
// the announced confirmation.
func TestKeyboardJourney(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	ctx := browsertest.New(t)
	inZone(t, ctx, "Europe/Berlin")
	step(t, ctx,
		chromedp.EmulateViewport(1280, 860),
		chromedp.Navigate(m.URL()+"/demo"),
		chromedp.WaitVisible(chromedp.ID("fd-launcher")),
	)

	// To the launcher, and open.
	pressUntil(t, ctx, kb.Tab, false, 30, `el.id === "fd-launcher"`)
	if label := evalJS[string](t, ctx, `document.getElementById("fd-launcher").getAttribute("aria-label")`); !strings.HasPrefix(label, "Open chat") {
		t.Errorf("the launcher is named %q", label)
	}
	step(t, ctx, pressEnter(false))
	wantFocus(t, ctx, "frame #prechat-name")
	if evalJS[string](t, ctx, `document.getElementById("fd-launcher").getAttribute("aria-expanded")`) != "true" {
		t.Error("the open launcher is not aria-expanded")
	}

	// The pre-chat form: a missing email is said, and focused.
	step(t, ctx, chromedp.KeyEvent("Kim Keyboard"), pressEnter(false))
	wantFocus(t, ctx, "frame #prechat-email")
	if got := inFrame[string](t, ctx, `const e = d.getElementById("prechat-email"); return e.getAttribute("aria-invalid") + " " + d.getElementById(e.getAttribute("aria-describedby")).textContent;`); got != "true Please enter your email." {
		t.Errorf("the email field says %q", got)
	}
	step(t, ctx, chromedp.KeyEvent("kim@example.com"), pressEnter(false))
	wantFocus(t, ctx, "frame #composer")

	// A message, sent with Enter.
	step(t, ctx,
		chromedp.KeyEvent("Hello from the keyboard"),
		pressEnter(false),
		waitFrame(`d.querySelector('#messages [data-seq="1"]')`),
	)
	if got := inFrame[string](t, ctx, `return d.getElementById("composer").value;`); got != "" {
		t.Errorf("the composer still holds %q", got)
	}

	// Escape closes, and focus returns to the launcher; Enter reopens.
	step(t, ctx, press(kb.Escape, false))
	wantFocus(t, ctx, "#fd-launcher")
	if evalJS[bool](t, ctx, `document.getElementById("fd-widget").classList.contains("fd-open")`) {
		t.Fatal("Escape did not close the widget")
	}
	step(t, ctx, pressEnter(false))
	wantFocus(t, ctx, "frame #composer")

	// Tab stays inside the open widget, both ways round.
	for _, shift := range []bool{false, true} {
		var trail []string
		for range 12 {
			step(t, ctx, press(kb.Tab, shift), chromedp.Sleep(20*time.Millisecond))
			f := focusOf(t, ctx)
			trail = append(trail, f)
			if !strings.HasPrefix(f, "frame #") {
				t.Fatalf("Tab (shift %v) left the widget: %s", shift, strings.Join(trail, " → "))
			}
		}
	}

	// The close button returns focus to the launcher too.
	pressUntil(t, ctx, kb.Tab, true, 12, `el.id === "close"`)
	step(t, ctx, pressEnter(false))
	wantFocus(t, ctx, "#fd-launcher")
	step(t, ctx, pressEnter(false))
	wantFocus(t, ctx, "frame #composer")

	// Book a meeting from the widget's header.
	pressUntil(t, ctx, kb.Tab, true, 12, `el.id === "book-meeting"`)
	step(t, ctx,
		pressEnter(false),
		waitFrame(`d.querySelector("#days button.bk-day--free")`),
	)
	// Into the date grid: one day is in the tab order.
	pressUntil(t, ctx, kb.Tab, false, 12, `el.matches("#days button")`)
	if n := inFrame[int](t, ctx, `return d.querySelectorAll('#days button[tabindex="0"]').length;`); n != 1 {
		t.Errorf("%d days are in the tab order, want 1", n)
	}
	// Arrow keys walk the days (into the next month if need be) to a free
	// one after today; Home and End stay in the week.
	start := inFrame[string](t, ctx, `return d.activeElement.dataset.date;`)
	step(t, ctx, press(kb.End, false))
	end := inFrame[string](t, ctx, `return d.activeElement.dataset.date;`)
	step(t, ctx, press(kb.Home, false))
	home := inFrame[string](t, ctx, `return d.activeElement.dataset.date;`)
	if !(home <= start && start <= end) || home == end {
		t.Errorf("Home and End from %s went to %s and %s", start, home, end)
	}
	step(t, ctx, press(kb.ArrowDown, false), chromedp.Sleep(30*time.Millisecond))
	if got := inFrame[string](t, ctx, `return d.activeElement.dataset.date;`); got <= home {
		t.Errorf("ArrowDown from %s went to %s", home, got)
	}
	pressUntil(t, ctx, kb.ArrowRight, false, 70,
		`el.matches("#days button.bk-day--free:not([aria-current=date])") && d.getElementById("days").getAttribute("aria-busy") === "false"`)
	day := inFrame[string](t, ctx, `return d.activeElement.dataset.date;`)
	step(t, ctx,
		pressEnter(false),
		waitFrame(`d.querySelector("#slots button[data-start]")`),
	)
	if got := inFrame[string](t, ctx, `return d.querySelector('#days button[aria-pressed="true"]')?.dataset.date;`); got != day {
		t.Errorf("Enter chose %q, want %s", got, day)
	}
	// The slots are a labelled list of buttons.
	if got := inFrame[string](t, ctx, `const l = d.getElementById("slots"); return l.tagName + " " + d.getElementById(l.getAttribute("aria-labelledby")).textContent;`); !strings.HasPrefix(got, "UL ") || len(got) < 6 {
		t.Errorf("slots list: %q", got)
	}
	pressUntil(t, ctx, kb.Tab, false, 12, `el.matches("#slots button[data-start]")`)
	step(t, ctx, pressEnter(false))
	wantFocus(t, ctx, "frame #book-name")
	step(t, ctx,
		chromedp.KeyEvent("Kim Keyboard"),
		press(kb.Tab, false),
		chromedp.KeyEvent("kim@example.com"),
		pressEnter(false),
	)
	wantFocus(t, ctx, "frame #confirmation")
	shot(t, ctx, "booked")
	if got := inFrame[string](t, ctx, `return d.getElementById("confirm-email").textContent;`); !strings.Contains(got, "kim@example.com") {
		t.Errorf("confirmation says %q", got)
	}
	// Escape from the booking page closes the widget too.
	step(t, ctx, press(kb.Escape, false))
	wantFocus(t, ctx, "#fd-launcher")
}
