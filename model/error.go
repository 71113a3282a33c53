package model

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes are part of the public API: clients branch on them, so a code,
// once shipped, never changes meaning.
const (
	CodeInvalidJSON       = "invalid_json"
	CodeUnknownField      = "unknown_field"
	CodeBodyTooLarge      = "body_too_large"
	CodeUnsupportedMedia  = "unsupported_media_type"
	CodeValidation        = "validation_failed"
	CodeUnauthenticated   = "unauthenticated"
	CodeInvalidCredential = "invalid_credentials"
	CodeSessionExpired    = "session_expired"
	CodeCSRF              = "csrf_token_invalid"
	CodeCrossOrigin       = "cross_origin_forbidden"
	CodeForbidden         = "forbidden"
	CodeNotFound          = "not_found"
	CodeMethodNotAllowed  = "method_not_allowed"
	CodeConflict          = "conflict"
	CodeEmailTaken        = "email_taken"
	CodeSlugTaken         = "slug_taken"
	CodeNameTaken         = "name_taken"
	CodeRateLimited       = "rate_limited"
	CodeAccountDisabled   = "account_disabled"
	CodeLastAdmin         = "last_admin"
	CodeInternal          = "internal_error"
	CodeUnavailable       = "unavailable"

	CodeServiceNotAssignable = "service_not_assignable"
	CodeAssigneeNotEligible  = "assignee_not_eligible"
	CodeSlotTaken            = "slot_taken"
	CodeConversationClosed   = "conversation_closed"
	CodeContactExists        = "contact_exists"
	CodeCRMNotConfigured     = "crm_not_configured"
	CodeCRMUnauthorized      = "crm_unauthorized"
	CodeCRMUnavailable       = "crm_unavailable"
	CodeGuestWithoutEmail    = "guest_without_email"
)

// Error is the one error shape of the API:
//
//	{"error":{"code":"validation_failed","message":"…","fields":{"email":"…"}}}
//
// Status is the HTTP status it travels with; it is not serialised because
// the response line already carries it.
type Error struct {
	Status  int               `json:"-"`
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// ErrorResponse is the envelope an Error travels in.
type ErrorResponse struct {
	Error *Error `json:"error"`
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Code + ": " + e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, strings.Join(parts, "; "))
}

// Errorf builds an Error with the given HTTP status and code.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// AsError reports whether err is (or wraps) an *Error and returns it.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Fields collects per-field validation problems. Its zero value is ready to
// use; Err returns nil when nothing was added, so validation reads as a list
// of checks followed by one return.
type Fields map[string]string

// Add records msg for field unless the field already has a problem: the first
// problem found is the one worth telling the user.
func (f *Fields) Add(field, msg string) {
	if *f == nil {
		*f = Fields{}
	}
	if _, ok := (*f)[field]; !ok {
		(*f)[field] = msg
	}
}

// Err returns a 422 validation error listing the fields, or nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Status: 422, Code: CodeValidation, Message: "Some fields are not valid.", Fields: f}
}
