package oauth

import (
	"context"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// Tokens keeps the access tokens of stored grants in memory, so the jobs
// of one instance share a token until it expires instead of refreshing it
// each time. The refresh tokens themselves stay with the caller (sealed in
// the database); only access tokens, which live an hour, are kept here.
type Tokens struct {
	mu     sync.Mutex
	grants map[string]*grant
}

type grant struct {
	mu   sync.Mutex // one refresh at a time per grant
	tok  *oauth2.Token
	used time.Time
}

// maxGrants bounds the memory; past it, the grants unused longest are
// dropped and simply refresh again when next used.
const maxGrants = 10_000

// earlyExpiry refreshes a little before the provider's expiry, so a token
// does not run out between being handed out and being used.
const earlyExpiry = time.Minute

// Source returns the access tokens of the grant named key, whose refresh
// token is refresh. The key names one grant for as long as it lives —
// such as "google:agent:12:<when it was connected>" — so that a grant
// whose refresh token rotates keeps its access token, and a reconnected
// account never gets the access token of the grant it replaced. When the
// provider issues a new refresh token, rotated is called with it before
// the access token is handed out; its error fails the call, so the new
// token is never lost unnoticed.
func (t *Tokens) Source(ctx context.Context, key string, app *App, refresh string, rotated func(newRefresh string) error) oauth2.TokenSource {
	return &source{tokens: t, key: key, ctx: ctx, app: app, refresh: refresh, rotated: rotated}
}

// Forget drops the cached access token of the grant, after the provider
// refused it: the next use refreshes.
func (t *Tokens) Forget(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.grants, key)
}

func (t *Tokens) grant(key string) *grant {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.grants == nil {
		t.grants = make(map[string]*grant)
	}
	g := t.grants[key]
	if g == nil {
		if len(t.grants) >= maxGrants {
			t.evict()
		}
		g = &grant{}
		t.grants[key] = g
	}
	g.used = time.Now()
	return g
}

// evict drops the tenth of the grants used longest ago.
func (t *Tokens) evict() {
	cutoff := time.Now()
	for range 10 { // find an age that leaves ~90 %; coarse is fine
		n := 0
		for _, g := range t.grants {
			if g.used.Before(cutoff) {
				n++
			}
		}
		if n <= len(t.grants)/10 {
			break
		}
		cutoff = cutoff.Add(-time.Minute)
	}
	for k, g := range t.grants {
		if g.used.Before(cutoff) {
			delete(t.grants, k)
		}
	}
}

type source struct {
	tokens  *Tokens
	key     string
	ctx     context.Context
	app     *App
	refresh string
	rotated func(string) error
}

func (s *source) Token() (*oauth2.Token, error) {
	g := s.tokens.grant(s.key)
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.tok != nil && g.tok.AccessToken != "" && (g.tok.Expiry.IsZero() || time.Until(g.tok.Expiry) > earlyExpiry) {
		return g.tok, nil
	}
	tok, err := s.app.Refresh(s.ctx, s.refresh)
	if err != nil {
		return nil, err
	}
	if tok.RefreshToken != "" && tok.RefreshToken != s.refresh && s.rotated != nil {
		if err := s.rotated(tok.RefreshToken); err != nil {
			return nil, err
		}
	}
	g.tok = tok
	return tok, nil
}
