package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/backend/api"
	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/calendar/caldav"
	"github.com/frontdesk/frontdesk/backend/calendar/calendartest"
	"github.com/frontdesk/frontdesk/backend/calendar/google"
	"github.com/frontdesk/frontdesk/backend/calendar/microsoft"
	"github.com/frontdesk/frontdesk/backend/calsync"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/secret"
	"github.com/frontdesk/frontdesk/model"
)

// calEnv is the API with calendar sync on the Google and Microsoft fakes.
// Jobs are queued but not worked: these tests are about what the
// endpoints accept, refuse and write.
type calEnv struct {
	*env
	sync   *calsync.Sync
	google *calendartest.Google
	ms     *calendartest.Microsoft
	base   string
}

func newCalEnv(t *testing.T) *calEnv {
	e := newEnv(t)
	base := api.DefaultConfig().BaseURL.String()
	g := calendartest.NewGoogle(t)
	m := calendartest.NewMicrosoft(t)
	for _, a := range []string{"agent@acme.test", "admin@acme.test"} {
		g.AddAccount(a, "Europe/Berlin")
		m.AddAccount(a, a, "Europe/Berlin")
	}
	g.RegisterRedirectURI(base + "/oauth/google/callback")
	m.RegisterRedirectURI(base + "/oauth/microsoft/callback")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	box, _ := secret.New(make([]byte, secret.KeySize))
	u, _ := url.Parse(base)
	s := &calsync.Sync{DB: e.db, Box: box, BaseURL: u, Log: log,
		CalDAV:    caldav.New(caldav.Options{}),
		Google:    &google.Client{Endpoints: google.Endpoints{AuthURL: g.AuthURL(), TokenURL: g.TokenURL(), APIURL: g.APIURL()}},
		Microsoft: &microsoft.Client{Endpoints: microsoft.Endpoints{LoginURL: m.LoginURL(), GraphURL: m.GraphURL()}},
	}
	workers := river.NewWorkers()
	if err := s.Register(workers); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(e.db, workers, log)
	if err != nil {
		t.Fatal(err)
	}
	s.Queue = q
	e.server.SetCalendars(s)
	return &calEnv{env: e, sync: s, google: g, ms: m, base: base}
}

// noFollow is c's browser that does not follow redirects.
func (c *client) noFollow() *http.Client {
	return &http.Client{Jar: c.http.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// callback opens the callback URL the provider redirected to, on the
// test server, as c's browser, and returns where Frontdesk sent it.
func (e *calEnv) callback(c *client, providerURL string) url.Values {
	e.t.Helper()
	u, err := url.Parse(providerURL)
	if err != nil {
		e.t.Fatal(err)
	}
	res, err := c.noFollow().Get(e.srv.URL + u.Path + "?" + u.RawQuery)
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	loc, _ := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || loc.Path != "/availability" || loc.Fragment != "calendar" {
		e.t.Fatalf("callback answered %d, Location %s", res.StatusCode, loc)
	}
	return loc.Query()
}

// start asks for the consent URL as c.
func (e *calEnv) start(c *client, provider string) string {
	e.t.Helper()
	var out model.OAuthStart
	if st := c.do("POST", "/api/v1/me/calendar/oauth/"+provider, nil, &out); st != 200 || out.URL == "" {
		e.t.Fatalf("start %s: %d %+v", provider, st, out)
	}
	return out.URL
}

// connection is what is stored of an agent's connection, to show that a
// refused attempt changed nothing.
func (e *calEnv) connection(agentID int64) string {
	e.t.Helper()
	acct, ok, err := e.db.Calendar(context.Background(), agentID)
	if err != nil {
		e.t.Fatal(err)
	}
	cals, _ := e.db.ConnectedCalendars(context.Background(), agentID)
	return strings.Join([]string{acct.Provider, acct.Username, acct.RefreshTokenSealed, acct.PasswordSealed, strings.Repeat("c", len(cals)), map[bool]string{true: "ok"}[ok]}, "|")
}

func TestCalendarIntegrationsSettings(t *testing.T) {
	e := newCalEnv(t)
	agent, admin := e.login("agent@acme.test"), e.login("admin@acme.test")
	agent.wantError("GET", "/api/v1/integrations/calendars", nil, 403, model.CodeForbidden)
	agent.wantError("PUT", "/api/v1/integrations/calendars/google", model.CalendarAppInput{ClientID: "x", ClientSecret: "y"}, 403, model.CodeForbidden)

	var apps model.CalendarApps
	if st := admin.do("GET", "/api/v1/integrations/calendars", nil, &apps); st != 200 {
		t.Fatalf("apps: %d", st)
	}
	if apps.Google.Configured || apps.Google.RedirectURI != e.base+"/oauth/google/callback" ||
		apps.Microsoft.RedirectURI != e.base+"/oauth/microsoft/callback" || apps.Microsoft.Tenant != "common" {
		t.Fatalf("apps before set-up: %+v", apps)
	}
	for _, tc := range []struct {
		provider string
		in       model.CalendarAppInput
		field    string
	}{
		{"google", model.CalendarAppInput{ClientSecret: "s"}, "client_id"},
		{"google", model.CalendarAppInput{ClientID: "id"}, "client_secret"},
		{"google", model.CalendarAppInput{ClientID: "id", ClientSecret: "s", Tenant: "common"}, "tenant"},
		{"google", model.CalendarAppInput{ClientID: "has space", ClientSecret: "s"}, "client_id"},
		{"microsoft", model.CalendarAppInput{ClientID: "id", ClientSecret: "s", Tenant: "../evil"}, "tenant"},
	} {
		er := admin.wantError("PUT", "/api/v1/integrations/calendars/"+tc.provider, tc.in, 422, model.CodeValidation)
		if er.Fields[tc.field] == "" {
			t.Errorf("%+v: fields %v, want %s", tc.in, er.Fields, tc.field)
		}
	}
	admin.wantError("PUT", "/api/v1/integrations/calendars/yahoo", model.CalendarAppInput{ClientID: "id", ClientSecret: "s"}, 404, model.CodeNotFound)
	admin.wantError("PUT", "/api/v1/integrations/calendars/google", `{"client_id":"x","extra":1}`, 400, model.CodeUnknownField)

	if st := admin.do("PUT", "/api/v1/integrations/calendars/google", model.CalendarAppInput{ClientID: e.google.ClientID, ClientSecret: e.google.ClientSecret}, &apps); st != 200 {
		t.Fatalf("set google: %d", st)
	}
	if !apps.Google.Configured || !apps.Google.SecretSet || apps.Google.ClientID != e.google.ClientID {
		t.Fatalf("google after set-up: %+v", apps.Google)
	}
	stored, _, _ := e.db.CalendarApp(context.Background(), e.acme.ID, "google")
	if stored.ClientSecretSealed == "" || strings.Contains(stored.ClientSecretSealed, e.google.ClientSecret) {
		t.Fatal("the client secret is not sealed")
	}
	// Changing the id keeps the stored secret.
	if st := admin.do("PUT", "/api/v1/integrations/calendars/microsoft", model.CalendarAppInput{ClientID: e.ms.ClientID, ClientSecret: e.ms.ClientSecret, Tenant: e.ms.Tenant}, &apps); st != 200 || apps.Microsoft.Tenant != e.ms.Tenant {
		t.Fatalf("set microsoft: %d %+v", st, apps.Microsoft)
	}
	if st := admin.do("PUT", "/api/v1/integrations/calendars/microsoft", model.CalendarAppInput{ClientID: e.ms.ClientID}, &apps); st != 200 || !apps.Microsoft.SecretSet {
		t.Fatalf("keep the secret: %d %+v", st, apps.Microsoft)
	}
	// The other organization sees none of it.
	alien := e.login("alien@other.test")
	if st := alien.do("GET", "/api/v1/integrations/calendars", nil, &apps); st != 200 || apps.Google.Configured || apps.Microsoft.Configured {
		t.Fatalf("the other organization sees %+v", apps)
	}
	var cs model.CalendarSettings
	if agent.do("GET", "/api/v1/me/calendar", nil, &cs); len(cs.Available) != 2 {
		t.Fatalf("agent's connect buttons: %+v", cs.Available)
	}
	if st := admin.do("DELETE", "/api/v1/integrations/calendars/microsoft", nil, &apps); st != 200 || apps.Microsoft.Configured {
		t.Fatalf("delete microsoft: %d %+v", st, apps.Microsoft)
	}
	agent.wantError("POST", "/api/v1/me/calendar/oauth/microsoft", nil, 422, model.CodeCalendarNotConfigured)
	agent.wantError("POST", "/api/v1/me/calendar/oauth/yahoo", nil, 404, model.CodeNotFound)
}

// The callback's bad input: every refusal redirects into the app with a
// code, writes nothing, and answers no 500.
func TestCalendarCallbackBadInput(t *testing.T) {
	e := newCalEnv(t)
	if _, err := e.sync.SetApp(context.Background(), e.acme.ID, "google", model.CalendarAppInput{ClientID: e.google.ClientID, ClientSecret: e.google.ClientSecret}); err != nil {
		t.Fatal(err)
	}
	agent, admin := e.login("agent@acme.test"), e.login("admin@acme.test")
	e.google.SignInAs("agent@acme.test")

	// A state must come from this server.
	if got := e.callback(agent, "/oauth/google/callback?state=forged&code=4/x"); got.Get("calendar_error") != model.CodeOAuthState {
		t.Fatalf("forged state: %v", got)
	}
	if got := e.callback(agent, "/oauth/google/callback"); got.Get("calendar_error") != model.CodeOAuthState {
		t.Fatalf("no state: %v", got)
	}
	// The consent page's Cancel.
	if got := e.callback(agent, e.google.Authorize(t, e.start(agent, "google"), calendartest.Consent{Deny: true})); got.Get("calendar_error") != model.CodeOAuthDenied {
		t.Fatalf("denied: %v", got)
	}
	// A permission unticked.
	if got := e.callback(agent, e.google.Authorize(t, e.start(agent, "google"), calendartest.Consent{Scopes: []string{google.ScopeEvents}})); got.Get("calendar_error") != model.CodeOAuthScope {
		t.Fatalf("missing scope: %v", got)
	}
	// No session: signed out between start and callback.
	if got := e.callback(e.client(), e.google.Authorize(t, e.start(agent, "google"), calendartest.Consent{})); got.Get("calendar_error") != model.CodeUnauthenticated {
		t.Fatalf("no session: %v", got)
	}
	if e.connection(e.agent.ID) != e.connection(0) {
		t.Fatalf("a refused attempt stored %s", e.connection(e.agent.ID))
	}

	// The good path, then the same redirect again: the state is spent.
	good := e.google.Authorize(t, e.start(agent, "google"), calendartest.Consent{})
	if got := e.callback(agent, good); got.Get("calendar") != "connected" {
		t.Fatalf("connect: %v", got)
	}
	connected := e.connection(e.agent.ID)
	if got := e.callback(agent, good); got.Get("calendar_error") != model.CodeOAuthState {
		t.Fatalf("reused state: %v", got)
	}

	// The admin's flow, completed in the agent's browser: refused, and
	// the admin's state is spent.
	e.google.SignInAs("admin@acme.test")
	theirs := e.google.Authorize(t, e.start(admin, "google"), calendartest.Consent{})
	if got := e.callback(agent, theirs); got.Get("calendar_error") != model.CodeOAuthWrongAgent {
		t.Fatalf("another agent's state: %v", got)
	}
	if got := e.callback(admin, theirs); got.Get("calendar_error") != model.CodeOAuthState {
		t.Fatalf("the admin's state after the agent used it: %v", got)
	}
	// A code for another flow: this flow's state with the admin's code
	// fails the PKCE check at Google.
	mine := e.start(agent, "google")
	adminCode, _ := url.Parse(e.google.Authorize(t, e.start(admin, "google"), calendartest.Consent{}))
	myState := stateOf(t, mine)
	forged := "/oauth/google/callback?" + url.Values{"state": {myState}, "code": {adminCode.Query().Get("code")}}.Encode()
	if got := e.callback(agent, forged); got.Get("calendar_error") != model.CodeOAuthFailed {
		t.Fatalf("a code from another flow: %v", got)
	}
	if e.connection(e.agent.ID) != connected || e.connection(e.admin.ID) != e.connection(0) {
		t.Fatal("a refused callback changed a connection")
	}
	// An unknown provider is no page at all.
	res, err := agent.noFollow().Get(e.srv.URL + "/oauth/yahoo/callback?state=x")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Fatalf("unknown provider: %d", res.StatusCode)
	}
	// The agent's settings show the Google account and its calendar.
	var cs model.CalendarSettings
	if agent.do("GET", "/api/v1/me/calendar", nil, &cs); cs.Provider != "google" || cs.Username != "agent@acme.test" || len(cs.Calendars) != 1 {
		t.Fatalf("settings %+v", cs)
	}
}

// stateOf reads the state from an authorization URL.
func stateOf(t *testing.T, authURL string) string {
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("state")
}

func TestCalendarChoicesAPI(t *testing.T) {
	e := newCalEnv(t)
	e.google.AddCalendar("agent@acme.test", "team@group.calendar.google.com", "Team", "UTC", "reader")
	if _, err := e.sync.SetApp(context.Background(), e.acme.ID, "google", model.CalendarAppInput{ClientID: e.google.ClientID, ClientSecret: e.google.ClientSecret}); err != nil {
		t.Fatal(err)
	}
	agent := e.login("agent@acme.test")
	agent.wantError("PUT", "/api/v1/me/calendar/choices", model.CalendarChoices{}, 409, model.CodeConflict)
	if got := e.callback(agent, e.google.Authorize(t, e.start(agent, "google"), calendartest.Consent{})); got.Get("calendar") != "connected" {
		t.Fatal(got)
	}
	er := agent.wantError("PUT", "/api/v1/me/calendar/choices", model.CalendarChoices{WriteCalendarID: "team@group.calendar.google.com"}, 422, model.CodeValidation)
	if er.Fields["write_calendar_id"] == "" {
		t.Fatalf("read-only calendar for meetings: %+v", er)
	}
	agent.wantError("PUT", "/api/v1/me/calendar/choices", model.CalendarChoices{BusyCalendarIDs: []string{"someone-else@acme.test"}}, 422, model.CodeValidation)
	agent.wantError("PUT", "/api/v1/me/calendar/choices", `{"busy_calendar_ids":"x"}`, 400, model.CodeInvalidJSON)
	var cs model.CalendarSettings
	if st := agent.do("PUT", "/api/v1/me/calendar/choices", model.CalendarChoices{WriteCalendarID: "agent@acme.test",
		BusyCalendarIDs: []string{"agent@acme.test", "team@group.calendar.google.com"}}, &cs); st != 200 {
		t.Fatalf("choose: %d", st)
	}
	if !cs.Calendars[0].Busy || !cs.Calendars[1].Busy || cs.WriteCalendarID != "agent@acme.test" {
		t.Fatalf("after choosing: %+v", cs)
	}
	if st := agent.do("DELETE", "/api/v1/me/calendar", nil, &cs); st != 200 || cs.Connected {
		t.Fatalf("disconnect: %d %+v", st, cs)
	}
}

// Notifications are checked before anything is queued: a wrong token,
// an unknown or revoked channel, malformed headers or JSON are refused or
// ignored, never a 500, and never touch another agent's calendar.
func TestCalendarHooksBadInput(t *testing.T) {
	e := newCalEnv(t)
	ctx := context.Background()
	for _, p := range []string{"google", "microsoft"} {
		id, secret := e.google.ClientID, e.google.ClientSecret
		if p == "microsoft" {
			id, secret = e.ms.ClientID, e.ms.ClientSecret
		}
		if _, err := e.sync.SetApp(ctx, e.acme.ID, calendar.Provider(p), model.CalendarAppInput{ClientID: id, ClientSecret: secret}); err != nil {
			t.Fatal(err)
		}
	}
	agent, admin := e.login("agent@acme.test"), e.login("admin@acme.test")
	e.google.SignInAs("agent@acme.test")
	if got := e.callback(agent, e.google.Authorize(t, e.start(agent, "google"), calendartest.Consent{})); got.Get("calendar") != "connected" {
		t.Fatal(got)
	}
	e.ms.SignInAs("admin@acme.test")
	if got := e.callback(admin, e.ms.Authorize(t, e.start(admin, "microsoft"), calendartest.Consent{})); got.Get("calendar") != "connected" {
		t.Fatal(got)
	}
	adminCal := e.ms.CalendarID("admin@acme.test")
	// Channels as the watch jobs would store them.
	gch := postgres.CalendarChannel{ID: "fd-agent-channel", AgentID: e.agent.ID, CalendarID: "agent@acme.test", Provider: "google",
		ResourceID: "res-1", TokenHash: oauthHash("agent-token"), ExpiresAt: time.Now().Add(48 * time.Hour)}
	mch := postgres.CalendarChannel{ID: "sub-admin", AgentID: e.admin.ID, CalendarID: adminCal, Provider: "microsoft",
		TokenHash: oauthHash("admin-state"), ExpiresAt: time.Now().Add(48 * time.Hour)}
	for _, ch := range []postgres.CalendarChannel{gch, mch} {
		if err := e.db.SaveChannel(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	queued := func(agentID int64) bool {
		var at *time.Time
		if err := e.db.Bun.NewSelect().Table("connected_calendars").Column("sync_queued_at").Where("agent_id = ? AND busy", agentID).Scan(ctx, &at); err != nil {
			t.Fatal(err)
		}
		return at != nil
	}
	unqueue := func() {
		if _, err := e.db.Bun.NewRaw("UPDATE connected_calendars SET sync_queued_at = NULL").Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	unqueue()
	hook := func(path string, header http.Header, body string) (int, string) {
		req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(body))
		for k, v := range header {
			req.Header[k] = v
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	goog := func(id, token, resource, state string) http.Header {
		return http.Header{"X-Goog-Channel-Id": {id}, "X-Goog-Channel-Token": {token}, "X-Goog-Resource-Id": {resource},
			"X-Goog-Resource-State": {state}, "X-Goog-Message-Number": {"2"}}
	}

	for _, tc := range []struct {
		name   string
		header http.Header
		status int
		code   string
	}{
		{"no headers", nil, 400, model.CodeNotification},
		{"odd state", goog(gch.ID, "agent-token", "res-1", "bogus"), 400, model.CodeNotification},
		{"wrong token", goog(gch.ID, "guess", "res-1", "exists"), 403, model.CodeChannelToken},
		{"no token", goog(gch.ID, "", "res-1", "exists"), 403, model.CodeChannelToken},
		{"wrong resource", goog(gch.ID, "agent-token", "res-2", "exists"), 403, model.CodeChannelToken},
		{"the other agent's subscription", goog(mch.ID, "admin-state", "res-1", "exists"), 200, ""},
		{"unknown channel", goog("fd-nobody", "agent-token", "res-1", "exists"), 200, ""},
		{"sync message", goog(gch.ID, "agent-token", "res-1", "sync"), 200, ""},
	} {
		st, body := hook("/hooks/google", tc.header, "")
		if st != tc.status || (tc.code != "" && !strings.Contains(body, tc.code)) {
			t.Errorf("google %s: %d %s, want %d %s", tc.name, st, body, tc.status, tc.code)
		}
		if queued(e.agent.ID) || queued(e.admin.ID) {
			t.Fatalf("google %s queued a sync", tc.name)
		}
	}
	if st, _ := hook("/hooks/google", goog(gch.ID, "agent-token", "res-1", "exists"), ""); st != 200 || !queued(e.agent.ID) || queued(e.admin.ID) {
		t.Fatalf("a genuine notification: %d, queued agent %v admin %v", st, queued(e.agent.ID), queued(e.admin.ID))
	}
	unqueue()

	// Graph: the validation handshake echoes the token as plain text.
	st, body := hook("/hooks/microsoft?validationToken="+url.QueryEscape("Validation: token <b>1</b>"), http.Header{"Content-Type": {"text/plain"}}, "")
	if st != 200 || body != "Validation: token <b>1</b>" {
		t.Fatalf("validation: %d %q", st, body)
	}
	note := func(sub, state string) string {
		return `{"value":[{"subscriptionId":"` + sub + `","clientState":"` + state + `","changeType":"updated","resource":"Users/x/Events/y","tenantId":"t"}]}`
	}
	for _, tc := range []struct {
		name, body string
		status     int
	}{
		{"not JSON", `{"value":[`, 400},
		{"not a notification", `{"values":[]}`, 400},
		{"no subscription", `{"value":[{"clientState":"admin-state"}]}`, 400},
		{"wrong clientState", note(mch.ID, "guess"), 202},
		{"the other agent's clientState", note(mch.ID, "agent-token"), 202},
		{"unknown subscription", note("sub-nobody", "admin-state"), 202},
		{"a Google channel", note(gch.ID, "agent-token"), 202},
	} {
		st, body := hook("/hooks/microsoft", http.Header{"Content-Type": {"application/json"}}, tc.body)
		if st != tc.status {
			t.Errorf("microsoft %s: %d %s, want %d", tc.name, st, body, tc.status)
		}
		if queued(e.agent.ID) || queued(e.admin.ID) {
			t.Fatalf("microsoft %s queued a sync", tc.name)
		}
	}
	big := bytes.Repeat([]byte("x"), 2<<20)
	if st, _ := hook("/hooks/microsoft", http.Header{"Content-Type": {"application/json"}}, string(big)); st != 413 {
		t.Errorf("a 2 MiB notification: %d", st)
	}
	if st, _ := hook("/hooks/microsoft", http.Header{"Content-Type": {"application/json"}}, note(mch.ID, "admin-state")); st != 202 || !queued(e.admin.ID) || queued(e.agent.ID) {
		t.Fatalf("a genuine Graph notification: %d", st)
	}
	unqueue()

	// Revoked: after disconnecting, the channel's notifications are
	// ignored.
	if st := agent.do("DELETE", "/api/v1/me/calendar", nil, nil); st != 200 {
		t.Fatalf("disconnect: %d", st)
	}
	if st, _ := hook("/hooks/google", goog(gch.ID, "agent-token", "res-1", "exists"), ""); st != 200 {
		t.Fatalf("a revoked channel: %d", st)
	}
	if _, ok, _ := e.db.Channel(ctx, gch.ID); ok {
		t.Fatal("the disconnected agent's channel is still stored")
	}
	if !strings.Contains(e.connection(e.admin.ID), "microsoft") {
		t.Fatal("disconnecting one agent touched another's connection")
	}
}

// oauthHash is how channel tokens are stored.
func oauthHash(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}
