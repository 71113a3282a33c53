// Package oauth connects agents' outside accounts (Google, Microsoft) with
// OAuth 2.0: the authorization-code flow with PKCE and state (RFC 6749,
// RFC 7636), the scopes actually granted, and access tokens refreshed from
// a stored refresh token, shared by every job that needs them. It is a thin
// layer over golang.org/x/oauth2; what is particular to a provider
// (endpoints, scopes, extra parameters) comes from its package.
package oauth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// App is an OAuth client an admin registered with a provider.
type App struct {
	// Config holds the client id and secret, endpoints, redirect URL and
	// the scopes to ask for.
	Config oauth2.Config
	// AuthParams are extra parameters of the authorization URL, such as
	// Google's access_type=offline.
	AuthParams map[string]string
	// HTTP carries the token requests; nil means a client with a 15 s
	// timeout.
	HTTP *http.Client
}

// Authorization is a started authorization: send the browser to URL, and
// keep State and Verifier (secretly) until the provider redirects back.
type Authorization struct {
	URL      string
	State    string
	Verifier string
}

// stateBytes of randomness make a state nobody can guess (256 bits).
const stateBytes = 32

// Authorize starts the authorization-code flow with PKCE (S256).
func (a *App) Authorize() (Authorization, error) {
	b := make([]byte, stateBytes)
	if _, err := rand.Read(b); err != nil {
		return Authorization{}, fmt.Errorf("oauth: state: %w", err)
	}
	state := base64.RawURLEncoding.EncodeToString(b)
	verifier := oauth2.GenerateVerifier()
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	for k, v := range a.AuthParams {
		opts = append(opts, oauth2.SetAuthURLParam(k, v))
	}
	return Authorization{URL: a.Config.AuthCodeURL(state, opts...), State: state, Verifier: verifier}, nil
}

// HashState is how a state is stored: a leaked table of pending states
// must not let anyone complete them.
func HashState(state string) []byte {
	h := sha256.Sum256([]byte(state))
	return h[:]
}

// Exchange trades the code the provider sent back for tokens.
func (a *App) Exchange(ctx context.Context, code, verifier string) (*oauth2.Token, error) {
	tok, err := a.Config.Exchange(a.context(ctx), code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("oauth: exchange code: %w", err)
	}
	return tok, nil
}

// Refresh gets a new access token with a refresh token. The answer may
// carry a new refresh token (Microsoft rotates them).
func (a *App) Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error) {
	tok, err := a.Config.TokenSource(a.context(ctx), &oauth2.Token{RefreshToken: refreshToken}).Token()
	if err != nil {
		return nil, fmt.Errorf("oauth: refresh: %w", err)
	}
	return tok, nil
}

func (a *App) context(ctx context.Context) context.Context {
	hc := a.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	return context.WithValue(ctx, oauth2.HTTPClient, hc)
}

// Scopes are the scopes a token response says were granted (RFC 6749
// 5.1 "scope"), which may be fewer than asked for: Google lets the user
// untick them one by one.
func Scopes(tok *oauth2.Token) []string {
	s, _ := tok.Extra("scope").(string)
	return strings.Fields(s)
}

// IsInvalidGrant reports whether the token endpoint refused a code or
// refresh token as invalid, expired or revoked: the agent has to connect
// again.
func IsInvalidGrant(err error) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.ErrorCode == "invalid_grant"
}

// Description is the token endpoint's own explanation of a refusal, for
// logs and the agent.
func Description(err error) string {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return ""
	}
	if re.ErrorDescription != "" {
		return re.ErrorDescription
	}
	return re.ErrorCode
}
