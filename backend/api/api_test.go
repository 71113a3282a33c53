package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/api"
	"github.com/frontdesk/frontdesk/backend/password"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

const testPassword = "correct horse battery"

// env is one server on its own database with two organizations.
type env struct {
	t      *testing.T
	db     *postgres.DB
	server *api.Server
	srv    *httptest.Server
	acme   model.Organization
	other  model.Organization
	admin  model.Agent // acme admin
	agent  model.Agent // acme agent
	alien  model.Agent // other's admin
}

func newEnv(t *testing.T, tweak ...func(*api.Config)) *env {
	t.Helper()
	db := pgtest.Open(t)
	ctx := context.Background()
	cfg := api.DefaultConfig()
	for _, f := range tweak {
		f(&cfg)
	}
	s := api.New(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.Handle("GET /boom", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)

	hash, err := password.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, srv: srv, server: s}
	e.acme, _ = db.CreateOrganization(ctx, "Acme")
	e.other, _ = db.CreateOrganization(ctx, "Other")
	mk := func(org int64, email, slug string, role model.Role) model.Agent {
		a, err := db.CreateAgent(ctx, org, postgres.NewAgent{Email: email, Name: strings.ToUpper(slug[:1]) + slug[1:], Slug: slug, TimeZone: "Europe/Berlin", Role: role, License: model.LicenseStandard, PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	e.admin = mk(e.acme.ID, "admin@acme.test", "admin", model.RoleAdmin)
	e.agent = mk(e.acme.ID, "agent@acme.test", "agent", model.RoleAgent)
	e.alien = mk(e.other.ID, "alien@other.test", "alien", model.RoleAdmin)
	return e
}

// client is a browser-like API client with a cookie jar.
type client struct {
	e    *env
	http *http.Client
	csrf string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar}}
}

func (e *env) login(email string) *client {
	c := e.client()
	var s model.Session
	if st := c.do("POST", "/api/v1/auth/login", model.LoginRequest{Email: email, Password: testPassword}, &s); st != 200 {
		e.t.Fatalf("login %s: status %d", email, st)
	}
	c.csrf = s.CSRFToken
	return c
}

// do sends a JSON request (body may be a string for raw bodies) and decodes
// the response into out (a *model.ErrorResponse for errors works too).
func (c *client) do(method, path string, body any, out any) int {
	c.e.t.Helper()
	return c.doWith(method, path, body, out, nil)
}

func (c *client) doWith(method, path string, body any, out any, hdr map[string]string) int {
	c.e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		buf, _ := json.Marshal(b)
		r = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, r)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		req.Header.Set(model.CSRFHeader, c.csrf)
	}
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			c.e.t.Fatalf("%s %s: decode %q: %v", method, path, raw, err)
		}
	}
	return res.StatusCode
}

// wantError checks status and code of an error response.
func (c *client) wantError(method, path string, body any, status int, code string, hdr ...map[string]string) *model.Error {
	c.e.t.Helper()
	var er model.ErrorResponse
	var h map[string]string
	if len(hdr) > 0 {
		h = hdr[0]
	}
	got := c.doWith(method, path, body, &er, h)
	if got != status || er.Error == nil || er.Error.Code != code {
		c.e.t.Fatalf("%s %s: got %d %+v, want %d %s", method, path, got, er.Error, status, code)
	}
	if er.Error.Message == "" {
		c.e.t.Fatalf("%s %s: error without a message", method, path)
	}
	return er.Error
}

func TestLoginSessionLogout(t *testing.T) {
	e := newEnv(t)
	c := e.login("Agent@Acme.test") // email is case-insensitive
	var s model.Session
	if st := c.do("GET", "/api/v1/auth/session", nil, &s); st != 200 || s.Agent.ID != e.agent.ID || s.Organization.Name != "Acme" {
		t.Fatalf("session: %d %+v", st, s)
	}
	if st := c.do("POST", "/api/v1/auth/logout", nil, nil); st != 204 {
		t.Fatalf("logout: %d", st)
	}
	c.wantError("GET", "/api/v1/auth/session", nil, 401, model.CodeUnauthenticated)
}

func TestSessionCookieAttributes(t *testing.T) {
	e := newEnv(t)
	body, _ := json.Marshal(model.LoginRequest{Email: "agent@acme.test", Password: testPassword})
	res, err := http.Post(e.srv.URL+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var c *http.Cookie
	for _, k := range res.Cookies() {
		if k.Name == api.SessionCookie {
			c = k
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || len(c.Value) < 40 {
		t.Fatalf("session cookie = %+v", c)
	}
}

func TestLoginBadInput(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	tests := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"wrong password", model.LoginRequest{Email: "agent@acme.test", Password: "nope nope nope"}, 401, model.CodeInvalidCredential},
		{"unknown email", model.LoginRequest{Email: "ghost@acme.test", Password: testPassword}, 401, model.CodeInvalidCredential},
		{"missing fields", model.LoginRequest{}, 422, model.CodeValidation},
		{"malformed json", `{"email":`, 400, model.CodeInvalidJSON},
		{"wrong type", `{"email":5,"password":"x"}`, 400, model.CodeInvalidJSON},
		{"unknown field", `{"email":"a@b.c","password":"x","admin":true}`, 400, model.CodeUnknownField},
		{"two objects", `{"email":"a@b.c","password":"x"}{}`, 400, model.CodeInvalidJSON},
		{"oversize body", `{"email":"` + strings.Repeat("a", 70<<10) + `"}`, 413, model.CodeBodyTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.wantError("POST", "/api/v1/auth/login", tt.body, tt.status, tt.code)
		})
	}
	t.Run("not json", func(t *testing.T) {
		c.wantError("POST", "/api/v1/auth/login", "email=x", 415, model.CodeUnsupportedMedia, map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	})
	t.Run("cross-origin", func(t *testing.T) {
		c.wantError("POST", "/api/v1/auth/login", model.LoginRequest{Email: "agent@acme.test", Password: testPassword}, 403, model.CodeCrossOrigin,
			map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	})
}

func TestLoginDeactivatedAgent(t *testing.T) {
	e := newEnv(t)
	off := false
	if _, err := e.db.UpdateAgent(context.Background(), e.acme.ID, e.agent.ID, postgres.AgentPatch{Active: &off}); err != nil {
		t.Fatal(err)
	}
	e.client().wantError("POST", "/api/v1/auth/login", model.LoginRequest{Email: "agent@acme.test", Password: testPassword}, 403, model.CodeAccountDisabled)
}

func TestLoginRateLimits(t *testing.T) {
	e := newEnv(t, func(c *api.Config) { c.LoginPerIP = 100; c.LoginPerAccount = 3; c.LoginEvery = time.Hour })
	c := e.client()
	wrong := model.LoginRequest{Email: "agent@acme.test", Password: "wrong wrong wrong"}
	for range 3 {
		c.wantError("POST", "/api/v1/auth/login", wrong, 401, model.CodeInvalidCredential)
	}
	// The account is now locked even with the right password …
	c.wantError("POST", "/api/v1/auth/login", model.LoginRequest{Email: "agent@acme.test", Password: testPassword}, 429, model.CodeRateLimited)
	// … while another account from the same address still signs in.
	e.login("admin@acme.test")

	e2 := newEnv(t, func(c *api.Config) { c.LoginPerIP = 2; c.LoginPerAccount = 100; c.LoginEvery = time.Hour })
	c2 := e2.client()
	c2.wantError("POST", "/api/v1/auth/login", model.LoginRequest{Email: "x@acme.test", Password: "x"}, 401, model.CodeInvalidCredential)
	c2.wantError("POST", "/api/v1/auth/login", model.LoginRequest{Email: "y@acme.test", Password: "x"}, 401, model.CodeInvalidCredential)
	body, _ := json.Marshal(model.LoginRequest{Email: "z@acme.test", Password: "x"})
	res, err := http.Post(e2.srv.URL+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" {
		t.Fatalf("per-IP limit: status %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
}

func TestExpiredSession(t *testing.T) {
	e := newEnv(t)
	c := e.login("agent@acme.test")
	e.db.Now = func() time.Time { return time.Now().Add(15 * 24 * time.Hour) }
	c.wantError("GET", "/api/v1/auth/session", nil, 401, model.CodeSessionExpired)
}

func TestForgedSessionCookie(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.wantError("GET", "/api/v1/agents", nil, 401, model.CodeUnauthenticated, map[string]string{"Cookie": api.SessionCookie + "=forged-token"})
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	c := e.login("admin@acme.test")
	name := "Sales"
	c.wantError("POST", "/api/v1/services", model.ServiceInput{Name: &name}, 403, model.CodeCSRF, map[string]string{model.CSRFHeader: ""})
	c.wantError("POST", "/api/v1/services", model.ServiceInput{Name: &name}, 403, model.CodeCSRF, map[string]string{model.CSRFHeader: "guess"})
	c.wantError("POST", "/api/v1/auth/logout", nil, 403, model.CodeCSRF, map[string]string{model.CSRFHeader: ""})
	var services []model.Service
	c.do("GET", "/api/v1/services", nil, &services)
	if len(services) != 0 {
		t.Fatalf("a refused request wrote: %+v", services)
	}
}

func ptr[T any](v T) *T { return &v }

func TestAgentAdministration(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin@acme.test")
	in := model.AgentInput{
		Email: ptr("new@acme.test"), Name: ptr("New Person"), Slug: ptr("new-person"), TimeZone: ptr("America/New_York"),
		Password: ptr("long enough password"), License: ptr(model.LicenseBasic),
	}
	var created model.Agent
	if st := admin.do("POST", "/api/v1/agents", in, &created); st != 201 || created.License != model.LicenseBasic || created.Role != model.RoleAgent || !created.Active {
		t.Fatalf("create: %d %+v", st, created)
	}
	var patched model.Agent
	if st := admin.do("PATCH", "/api/v1/agents/"+itoa(created.ID), model.AgentInput{License: ptr(model.LicenseStandard), Title: ptr("Rep")}, &patched); st != 200 || patched.License != model.LicenseStandard || patched.Title != "Rep" || patched.Email != "new@acme.test" {
		t.Fatalf("patch: %d %+v", st, patched)
	}
	// The new agent signs in, then is deactivated and loses the session.
	c := e.client()
	var s model.Session
	if st := c.do("POST", "/api/v1/auth/login", model.LoginRequest{Email: "new@acme.test", Password: "long enough password"}, &s); st != 200 {
		t.Fatalf("new agent login: %d", st)
	}
	var off model.Agent
	if st := admin.do("DELETE", "/api/v1/agents/"+itoa(created.ID), nil, &off); st != 200 || off.Active {
		t.Fatalf("deactivate: %d %+v", st, off)
	}
	c.wantError("GET", "/api/v1/auth/session", nil, 401, model.CodeUnauthenticated)

	var list []model.Agent
	if st := admin.do("GET", "/api/v1/agents", nil, &list); st != 200 || len(list) != 3 {
		t.Fatalf("list: %d %d agents (other organization's agents must not show)", st, len(list))
	}
}

func TestAgentBadInput(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin@acme.test")
	valid := func() model.AgentInput {
		return model.AgentInput{Email: ptr("x@acme.test"), Name: ptr("X"), Slug: ptr("x"), TimeZone: ptr("UTC"), Password: ptr("long enough password")}
	}
	with := func(f func(*model.AgentInput)) model.AgentInput { in := valid(); f(&in); return in }
	tests := []struct {
		name   string
		in     any
		status int
		code   string
		field  string
	}{
		{"invalid time zone", with(func(a *model.AgentInput) { a.TimeZone = ptr("Mars/Olympus") }), 422, model.CodeValidation, "time_zone"},
		{"local time zone", with(func(a *model.AgentInput) { a.TimeZone = ptr("Local") }), 422, model.CodeValidation, "time_zone"},
		{"bad email", with(func(a *model.AgentInput) { a.Email = ptr("not-an-email") }), 422, model.CodeValidation, "email"},
		{"bad slug", with(func(a *model.AgentInput) { a.Slug = ptr("Has Spaces") }), 422, model.CodeValidation, "slug"},
		{"short password", with(func(a *model.AgentInput) { a.Password = ptr("short") }), 422, model.CodeValidation, "password"},
		{"bad role", with(func(a *model.AgentInput) { a.Role = ptr(model.Role("owner")) }), 422, model.CodeValidation, "role"},
		{"bad license", with(func(a *model.AgentInput) { a.License = ptr(model.License("gold")) }), 422, model.CodeValidation, "license"},
		{"name too long", with(func(a *model.AgentInput) { a.Name = ptr(strings.Repeat("n", 201)) }), 422, model.CodeValidation, "name"},
		{"missing name", with(func(a *model.AgentInput) { a.Name = nil }), 422, model.CodeValidation, "name"},
		{"duplicate email", with(func(a *model.AgentInput) { a.Email = ptr("agent@acme.test") }), 409, model.CodeEmailTaken, "email"},
		{"email of another organization", with(func(a *model.AgentInput) { a.Email = ptr("alien@other.test") }), 409, model.CodeEmailTaken, "email"},
		{"duplicate slug", with(func(a *model.AgentInput) { a.Slug = ptr("alien") }), 409, model.CodeSlugTaken, "slug"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := admin.wantError("POST", "/api/v1/agents", tt.in, tt.status, tt.code)
			if _, ok := err.Fields[tt.field]; !ok {
				t.Fatalf("fields %v do not name %s", err.Fields, tt.field)
			}
		})
	}
	var list []model.Agent
	admin.do("GET", "/api/v1/agents", nil, &list)
	if len(list) != 2 {
		t.Fatalf("refused creations left %d agents, want 2", len(list))
	}
	admin.wantError("PATCH", "/api/v1/agents/"+itoa(e.admin.ID), model.AgentInput{Role: ptr(model.RoleAgent)}, 409, model.CodeLastAdmin)
	admin.wantError("PATCH", "/api/v1/agents/abc", model.AgentInput{}, 404, model.CodeNotFound)
}

func TestOnlyAdminsAdminister(t *testing.T) {
	e := newEnv(t)
	agent := e.login("agent@acme.test")
	agent.wantError("POST", "/api/v1/agents", model.AgentInput{}, 403, model.CodeForbidden)
	agent.wantError("POST", "/api/v1/services", model.ServiceInput{Name: ptr("S")}, 403, model.CodeForbidden)
	agent.wantError("PATCH", "/api/v1/agents/"+itoa(e.agent.ID), model.AgentInput{Role: ptr(model.RoleAdmin)}, 403, model.CodeForbidden)
}

func TestTenantIsolation(t *testing.T) {
	e := newEnv(t)
	alien := e.login("alien@other.test") // admin of Other
	acmeAdmin := e.login("admin@acme.test")
	var svc model.Service
	if st := acmeAdmin.do("POST", "/api/v1/services", model.ServiceInput{Name: ptr("Sales"), MemberIDs: &[]int64{e.agent.ID}}, &svc); st != 201 || !svc.Assignable {
		t.Fatalf("create service: %d %+v", st, svc)
	}
	id := itoa(svc.ID)
	alien.wantError("GET", "/api/v1/services/"+id, nil, 404, model.CodeNotFound)
	alien.wantError("PATCH", "/api/v1/services/"+id, model.ServiceInput{Name: ptr("Mine")}, 404, model.CodeNotFound)
	alien.wantError("DELETE", "/api/v1/services/"+id, nil, 404, model.CodeNotFound)
	alien.wantError("GET", "/api/v1/agents/"+itoa(e.agent.ID), nil, 404, model.CodeNotFound)
	alien.wantError("PATCH", "/api/v1/agents/"+itoa(e.agent.ID), model.AgentInput{Active: ptr(false)}, 404, model.CodeNotFound)
	// Pulling an Acme agent into an Other service is refused by the database.
	alien.wantError("POST", "/api/v1/services", model.ServiceInput{Name: ptr("Steal"), MemberIDs: &[]int64{e.agent.ID}}, 422, model.CodeValidation)
	var got model.Service
	acmeAdmin.do("GET", "/api/v1/services/"+id, nil, &got)
	if got.Name != "Sales" || len(got.MemberIDs) != 1 {
		t.Fatalf("service changed by another organization: %+v", got)
	}
}

func TestServices(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin@acme.test")
	var svc model.Service
	admin.do("POST", "/api/v1/services", model.ServiceInput{Name: ptr("Support"), Strategy: ptr(model.StrategyRoundRobin)}, &svc)
	if svc.Strategy != model.StrategyRoundRobin || svc.Assignable {
		t.Fatalf("created %+v", svc)
	}
	admin.wantError("POST", "/api/v1/services", model.ServiceInput{Name: ptr("support")}, 409, model.CodeNameTaken)
	admin.wantError("POST", "/api/v1/services", model.ServiceInput{Name: ptr("X"), Strategy: ptr(model.Strategy("random"))}, 422, model.CodeValidation)
	admin.wantError("POST", "/api/v1/services", model.ServiceInput{}, 422, model.CodeValidation)
	if st := admin.do("DELETE", "/api/v1/services/"+itoa(svc.ID), nil, nil); st != 204 {
		t.Fatalf("delete: %d", st)
	}
	admin.wantError("GET", "/api/v1/services/"+itoa(svc.ID), nil, 404, model.CodeNotFound)
}

func TestWidgets(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin@acme.test")
	var w model.Widget
	if st := admin.do("POST", "/api/v1/widgets", model.WidgetInput{Name: ptr("Site"), AllowedOrigins: &[]string{"https://www.acme.test/"}}, &w); st != 201 {
		t.Fatalf("create: %d", st)
	}
	if !strings.Contains(w.Snippet, `data-frontdesk-widget="`+w.PublicKey+`"`) || !strings.HasPrefix(w.PublicKey, "wk_") || w.AllowedOrigins[0] != "https://www.acme.test" {
		t.Fatalf("widget %+v", w)
	}
	admin.wantError("PATCH", "/api/v1/widgets/"+itoa(w.ID), model.WidgetInput{Color: ptr("red")}, 422, model.CodeValidation)
	admin.wantError("PATCH", "/api/v1/widgets/"+itoa(w.ID), model.WidgetInput{AllowedOrigins: &[]string{"https://x.test/path"}}, 422, model.CodeValidation)
	var alienSvc model.Service
	alien := e.login("alien@other.test")
	alien.do("POST", "/api/v1/services", model.ServiceInput{Name: ptr("Theirs")}, &alienSvc)
	admin.wantError("PATCH", "/api/v1/widgets/"+itoa(w.ID), model.WidgetInput{ServiceID: &alienSvc.ID}, 422, model.CodeValidation)
	alien.wantError("GET", "/api/v1/widgets/"+itoa(w.ID), nil, 404, model.CodeNotFound)
}

func TestHealthAndMetrics(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		res, err := http.Get(e.srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d %s", p, res.StatusCode, b)
		}
		if p == "/metrics" && !strings.Contains(string(b), "frontdesk_http_requests_total") {
			t.Fatalf("metrics lack request counter")
		}
	}
	e.client().wantError("GET", "/api/v1/nowhere", nil, 404, model.CodeNotFound)
}

func TestPanicIsContained(t *testing.T) {
	e := newEnv(t)
	e.client().wantError("GET", "/boom", nil, 500, model.CodeInternal)
	if res, err := http.Get(e.srv.URL + "/healthz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("server down after a panic: %v", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestOrganizationSettings(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin@acme.test")
	var org model.Organization
	if st := admin.do("PATCH", "/api/v1/organization", map[string]string{"name": "Acme Inc."}, &org); st != 200 || org.Name != "Acme Inc." {
		t.Fatalf("rename: %d %+v", st, org)
	}
	admin.wantError("PATCH", "/api/v1/organization", map[string]string{"name": " "}, 422, model.CodeValidation)
	e.login("agent@acme.test").wantError("PATCH", "/api/v1/organization", map[string]string{"name": "Mine"}, 403, model.CodeForbidden)
	var s model.Session
	admin.do("GET", "/api/v1/auth/session", nil, &s)
	if s.Organization.Name != "Acme Inc." {
		t.Fatalf("session still shows %q", s.Organization.Name)
	}
}

func TestWidgetLanguages(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin@acme.test")
	var w model.Widget
	admin.do("POST", "/api/v1/widgets", model.WidgetInput{Name: ptr("Site"), Greeting: ptr("Hello!"),
		Greetings: &map[string]string{"de": "Hallo!"}, OfflineTexts: &map[string]string{"de": "Gerade ist niemand da."}}, &w)
	guest := e.client()
	for lang, want := range map[string][2]string{"de": {"Hallo!", "Gerade ist niemand da."}, "fr": {"Hello!", ""}, "": {"Hello!", ""}} {
		var cfg model.WidgetConfig
		guest.do("GET", "/api/v1/public/widgets/"+w.PublicKey+"?lang="+lang, nil, &cfg)
		if cfg.Greeting != want[0] || cfg.Offline != want[1] {
			t.Errorf("lang %q: greeting %q offline %q, want %q", lang, cfg.Greeting, cfg.Offline, want)
		}
	}
	// A fixed language wins over the visitor's.
	admin.do("PATCH", "/api/v1/widgets/"+itoa(w.ID), model.WidgetInput{Language: ptr("de")}, &w)
	var cfg model.WidgetConfig
	guest.do("GET", "/api/v1/public/widgets/"+w.PublicKey+"?lang=fr", nil, &cfg)
	if cfg.Language != "de" || cfg.Greeting != "Hallo!" {
		t.Fatalf("fixed language: %+v", cfg)
	}
	admin.wantError("PATCH", "/api/v1/widgets/"+itoa(w.ID), model.WidgetInput{Language: ptr("klingon")}, 422, model.CodeValidation)
	admin.wantError("PATCH", "/api/v1/widgets/"+itoa(w.ID), model.WidgetInput{Greetings: &map[string]string{"xx": "?"}}, 422, model.CodeValidation)
}
