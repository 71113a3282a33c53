package calendartest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teambition/rrule-go"
)

// Google's OAuth scopes for Calendar, the ones the consent page knows.
const (
	googleScopeCalendar         = "https://www.googleapis.com/auth/calendar"
	googleScopeReadonly         = "https://www.googleapis.com/auth/calendar.readonly"
	googleScopeEvents           = "https://www.googleapis.com/auth/calendar.events"
	googleScopeEventsReadonly   = "https://www.googleapis.com/auth/calendar.events.readonly"
	googleScopeCalendarList     = "https://www.googleapis.com/auth/calendar.calendarlist.readonly"
	googleScopeCalendarListFull = "https://www.googleapis.com/auth/calendar.calendarlist"
)

// Google is a fake of Google's OAuth 2.0 endpoints and the Calendar API v3
// (calendarList.list; events list, get, insert, patch, update, delete and
// watch; channels.stop).
type Google struct {
	recorder
	*authServer
	notes *notifier
	srv   *httptest.Server

	mu          sync.Mutex
	calendars   map[string]*gCalendar // by id
	lists       map[string][]string   // account → calendar ids in its list
	channels    map[string]*GoogleChannel
	seq         int64
	invitations int
}

type gCalendar struct {
	id, summary, timeZone string
	roles                 map[string]string // account → accessRole
	primaryOf             string
	resourceID            string
	events                map[string]*gEvent
	order                 []string
	epoch                 int // bumped to expire sync tokens
}

type gEvent struct {
	ev      GoogleEvent
	seq     int64
	deleted bool
}

// GoogleEvent is Google's Event resource, as far as the fake knows it.
// Requests that carry fields outside it are refused.
type GoogleEvent struct {
	Kind                    string              `json:"kind,omitempty"`
	Etag                    string              `json:"etag,omitempty"`
	ID                      string              `json:"id,omitempty"`
	Status                  string              `json:"status,omitempty"`
	HTMLLink                string              `json:"htmlLink,omitempty"`
	Created                 string              `json:"created,omitempty"`
	Updated                 string              `json:"updated,omitempty"`
	Summary                 string              `json:"summary,omitempty"`
	Description             string              `json:"description,omitempty"`
	Location                string              `json:"location,omitempty"`
	ColorID                 string              `json:"colorId,omitempty"`
	Creator                 *GooglePerson       `json:"creator,omitempty"`
	Organizer               *GooglePerson       `json:"organizer,omitempty"`
	Start                   *GoogleTime         `json:"start,omitempty"`
	End                     *GoogleTime         `json:"end,omitempty"`
	EndTimeUnspecified      bool                `json:"endTimeUnspecified,omitempty"`
	Recurrence              []string            `json:"recurrence,omitempty"`
	RecurringEventID        string              `json:"recurringEventId,omitempty"`
	OriginalStartTime       *GoogleTime         `json:"originalStartTime,omitempty"`
	Transparency            string              `json:"transparency,omitempty"`
	Visibility              string              `json:"visibility,omitempty"`
	ICalUID                 string              `json:"iCalUID,omitempty"`
	Sequence                *int                `json:"sequence,omitempty"`
	Attendees               []GoogleAttendee    `json:"attendees,omitempty"`
	ExtendedProperties      *GoogleExtendedProp `json:"extendedProperties,omitempty"`
	GuestsCanInviteOthers   *bool               `json:"guestsCanInviteOthers,omitempty"`
	GuestsCanModify         *bool               `json:"guestsCanModify,omitempty"`
	GuestsCanSeeOtherGuests *bool               `json:"guestsCanSeeOtherGuests,omitempty"`
	Reminders               *GoogleReminders    `json:"reminders,omitempty"`
	Source                  *GoogleSource       `json:"source,omitempty"`
	EventType               string              `json:"eventType,omitempty"`
}

// GoogleTime is an event's start or end.
type GoogleTime struct {
	Date     string `json:"date,omitempty"`
	DateTime string `json:"dateTime,omitempty"`
	TimeZone string `json:"timeZone,omitempty"`
}

// GooglePerson is an organizer or creator.
type GooglePerson struct {
	Email       string `json:"email,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	Self        bool   `json:"self,omitempty"`
}

// GoogleAttendee is one attendee.
type GoogleAttendee struct {
	Email          string `json:"email,omitempty"`
	DisplayName    string `json:"displayName,omitempty"`
	Self           bool   `json:"self,omitempty"`
	Organizer      bool   `json:"organizer,omitempty"`
	Optional       bool   `json:"optional,omitempty"`
	Resource       bool   `json:"resource,omitempty"`
	ResponseStatus string `json:"responseStatus,omitempty"`
	Comment        string `json:"comment,omitempty"`
}

// GoogleExtendedProp is an event's extended properties.
type GoogleExtendedProp struct {
	Private map[string]string `json:"private,omitempty"`
	Shared  map[string]string `json:"shared,omitempty"`
}

// GoogleReminders is an event's reminders.
type GoogleReminders struct {
	UseDefault bool `json:"useDefault"`
	Overrides  []struct {
		Method  string `json:"method"`
		Minutes int    `json:"minutes"`
	} `json:"overrides,omitempty"`
}

// GoogleSource is the app an event came from.
type GoogleSource struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// GoogleChannel is a push channel opened with events.watch.
type GoogleChannel struct {
	ID, ResourceID, CalendarID, Address, Token, Account string
	Expires                                             time.Time
	messages                                            int64
}

// NewGoogle starts a Google fake on loopback; it stops when t ends.
func NewGoogle(t testing.TB) *Google {
	t.Helper()
	g := &Google{
		authServer: newAuthServer(false, []string{googleScopeCalendar, googleScopeReadonly, googleScopeEvents, googleScopeEventsReadonly, googleScopeCalendarList, googleScopeCalendarListFull}),
		notes:      newNotifier(),
		calendars:  map[string]*gCalendar{}, lists: map[string][]string{}, channels: map[string]*GoogleChannel{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /o/oauth2/v2/auth", func(w http.ResponseWriter, r *http.Request) { g.authorize(w, r, "/o/oauth2/v2/auth/decide") })
	mux.HandleFunc("POST /o/oauth2/v2/auth/decide", g.decide)
	mux.HandleFunc("POST /token", g.token)
	api := "/calendar/v3"
	mux.HandleFunc("GET "+api+"/users/me/calendarList", g.calendarList)
	mux.HandleFunc("GET "+api+"/calendars/{cal}/events", g.list)
	mux.HandleFunc("POST "+api+"/calendars/{cal}/events", g.insert)
	mux.HandleFunc("POST "+api+"/calendars/{cal}/events/watch", g.watch)
	mux.HandleFunc("GET "+api+"/calendars/{cal}/events/{id}", g.get)
	mux.HandleFunc("PATCH "+api+"/calendars/{cal}/events/{id}", g.update)
	mux.HandleFunc("PUT "+api+"/calendars/{cal}/events/{id}", g.update)
	mux.HandleFunc("DELETE "+api+"/calendars/{cal}/events/{id}", g.delete)
	mux.HandleFunc("POST "+api+"/channels/stop", g.stop)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		gError(w, http.StatusNotFound, "notFound", "Not Found")
	})
	g.srv = httptest.NewServer(g.serve(func(p string) bool { return strings.HasPrefix(p, api) }, g.writeFault, mux))
	t.Cleanup(func() {
		g.srv.Close()
		g.notes.close()
	})
	return g
}

// URL is the fake's root; the endpoints below hang off it.
func (g *Google) URL() string { return g.srv.URL }

// AuthURL stands in for https://accounts.google.com/o/oauth2/v2/auth.
func (g *Google) AuthURL() string { return g.srv.URL + "/o/oauth2/v2/auth" }

// TokenURL stands in for https://oauth2.googleapis.com/token.
func (g *Google) TokenURL() string { return g.srv.URL + "/token" }

// APIURL stands in for https://www.googleapis.com/calendar/v3.
func (g *Google) APIURL() string { return g.srv.URL + "/calendar/v3" }

// Authorize clicks through the consent page of an authorization URL and
// returns the redirect back to the app (with code and state, or error).
func (g *Google) Authorize(t testing.TB, authURL string, c Consent) string {
	t.Helper()
	return g.authorizeAs(t, authURL, "/o/oauth2/v2/auth/decide", c)
}

// Deliveries returns the push notifications posted so far.
func (g *Google) Deliveries() []Delivery { return g.notes.Deliveries() }

// AddAccount creates a Google account with its primary calendar, whose id
// is the address.
func (g *Google) AddAccount(email, timeZone string) {
	g.addAccount(email)
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calendars[email] = &gCalendar{id: email, summary: email, timeZone: timeZone, roles: map[string]string{email: "owner"},
		primaryOf: email, resourceID: randomToken(18), events: map[string]*gEvent{}}
	g.lists[email] = append(g.lists[email], email)
}

// AddCalendar adds a calendar to an account's list with the given access
// role (owner, writer, reader or freeBusyReader).
func (g *Google) AddCalendar(account, id, summary, timeZone, role string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c := g.calendars[id]
	if c == nil {
		c = &gCalendar{id: id, summary: summary, timeZone: timeZone, roles: map[string]string{}, resourceID: randomToken(18), events: map[string]*gEvent{}}
		g.calendars[id] = c
	}
	c.roles[account] = role
	g.lists[account] = append(g.lists[account], id)
}

// InvitationsSent counts the events written with sendUpdates other than
// none while they had attendees: Google would have emailed them.
func (g *Google) InvitationsSent() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.invitations
}

// ExpireSyncTokens makes the calendar's sync tokens invalid: the next
// incremental list is answered 410 Gone.
func (g *Google) ExpireSyncTokens(calendarID string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c := g.calendars[calendarID]; c != nil {
		c.epoch++
	}
}

// Channels returns the open push channels.
func (g *Google) Channels() []GoogleChannel {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []GoogleChannel
	for _, ch := range g.channels {
		out = append(out, *ch)
	}
	slices.SortFunc(out, func(a, b GoogleChannel) int { return a.Expires.Compare(b.Expires) })
	return out
}

// Event returns a stored event (a series, an instance override or a
// single event); a deleted one comes back with status cancelled.
func (g *Google) Event(calendarID, id string) (GoogleEvent, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c := g.calendars[calendarID]
	if c == nil || c.events[id] == nil {
		return GoogleEvent{}, false
	}
	e := c.events[id]
	out := e.ev
	if e.deleted {
		out.Status = "cancelled"
	}
	return out, true
}

// Events returns the calendar's stored events that are not deleted, in
// the order they were made.
func (g *Google) Events(calendarID string) []GoogleEvent {
	g.mu.Lock()
	defer g.mu.Unlock()
	c := g.calendars[calendarID]
	if c == nil {
		return nil
	}
	var out []GoogleEvent
	for _, id := range c.order {
		if e := c.events[id]; !e.deleted {
			out = append(out, e.ev)
		}
	}
	return out
}

// PutEvent stores an event as someone else's client would (another
// organizer's invitation, the user's own entry), and notifies the
// calendar's channels. The organizer defaults to the calendar's owner;
// attendees' responses default to needsAction.
func (g *Google) PutEvent(calendarID string, e GoogleEvent) GoogleEvent {
	g.mu.Lock()
	defer g.mu.Unlock()
	c := g.calendars[calendarID]
	if c == nil {
		panic("calendartest: no Google calendar " + calendarID)
	}
	owner := c.primaryOf
	if e.ID == "" {
		e.ID = googleID()
	}
	if e.Organizer == nil {
		e.Organizer = &GooglePerson{Email: owner}
	}
	g.complete(c, &e, owner)
	g.store(c, e)
	return e
}

// SetResponse records an attendee's answer (accepted, declined,
// tentative, needsAction) to an event, as they would in their calendar.
func (g *Google) SetResponse(calendarID, eventID, email, response string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c := g.calendars[calendarID]
	e := c.events[eventID]
	for i := range e.ev.Attendees {
		if strings.EqualFold(e.ev.Attendees[i].Email, email) {
			e.ev.Attendees[i].ResponseStatus = response
		}
	}
	g.store(c, e.ev)
}

// DeleteEvent deletes an event as the user would.
func (g *Google) DeleteEvent(calendarID, id string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c := g.calendars[calendarID]
	if e := c.events[id]; e != nil {
		g.seq++
		e.deleted, e.seq = true, g.seq
		g.notify(c)
	}
}

// complete fills what Google sets itself; mu is held.
func (g *Google) complete(c *gCalendar, e *GoogleEvent, account string) {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	e.Kind, e.Etag, e.Updated = "calendar#event", `"`+strconv.FormatInt(time.Now().UnixNano(), 10)+`"`, now
	if e.Created == "" {
		e.Created = now
	}
	if e.Status == "" {
		e.Status = "confirmed"
	}
	if e.ICalUID == "" {
		e.ICalUID = e.ID + "@google.com"
	}
	if e.HTMLLink == "" {
		e.HTMLLink = "https://www.google.com/calendar/event?eid=" + base64.RawURLEncoding.EncodeToString([]byte(e.ID+" "+c.id))
	}
	if e.Sequence == nil {
		zero := 0
		e.Sequence = &zero
	}
	if e.Creator == nil {
		e.Creator = &GooglePerson{Email: account}
	}
	e.Organizer.Self = strings.EqualFold(e.Organizer.Email, c.primaryOf) && c.primaryOf != ""
	e.Creator.Self = strings.EqualFold(e.Creator.Email, account)
	for i := range e.Attendees {
		a := &e.Attendees[i]
		a.Self = c.primaryOf != "" && strings.EqualFold(a.Email, c.primaryOf)
		a.Organizer = strings.EqualFold(a.Email, e.Organizer.Email)
		if a.ResponseStatus == "" {
			a.ResponseStatus = "needsAction"
			if a.Organizer {
				a.ResponseStatus = "accepted"
			}
		}
	}
}

// store saves e as the newest change and notifies; mu is held.
func (g *Google) store(c *gCalendar, e GoogleEvent) {
	g.seq++
	old := c.events[e.ID]
	if old == nil {
		c.order = append(c.order, e.ID)
	}
	c.events[e.ID] = &gEvent{ev: e, seq: g.seq}
	g.notify(c)
}

// notify posts "exists" to the calendar's open channels; mu is held.
func (g *Google) notify(c *gCalendar) {
	for _, ch := range g.channels {
		if ch.CalendarID == c.id && time.Now().Before(ch.Expires) {
			g.postChannel(ch, "exists")
		}
	}
}

func (g *Google) postChannel(ch *GoogleChannel, state string) {
	ch.messages++
	h := http.Header{
		"X-Goog-Channel-Id":         {ch.ID},
		"X-Goog-Channel-Expiration": {ch.Expires.UTC().Format(http.TimeFormat)},
		"X-Goog-Resource-Id":        {ch.ResourceID},
		"X-Goog-Resource-Uri":       {g.APIURL() + "/calendars/" + url.PathEscape(ch.CalendarID) + "/events?alt=json"},
		"X-Goog-Resource-State":     {state},
		"X-Goog-Message-Number":     {strconv.FormatInt(ch.messages, 10)},
		"Content-Length":            {"0"},
	}
	if ch.Token != "" {
		h.Set("X-Goog-Channel-Token", ch.Token)
	}
	g.notes.post(ch.Address, h, nil)
}

// googleID makes an event id the way Google does: 26 base32hex characters.
func googleID() string {
	const alphabet = "0123456789abcdefghijklmnopqrstuv"
	b := make([]byte, 26)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[b[i]%32]
	}
	return string(b)
}

func validGoogleID(id string) bool {
	if len(id) < 5 || len(id) > 1024 {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'v') {
			return false
		}
	}
	return true
}

// gError writes Google's error body.
func gError(w http.ResponseWriter, status int, reason, message string) {
	statuses := map[int]string{400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
		409: "ALREADY_EXISTS", 410: "FAILED_PRECONDITION", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}
	domain := "global"
	if reason == "rateLimitExceeded" || reason == "userRateLimitExceeded" {
		domain = "usageLimits"
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"code": status, "message": message, "status": statuses[status],
		"errors": []map[string]string{{"domain": domain, "reason": reason, "message": message}},
	}})
}

func (g *Google) writeFault(w http.ResponseWriter, f Fault) {
	reason, msg := f.Reason, http.StatusText(f.Status)
	if reason == "" {
		switch f.Status {
		case http.StatusUnauthorized:
			reason, msg = "authError", "Invalid Credentials"
		case http.StatusForbidden, http.StatusTooManyRequests:
			reason, msg = "rateLimitExceeded", "Rate Limit Exceeded"
		default:
			reason = "backendError"
		}
	}
	if reason == "insufficientPermissions" {
		msg = "Request had insufficient authentication scopes."
	}
	gError(w, f.Status, reason, msg)
}

// need authenticates a request and checks that its token holds one of
// scopes; it writes the refusal itself.
func (g *Google) need(w http.ResponseWriter, r *http.Request, scopes ...string) (*grant, bool) {
	gr, ok := g.bearer(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="invalid_token"`)
		gError(w, http.StatusUnauthorized, "authError", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.")
		return nil, false
	}
	for _, s := range scopes {
		if slices.Contains(gr.scopes, s) {
			return gr, true
		}
	}
	gError(w, http.StatusForbidden, "insufficientPermissions", "Request had insufficient authentication scopes.")
	return nil, false
}

var (
	gReadEvents  = []string{googleScopeEvents, googleScopeEventsReadonly, googleScopeReadonly, googleScopeCalendar}
	gWriteEvents = []string{googleScopeEvents, googleScopeCalendar}
	gReadList    = []string{googleScopeCalendarList, googleScopeCalendarListFull, googleScopeReadonly, googleScopeCalendar}
)

// calendarFor resolves a calendar id ("primary" included) the account can
// see with at least role; mu is held.
func (g *Google) calendarFor(w http.ResponseWriter, account, id string, write bool) (*gCalendar, bool) {
	if id == "primary" {
		id = account
	}
	c := g.calendars[id]
	role := ""
	if c != nil {
		role = c.roles[account]
	}
	if role == "" || role == "freeBusyReader" {
		gError(w, http.StatusNotFound, "notFound", "Not Found")
		return nil, false
	}
	if write && role != "owner" && role != "writer" {
		gError(w, http.StatusForbidden, "requiredAccessLevel", "You need to have writer access to this calendar.")
		return nil, false
	}
	return c, true
}

func (g *Google) calendarList(w http.ResponseWriter, r *http.Request) {
	gr, ok := g.need(w, r, gReadList...)
	if !ok {
		return
	}
	q := r.URL.Query()
	roles := []string{"freeBusyReader", "reader", "writer", "owner"}
	minRole := 0
	if m := q.Get("minAccessRole"); m != "" {
		if minRole = slices.Index(roles, m); minRole < 0 {
			gError(w, http.StatusBadRequest, "invalid", "Invalid value for minAccessRole: "+m)
			return
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	var items []map[string]any
	for _, id := range g.lists[gr.account] {
		c := g.calendars[id]
		role := c.roles[gr.account]
		if slices.Index(roles, role) < minRole {
			continue
		}
		it := map[string]any{"kind": "calendar#calendarListEntry", "etag": `"1"`, "id": c.id, "summary": c.summary,
			"timeZone": c.timeZone, "accessRole": role, "backgroundColor": "#9fe1e7", "selected": true}
		if c.primaryOf == gr.account {
			it["primary"] = true
		}
		items = append(items, it)
	}
	max := 100
	if v := q.Get("maxResults"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 && n <= 250 {
			max = n
		}
	}
	off := pageOffset(q.Get("pageToken"))
	resp := map[string]any{"kind": "calendar#calendarList", "etag": `"p1"`, "items": []map[string]any{}}
	if off < len(items) {
		end := min(off+max, len(items))
		resp["items"] = items[off:end]
		if end < len(items) {
			resp["nextPageToken"] = encodePage(end)
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

func encodePage(off int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("off:" + strconv.Itoa(off)))
}

func pageOffset(tok string) int {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimPrefix(string(b), "off:"))
	return n
}

// syncToken is what the fake's sync tokens encode.
type syncToken struct {
	Cal    string `json:"c"`
	Seq    int64  `json:"s"`
	Single bool   `json:"e"`
	Epoch  int    `json:"p"`
	Min    string `json:"min,omitempty"`
	Max    string `json:"max,omitempty"`
}

func (t syncToken) encode() string {
	b, _ := json.Marshal(t)
	return "CP" + base64.RawURLEncoding.EncodeToString(b)
}

func decodeSyncToken(s string) (syncToken, bool) {
	var t syncToken
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(s, "CP"))
	if err != nil || json.Unmarshal(b, &t) != nil {
		return t, false
	}
	return t, true
}

// list serves events.list: a bounded full listing, or the changes since a
// sync token; paged; instances of recurring events with singleEvents.
func (g *Google) list(w http.ResponseWriter, r *http.Request) {
	gr, ok := g.need(w, r, gReadEvents...)
	if !ok {
		return
	}
	q := r.URL.Query()
	for k := range q {
		if !slices.Contains([]string{"singleEvents", "timeMin", "timeMax", "syncToken", "pageToken", "maxResults", "showDeleted", "orderBy", "iCalUID", "q", "updatedMin", "timeZone", "alt", "fields"}, k) {
			gError(w, http.StatusBadRequest, "invalidParameter", "Unknown parameter: "+k)
			return
		}
	}
	single := q.Get("singleEvents") == "true"
	var minT, maxT time.Time
	var err error
	if v := q.Get("timeMin"); v != "" {
		if minT, err = time.Parse(time.RFC3339, v); err != nil {
			gError(w, http.StatusBadRequest, "invalid", "Bad Request: timeMin")
			return
		}
	}
	if v := q.Get("timeMax"); v != "" {
		if maxT, err = time.Parse(time.RFC3339, v); err != nil {
			gError(w, http.StatusBadRequest, "invalid", "Bad Request: timeMax")
			return
		}
	}
	max := 250
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 2500 {
			gError(w, http.StatusBadRequest, "invalid", "Invalid value for maxResults")
			return
		}
		max = n
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.calendarFor(w, gr.account, r.PathValue("cal"), false)
	if !ok {
		return
	}
	var items []GoogleEvent
	tok := syncToken{Cal: c.id, Single: single, Epoch: c.epoch, Min: q.Get("timeMin"), Max: q.Get("timeMax")}
	if st := q.Get("syncToken"); st != "" {
		for _, k := range []string{"timeMin", "timeMax", "orderBy", "iCalUID", "q", "updatedMin"} {
			if q.Has(k) {
				gError(w, http.StatusBadRequest, "invalid", "Sync token cannot be used with other request restrictions.")
				return
			}
		}
		if q.Get("showDeleted") == "false" {
			gError(w, http.StatusBadRequest, "invalid", "Sync token cannot be used with showDeleted=false.")
			return
		}
		prev, ok := decodeSyncToken(st)
		if !ok || prev.Cal != c.id {
			gError(w, http.StatusBadRequest, "invalid", "Invalid sync token value.")
			return
		}
		if prev.Epoch != c.epoch {
			gError(w, http.StatusGone, "fullSyncRequired", "Sync token is no longer valid, a full sync is required.")
			return
		}
		if prev.Single != single {
			gError(w, http.StatusBadRequest, "invalid", "The sync token was issued for a different singleEvents value.")
			return
		}
		tok.Min, tok.Max = prev.Min, prev.Max
		items = g.changedSince(c, prev)
	} else {
		items = g.window(c, minT, maxT, single, q.Get("showDeleted") == "true")
	}
	tok.Seq = g.seq
	off := pageOffset(q.Get("pageToken"))
	resp := map[string]any{"kind": "calendar#events", "etag": `"` + strconv.FormatInt(g.seq, 10) + `"`, "summary": c.summary,
		"updated": time.Now().UTC().Format(time.RFC3339Nano), "timeZone": c.timeZone, "accessRole": c.roles[gr.account],
		"defaultReminders": []any{}, "items": []GoogleEvent{}}
	end := len(items)
	if off < len(items) {
		end = min(off+max, len(items))
		resp["items"] = items[off:end]
	}
	if end < len(items) {
		resp["nextPageToken"] = encodePage(end)
	} else {
		resp["nextSyncToken"] = tok.encode()
	}
	writeJSON(w, http.StatusOK, resp)
}

// window lists the events overlapping [minT, maxT); mu is held.
func (g *Google) window(c *gCalendar, minT, maxT time.Time, single, showDeleted bool) []GoogleEvent {
	var out []GoogleEvent
	for _, id := range c.order {
		e := c.events[id]
		if e.deleted && !showDeleted {
			continue
		}
		if single && len(e.ev.Recurrence) > 0 {
			if !e.deleted {
				out = append(out, g.instances(c, e.ev, minT, maxT)...)
			}
			continue
		}
		if e.deleted {
			out = append(out, cancelled(e.ev))
			continue
		}
		if e.ev.Status == "cancelled" && !showDeleted {
			continue
		}
		if !single || overlaps(c, e.ev, minT, maxT) {
			out = append(out, e.ev)
		}
	}
	return out
}

// changedSince lists what changed after a sync token; mu is held.
func (g *Google) changedSince(c *gCalendar, t syncToken) []GoogleEvent {
	minT, _ := time.Parse(time.RFC3339, t.Min)
	maxT, _ := time.Parse(time.RFC3339, t.Max)
	var out []GoogleEvent
	for _, id := range c.order {
		e := c.events[id]
		if e.seq <= t.Seq {
			continue
		}
		switch {
		case t.Single && len(e.ev.Recurrence) > 0:
			inst := g.instances(c, e.ev, minT, maxT)
			if e.deleted {
				for i := range inst {
					inst[i] = cancelled(inst[i])
				}
			}
			out = append(out, inst...)
		case e.deleted:
			out = append(out, cancelled(e.ev))
		default:
			out = append(out, e.ev)
		}
	}
	return out
}

// cancelled is how a deleted event shows in a listing.
func cancelled(e GoogleEvent) GoogleEvent {
	return GoogleEvent{Kind: "calendar#event", Etag: e.Etag, ID: e.ID, Status: "cancelled",
		RecurringEventID: e.RecurringEventID, OriginalStartTime: e.OriginalStartTime}
}

// times reads an event's start and end in the calendar's zone.
func (c *gCalendar) times(e GoogleEvent) (start, end time.Time, allDay bool) {
	loc, err := time.LoadLocation(c.timeZone)
	if err != nil {
		loc = time.UTC
	}
	read := func(t *GoogleTime) time.Time {
		if t == nil {
			return time.Time{}
		}
		if t.Date != "" {
			d, _ := time.ParseInLocation(time.DateOnly, t.Date, loc)
			return d
		}
		v, _ := time.Parse(time.RFC3339, t.DateTime)
		if t.TimeZone != "" {
			if l, err := time.LoadLocation(t.TimeZone); err == nil {
				v = v.In(l)
			}
		}
		return v
	}
	return read(e.Start), read(e.End), e.Start != nil && e.Start.Date != ""
}

func overlaps(c *gCalendar, e GoogleEvent, minT, maxT time.Time) bool {
	s, en, _ := c.times(e)
	return (minT.IsZero() || en.After(minT)) && (maxT.IsZero() || s.Before(maxT))
}

// instances expands a series into its occurrences overlapping
// [minT, maxT), leaving out those replaced by a stored override; mu is
// held. A series without an end is expanded for two years past minT.
func (g *Google) instances(c *gCalendar, master GoogleEvent, minT, maxT time.Time) []GoogleEvent {
	start, end, allDay := c.times(master)
	length := end.Sub(start)
	var rule *rrule.RRule
	for _, line := range master.Recurrence {
		if v, ok := strings.CutPrefix(line, "RRULE:"); ok {
			opt, err := rrule.StrToROptionInLocation(v, start.Location())
			if err != nil {
				return nil
			}
			opt.Dtstart = start
			if rule, err = rrule.NewRRule(*opt); err != nil {
				return nil
			}
		}
	}
	if rule == nil {
		return nil
	}
	from := minT
	if from.IsZero() {
		from = start
	}
	to := maxT
	if to.IsZero() {
		to = from.AddDate(2, 0, 0)
	}
	var out []GoogleEvent
	for _, at := range rule.Between(from.Add(-length), to, true) {
		inst := master
		inst.Recurrence = nil
		inst.RecurringEventID = master.ID
		if allDay {
			day := at.Format(time.DateOnly)
			inst.ID = master.ID + "_" + at.Format("20060102")
			inst.Start = &GoogleTime{Date: day}
			inst.End = &GoogleTime{Date: at.AddDate(0, 0, int(length/(24*time.Hour))).Format(time.DateOnly)}
			inst.OriginalStartTime = &GoogleTime{Date: day}
		} else {
			tz := ""
			if master.Start != nil {
				tz = master.Start.TimeZone
			}
			inst.ID = master.ID + "_" + at.UTC().Format("20060102T150405Z")
			inst.Start = &GoogleTime{DateTime: at.Format(time.RFC3339), TimeZone: tz}
			inst.End = &GoogleTime{DateTime: at.Add(length).Format(time.RFC3339), TimeZone: tz}
			inst.OriginalStartTime = &GoogleTime{DateTime: at.Format(time.RFC3339), TimeZone: tz}
		}
		if _, overridden := c.events[inst.ID]; overridden {
			continue
		}
		if !overlaps(c, inst, minT, maxT) {
			continue
		}
		out = append(out, inst)
	}
	return out
}

func (g *Google) get(w http.ResponseWriter, r *http.Request) {
	gr, ok := g.need(w, r, gReadEvents...)
	if !ok {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.calendarFor(w, gr.account, r.PathValue("cal"), false)
	if !ok {
		return
	}
	e := c.events[r.PathValue("id")]
	if e == nil {
		gError(w, http.StatusNotFound, "notFound", "Not Found")
		return
	}
	out := e.ev
	if e.deleted {
		out.Status = "cancelled"
	}
	writeJSON(w, http.StatusOK, out)
}

// sendUpdates reads the parameter, refusing unknown values.
func sendUpdates(w http.ResponseWriter, r *http.Request) (string, bool) {
	v := r.URL.Query().Get("sendUpdates")
	if v != "" && v != "all" && v != "externalOnly" && v != "none" {
		gError(w, http.StatusBadRequest, "invalid", "Invalid value for sendUpdates: "+v)
		return "", false
	}
	if r.URL.Query().Get("sendNotifications") != "" {
		v = "all" // the deprecated switch, which the fake treats as "send"
	}
	return v, true
}

func (g *Google) checkTimes(w http.ResponseWriter, c *gCalendar, e GoogleEvent) bool {
	if e.Start == nil || e.End == nil || (e.Start.Date == "") == (e.Start.DateTime == "") || (e.End.Date == "") == (e.End.DateTime == "") {
		gError(w, http.StatusBadRequest, "required", "Missing end time.")
		return false
	}
	for _, t := range []*GoogleTime{e.Start, e.End} {
		if t.DateTime != "" {
			if _, err := time.Parse(time.RFC3339, t.DateTime); err != nil {
				gError(w, http.StatusBadRequest, "invalid", "Invalid start or end time.")
				return false
			}
		}
		if t.TimeZone != "" {
			if _, err := time.LoadLocation(t.TimeZone); err != nil {
				gError(w, http.StatusBadRequest, "timeRangeEmpty", "Invalid time zone definition: "+t.TimeZone)
				return false
			}
		}
	}
	s, en, _ := c.times(e)
	if !en.After(s) {
		gError(w, http.StatusBadRequest, "timeRangeEmpty", "The specified time range is empty.")
		return false
	}
	return true
}

func (g *Google) insert(w http.ResponseWriter, r *http.Request) {
	gr, ok := g.need(w, r, gWriteEvents...)
	if !ok {
		return
	}
	updates, ok := sendUpdates(w, r)
	if !ok {
		return
	}
	var e GoogleEvent
	if err := decodeStrict(r.Body, &e); err != nil {
		gError(w, http.StatusBadRequest, "parseError", "Invalid JSON payload received. "+err.Error())
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.calendarFor(w, gr.account, r.PathValue("cal"), true)
	if !ok {
		return
	}
	if e.ID == "" {
		e.ID = googleID()
	} else if !validGoogleID(e.ID) {
		gError(w, http.StatusBadRequest, "invalid", "Invalid resource id value.")
		return
	}
	if _, exists := c.events[e.ID]; exists {
		gError(w, http.StatusConflict, "duplicate", "The requested identifier already exists.")
		return
	}
	if !g.checkTimes(w, c, e) {
		return
	}
	e.Organizer = &GooglePerson{Email: c.primaryOf}
	if c.primaryOf == "" {
		e.Organizer = &GooglePerson{Email: c.id, DisplayName: c.summary}
	}
	e.Creator = &GooglePerson{Email: gr.account}
	g.complete(c, &e, gr.account)
	if len(e.Attendees) > 0 && updates != "" && updates != "none" {
		g.invitations++
	}
	g.store(c, e)
	writeJSON(w, http.StatusOK, e)
}

// update serves patch (fields given replace the stored ones) and update
// (the body replaces the event).
func (g *Google) update(w http.ResponseWriter, r *http.Request) {
	gr, ok := g.need(w, r, gWriteEvents...)
	if !ok {
		return
	}
	updates, ok := sendUpdates(w, r)
	if !ok {
		return
	}
	body, _ := readBody(r)
	var patch GoogleEvent
	if err := decodeStrict(strings.NewReader(body), &patch); err != nil {
		gError(w, http.StatusBadRequest, "parseError", "Invalid JSON payload received. "+err.Error())
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.calendarFor(w, gr.account, r.PathValue("cal"), true)
	if !ok {
		return
	}
	id := r.PathValue("id")
	old := c.events[id]
	if old == nil {
		gError(w, http.StatusNotFound, "notFound", "Not Found")
		return
	}
	next := patch
	if r.Method == http.MethodPatch {
		merged, err := mergeJSON(old.ev, body)
		if err != nil {
			gError(w, http.StatusBadRequest, "parseError", "Invalid JSON payload received.")
			return
		}
		next = merged
	}
	if patch.ID != "" && patch.ID != id {
		gError(w, http.StatusBadRequest, "invalid", "The event id cannot be changed.")
		return
	}
	next.ID, next.Created, next.ICalUID, next.HTMLLink = id, old.ev.Created, old.ev.ICalUID, old.ev.HTMLLink
	next.Organizer, next.Creator, next.RecurringEventID = old.ev.Organizer, old.ev.Creator, old.ev.RecurringEventID
	if next.Status == "" || old.deleted && patch.Status == "" {
		next.Status = "confirmed"
	}
	if !g.checkTimes(w, c, next) {
		return
	}
	seq := 0
	if old.ev.Sequence != nil {
		seq = *old.ev.Sequence + 1
	}
	next.Sequence = &seq
	g.complete(c, &next, gr.account)
	if len(next.Attendees) > 0 && updates != "" && updates != "none" {
		g.invitations++
	}
	g.store(c, next)
	writeJSON(w, http.StatusOK, next)
}

// readBody reads a request body the recorder already bounded.
func readBody(r *http.Request) (string, error) {
	b, err := io.ReadAll(r.Body)
	return string(b), err
}

// mergeJSON applies a patch body's top-level fields to an event.
func mergeJSON(e GoogleEvent, patch string) (GoogleEvent, error) {
	base, _ := json.Marshal(e)
	var m map[string]json.RawMessage
	if err := json.Unmarshal(base, &m); err != nil {
		return e, err
	}
	var p map[string]json.RawMessage
	if err := json.Unmarshal([]byte(patch), &p); err != nil {
		return e, err
	}
	for k, v := range p {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	var out GoogleEvent
	err := json.Unmarshal(b, &out)
	return out, err
}

func (g *Google) delete(w http.ResponseWriter, r *http.Request) {
	gr, ok := g.need(w, r, gWriteEvents...)
	if !ok {
		return
	}
	updates, ok := sendUpdates(w, r)
	if !ok {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.calendarFor(w, gr.account, r.PathValue("cal"), true)
	if !ok {
		return
	}
	e := c.events[r.PathValue("id")]
	switch {
	case e == nil:
		gError(w, http.StatusNotFound, "notFound", "Not Found")
		return
	case e.deleted:
		gError(w, http.StatusGone, "deleted", "Resource has been deleted")
		return
	}
	if len(e.ev.Attendees) > 0 && updates != "" && updates != "none" {
		g.invitations++
	}
	g.seq++
	e.deleted, e.seq = true, g.seq
	g.notify(c)
	w.WriteHeader(http.StatusNoContent)
}

// watch serves events.watch.
func (g *Google) watch(w http.ResponseWriter, r *http.Request) {
	gr, ok := g.need(w, r, gReadEvents...)
	if !ok {
		return
	}
	var req struct {
		ID         string            `json:"id"`
		Type       string            `json:"type"`
		Address    string            `json:"address"`
		Token      string            `json:"token"`
		Expiration string            `json:"expiration"`
		Params     map[string]string `json:"params"`
	}
	if err := decodeStrict(r.Body, &req); err != nil {
		gError(w, http.StatusBadRequest, "parseError", "Invalid JSON payload received. "+err.Error())
		return
	}
	u, err := url.Parse(req.Address)
	switch {
	case req.ID == "" || len(req.ID) > 64 || strings.ContainsAny(req.ID, " \t\r\n"):
		gError(w, http.StatusBadRequest, "required", "Channel id must be set and at most 64 characters.")
		return
	case req.Type != "web_hook":
		gError(w, http.StatusBadRequest, "invalid", "Invalid channel type: "+req.Type)
		return
	case err != nil || u.Host == "" || u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u)):
		gError(w, http.StatusBadRequest, "push.webhookUrlNotHttps", "WebHook callback must be HTTPS: "+req.Address)
		return
	case len(req.Token) > 256:
		gError(w, http.StatusBadRequest, "invalid", "Channel token is too long.")
		return
	}
	for k := range req.Params {
		if k != "ttl" {
			gError(w, http.StatusBadRequest, "invalid", "Unknown channel parameter: "+k)
			return
		}
	}
	ttl := 7 * 24 * time.Hour
	if v, ok := req.Params["ttl"]; ok {
		secs, err := strconv.Atoi(v)
		if err != nil || secs <= 0 {
			gError(w, http.StatusBadRequest, "invalid", "Invalid ttl: "+v)
			return
		}
		ttl = min(time.Duration(secs)*time.Second, 30*24*time.Hour)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.calendarFor(w, gr.account, r.PathValue("cal"), false)
	if !ok {
		return
	}
	if _, dup := g.channels[req.ID]; dup {
		gError(w, http.StatusBadRequest, "channelIdNotUnique", "Channel id "+req.ID+" not unique")
		return
	}
	ch := &GoogleChannel{ID: req.ID, ResourceID: c.resourceID, CalendarID: c.id, Address: req.Address, Token: req.Token,
		Account: gr.account, Expires: time.Now().Add(ttl).Truncate(time.Millisecond)}
	g.channels[ch.ID] = ch
	g.postChannel(ch, "sync")
	writeJSON(w, http.StatusOK, map[string]string{"kind": "api#channel", "id": ch.ID, "resourceId": ch.ResourceID,
		"resourceUri": g.APIURL() + "/calendars/" + url.PathEscape(c.id) + "/events?alt=json", "token": ch.Token,
		"expiration": strconv.FormatInt(ch.Expires.UnixMilli(), 10)})
}

// stop serves channels.stop.
func (g *Google) stop(w http.ResponseWriter, r *http.Request) {
	gr, ok := g.need(w, r, append(gReadEvents, gReadList...)...)
	if !ok {
		return
	}
	var req struct {
		ID         string `json:"id"`
		ResourceID string `json:"resourceId"`
		Token      string `json:"token,omitempty"`
	}
	if err := decodeStrict(r.Body, &req); err != nil {
		gError(w, http.StatusBadRequest, "parseError", "Invalid JSON payload received. "+err.Error())
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	ch := g.channels[req.ID]
	if ch == nil || ch.ResourceID != req.ResourceID || ch.Account != gr.account {
		gError(w, http.StatusNotFound, "notFound", fmt.Sprintf("Channel '%s' not found for project '1234567890'", req.ID))
		return
	}
	delete(g.channels, req.ID)
	w.WriteHeader(http.StatusNoContent)
}
