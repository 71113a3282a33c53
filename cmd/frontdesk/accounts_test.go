//go:build !js

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/coder/websocket"

	"github.com/frontdesk/frontdesk/backend/accounts"

	"github.com/frontdesk/frontdesk/backend/browsertest"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/seed"
	"github.com/frontdesk/frontdesk/backend/smtptest"
	"github.com/frontdesk/frontdesk/model"
)

// Accounts: a company starting on an empty server, its admin inviting a
// colleague, the colleague resetting a forgotten password; open sign-up
// with email verification; `frontdesk admin create`.

// startEmptyServer is startServerWithMail without the demo: the database
// has no organization, as on a fresh install. env adds settings.
func startEmptyServer(t *testing.T, env map[string]string) (*Main, *smtptest.Server) {
	t.Helper()
	smtp := smtptest.Start(t)
	all := map[string]string{
		"FRONTDESK_SMTP_HOST": smtp.Host(),
		"FRONTDESK_SMTP_PORT": fmt.Sprint(smtp.Port()),
		"FRONTDESK_SMTP_TLS":  "none",
		"FRONTDESK_SMTP_FROM": "frontdesk@example.com",
	}
	for k, v := range env {
		all[k] = v
	}
	m := startServer(t, func(m *Main) {
		m.Config.Demo = false
		if mode, ok := env["FRONTDESK_SIGNUP"]; ok {
			m.Config.Signup = signupMode(t, mode)
		}
		m.Getenv = func(k string) string { return all[k] }
	})
	return m, smtp
}

func signupMode(t *testing.T, s string) accounts.SignupMode {
	t.Helper()
	m, err := accounts.ParseSignupMode(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var emailLink = regexp.MustCompile(`https?://[^\s"<>]+/(invite|reset|verify)/[A-Za-z0-9_-]{43}\?lang=[a-z]{2}`)

// linkIn is the account link an email carries.
func linkIn(t *testing.T, r smtptest.Received) string {
	t.Helper()
	l := emailLink.FindString(r.Text())
	if l == "" {
		t.Fatalf("no account link in %q:\n%s", r.Subject(), r.Text())
	}
	return l
}

// waitMailWith waits for an email to address whose text holds want.
func waitMailWith(t *testing.T, s *smtptest.Server, address, want string) smtptest.Received {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range s.Messages() {
			if len(r.To) == 1 && strings.EqualFold(r.To[0], address) && strings.Contains(r.Text(), want) {
				return r
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no email to %s with %q in 30 s", address, want)
	return smtptest.Received{}
}

// inviteToken is the token of the invitation link in an email.
func inviteToken(t *testing.T, r smtptest.Received) string {
	t.Helper()
	l := linkIn(t, r)
	return l[strings.LastIndex(l, "/")+1 : strings.IndexByte(l, '?')]
}

// acceptInvitation accepts an invitation over the API, as another browser
// would, and returns that browser's signed-in client.
func acceptInvitation(t *testing.T, base, token, name, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	body, _ := json.Marshal(model.AcceptInvitation{Name: name, Password: password})
	res, err := hc.Post(base+"/api/v1/public/invitations/"+token, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("accept the invitation: %d %s", res.StatusCode, b)
	}
	return hc
}

// sessionCookie is the browser's session cookie for base ("" when none).
func sessionCookie(t *testing.T, ctx context.Context, base string) string {
	t.Helper()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{base}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Cookies {
		if c.Name == "fd_session" {
			return c.Value
		}
	}
	return ""
}

// sessionStatus is what the server says of a session cookie.
func sessionStatus(t *testing.T, base, cookie string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/auth/session", nil)
	req.AddCookie(&http.Cookie{Name: "fd_session", Value: cookie})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestFirstRunJourney is a company's first hour: the server on an empty
// database prints its setup link; the admin sets up the organization in
// Chromium, copies the widget snippet from the getting-started card and
// invites a colleague; the invitation reaches the SMTP server; the
// colleague accepts, lands signed in, later forgets the password, resets
// it through the emailed link, and the old session is gone.
func TestFirstRunJourney(t *testing.T) {
	t.Parallel()
	m, smtp := startEmptyServer(t, nil)
	out := m.Stdout.(*syncWriter).String()
	setupURL := regexp.MustCompile(regexp.QuoteMeta(m.URL()) + `/setup/[A-Za-z0-9_-]{43}`).FindString(out)
	if !strings.Contains(out, "Frontdesk has no organization yet") || setupURL == "" {
		t.Fatalf("start-up output lacks the setup link:\n%s", out)
	}

	// The admin sets up the organization.
	ctx := browsertest.New(t)
	bypassCSP(t, ctx)
	step(t, ctx,
		chromedp.EmulateViewport(1440, 1000),
		chromedp.Navigate(setupURL),
		chromedp.WaitEnabled(chromedp.ID("signup-submit")),
		waitJS(`document.getElementById("su-zone").value !== ""`),
	)
	expectNoViolations(t, ctx, "a11y-setup", "window")
	step(t, ctx,
		chromedp.SendKeys(chromedp.ID("su-org"), "Velo Repairs"),
		chromedp.SendKeys(chromedp.ID("su-name"), "Ada Lovelace"),
		chromedp.SendKeys(chromedp.ID("su-email"), "ada@velo.test"),
		chromedp.SendKeys(chromedp.ID("su-password"), "password123"),
		adminSelect("su-lang", "en"),
		chromedp.Click(chromedp.ID("signup-submit")),
		chromedp.WaitVisible(chromedp.ID("su-password-error")),
	)
	if got := text(t, ctx, "su-password-error"); !strings.Contains(got, "too common") {
		t.Errorf("a common password: %q", got)
	}
	expectNoViolations(t, ctx, "a11y-setup-error", "window")
	step(t, ctx,
		adminFill("su-password", "two wheels and a bell"),
		chromedp.Click(chromedp.ID("signup-submit")),
		chromedp.WaitVisible(chromedp.ID("getting-started")),
		waitJS(`document.getElementById("agent-name").textContent === "Ada Lovelace"`),
		waitJS(`document.getElementById("getting-started-progress").textContent === "0 of 5 done"`),
	)
	expectNoViolations(t, ctx, "a11y-getting-started", "window")
	if res, err := http.Get(strings.Replace(setupURL, "/setup/", "/api/v1/setup/", 1)); err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("the used setup link answers %v, %v; want 404", res, err)
	}

	// The widget snippet, copied from the card; the try page embeds it.
	snippet := text(t, ctx, "gs-snippet")
	key := regexp.MustCompile(`data-frontdesk-widget="(wk_[A-Za-z0-9_-]+)"`).FindStringSubmatch(snippet)
	if !strings.Contains(snippet, m.URL()+"/widget.js") || key == nil {
		t.Fatalf("snippet = %q", snippet)
	}
	step(t, ctx,
		chromedp.Click(chromedp.ID("gs-snippet-copy")),
		waitJS(`document.getElementById("gs-step-widget").dataset.done === "true"`),
		waitJS(`document.getElementById("getting-started-progress").textContent === "1 of 5 done"`),
	)
	try := evalJS[string](t, ctx, `document.getElementById("gs-try").href`)
	res, err := http.Get(try)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(page), `data-frontdesk-widget="`+key[1]+`"`) {
		t.Errorf("try page %s: %d", try, res.StatusCode)
	}
	shot(t, ctx, "getting-started")

	// A colleague is invited from Settings → Agents, into Support.
	step(t, ctx,
		chromedp.Click(chromedp.ID("gs-invite-link")),
		waitJS(`location.pathname === "/settings/agents"`),
		chromedp.WaitVisible(chromedp.ID("agents-list")),
		chromedp.Click(chromedp.ID("agent-invite")),
		chromedp.WaitVisible(chromedp.ID("inv-email")),
		chromedp.SendKeys(chromedp.ID("inv-email"), "bea@velo.test"),
		chromedp.SendKeys(chromedp.ID("inv-name"), "Bea"),
		chromedp.Click(chromedp.CSS(`#inv-services input[type=checkbox]`)),
	)
	expectNoViolations(t, ctx, "a11y-invite", "window")
	step(t, ctx,
		chromedp.Click(chromedp.ID("invite-send")),
		waitJS(`document.getElementById("invitations-list")?.textContent.includes("bea@velo.test") === true`),
	)
	shot(t, ctx, "invited")
	invitation := waitMailTo(t, smtp, "bea@velo.test")
	if got := invitation.Subject(); got != "Ada Lovelace invited you to Velo Repairs on Frontdesk" {
		t.Errorf("invitation subject = %q", got)
	}
	inviteURL := linkIn(t, invitation)

	// The colleague, in a browser of her own, accepts and lands signed in.
	bea := browsertest.NewContext(t, ctx)
	bypassCSP(t, bea)
	step(t, bea,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(inviteURL),
		chromedp.WaitVisible(chromedp.ID("invite-form")),
	)
	if got := evalJS[string](t, bea, `document.getElementById("invite-name").value`); got != "Bea" {
		t.Errorf("the invitee's name is %q, want the admin's Bea", got)
	}
	expectNoViolations(t, bea, "a11y-invite-accept", "window")
	step(t, bea,
		adminFill("invite-name", "Bea Berg"),
		chromedp.SendKeys(chromedp.ID("invite-password"), "short"),
		chromedp.Click(chromedp.ID("invite-form-submit")),
		chromedp.WaitVisible(chromedp.ID("invite-password-error")),
	)
	expectNoViolations(t, bea, "a11y-invite-accept-error", "window")
	step(t, bea,
		chromedp.SendKeys(chromedp.ID("invite-password"), "green tea at noon"),
		chromedp.Click(chromedp.ID("invite-form-submit")),
		chromedp.WaitVisible(chromedp.ID("view-open")),
		waitJS(`document.getElementById("agent-name").textContent === "Bea Berg"`),
		waitJS(`document.getElementById("agent-org").textContent === "Velo Repairs"`),
	)
	// The link is used up, and says so.
	step(t, bea, chromedp.Navigate(inviteURL), chromedp.WaitVisible(chromedp.ID("page-title")))
	if got := text(t, bea, "page-title"); got != "This invitation has been used" {
		t.Errorf("the used invitation page says %q", got)
	}
	// The admin's list now has Bea, in Support.
	step(t, ctx,
		chromedp.Reload(),
		waitJS(`document.getElementById("agents-list")?.textContent.includes("Bea Berg") === true`),
		chromedp.WaitNotPresent(chromedp.ID("invitations-list")),
	)

	// Bea forgets her password: from the sign-in screen to the emailed
	// link, in another browser; the session she had is gone after.
	old := sessionCookie(t, bea, m.URL())
	if old == "" || sessionStatus(t, m.URL(), old) != http.StatusOK {
		t.Fatal("Bea has no live session before the reset")
	}
	other := browsertest.NewContext(t, ctx)
	bypassCSP(t, other)
	step(t, other,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(m.URL()+"/login"),
		chromedp.WaitEnabled(chromedp.ID("login-submit")),
		chromedp.Click(chromedp.ID("login-forgot")),
		chromedp.WaitVisible(chromedp.ID("forgot-form")),
		waitJS(`location.pathname === "/forgot"`),
	)
	expectNoViolations(t, other, "a11y-forgot", "window")
	step(t, other,
		chromedp.SendKeys(chromedp.ID("forgot-email"), "bea@velo.test"),
		chromedp.Click(chromedp.ID("forgot-form-submit")),
		chromedp.WaitVisible(chromedp.ID("page-message")),
	)
	if got := text(t, other, "page-message"); !strings.Contains(got, "bea@velo.test") {
		t.Errorf("after asking for a reset: %q", got)
	}
	resetURL := linkIn(t, waitMailWith(t, smtp, "bea@velo.test", "/reset/"))
	step(t, other,
		chromedp.Navigate(resetURL),
		chromedp.WaitVisible(chromedp.ID("reset-form")),
	)
	expectNoViolations(t, other, "a11y-reset", "window")
	step(t, other,
		chromedp.SendKeys(chromedp.ID("reset-password"), "qwerty12345"),
		chromedp.Click(chromedp.ID("reset-form-submit")),
		chromedp.WaitVisible(chromedp.ID("reset-password-error")),
		chromedp.SendKeys(chromedp.ID("reset-password"), "blue bicycle in the rain"),
		chromedp.Click(chromedp.ID("reset-form-submit")),
		chromedp.WaitVisible(chromedp.ID("page-action")),
	)
	if got := text(t, other, "page-title"); got != "Your password is changed" {
		t.Errorf("after the reset: %q", got)
	}
	if st := sessionStatus(t, m.URL(), old); st != http.StatusUnauthorized {
		t.Errorf("Bea's old session answers %d after the reset, want 401", st)
	}
	// Her old browser is sent to the sign-in screen; the link is used up.
	step(t, bea, chromedp.Navigate(m.URL()+"/"), chromedp.WaitVisible(chromedp.ID("login-email")))
	step(t, other, chromedp.Navigate(resetURL), chromedp.WaitVisible(chromedp.ID("page-title")))
	if got := text(t, other, "page-title"); got != "This link is not valid" {
		t.Errorf("the used reset link: %q", got)
	}
	expectNoViolations(t, other, "a11y-link-not-valid", "window")
	step(t, other,
		chromedp.Navigate(m.URL()+"/login"),
		chromedp.WaitEnabled(chromedp.ID("login-submit")),
		chromedp.SendKeys(chromedp.ID("login-email"), "bea@velo.test"),
		chromedp.SendKeys(chromedp.ID("login-password"), "blue bicycle in the rain"),
		chromedp.Click(chromedp.ID("login-submit")),
		waitJS(`document.getElementById("agent-name")?.textContent === "Bea Berg"`),
	)

	// Her profile and sessions: a new name shows at once; the sessions
	// list marks this browser; "Sign out everywhere else".
	step(t, other,
		chromedp.Click(chromedp.ID("nav-settings")),
		chromedp.WaitVisible(chromedp.ID("profile-name")),
	)
	expectNoViolations(t, other, "a11y-profile", "window")
	// A photo: the server keeps a square JPEG of it and the page shows it.
	photo := filepath.Join(t.TempDir(), "bea.png")
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(photo, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	step(t, other,
		chromedp.SetUploadFiles(chromedp.ID("profile-photo-file"), []string{photo}),
		waitJS(`document.getElementById("profile-avatar").tagName === "IMG" && document.getElementById("profile-avatar").getAttribute("src").startsWith("/photos/")`),
		waitJS(`document.getElementById("profile-avatar").naturalWidth === 256`),
	)
	step(t, other,
		adminFill("profile-name", "Bea Berg-Lund"),
		adminSelect("profile-language", "de"),
		chromedp.Click(chromedp.ID("profile-save")),
		waitJS(`document.getElementById("profile-status").textContent === "Saved."`),
		waitJS(`document.getElementById("agent-name").textContent === "Bea Berg-Lund"`),
		// The tabs are scrolled under the top bar: a click by script.
		runJS(`document.getElementById("settings-security").click()`),
		chromedp.WaitVisible(chromedp.ID("sessions-list")),
	)
	if got := text(t, other, "sessions-list"); !strings.Contains(got, "This browser") || !strings.Contains(got, "Chrome") {
		t.Errorf("sessions = %q", got)
	}
	expectNoViolations(t, other, "a11y-security", "window")
	shot(t, other, "security")
}

// TestSignupJourney is open sign-up: the sign-in screen offers it, the new
// admin lands signed in under a banner asking to confirm the address,
// Resend sends a new link, and following it lifts the banner.
func TestSignupJourney(t *testing.T) {
	t.Parallel()
	m, smtp := startEmptyServer(t, map[string]string{"FRONTDESK_SIGNUP": "open"})
	if out := m.Stdout.(*syncWriter).String(); strings.Contains(out, "/setup/") {
		t.Errorf("a server with open sign-up prints a setup link:\n%s", out)
	}
	ctx := browsertest.New(t)
	bypassCSP(t, ctx)
	step(t, ctx,
		chromedp.EmulateViewport(1440, 1000),
		chromedp.Navigate(m.URL()+"/login"),
		chromedp.WaitVisible(chromedp.ID("login-signup")),
		chromedp.Click(chromedp.ID("login-signup")),
		chromedp.WaitEnabled(chromedp.ID("signup-submit")),
	)
	expectNoViolations(t, ctx, "a11y-signup", "window")
	// Keyboard alone: the first field has focus; Tab moves on; Enter sends.
	step(t, ctx,
		waitJS(`document.activeElement?.id === "su-org"`),
		chromedp.KeyEvent("Hallo Tours"),
		press(kb.Tab, false),
		chromedp.KeyEvent("Hanna Huber"),
		press(kb.Tab, false),
		waitJS(`document.activeElement?.id === "su-email"`),
		chromedp.KeyEvent("hanna@tours.test"),
		press(kb.Tab, false),
		chromedp.KeyEvent("mountains and lakes"),
		adminSelect("su-lang", "de"),
		chromedp.Focus(chromedp.ID("su-password")),
		press(kb.Enter, false),
		chromedp.WaitVisible(chromedp.ID("verify-banner")),
	)
	expectNoViolations(t, ctx, "a11y-verify-banner", "window")
	first := linkIn(t, waitMailTo(t, smtp, "hanna@tours.test"))
	if !strings.Contains(first, "/verify/") || !strings.HasSuffix(first, "?lang=de") {
		t.Errorf("verification link = %q", first)
	}
	step(t, ctx,
		chromedp.Click(chromedp.ID("verify-resend")),
		waitJS(`document.getElementById("verify-status").textContent.startsWith("Sent")`),
	)
	var second string
	deadline := time.Now().Add(20 * time.Second)
	for second == "" && time.Now().Before(deadline) {
		if msgs := smtp.Messages(); len(msgs) >= 2 {
			second = linkIn(t, msgs[len(msgs)-1])
		} else {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if second == "" || second == first {
		t.Fatalf("no second verification link (%q)", second)
	}
	step(t, ctx, chromedp.Navigate(first), chromedp.WaitVisible(chromedp.ID("page-title")))
	if got := text(t, ctx, "page-title"); got != "Dieser Link ist ungültig" {
		t.Errorf("the link a resend replaced: %q", got)
	}
	step(t, ctx, chromedp.Navigate(second), chromedp.WaitVisible(chromedp.ID("page-action")))
	if got := text(t, ctx, "page-title"); got != "E-Mail-Adresse bestätigt" {
		t.Errorf("after verifying: %q", got)
	}
	expectNoViolations(t, ctx, "a11y-verified", "window")
	step(t, ctx,
		chromedp.Click(chromedp.ID("page-action")),
		chromedp.WaitVisible(chromedp.ID("view-open")),
		chromedp.WaitVisible(chromedp.ID("verify-none")),
	)
	// The same address cannot sign up again.
	body, _ := json.Marshal(model.SignupRequest{Organization: "Again", Name: "H", Email: "HANNA@tours.test", Password: "mountains and lakes", TimeZone: "UTC", Language: "en"})
	res, err := http.Post(m.URL()+"/api/v1/signup", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusConflict {
		t.Errorf("sign-up with a taken email: %d", res.StatusCode)
	}
}

// TestAdminCreateCommand: `frontdesk admin create` makes an organization
// and prints the link where its admin chooses a password.
func TestAdminCreateCommand(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": pgtest.DSN(t), "FRONTDESK_BASE_URL": "https://frontdesk.example.com"}
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer
	err := command(context.Background(), []string{"admin", "create", "--organization", "Acme", "--email", "ops@acme.test", "--name", "Olga Ops"}, getenv, &out)
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`https://frontdesk\.example\.com/reset/[A-Za-z0-9_-]{43}`).FindString(out.String())
	if !strings.Contains(out.String(), `Created organization "Acme" with admin Olga Ops <ops@acme.test>.`) || link == "" {
		t.Errorf("output:\n%s", out.String())
	}
	for _, args := range [][]string{
		{"admin", "create", "--organization", "Other", "--email", "OPS@acme.test", "--name", "X"},
		{"admin", "create", "--organization", "Other"},
		{"admin", "create", "--organization", "Other", "--email", "x@acme.test", "--name", "X", "--password", "secret"},
		{"admin", "remove"},
	} {
		out.Reset()
		if err := command(context.Background(), args, getenv, &out); err == nil {
			t.Errorf("%q succeeded:\n%s", args, out.String())
		}
	}
}

// TestDeactivationEndsSockets: an admin deactivating an agent signs them
// out at once, open sockets included; a socket whose session still holds
// is not affected.
func TestDeactivationEndsSockets(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dial := func(hc *http.Client) *websocket.Conn {
		t.Helper()
		u := strings.Replace(m.URL(), "http://", "ws://", 1) + "/ws/agent"
		c, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: hc, HTTPHeader: http.Header{"Origin": {m.URL()}}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.CloseNow() }) //nolint:errcheck
		return c
	}
	chiara := adminClient(t, m.URL(), "chiara@demo.frontdesk.test", seed.DemoPassword)
	ben := adminClient(t, m.URL(), "ben@demo.frontdesk.test", seed.DemoPassword)
	chiaraWS, benWS := dial(chiara), dial(ben)
	// Sockets are read all along (presence events arrive), as the app does.
	reader := func(c *websocket.Conn) <-chan error {
		done := make(chan error, 1)
		go func() {
			for {
				if _, _, err := c.Read(ctx); err != nil {
					done <- err
					return
				}
			}
		}()
		return done
	}
	closed := reader(chiaraWS)
	reader(benWS)

	admin := adminClient(t, m.URL(), "admin@demo.frontdesk.test", seed.DemoPassword)
	var s model.Session
	adminGet(t, admin, m.URL()+"/api/v1/auth/session", &s)
	req, _ := http.NewRequest(http.MethodDelete, m.URL()+"/api/v1/agents/"+fmt.Sprint(adminAgentID(t, m, "chiara@demo.frontdesk.test")), nil)
	req.Header.Set(model.CSRFHeader, s.CSRFToken)
	req.Header.Set("Origin", m.URL())
	res, err := admin.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("deactivate: %v %v", res, err)
	}
	res.Body.Close()
	select {
	case err := <-closed:
		if st := websocket.CloseStatus(err); st != 4000 {
			t.Errorf("Chiara's socket ended with %v, want the resume close (4000)", err)
		}
	case <-ctx.Done():
		t.Fatal("Chiara's socket stayed open after her deactivation")
	}
	// Reconnecting is refused: the session is gone.
	u := strings.Replace(m.URL(), "http://", "ws://", 1) + "/ws/agent"
	if _, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: chiara, HTTPHeader: http.Header{"Origin": {m.URL()}}}); err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("Chiara reconnects: %v, %v", resp, err)
	}
	// Ben's socket is still open: a ping answers.
	if err := benWS.Ping(ctx); err != nil {
		t.Errorf("Ben's socket: %v", err)
	}
}
