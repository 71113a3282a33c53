package oauth_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/frontdesk/frontdesk/backend/oauth"
)

// tokenServer answers refresh_token grants: each refresh issues a new
// access token valid for expiresIn seconds, and (rotate) a new refresh
// token; "revoked" is refused with invalid_grant.
type tokenServer struct {
	srv       *httptest.Server
	refreshes atomic.Int32
	expiresIn int
	rotate    bool
}

func newTokenServer(t *testing.T, expiresIn int, rotate bool) *tokenServer {
	ts := &tokenServer{expiresIn: expiresIn, rotate: rotate}
	ts.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		if r.PostForm.Get("client_id") != "id" || r.PostForm.Get("client_secret") != "secret" {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":"invalid_client"}`)
			return
		}
		if r.PostForm.Get("refresh_token") == "revoked" {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`)
			return
		}
		n := ts.refreshes.Add(1)
		next := ""
		if ts.rotate {
			next = fmt.Sprintf(`,"refresh_token":"rt-%d"`, n)
		}
		fmt.Fprintf(w, `{"access_token":"at-%d","token_type":"Bearer","expires_in":%d,"scope":"a b"%s}`, n, ts.expiresIn, next)
	}))
	t.Cleanup(ts.srv.Close)
	return ts
}

func (ts *tokenServer) app(secret string) *oauth.App {
	return &oauth.App{Config: oauth2.Config{ClientID: "id", ClientSecret: secret,
		Endpoint: oauth2.Endpoint{AuthURL: "https://auth.example/authorize", TokenURL: ts.srv.URL, AuthStyle: oauth2.AuthStyleInParams}}}
}

func TestAuthorize(t *testing.T) {
	app := &oauth.App{Config: oauth2.Config{ClientID: "id", RedirectURL: "https://fd.example/oauth/x/callback", Scopes: []string{"a", "b"},
		Endpoint: oauth2.Endpoint{AuthURL: "https://auth.example/authorize"}}, AuthParams: map[string]string{"access_type": "offline"}}
	a, err := app.Authorize()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := app.Authorize()
	u, _ := url.Parse(a.URL)
	q := u.Query()
	sum := sha256.Sum256([]byte(a.Verifier))
	if q.Get("state") != a.State || len(a.State) < 43 || a.State == b.State || a.Verifier == b.Verifier ||
		q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") != base64.RawURLEncoding.EncodeToString(sum[:]) ||
		q.Get("access_type") != "offline" || q.Get("scope") != "a b" || q.Get("response_type") != "code" || q.Get("redirect_uri") != app.Config.RedirectURL {
		t.Fatalf("authorization %+v", a)
	}
	if h := oauth.HashState(a.State); len(h) != 32 || string(h) == a.State {
		t.Fatal("the state hash")
	}
}

// One access token is shared until it nears its expiry, then refreshed
// once however many callers ask at the same time.
func TestTokensShareAndRefresh(t *testing.T) {
	ts := newTokenServer(t, 3600, false)
	var tokens oauth.Tokens
	src := tokens.Source(context.Background(), "google:agent:1", ts.app("secret"), "rt-0", nil)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if tok, err := src.Token(); err != nil || tok.AccessToken != "at-1" {
				t.Errorf("token %v %v", tok, err)
			}
		})
	}
	wg.Wait()
	if n := ts.refreshes.Load(); n != 1 {
		t.Fatalf("%d refreshes for 20 callers", n)
	}
	// Another source for the same grant shares it too; another grant does not.
	if tok, _ := tokens.Source(context.Background(), "google:agent:1", ts.app("secret"), "rt-0", nil).Token(); tok.AccessToken != "at-1" {
		t.Errorf("same grant: %s", tok.AccessToken)
	}
	if tok, _ := tokens.Source(context.Background(), "google:agent:1:reconnected", ts.app("secret"), "rt-other", nil).Token(); tok.AccessToken != "at-2" {
		t.Errorf("a reconnected grant got %s", tok.AccessToken)
	}
	tokens.Forget("google:agent:1")
	if tok, _ := src.Token(); tok.AccessToken != "at-3" {
		t.Errorf("after Forget: %s", tok.AccessToken)
	}
	// A token about to expire is refreshed before use.
	short := newTokenServer(t, 30, false)
	s2 := tokens.Source(context.Background(), "ms:agent:2", short.app("secret"), "rt-0", nil)
	s2.Token()
	s2.Token()
	if n := short.refreshes.Load(); n != 2 {
		t.Errorf("%d refreshes of a token expiring in 30 s, want one per use", n)
	}
}

func TestTokensRotateAndRefuse(t *testing.T) {
	ts := newTokenServer(t, 3600, true)
	var tokens oauth.Tokens
	var stored string
	src := tokens.Source(context.Background(), "ms:agent:1", ts.app("secret"), "rt-0", func(next string) error { stored = next; return nil })
	if _, err := src.Token(); err != nil || stored != "rt-1" {
		t.Fatalf("rotated refresh token %q, %v", stored, err)
	}
	// The next job opens the grant with the rotated token: same grant,
	// same access token, no refresh.
	if tok, err := tokens.Source(context.Background(), "ms:agent:1", ts.app("secret"), "rt-1", nil).Token(); err != nil || tok.AccessToken != "at-1" {
		t.Fatalf("after rotation: %v %v", tok, err)
	}
	failing := tokens.Source(context.Background(), "ms:agent:2", ts.app("secret"), "rt-0", func(string) error { return errors.New("disk full") })
	if _, err := failing.Token(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("a rotated token that cannot be stored: %v", err)
	}
	_, err := tokens.Source(context.Background(), "ms:agent:3", ts.app("secret"), "revoked", nil).Token()
	if !oauth.IsInvalidGrant(err) || oauth.Description(err) != "Token has been expired or revoked." {
		t.Fatalf("revoked grant: %v", err)
	}
	_, err = tokens.Source(context.Background(), "ms:agent:4", ts.app("wrong"), "rt-0", nil).Token()
	if err == nil || oauth.IsInvalidGrant(err) {
		t.Fatalf("wrong client secret: %v", err)
	}
	if oauth.IsInvalidGrant(errors.New("invalid_grant")) {
		t.Error("a plain error counts as invalid_grant")
	}
}

func TestScopes(t *testing.T) {
	tok := (&oauth2.Token{}).WithExtra(map[string]any{"scope": "  a  b\tc "})
	if got := oauth.Scopes(tok); strings.Join(got, ",") != "a,b,c" {
		t.Errorf("Scopes = %v", got)
	}
	if got := oauth.Scopes(&oauth2.Token{}); len(got) != 0 {
		t.Errorf("Scopes of a token without = %v", got)
	}
}
