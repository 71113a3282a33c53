package calendar

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Kind sorts provider failures by what the caller does about them.
type Kind int

const (
	// Unavailable: the provider did not answer, or failed on its side.
	// Try again later.
	Unavailable Kind = iota
	// RateLimited: the provider asked to slow down; RetryAfter says for how
	// long when it did.
	RateLimited
	// Unauthorized: the access token was refused. Refresh it and try again.
	Unauthorized
	// Reconnect: the grant is revoked or expired (invalid_grant), or lacks
	// a permission Frontdesk needs. Only the agent can mend it, by
	// connecting again.
	Reconnect
	// NotFound: the calendar or event does not exist (any more).
	NotFound
	// Refused: the provider refused the request as it is (a read-only
	// calendar, an invalid event); repeating it cannot help.
	Refused
	// Malformed: the provider's answer could not be read.
	Malformed
)

func (k Kind) String() string {
	switch k {
	case Unavailable:
		return "unavailable"
	case RateLimited:
		return "rate_limited"
	case Unauthorized:
		return "unauthorized"
	case Reconnect:
		return "reconnect"
	case NotFound:
		return "not_found"
	case Refused:
		return "refused"
	case Malformed:
		return "malformed"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Error is a failure talking to a calendar provider.
type Error struct {
	Provider Provider
	Kind     Kind
	// Status is the HTTP status, 0 when there was no answer.
	Status int
	// RetryAfter is how long the provider asked to wait (Retry-After).
	RetryAfter time.Duration
	// Message is fit to show the agent; it never holds tokens.
	Message string
	// Err is the cause, for logs.
	Err error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %s (%s", e.Provider, e.Message, e.Kind)
	if e.Status != 0 {
		s += fmt.Sprintf(", HTTP %d", e.Status)
	}
	s += ")"
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// AsError finds an *Error in err's chain.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// IsKind reports whether err is an *Error of kind k.
func IsKind(err error, k Kind) bool {
	e, ok := AsError(err)
	return ok && e.Kind == k
}

// RetryAfter reads a Retry-After header: delay-seconds or an HTTP date. It
// returns 0 when the header is absent or unreadable, and caps the wait at
// a day, since a provider's clock or bug should not park a job for a year.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	var d time.Duration
	if secs, err := strconv.Atoi(v); err == nil {
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), 24*time.Hour)
}
