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

// pageStrings is every sentence of the server-rendered visitor pages, in
// one place for translation.
type pageStrings struct {
	Lang, Footer, Loading, Failed, NoScript, Optional            string
	Online, Away, Chat, Schedule, PhotoAlt, ChatWith, BackToCard string
	NotFoundTitle, LinkNotFound, MeetingNotFound, ChatNotFound   string
	ChooseTime, ChooseDay, Duration, TimeZone, PrevMonth         string
	NextMonth, Details, ChangeTime, Name, Email, Phone, Notes    string
	Book, Booked, OpenConversation, ManageLink, BackToChat       string
	ManageTitle, Reschedule, Cancel, CancelAsk, CancelYes        string
	CancelKeep, NewTime, ConfirmNewTime, Move, Conversation      string
	Rebook                                                       string
}

var pageText = pageStrings{
	Lang:     "en",
	Footer:   "Powered by Frontdesk",
	Loading:  "Loading…",
	Failed:   "This page could not start. Please reload it.",
	NoScript: "This page needs JavaScript to show free times.",
	Optional: "(optional)",

	Online:     "Online now",
	Away:       "Away right now: leave a message and get the reply by email.",
	Chat:       "Chat",
	Schedule:   "Schedule a meeting",
	PhotoAlt:   "Photo of %s",
	ChatWith:   "Chat with %s",
	BackToCard: "%s's page",

	NotFoundTitle:   "Page not found",
	LinkNotFound:    "There is no personal link at this address. Please check the link you were given.",
	MeetingNotFound: "This meeting link is not valid. Please use the link in your latest email.",
	ChatNotFound:    "This conversation link is not valid. Please use the link in your email.",

	ChooseTime: "Choose a time",
	ChooseDay:  "Choose a day",
	Duration:   "Duration",
	TimeZone:   "Time zone",
	PrevMonth:  "Previous month",
	NextMonth:  "Next month",
	Details:    "Your details",
	ChangeTime: "Change time",
	Name:       "Name",
	Email:      "Email",
	Phone:      "Phone",
	Notes:      "Notes",

	Book:             "Book meeting",
	Booked:           "Your meeting is booked",
	OpenConversation: "Open the conversation",
	ManageLink:       "Reschedule or cancel",
	BackToChat:       "Back to chat",

	ManageTitle:    "Your meeting",
	Reschedule:     "Reschedule",
	Cancel:         "Cancel meeting",
	CancelAsk:      "Cancel this meeting? We will let the other side know by email.",
	CancelYes:      "Yes, cancel it",
	CancelKeep:     "Keep it",
	NewTime:        "Choose a new time",
	ConfirmNewTime: "Move your meeting",
	Move:           "Move meeting here",
	Conversation:   "Conversation",
	Rebook:         "Book a new meeting",
}

// pageData fills files/pages.html.
type pageData struct {
	T       pageStrings
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
	h.pages, err = template.ParseFS(files, "files/pages.html")
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
			h.notFound(w, r, pageText.LinkNotFound, ancestors)
			return card, false
		}
		h.log.ErrorContext(r.Context(), "personal link: load card", "err", err)
		h.unavailable(w, http.StatusInternalServerError)
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
	base := "/l/" + url.PathEscape(card.Slug)
	h.renderPage(w, r, http.StatusOK, "card", pageData{
		Title: card.Name + pageTitleSuffix(card.Organization), Card: card, Photo: photo(card, false),
		ChatURL: base + "/chat", BookURL: base + "/book",
	}, frameSelf)
}

// serveLinkChat renders the chat of a personal link as a page.
func (h *Handler) serveLinkChat(w http.ResponseWriter, r *http.Request) {
	card, ok := h.linkCard(w, r, frameSelf)
	if !ok {
		return
	}
	h.renderChat(w, r, frameData{
		Mode: "link", Link: card.Slug, Title: fmt.Sprintf(pageText.ChatWith, card.Name), Name: card.Name, Page: true,
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
	data := pageData{
		Title: pageText.Schedule + " · " + card.Name, Card: card, Photo: photo(card, true), Mode: "book",
		Subtitle: joinNonEmpty(" · ", card.Title, card.Organization), Durations: strings.Join(durations, ","),
		BackURL: "/l/" + url.PathEscape(card.Slug), BackLabel: fmt.Sprintf(pageText.BackToCard, card.Name),
	}
	if key != "" {
		data.Embed, data.BackURL, data.BackLabel = true, "/widget/frame?key="+url.QueryEscape(key), pageText.BackToChat
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
		h.notFound(w, r, pageText.MeetingNotFound, frameSelf)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.renderPage(w, r, http.StatusOK, "book", pageData{Title: pageText.ManageTitle, Mode: "manage", Token: token}, frameSelf)
}

// serveConversation renders a conversation's chat by its access token.
func (h *Handler) serveConversation(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !tokenPattern.MatchString(token) {
		h.notFound(w, r, pageText.ChatNotFound, frameSelf)
		return
	}
	h.renderChat(w, r, frameData{Mode: "conversation", Token: token, Title: pageText.Conversation, Name: pageText.Conversation, Page: true}, frameSelf)
}

// frameSelf keeps a page out of other sites' frames.
const frameSelf = "frame-ancestors 'self'"

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request, msg, ancestors string) {
	h.renderPage(w, r, http.StatusNotFound, "notfound", pageData{Title: pageText.NotFoundTitle, Message: msg}, ancestors)
}

// renderPage renders one of files/pages.html's pages. Pages that run the
// WebAssembly (those with a Mode) get its script and the CSP for it; the
// others run no script at all.
func (h *Handler) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, data pageData, ancestors string) {
	data.T, data.CSS = pageText, template.CSS(h.pagesCSS)
	csp := "default-src 'none'; img-src 'self' https: data:; base-uri 'none'; form-action 'none'"
	if data.Mode != "" {
		data.WasmURL, data.WasmExecURL, data.Boot = h.wasmPath, h.execPath, template.JS(boot)
		csp = h.cspStatic
	}
	var buf bytes.Buffer
	if err := h.pages.ExecuteTemplate(&buf, name, data); err != nil {
		h.log.ErrorContext(r.Context(), "visitor page: render", "page", name, "err", err)
		h.unavailable(w, http.StatusInternalServerError)
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
func photo(c model.AgentCard, small bool) photoData {
	p := photoData{Alt: fmt.Sprintf(pageText.PhotoAlt, c.Name), Initial: initial(c.Name), Small: small}
	if strings.HasPrefix(c.PhotoURL, "https://") || (strings.HasPrefix(c.PhotoURL, "/") && !strings.HasPrefix(c.PhotoURL, "//")) {
		p.Photo = c.PhotoURL
	}
	return p
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
