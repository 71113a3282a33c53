// Package rest is the JSON-over-HTTPS plumbing the Google and Microsoft
// calendar clients share: a bearer token from an OAuth token source, a
// deadline per request, bounded reads, and every failure turned into a
// *calendar.Error that says what to do about it.
package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/oauth"
)

// DefaultTimeout bounds one request when the client sets none.
const DefaultTimeout = 20 * time.Second

// maxBody caps one answer: a page of events is a few MiB at most, and a
// provider gone wrong must not exhaust memory.
const maxBody = 32 << 20

// NewHTTPClient is the default transport of the provider clients. It does
// not follow redirects: the APIs do not redirect, and following one would
// send the bearer token on to wherever it points.
func NewHTTPClient() *http.Client {
	return &http.Client{
		Timeout:       2 * DefaultTimeout, // backstop; each request has its own deadline
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Client sends requests for one connected account.
type Client struct {
	Provider calendar.Provider
	HTTP     *http.Client
	Tokens   oauth2.TokenSource
	Timeout  time.Duration
	// Refine reads a provider's error body to sharpen the kind and
	// message of a failed request (Google's reasons, Graph's codes). It
	// may change e in place.
	Refine func(e *calendar.Error, body []byte)
	Now    func() time.Time
}

// Request is one call.
type Request struct {
	Method string
	URL    string
	Header http.Header
	// Body, when not nil, is sent as JSON.
	Body any
	// Out, when not nil, receives the JSON answer of a 2xx status.
	Out any
	// What names the call in messages ("list calendars").
	What string
}

// Do sends r and returns the status. Any status outside 2xx is an error.
func (c *Client) Do(ctx context.Context, r Request) (int, error) {
	tok, err := c.Tokens.Token()
	if err != nil {
		return 0, c.tokenError(err)
	}
	var body io.Reader
	if r.Body != nil {
		b, err := json.Marshal(r.Body)
		if err != nil {
			return 0, fmt.Errorf("%s: encode %s: %w", c.Provider, r.What, err)
		}
		body = bytes.NewReader(b)
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, body)
	if err != nil {
		return 0, fmt.Errorf("%s: %s: %w", c.Provider, r.What, err)
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Frontdesk/1")
	if r.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := c.HTTP
	if hc == nil {
		hc = NewHTTPClient()
	}
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL may carry query details; the call is named instead
		}
		msg := "could not be reached"
		if errors.Is(err, context.DeadlineExceeded) {
			msg = "did not answer in time"
		}
		return 0, &calendar.Error{Provider: c.Provider, Kind: calendar.Unavailable, Message: fmt.Sprintf("%s %s (%s)", c.Provider.Title(), msg, r.What), Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return resp.StatusCode, &calendar.Error{Provider: c.Provider, Kind: calendar.Unavailable, Status: resp.StatusCode,
			Message: fmt.Sprintf("%s broke off its answer (%s)", c.Provider.Title(), r.What), Err: err}
	}
	if len(data) > maxBody {
		return resp.StatusCode, &calendar.Error{Provider: c.Provider, Kind: calendar.Malformed, Status: resp.StatusCode,
			Message: fmt.Sprintf("%s sent an answer larger than %d MiB (%s)", c.Provider.Title(), maxBody>>20, r.What)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, c.statusError(r, resp, data)
	}
	if r.Out != nil && resp.StatusCode != http.StatusNoContent {
		if err := json.Unmarshal(data, r.Out); err != nil {
			return resp.StatusCode, &calendar.Error{Provider: c.Provider, Kind: calendar.Malformed, Status: resp.StatusCode,
				Message: fmt.Sprintf("%s sent an answer Frontdesk could not read (%s)", c.Provider.Title(), r.What), Err: err}
		}
	}
	return resp.StatusCode, nil
}

// statusError classifies an error status, then lets the provider refine
// it from its error body.
func (c *Client) statusError(r Request, resp *http.Response, body []byte) *calendar.Error {
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	e := &calendar.Error{Provider: c.Provider, Status: resp.StatusCode, RetryAfter: calendar.RetryAfter(resp.Header, now)}
	title := c.Provider.Title()
	switch s := resp.StatusCode; {
	case s == http.StatusUnauthorized:
		e.Kind, e.Message = calendar.Unauthorized, title+" refused the access token ("+r.What+")"
	case s == http.StatusTooManyRequests:
		e.Kind, e.Message = calendar.RateLimited, title+" asked Frontdesk to slow down ("+r.What+")"
	case s == http.StatusNotFound || s == http.StatusGone:
		e.Kind, e.Message = calendar.NotFound, title+" has no such calendar or event ("+r.What+")"
	case s >= 500:
		e.Kind, e.Message = calendar.Unavailable, title+" failed on its side ("+r.What+")"
	case s == http.StatusForbidden:
		e.Kind, e.Message = calendar.Refused, title+" does not allow this ("+r.What+")"
	default:
		e.Kind, e.Message = calendar.Refused, title+" refused the request ("+r.What+")"
	}
	e.Err = fmt.Errorf("%s %s: HTTP %d", r.Method, r.What, resp.StatusCode)
	if c.Refine != nil {
		c.Refine(e, body)
	}
	return e
}

// tokenError turns a failed refresh into what the caller does next: a
// revoked or expired grant needs the agent; anything else is retried.
func (c *Client) tokenError(err error) error {
	title := c.Provider.Title()
	switch {
	case oauth.IsInvalidGrant(err):
		return &calendar.Error{Provider: c.Provider, Kind: calendar.Reconnect,
			Message: title + " no longer accepts Frontdesk's access: the permission was revoked or has expired", Err: err}
	case retrieveCode(err) == "unauthorized_client":
		// The grant belongs to another OAuth client: the admin replaced it.
		return &calendar.Error{Provider: c.Provider, Kind: calendar.Reconnect,
			Message: title + " was connected through an OAuth client Frontdesk no longer uses", Err: err}
	case retrieveCode(err) == "invalid_client":
		return &calendar.Error{Provider: c.Provider, Kind: calendar.Refused,
			Message: title + " refused Frontdesk's OAuth client; an admin should check Settings → Integrations", Err: err}
	}
	return &calendar.Error{Provider: c.Provider, Kind: calendar.Unavailable, Message: title + " could not renew the access token", Err: err}
}

// retrieveCode is the token endpoint's error code, if err carries one.
func retrieveCode(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}
