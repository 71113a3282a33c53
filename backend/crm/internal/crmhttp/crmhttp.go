// Package crmhttp holds the HTTP plumbing the CRM clients share: bounded
// reads, timeouts, Retry-After parsing, and turning transport failures into
// crm errors without leaking what should stay private.
package crmhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/backend/crm"
)

// DefaultTimeout bounds one request to a CRM when the config sets none.
const DefaultTimeout = 15 * time.Second

// maxBody caps what we read of a CRM's answer; ours are a few KiB.
const maxBody = 4 << 20

// NewClient returns the http.Client the providers use by default. It does
// not follow redirects: a CRM API that redirects is misconfigured (an http
// base URL, a login domain instead of an instance) and following would turn
// a POST into a GET.
func NewClient() *http.Client {
	return &http.Client{
		Timeout: 2 * DefaultTimeout, // backstop; each request has its own deadline
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Response is a CRM's answer, read in full.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends req with a deadline of timeout and reads the whole answer.
func Do(ctx context.Context, client *http.Client, timeout time.Duration, req *http.Request) (*Response, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	if len(body) > maxBody {
		return nil, errors.New("response larger than 4 MiB")
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// TransportError describes a request that got no answer. The cause is kept
// for logs without its URL: query strings carry guests' email addresses.
func TransportError(provider, display string, err error) *crm.Error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	msg := display + " could not be reached. Try again in a moment."
	if errors.Is(err, context.DeadlineExceeded) {
		msg = display + " did not answer in time. Try again in a moment."
	}
	return &crm.Error{Provider: provider, Kind: crm.Unavailable, Message: msg, Err: err}
}

// Unreadable describes a 2xx answer we could not decode.
func Unreadable(provider, display string, err error) *crm.Error {
	return &crm.Error{Provider: provider, Kind: crm.Unavailable, Message: display + " sent an answer Frontdesk could not read.", Err: err}
}

// Redirected describes a 3xx answer, which a CRM API only gives when the
// configured URL is wrong.
func Redirected(provider, display string, status int) *crm.Error {
	return &crm.Error{Provider: provider, Kind: crm.NotConfigured, Status: status,
		Message: display + " redirected the request: check the URL in the CRM settings (it must be the https API address)."}
}

// RetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
// It returns 0 when the header is absent or unreadable.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Redact removes secrets from text a CRM sent back before it becomes part
// of an error message; CRMs have been known to echo what they refused.
func Redact(s string, secrets ...string) string {
	for _, secret := range secrets {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

// Truncate shortens a CRM's message to n bytes at a rune boundary.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// BaseURL checks a configured API address and returns it without a
// trailing slash. It must be https, because tokens and client secrets
// travel to it; plain http is accepted for loopback only, for test fakes.
func BaseURL(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", false
	}
	switch u.Scheme {
	case "https":
	case "http":
		if h := u.Hostname(); h != "127.0.0.1" && h != "::1" && h != "localhost" {
			return "", false
		}
	default:
		return "", false
	}
	return strings.TrimRight(u.String(), "/"), true
}
