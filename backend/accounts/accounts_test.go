package accounts_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/accounts"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/mail"
	"github.com/frontdesk/frontdesk/backend/password"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/smtptest"
	"github.com/frontdesk/frontdesk/model"
)

// fixture is the accounts service on its own database, sending through a
// real job queue to an SMTP server on loopback.
type fixture struct {
	t    *testing.T
	ctx  context.Context
	db   *postgres.DB
	smtp *smtptest.Server
	svc  *accounts.Service
}

func setup(t *testing.T, mode accounts.SignupMode) *fixture {
	t.Helper()
	db := pgtest.Open(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	smtp := smtptest.Start(t)
	sender, err := mail.NewSender(mail.Config{Host: smtp.Host(), Port: smtp.Port(), TLS: mail.TLSNone, From: "Frontdesk <no-reply@frontdesk.test>"}, log)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("http://frontdesk.test")
	svc := accounts.New(db, base, mode, log)
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
	ctx := context.Background()
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(stop) //nolint:errcheck
	})
	svc.Queue = q
	return &fixture{t: t, ctx: ctx, db: db, smtp: smtp, svc: svc}
}

var linkPattern = regexp.MustCompile(`http://frontdesk\.test(/[a-z]+/[A-Za-z0-9_-]+)\?lang=([a-z]{2})`)

// mailTo waits for the n-th message (1-based) to arrive and returns it
// with the path and language of its link.
func (f *fixture) mailTo(n int, to string) (smtptest.Received, string, string) {
	f.t.Helper()
	msgs := f.smtp.WaitFor(f.t, n, 10*time.Second)
	m := msgs[n-1]
	if len(m.To) != 1 || m.To[0] != to {
		f.t.Fatalf("message %d went to %v, want %s", n, m.To, to)
	}
	match := linkPattern.FindStringSubmatch(m.Text())
	if match == nil {
		f.t.Fatalf("message %q has no link:\n%s", m.Subject(), m.Text())
	}
	return m, match[1], match[2]
}

func token(path string) string { return path[strings.LastIndexByte(path, '/')+1:] }

func code(err error) string {
	if e, ok := model.AsError(err); ok {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return "internal: " + err.Error()
}

func signupRequest(email string) model.SignupRequest {
	return model.SignupRequest{Organization: "Acme", Name: "Ada Lovelace", Email: email,
		Password: "a less common passphrase", TimeZone: "Europe/Berlin", Language: "en"}
}

func TestSetup(t *testing.T) {
	f := setup(t, accounts.SignupClosed)
	first, ok, err := f.svc.PrepareSetup(f.ctx)
	if err != nil || !ok || !strings.HasPrefix(first, "http://frontdesk.test/setup/") {
		t.Fatalf("PrepareSetup = %q, %v, %v", first, ok, err)
	}
	// Each start replaces the link.
	link, _, _ := f.svc.PrepareSetup(f.ctx)
	if len(token(link)) < 43 {
		t.Errorf("setup token %q is shorter than 256 bits", token(link))
	}
	if err := f.svc.SetupLive(f.ctx, token(first)); code(err) != model.CodeNotFound {
		t.Errorf("the replaced link: %v, want not found", err)
	}
	if err := f.svc.SetupLive(f.ctx, token(link)); err != nil {
		t.Fatalf("the new link: %v", err)
	}

	bad := []struct {
		name  string
		token string
		edit  func(*model.SignupRequest)
		code  string
	}{
		{"malformed token", "x'; drop", nil, model.CodeNotFound},
		{"unknown token", strings.Repeat("A", 43), nil, model.CodeNotFound},
		{"replaced token", token(first), nil, model.CodeNotFound},
		{"short password", token(link), func(r *model.SignupRequest) { r.Password = "short" }, model.CodeValidation},
		{"common password", token(link), func(r *model.SignupRequest) { r.Password = "qwertyuiop123" }, model.CodePasswordTooCommon},
		{"the email as password", token(link), func(r *model.SignupRequest) { r.Password = r.Email }, model.CodePasswordTooCommon},
		{"no organization", token(link), func(r *model.SignupRequest) { r.Organization = " " }, model.CodeValidation},
		{"bad zone", token(link), func(r *model.SignupRequest) { r.TimeZone = "Mars/Olympus" }, model.CodeValidation},
		{"bad language", token(link), func(r *model.SignupRequest) { r.Language = "pt" }, model.CodeValidation},
	}
	for _, tt := range bad {
		req := signupRequest("ada@acme.test")
		if tt.edit != nil {
			tt.edit(&req)
		}
		if _, err := f.svc.Setup(f.ctx, tt.token, req); code(err) != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
		}
	}
	if has, _ := postgres.HasOrganization(f.ctx, f.db.Bun); has {
		t.Fatal("a refused setup left an organization")
	}

	created, err := f.svc.Setup(f.ctx, token(link), signupRequest("Ada@Acme.test"))
	if err != nil {
		t.Fatal(err)
	}
	admin := created.Admin
	if admin.Role != model.RoleAdmin || admin.License != model.LicenseStandard || admin.Email != "ada@acme.test" ||
		admin.Slug != "ada-lovelace" || !admin.EmailVerified || admin.TimeZone != "Europe/Berlin" {
		t.Errorf("admin = %+v", admin)
	}
	if created.Service.Name != "Support" || len(created.Service.MemberIDs) != 1 || created.Service.MemberIDs[0] != admin.ID || !created.Service.Assignable {
		t.Errorf("service = %+v", created.Service)
	}
	if created.Widget.ServiceID == nil || *created.Widget.ServiceID != created.Service.ID || !strings.HasPrefix(created.Widget.PublicKey, "wk_") {
		t.Errorf("widget = %+v", created.Widget)
	}
	hash, _ := f.db.PasswordHash(f.ctx, admin.OrganizationID, admin.ID)
	if ok, _ := password.Verify(hash, "a less common passphrase"); !ok {
		t.Error("the admin's password does not verify")
	}
	// Used once; no new link once an organization exists.
	if _, err := f.svc.Setup(f.ctx, token(link), signupRequest("eve@acme.test")); code(err) != model.CodeNotFound {
		t.Errorf("second use: %v", err)
	}
	if l, ok, err := f.svc.PrepareSetup(f.ctx); ok || err != nil {
		t.Errorf("PrepareSetup with an organization = %q, %v, %v", l, ok, err)
	}
	card, key, err := f.svc.Onboarding(f.ctx, admin)
	if err != nil || !card.Show || key != created.Widget.PublicKey || len(card.Steps) != 5 {
		t.Fatalf("onboarding = %+v, %q, %v", card, key, err)
	}
	if err := f.svc.MarkOnboarding(f.ctx, admin, "widget"); err != nil {
		t.Fatal(err)
	}
	card, _, _ = f.svc.Onboarding(f.ctx, admin)
	if card.Steps[2] != (model.OnboardingStep{ID: "widget", Done: true}) || card.Steps[0].Done {
		t.Errorf("steps after copying the snippet = %+v", card.Steps)
	}
	if err := f.svc.MarkOnboarding(f.ctx, admin, "dismissed"); err != nil {
		t.Fatal(err)
	}
	if card, _, _ = f.svc.Onboarding(f.ctx, admin); card.Show {
		t.Error("the dismissed card still shows")
	}
}

func TestSetupNotOfferedWhenSignupIsOpen(t *testing.T) {
	f := setup(t, accounts.SignupOpen)
	if l, ok, err := f.svc.PrepareSetup(f.ctx); ok || err != nil {
		t.Errorf("PrepareSetup = %q, %v, %v", l, ok, err)
	}
}

func TestSignupModes(t *testing.T) {
	for _, tt := range []struct {
		mode          accounts.SignupMode
		first, second string // codes
	}{
		{accounts.SignupClosed, model.CodeSignupClosed, model.CodeSignupClosed},
		{accounts.SignupFirst, "", model.CodeSignupClosed},
		{accounts.SignupOpen, "", ""},
	} {
		t.Run(string(tt.mode), func(t *testing.T) {
			f := setup(t, tt.mode)
			_, err := f.svc.Signup(f.ctx, signupRequest("ada@acme.test"), "192.0.2.1")
			if code(err) != tt.first {
				t.Errorf("first sign-up: %v, want %q", err, tt.first)
			}
			_, err = f.svc.Signup(f.ctx, signupRequest("bob@other.test"), "192.0.2.1")
			if code(err) != tt.second {
				t.Errorf("second sign-up: %v, want %q", err, tt.second)
			}
			if tt.mode == accounts.SignupOpen {
				if _, err := f.svc.Signup(f.ctx, signupRequest("ADA@acme.test"), "192.0.2.1"); code(err) != model.CodeEmailTaken {
					t.Errorf("sign-up with a taken email: %v", err)
				}
			}
		})
	}
}

func TestSignupVerification(t *testing.T) {
	f := setup(t, accounts.SignupOpen)
	req := signupRequest("ada@acme.test")
	req.Language = "fr"
	created, err := f.svc.Signup(f.ctx, req, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if created.Admin.EmailVerified || created.Organization.VerifyBy == nil || created.Organization.Language != "fr" {
		t.Fatalf("after sign-up: admin %+v, organization %+v", created.Admin, created.Organization)
	}
	m, path, lang := f.mailTo(1, "ada@acme.test")
	if !strings.HasPrefix(path, "/verify/") || lang != "fr" || m.Subject() != "Confirmez votre adresse e-mail" {
		t.Errorf("verification email %q links to %s in %s", m.Subject(), path, lang)
	}

	// Seven days on without verifying: the widget and the personal link
	// pause; the admin can still sign in.
	if _, err := f.db.Bun.ExecContext(f.ctx, "UPDATE organizations SET verify_by = now() - interval '1 minute'"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.WidgetByKey(f.ctx, created.Widget.PublicKey); code(err) != model.CodeUnavailable {
		t.Errorf("widget of an unverified sign-up: %v", err)
	}
	if _, err := f.db.AgentBySlug(f.ctx, created.Admin.Slug); code(err) != model.CodeUnavailable {
		t.Errorf("personal link of an unverified sign-up: %v", err)
	}
	if _, err := f.db.WidgetByKey(f.ctx, "wk_nothing"); code(err) != model.CodeNotFound {
		t.Errorf("unknown widget: %v", err)
	}

	// Resend: the first link dies, the new one verifies.
	if err := f.svc.ResendVerification(f.ctx, created.Admin); err != nil {
		t.Fatal(err)
	}
	_, second, _ := f.mailTo(2, "ada@acme.test")
	if _, err := f.svc.Verify(f.ctx, token(path)); code(err) != model.CodeNotFound {
		t.Errorf("the first link after a resend: %v", err)
	}
	agent, err := f.svc.Verify(f.ctx, token(second))
	if err != nil || !agent.EmailVerified {
		t.Fatalf("verify: %+v, %v", agent, err)
	}
	if _, err := f.svc.Verify(f.ctx, token(second)); code(err) != model.CodeNotFound {
		t.Errorf("the link used twice: %v", err)
	}
	if _, err := f.db.WidgetByKey(f.ctx, created.Widget.PublicKey); err != nil {
		t.Errorf("the widget after verification: %v", err)
	}
	if err := f.svc.ResendVerification(f.ctx, agent); code(err) != model.CodeConflict {
		t.Errorf("resend when verified: %v", err)
	}
}

func TestInvitations(t *testing.T) {
	f := setup(t, accounts.SignupClosed)
	link, _, _ := f.svc.PrepareSetup(f.ctx)
	req := signupRequest("ada@acme.test")
	req.Language = "de"
	created, err := f.svc.Setup(f.ctx, token(link), req)
	if err != nil {
		t.Fatal(err)
	}
	admin := created.Admin

	bad := []struct {
		name string
		in   model.InvitationInput
		code string
	}{
		{"bad email", model.InvitationInput{Email: "not an email"}, model.CodeValidation},
		{"bad role", model.InvitationInput{Email: "x@acme.test", Role: "owner"}, model.CodeValidation},
		{"unknown service", model.InvitationInput{Email: "x@acme.test", ServiceIDs: []int64{created.Service.ID + 1000}}, model.CodeValidation},
		{"existing account", model.InvitationInput{Email: "ADA@acme.test"}, model.CodeEmailTaken},
	}
	for _, tt := range bad {
		if _, err := f.svc.Invite(f.ctx, admin, tt.in); code(err) != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
		}
	}

	inv, err := f.svc.Invite(f.ctx, admin, model.InvitationInput{Email: "Bea@Acme.test", Name: "Bea", Role: model.RoleAgent,
		License: model.LicenseStandard, ServiceIDs: []int64{created.Service.ID, created.Service.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Status != model.InvitationPending || inv.Email != "bea@acme.test" || inv.InvitedBy != "Ada Lovelace" || len(inv.ServiceIDs) != 1 {
		t.Errorf("invitation = %+v", inv)
	}
	if _, err := f.svc.Invite(f.ctx, admin, model.InvitationInput{Email: "bea@acme.test"}); code(err) != model.CodeAlreadyInvited {
		t.Errorf("inviting twice: %v", err)
	}
	// In the organization's language.
	m, path, lang := f.mailTo(1, "bea@acme.test")
	if m.Subject() != "Ada Lovelace hat Sie zu Acme auf Frontdesk eingeladen" || lang != "de" || !strings.HasPrefix(path, "/invite/") {
		t.Errorf("invitation email %q, link %s in %s", m.Subject(), path, lang)
	}
	if strings.Contains(string(m.Data), "token_hash") {
		t.Error("the email leaks internals")
	}
	preview, err := f.svc.PreviewInvitation(f.ctx, token(path))
	if err != nil || preview.Organization != "Acme" || preview.Email != "bea@acme.test" || preview.Inviter != "Ada Lovelace" || preview.Name != "Bea" {
		t.Fatalf("preview = %+v, %v", preview, err)
	}

	// Resend: a new link; the old one is unknown.
	if _, err := f.svc.ResendInvitation(f.ctx, admin.OrganizationID, inv.ID); err != nil {
		t.Fatal(err)
	}
	_, path2, _ := f.mailTo(2, "bea@acme.test")
	if _, err := f.svc.LookUpInvitation(f.ctx, token(path)); code(err) != model.CodeNotFound {
		t.Errorf("the link before the resend: %v", err)
	}

	if _, err := f.svc.AcceptInvitation(f.ctx, token(path2), model.AcceptInvitation{Name: "Bea Berg", Password: "password1234"}); code(err) != model.CodePasswordTooCommon {
		t.Errorf("accepting with a common password: %v", err)
	}
	bea, err := f.svc.AcceptInvitation(f.ctx, token(path2), model.AcceptInvitation{Name: "Bea Berg", Password: "tea with lemon please"})
	if err != nil {
		t.Fatal(err)
	}
	if bea.Email != "bea@acme.test" || bea.Name != "Bea Berg" || bea.Role != model.RoleAgent || !bea.EmailVerified ||
		bea.TimeZone != "Europe/Berlin" || bea.Language != "de" || bea.Slug != "bea-berg" {
		t.Errorf("new agent = %+v", bea)
	}
	svc, _ := f.db.Service(f.ctx, admin.OrganizationID, created.Service.ID)
	if len(svc.MemberIDs) != 2 {
		t.Errorf("Support's members = %v, want Ada and Bea", svc.MemberIDs)
	}
	st, err := f.svc.LookUpInvitation(f.ctx, token(path2))
	if err != nil || st.Status != model.InvitationAccepted {
		t.Errorf("the used link: %+v, %v", st, err)
	}
	if _, err := f.svc.AcceptInvitation(f.ctx, token(path2), model.AcceptInvitation{Name: "Eve", Password: "tea with lemon please"}); code(err) != model.CodeNotFound {
		t.Errorf("accepting twice: %v", err)
	}
	if list, _ := f.svc.Invitations(f.ctx, admin.OrganizationID); len(list) != 0 {
		t.Errorf("open invitations after acceptance = %+v", list)
	}

	// Revoked and expired invitations say so on their page; the API's
	// preview is the same 404 for both.
	cid, _ := f.svc.Invite(f.ctx, admin, model.InvitationInput{Email: "cid@acme.test"})
	_, cidPath, _ := f.mailTo(3, "cid@acme.test")
	if err := f.svc.RevokeInvitation(f.ctx, admin.OrganizationID, cid.ID); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.svc.LookUpInvitation(f.ctx, token(cidPath)); st.Status != model.InvitationRevoked {
		t.Errorf("revoked invitation: %+v", st)
	}
	if err := f.svc.RevokeInvitation(f.ctx, admin.OrganizationID, cid.ID); code(err) != model.CodeNotFound {
		t.Errorf("revoking twice: %v", err)
	}
	if _, err := f.svc.Invite(f.ctx, admin, model.InvitationInput{Email: "dee@acme.test"}); err != nil {
		t.Fatal(err)
	}
	_, deePath, _ := f.mailTo(4, "dee@acme.test")
	f.db.Now = func() time.Time { return time.Now().Add(accounts.InvitationTTL + time.Minute) }
	if st, _ := f.svc.LookUpInvitation(f.ctx, token(deePath)); st.Status != model.InvitationExpired {
		t.Errorf("expired invitation: %+v", st)
	}
	for _, tok := range []string{token(cidPath), token(deePath), "short", strings.Repeat("z", 43)} {
		if _, err := f.svc.PreviewInvitation(f.ctx, tok); code(err) != model.CodeNotFound {
			t.Errorf("preview of %s: %v", tok, err)
		}
	}
}

func TestPasswordReset(t *testing.T) {
	f := setup(t, accounts.SignupClosed)
	link, _, _ := f.svc.PrepareSetup(f.ctx)
	req := signupRequest("ada@acme.test")
	req.Language = "it"
	created, err := f.svc.Setup(f.ctx, token(link), req)
	if err != nil {
		t.Fatal(err)
	}
	ada := created.Admin
	for _, ua := range []string{"one", "two"} {
		if _, err := f.db.CreateSession(f.ctx, postgres.NewSession{Agent: ada, Token: ua + strings.Repeat("x", 40), CSRF: "c", TTL: time.Hour, UserAgent: ua}); err != nil {
			t.Fatal(err)
		}
	}

	// Unknown and known addresses get the same answer; only the known
	// one gets an email.
	if err := f.svc.RequestPasswordReset(f.ctx, "nobody@acme.test", "192.0.2.1", "en"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RequestPasswordReset(f.ctx, " ADA@acme.test ", "192.0.2.1", "en"); err != nil {
		t.Fatal(err)
	}
	m, path, lang := f.mailTo(1, "ada@acme.test")
	if m.Subject() != "Reimposta la password di Frontdesk" || lang != "it" || !strings.HasPrefix(path, "/reset/") {
		t.Errorf("reset email %q, link %s in %s", m.Subject(), path, lang)
	}
	if err := f.svc.RequestPasswordReset(f.ctx, "not an address", "192.0.2.1", "en"); code(err) != model.CodeValidation {
		t.Errorf("a malformed address: %v", err)
	}

	if err := f.svc.ResetLive(f.ctx, token(path)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ResetPassword(f.ctx, token(path), "123456789012"); code(err) != model.CodePasswordTooCommon {
		t.Errorf("a common password: %v", err)
	}
	if err := f.svc.ResetLive(f.ctx, token(path)); err != nil {
		t.Errorf("a refused password used the link up: %v", err)
	}
	if _, err := f.svc.ResetPassword(f.ctx, token(path), "a brand new phrase"); err != nil {
		t.Fatal(err)
	}
	hash, _ := f.db.PasswordHash(f.ctx, ada.OrganizationID, ada.ID)
	if ok, _ := password.Verify(hash, "a brand new phrase"); !ok {
		t.Error("the new password does not verify")
	}
	if list, _ := f.db.Sessions(f.ctx, ada.OrganizationID, ada.ID); len(list) != 0 {
		t.Errorf("sessions after a reset: %+v", list)
	}
	for _, tok := range []string{token(path), "@@@", strings.Repeat("q", 43)} {
		if _, err := f.svc.ResetPassword(f.ctx, tok, "another new phrase"); code(err) != model.CodeNotFound {
			t.Errorf("reset with %q: %v", tok, err)
		}
	}

	// The in-memory limit per address stops a burst of requests…
	var limited bool
	for range 4 {
		err := f.svc.RequestPasswordReset(f.ctx, "ada@acme.test", "198.51.100.1", "en")
		var limit *accounts.LimitError
		if errors.As(err, &limit) {
			limited = true
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if !limited {
		t.Error("four more requests for one address in a row were all taken")
	}
	// …and however many instances take requests, at most three links an
	// hour reach one account.
	for range 4 {
		if err := f.db.InTx(f.ctx, func(ctx context.Context, tx bun.Tx) error {
			return f.svc.Queue.InsertTx(ctx, tx, accounts.ResetRequestArgs{Email: "ada@acme.test"}, nil)
		}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var pending int
		if err := f.db.Bun.NewSelect().Table("river_job").ColumnExpr("count(*)").
			Where("kind = 'password_reset_request' AND state <> 'completed'").Scan(f.ctx, &pending); err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d reset jobs still pending", pending)
		}
		time.Sleep(20 * time.Millisecond)
	}
	n, _ := f.db.RecentTokens(f.ctx, f.db.Bun, postgres.PurposePasswordReset, ada.ID, time.Now().Add(-time.Hour))
	if n != 3 {
		t.Errorf("%d reset links in an hour, want 3", n)
	}
}

func TestProfileAndSessions(t *testing.T) {
	f := setup(t, accounts.SignupClosed)
	link, _, _ := f.svc.PrepareSetup(f.ctx)
	created, err := f.svc.Setup(f.ctx, token(link), signupRequest("ada@acme.test"))
	if err != nil {
		t.Fatal(err)
	}
	ada := created.Admin
	name, zone, lang, title := "Ada King", "America/New_York", "es", "Countess"
	ada, err = f.svc.UpdateProfile(f.ctx, ada, model.ProfilePatch{Name: &name, TimeZone: &zone, Language: &lang, Title: &title})
	if err != nil || ada.Name != name || ada.TimeZone != zone || ada.Language != lang || ada.Title != title {
		t.Fatalf("profile = %+v, %v", ada, err)
	}
	badZone := "Nowhere/Else"
	if _, err := f.svc.UpdateProfile(f.ctx, ada, model.ProfilePatch{TimeZone: &badZone}); code(err) != model.CodeValidation {
		t.Errorf("a bad zone: %v", err)
	}

	// A new email waits for its link.
	email := "ada.king@acme.test"
	ada, err = f.svc.UpdateProfile(f.ctx, ada, model.ProfilePatch{Email: &email})
	if err != nil || ada.Email != "ada@acme.test" || ada.PendingEmail != email {
		t.Fatalf("after asking for a new email: %+v, %v", ada, err)
	}
	m, path, l := f.mailTo(1, email)
	if l != "es" || m.Subject() != "Confirma tu dirección de correo" {
		t.Errorf("change email %q in %s", m.Subject(), l)
	}
	ada, err = f.svc.Verify(f.ctx, token(path))
	if err != nil || ada.Email != email || ada.PendingEmail != "" {
		t.Fatalf("after verifying the new email: %+v, %v", ada, err)
	}

	// Changing the password keeps this session and ends the others.
	var ids []int64
	for _, ua := range []string{"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "curl/8.5.0"} {
		s, err := f.db.CreateSession(f.ctx, postgres.NewSession{Agent: ada, Token: newTestToken(ua), CSRF: "c", TTL: time.Hour, UserAgent: ua, IP: "192.0.2.7"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	list, err := f.svc.Sessions(f.ctx, ada, ids[0])
	if err != nil || len(list) != 2 {
		t.Fatalf("sessions = %+v, %v", list, err)
	}
	for _, s := range list {
		if (s.ID == ids[0]) != s.Current || s.Address != "192.0.2.7" || s.Method != "password" {
			t.Errorf("session %+v", s)
		}
		if s.ID == ids[0] && s.Device != "Firefox on Linux" {
			t.Errorf("device = %q", s.Device)
		}
	}
	wrong := model.PasswordChange{CurrentPassword: "not it at all", NewPassword: "another good phrase"}
	if err := f.svc.ChangePassword(f.ctx, ada, ids[0], wrong); code(err) != model.CodeWrongPassword {
		t.Errorf("a wrong current password: %v", err)
	}
	weak := model.PasswordChange{CurrentPassword: "a less common passphrase", NewPassword: "1q2w3e4r5t"}
	if err := f.svc.ChangePassword(f.ctx, ada, ids[0], weak); code(err) != model.CodePasswordTooCommon {
		t.Errorf("a common new password: %v", err)
	}
	good := model.PasswordChange{CurrentPassword: "a less common passphrase", NewPassword: "another good phrase"}
	if err := f.svc.ChangePassword(f.ctx, ada, ids[0], good); err != nil {
		t.Fatal(err)
	}
	if list, _ := f.svc.Sessions(f.ctx, ada, ids[0]); len(list) != 1 || list[0].ID != ids[0] {
		t.Errorf("sessions after the change = %+v", list)
	}
	if err := f.svc.EndSession(f.ctx, ada, ids[1]); code(err) != model.CodeNotFound {
		t.Errorf("ending an ended session: %v", err)
	}
}

func newTestToken(seed string) string {
	return strings.Repeat("t", 20) + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return 'x'
	}, seed)
}

func TestCreateAdmin(t *testing.T) {
	f := setup(t, accounts.SignupClosed)
	created, link, err := f.svc.CreateAdmin(f.ctx, accounts.AdminRequest{Organization: "Acme", Email: "ops@acme.test", Name: "Olga Ops"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(link, "http://frontdesk.test/reset/") || created.Admin.Role != model.RoleAdmin || created.Admin.TimeZone != "UTC" {
		t.Fatalf("admin %+v, link %q", created.Admin, link)
	}
	if hash, _ := f.db.PasswordHash(f.ctx, created.Admin.OrganizationID, created.Admin.ID); hash != "" {
		t.Errorf("the admin has a password before choosing one: %q", hash)
	}
	if _, err := f.svc.ResetPassword(f.ctx, token(link), "olga's own passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.CreateAdmin(f.ctx, accounts.AdminRequest{Organization: "Other", Email: "OPS@acme.test", Name: "X"}); code(err) != model.CodeEmailTaken {
		t.Errorf("a taken email: %v", err)
	}
	if _, _, err := f.svc.CreateAdmin(f.ctx, accounts.AdminRequest{Organization: "", Email: "x", Name: ""}); code(err) != model.CodeValidation {
		t.Errorf("empty flags: %v", err)
	}
}
