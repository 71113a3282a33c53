package caldav

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// What went wrong talking to a calendar server, worded for the agent who
// typed the URL, username and app password into the settings form. Errors
// from this package wrap one of these; test them with errors.Is.
var (
	ErrUnauthorized = errors.New("the calendar refused the username or app password")
	ErrForbidden    = errors.New("the calendar account is not allowed to use this calendar")
	ErrNotFound     = errors.New("no calendar at this URL")
	ErrNoCalendar   = errors.New("no calendar for events was found at this URL")
	ErrUnreachable  = errors.New("the calendar server could not be reached")
	ErrBadAccount   = errors.New("the calendar settings are incomplete")
	ErrServer       = errors.New("the calendar server answered with an error")
)

// maxResponse bounds what one answer may hold, so a misbehaving server
// cannot exhaust memory; a calendar-query over the booking horizon is far
// smaller.
const maxResponse = 32 << 20

// userAgent names us in the server's logs.
const userAgent = "Frontdesk-CalDAV/1"

// StatusError is an HTTP error status from the calendar server. Its message
// leaves out the server's body, which may echo request details.
type StatusError struct {
	Method string
	Code   int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%v (%s: HTTP %d %s)", e.reason(), e.Method, e.Code, http.StatusText(e.Code))
}

// Is maps the status to the errors the settings form explains.
func (e *StatusError) Is(target error) bool { return e.reason() == target }

func (e *StatusError) reason() error {
	switch e.Code {
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusNotFound, http.StatusGone:
		return ErrNotFound
	default:
		return ErrServer
	}
}

// networkError is a request that got no HTTP answer: DNS, connection,
// TLS or the timeout.
type networkError struct{ err error }

func (e *networkError) Error() string        { return fmt.Sprintf("%v: %v", ErrUnreachable, e.err) }
func (e *networkError) Unwrap() error        { return e.err }
func (e *networkError) Is(target error) bool { return target == ErrUnreachable }

// authClient is the webdav.HTTPClient every request goes through: it adds
// basic authentication, turns error statuses into StatusError (go-webdav's
// own error type is internal, so its code could not be read back) and caps
// the response size. The http.Client it wraps carries the timeout.
type authClient struct {
	http               *http.Client
	username, password string
}

func (c *authClient) Do(req *http.Request) (*http.Response, error) {
	req.SetBasicAuth(c.username, c.password)
	req.Header.Set("User-Agent", userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) && uerr.Err != nil {
			// url.Error repeats the method and URL, which the callers'
			// context already names; keep the cause and the timeout flag.
			err = fmt.Errorf("%s %s: %w", req.Method, redact(req.URL), uerr.Err)
		}
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return nil, err // the caller gave up: not the server's fault
		}
		return nil, &networkError{err}
	}
	if resp.StatusCode >= 400 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // keep the connection reusable
		resp.Body.Close()
		return nil, &StatusError{Method: req.Method, Code: resp.StatusCode}
	}
	resp.Body = &limitedBody{ReadCloser: resp.Body, left: maxResponse}
	return resp, nil
}

// redact drops any userinfo from u for messages.
func redact(u *url.URL) string {
	c := *u
	c.User = nil
	return c.String()
}

// limitedBody fails, rather than truncates, past its limit: a cut-off
// calendar could parse and silently lose busy time.
type limitedBody struct {
	io.ReadCloser
	left int64
}

var errTooLarge = fmt.Errorf("%w: the answer is larger than %d MiB", ErrServer, maxResponse>>20)

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One more byte tells a body of exactly the limit from a longer one.
		var one [1]byte
		if n, _ := b.ReadCloser.Read(one[:]); n > 0 {
			return 0, errTooLarge
		}
		return b.ReadCloser.Read(p)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}
