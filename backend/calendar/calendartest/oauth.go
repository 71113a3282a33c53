package calendartest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// authServer is the OAuth 2.0 authorization server part of a fake: the
// consent page, the token endpoint, and the access tokens the API checks.
type authServer struct {
	ms           bool // Microsoft's wording and rules, else Google's
	ClientID     string
	ClientSecret string
	scopes       []string // every scope the consent page knows
	accessTTL    time.Duration

	mu           sync.Mutex
	redirectURIs map[string]bool
	accounts     []string
	signIn       string
	pending      map[string]*authRequest
	codes        map[string]*authCode
	grants       map[string]*grant // by refresh token
	access       map[string]*accessToken
	exchanges    []Exchange
}

// authRequest is an authorization request waiting on the consent page.
type authRequest struct {
	redirectURI, state, challenge string
	scopes                        []string
	offline                       bool
}

type authCode struct {
	authRequest
	account string
	scopes  []string
	expires time.Time
	used    bool
}

type grant struct {
	account string
	scopes  []string
	refresh string
	revoked bool
}

type accessToken struct {
	grant   *grant
	expires time.Time
}

// Exchange records one successful token request, for tests to inspect.
type Exchange struct {
	GrantType string
	PKCE      bool // a code_verifier matched the code's challenge
	Account   string
}

// Consent is what a simulated user does on the consent page.
type Consent struct {
	// Account signs in; default the account chosen with SignInAs, or the
	// first one added.
	Account string
	// Scopes are the boxes left ticked; nil keeps every scope asked for.
	Scopes []string
	// Deny presses Cancel instead of Allow.
	Deny bool
}

func newAuthServer(ms bool, scopes []string) *authServer {
	return &authServer{
		ms: ms, ClientID: randomHex(12) + ".apps.test", ClientSecret: randomToken(24), scopes: scopes,
		accessTTL:    time.Hour,
		redirectURIs: map[string]bool{}, pending: map[string]*authRequest{}, codes: map[string]*authCode{},
		grants: map[string]*grant{}, access: map[string]*accessToken{},
	}
}

// RegisterRedirectURI allows a redirect URI, as registering it in the
// Google Cloud console or Microsoft Entra does.
func (a *authServer) RegisterRedirectURI(uri string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.redirectURIs[uri] = true
}

// SignInAs chooses the account the consent page signs in with.
func (a *authServer) SignInAs(account string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.signIn = account
}

func (a *authServer) addAccount(email string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.accounts = append(a.accounts, email)
}

// RevokeGrants revokes every grant of an account, as the user removing
// Frontdesk's access does: refreshing fails with invalid_grant and the
// access tokens stop working.
func (a *authServer) RevokeGrants(account string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, g := range a.grants {
		if g.account == account {
			g.revoked = true
		}
	}
}

// ExpireAccessTokens makes every access token expired, so the next API
// call is refused with 401 until the client refreshes.
func (a *authServer) ExpireAccessTokens() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, t := range a.access {
		t.expires = time.Now().Add(-time.Second)
	}
}

// Exchanges returns the token requests that succeeded.
func (a *authServer) Exchanges() []Exchange {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Exchange(nil), a.exchanges...)
}

var consentPage = template.Must(template.New("consent").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in – {{.Service}}</title></head>
<body>
<h1 id="consent-title">Frontdesk wants to access your {{.Service}} account</h1>
<form method="post" action="{{.Action}}">
<input type="hidden" name="pending" value="{{.Pending}}">
<p><label for="account">Account</label>
<select id="account" name="account">{{range .Accounts}}<option value="{{.}}"{{if eq . $.SignIn}} selected{{end}}>{{.}}</option>{{end}}</select></p>
<fieldset><legend>Frontdesk will be able to</legend>
{{range $i, $s := .Scopes}}<p><input type="checkbox" id="scope-{{$i}}" name="scope" value="{{$s}}" checked> <label for="scope-{{$i}}">{{$s}}</label></p>
{{end}}</fieldset>
<button type="submit" id="deny" name="decision" value="deny">Cancel</button>
<button type="submit" id="allow" name="decision" value="allow">Allow</button>
</form>
</body></html>
`))

// authorize serves the authorization endpoint: it checks the request the
// way the real one does before showing anything, and never redirects to
// an unregistered URI.
func (a *authServer) authorize(w http.ResponseWriter, r *http.Request, decideAction string) {
	q := r.URL.Query()
	service := "Google"
	if a.ms {
		service = "Microsoft"
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if q.Get("client_id") != a.ClientID {
		a.errorPage(w, http.StatusUnauthorized, "invalid_client", "The OAuth client was not found.")
		return
	}
	redirect := q.Get("redirect_uri")
	if !a.redirectURIs[redirect] {
		a.errorPage(w, http.StatusBadRequest, "redirect_uri_mismatch", "The redirect URI in the request, "+redirect+", does not match the ones registered for the client.")
		return
	}
	if q.Get("response_type") != "code" {
		a.errorPage(w, http.StatusBadRequest, "unsupported_response_type", "response_type must be code.")
		return
	}
	challenge := q.Get("code_challenge")
	if challenge != "" && q.Get("code_challenge_method") != "S256" {
		a.errorPage(w, http.StatusBadRequest, "invalid_request", "code_challenge_method must be S256.")
		return
	}
	scopes := strings.Fields(q.Get("scope"))
	if len(scopes) == 0 {
		a.errorPage(w, http.StatusBadRequest, "invalid_scope", "Missing required parameter: scope.")
		return
	}
	for _, s := range scopes {
		if !slices.Contains(a.scopes, s) {
			a.errorPage(w, http.StatusBadRequest, "invalid_scope", "Some requested scopes were invalid: "+s)
			return
		}
	}
	req := &authRequest{redirectURI: redirect, state: q.Get("state"), challenge: challenge}
	if a.ms {
		req.offline = slices.Contains(scopes, "offline_access")
		scopes = slices.DeleteFunc(slices.Clone(scopes), func(s string) bool { return s == "offline_access" })
	} else {
		req.offline = q.Get("access_type") == "offline"
	}
	req.scopes = scopes
	id := randomToken(16)
	a.pending[id] = req
	signIn := a.signIn
	if signIn == "" && len(a.accounts) > 0 {
		signIn = a.accounts[0]
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = consentPage.Execute(w, map[string]any{"Service": service, "Action": decideAction, "Pending": id,
		"Accounts": a.accounts, "SignIn": signIn, "Scopes": scopes})
}

func (a *authServer) errorPage(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!DOCTYPE html><title>Error</title><h1 id=\"oauth-error\">Error %d: %s</h1><p>%s</p>", status, template.HTMLEscapeString(code), template.HTMLEscapeString(msg))
}

// decide is the consent page's form: Allow issues a code for the ticked
// scopes and redirects back; Cancel redirects back with access_denied.
func (a *authServer) decide(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		a.errorPage(w, http.StatusBadRequest, "invalid_request", "unreadable form")
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	req, ok := a.pending[r.PostForm.Get("pending")]
	if !ok {
		a.errorPage(w, http.StatusBadRequest, "invalid_request", "This sign-in has already been used or has expired.")
		return
	}
	delete(a.pending, r.PostForm.Get("pending"))
	back, _ := url.Parse(req.redirectURI)
	v := back.Query()
	v.Set("state", req.state)
	if r.PostForm.Get("decision") != "allow" {
		v.Set("error", "access_denied")
		if a.ms {
			v.Set("error_description", "AADSTS65004: User declined to consent to access the app.")
		}
		back.RawQuery = v.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
		return
	}
	account := r.PostForm.Get("account")
	if !slices.Contains(a.accounts, account) {
		a.errorPage(w, http.StatusBadRequest, "invalid_request", "unknown account")
		return
	}
	var granted []string
	for _, s := range r.PostForm["scope"] {
		if slices.Contains(req.scopes, s) {
			granted = append(granted, s)
		}
	}
	code := "4/" + randomToken(32)
	a.codes[code] = &authCode{authRequest: *req, account: account, scopes: granted, expires: time.Now().Add(10 * time.Minute)}
	v.Set("code", code)
	if !a.ms {
		v.Set("scope", strings.Join(granted, " "))
	}
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// tokenError answers the token endpoint's refusal in the service's shape.
func (a *authServer) tokenError(w http.ResponseWriter, status int, code, desc string) {
	body := map[string]any{"error": code, "error_description": desc}
	if a.ms {
		body["error_codes"] = []int{70000}
		body["timestamp"] = time.Now().UTC().Format("2006-01-02 15:04:05Z")
		body["trace_id"], body["correlation_id"] = uuid(), uuid()
	}
	writeJSON(w, status, body)
}

// token serves the token endpoint: authorization_code (with PKCE) and
// refresh_token grants.
func (a *authServer) token(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		a.tokenError(w, http.StatusBadRequest, "invalid_request", "The request body must be application/x-www-form-urlencoded.")
		return
	}
	if err := r.ParseForm(); err != nil {
		a.tokenError(w, http.StatusBadRequest, "invalid_request", "unreadable form")
		return
	}
	f := r.PostForm
	id, secret := f.Get("client_id"), f.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = u, p
	}
	if id != a.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(a.ClientSecret)) != 1 {
		a.tokenError(w, http.StatusUnauthorized, "invalid_client", "The OAuth client was not found or its secret is wrong.")
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	switch f.Get("grant_type") {
	case "authorization_code":
		c, ok := a.codes[f.Get("code")]
		switch {
		case !ok || c.used || time.Now().After(c.expires):
			if ok && c.used {
				// RFC 6749 10.5: a code used twice revokes what it gave.
				for _, g := range a.grants {
					if g.account == c.account {
						g.revoked = true
					}
				}
			}
			a.tokenError(w, http.StatusBadRequest, "invalid_grant", "Malformed auth code, or it was already used or has expired.")
			return
		case f.Get("redirect_uri") != c.redirectURI:
			a.tokenError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri does not match the authorization request.")
			return
		case c.challenge != "" && s256(f.Get("code_verifier")) != c.challenge:
			a.tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid code verifier.")
			return
		case c.challenge == "" && f.Get("code_verifier") != "":
			a.tokenError(w, http.StatusBadRequest, "invalid_request", "code_verifier without a code_challenge.")
			return
		}
		c.used = true
		g := &grant{account: c.account, scopes: c.scopes}
		resp := a.issue(g)
		if c.offline {
			g.refresh = "1//" + randomToken(32)
			a.grants[g.refresh] = g
			resp["refresh_token"] = g.refresh
		}
		a.exchanges = append(a.exchanges, Exchange{GrantType: "authorization_code", PKCE: c.challenge != "", Account: c.account})
		writeJSON(w, http.StatusOK, resp)
	case "refresh_token":
		g, ok := a.grants[f.Get("refresh_token")]
		if !ok || g.revoked {
			desc := "Token has been expired or revoked."
			if a.ms {
				desc = "AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed."
			}
			a.tokenError(w, http.StatusBadRequest, "invalid_grant", desc)
			return
		}
		resp := a.issue(g)
		if a.ms {
			// Microsoft hands out a new refresh token each time; the old
			// one keeps working until it expires.
			next := &grant{account: g.account, scopes: g.scopes, refresh: "1//" + randomToken(32)}
			a.grants[next.refresh] = next
			resp["refresh_token"] = next.refresh
		}
		a.exchanges = append(a.exchanges, Exchange{GrantType: "refresh_token", Account: g.account})
		writeJSON(w, http.StatusOK, resp)
	default:
		a.tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: "+f.Get("grant_type"))
	}
}

// issue makes an access token for g; mu is held.
func (a *authServer) issue(g *grant) map[string]any {
	tok := "ya29." + randomToken(32)
	a.access[tok] = &accessToken{grant: g, expires: time.Now().Add(a.accessTTL)}
	scope := strings.Join(g.scopes, " ")
	return map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": int(a.accessTTL / time.Second), "scope": scope}
}

// bearer finds the grant of a request's access token; ok is false for a
// missing, unknown, expired or revoked one.
func (a *authServer) bearer(r *http.Request) (*grant, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return nil, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	t, ok := a.access[tok]
	if !ok || time.Now().After(t.expires) || t.grant.revoked {
		return nil, false
	}
	return t.grant, true
}

func s256(verifier string) string {
	h := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

var pendingField = regexp.MustCompile(`name="pending" value="([^"]+)"`)

// authorizeAs walks the consent page as a browser would and returns the
// URL the provider redirects back to, without following it.
func (a *authServer) authorizeAs(t testing.TB, authURL, decidePath string, c Consent) string {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 10 * time.Second}
	resp, err := noFollow.Get(authURL)
	if err != nil {
		t.Fatalf("consent page: %v", err)
	}
	page := readAll(resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("consent page: HTTP %d: %s", resp.StatusCode, page)
	}
	m := pendingField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("consent page without a pending request:\n%s", page)
	}
	a.mu.Lock()
	req := a.pending[m[1]]
	account := c.Account
	if account == "" {
		account = a.signIn
	}
	if account == "" && len(a.accounts) > 0 {
		account = a.accounts[0]
	}
	a.mu.Unlock()
	form := url.Values{"pending": {m[1]}, "account": {account}, "decision": {"allow"}}
	if c.Deny {
		form.Set("decision", "deny")
	}
	scopes := c.Scopes
	if scopes == nil && req != nil {
		scopes = req.scopes
	}
	form["scope"] = scopes
	base, _ := url.Parse(authURL)
	base.Path, base.RawQuery = decidePath, ""
	resp, err = noFollow.PostForm(base.String(), form)
	if err != nil {
		t.Fatalf("consent decision: %v", err)
	}
	body := readAll(resp)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("consent decision: HTTP %d: %s", resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

func readAll(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return string(b)
}
