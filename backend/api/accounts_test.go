package api_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/backend/accounts"
	"github.com/frontdesk/frontdesk/backend/api"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/mail"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/smtptest"
	"github.com/frontdesk/frontdesk/model"
)

// accountsEnv is the API with accounts wired to a job queue and an SMTP
// server on loopback. empty leaves the database without organizations.
type accountsEnv struct {
	*env
	smtp *smtptest.Server
	svc  *accounts.Service
}

func newAccountsEnv(t *testing.T, mode accounts.SignupMode, empty bool) *accountsEnv {
	t.Helper()
	var e *env
	if empty {
		db := pgtest.Open(t)
		s := api.New(api.DefaultConfig(), db, slog.New(slog.NewTextHandler(io.Discard, nil)))
		srv := httptest.NewServer(s.Handler())
		t.Cleanup(srv.Close)
		e = &env{t: t, db: db, srv: srv, server: s}
	} else {
		e = newEnv(t)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	smtp := smtptest.Start(t)
	sender, err := mail.NewSender(mail.Config{Host: smtp.Host(), Port: smtp.Port(), TLS: mail.TLSNone, From: "Frontdesk <no-reply@frontdesk.test>"}, log)
	if err != nil {
		t.Fatal(err)
	}
	svc := accounts.New(e.db, api.DefaultConfig().BaseURL, mode, log)
	workers := river.NewWorkers()
	if err := mail.Register(workers, sender, log); err != nil {
		t.Fatal(err)
	}
	if err := svc.Register(workers); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(e.db, workers, log, jobs.ForTesting())
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(ctx) //nolint:errcheck
	})
	svc.Queue = q
	e.server.SetAccounts(svc)
	return &accountsEnv{env: e, smtp: smtp, svc: svc}
}

var apiLink = regexp.MustCompile(`/(setup|invite|reset|verify)/([A-Za-z0-9_-]{43})`)

// linkIn returns the token of the link in the n-th email.
func (e *accountsEnv) linkIn(n int) string {
	e.t.Helper()
	m := e.smtp.WaitFor(e.t, n, 10*time.Second)[n-1]
	match := apiLink.FindStringSubmatch(m.Text())
	if match == nil {
		e.t.Fatalf("no link in %q", m.Text())
	}
	return match[2]
}

func TestSetupAPI(t *testing.T) {
	e := newAccountsEnv(t, accounts.SignupClosed, true)
	link, ok, err := e.svc.PrepareSetup(context.Background())
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	tok := link[strings.LastIndexByte(link, '/')+1:]
	c := e.client()
	var status model.SignupStatus
	if st := c.do("GET", "/api/v1/signup", nil, &status); st != 200 || status.Open {
		t.Errorf("sign-up status: %d %+v", st, status)
	}
	body := model.SignupRequest{Organization: "Acme", Name: "Ada", Email: "ada@acme.test", Password: "a less common passphrase", TimeZone: "UTC", Language: "en"}
	c.wantError("POST", "/api/v1/signup", body, 403, model.CodeSignupClosed)
	c.wantError("GET", "/api/v1/setup/"+strings.Repeat("a", 43), nil, 404, model.CodeNotFound)
	c.wantError("POST", "/api/v1/setup/not-a-token", body, 404, model.CodeNotFound)
	// Another site cannot post it for you.
	c.wantError("POST", "/api/v1/setup/"+tok, body, 403, model.CodeCrossOrigin, map[string]string{"Sec-Fetch-Site": "cross-site"})
	weak := body
	weak.Password = "password1234"
	if er := c.wantError("POST", "/api/v1/setup/"+tok, weak, 422, model.CodePasswordTooCommon); er.Fields["password"] == "" {
		t.Errorf("the error does not name the field: %+v", er)
	}
	if st := c.do("GET", "/api/v1/setup/"+tok, nil, nil); st != 204 {
		t.Fatalf("live setup link: %d", st)
	}
	var s model.Session
	if st := c.do("POST", "/api/v1/setup/"+tok, body, &s); st != 201 || s.Agent.Role != model.RoleAdmin || s.Organization.Name != "Acme" || s.CSRFToken == "" {
		t.Fatalf("setup: %d %+v", st, s)
	}
	c.csrf = s.CSRFToken
	var me model.Agent
	if st := c.do("GET", "/api/v1/me", nil, &me); st != 200 || me.Email != "ada@acme.test" {
		t.Errorf("signed in after setup: %d %+v", st, me)
	}
	var card model.Onboarding
	if st := c.do("GET", "/api/v1/onboarding", nil, &card); st != 200 || !card.Show || !strings.Contains(card.Snippet, "/widget.js") || !strings.Contains(card.TryURL, "/try/wk_") {
		t.Errorf("getting started: %d %+v", st, card)
	}
	if st := c.do("POST", "/api/v1/onboarding/widget", nil, nil); st != 204 {
		t.Errorf("copying the snippet: %d", st)
	}
	c.wantError("POST", "/api/v1/onboarding/anything", nil, 404, model.CodeNotFound)
	e.client().wantError("POST", "/api/v1/setup/"+tok, body, 404, model.CodeNotFound)
}

func TestInvitationsAPI(t *testing.T) {
	e := newAccountsEnv(t, accounts.SignupClosed, false)
	admin, agent := e.login("admin@acme.test"), e.login("agent@acme.test")
	in := model.InvitationInput{Email: "new@acme.test", Name: "Nia", Role: model.RoleAgent, License: model.LicenseBasic}
	agent.wantError("POST", "/api/v1/invitations", in, 403, model.CodeForbidden)
	admin.wantError("POST", "/api/v1/invitations", model.InvitationInput{Email: "agent@acme.test"}, 409, model.CodeEmailTaken)
	admin.wantError("POST", "/api/v1/invitations", `{"email":"x@acme.test","password":"nope"}`, 400, model.CodeUnknownField)
	var inv model.Invitation
	if st := admin.do("POST", "/api/v1/invitations", in, &inv); st != 201 || inv.ID == 0 || inv.Status != model.InvitationPending {
		t.Fatalf("invite: %d %+v", st, inv)
	}
	var raw map[string]any
	admin.do("GET", "/api/v1/invitations", nil, &[]map[string]any{})
	admin.do("POST", "/api/v1/invitations/"+itoa(inv.ID)+"/resend", nil, &raw)
	for k := range raw {
		if strings.Contains(k, "token") {
			t.Errorf("an invitation carries %q", k)
		}
	}
	tok := e.linkIn(2) // the resent one
	var list []model.Invitation
	if st := admin.do("GET", "/api/v1/invitations", nil, &list); st != 200 || len(list) != 1 {
		t.Errorf("invitations: %d %+v", st, list)
	}
	// The other organization sees none of it.
	alien := e.login("alien@other.test")
	alien.wantError("DELETE", "/api/v1/invitations/"+itoa(inv.ID), nil, 404, model.CodeNotFound)

	guest := e.client()
	var p model.InvitationPreview
	if st := guest.do("GET", "/api/v1/public/invitations/"+tok, nil, &p); st != 200 || p.Organization != "Acme" || p.Email != "new@acme.test" || p.Inviter != "Admin" {
		t.Fatalf("preview: %d %+v", st, p)
	}
	guest.wantError("POST", "/api/v1/public/invitations/"+tok, model.AcceptInvitation{Name: "Nia", Password: "short"}, 422, model.CodeValidation)
	var s model.Session
	if st := guest.do("POST", "/api/v1/public/invitations/"+tok, model.AcceptInvitation{Name: "Nia Novak", Password: "sunlight on the harbour"}, &s); st != 201 ||
		s.Agent.Email != "new@acme.test" || s.Agent.License != model.LicenseBasic || s.Organization.ID != e.acme.ID {
		t.Fatalf("accept: %d %+v", st, s)
	}
	if st := guest.do("GET", "/api/v1/auth/session", nil, &s); st != 200 {
		t.Errorf("signed in after accepting: %d", st)
	}
	for _, path := range []string{"/api/v1/public/invitations/" + tok, "/api/v1/public/invitations/garbage", "/api/v1/public/invitations/" + strings.Repeat("b", 43)} {
		e.client().wantError("GET", path, nil, 404, model.CodeNotFound)
	}
	admin.wantError("DELETE", "/api/v1/invitations/"+itoa(inv.ID), nil, 404, model.CodeNotFound)
}

func TestPasswordResetAPI(t *testing.T) {
	e := newAccountsEnv(t, accounts.SignupClosed, false)
	old := e.login("agent@acme.test")
	c := e.client()
	var known, unknown model.PasswordResetAccepted
	if st := c.do("POST", "/api/v1/auth/password-reset", model.PasswordResetRequest{Email: "agent@acme.test"}, &known); st != 202 {
		t.Fatalf("reset request: %d", st)
	}
	if st := c.do("POST", "/api/v1/auth/password-reset", model.PasswordResetRequest{Email: "nobody@acme.test"}, &unknown); st != 202 || unknown != known {
		t.Errorf("unknown address: %d %+v, want the same 202 as %+v", st, unknown, known)
	}
	tok := e.linkIn(1)
	if st := c.do("GET", "/api/v1/auth/password-reset/"+tok, nil, nil); st != 204 {
		t.Errorf("live reset link: %d", st)
	}
	c.wantError("POST", "/api/v1/auth/password-reset/"+tok, model.NewPassword{Password: "iloveyou1234"}, 422, model.CodePasswordTooCommon)
	if st := c.do("POST", "/api/v1/auth/password-reset/"+tok, model.NewPassword{Password: "a fresh start again"}, nil); st != 204 {
		t.Fatalf("reset: %d", st)
	}
	old.wantError("GET", "/api/v1/auth/session", nil, 401, model.CodeUnauthenticated)
	c.wantError("POST", "/api/v1/auth/password-reset/"+tok, model.NewPassword{Password: "a fresh start again"}, 404, model.CodeNotFound)
	if st := c.do("POST", "/api/v1/auth/login", model.LoginRequest{Email: "agent@acme.test", Password: "a fresh start again"}, nil); st != 200 {
		t.Errorf("sign-in with the new password: %d", st)
	}
	// A burst from one address meets the limit.
	var limited bool
	for range 12 {
		if st := c.do("POST", "/api/v1/auth/password-reset", model.PasswordResetRequest{Email: "someone@acme.test"}, nil); st == 429 {
			limited = true
			break
		}
	}
	if !limited {
		t.Error("12 reset requests in a row were all taken")
	}
}

func TestProfileAndSessionsAPI(t *testing.T) {
	e := newAccountsEnv(t, accounts.SignupClosed, false)
	phone := e.login("agent@acme.test")
	laptop := e.login("agent@acme.test")
	var me model.Agent
	if st := laptop.do("PATCH", "/api/v1/me", map[string]any{"name": "Agnes", "time_zone": "Europe/Rome", "language": "it"}, &me); st != 200 ||
		me.Name != "Agnes" || me.TimeZone != "Europe/Rome" || me.Language != "it" {
		t.Fatalf("patch me: %d %+v", st, me)
	}
	laptop.wantError("PATCH", "/api/v1/me", map[string]any{"role": "admin"}, 400, model.CodeUnknownField)
	laptop.wantError("PATCH", "/api/v1/me", map[string]any{"language": "xx"}, 422, model.CodeValidation)
	var sessions []model.SessionInfo
	if st := laptop.do("GET", "/api/v1/me/sessions", nil, &sessions); st != 200 || len(sessions) != 2 {
		t.Fatalf("sessions: %d %+v", st, sessions)
	}
	var current, other model.SessionInfo
	for _, s := range sessions {
		if s.Current {
			current = s
		} else {
			other = s
		}
	}
	if current.ID == 0 || other.ID == 0 || current.Device != "Go program" || current.Address != "127.0.0.1" {
		t.Errorf("sessions = %+v", sessions)
	}
	if st := laptop.do("DELETE", "/api/v1/me/sessions/"+itoa(other.ID), nil, nil); st != 204 {
		t.Fatalf("end the other session: %d", st)
	}
	phone.wantError("GET", "/api/v1/auth/session", nil, 401, model.CodeUnauthenticated)
	laptop.wantError("DELETE", "/api/v1/me/sessions/"+itoa(other.ID), nil, 404, model.CodeNotFound)

	// The password change checks the current one and ends other sessions.
	tablet := e.login("agent@acme.test")
	laptop.wantError("POST", "/api/v1/me/password", model.PasswordChange{CurrentPassword: "wrong guess here", NewPassword: "quiet rivers run deep"}, 422, model.CodeWrongPassword)
	if st := laptop.do("POST", "/api/v1/me/password", model.PasswordChange{CurrentPassword: testPassword, NewPassword: "quiet rivers run deep"}, nil); st != 204 {
		t.Fatalf("change password: %d", st)
	}
	tablet.wantError("GET", "/api/v1/auth/session", nil, 401, model.CodeUnauthenticated)
	if st := laptop.do("GET", "/api/v1/auth/session", nil, nil); st != 200 {
		t.Errorf("the session that changed the password: %d", st)
	}
	// "Sign out everywhere else".
	desk := e.login("admin@acme.test")
	adminPhone := e.login("admin@acme.test")
	if st := desk.do("DELETE", "/api/v1/me/sessions", nil, nil); st != 204 {
		t.Fatal(st)
	}
	adminPhone.wantError("GET", "/api/v1/auth/session", nil, 401, model.CodeUnauthenticated)
	if st := desk.do("GET", "/api/v1/auth/session", nil, nil); st != 200 {
		t.Errorf("the session that signed out the others: %d", st)
	}
	// A deactivated agent is signed out at once.
	if st := desk.do("DELETE", "/api/v1/agents/"+itoa(e.agent.ID), nil, nil); st != 200 {
		t.Fatal(st)
	}
	laptop.wantError("GET", "/api/v1/auth/session", nil, 401, model.CodeUnauthenticated)
}

func TestLoginWithoutPassword(t *testing.T) {
	e := newAccountsEnv(t, accounts.SignupClosed, true)
	if _, _, err := e.svc.CreateAdmin(context.Background(), accounts.AdminRequest{Organization: "Acme", Email: "ops@acme.test", Name: "Olga"}); err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{"", "anything at all"} {
		st := e.client().do("POST", "/api/v1/auth/login", model.LoginRequest{Email: "ops@acme.test", Password: pw}, nil)
		if st != http.StatusUnauthorized && st != http.StatusUnprocessableEntity {
			t.Errorf("sign-in of an admin who chose no password yet with %q: %d", pw, st)
		}
	}
}

func TestPhotoAPI(t *testing.T) {
	e := newAccountsEnv(t, accounts.SignupClosed, false)
	c := e.login("agent@acme.test")
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	c.wantError("PUT", "/api/v1/me/photo", buf.Bytes(), 415, model.CodeUnsupportedMedia)
	c.wantError("PUT", "/api/v1/me/photo", "not an image", 422, accounts.CodeImageUnreadable, map[string]string{"Content-Type": "image/png"})
	var me model.Agent
	if st := c.doWith("PUT", "/api/v1/me/photo", buf.Bytes(), &me, map[string]string{"Content-Type": "image/png"}); st != 200 || !strings.HasPrefix(me.PhotoURL, "/photos/") {
		t.Fatalf("upload: %d %+v", st, me)
	}
	res, err := http.Get(e.srv.URL + me.PhotoURL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("GET %s: %d %v", me.PhotoURL, res.StatusCode, res.Header)
	}
	for _, p := range []string{"/photos/1-zz.jpg", "/photos/" + itoa(me.ID) + "-0123456789abcdef.jpg", "/photos/../etc"} {
		if res, err := http.Get(e.srv.URL + p); err != nil || res.StatusCode != 404 {
			t.Errorf("GET %s: %v %v", p, res, err)
		}
	}
	old := me.PhotoURL
	if st := c.do("DELETE", "/api/v1/me/photo", nil, &me); st != 200 || me.PhotoURL != "" {
		t.Errorf("delete: %d %+v", st, me)
	}
	if res, _ := http.Get(e.srv.URL + old); res.StatusCode != 404 {
		t.Errorf("the deleted photo answers %d", res.StatusCode)
	}
}
