package accountpages_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/backend/accountpages"
	"github.com/frontdesk/frontdesk/backend/accounts"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/mail"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/smtptest"
	"github.com/frontdesk/frontdesk/model"
)

type fixture struct {
	t       *testing.T
	srv     *httptest.Server
	svc     *accounts.Service
	smtp    *smtptest.Server
	created postgres.CreatedOrganization
	signIns []string // agents StartSession was called for
}

func setup(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.Open(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	base, _ := url.Parse("http://frontdesk.test")
	svc := accounts.New(db, base, accounts.SignupClosed, log)
	smtp := smtptest.Start(t)
	sender, err := mail.NewSender(mail.Config{Host: smtp.Host(), Port: smtp.Port(), TLS: mail.TLSNone, From: "Frontdesk <f@frontdesk.test>"}, log)
	if err != nil {
		t.Fatal(err)
	}
	workers := river.NewWorkers()
	if err := mail.Register(workers, sender, log); err != nil {
		t.Fatal(err)
	}
	if err := svc.Register(workers); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(db, workers, log, jobs.ForTesting())
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
	f := &fixture{t: t, svc: svc, smtp: smtp}
	h, err := accountpages.New(accountpages.Options{
		Accounts: svc, Widgets: db, BaseURL: base, Log: log,
		StartSession: func(w http.ResponseWriter, r *http.Request, a model.Agent, method string) (model.Session, error) {
			f.signIns = append(f.signIns, a.Email+" by "+method)
			return model.Session{Agent: a}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	link, _, _ := svc.PrepareSetup(context.Background())
	f.created, err = svc.Setup(context.Background(), link[strings.LastIndexByte(link, '/')+1:], model.SignupRequest{
		Organization: "Acme", Name: "Ada", Email: "ada@acme.test", Password: "a less common passphrase", TimeZone: "UTC", Language: "en",
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// get fetches a page in lang; post sends a form from the page's own
// origin, as the browser does.
func (f *fixture) get(path, lang string) (int, string, http.Header) {
	f.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	req.Header.Set("Accept-Language", lang)
	return f.send(req)
}

func (f *fixture) post(path string, form url.Values, origin string) (int, string, http.Header) {
	f.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", origin)
	return f.send(req)
}

func (f *fixture) send(req *http.Request) (int, string, http.Header) {
	f.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

func (f *fixture) invite(email string) string {
	f.t.Helper()
	n := len(f.smtp.Messages())
	if _, err := f.svc.Invite(context.Background(), f.created.Admin, model.InvitationInput{Email: email, Name: "Bea"}); err != nil {
		f.t.Fatal(err)
	}
	m := f.smtp.WaitFor(f.t, n+1, 10*time.Second)[n]
	i := strings.Index(m.Text(), "/invite/")
	return m.Text()[i : i+len("/invite/")+43]
}

func TestInvitationPages(t *testing.T) {
	f := setup(t)
	path := f.invite("bea@acme.test")
	st, body, hdr := f.get(path, "fr-CH,fr;q=0.9")
	if st != 200 || !strings.Contains(body, `lang="fr"`) || !strings.Contains(body, "Rejoindre Acme sur Frontdesk") || !strings.Contains(body, `value="bea@acme.test"`) {
		t.Fatalf("invitation page: %d\n%s", st, body)
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "form-action 'self'") || strings.Contains(csp, "script-src") {
		t.Errorf("CSP = %q", csp)
	}
	if hdr.Get("Referrer-Policy") != "no-referrer" {
		t.Error("the token could leak through the referrer")
	}
	// Another site cannot post the form.
	if st, _, _ := f.post(path, url.Values{"name": {"Eve"}, "password": {"x long enough pw"}}, "https://evil.example"); st != http.StatusForbidden {
		t.Errorf("cross-origin post: %d", st)
	}
	// Field errors, in the page's language, keep what was typed.
	st, body, _ = f.post(path+"?lang=de", url.Values{"name": {"Bea Berg"}, "password": {"password1234"}}, f.srv.URL)
	if st != 422 || !strings.Contains(body, "zu verbreitet") || !strings.Contains(body, `value="Bea Berg"`) || !strings.Contains(body, `aria-invalid="true"`) {
		t.Errorf("a common password: %d\n%s", st, body)
	}
	st, _, hdr = f.post(path+"?lang=de", url.Values{"name": {"Bea Berg"}, "password": {"a good long phrase"}}, f.srv.URL)
	if st != http.StatusSeeOther || hdr.Get("Location") != "/" || len(f.signIns) != 1 || f.signIns[0] != "bea@acme.test by invitation" {
		t.Errorf("accepting: %d %v %v", st, hdr, f.signIns)
	}
	// Used, revoked, expired and unknown links: 404, each saying why.
	revoked := f.invite("cid@acme.test")
	invs, _ := f.svc.Invitations(context.Background(), f.created.Organization.ID)
	for _, inv := range invs {
		if inv.Email == "cid@acme.test" {
			if err := f.svc.RevokeInvitation(context.Background(), f.created.Organization.ID, inv.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tt := range []struct{ path, lang, want string }{
		{path, "en", "This invitation has been used"},
		{revoked, "es", "Esta invitación fue retirada"},
		{"/invite/" + strings.Repeat("x", 43), "it", "Questo link non è valido"},
		{"/invite/%3Cscript%3E", "en", "This link is not valid"},
	} {
		st, body, _ := f.get(tt.path, tt.lang)
		if st != 404 || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d, want 404 with %q\n%s", tt.path, st, tt.want, body)
		}
		if strings.Contains(body, "<script") {
			t.Errorf("%s renders a script", tt.path)
		}
	}
}

func TestResetPages(t *testing.T) {
	f := setup(t)
	st, body, _ := f.get("/forgot", "de")
	if st != 200 || !strings.Contains(body, "Passwort vergessen?") {
		t.Fatalf("forgot page: %d", st)
	}
	if st, body, _ := f.post("/forgot?lang=de", url.Values{"email": {"nope"}}, f.srv.URL); st != 422 || !strings.Contains(body, "name@example.com") {
		t.Errorf("a malformed address: %d", st)
	}
	// Known and unknown addresses read the same.
	_, known, _ := f.post("/forgot?lang=en", url.Values{"email": {"ada@acme.test"}}, f.srv.URL)
	st, unknown, _ := f.post("/forgot?lang=en", url.Values{"email": {"zed@acme.test"}}, f.srv.URL)
	if st != http.StatusAccepted || strings.Replace(known, "ada@", "zed@", 1) != unknown {
		t.Errorf("the answers differ for a known and an unknown address")
	}
	m := f.smtp.WaitFor(t, 1, 10*time.Second)[0]
	i := strings.Index(m.Text(), "/reset/")
	path := m.Text()[i : i+len("/reset/")+43]
	if st, body, _ := f.get(path, "en"); st != 200 || !strings.Contains(body, `id="reset-form"`) {
		t.Fatalf("reset page: %d", st)
	}
	if st, body, _ := f.post(path, url.Values{"password": {"short"}}, f.srv.URL); st != 422 || !strings.Contains(body, "at least 10") {
		t.Errorf("a short password: %d", st)
	}
	if st, body, _ := f.post(path, url.Values{"password": {"ada@acme.test"}}, f.srv.URL); st != 422 || !strings.Contains(body, "too common") {
		t.Errorf("the email as password: %d", st)
	}
	if st, body, _ := f.post(path, url.Values{"password": {"a brand new phrase"}}, f.srv.URL); st != 200 || !strings.Contains(body, "Your password is changed") {
		t.Errorf("reset: %d", st)
	}
	for _, p := range []string{path, "/reset/nonsense", "/verify/" + strings.Repeat("v", 43)} {
		if st, _, _ := f.get(p, "en"); st != 404 {
			t.Errorf("%s: %d, want 404", p, st)
		}
	}
	if st, _, _ := f.post(path, url.Values{"password": {"another new phrase"}}, f.srv.URL); st != 404 {
		t.Errorf("the used link posted again: %d", st)
	}
}

func TestTryPage(t *testing.T) {
	f := setup(t)
	st, body, hdr := f.get("/try/"+f.created.Widget.PublicKey, "en")
	if st != 200 || !strings.Contains(body, `<script src="/widget.js" data-frontdesk-widget="`+f.created.Widget.PublicKey+`" async>`) {
		t.Fatalf("try page: %d\n%s", st, body)
	}
	if !strings.Contains(hdr.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("CSP = %q", hdr.Get("Content-Security-Policy"))
	}
	if st, _, _ := f.get("/try/wk_unknown", "en"); st != 404 {
		t.Errorf("unknown widget: %d", st)
	}
}
