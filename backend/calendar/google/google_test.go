package google_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	"github.com/frontdesk/frontdesk/backend/calendar/google"
	"github.com/frontdesk/frontdesk/backend/oauth"
)

const (
	agent    = "anna@acme.test"
	redirect = "https://frontdesk.example/oauth/google/callback"
)

// setup is a fake with Anna's account, the OAuth app registered in it,
// and a connection made through the consent page.
type setup struct {
	fake *calendartest.Google
	app  *oauth.App
	conn *google.Conn
	// refresh is the stored refresh token.
	refresh string
}

func endpoints(f *calendartest.Google) google.Endpoints {
	return google.Endpoints{AuthURL: f.AuthURL(), TokenURL: f.TokenURL(), APIURL: f.APIURL()}
}

func connect(t *testing.T, consent calendartest.Consent) setup {
	t.Helper()
	f := calendartest.NewGoogle(t)
	f.AddAccount(agent, "Europe/Berlin")
	f.RegisterRedirectURI(redirect)
	app := google.OAuth(f.ClientID, f.ClientSecret, redirect, endpoints(f), nil)
	auth, err := app.Authorize()
	if err != nil {
		t.Fatal(err)
	}
	back, err := url.Parse(f.Authorize(t, auth.URL, consent))
	if err != nil {
		t.Fatal(err)
	}
	if back.Query().Get("state") != auth.State {
		t.Fatalf("state %q came back as %q", auth.State, back.Query().Get("state"))
	}
	tok, err := app.Exchange(context.Background(), back.Query().Get("code"), auth.Verifier)
	if err != nil {
		t.Fatal(err)
	}
	s := setup{fake: f, app: app, refresh: tok.RefreshToken}
	var tokens oauth.Tokens
	c := &google.Client{Endpoints: endpoints(f)}
	s.conn = c.Conn(google.Account{Tokens: tokens.Source(context.Background(), "google:test", app, tok.RefreshToken, nil),
		Zone: time.UTC, Own: func(uid string) bool { return strings.HasSuffix(uid, "@frontdesk.example") }})
	return s
}

func TestAuthorization(t *testing.T) {
	s := connect(t, calendartest.Consent{})
	if s.refresh == "" {
		t.Fatal("no refresh token: offline access was not asked for")
	}
	ex := s.fake.Exchanges()
	if len(ex) != 1 || !ex[0].PKCE || ex[0].Account != agent {
		t.Fatalf("exchanges %+v, want one with PKCE for %s", ex, agent)
	}
	// The authorization URL asks for exactly the narrow scopes, offline.
	auth, _ := s.app.Authorize()
	u, _ := url.Parse(auth.URL)
	q := u.Query()
	if got := strings.Fields(q.Get("scope")); !slices.Equal(got, google.Scopes) || q.Get("access_type") != "offline" ||
		q.Get("code_challenge_method") != "S256" || q.Get("prompt") != "consent" {
		t.Errorf("authorization URL %s", auth.URL)
	}

	t.Run("code used twice", func(t *testing.T) {
		auth, _ := s.app.Authorize()
		back, _ := url.Parse(s.fake.Authorize(t, auth.URL, calendartest.Consent{}))
		code := back.Query().Get("code")
		if _, err := s.app.Exchange(context.Background(), code, auth.Verifier); err != nil {
			t.Fatal(err)
		}
		_, err := s.app.Exchange(context.Background(), code, auth.Verifier)
		if !oauth.IsInvalidGrant(err) {
			t.Fatalf("second exchange: %v, want invalid_grant", err)
		}
	})
	t.Run("another flow's verifier", func(t *testing.T) {
		mine, _ := s.app.Authorize()
		theirs, _ := s.app.Authorize()
		back, _ := url.Parse(s.fake.Authorize(t, mine.URL, calendartest.Consent{}))
		_, err := s.app.Exchange(context.Background(), back.Query().Get("code"), theirs.Verifier)
		if !oauth.IsInvalidGrant(err) {
			t.Fatalf("exchange with the wrong verifier: %v, want invalid_grant", err)
		}
	})
	t.Run("unticked scope", func(t *testing.T) {
		auth, _ := s.app.Authorize()
		back, _ := url.Parse(s.fake.Authorize(t, auth.URL, calendartest.Consent{Scopes: []string{google.ScopeEvents}}))
		tok, err := s.app.Exchange(context.Background(), back.Query().Get("code"), auth.Verifier)
		if err != nil {
			t.Fatal(err)
		}
		if m := google.MissingScopes(oauth.Scopes(tok)); !slices.Equal(m, []string{google.ScopeCalendarList}) {
			t.Fatalf("missing %v", m)
		}
	})
	t.Run("denied", func(t *testing.T) {
		auth, _ := s.app.Authorize()
		back, _ := url.Parse(s.fake.Authorize(t, auth.URL, calendartest.Consent{Deny: true}))
		if back.Query().Get("error") != "access_denied" || back.Query().Get("code") != "" {
			t.Fatalf("denied consent came back as %s", back)
		}
	})
}

func TestMissingScopes(t *testing.T) {
	const full = "https://www.googleapis.com/auth/calendar"
	for _, tc := range []struct {
		granted []string
		missing int
	}{
		{google.Scopes, 0},
		{[]string{full}, 0},
		{[]string{google.ScopeEvents, "https://www.googleapis.com/auth/calendar.readonly"}, 0},
		{[]string{google.ScopeCalendarList}, 1},
		{[]string{"https://www.googleapis.com/auth/calendar.events.readonly", google.ScopeCalendarList}, 1},
		{nil, 2},
	} {
		if got := google.MissingScopes(tc.granted); len(got) != tc.missing {
			t.Errorf("MissingScopes(%v) = %v", tc.granted, got)
		}
	}
}

func TestCalendars(t *testing.T) {
	s := connect(t, calendartest.Consent{})
	s.fake.AddCalendar(agent, "team@group.calendar.google.com", "Team", "Europe/Berlin", "writer")
	s.fake.AddCalendar(agent, "holidays@group.v.calendar.google.com", "Holidays", "UTC", "reader")
	s.fake.AddCalendar(agent, "boss@acme.test", "Boss", "UTC", "freeBusyReader")
	cals, err := s.conn.Calendars(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []calendar.Info{
		{ID: agent, Name: agent, Primary: true, Writable: true, TimeZone: "Europe/Berlin", Owner: agent},
		{ID: "team@group.calendar.google.com", Name: "Team", Writable: true, TimeZone: "Europe/Berlin"},
		{ID: "holidays@group.v.calendar.google.com", Name: "Holidays", TimeZone: "UTC"},
	}
	if !slices.Equal(cals, want) {
		t.Fatalf("calendars\n got %+v\nwant %+v", cals, want)
	}
}

func at(day string, hour int) time.Time {
	d, _ := time.Parse(time.DateOnly, day)
	return d.Add(time.Duration(hour) * time.Hour)
}

func timed(start time.Time, d time.Duration) (*calendartest.GoogleTime, *calendartest.GoogleTime) {
	return &calendartest.GoogleTime{DateTime: start.Format(time.RFC3339)}, &calendartest.GoogleTime{DateTime: start.Add(d).Format(time.RFC3339)}
}

func invitation(start time.Time, response string) calendartest.GoogleEvent {
	s, e := timed(start, time.Hour)
	return calendartest.GoogleEvent{Summary: "Invitation " + response, Start: s, End: e,
		Organizer: &calendartest.GooglePerson{Email: "boss@elsewhere.test"},
		Attendees: []calendartest.GoogleAttendee{{Email: "boss@elsewhere.test", ResponseStatus: "accepted"}, {Email: agent, ResponseStatus: response}}}
}

// busyOf maps event ids to their verdicts.
func busyOf(ch calendar.Changes) map[string]calendar.Busy {
	m := map[string]calendar.Busy{}
	for _, b := range ch.Busy {
		m[b.ID] = b
	}
	return m
}

// The busy rule on Google's fields, over a full sync and the incremental
// ones after it, recurring and all-day events included.
func TestChanges(t *testing.T) {
	s := connect(t, calendartest.Consent{})
	ctx := context.Background()
	f := s.fake
	day := "2031-03-10"
	w := calendar.Window{From: at(day, 0).AddDate(0, 0, -1), To: at(day, 0).AddDate(0, 0, 30)}

	own := func(start time.Time) calendartest.GoogleEvent {
		st, en := timed(start, time.Hour)
		return calendartest.GoogleEvent{Summary: "Mine", Start: st, End: en}
	}
	st, en := timed(at(day, 15), time.Hour)
	mk := map[string]calendartest.GoogleEvent{
		"organized":   own(at(day, 8)),
		"needsaction": invitation(at(day, 9), "needsAction"),
		"tentative":   invitation(at(day, 10), "tentative"),
		"declined":    invitation(at(day, 11), "declined"),
		"accepted":    invitation(at(day, 12), "accepted"),
		"free": func() calendartest.GoogleEvent {
			e := own(at(day, 13))
			e.Transparency = "transparent"
			return e
		}(),
		"frontdesk": {Summary: "Frontdesk's", Start: st, End: en,
			ExtendedProperties: &calendartest.GoogleExtendedProp{Private: map[string]string{"frontdeskUid": "m1@frontdesk.example"}}},
		"invitecopy": {Summary: "Gmail's copy of our invitation", Start: st, End: en, ICalUID: "m2@frontdesk.example"},
		"allday":     {Summary: "Day off", Start: &calendartest.GoogleTime{Date: "2031-03-11"}, End: &calendartest.GoogleTime{Date: "2031-03-12"}},
		"series": func() calendartest.GoogleEvent {
			e := own(at(day, 7))
			e.Recurrence = []string{"RRULE:FREQ=DAILY;COUNT=3"}
			return e
		}(),
	}
	ids := map[string]string{}
	for name, e := range mk {
		ids[name] = f.PutEvent(agent, e).ID
	}

	full, err := s.conn.Changes(ctx, agent, "", w)
	if err != nil {
		t.Fatal(err)
	}
	if !full.Full || full.Cursor == "" {
		t.Fatalf("first sync: full=%v cursor=%q", full.Full, full.Cursor)
	}
	got := busyOf(full)
	for name, want := range map[string]bool{"organized": true, "needsaction": false, "tentative": false, "declined": false,
		"accepted": true, "free": false, "frontdesk": false, "invitecopy": false, "allday": true} {
		b, ok := got[ids[name]]
		if !ok || b.Blocks != want {
			t.Errorf("%s: %+v (listed %v), want blocks=%v", name, b, ok, want)
		}
	}
	// All-day: the whole day in the calendar's zone (Europe/Berlin).
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if b := got[ids["allday"]]; !b.Start.Equal(time.Date(2031, 3, 11, 0, 0, 0, 0, berlin)) || !b.End.Equal(time.Date(2031, 3, 12, 0, 0, 0, 0, berlin)) {
		t.Errorf("all-day event spans %s – %s", b.Start, b.End)
	}
	// The series comes as three instances, expanded by Google.
	var instances int
	for id, b := range got {
		if strings.HasPrefix(id, ids["series"]+"_") && b.Blocks {
			instances++
		}
	}
	if instances != 3 || got[ids["series"]].ID != "" {
		t.Errorf("series: %d blocking instances (and the master listed: %v), want 3 instances only", instances, got[ids["series"]].ID != "")
	}

	// The agent accepts one invitation and declines the accepted one; an
	// event is deleted. Only those come back, with their new verdict.
	f.SetResponse(agent, ids["needsaction"], agent, "accepted")
	f.SetResponse(agent, ids["accepted"], agent, "declined")
	f.DeleteEvent(agent, ids["organized"])
	inc, err := s.conn.Changes(ctx, agent, full.Cursor, w)
	if err != nil {
		t.Fatal(err)
	}
	got = busyOf(inc)
	if inc.Full || len(inc.Busy) != 3 || !got[ids["needsaction"]].Blocks || got[ids["accepted"]].Blocks ||
		got[ids["organized"]].Blocks || got[ids["organized"]].ID == "" {
		t.Fatalf("incremental sync: %+v", inc)
	}
	// Nothing new: nothing listed, and a cursor to go on with.
	again, err := s.conn.Changes(ctx, agent, inc.Cursor, w)
	if err != nil || len(again.Busy) != 0 || again.Cursor == "" || again.Full {
		t.Fatalf("quiet sync: %+v %v", again, err)
	}
	// An expired token (410 Gone) starts over with a full sync.
	f.ExpireSyncTokens(agent)
	redo, err := s.conn.Changes(ctx, agent, again.Cursor, w)
	if err != nil {
		t.Fatal(err)
	}
	if !redo.Full || len(redo.Busy) < 10 {
		t.Fatalf("after 410: full=%v, %d events", redo.Full, len(redo.Busy))
	}
	var gone int
	for _, r := range f.Requests() {
		if r.Status == http.StatusGone {
			gone++
		}
	}
	if gone != 1 {
		t.Errorf("%d answers 410, want 1", gone)
	}
	// Every listing asked for instances of recurring events, and none
	// combined a sync token with time bounds.
	for _, r := range f.Requests() {
		if strings.HasSuffix(r.Path, "/events") && r.Method == http.MethodGet {
			if r.Query.Get("singleEvents") != "true" || r.Query.Has("syncToken") && r.Query.Has("timeMin") {
				t.Errorf("events.list with %v", r.Query)
			}
		}
	}
}

// A calendar with more events than one page holds is read page by page.
func TestChangesPaged(t *testing.T) {
	s := connect(t, calendartest.Consent{})
	start := at("2031-05-01", 0)
	for i := range 2600 {
		st, en := timed(start.Add(time.Duration(i)*15*time.Minute), 10*time.Minute)
		s.fake.PutEvent(agent, calendartest.GoogleEvent{Summary: "x", Start: st, End: en})
	}
	ch, err := s.conn.Changes(context.Background(), agent, "", calendar.Window{From: start, To: start.AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Busy) != 2600 || ch.Cursor == "" {
		t.Fatalf("%d events, cursor %q", len(ch.Busy), ch.Cursor)
	}
	if n := s.fake.Count(http.MethodGet, "/calendar/v3/calendars/"); n != 2 {
		t.Errorf("%d list requests, want 2 pages", n)
	}
}

func meeting(uid string, start time.Time) calendar.Event {
	return calendar.Event{UID: uid, Start: start, End: start.Add(30 * time.Minute), TimeZone: "Europe/Rome",
		Summary: "Meeting with Gina", Description: "Conversation: https://frontdesk.example/c/7", URL: "https://frontdesk.example/c/7",
		Location: "Via Roma 1", OrganizerName: "Anna", OrganizerEmail: agent,
		Attendees: []calendar.Attendee{{Name: "Gina", Email: "gina@example.com"}}}
}

// Writes go in place: one event per meeting however often the create is
// retried, moved by patch, deleted once; Google emails nobody.
func TestPutAndDelete(t *testing.T) {
	s := connect(t, calendartest.Consent{})
	ctx := context.Background()
	const uid = "m42@frontdesk.example"
	id, err := s.conn.Put(ctx, agent, "", meeting(uid, at("2031-04-01", 9)))
	if err != nil {
		t.Fatal(err)
	}
	if id != google.EventID(uid) {
		t.Fatalf("event id %q, want the one derived from the UID", id)
	}
	// The answer was lost: the job runs again and creates again.
	again, err := s.conn.Put(ctx, agent, "", meeting(uid, at("2031-04-01", 9)))
	if err != nil || again != id {
		t.Fatalf("retried create: %q %v", again, err)
	}
	if evs := s.fake.Events(agent); len(evs) != 1 {
		t.Fatalf("%d events after a retried create, want 1", len(evs))
	}
	moved := meeting(uid, at("2031-04-02", 14))
	if _, err := s.conn.Put(ctx, agent, id, moved); err != nil {
		t.Fatal(err)
	}
	ev, _ := s.fake.Event(agent, id)
	if ev.Start.DateTime != at("2031-04-02", 14).Format(time.RFC3339) || ev.Start.TimeZone != "Europe/Rome" ||
		ev.Location != "Via Roma 1" || len(ev.Attendees) != 1 || ev.Attendees[0].Email != "gina@example.com" ||
		ev.ExtendedProperties.Private["frontdeskUid"] != uid || ev.Source.URL != "https://frontdesk.example/c/7" {
		t.Fatalf("event after the move: %+v", ev)
	}
	if err := s.conn.Delete(ctx, agent, id); err != nil {
		t.Fatal(err)
	}
	if err := s.conn.Delete(ctx, agent, id); err != nil {
		t.Fatalf("deleting a deleted event: %v", err)
	}
	if n := len(s.fake.Events(agent)); n != 0 {
		t.Fatalf("%d events after delete", n)
	}
	// Every write said sendUpdates=none, and so no one was emailed.
	for _, r := range s.fake.Requests() {
		if !strings.HasPrefix(r.Path, "/calendar/v3/") {
			continue // the OAuth endpoints
		}
		if r.Method != http.MethodGet && r.Query.Get("sendUpdates") != "none" {
			t.Errorf("%s %s without sendUpdates=none", r.Method, r.Path)
		}
		if !strings.HasPrefix(r.Authorization, "Bearer ya29.") {
			t.Errorf("%s %s without a bearer token", r.Method, r.Path)
		}
	}
	if n := s.fake.InvitationsSent(); n != 0 {
		t.Errorf("Google sent %d invitations", n)
	}
	// A meeting rewritten after its event was deleted comes back.
	if _, err := s.conn.Put(ctx, agent, id, moved); err != nil {
		t.Fatal(err)
	}
	if ev, _ := s.fake.Event(agent, id); ev.Status != "confirmed" {
		t.Fatalf("rewritten event is %q", ev.Status)
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
		{"401", calendartest.Fault{Status: 401, Times: 2}, calendar.Unauthorized, 0},
		{"403 rate limit", calendartest.Fault{Status: 403, Reason: "userRateLimitExceeded", RetryAfter: "30"}, calendar.RateLimited, 30 * time.Second},
		{"403 scope", calendartest.Fault{Status: 403, Reason: "insufficientPermissions"}, calendar.Reconnect, 0},
		{"403 read-only calendar", calendartest.Fault{Status: 403, Reason: "requiredAccessLevel"}, calendar.Refused, 0},
		{"429", calendartest.Fault{Status: 429, RetryAfter: "7"}, calendar.RateLimited, 7 * time.Second},
		{"503", calendartest.Fault{Status: 503, RetryAfter: "2"}, calendar.Unavailable, 2 * time.Second},
		{"malformed", calendartest.Fault{Status: 200, Body: `{"items": [{"id": 5}]`}, calendar.Malformed, 0},
		{"wrong shape", calendartest.Fault{Status: 200, Body: `{"items": "none"}`}, calendar.Malformed, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := connect(t, calendartest.Consent{})
			tc.fault.Path = "/calendar/v3/"
			s.fake.Inject(tc.fault)
			_, err := s.conn.Calendars(ctx)
			e, ok := calendar.AsError(err)
			if !ok || e.Kind != tc.kind || e.RetryAfter != tc.after {
				t.Fatalf("error %v, want kind %s retry after %s", err, tc.kind, tc.after)
			}
			if strings.Contains(err.Error(), s.refresh) {
				t.Error("the error carries the refresh token")
			}
		})
	}
	t.Run("revoked grant", func(t *testing.T) {
		s := connect(t, calendartest.Consent{})
		s.fake.RevokeGrants(agent)
		_, err := s.conn.Calendars(ctx)
		if !calendar.IsKind(err, calendar.Reconnect) {
			t.Fatalf("after revocation: %v, want reconnect", err)
		}
	})
	t.Run("expired access token refreshes", func(t *testing.T) {
		s := connect(t, calendartest.Consent{})
		if _, err := s.conn.Calendars(ctx); err != nil {
			t.Fatal(err)
		}
		s.fake.ExpireAccessTokens()
		_, err := s.conn.Calendars(ctx)
		if !calendar.IsKind(err, calendar.Unauthorized) {
			t.Fatalf("with an expired token: %v, want unauthorized", err)
		}
	})
}

// A push channel reaches the hook with its token; renewing opens a new
// channel, and stopping is idempotent.
func TestWatch(t *testing.T) {
	s := connect(t, calendartest.Consent{})
	ctx := context.Background()
	var mu sync.Mutex
	var got []google.Notification
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := google.ParseNotification(r.Header)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		got = append(got, n)
		mu.Unlock()
	}))
	defer hook.Close()
	ch, err := s.conn.Watch(ctx, calendar.Channel{CalendarID: agent, Address: hook.URL + "/hooks/google", Token: "secret-token"})
	if err != nil {
		t.Fatal(err)
	}
	if ch.ID == "" || ch.ResourceID == "" || time.Until(ch.Expires) < 6*24*time.Hour {
		t.Fatalf("channel %+v", ch)
	}
	st, en := timed(at("2031-01-01", 9), time.Hour)
	s.fake.PutEvent(agent, calendartest.GoogleEvent{Summary: "x", Start: st, End: en})
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(got) >= 2 })
	mu.Lock()
	// Google posts them concurrently; the message numbers give the order.
	slices.SortFunc(got, func(a, b google.Notification) int { return int(a.MessageNumber - b.MessageNumber) })
	if got[0].State != "sync" || got[1].State != "exists" || got[1].Token != "secret-token" || got[1].ChannelID != ch.ID || got[1].ResourceID != ch.ResourceID {
		t.Errorf("notifications %+v", got)
	}
	mu.Unlock()

	next, err := s.conn.Renew(ctx, ch, time.Now().Add(3*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if next.ID == ch.ID || next.Token != ch.Token {
		t.Fatalf("renewed channel %+v", next)
	}
	if err := s.conn.Unwatch(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if err := s.conn.Unwatch(ctx, ch); err != nil {
		t.Fatalf("stopping a stopped channel: %v", err)
	}
	if chans := s.fake.Channels(); len(chans) != 1 || chans[0].ID != next.ID {
		t.Fatalf("open channels %+v", chans)
	}
}

func TestParseNotification(t *testing.T) {
	ok := http.Header{"X-Goog-Channel-Id": {"fd-1"}, "X-Goog-Resource-Id": {"r1"}, "X-Goog-Resource-State": {"exists"}, "X-Goog-Message-Number": {"3"}, "X-Goog-Channel-Token": {"t"}}
	if n, err := google.ParseNotification(ok); err != nil || n.MessageNumber != 3 || n.Token != "t" {
		t.Fatalf("%+v %v", n, err)
	}
	for name, mutate := range map[string]func(http.Header){
		"no channel":    func(h http.Header) { h.Del("X-Goog-Channel-Id") },
		"no resource":   func(h http.Header) { h.Del("X-Goog-Resource-Id") },
		"odd state":     func(h http.Header) { h.Set("X-Goog-Resource-State", "bogus") },
		"bad number":    func(h http.Header) { h.Set("X-Goog-Message-Number", "x") },
		"long channel":  func(h http.Header) { h.Set("X-Goog-Channel-Id", strings.Repeat("a", 65)) },
		"long token":    func(h http.Header) { h.Set("X-Goog-Channel-Token", strings.Repeat("a", 257)) },
		"long resource": func(h http.Header) { h.Set("X-Goog-Resource-Id", strings.Repeat("a", 257)) },
	} {
		h := ok.Clone()
		mutate(h)
		if _, err := google.ParseNotification(h); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The event body Frontdesk sends is Google's documented shape (the fake
// refuses unknown fields; this pins the ones that matter).
func TestEventBody(t *testing.T) {
	s := connect(t, calendartest.Consent{})
	if _, err := s.conn.Put(context.Background(), agent, "", meeting("m1@frontdesk.example", at("2031-04-01", 9))); err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	for _, r := range s.fake.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/events") {
			if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, k := range []string{"id", "summary", "description", "start", "end", "attendees", "extendedProperties", "status", "transparency"} {
		if _, ok := body[k]; !ok {
			t.Errorf("created event lacks %q: %v", k, body)
		}
	}
	if fmt.Sprint(body["transparency"]) != "opaque" {
		t.Errorf("transparency %v", body["transparency"])
	}
	var e *calendar.Error
	_, err := s.conn.Put(context.Background(), "nobody@else.test", "", meeting("m2@frontdesk.example", at("2031-04-01", 9)))
	if !errors.As(err, &e) || e.Kind != calendar.NotFound {
		t.Fatalf("writing to a calendar the account cannot see: %v", err)
	}
}
