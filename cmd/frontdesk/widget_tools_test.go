//go:build !js

package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/frontdesk/frontdesk/backend/browsertest"
	"github.com/frontdesk/frontdesk/model"
)

// TestWidgetFilesAndRating is the visitor's side of the inbox tools: the
// demo page the visitor is on shows in the agent's panel; a screenshot
// pasted in the widget reaches the agent live as a thumbnail; the agent's
// PDF arrives as a link the visitor can open, while the agent's note
// never shows; after resolve the visitor rates the chat (the agent sees
// it) and asks for the transcript.
func TestWidgetFilesAndRating(t *testing.T) {
	m := startServer(t)
	base := m.URL()
	ada := panelAPI(t, base, "admin@demo.frontdesk.test")
	widgets, err := ada.Widgets(context.Background())
	if err != nil || len(widgets) == 0 {
		t.Fatalf("widgets: %v", err)
	}
	on := true
	if _, err := ada.UpdateWidget(context.Background(), widgets[0].ID, model.WidgetInput{RatingEnabled: &on, TranscriptEnabled: &on}); err != nil {
		t.Fatal(err)
	}

	visitor := browsertest.New(t)
	agent := browsertest.NewContext(t, visitor)
	step(t, visitor,
		chromedp.EmulateViewport(1280, 860),
		chromedp.Navigate(base+"/demo"),
		chromedp.WaitVisible(chromedp.ID("fd-launcher")),
		chromedp.Click(chromedp.ID("fd-launcher")),
		waitFrame(`d.getElementById("prechat-name") && d.getElementById("prechat-name").offsetParent`),
		typeInFrame("prechat-name", "Paula Paste"),
		typeInFrame("prechat-email", "paula@example.com"),
		clickInFrame("prechat-submit"),
		waitFrame(`d.getElementById("composer") && d.getElementById("composer").offsetParent`),
		typeInFrame("composer", "Hello, here is what I see"),
		clickInFrame("send"),
		waitFrame(`d.querySelector('#messages [data-seq="1"]')`),
	)
	demoTitle := evalJS[string](t, visitor, `document.title`)

	signIn(t, agent, base, "anna@demo.frontdesk.test")
	step(t, agent,
		chromedp.Click(chromedp.ID("view-open")),
		waitJS(`[...document.querySelectorAll("[id^=conv-]")].some(e => e.textContent.includes("Paula Paste"))`),
	)
	row := evalJS[string](t, agent, `[...document.querySelectorAll("[id^=conv-]")].find(e => /^conv-[0-9]+$/.test(e.id) && e.textContent.includes("Paula Paste")).id`)
	step(t, agent,
		chromedp.Click(chromedp.ID(row)),
		waitJS(`document.querySelector('#messages [data-seq="1"]') !== null`),
		chromedp.WaitEnabled(chromedp.ID("send")),
		// The loader told the chat which page the visitor is on.
		waitJS(`document.getElementById("context-page")?.textContent === `+strconv.Quote(demoTitle)),
	)

	// The visitor pastes a screenshot; the agent sees its thumbnail live.
	step(t, visitor,
		runJS(`const d = document.getElementById("fd-frame").contentDocument, w = document.getElementById("fd-frame").contentWindow;
			const bytes = Uint8Array.from(atob(`+strconv.Quote(screenshotPNG(t))+`), c => c.charCodeAt(0));
			const dt = new w.DataTransfer();
			dt.items.add(new w.File([bytes], "image.png", {type: "image/png"}));
			d.getElementById("composer").dispatchEvent(new w.ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true}))`),
		waitFrame(`[...d.querySelectorAll("#messages [data-seq] img.fd-thumb")].some(i => i.complete && i.naturalWidth === 480)`),
	)
	step(t, agent, waitJS(`[...document.querySelectorAll("#messages img.msg-thumb")].some(i => i.complete && i.naturalWidth === 480)`))
	shot(t, agent, "agent-thumbnail")

	// The agent leaves a note, then sends a PDF.
	pdf := filepath.Join(t.TempDir(), "price list.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	step(t, agent,
		chromedp.Click(chromedp.ID("mode-note")),
		chromedp.SendKeys(chromedp.ID("composer"), "INTERNAL-ONLY: regular customer"),
		pressEnter(false),
		waitJS(`[...document.querySelectorAll("#messages .msg-note")].some(e => e.textContent.includes("INTERNAL-ONLY"))`),
		chromedp.Click(chromedp.ID("mode-reply")),
		chromedp.SetUploadFiles(chromedp.ID("composer-file"), []string{pdf}),
		waitJS(`document.querySelector("#composer-files .file-chip") && !document.querySelector("#composer-files .file-chip-busy")`),
		chromedp.SendKeys(chromedp.ID("composer"), "Here is our price list"),
		pressEnter(false),
	)
	step(t, visitor, waitFrame(`[...d.querySelectorAll("#messages a.fd-file")].some(a => a.textContent.includes("price list.pdf"))`))
	shot(t, visitor, "visitor-files")
	href := inFrame[string](t, visitor, `return [...d.querySelectorAll("#messages a.fd-file")].find(a => a.textContent.includes("price list.pdf")).href;`)
	res, err := http.Get(href)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("the visitor's link %s: %d %q", href, res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	if inFrame[bool](t, visitor, `return d.body.textContent.includes("INTERNAL-ONLY");`) {
		t.Error("the widget shows the agent's note")
	}

	// Resolved: the visitor rates the chat and asks for the transcript.
	step(t, agent, chromedp.Click(chromedp.ID("resolve")), chromedp.WaitVisible(chromedp.ID("reopen")))
	step(t, visitor,
		waitFrame(`d.getElementById("rating") && d.getElementById("rating").offsetParent`),
		runJS(`document.getElementById("fd-frame").contentDocument.querySelector('label[for="rating-5"]').click()`),
		typeInFrame("rating-comment", "Fast and friendly"),
		clickInFrame("rating-submit"),
		waitFrame(`d.getElementById("rating-thanks").offsetParent && !d.getElementById("rating").offsetParent`),
		clickInFrame("transcript-submit"),
		waitFrame(`d.getElementById("status").textContent.includes("paula@example.com")`),
	)
	shot(t, visitor, "visitor-rated")
	step(t, agent,
		waitJS(`document.getElementById("rating-score")?.getAttribute("aria-label") === "5 of 5"`),
		waitJS(`document.getElementById("rating-comment")?.textContent === "Fast and friendly"`),
	)
}
