package microsoft_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/calendar/calendartest"
	"github.com/frontdesk/frontdesk/backend/calendar/microsoft"
	"github.com/frontdesk/frontdesk/backend/oauth"
)

const (
	agent    = "anna@acme.test"
	redirect = "https://frontdesk.example/oauth/microsoft/callback"
)

type setup struct {
	mu      sync.Mutex
	fake    *calendartest.Microsoft
	app     *oauth.App
	conn    *microsoft.Conn
	refresh string
	cal     string // the default calendar
}

func (s *setup) refreshToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refresh
}

func endpoints(f *calendartest.Microsoft) microsoft.Endpoints {
	return microsoft.Endpoints{LoginURL: f.LoginURL(), GraphURL: f.GraphURL()}
}

func connect(t *testing.T, tenant string) *setup {
	t.Helper()
	f := calendartest.NewMicrosoft(t)
	f.AddAccount(agent, "Anna", "Europe/Berlin")
	f.RegisterRedirectURI(redirect)
	app := microsoft.OAuth(f.ClientID, f.ClientSecret, tenant, redirect, endpoints(f), nil)
	auth, err := app.Authorize()
	if err != nil {
		t.Fatal(err)
	}
	back, _ := url.Parse(f.Authorize(t, auth.URL, calendartest.Consent{}))
	if back.Query().Get("state") != auth.State {
		t.Fatalf("state came back as %q", back.Query().Get("state"))
	}
	tok, err := app.Exchange(context.Background(), back.Query().Get("code"), auth.Verifier)
	if err != nil {
		t.Fatal(err)
	}
	if m := microsoft.MissingScopes(oauth.Scopes(tok)); len(m) != 0 || tok.RefreshToken == "" {
		t.Fatalf("grant lacks %v (refresh token %v)", m, tok.RefreshToken != "")
	}
	s := &setup{fake: f, app: app, refresh: tok.RefreshToken, cal: f.CalendarID(agent)}
	var tokens oauth.Tokens
	rotated := func(next string) error { s.mu.Lock(); defer s.mu.Unlock(); s.refresh = next; return nil }
	c := &microsoft.Client{Endpoints: endpoints(f)}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	s.conn = c.Conn(microsoft.Account{Tokens: tokens.Source(context.Background(), "ms:test", app, tok.RefreshToken, rotated),
		Zone: berlin, Own: func(uid string) bool { return strings.HasSuffix(uid, "@frontdesk.example") }})
	return s
}

func TestAuthorization(t *testing.T) {
	for _, tenant := range []string{"", "common"} {
		s := connect(t, tenant)
		auth, _ := s.app.Authorize()
		u, _ := url.Parse(auth.URL)
		if !strings.HasPrefix(u.Path, "/common/oauth2/v2.0/authorize") || u.Query().Get("scope") != "offline_access https://graph.microsoft.com/Calendars.ReadWrite" ||
			u.Query().Get("code_challenge_method") != "S256" {
			t.Errorf("authorization URL %s", auth.URL)
		}
	}
	// A tenant of one's own works; an unknown one is refused before any
	// consent.
	f := calendartest.NewMicrosoft(t)
	f.AddAccount(agent, "Anna", "UTC")
	f.RegisterRedirectURI(redirect)
	app := microsoft.OAuth(f.ClientID, f.ClientSecret, f.Tenant, redirect, endpoints(f), nil)
	auth, _ := app.Authorize()
	if back := f.Authorize(t, auth.URL, calendartest.Consent{}); !strings.Contains(back, "code=") {
		t.Fatalf("own tenant: %s", back)
	}
	for _, tc := range []struct {
		s  string
		ok bool
	}{{"common", true}, {"contoso.onmicrosoft.com", true}, {"72f988bf-86f1-41af-91ab-2d7cd011db47", true}, {"", false}, {"a/b", false}, {"x?y", false}, {"..", false}} {
		if microsoft.ValidTenant(tc.s) != tc.ok {
			t.Errorf("ValidTenant(%q) = %v", tc.s, !tc.ok)
		}
	}
	if m := microsoft.MissingScopes([]string{"Calendars.Read"}); len(m) != 1 {
		t.Errorf("read-only grant: missing %v", m)
	}
	if m := microsoft.MissingScopes([]string{"openid", "calendars.readwrite"}); len(m) != 0 {
		t.Errorf("unprefixed scope: missing %v", m)
	}
}

func TestCalendars(t *testing.T) {
	s := connect(t, "")
	shared := s.fake.AddCalendar(agent, "Team", false)
	cals, err := s.conn.Calendars(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []calendar.Info{
		{ID: s.cal, Name: "Calendar", Primary: true, Writable: true, Owner: agent},
		{ID: shared, Name: "Team", Owner: agent},
	}
	if !slices.Equal(cals, want) {
		t.Fatalf("calendars\n got %+v\nwant %+v", cals, want)
	}
}

func utc(day string, hour int) time.Time {
	d, _ := time.Parse(time.DateOnly, day)
	return d.Add(time.Duration(hour) * time.Hour)
}

func timed(start time.Time, d time.Duration) (*calendartest.MicrosoftTime, *calendartest.MicrosoftTime) {
	f := "2006-01-02T15:04:05.0000000"
	return &calendartest.MicrosoftTime{DateTime: start.UTC().Format(f), TimeZone: "UTC"}, &calendartest.MicrosoftTime{DateTime: start.Add(d).UTC().Format(f), TimeZone: "UTC"}
}

func invitation(start time.Time, response string) calendartest.MicrosoftEvent {
	st, en := timed(start, time.Hour)
	return calendartest.MicrosoftEvent{Subject: "Invitation " + response, Start: st, End: en,
		Organizer:      &calendartest.MicrosoftRecipient{EmailAddress: calendartest.MicrosoftAddress{Address: "boss@elsewhere.test"}},
		ResponseStatus: &calendartest.MicrosoftResponse{Response: response},
		Attendees:      []calendartest.MicrosoftAttendee{{Type: "required", EmailAddress: calendartest.MicrosoftAddress{Address: agent}}}}
}

func busyOf(ch calendar.Changes) map[string]calendar.Busy {
	m := map[string]calendar.Busy{}
	for _, b := range ch.Busy {
		m[b.ID] = b
	}
	return m
}

func TestChanges(t *testing.T) {
	s := connect(t, "")
	ctx := context.Background()
	f := s.fake
	day := "2031-03-10"
	w := calendar.Window{From: utc(day, 0).AddDate(0, 0, -1), To: utc(day, 0).AddDate(0, 0, 30)}
	own := func(start time.Time) calendartest.MicrosoftEvent {
		st, en := timed(start, time.Hour)
		return calendartest.MicrosoftEvent{Subject: "Mine", Start: st, End: en}
	}
	st, en := timed(utc(day, 15), time.Hour)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	mk := map[string]calendartest.MicrosoftEvent{
		"organized":    own(utc(day, 8)),
		"notresponded": invitation(utc(day, 9), "notResponded"),
		"tentative":    invitation(utc(day, 10), "tentativelyAccepted"),
		"declined":     invitation(utc(day, 11), "declined"),
		"accepted":     invitation(utc(day, 12), "accepted"),
		"free": func() calendartest.MicrosoftEvent {
			e := own(utc(day, 13))
			e.ShowAs = "free"
			return e
		}(),
		"cancelled": func() calendartest.MicrosoftEvent {
			e := invitation(utc(day, 14), "accepted")
			e.IsCancelled = true
			return e
		}(),
		"frontdesk":  {Subject: "Frontdesk's", Start: st, End: en, TransactionID: microsoft.TransactionID("m1@frontdesk.example")},
		"invitecopy": {Subject: "Outlook's copy of our invitation", Start: st, End: en, ICalUID: "m2@frontdesk.example"},
		"allday": {Subject: "Day off", IsAllDay: true,
			Start: &calendartest.MicrosoftTime{DateTime: "2031-03-11T00:00:00.0000000", TimeZone: "Europe/Berlin"},
			End:   &calendartest.MicrosoftTime{DateTime: "2031-03-12T00:00:00.0000000", TimeZone: "Europe/Berlin"}},
		"berlin": {Subject: "Local time", Start: &calendartest.MicrosoftTime{DateTime: "2031-03-12T09:00:00.0000000", TimeZone: "W. Europe Standard Time"},
			End: &calendartest.MicrosoftTime{DateTime: "2031-03-12T10:00:00.0000000", TimeZone: "W. Europe Standard Time"}},
		"series": func() calendartest.MicrosoftEvent {
			e := own(utc(day, 7))
			e.Recurrence = &calendartest.MicrosoftRecurrence{}
			e.Recurrence.Pattern.Type, e.Recurrence.Pattern.Interval = "daily", 1
			e.Recurrence.Range.Type, e.Recurrence.Range.StartDate, e.Recurrence.Range.NumberOfOccurrences = "numbered", day, 3
			return e
		}(),
	}
	ids := map[string]string{}
	for name, e := range mk {
		ids[name] = f.PutEvent(agent, s.cal, e).ID
	}
	full, err := s.conn.Changes(ctx, s.cal, "", w)
	if err != nil {
		t.Fatal(err)
	}
	if !full.Full || full.Cursor == "" {
		t.Fatalf("first round: full=%v cursor=%q", full.Full, full.Cursor)
	}
	got := busyOf(full)
	for name, want := range map[string]bool{"organized": true, "notresponded": false, "tentative": false, "declined": false,
		"accepted": true, "free": false, "cancelled": false, "frontdesk": false, "invitecopy": false, "allday": true, "berlin": true} {
		b, ok := got[ids[name]]
		if !ok || b.Blocks != want {
			t.Errorf("%s: %+v (listed %v), want blocks=%v", name, b, ok, want)
		}
	}
	if b := got[ids["allday"]]; !b.Start.Equal(time.Date(2031, 3, 11, 0, 0, 0, 0, berlin)) || !b.End.Equal(time.Date(2031, 3, 12, 0, 0, 0, 0, berlin)) {
		t.Errorf("all-day event spans %s – %s, want the day in the agent's zone", b.Start, b.End)
	}
	if b := got[ids["berlin"]]; !b.Start.Equal(time.Date(2031, 3, 12, 9, 0, 0, 0, berlin)) {
		t.Errorf("event in a Windows zone starts %s", b.Start)
	}
	var occ int
	for id, b := range got {
		if strings.HasPrefix(id, ids["series"]) && b.Blocks {
			occ++
		}
	}
	if occ != 3 {
		t.Errorf("%d occurrences of the series, want 3", occ)
	}
	// Every request asked for UTC and pages.
	for _, r := range f.Requests() {
		if strings.Contains(r.Path, "/calendarView/delta") && !slices.Contains(r.Header.Values("Prefer"), `outlook.timezone="UTC"`) {
			t.Errorf("delta without the UTC preference: %v", r.Header)
		}
	}

	f.SetResponse(agent, ids["notresponded"], "accepted")
	f.SetResponse(agent, ids["accepted"], "declined")
	f.DeleteEvent(agent, ids["organized"])
	inc, err := s.conn.Changes(ctx, s.cal, full.Cursor, w)
	if err != nil {
		t.Fatal(err)
	}
	got = busyOf(inc)
	if inc.Full || len(inc.Busy) != 3 || !got[ids["notresponded"]].Blocks || got[ids["accepted"]].Blocks || got[ids["organized"]].Blocks {
		t.Fatalf("second round: %+v", inc)
	}
	f.ExpireDeltaTokens(agent, s.cal)
	redo, err := s.conn.Changes(ctx, s.cal, inc.Cursor, w)
	if err != nil || !redo.Full || len(redo.Busy) < 10 {
		t.Fatalf("after 410: %v, full=%v, %d events", err, redo.Full, len(redo.Busy))
	}
}

// A stored delta link that points off Graph never gets the token.
func TestForeignDeltaLink(t *testing.T) {
	s := connect(t, "")
	w := calendar.Window{From: utc("2031-01-01", 0), To: utc("2031-02-01", 0)}
	var leaked bool
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { leaked = true }))
	defer evil.Close()
	ch, err := s.conn.Changes(context.Background(), s.cal, evil.URL+"/v1.0/me/calendarView/delta?$deltatoken=x", w)
	if err != nil || !ch.Full || leaked {
		t.Fatalf("foreign cursor: %v full=%v leaked=%v", err, ch.Full, leaked)
	}
	s.fake.Inject(calendartest.Fault{Path: "/v1.0/me/calendars/", Status: 200, Body: `{"value":[],"@odata.nextLink":"` + evil.URL + `/v1.0/x"}`})
	if _, err := s.conn.Changes(context.Background(), s.cal, "", w); !calendar.IsKind(err, calendar.Malformed) || leaked {
		t.Fatalf("foreign next link: %v leaked=%v", err, leaked)
	}
}

func meeting(uid string, start time.Time) calendar.Event {
	return calendar.Event{UID: uid, Start: start, End: start.Add(30 * time.Minute), TimeZone: "Europe/Rome",
		Summary: "Meeting with Gina", Description: "Conversation: https://frontdesk.example/c/7", URL: "https://frontdesk.example/c/7",
		Location: "Via Roma 1", Attendees: []calendar.Attendee{{Name: "Gina", Email: "gina@example.com"}}}
}

func TestPutAndDelete(t *testing.T) {
	s := connect(t, "")
	ctx := context.Background()
	const uid = "m42@frontdesk.example"
	id, err := s.conn.Put(ctx, s.cal, "", meeting(uid, utc("2031-04-01", 9)))
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.conn.Put(ctx, s.cal, "", meeting(uid, utc("2031-04-01", 9)))
	if err != nil || again != id {
		t.Fatalf("retried create: %q %v, want %q", again, err, id)
	}
	if evs := s.fake.Events(agent, s.cal); len(evs) != 1 {
		t.Fatalf("%d events after a retried create", len(evs))
	}
	if _, err := s.conn.Put(ctx, s.cal, id, meeting(uid, utc("2031-04-02", 14))); err != nil {
		t.Fatal(err)
	}
	ev, _ := s.fake.Event(agent, id)
	if ev.Start.DateTime != "2031-04-02T14:00:00" || ev.Start.TimeZone != "UTC" || ev.Location.DisplayName != "Via Roma 1" ||
		!strings.Contains(ev.Body.Content, "Gina <gina@example.com>") || !strings.Contains(ev.Body.Content, "https://frontdesk.example/c/7") ||
		len(ev.Attendees) != 0 || ev.TransactionID != microsoft.TransactionID(uid) {
		t.Fatalf("event after the move: %+v", ev)
	}
	if err := s.conn.Delete(ctx, s.cal, id); err != nil {
		t.Fatal(err)
	}
	if err := s.conn.Delete(ctx, s.cal, id); err != nil {
		t.Fatalf("deleting a deleted event: %v", err)
	}
	if n := s.fake.InvitationsSent(); n != 0 {
		t.Errorf("Exchange sent %d invitations", n)
	}
	for _, r := range s.fake.Requests() {
		if strings.HasPrefix(r.Path, "/v1.0/") && !strings.HasPrefix(r.Authorization, "Bearer ") {
			t.Errorf("%s %s without a bearer token", r.Method, r.Path)
		}
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		fault calendartest.Fault
		kind  calendar.Kind
		after time.Duration
	}{
		{"401", calendartest.Fault{Status: 401}, calendar.Unauthorized, 0},
		{"403", calendartest.Fault{Status: 403}, calendar.Refused, 0},
		{"429", calendartest.Fault{Status: 429, RetryAfter: "11"}, calendar.RateLimited, 11 * time.Second},
		{"503", calendartest.Fault{Status: 503, RetryAfter: "3"}, calendar.Unavailable, 3 * time.Second},
		{"malformed", calendartest.Fault{Status: 200, Body: `{"value":[{"id":`}, calendar.Malformed, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := connect(t, "")
			tc.fault.Path = "/v1.0/"
			s.fake.Inject(tc.fault)
			_, err := s.conn.Calendars(ctx)
			e, ok := calendar.AsError(err)
			if !ok || e.Kind != tc.kind || e.RetryAfter != tc.after {
				t.Fatalf("error %v, want %s after %s", err, tc.kind, tc.after)
			}
		})
	}
	t.Run("revoked grant", func(t *testing.T) {
		s := connect(t, "")
		s.fake.RevokeGrants(agent)
		if _, err := s.conn.Calendars(ctx); !calendar.IsKind(err, calendar.Reconnect) {
			t.Fatalf("after revocation: %v", err)
		}
	})
}

// Refresh tokens rotate: the new one is handed to the caller to store.
func TestRefreshRotates(t *testing.T) {
	s := connect(t, "")
	first := s.refreshToken()
	if _, err := s.conn.Calendars(context.Background()); err != nil {
		t.Fatal(err)
	}
	if next := s.refreshToken(); next == first || next == "" {
		t.Fatal("the rotated refresh token was not handed back")
	}
}

// The subscription handshake, notifications with clientState, renewal in
// place, lifecycle events, and deletion.
func TestSubscriptions(t *testing.T) {
	s := connect(t, "")
	ctx := context.Background()
	var mu sync.Mutex
	var got []microsoft.Notification
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok, ok := microsoft.ValidationToken(r); ok {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, tok)
			return
		}
		body, _ := io.ReadAll(r.Body)
		ns, err := microsoft.ParseNotifications(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		got = append(got, ns...)
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer hook.Close()
	ch, err := s.conn.Watch(ctx, calendar.Channel{CalendarID: s.cal, Address: hook.URL + "/hooks/microsoft", Token: "client-state"})
	if err != nil {
		t.Fatal(err)
	}
	if ch.ID == "" || time.Until(ch.Expires) < 6*24*time.Hour || time.Until(ch.Expires) > 7*24*time.Hour {
		t.Fatalf("subscription %+v", ch)
	}
	st, en := timed(utc("2031-01-01", 9), time.Hour)
	s.fake.PutEvent(agent, s.cal, calendartest.MicrosoftEvent{Subject: "x", Start: st, End: en})
	s.fake.SendLifecycle(ch.ID, "reauthorizationRequired")
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no notifications")
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	for _, n := range got {
		if n.SubscriptionID != ch.ID || n.ClientState != "client-state" {
			t.Errorf("notification %+v", n)
		}
	}
	if !slices.ContainsFunc(got, func(n microsoft.Notification) bool { return n.LifecycleEvent == "reauthorizationRequired" }) {
		t.Errorf("no lifecycle notification in %+v", got)
	}
	mu.Unlock()
	renewed, err := s.conn.Renew(ctx, ch, time.Now().Add(30*24*time.Hour))
	if err != nil || renewed.ID != ch.ID || !renewed.Expires.After(ch.Expires.Add(-time.Minute)) {
		t.Fatalf("renewed %+v %v", renewed, err)
	}
	if err := s.conn.Unwatch(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if err := s.conn.Unwatch(ctx, ch); err != nil {
		t.Fatalf("deleting a deleted subscription: %v", err)
	}
	// Renewing one Graph forgot makes a new one.
	again, err := s.conn.Renew(ctx, ch, time.Now().Add(24*time.Hour))
	if err != nil || again.ID == ch.ID {
		t.Fatalf("renewing a lost subscription: %+v %v", again, err)
	}
	// A hook that fails the handshake gets no subscription.
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "nope") }))
	defer bad.Close()
	if _, err := s.conn.Watch(ctx, calendar.Channel{CalendarID: s.cal, Address: bad.URL, Token: "x"}); !calendar.IsKind(err, calendar.Refused) {
		t.Fatalf("failed handshake: %v", err)
	}
}

func TestParseNotifications(t *testing.T) {
	good := `{"value":[{"subscriptionId":"s1","clientState":"c","changeType":"updated","resource":"Users/x/Events/y","tenantId":"t"}]}`
	ns, err := microsoft.ParseNotifications([]byte(good))
	if err != nil || len(ns) != 1 || ns[0].SubscriptionID != "s1" {
		t.Fatalf("%+v %v", ns, err)
	}
	for _, bad := range []string{``, `[]`, `{}`, `{"value":{}}`, `{"value":[{"clientState":"c"}]}`, `{"value":[{"subscriptionId":7}]}`,
		`{"value":[{"subscriptionId":"` + strings.Repeat("a", 201) + `"}]}`} {
		if _, err := microsoft.ParseNotifications([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	var big struct {
		Value []map[string]string `json:"value"`
	}
	for range 1001 {
		big.Value = append(big.Value, map[string]string{"subscriptionId": "s"})
	}
	b, _ := json.Marshal(big)
	if _, err := microsoft.ParseNotifications(b); err == nil {
		t.Error("accepted 1001 notifications")
	}
}
