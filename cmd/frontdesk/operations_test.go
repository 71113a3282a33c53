//go:build !js

package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	"github.com/frontdesk/frontdesk/backend/browsertest"
	"github.com/frontdesk/frontdesk/backend/seed"
)

// TestSignInTypedBeforeTheAppStarts: an agent who types into the sign-in
// form while the app is still loading keeps what they typed when it starts.
// The app's WebAssembly is held back until the typing is done, so the form
// is surely the server-rendered one.
func TestSignInTypedBeforeTheAppStarts(t *testing.T) {
	m := startServer(t)
	ctx := browsertest.New(t)

	held := make(chan fetch.RequestID, 8)
	release := make(chan struct{})
	listen, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		released := false
		for ev, err := range chromedp.Events(listen, fetch.RequestPaused) {
			if err != nil {
				return
			}
			if !released {
				select {
				case held <- ev.RequestID:
					continue
				case <-release:
					released = true
				}
			}
			chromedp.Call(listen, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID}) //nolint:errcheck
		}
	}()
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*.wasm*"}}}); err != nil {
		t.Fatal(err)
	}
	step(t, ctx,
		chromedp.Navigate(m.URL()+"/login"),
		chromedp.WaitVisible(chromedp.ID("login-email")),
	)
	var wasm []fetch.RequestID
	select {
	case id := <-held:
		wasm = append(wasm, id)
	case <-time.After(20 * time.Second):
		t.Fatal("the page never asked for the app's WebAssembly")
	}
	if !evalJS[bool](t, ctx, `document.getElementById("login-submit").disabled`) {
		t.Fatal("the form works before the app has started: the test holds nothing back")
	}
	step(t, ctx,
		chromedp.SendKeys(chromedp.ID("login-email"), "anna@demo.frontdesk.test"),
		chromedp.SendKeys(chromedp.ID("login-password"), seed.DemoPassword),
	)
	// Let the app start.
	close(release)
drain:
	for {
		select {
		case id := <-held:
			wasm = append(wasm, id)
		default:
			break drain
		}
	}
	for _, id := range wasm {
		if _, err := chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: id}); err != nil {
			t.Fatal(err)
		}
	}
	step(t, ctx, chromedp.WaitEnabled(chromedp.ID("login-submit")))
	got := evalJS[[]string](t, ctx, `[document.getElementById("login-email").value, document.getElementById("login-password").value, document.activeElement?.id ?? ""]`)
	if got[0] != "anna@demo.frontdesk.test" || got[1] != seed.DemoPassword {
		t.Fatalf("after the app started the form holds %q and a password of %d characters: what was typed is lost", got[0], len(got[1]))
	}
	if got[2] != "login-password" {
		t.Errorf("focus on %q, want it kept on the password", got[2])
	}
	step(t, ctx,
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("agent-name")),
	)
}

// TestAdminErasesGuest: from the side panel an admin downloads a guest's
// data, then erases the guest; the conversation shows "Guest erased" where
// the guest's name and words were, and the export now says so too.
func TestAdminErasesGuest(t *testing.T) {
	m := startServer(t)
	g := &guest{t: t, m: m}
	conv := g.start("Erin Gast", "erin@example.com")
	g.send(conv.Token, "Please send it to Hauptstraße 5.")
	id := strconv.FormatInt(conv.ID, 10)

	ada := browsertest.New(t)
	signIn(t, ada, m.URL(), "admin@demo.frontdesk.test")
	step(t, ada,
		chromedp.Navigate(m.URL()+"/c/"+id),
		waitJS(`document.getElementById("messages")?.textContent.includes("Hauptstraße 5") === true`),
		chromedp.WaitVisible(chromedp.ID("guest-export")),
	)
	export := `fetch(document.getElementById("guest-export").getAttribute("href")).then(r => r.text())`
	if before := adminAwait(t, ada, export); !strings.Contains(before, "Hauptstraße 5") || !strings.Contains(before, "erin@example.com") {
		t.Fatalf("export before erasure: %s", before)
	}

	step(t, ada,
		chromedp.Click(chromedp.ID("guest-erase")),
		chromedp.WaitVisible(chromedp.ID("guest-erase-confirm")),
		chromedp.Click(chromedp.ID("guest-erase-yes")),
		waitJS(`document.getElementById("guest-data-status")?.textContent.startsWith("Guest erased") === true`),
		waitJS(`document.querySelector("#messages .msg-erased")?.textContent === "Guest erased"`),
		waitJS(`document.getElementById("guest-name")?.textContent === "Guest erased"`),
	)
	shot(t, ada, "erased")
	if evalJS[bool](t, ada, `document.body.textContent.includes("Hauptstraße") || document.body.textContent.includes("Erin")`) {
		t.Error("the guest's words or name are still on the screen")
	}
	after := adminAwait(t, ada, export)
	if strings.Contains(after, "Hauptstraße") || strings.Contains(after, "erin@example.com") || !strings.Contains(after, `"erased_at"`) {
		t.Errorf("export after erasure: %s", after)
	}
}
