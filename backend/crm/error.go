package crm

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies a CRM failure by what the app should do about it.
type Kind string

const (
	// Unauthorized: the CRM refused the credentials or lacks a permission.
	// An admin must fix the settings; retrying does not help.
	Unauthorized Kind = "unauthorized"
	// RateLimited: the CRM asked us to slow down; retry after RetryAfter.
	RateLimited Kind = "rate_limited"
	// Validation: the CRM refused the data; Field names the culprit when
	// known. Retrying the same data does not help.
	Validation Kind = "validation"
	// Unavailable: the CRM failed (5xx), timed out or could not be reached.
	Unavailable Kind = "unavailable"
	// NotConfigured: the CRM settings are missing or point at the wrong
	// place (no token, unknown API version, flow not enabled).
	NotConfigured Kind = "not_configured"
)

// Error is the one error type providers return.
type Error struct {
	Provider string // "hubspot", "salesforce"; empty for checks made before any request
	Kind     Kind
	// Message is written for the person who clicked the button: human,
	// specific and safe to show. It never contains a token or secret.
	Message string
	// RetryAfter is how long the CRM asked us to wait; zero when it did not
	// say, in which case the caller's own backoff applies.
	RetryAfter time.Duration
	// Field is the lead field the CRM objected to (FieldEmail...), or the
	// CRM's own field name when it has no Frontdesk equivalent.
	Field string
	// Status is the CRM's HTTP status, 0 when no response arrived.
	Status int
	// Err is the underlying cause, for logs (a network error, say).
	Err error
}

func (e *Error) Error() string {
	s := string(e.Kind) + ": " + e.Message
	if e.Provider != "" {
		s = e.Provider + ": " + s
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether trying again later can succeed: rate limits,
// CRM outages and network failures can; refused credentials and refused
// data cannot.
func (e *Error) Temporary() bool {
	return e.Kind == RateLimited || e.Kind == Unavailable
}

// AsError reports whether err is (or wraps) an *Error and returns it.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// IsTemporary reports whether err is a temporary CRM failure. Errors that
// are not *Error are treated as permanent: they are programming errors.
func IsTemporary(err error) bool {
	e, ok := AsError(err)
	return ok && e.Temporary()
}

// Errorf builds an Error of a kind for a provider.
func Errorf(provider string, kind Kind, format string, args ...any) *Error {
	return &Error{Provider: provider, Kind: kind, Message: fmt.Sprintf(format, args...)}
}
