//go:build !js

package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/frontdesk/frontdesk/backend/browsertest"
)

// inFrame evaluates JavaScript inside the widget's iframe (same origin as
// the demo page the server serves), as a function body given d, the
// frame's document.
func inFrame[T any](t *testing.T, ctx context.Context, body string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](`(() => { const d = document.getElementById("fd-frame").contentDocument; `+body+` })()`))
	if err != nil {
		t.Fatalf("in frame: %v", err)
	}
	return v
}

// waitFrame waits until a condition on the frame's document d holds.
func waitFrame(cond string) chromedp.Action[chromedp.Void] {
	return waitJS(`(() => { const f = document.getElementById("fd-frame"); const d = f && f.contentDocument; return !!d && !!(` + cond + `); })()`)
}

// typeInFrame types into a field of the frame as a person would: focus,
// then real key events.
func typeInFrame(id, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.Evaluate[bool](fmt.Sprintf(`(() => { document.getElementById("fd-frame").contentDocument.getElementById(%q).focus(); return true })()`, id))(ctx, t); err != nil {
			return err
		}
		_, err := chromedp.KeyEvent(text)(ctx, t)
		return err
	})
}

func clickInFrame(id string) chromedp.Action[chromedp.Void] {
	return runJS(fmt.Sprintf(`document.getElementById("fd-frame").contentDocument.getElementById(%q).click()`, id))
}

// runJS runs a statement in the page.
func runJS(stmt string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`(() => { `+stmt+`; return true })()`)(ctx, t)
		return err
	})
}

// frameMessages lists the messages the widget shows, as "seq:body".
func frameMessages(t *testing.T, ctx context.Context) []string {
	return inFrame[[]string](t, ctx, `return [...d.querySelectorAll("#messages [data-seq]")].map(e => e.dataset.seq + ":" + e.textContent);`)
}

// TestWidgetJourney is the visitor's journey end to end: the demo website's
// bubble, the pre-chat form, a message the signed-in agent sees live and
// answers, the history after a reload, and a server restart while the
// visitor writes: every message shows exactly once.
func TestWidgetJourney(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	visitor := browsertest.New(t)
	agent := browsertest.NewContext(t, visitor)

	step(t, visitor,
		chromedp.EmulateViewport(1280, 860),
		chromedp.Navigate(m.URL()+"/demo"),
		chromedp.WaitVisible(chromedp.ID("fd-launcher")),
		chromedp.Click(chromedp.ID("fd-launcher")),
		waitFrame(`d.getElementById("prechat-name") && d.getElementById("prechat-name").offsetParent`),
		typeInFrame("prechat-name", "Gina Website"),
		typeInFrame("prechat-email", "gina@example.com"),
		clickInFrame("prechat-submit"),
		waitFrame(`d.getElementById("composer") && d.getElementById("composer").offsetParent`),
		typeInFrame("composer", "Hello, do you ship to Italy?"),
		clickInFrame("send"),
		waitFrame(`d.querySelector('#messages [data-seq="1"]')`),
	)

	signIn(t, agent, m.URL(), "anna@demo.frontdesk.test")
	step(t, agent,
		chromedp.Click(chromedp.ID("view-open")),
		waitJS(`[...document.querySelectorAll("[id^=conv-]")].some(e => e.textContent.includes("Gina Website"))`),
	)
	row, err := chromedp.Run(agent, chromedp.Evaluate[string](`[...document.querySelectorAll("[id^=conv-]")].find(e => /^conv-[0-9]+$/.test(e.id) && e.textContent.includes("Gina Website")).id`))
	if err != nil {
		t.Fatal(err)
	}
	step(t, agent,
		chromedp.Click(chromedp.ID(row)),
		waitJS(`document.querySelector('#messages [data-seq="1"]') !== null`),
		chromedp.Focus(chromedp.ID("composer")),
		chromedp.KeyEvent("Yes, we ship everywhere in the EU."),
		pressEnter(false),
	)
	step(t, visitor, waitFrame(`[...d.querySelectorAll("#messages [data-seq]")].some(e => e.textContent.includes("we ship everywhere"))`))

	// A reload of the host page keeps the history (visitor token on the
	// Frontdesk origin).
	step(t, visitor,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("fd-launcher")),
		chromedp.Click(chromedp.ID("fd-launcher")),
		waitFrame(`d.querySelectorAll("#messages [data-seq]").length === 2`),
	)

	// The server restarts while the visitor writes: the message waits,
	// then arrives once; the one after it too.
	step(t, visitor, typeInFrame("composer", "Written while you restart"))
	cfg := m.Config
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	step(t, visitor, clickInFrame("send"))
	time.Sleep(300 * time.Millisecond)
	m2 := &Main{Config: cfg, Stdout: &syncWriter{w: new(bytes.Buffer)}}
	if err := m2.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m2.Close() })
	step(t, visitor, waitFrame(`d.querySelectorAll("#messages [data-seq]").length === 3`))
	step(t, visitor,
		typeInFrame("composer", "And one after"),
		clickInFrame("send"),
		waitFrame(`d.querySelectorAll("#messages [data-seq]").length === 4`),
	)
	time.Sleep(500 * time.Millisecond)
	got := frameMessages(t, visitor)
	seen := map[string]int{}
	for _, msg := range got {
		seen[strings.SplitN(msg, ":", 2)[0]]++
	}
	if len(got) != 4 || seen["1"] != 1 || seen["2"] != 1 || seen["3"] != 1 || seen["4"] != 1 || !strings.Contains(got[2], "Written while you restart") {
		t.Fatalf("the widget shows %q; want seq 1–4 once each", got)
	}
}
