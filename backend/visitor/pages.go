package visitor

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/frontdesk/frontdesk/model"
	"github.com/frontdesk/frontdesk/widget/i18n"
)

// The pages a guest reaches by link rather than through a website:
//
//	/l/{slug}        an agent's personal link: the card, with Chat and Schedule a meeting
//	/l/{slug}/chat   the chat, as a page, assigned to the agent
//	/l/{slug}/book   the booking page (?key= embeds it in that widget's frame)
//	/m/{token}       the guest's meeting: reschedule or cancel (the link in the emails)
//	/chat/{token}    a conversation by its access token (the meeting's conversation link)
//
// The card is plain HTML, rendered here from the agent's public card; the
// others run the widget's WebAssembly (widget/main.go's page modes), which
// fills in what the public API says.

// LinkLookup finds an agent's public card by personal-link slug. A slug
// that is unknown, deactivated or an agent's with a Basic license is a
// *model.Error with Code model.CodeNotFound (*booking.Service satisfies it).
type LinkLookup interface {
	Card(ctx context.Context, slug string) (model.AgentCard, error)
}

// pageData fills files/pages.html.
type pageData struct {
	Lang    string
	T       pageStrings
	Text    i18n.Widget // the WebAssembly's sentences, as JSON in the page
	Title   string
	CSS     template.CSS
	Card    model.AgentCard
	Photo   photoData
	Message string // the not-found page's

	ChatURL, BookURL string // the card's buttons

	Mode                 string // "book" or "manage"
	Subtitle             string
	Durations            string // "15,30,60"
	Embed                bool
	BackURL, BackLabel   string
	Token                string
	WasmURL, WasmExecURL string
	Boot                 template.JS
}

type photoData struct {
	Photo, Alt, Initial string
	Small               bool
}

func (h *Handler) preparePages() error {
	css, err := files.ReadFile("files/pages.css")
	if err != nil {
		return fmt.Errorf("visitor: %w", err)
	}
	h.pagesCSS = string(css)
	h.pages, err = template.New("pages.html").Option("missingkey=error").ParseFS(files, "files/pages.html")
	if err != nil {
		return fmt.Errorf("visitor: pages template: %w", err)
	}
	return nil
}

// linkCard loads a personal link's card; ok is false when the answer has
// been written (not found, or a fault).
func (h *Handler) linkCard(w http.ResponseWriter, r *http.Request, ancestors string) (model.AgentCard, bool) {
	card, err := h.opts.Links.Card(r.Context(), r.PathValue("slug"))
	if err != nil {
		if e, ok := model.AsError(err); ok && e.Code == model.CodeNotFound {
			h.notFound(w, r, h.language(r).Page.LinkNotFound, ancestors)
			return card, false
		}
		if e, ok := model.AsError(err); ok && e.Status == http.StatusServiceUnavailable {
			// Paused: a sign-up whose email went unverified.
			h.unavailable(w, r, e.Status)
			return card, false
		}
		h.log.ErrorContext(r.Context(), "personal link: load card", "err", err)
		h.unavailable(w, r, http.StatusInternalServerError)
		return card, false
	}
	return card, true
}

// serveCard renders an agent's personal link: plain HTML, no script.
func (h *Handler) serveCard(w http.ResponseWriter, r *http.Request) {
	card, ok := h.linkCard(w, r, frameSelf)
	if !ok {
		return
	}
	base, q := "/l/"+url.PathEscape(card.Slug), langQuery(explicitLang(r))
	h.renderPage(w, r, http.StatusOK, "card", pageData{
		Title: card.Name + pageTitleSuffix(card.Organization), Card: card, Photo: photo(h.language(r), card, false),
		ChatURL: base + "/chat" + q, BookURL: base + "/book" + q,
	}, frameSelf)
}

// serveLinkChat renders the chat of a personal link as a page.
func (h *Handler) serveLinkChat(w http.ResponseWriter, r *http.Request) {
	card, ok := h.linkCard(w, r, frameSelf)
	if !ok {
		return
	}
	c := h.language(r)
	h.renderChat(w, r, c, frameData{
		Mode: "link", Link: card.Slug, Title: fmt.Sprintf(c.Page.ChatWith, card.Name), Name: card.Name, Page: true,
	}, frameSelf)
}

// serveBook renders the booking page. With ?key= it is the website
// widget's "Book a meeting", inside that widget's frame: it may be framed
// where the widget may, and leads back to the chat.
func (h *Handler) serveBook(w http.ResponseWriter, r *http.Request) {
	ancestors, key := frameSelf, r.URL.Query().Get("key")
	if key != "" {
		wd, err := h.widget(r.Context(), key)
		if err != nil {
			h.widgetError(w, r, err)
			return
		}
		ancestors = frameAncestors(h.opts.BaseURL, wd.AllowedOrigins)
	}
	card, ok := h.linkCard(w, r, ancestors)
	if !ok {
		return
	}
	durations := make([]string, len(card.Durations))
	for i, d := range card.Durations {
		durations[i] = strconv.Itoa(d)
	}
	c := h.language(r)
	data := pageData{
		Title: c.Page.Schedule + " · " + card.Name, Card: card, Photo: photo(c, card, true), Mode: "book",
		Subtitle: joinNonEmpty(" · ", card.Title, card.Organization), Durations: strings.Join(durations, ","),
		BackURL: "/l/" + url.PathEscape(card.Slug) + langQuery(explicitLang(r)), BackLabel: fmt.Sprintf(c.Page.BackToCard, card.Name),
	}
	if key != "" {
		// Back in the widget's frame, in the language the widget speaks.
		data.Embed, data.BackLabel = true, c.Page.BackToChat
		data.BackURL = "/widget/frame?key=" + url.QueryEscape(key) + "&" + langParam + "=" + c.Lang
	}
	h.renderPage(w, r, http.StatusOK, "book", data, ancestors)
}

// Guests' tokens are base64url strings of at least 128 bits (as the API
// checks them); anything else cannot be one.
var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{22,64}$`)

// serveManage renders the guest's meeting page; the WebAssembly loads the
// meeting, so a token that matches no meeting is found out there.
func (h *Handler) serveManage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !tokenPattern.MatchString(token) {
		h.notFound(w, r, h.language(r).Page.MeetingNotFound, frameSelf)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.renderPage(w, r, http.StatusOK, "book", pageData{Title: h.language(r).Page.ManageTitle, Mode: "manage", Token: token}, frameSelf)
}

// serveConversation renders a conversation's chat by its access token.
func (h *Handler) serveConversation(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !tokenPattern.MatchString(token) {
		h.notFound(w, r, h.language(r).Page.ChatNotFound, frameSelf)
		return
	}
	c := h.language(r)
	h.renderChat(w, r, c, frameData{Mode: "conversation", Token: token, Title: c.Page.Conversation, Name: c.Page.Conversation, Page: true}, frameSelf)
}

// frameSelf keeps a page out of other sites' frames.
const frameSelf = "frame-ancestors 'self'"

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request, msg, ancestors string) {
	h.renderPage(w, r, http.StatusNotFound, "notfound", pageData{Title: h.language(r).Page.NotFoundTitle, Message: msg}, ancestors)
}

// renderPage renders one of files/pages.html's pages. Pages that run the
// WebAssembly (those with a Mode) get its script and the CSP for it; the
// others run no script at all.
func (h *Handler) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, data pageData, ancestors string) {
	c := h.language(r)
	data.Lang, data.T, data.Text, data.CSS = c.Lang, c.Page, c.Widget, template.CSS(h.pagesCSS)
	csp := "default-src 'none'; img-src 'self' https: data:; base-uri 'none'; form-action 'none'"
	if data.Mode != "" {
		data.WasmURL, data.WasmExecURL, data.Boot = h.wasmPath, h.execPath, template.JS(boot)
		csp = h.cspStatic
	}
	var buf bytes.Buffer
	if err := h.pages.ExecuteTemplate(&buf, name, data); err != nil {
		h.log.ErrorContext(r.Context(), "visitor page: render", "page", name, "err", err)
		h.unavailable(w, r, http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", cachePage)
	hd.Set("Content-Security-Policy", csp+"; style-src "+cspHash(h.pagesCSS)+"; "+ancestors)
	w.WriteHeader(status)
	w.Write(buf.Bytes()) //nolint:errcheck // the client went away
}

// photo is the agent's picture when it is one the page may show (https or
// our own), else their initial.
func photo(lang *catalog, c model.AgentCard, small bool) photoData {
	p := photoData{Alt: fmt.Sprintf(lang.Page.PhotoAlt, c.Name), Initial: initial(c.Name), Small: small}
	if strings.HasPrefix(c.PhotoURL, "https://") || (strings.HasPrefix(c.PhotoURL, "/") && !strings.HasPrefix(c.PhotoURL, "//")) {
		p.Photo = c.PhotoURL
	}
	return p
}

// langQuery is the query that keeps a page's explicit language on a link
// ("" when the browser's languages chose it).
func langQuery(lang string) string {
	if lang == "" {
		return ""
	}
	return "?" + langParam + "=" + lang
}

func pageTitleSuffix(org string) string {
	if org == "" {
		return ""
	}
	return " · " + org
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
