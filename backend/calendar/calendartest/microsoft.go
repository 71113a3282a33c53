package calendartest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Microsoft's scopes, the ones the consent page knows.
const (
	msScopeReadWrite = "https://graph.microsoft.com/Calendars.ReadWrite"
	msScopeRead      = "https://graph.microsoft.com/Calendars.Read"
	msScopeUser      = "https://graph.microsoft.com/User.Read"
)

// Microsoft is a fake of the Microsoft identity platform's v2.0 endpoints
// and Microsoft Graph v1.0 calendars: /me/calendars, calendarView/delta,
// events create, get, update and delete, and change-notification
// subscriptions with their validation handshake.
type Microsoft struct {
	recorder
	*authServer
	notes *notifier
	srv   *httptest.Server
	// Tenant is the directory's id; "common" and "organizations" are
	// accepted too.
	Tenant string

	mu          sync.Mutex
	mailboxes   map[string]*mMailbox
	subs        map[string]*MicrosoftSubscription
	seq         int64
	invitations int
}

type mMailbox struct {
	account, name, zone string
	calendars           []*mCalendar
	events              map[string]*mEvent // by id, mailbox-wide
	order               []string
	transactions        map[string]string // transactionId → event id
}

type mCalendar struct {
	id, name           string
	isDefault, canEdit bool
	epoch              int
}

type mEvent struct {
	ev      MicrosoftEvent
	cal     string
	seq     int64
	deleted bool
}

// MicrosoftEvent is Graph's event resource, as far as the fake knows it.
// Requests that carry properties outside it are refused.
type MicrosoftEvent struct {
	ID                    string               `json:"id,omitempty"`
	CreatedDateTime       string               `json:"createdDateTime,omitempty"`
	LastModifiedDateTime  string               `json:"lastModifiedDateTime,omitempty"`
	ICalUID               string               `json:"iCalUId,omitempty"`
	Subject               string               `json:"subject,omitempty"`
	Body                  *MicrosoftBody       `json:"body,omitempty"`
	Start                 *MicrosoftTime       `json:"start,omitempty"`
	End                   *MicrosoftTime       `json:"end,omitempty"`
	Location              *MicrosoftLocation   `json:"location,omitempty"`
	IsAllDay              bool                 `json:"isAllDay"`
	IsCancelled           bool                 `json:"isCancelled"`
	IsOrganizer           bool                 `json:"isOrganizer"`
	IsReminderOn          *bool                `json:"isReminderOn,omitempty"`
	ShowAs                string               `json:"showAs,omitempty"`
	Type                  string               `json:"type,omitempty"`
	SeriesMasterID        string               `json:"seriesMasterId,omitempty"`
	ResponseRequested     *bool                `json:"responseRequested,omitempty"`
	ResponseStatus        *MicrosoftResponse   `json:"responseStatus,omitempty"`
	Organizer             *MicrosoftRecipient  `json:"organizer,omitempty"`
	Attendees             []MicrosoftAttendee  `json:"attendees,omitempty"`
	Recurrence            *MicrosoftRecurrence `json:"recurrence,omitempty"`
	TransactionID         string               `json:"transactionId,omitempty"`
	Categories            []string             `json:"categories,omitempty"`
	Sensitivity           string               `json:"sensitivity,omitempty"`
	IsOnlineMeeting       *bool                `json:"isOnlineMeeting,omitempty"`
	OnlineMeetingProvider string               `json:"onlineMeetingProvider,omitempty"`
	WebLink               string               `json:"webLink,omitempty"`
}

// MicrosoftBody is an item body.
type MicrosoftBody struct {
	ContentType string `json:"contentType"`
	Content     string `json:"content"`
}

// MicrosoftTime is Graph's dateTimeTimeZone.
type MicrosoftTime struct {
	DateTime string `json:"dateTime"`
	TimeZone string `json:"timeZone"`
}

// MicrosoftLocation is an event's location.
type MicrosoftLocation struct {
	DisplayName string `json:"displayName"`
}

// MicrosoftResponse is the mailbox owner's answer to an event.
type MicrosoftResponse struct {
	Response string `json:"response"` // none, organizer, tentativelyAccepted, accepted, declined, notResponded
	Time     string `json:"time,omitempty"`
}

// MicrosoftRecipient is an organizer.
type MicrosoftRecipient struct {
	EmailAddress MicrosoftAddress `json:"emailAddress"`
}

// MicrosoftAddress is a name and an address.
type MicrosoftAddress struct {
	Name    string `json:"name,omitempty"`
	Address string `json:"address"`
}

// MicrosoftAttendee is one attendee.
type MicrosoftAttendee struct {
	Type         string             `json:"type"`
	Status       *MicrosoftResponse `json:"status,omitempty"`
	EmailAddress MicrosoftAddress   `json:"emailAddress"`
}

// MicrosoftRecurrence is a series' pattern and range (daily and weekly
// patterns are expanded).
type MicrosoftRecurrence struct {
	Pattern struct {
		Type       string   `json:"type"`
		Interval   int      `json:"interval"`
		DaysOfWeek []string `json:"daysOfWeek,omitempty"`
	} `json:"pattern"`
	Range struct {
		Type                string `json:"type"` // numbered, endDate, noEnd
		StartDate           string `json:"startDate"`
		EndDate             string `json:"endDate,omitempty"`
		NumberOfOccurrences int    `json:"numberOfOccurrences,omitempty"`
	} `json:"range"`
}

// MicrosoftSubscription is a change-notification subscription.
type MicrosoftSubscription struct {
	ID, Account, CalendarID, Resource, ChangeType, NotificationURL, LifecycleURL, ClientState string
	Expires                                                                                   time.Time
}

// NewMicrosoft starts a Microsoft fake on loopback; it stops when t ends.
func NewMicrosoft(t testing.TB) *Microsoft {
	t.Helper()
	m := &Microsoft{
		authServer: newAuthServer(true, []string{"offline_access", "openid", "profile", "email", msScopeReadWrite, msScopeRead, msScopeUser}),
		notes:      newNotifier(),
		Tenant:     uuid(),
		mailboxes:  map[string]*mMailbox{}, subs: map[string]*MicrosoftSubscription{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{tenant}/oauth2/v2.0/authorize", func(w http.ResponseWriter, r *http.Request) {
		if m.tenantOK(w, r) {
			m.authorize(w, r, "/consent/decide")
		}
	})
	mux.HandleFunc("POST /consent/decide", m.decide)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", func(w http.ResponseWriter, r *http.Request) {
		if m.tenantOK(w, r) {
			m.token(w, r)
		}
	})
	mux.HandleFunc("GET /v1.0/me/calendars", m.calendarList)
	mux.HandleFunc("GET /v1.0/me/calendars/{cal}/calendarView/delta", m.delta)
	mux.HandleFunc("GET /v1.0/me/calendarView/delta", m.delta)
	mux.HandleFunc("POST /v1.0/me/calendars/{cal}/events", m.create)
	mux.HandleFunc("POST /v1.0/me/events", m.create)
	mux.HandleFunc("GET /v1.0/me/events/{id}", m.get)
	mux.HandleFunc("PATCH /v1.0/me/events/{id}", m.update)
	mux.HandleFunc("DELETE /v1.0/me/events/{id}", m.remove)
	mux.HandleFunc("POST /v1.0/subscriptions", m.subscribe)
	mux.HandleFunc("PATCH /v1.0/subscriptions/{id}", m.renew)
	mux.HandleFunc("DELETE /v1.0/subscriptions/{id}", m.unsubscribe)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		graphError(w, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+r.URL.Path+"'.")
	})
	m.srv = httptest.NewServer(m.serve(func(p string) bool { return strings.HasPrefix(p, "/v1.0/") }, m.writeFault, mux))
	t.Cleanup(func() {
		m.srv.Close()
		m.notes.close()
	})
	return m
}

// LoginURL stands in for https://login.microsoftonline.com.
func (m *Microsoft) LoginURL() string { return m.srv.URL }

// GraphURL stands in for https://graph.microsoft.com/v1.0.
func (m *Microsoft) GraphURL() string { return m.srv.URL + "/v1.0" }

// Authorize clicks through the consent page; see Google.Authorize.
func (m *Microsoft) Authorize(t testing.TB, authURL string, c Consent) string {
	t.Helper()
	return m.authorizeAs(t, authURL, "/consent/decide", c)
}

// Deliveries returns the notifications posted so far.
func (m *Microsoft) Deliveries() []Delivery { return m.notes.Deliveries() }

func (m *Microsoft) tenantOK(w http.ResponseWriter, r *http.Request) bool {
	switch t := r.PathValue("tenant"); t {
	case "common", "organizations", m.Tenant:
		return true
	default:
		m.errorPage(w, http.StatusBadRequest, "invalid_tenant", "AADSTS90002: Tenant '"+t+"' not found.")
		return false
	}
}

// graphID makes an id in the shape of Exchange's (URL-safe here).
func graphID() string { return "AAMkAD" + randomToken(33) + "=" }

// AddAccount creates a mailbox with its default calendar.
func (m *Microsoft) AddAccount(email, name, zone string) {
	m.addAccount(email)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.mailboxes[email] = &mMailbox{account: email, name: name, zone: zone, events: map[string]*mEvent{}, transactions: map[string]string{},
		calendars: []*mCalendar{{id: graphID(), name: "Calendar", isDefault: true, canEdit: true}}}
}

// AddCalendar adds a calendar to a mailbox and returns its id.
func (m *Microsoft) AddCalendar(account, name string, canEdit bool) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := &mCalendar{id: graphID(), name: name, canEdit: canEdit}
	mb := m.mailboxes[account]
	mb.calendars = append(mb.calendars, c)
	return c.id
}

// CalendarID is a mailbox's default calendar.
func (m *Microsoft) CalendarID(account string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.mailboxes[account].calendars[0].id
}

// InvitationsSent counts events created or changed while they had
// attendees: Exchange would have emailed them.
func (m *Microsoft) InvitationsSent() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.invitations
}

// ExpireDeltaTokens makes the calendar's delta links invalid (410 Gone).
func (m *Microsoft) ExpireDeltaTokens(account, calendarID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if c := m.mailboxes[account].calendar(calendarID); c != nil {
		c.epoch++
	}
}

// Subscriptions returns the live subscriptions.
func (m *Microsoft) Subscriptions() []MicrosoftSubscription {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []MicrosoftSubscription
	for _, s := range m.subs {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b MicrosoftSubscription) int { return a.Expires.Compare(b.Expires) })
	return out
}

// SendLifecycle posts a lifecycle notification (reauthorizationRequired,
// subscriptionRemoved, missed) for a subscription.
func (m *Microsoft) SendLifecycle(subscriptionID, event string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.subs[subscriptionID]
	if s == nil || s.LifecycleURL == "" {
		return
	}
	body, _ := json.Marshal(map[string]any{"value": []map[string]any{{
		"subscriptionId": s.ID, "subscriptionExpirationDateTime": s.Expires.UTC().Format(time.RFC3339Nano),
		"tenantId": m.Tenant, "clientState": s.ClientState, "lifecycleEvent": event,
	}}})
	m.notes.post(s.LifecycleURL, http.Header{"Content-Type": {"application/json"}}, body)
}

// Event returns an event of a mailbox; deleted ones are not found.
func (m *Microsoft) Event(account, id string) (MicrosoftEvent, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.mailboxes[account].events[id]
	if e == nil || e.deleted {
		return MicrosoftEvent{}, false
	}
	return e.ev, true
}

// Events returns the events of one calendar that are not deleted.
func (m *Microsoft) Events(account, calendarID string) []MicrosoftEvent {
	m.mu.Lock()
	defer m.mu.Unlock()
	mb := m.mailboxes[account]
	var out []MicrosoftEvent
	for _, id := range mb.order {
		if e := mb.events[id]; !e.deleted && e.cal == calendarID {
			out = append(out, e.ev)
		}
	}
	return out
}

// PutEvent stores an event as Outlook would for the mailbox owner: their
// own (IsOrganizer) or an invitation they received (ResponseStatus), and
// notifies subscriptions. Times are given in UTC or an IANA zone.
func (m *Microsoft) PutEvent(account, calendarID string, e MicrosoftEvent) MicrosoftEvent {
	m.mu.Lock()
	defer m.mu.Unlock()
	mb := m.mailboxes[account]
	if e.ID == "" {
		e.ID = graphID()
	}
	m.complete(mb, &e)
	m.store(mb, calendarID, e)
	return e
}

// SetResponse records the mailbox owner's answer to an event.
func (m *Microsoft) SetResponse(account, eventID, response string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mb := m.mailboxes[account]
	e := mb.events[eventID]
	e.ev.ResponseStatus = &MicrosoftResponse{Response: response, Time: time.Now().UTC().Format(time.RFC3339)}
	m.store(mb, e.cal, e.ev)
}

// DeleteEvent deletes an event as the user would.
func (m *Microsoft) DeleteEvent(account, id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mb := m.mailboxes[account]
	if e := mb.events[id]; e != nil {
		m.seq++
		e.deleted, e.seq = true, m.seq
		m.notify(mb, e, "deleted")
	}
}

func (mb *mMailbox) calendar(id string) *mCalendar {
	for _, c := range mb.calendars {
		if c.id == id {
			return c
		}
	}
	return nil
}

// complete fills what Exchange sets itself; mu is held.
func (m *Microsoft) complete(mb *mMailbox, e *MicrosoftEvent) {
	now := time.Now().UTC().Format("2006-01-02T15:04:05.0000000Z")
	if e.CreatedDateTime == "" {
		e.CreatedDateTime = now
	}
	e.LastModifiedDateTime = now
	if e.ICalUID == "" {
		e.ICalUID = "040000008200E00074C5B7101A82E008" + strings.ToUpper(randomHex(24))
	}
	if e.Type == "" {
		e.Type = "singleInstance"
		if e.Recurrence != nil {
			e.Type = "seriesMaster"
		}
	}
	if e.ShowAs == "" {
		e.ShowAs = "busy"
	}
	if e.Organizer == nil {
		e.Organizer = &MicrosoftRecipient{EmailAddress: MicrosoftAddress{Name: mb.name, Address: mb.account}}
	}
	e.IsOrganizer = strings.EqualFold(e.Organizer.EmailAddress.Address, mb.account)
	if e.ResponseStatus == nil {
		e.ResponseStatus = &MicrosoftResponse{Response: "none", Time: "0001-01-01T00:00:00Z"}
		if e.IsOrganizer {
			e.ResponseStatus.Response = "organizer"
		}
	}
	if e.WebLink == "" {
		e.WebLink = "https://outlook.office365.com/owa/?itemid=" + url.QueryEscape(e.ID)
	}
}

// store saves e as the newest change and notifies; mu is held.
func (m *Microsoft) store(mb *mMailbox, cal string, e MicrosoftEvent) {
	m.seq++
	change := "updated"
	if mb.events[e.ID] == nil {
		mb.order = append(mb.order, e.ID)
		change = "created"
	}
	me := &mEvent{ev: e, cal: cal, seq: m.seq}
	mb.events[e.ID] = me
	m.notify(mb, me, change)
}

// notify posts a change to the subscriptions on the event's calendar; mu
// is held.
func (m *Microsoft) notify(mb *mMailbox, e *mEvent, change string) {
	for _, s := range m.subs {
		if s.Account != mb.account || (s.CalendarID != "" && s.CalendarID != e.cal) || !strings.Contains(s.ChangeType, change) || time.Now().After(s.Expires) {
			continue
		}
		res := "Users/" + mb.account + "/Events/" + e.ev.ID
		body, _ := json.Marshal(map[string]any{"value": []map[string]any{{
			"subscriptionId": s.ID, "subscriptionExpirationDateTime": s.Expires.UTC().Format(time.RFC3339Nano),
			"changeType": change, "resource": res, "clientState": s.ClientState, "tenantId": m.Tenant,
			"resourceData": map[string]string{"@odata.type": "#Microsoft.Graph.Event", "@odata.id": res, "@odata.etag": `W/"` + randomHex(8) + `"`, "id": e.ev.ID},
		}}})
		m.notes.post(s.NotificationURL, http.Header{"Content-Type": {"application/json"}}, body)
	}
}

// graphError writes Graph's error body.
func graphError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": message,
		"innerError": map[string]string{"date": time.Now().UTC().Format(time.RFC3339), "request-id": uuid(), "client-request-id": uuid()}}})
}

func (m *Microsoft) writeFault(w http.ResponseWriter, f Fault) {
	code, msg := f.Reason, http.StatusText(f.Status)
	if code == "" {
		switch f.Status {
		case http.StatusUnauthorized:
			code, msg = "InvalidAuthenticationToken", "Access token has expired or is not yet valid."
		case http.StatusForbidden:
			code, msg = "ErrorAccessDenied", "Access is denied. Check credentials and try again."
		case http.StatusTooManyRequests:
			code, msg = "ApplicationThrottled", "Application is over its MailboxConcurrency limit."
		case http.StatusServiceUnavailable:
			code = "ServiceUnavailable"
		default:
			code = "generalException"
		}
	}
	graphError(w, f.Status, code, msg)
}

// need authenticates a request with a token holding one of scopes and
// returns its mailbox; it writes the refusal itself.
func (m *Microsoft) need(w http.ResponseWriter, r *http.Request, scopes ...string) (*mMailbox, bool) {
	gr, ok := m.bearer(r)
	if !ok {
		graphError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.")
		return nil, false
	}
	held := false
	for _, s := range scopes {
		held = held || slices.Contains(gr.scopes, s)
	}
	if !held {
		graphError(w, http.StatusForbidden, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
		return nil, false
	}
	return m.mailboxes[gr.account], true
}

var (
	msRead  = []string{msScopeRead, msScopeReadWrite}
	msWrite = []string{msScopeReadWrite}
)

func (m *Microsoft) calendarList(w http.ResponseWriter, r *http.Request) {
	mb, ok := m.need(w, r, msRead...)
	if !ok {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var value []map[string]any
	for _, c := range mb.calendars {
		value = append(value, map[string]any{"id": c.id, "name": c.name, "isDefaultCalendar": c.isDefault, "canEdit": c.canEdit,
			"color": "auto", "owner": map[string]string{"name": mb.name, "address": mb.account}})
	}
	writeJSON(w, http.StatusOK, map[string]any{"@odata.context": m.GraphURL() + "/$metadata#users('me')/calendars", "value": value})
}

// deltaState is what the fake's skip and delta tokens encode.
type deltaState struct {
	Cal   string `json:"c"`
	Start string `json:"s"`
	End   string `json:"e"`
	Since int64  `json:"n"` // changes after this sequence; -1 for the first round
	Upto  int64  `json:"u"` // the round's snapshot
	Off   int    `json:"o"`
	Epoch int    `json:"p"`
}

func (d deltaState) encode() string {
	b, _ := json.Marshal(d)
	return base64.RawURLEncoding.EncodeToString(b)
}

var preferZone = regexp.MustCompile(`outlook\.timezone="([^"]+)"`)
var preferPage = regexp.MustCompile(`odata\.maxpagesize=(\d+)`)

// windowsZones are the Windows zone names the fake knows.
var windowsZones = map[string]string{
	"W. Europe Standard Time": "Europe/Berlin", "Pacific Standard Time": "America/Los_Angeles",
	"Eastern Standard Time": "America/New_York", "GMT Standard Time": "Europe/London",
}

func loadZone(name string) (*time.Location, bool) {
	if name == "" || strings.EqualFold(name, "UTC") {
		return time.UTC, true
	}
	if iana, ok := windowsZones[name]; ok {
		name = iana
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

// delta serves calendarView/delta: the first round lists the window's
// events and occurrences; later rounds what changed since, with deleted
// events and those that left the window under "@removed".
func (m *Microsoft) delta(w http.ResponseWriter, r *http.Request) {
	mb, ok := m.need(w, r, msRead...)
	if !ok {
		return
	}
	q := r.URL.Query()
	zone, page := time.UTC, 10
	for _, p := range r.Header.Values("Prefer") {
		if z := preferZone.FindStringSubmatch(p); z != nil {
			if loc, ok := loadZone(z[1]); ok {
				zone = loc
			} else {
				graphError(w, http.StatusBadRequest, "TimeZoneNotSupportedException", "A valid TimeZone value must be specified.")
				return
			}
		}
		if n := preferPage.FindStringSubmatch(p); n != nil {
			page, _ = strconv.Atoi(n[1])
			page = min(max(page, 1), 1000)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	calID := r.PathValue("cal")
	if calID == "" {
		calID = mb.calendars[0].id
	}
	c := mb.calendar(calID)
	if c == nil {
		graphError(w, http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
		return
	}
	var st deltaState
	switch {
	case q.Has("$skiptoken") || q.Has("$deltatoken"):
		tok := q.Get("$skiptoken") + q.Get("$deltatoken")
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || json.Unmarshal(b, &st) != nil || st.Cal != calID {
			graphError(w, http.StatusBadRequest, "ErrorInvalidParameter", "The delta token is malformed.")
			return
		}
		if st.Epoch != c.epoch {
			graphError(w, http.StatusGone, "SyncStateNotFound", "The sync state generation is not found. Please restart the sync.")
			return
		}
		if q.Has("$deltatoken") { // a new round: changes since the last one
			st.Since, st.Upto, st.Off = st.Upto, m.seq, 0
		}
	default:
		if !q.Has("startDateTime") || !q.Has("endDateTime") {
			graphError(w, http.StatusBadRequest, "ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.")
			return
		}
		for k := range q {
			if k != "startDateTime" && k != "endDateTime" {
				graphError(w, http.StatusBadRequest, "BadRequest", "Query option '"+k+"' is not supported with delta.")
				return
			}
		}
		st = deltaState{Cal: calID, Start: q.Get("startDateTime"), End: q.Get("endDateTime"), Since: -1, Upto: m.seq, Epoch: c.epoch}
	}
	from, err1 := time.Parse(time.RFC3339, st.Start)
	to, err2 := time.Parse(time.RFC3339, st.End)
	if err1 != nil || err2 != nil || !to.After(from) {
		graphError(w, http.StatusBadRequest, "ErrorInvalidParameter", "The value of StartDateTime or EndDateTime is invalid.")
		return
	}
	items := m.changes(mb, calID, from, to, st.Since, zone)
	resp := map[string]any{"@odata.context": m.GraphURL() + "/$metadata#Collection(event)", "value": []map[string]any{}}
	end := len(items)
	if st.Off < len(items) {
		end = min(st.Off+page, len(items))
		resp["value"] = items[st.Off:end]
	}
	link := m.GraphURL() + "/me/calendars/" + url.PathEscape(calID) + "/calendarView/delta?"
	if end < len(items) {
		next := st
		next.Off = end
		resp["@odata.nextLink"] = link + "$skiptoken=" + next.encode()
	} else {
		done := st
		done.Off = 0
		resp["@odata.deltaLink"] = link + "$deltatoken=" + done.encode()
	}
	writeJSON(w, http.StatusOK, resp)
}

// changes lists a round's items; mu is held.
func (m *Microsoft) changes(mb *mMailbox, calID string, from, to time.Time, since int64, zone *time.Location) []map[string]any {
	var out []map[string]any
	removed := func(id string) map[string]any {
		return map[string]any{"@odata.type": "#microsoft.graph.event", "id": id, "@removed": map[string]string{"reason": "deleted"}}
	}
	for _, id := range mb.order {
		e := mb.events[id]
		if e.cal != calID || e.seq <= since {
			continue
		}
		var views []MicrosoftEvent
		if e.ev.Recurrence != nil {
			views = m.occurrences(e.ev, from, to)
		} else {
			views = []MicrosoftEvent{e.ev}
		}
		for _, v := range views {
			inWindow := overlapsMS(v, from, to)
			switch {
			case e.deleted || !inWindow:
				if since >= 0 { // the first round only lists what is there
					out = append(out, removed(v.ID))
				}
			default:
				out = append(out, m.render(v, zone))
			}
		}
	}
	return out
}

func msTimes(e MicrosoftEvent) (start, end time.Time) {
	read := func(t *MicrosoftTime) time.Time {
		if t == nil {
			return time.Time{}
		}
		loc, _ := loadZone(t.TimeZone)
		if loc == nil {
			loc = time.UTC
		}
		v, _ := time.ParseInLocation("2006-01-02T15:04:05.9999999", t.DateTime, loc)
		return v
	}
	return read(e.Start), read(e.End)
}

func overlapsMS(e MicrosoftEvent, from, to time.Time) bool {
	s, en := msTimes(e)
	return en.After(from) && s.Before(to)
}

// render shows an event in the zone the client preferred; all-day events
// keep their dates.
func (m *Microsoft) render(e MicrosoftEvent, zone *time.Location) map[string]any {
	s, en := msTimes(e)
	out := e
	if e.IsAllDay {
		out.Start = &MicrosoftTime{DateTime: s.Format(time.DateOnly) + "T00:00:00.0000000", TimeZone: zone.String()}
		out.End = &MicrosoftTime{DateTime: en.Format(time.DateOnly) + "T00:00:00.0000000", TimeZone: zone.String()}
	} else {
		out.Start = &MicrosoftTime{DateTime: s.In(zone).Format("2006-01-02T15:04:05.0000000"), TimeZone: zone.String()}
		out.End = &MicrosoftTime{DateTime: en.In(zone).Format("2006-01-02T15:04:05.0000000"), TimeZone: zone.String()}
	}
	b, _ := json.Marshal(out)
	var v map[string]any
	_ = json.Unmarshal(b, &v)
	v["@odata.type"] = "#microsoft.graph.event"
	v["@odata.etag"] = `W/"` + randomHex(8) + `"`
	return v
}

// occurrences expands a daily or weekly series into the occurrences
// overlapping [from, to).
func (m *Microsoft) occurrences(master MicrosoftEvent, from, to time.Time) []MicrosoftEvent {
	s, en := msTimes(master)
	length := en.Sub(s)
	rec := master.Recurrence
	step := max(rec.Pattern.Interval, 1)
	days := step
	if rec.Pattern.Type == "weekly" {
		days = 7 * step
	}
	var last time.Time
	if rec.Range.Type == "endDate" {
		last, _ = time.ParseInLocation(time.DateOnly, rec.Range.EndDate, s.Location())
		last = last.AddDate(0, 0, 1)
	}
	var out []MicrosoftEvent
	for i := 0; i < 5000; i++ {
		if rec.Range.Type == "numbered" && i >= rec.Range.NumberOfOccurrences {
			break
		}
		at := s.AddDate(0, 0, i*days)
		if !last.IsZero() && !at.Before(last) || !at.Before(to) {
			break
		}
		occ := master
		occ.Recurrence, occ.Type, occ.SeriesMasterID = nil, "occurrence", master.ID
		occ.ID = master.ID + "_occ_" + at.Format("20060102")
		occ.Start = &MicrosoftTime{DateTime: at.Format("2006-01-02T15:04:05.0000000"), TimeZone: at.Location().String()}
		occ.End = &MicrosoftTime{DateTime: at.Add(length).Format("2006-01-02T15:04:05.0000000"), TimeZone: at.Location().String()}
		if overlapsMS(occ, from, to) {
			out = append(out, occ)
		}
	}
	return out
}

// checkEvent validates the times of a written event.
func checkEvent(w http.ResponseWriter, e MicrosoftEvent) bool {
	for _, t := range []*MicrosoftTime{e.Start, e.End} {
		if t == nil {
			graphError(w, http.StatusBadRequest, "ErrorInvalidRequest", "Your request can't be completed. An event needs a start and an end.")
			return false
		}
		if _, ok := loadZone(t.TimeZone); !ok {
			graphError(w, http.StatusBadRequest, "TimeZoneNotSupportedException", "A valid TimeZone value must be specified. The following TimeZone value is not supported: '"+t.TimeZone+"'.")
			return false
		}
		if _, err := time.Parse("2006-01-02T15:04:05.9999999", t.DateTime); err != nil {
			graphError(w, http.StatusBadRequest, "UnableToDeserializePostBody", "Cannot convert the literal '"+t.DateTime+"' to the expected type 'Edm.DateTimeOffset'.")
			return false
		}
	}
	s, en := msTimes(e)
	if !en.After(s) {
		graphError(w, http.StatusBadRequest, "ErrorInvalidRequest", "Your request can't be completed. The end time must be after the start time.")
		return false
	}
	return true
}

func (m *Microsoft) create(w http.ResponseWriter, r *http.Request) {
	mb, ok := m.need(w, r, msWrite...)
	if !ok {
		return
	}
	var e MicrosoftEvent
	if err := decodeStrict(r.Body, &e); err != nil {
		graphError(w, http.StatusBadRequest, "RequestBodyRead", "Invalid request body: "+err.Error())
		return
	}
	if e.ID != "" || e.Type != "" || e.IsOrganizer || e.ICalUID != "" {
		graphError(w, http.StatusBadRequest, "ErrorInvalidProperty", "A read-only property was set.")
		return
	}
	if !checkEvent(w, e) {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	calID := r.PathValue("cal")
	if calID == "" {
		calID = mb.calendars[0].id
	}
	c := mb.calendar(calID)
	switch {
	case c == nil:
		graphError(w, http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
		return
	case !c.canEdit:
		graphError(w, http.StatusForbidden, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
		return
	}
	if id, seen := mb.transactions[e.TransactionID]; seen && e.TransactionID != "" {
		// The create is a retry: the event it made the first time.
		writeJSON(w, http.StatusCreated, m.render(mb.events[id].ev, time.UTC))
		return
	}
	e.ID = graphID()
	e.Organizer = nil
	m.complete(mb, &e)
	if len(e.Attendees) > 0 {
		m.invitations++
	}
	if e.TransactionID != "" {
		mb.transactions[e.TransactionID] = e.ID
	}
	m.store(mb, calID, e)
	writeJSON(w, http.StatusCreated, m.render(e, time.UTC))
}

func (m *Microsoft) get(w http.ResponseWriter, r *http.Request) {
	mb, ok := m.need(w, r, msRead...)
	if !ok {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e := mb.events[r.PathValue("id")]
	if e == nil || e.deleted {
		graphError(w, http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
		return
	}
	writeJSON(w, http.StatusOK, m.render(e.ev, time.UTC))
}

func (m *Microsoft) update(w http.ResponseWriter, r *http.Request) {
	mb, ok := m.need(w, r, msWrite...)
	if !ok {
		return
	}
	body, _ := readBody(r)
	var patch MicrosoftEvent
	if err := decodeStrict(strings.NewReader(body), &patch); err != nil {
		graphError(w, http.StatusBadRequest, "RequestBodyRead", "Invalid request body: "+err.Error())
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e := mb.events[r.PathValue("id")]
	if e == nil || e.deleted {
		graphError(w, http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
		return
	}
	if patch.TransactionID != "" && patch.TransactionID != e.ev.TransactionID {
		graphError(w, http.StatusBadRequest, "ErrorInvalidProperty", "transactionId cannot be changed.")
		return
	}
	base, _ := json.Marshal(e.ev)
	var cur map[string]json.RawMessage
	_ = json.Unmarshal(base, &cur)
	var p map[string]json.RawMessage
	_ = json.Unmarshal([]byte(body), &p)
	for k, v := range p {
		cur[k] = v
	}
	merged, _ := json.Marshal(cur)
	var next MicrosoftEvent
	_ = json.Unmarshal(merged, &next)
	if !checkEvent(w, next) {
		return
	}
	m.complete(mb, &next)
	if len(next.Attendees) > 0 {
		m.invitations++
	}
	m.store(mb, e.cal, next)
	writeJSON(w, http.StatusOK, m.render(next, time.UTC))
}

func (m *Microsoft) remove(w http.ResponseWriter, r *http.Request) {
	mb, ok := m.need(w, r, msWrite...)
	if !ok {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e := mb.events[r.PathValue("id")]
	if e == nil || e.deleted {
		graphError(w, http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
		return
	}
	if len(e.ev.Attendees) > 0 {
		m.invitations++ // a cancellation would go to them
	}
	m.seq++
	e.deleted, e.seq = true, m.seq
	m.notify(mb, e, "deleted")
	w.WriteHeader(http.StatusNoContent)
}

// maxExpiry is how far ahead a subscription to Outlook events may expire.
const msMaxExpiry = 10080 * time.Minute

var eventsResource = regexp.MustCompile(`^/?me/(?:calendars/([^/]+)/)?events$`)

func (m *Microsoft) subscribe(w http.ResponseWriter, r *http.Request) {
	mb, ok := m.need(w, r, msRead...)
	if !ok {
		return
	}
	var req struct {
		ChangeType                string `json:"changeType"`
		NotificationURL           string `json:"notificationUrl"`
		LifecycleNotificationURL  string `json:"lifecycleNotificationUrl"`
		Resource                  string `json:"resource"`
		ExpirationDateTime        string `json:"expirationDateTime"`
		ClientState               string `json:"clientState"`
		LatestSupportedTLSVersion string `json:"latestSupportedTlsVersion"`
	}
	if err := decodeStrict(r.Body, &req); err != nil {
		graphError(w, http.StatusBadRequest, "RequestBodyRead", "Invalid request body: "+err.Error())
		return
	}
	for _, c := range strings.Split(req.ChangeType, ",") {
		if c != "created" && c != "updated" && c != "deleted" {
			graphError(w, http.StatusBadRequest, "ValidationError", "Invalid changeType: "+req.ChangeType)
			return
		}
	}
	exp, err := time.Parse(time.RFC3339Nano, req.ExpirationDateTime)
	if err != nil || !exp.After(time.Now()) || exp.After(time.Now().Add(msMaxExpiry)) {
		graphError(w, http.StatusBadRequest, "InvalidRequest", "Subscription expiration can only be 10070 minutes in the future.")
		return
	}
	if len(req.ClientState) > 128 {
		graphError(w, http.StatusBadRequest, "ValidationError", "clientState must be at most 128 characters.")
		return
	}
	res := eventsResource.FindStringSubmatch(req.Resource)
	if res == nil {
		graphError(w, http.StatusBadRequest, "ExtensionError", "Unsupported resource: "+req.Resource)
		return
	}
	for i, u := range []string{req.NotificationURL, req.LifecycleNotificationURL} {
		if u == "" && i == 1 {
			continue // the lifecycle URL is optional for Outlook resources
		}
		p, err := url.Parse(u)
		if err != nil || p.Host == "" || p.Scheme != "https" && !(p.Scheme == "http" && isLoopback(p)) {
			graphError(w, http.StatusBadRequest, "ValidationError", "The notification URL must be https: "+u)
			return
		}
	}
	m.mu.Lock()
	calID := ""
	if res[1] != "" {
		calID, _ = url.PathUnescape(res[1])
		if mb.calendar(calID) == nil {
			m.mu.Unlock()
			graphError(w, http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
			return
		}
	}
	m.mu.Unlock()
	// The handshake: each URL must echo a validation token, in plain text,
	// within ten seconds.
	for _, u := range []string{req.NotificationURL, req.LifecycleNotificationURL} {
		if u == "" {
			continue
		}
		tok := "Validation: Testing client application reachability for subscription Request-Id: " + uuid()
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		d := m.notes.send(u+sep+"validationToken="+url.QueryEscape(tok), http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, nil)
		if d.Status != http.StatusOK || d.Answer != tok {
			graphError(w, http.StatusBadRequest, "ValidationError", fmt.Sprintf("Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request. (%d %q)", d.Status, d.Answer))
			return
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := &MicrosoftSubscription{ID: uuid(), Account: mb.account, CalendarID: calID, Resource: req.Resource, ChangeType: req.ChangeType,
		NotificationURL: req.NotificationURL, LifecycleURL: req.LifecycleNotificationURL, ClientState: req.ClientState, Expires: exp}
	m.subs[s.ID] = s
	writeJSON(w, http.StatusCreated, m.subscriptionJSON(s))
}

func (m *Microsoft) subscriptionJSON(s *MicrosoftSubscription) map[string]any {
	return map[string]any{"@odata.context": m.GraphURL() + "/$metadata#subscriptions/$entity", "id": s.ID, "resource": s.Resource,
		"applicationId": m.ClientID, "changeType": s.ChangeType, "clientState": s.ClientState, "notificationUrl": s.NotificationURL,
		"lifecycleNotificationUrl": s.LifecycleURL, "expirationDateTime": s.Expires.UTC().Format(time.RFC3339Nano),
		"creatorId": uuid(), "latestSupportedTlsVersion": "v1_2"}
}

func (m *Microsoft) renew(w http.ResponseWriter, r *http.Request) {
	mb, ok := m.need(w, r, msRead...)
	if !ok {
		return
	}
	var req struct {
		ExpirationDateTime string `json:"expirationDateTime"`
	}
	if err := decodeStrict(r.Body, &req); err != nil {
		graphError(w, http.StatusBadRequest, "RequestBodyRead", "Invalid request body: "+err.Error())
		return
	}
	exp, err := time.Parse(time.RFC3339Nano, req.ExpirationDateTime)
	if err != nil || !exp.After(time.Now()) || exp.After(time.Now().Add(msMaxExpiry)) {
		graphError(w, http.StatusBadRequest, "InvalidRequest", "Subscription expiration can only be 10070 minutes in the future.")
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.subs[r.PathValue("id")]
	if s == nil || s.Account != mb.account {
		graphError(w, http.StatusNotFound, "ResourceNotFound", "The object was not found.")
		return
	}
	s.Expires = exp
	writeJSON(w, http.StatusOK, m.subscriptionJSON(s))
}

func (m *Microsoft) unsubscribe(w http.ResponseWriter, r *http.Request) {
	mb, ok := m.need(w, r, msRead...)
	if !ok {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.subs[r.PathValue("id")]
	if s == nil || s.Account != mb.account {
		graphError(w, http.StatusNotFound, "ResourceNotFound", "The object was not found.")
		return
	}
	delete(m.subs, s.ID)
	w.WriteHeader(http.StatusNoContent)
}
