package visitor

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/frontdesk/frontdesk/model"
	"github.com/frontdesk/frontdesk/widget/i18n"
)

// boot starts the WebAssembly of every page that runs it: instantiate it
// while it downloads (the page preloads it), then run it. It reads the URL,
// and what to say if that fails, from its own data- attributes so that its
// text, and so its CSP hash, never changes.
const boot = `(function(){var s=document.currentScript,go=new Go();` +
	`WebAssembly.instantiateStreaming(fetch(s.dataset.wasm),go.importObject).then(function(r){go.run(r.instance)})` +
	`.catch(function(e){document.getElementById("status").textContent=s.dataset.failed;console.error(e)})})();`

// frameData fills files/frame.html: the website widget's frame, and the
// same chat as a page of its own for a personal link or a conversation
// link.
type frameData struct {
	Mode                 string // the widget's page mode (widget/main.go)
	Key, Link, Token     string // what the chat is for, by mode
	Title                string
	Name, Color, OnColor string
	Initial              string
	Page                 bool // a page of its own, not in a website's iframe
	Lang                 string
	T                    pageStrings
	Text                 i18n.Widget // the WebAssembly's sentences, as JSON in the page
	WasmURL, WasmExecURL string
	CSS, BrandCSS        template.CSS
	Boot                 template.JS
}

func (h *Handler) prepareFrame() error {
	css, err := files.ReadFile("files/frame.css")
	if err != nil {
		return fmt.Errorf("visitor: %w", err)
	}
	h.frameCSS = string(css)
	h.frame, err = template.New("frame.html").Option("missingkey=error").ParseFS(files, "files/frame.html")
	if err != nil {
		return fmt.Errorf("visitor: frame template: %w", err)
	}
	// The page runs no script but ours and the Go runtime's, and talks to
	// its own origin only (the API and the guest websocket); agents' photos
	// may come from anywhere on https.
	h.cspStatic = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' " + cspHash(boot) +
		"; connect-src 'self'; img-src 'self' https: data:; base-uri 'none'; form-action 'none'"
	return nil
}

// serveFrame renders the chat page for the widget named by ?key=.
func (h *Handler) serveFrame(w http.ResponseWriter, r *http.Request) {
	wd, err := h.widget(r.Context(), r.URL.Query().Get("key"))
	if err != nil {
		h.widgetError(w, r, err)
		return
	}
	c := h.language(r)
	if wd.Language != "" {
		// The site owner fixed the widget's language.
		c = h.catalogs[wd.Language]
	}
	h.renderChat(w, r, c, frameData{Mode: "widget", Key: wd.PublicKey, Title: fmt.Sprintf(c.Page.ChatWith, wd.Name), Name: wd.Name, Color: wd.Color},
		frameAncestors(h.opts.BaseURL, wd.AllowedOrigins))
}

// widget finds a widget by its public key.
func (h *Handler) widget(ctx context.Context, key string) (model.Widget, error) {
	if key == "" || len(key) > 64 || !utf8.ValidString(key) {
		return model.Widget{}, &model.Error{Status: http.StatusNotFound, Code: model.CodeNotFound, Message: "Widget not found."}
	}
	return h.opts.Widgets.WidgetByKey(ctx, key)
}

// widgetError answers for a widget that could not be found.
func (h *Handler) widgetError(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := model.AsError(err); ok && (e.Code == model.CodeNotFound || e.Status == http.StatusServiceUnavailable) {
		// Unknown, or paused (a sign-up whose email went unverified).
		h.unavailable(w, r, e.Status)
		return
	}
	h.log.ErrorContext(r.Context(), "widget: look up", "err", err)
	h.unavailable(w, r, http.StatusInternalServerError)
}

// renderChat renders the chat page in c's language; ancestors is its CSP
// frame-ancestors directive.
func (h *Handler) renderChat(w http.ResponseWriter, r *http.Request, c *catalog, data frameData, ancestors string) {
	data.Lang, data.T, data.Text = c.Lang, c.Page, c.Widget
	color := brandColor(data.Color)
	onColor := textOn(color)
	brand := ":root{--fd-brand:" + color + ";--fd-on-brand:" + onColor + "}"
	data.Color, data.OnColor, data.Initial = color, onColor, initial(data.Name)
	data.WasmURL, data.WasmExecURL = h.wasmPath, h.execPath
	data.CSS, data.BrandCSS, data.Boot = template.CSS(h.frameCSS), template.CSS(brand), template.JS(boot)
	var buf bytes.Buffer
	if err := h.frame.Execute(&buf, data); err != nil {
		h.log.ErrorContext(r.Context(), "chat page: render", "err", err)
		h.unavailable(w, r, http.StatusInternalServerError)
		return
	}

	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", cachePage)
	hd.Set("Content-Security-Policy", h.cspStatic+
		"; style-src "+cspHash(h.frameCSS)+" "+cspHash(brand)+
		"; "+ancestors)
	if data.Token != "" {
		// The address is the conversation's key: keep it out of Referer
		// headers, even our own API's.
		hd.Set("Referrer-Policy", "no-referrer")
	}
	w.Write(buf.Bytes()) //nolint:errcheck // the client went away
}

// unavailable answers in place of the chat, inside the customer's page.
func (h *Handler) unavailable(w http.ResponseWriter, r *http.Request, status int) {
	c := h.language(r)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", cachePage)
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<!doctype html><html lang="%s"><meta charset="utf-8"><title>%s</title>`+
		`<main><p style="font:15px system-ui,sans-serif;padding:24px;color:#334155">%s</p></main></html>`,
		c.Lang, template.HTMLEscapeString(c.Page.UnavailableTitle), template.HTMLEscapeString(c.Page.Unavailable))
}

// frameAncestors says which pages may embed the frame: the widget's allowed
// origins and Frontdesk itself. A widget with no allowed origins may be
// embedded anywhere — the default, so a pasted snippet works at once; a
// site owner who lists origins locks it to them.
func frameAncestors(base *url.URL, allowed []string) string {
	if len(allowed) == 0 {
		return "frame-ancestors *"
	}
	sources := []string{"'self'", origin(base)}
	for _, o := range allowed {
		if s, ok := cspOrigin(o); ok {
			sources = append(sources, s)
		}
	}
	return "frame-ancestors " + strings.Join(sources, " ")
}

// cspOrigin turns an allowed origin into a CSP source, refusing anything
// that is not a plain http(s) origin (possibly with a *. wildcard): a stray
// space or semicolon would change the policy's meaning.
func cspOrigin(o string) (string, bool) {
	o = strings.ToLower(strings.TrimRight(strings.TrimSpace(o), "/"))
	scheme, host, ok := strings.Cut(o, "://")
	if !ok || (scheme != "http" && scheme != "https") || host == "" {
		return "", false
	}
	for i, c := range host {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '.', c == '-', c == ':', c == '[', c == ']':
		case c == '*' && i == 0 && strings.HasPrefix(host, "*."):
		default:
			return "", false
		}
	}
	return o, true
}

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

func initial(name string) string {
	for _, r := range strings.TrimSpace(name) {
		return strings.ToUpper(string(r))
	}
	return "?"
}
