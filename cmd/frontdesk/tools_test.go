//go:build !js

package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"io"
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

// TestInboxTools is Anna's day with the inbox tools: the Sales tab, the
// visitor's page changing live in the side panel, a saved reply chosen
// with the keyboard going out with the guest's first name, a PDF attached
// and downloaded by the guest, a screenshot pasted and shown as a
// thumbnail, a note mentioning a colleague that the guest never sees, and
// the conversation found by a word typed without its accent.
func TestInboxTools(t *testing.T) {
	m := startServer(t)
	base := m.URL()
	ada := panelAPI(t, base, "admin@demo.frontdesk.test")
	if _, err := ada.SaveReply(context.Background(), 0, model.SavedReplyInput{Title: "Welcome", Body: "Hi {guest.first_name}, I am {agent.name}. How can I help?"}); err != nil {
		t.Fatal(err)
	}
	services, err := ada.Services(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var sales int64
	for _, s := range services {
		if s.Name == "Sales" {
			sales = s.ID
		}
	}

	g := &guest{t: t, m: m}
	conv := g.start("Jürgen Müller", "juergen@example.com")
	g.send(conv.Token, "Eine Frage zur Rechnung. Viele Grüße")
	putPage(t, base, conv.Token, model.PageContext{PageURL: base + "/demo/pricing", PageTitle: "Pricing", Referrer: "https://search.example/?q=frontdesk",
		TimeZone: "Europe/Berlin", Language: "de-DE"})
	row := "conv-" + strconv.FormatInt(conv.ID, 10)

	ctx := browsertest.New(t)
	signIn(t, ctx, base, "anna@demo.frontdesk.test")
	salesTab := "view-service-" + strconv.FormatInt(sales, 10)
	step(t, ctx,
		chromedp.Click(chromedp.ID(salesTab)),
		waitJS(`document.getElementById("`+salesTab+`").getAttribute("aria-pressed") === "true"`),
		chromedp.WaitVisible(chromedp.ID(row)),
		chromedp.Click(chromedp.ID(row)),
		waitJS(`document.querySelector('#messages [data-seq="1"]') !== null`),
		chromedp.WaitEnabled(chromedp.ID("send")),
		// The visitor's context, then their next page, live.
		waitJS(`document.getElementById("context-page")?.textContent === "Pricing"`),
	)
	putPage(t, base, conv.Token, model.PageContext{PageURL: base + "/demo/checkout", PageTitle: "Checkout"})
	step(t, ctx, waitJS(`document.getElementById("context-page")?.textContent === "Checkout"`))
	if got := text(t, ctx, "panel-context"); !strings.Contains(got, "/demo/pricing") || !strings.Contains(got, "Europe/Berlin") || !strings.Contains(got, "de-DE") {
		t.Errorf("visitor panel = %q", got)
	}

	// A saved reply, by keyboard only: "/", filter, Enter, Enter.
	step(t, ctx,
		chromedp.Click(chromedp.ID("composer")),
		chromedp.SendKeys(chromedp.ID("composer"), "/welc"),
		waitJS(`document.querySelector('#composer-option-0[aria-selected="true"]')?.textContent.includes("Welcome")`),
		pressEnter(false),
		waitJS(`document.getElementById("composer").value === "Hi Jürgen, I am Anna Schmidt. How can I help?"`),
	)
	shot(t, ctx, "saved-reply")
	step(t, ctx, pressEnter(false))
	if got := g.waitFor(conv.Token, "How can I help?"); got.Body != "Hi Jürgen, I am Anna Schmidt. How can I help?" {
		t.Errorf("saved reply went out as %q", got.Body)
	}

	// A PDF, attached with the file picker.
	dir := t.TempDir()
	pdfBytes := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
	pdfPath := filepath.Join(dir, "Angebot 2026.pdf")
	if err := os.WriteFile(pdfPath, pdfBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	step(t, ctx,
		chromedp.SetUploadFiles(chromedp.ID("composer-file"), []string{pdfPath}),
		waitJS(`document.querySelector("#composer-files .file-chip")?.textContent.includes("Angebot 2026.pdf") && !document.querySelector("#composer-files .file-chip-busy")`),
		chromedp.SendKeys(chromedp.ID("composer"), "Ihr Angebot"),
		pressEnter(false),
		waitJS(`[...document.querySelectorAll("#messages .msg-file-link")].some(a => a.textContent.includes("Angebot 2026.pdf"))`),
	)
	offer := g.waitFor(conv.Token, "Ihr Angebot")
	if len(offer.Attachments) != 1 {
		t.Fatalf("the guest's copy has no file: %+v", offer)
	}
	res, err := http.Get(base + model.GuestURL(offer.Attachments[0].URL, conv.Token))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Equal(got, pdfBytes) || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("guest download: %d %q %q", res.StatusCode, res.Header.Get("Content-Disposition"), got)
	}

	// A screenshot, pasted: it goes out on its own and shows as a thumbnail.
	step(t, ctx,
		runJS(`(() => {
			const bytes = Uint8Array.from(atob(`+strconv.Quote(screenshotPNG(t))+`), c => c.charCodeAt(0));
			const dt = new DataTransfer();
			dt.items.add(new File([bytes], "image.png", {type: "image/png"}));
			document.getElementById("composer").dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true}));
		})()`),
		waitJS(`document.querySelector("#composer-files .file-chip")?.textContent.includes("image.png") && !document.querySelector("#composer-files .file-chip-busy")`),
		chromedp.Click(chromedp.ID("send")),
		waitJS(`[...document.querySelectorAll("#messages img.msg-thumb")].some(i => i.complete && i.naturalWidth === 480)`),
	)
	shot(t, ctx, "files")

	// A note mentioning Ada, by keyboard; the guest never gets it.
	step(t, ctx,
		chromedp.Click(chromedp.ID("mode-note")),
		waitJS(`document.getElementById("mode-note").getAttribute("aria-pressed") === "true"`),
		chromedp.SendKeys(chromedp.ID("composer"), "@ad"),
		waitJS(`document.querySelector('#composer-option-0[aria-selected="true"]')?.textContent.includes("@ada")`),
		pressEnter(false),
		chromedp.SendKeys(chromedp.ID("composer"), "please approve 10% off"),
		pressEnter(false),
		waitJS(`[...document.querySelectorAll("#messages .msg-note")].some(e => e.textContent.includes("@ada please approve 10% off"))`),
	)
	shot(t, ctx, "note")
	g.send(conv.Token, "Danke!")
	g.waitFor(conv.Token, "Danke!")
	if n := g.count(conv.Token, "approve 10% off"); n != 0 {
		t.Errorf("the guest sees the note %d times", n)
	}

	// Search: "Muller" finds Müller, newest first, marked.
	step(t, ctx,
		chromedp.SendKeys(chromedp.ID("search"), "Muller"),
		pressEnter(false),
		waitJS(`[...document.querySelectorAll("#search-hits mark")].some(m => m.textContent === "Müller")`),
	)
	shot(t, ctx, "search")
	step(t, ctx,
		chromedp.Click(chromedp.CSS("#search-hits a")),
		waitJS(`location.pathname === `+strconv.Quote("/c/"+strconv.FormatInt(conv.ID, 10))),
		chromedp.Click(chromedp.ID("search-clear")),
		chromedp.WaitVisible(chromedp.ID(row)),
	)
}

// putPage reports the visitor's page, as the widget does.
func putPage(t *testing.T, base, token string, p model.PageContext) {
	t.Helper()
	var body bytes.Buffer
	body.WriteString(`{"page_url":` + strconv.Quote(p.PageURL) + `,"page_title":` + strconv.Quote(p.PageTitle) +
		`,"referrer":` + strconv.Quote(p.Referrer) + `,"time_zone":` + strconv.Quote(p.TimeZone) + `,"language":` + strconv.Quote(p.Language) + `}`)
	req, _ := http.NewRequest(http.MethodPut, base+"/api/v1/public/conversations/"+token+"/context", &body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("page context: %s", res.Status)
	}
}

// screenshotPNG is a 960×540 PNG, base64.
func screenshotPNG(t *testing.T) string {
	img := image.NewRGBA(image.Rect(0, 0, 960, 540))
	for x := range 960 {
		for y := range 540 {
			img.Set(x, y, color.RGBA{uint8(x / 4), uint8(y / 3), 180, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}
