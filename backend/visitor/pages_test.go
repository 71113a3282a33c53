package visitor_test

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// page fetches path and checks what every visitor page must have: HTML,
// no caching of stale state, and a CSP that allows exactly its inline
// script and styles and says who may frame it.
func page(t *testing.T, e *env, path string, status int, ancestors string) (*http.Response, string) {
	t.Helper()
	resp, body := get(t, e.srv.URL+path)
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d\n%s", path, resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", path, ct)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("%s: Cache-Control %q", path, cc)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.HasPrefix(csp, "default-src 'none'") || !strings.HasSuffix(csp, "; "+ancestors) {
		t.Errorf("%s: CSP %q, want default-src 'none' … %s", path, csp, ancestors)
	}
	checkInlineHashes(t, string(body), csp)
	return resp, string(body)
}

func TestPersonalLinkCard(t *testing.T) {
	e := newEnv(t)
	_, body := page(t, e, "/l/anna", http.StatusOK, "frame-ancestors 'self'")
	for _, want := range []string{
		// The agent's own text reaches the page only escaped.
		`<h1 id="agent-name">Anna &lt;i&gt;&#34;Schmidt&#34;&lt;/i&gt;</h1>`,
		`<p id="agent-title" class="pg-sub">Sales &amp; Marketing</p>`,
		`<p id="agent-org" class="pg-sub">Acme</p>`,
		`<img src="https://cdn.example.com/anna.jpg?s=96&amp;x=1" alt="Photo of Anna &lt;i&gt;&#34;Schmidt&#34;&lt;/i&gt;">`,
		`<a id="link-chat" class="pg-btn pg-btn--primary" href="/l/anna/chat">Chat</a>`,
		`<a id="link-book" class="pg-btn" href="/l/anna/book">Schedule a meeting</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("card lacks %s", want)
		}
	}
	if strings.Contains(body, "<i>") {
		t.Error("the agent's markup reached the page")
	}
	// The card is plain HTML: it works, and is fast, without the wasm.
	if strings.Contains(body, "<script") || strings.Contains(body, ".wasm") {
		t.Error("the card loads script")
	}

	// An agent without a photo shows an initial.
	_, body = page(t, e, "/l/ada", http.StatusOK, "frame-ancestors 'self'")
	if !strings.Contains(body, `<span aria-hidden="true">A</span>`) || strings.Contains(body, "<img") {
		t.Error("Ada's card does not show her initial")
	}
}

// TestPersonalLinkNotFound: only active Standard agents have a public
// page; anything else is a 404 page saying so, with no trace of the agent.
func TestPersonalLinkNotFound(t *testing.T) {
	e := newEnv(t)
	for _, slug := range []string{"dan", "gone", "nobody", strings.Repeat("x", 100)} {
		for _, suffix := range []string{"", "/book", "/chat"} {
			path := "/l/" + slug + suffix
			_, body := page(t, e, path, http.StatusNotFound, "frame-ancestors 'self'")
			if !strings.Contains(body, "There is no personal link at this address.") {
				t.Errorf("%s: the 404 page does not say what is wrong:\n%s", path, body)
			}
			if strings.Contains(body, "Dan Basic") || strings.Contains(body, "Gone Away") {
				t.Errorf("%s: the 404 page names the agent", path)
			}
		}
	}
}

func TestBookingPage(t *testing.T) {
	e := newEnv(t)
	_, body := page(t, e, "/l/anna/book", http.StatusOK, "frame-ancestors 'self'")
	for _, want := range []string{
		`data-mode="book" data-slug="anna"`,
		`data-agent-tz="Europe/Berlin" data-durations="15,30,60"`,
		`<a id="back" class="pg-back" href="/l/anna">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("booking page lacks %s", want)
		}
	}
	// The elements the WebAssembly and the browser tests rely on, each
	// once, and a label for every field.
	for _, id := range []string{"tz", "duration", "month-prev", "month-next", "days", "slots", "book-form",
		"book-name", "book-email", "book-phone", "book-notes", "book-submit", "book-error", "confirmation",
		"conversation-link", "manage-link", "status"} {
		if n := strings.Count(body, `id="`+id+`"`); n != 1 {
			t.Errorf("booking page has %d elements #%s, want 1", n, id)
		}
	}
	for _, id := range []string{"tz", "duration", "book-name", "book-email", "book-phone", "book-notes"} {
		if !strings.Contains(body, `<label for="`+id+`">`) {
			t.Errorf("#%s has no label", id)
		}
	}
	if strings.Contains(body, "manage-reschedule") {
		t.Error("the booking page has the manage page's controls")
	}
	wasmServed(t, e, body)
}

// TestBookingPageEmbedded: the widget's "Book a meeting" opens the booking
// page inside the widget's frame, so it may be framed where that widget
// may, and leads back to the chat.
func TestBookingPageEmbedded(t *testing.T) {
	e := newEnv(t)
	_, body := page(t, e, "/l/anna/book?key="+e.locked.PublicKey, http.StatusOK,
		"frame-ancestors 'self' https://frontdesk.example.com https://shop.example.org http://localhost:3000")
	if !strings.Contains(body, `<a id="back" class="pg-back" href="/widget/frame?key=wk_locked&amp;lang=en">← Back to chat</a>`) {
		t.Error("the embedded booking page does not lead back to the chat")
	}
	if !strings.Contains(body, `class="pg pg--embed"`) {
		t.Error("the embedded booking page is not in its compact layout")
	}
	// Links out of the frame open a new tab, not the small frame.
	if n := strings.Count(body, `target="_blank" rel="noopener"`); n != 2 {
		t.Errorf("%d links open a new tab, want 2", n)
	}
	page(t, e, "/l/anna/book?key="+e.open.PublicKey, http.StatusOK, "frame-ancestors *")

	resp, _ := get(t, e.srv.URL+"/l/anna/book?key=wk_nope")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown widget: status %d, want 404", resp.StatusCode)
	}
}

func TestLinkChatPage(t *testing.T) {
	e := newEnv(t)
	_, body := page(t, e, "/l/anna/chat", http.StatusOK, "frame-ancestors 'self'")
	for _, want := range []string{
		`class="fd fd--page" data-mode="link" data-key="" data-link="anna" data-token=""`,
		`<title>Chat with Anna &lt;i&gt;&#34;Schmidt&#34;&lt;/i&gt;</title>`,
		`id="book-meeting"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("personal-link chat lacks %s", want)
		}
	}
	wasmServed(t, e, body)
}

// TestTokenPages: the guest's meeting page and a conversation by link are
// opened by a token only the guest has; the page keeps it out of Referer
// headers. Whether it matches a meeting the WebAssembly learns from the
// API; what cannot be a token at all is a 404 at once.
func TestTokenPages(t *testing.T) {
	e := newEnv(t)
	const token = "hrumfLVSPPxf7rkwng79cIwkdpTwPJRi"
	tests := []struct {
		path, want, bad, notFound string
	}{
		{"/m/" + token, `data-mode="manage" data-slug="" data-agent-tz="" data-durations="" data-token="` + token + `"`,
			"/m/short", "This meeting link is not valid."},
		{"/chat/" + token, `data-mode="conversation" data-key="" data-link="" data-token="` + token + `"`,
			"/chat/not%20a%20token%21%21%21%21%21%21%21%21%21%21%21", "This conversation link is not valid."},
	}
	for _, tt := range tests {
		resp, body := page(t, e, tt.path, http.StatusOK, "frame-ancestors 'self'")
		if !strings.Contains(body, tt.want) {
			t.Errorf("%s lacks %s", tt.path, tt.want)
		}
		if rp := resp.Header.Get("Referrer-Policy"); rp != "no-referrer" {
			t.Errorf("%s: Referrer-Policy %q", tt.path, rp)
		}
		wasmServed(t, e, body)
		_, body = page(t, e, tt.bad, http.StatusNotFound, "frame-ancestors 'self'")
		if !strings.Contains(body, tt.notFound) {
			t.Errorf("%s: 404 page lacks %q", tt.bad, tt.notFound)
		}
	}
	// The manage page has its controls and only the picker of the booking
	// page, not its details form.
	_, body := get(t, e.srv.URL+"/m/"+token)
	for _, id := range []string{"manage-reschedule", "manage-cancel", "manage-status", "manage-cancel-confirm", "tz", "duration", "days", "book-submit"} {
		if !strings.Contains(string(body), `id="`+id+`"`) {
			t.Errorf("manage page lacks #%s", id)
		}
	}
	if strings.Contains(string(body), `id="book-name"`) {
		t.Error("the manage page asks for the guest's details")
	}
}

// wasmServed checks that a page's script and WebAssembly are served at the
// URLs it names.
func wasmServed(t *testing.T, e *env, body string) {
	t.Helper()
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`<script src="(/widget/wasm_exec\.[0-9a-f]{16}\.js)">`),
		regexp.MustCompile(`data-wasm="(/widget/widget\.[0-9a-f]{16}\.wasm)"`),
	} {
		m := re.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("page lacks %s", re)
		}
		if resp, _ := get(t, e.srv.URL+m[1]); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", m[1], resp.StatusCode)
		}
	}
}

// TestPagesSpeakTheVisitorsLanguage: the pages follow Accept-Language, a
// ?lang= overrides it, English is the fallback; the WebAssembly's
// sentences come in the page, in the same language.
func TestPagesSpeakTheVisitorsLanguage(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		path, accept, lang string
		want               []string
	}{
		{"/l/anna/book", "de-CH, de;q=0.9, en;q=0.8", "de", []string{"<h1>Termin vereinbaren</h1>", `"StartChat":"Chat starten"`}},
		{"/l/anna/book", "fr-FR", "fr", []string{"<h1>Prendre rendez-vous</h1>", `"Minutes":"%d minutes"`, `"Book":"Réserver"`}},
		{"/l/anna/book?lang=it", "de", "it", []string{"<h1>Fissa un appuntamento</h1>", `"Book":"Prenota"`}},
		{"/l/anna/book", "ja, pt;q=0.9", "en", []string{"<h1>Schedule a meeting</h1>"}},
		{"/l/anna?lang=es", "", "es", []string{">Reservar una cita</a>", `href="/l/anna/book?lang=es"`, `href="/l/anna/chat?lang=es"`}},
		{"/l/anna", "es", "es", []string{`href="/l/anna/book"`}}, // the browser's choice needs no ?lang=
		{"/widget/frame?key=" + e.open.PublicKey + "&lang=de", "en", "de", []string{`aria-label="Chat schließen"`, `placeholder="Nachricht schreiben…"`, `<script id="fd-text" type="application/json">{"You":"Sie"`}},
		{"/widget/frame?key=" + e.open.PublicKey, "it-IT", "it", []string{`>Avvia la chat</button>`}},
		{"/l/nobody", "de", "de", []string{"Seite nicht gefunden"}},
	}
	for _, tt := range tests {
		resp, body := get(t, e.srv.URL+tt.path, "Accept-Language", tt.accept)
		if resp.StatusCode != 200 && resp.StatusCode != 404 {
			t.Fatalf("%s: %d", tt.path, resp.StatusCode)
		}
		s := string(body)
		if !bytes.Contains(body, []byte(`<html lang="`+tt.lang+`">`)) {
			t.Errorf("%s (%s): not a %s page", tt.path, tt.accept, tt.lang)
		}
		for _, w := range tt.want {
			if !bytes.Contains(body, []byte(w)) {
				t.Errorf("%s (%s): no %s in\n%s", tt.path, tt.accept, w, s)
			}
		}
	}
}
