// Package crm is what Frontdesk needs from a customer's CRM: find the
// company a guest belongs to, and file a guest as a lead with a link back to
// the conversation.
//
// Each CRM lives in its own subpackage (hubspot, salesforce) and implements
// Provider with plain net/http calls; adding a third CRM is one new package.
// Every failure a provider returns is a *Error whose Kind tells the app what
// to show and whether a retry can help; no error ever carries a secret.
//
// The clients do not retry on their own (the Salesforce client renews an
// expired session once, which is not a retry of the request's outcome): the
// app runs CreateLead from a job that retries Temporary errors with backoff,
// and the idempotency key makes those retries safe.
package crm

import (
	"context"
	"net/url"
	"regexp"
	"strings"
)

// Company is the organisation a guest belongs to, as the CRM knows it.
type Company struct {
	Name      string
	Domain    string
	RecordURL string // the record in the CRM's web app; empty when unknown
	RecordID  string
}

// Lead is what an agent sends to the CRM for a guest.
type Lead struct {
	Name            string
	Email           string
	Phone           string
	Company         string
	ConversationURL string // link back to the conversation in Frontdesk
	Note            string // free text the agent adds
}

// Record is the CRM record a lead ended up in.
type Record struct {
	ID  string
	URL string // the record in the CRM's web app
	// Created is false when an existing record was updated, or when an
	// earlier attempt with the same idempotency key had already filed it.
	Created bool
}

// Provider is one CRM.
type Provider interface {
	// Name is the provider's stable identifier: "hubspot" or "salesforce".
	Name() string
	// LookupCompany finds the company of the guest with this email address.
	// It returns nil, nil when the CRM does not know one.
	LookupCompany(ctx context.Context, email string) (*Company, error)
	// CreateLead files the guest in the CRM. Calls with the same
	// idempotencyKey file the lead once, however often they are repeated.
	CreateLead(ctx context.Context, l Lead, idempotencyKey string) (Record, error)
	// Check verifies the configuration and credentials ("Test connection").
	Check(ctx context.Context) error
}

// Lead field names, as the app's form calls them; Error.Field uses them.
const (
	FieldName            = "name"
	FieldEmail           = "email"
	FieldPhone           = "phone"
	FieldCompany         = "company"
	FieldConversationURL = "conversation_url"
	FieldNote            = "note"
)

// Limits a lead must fit before it is sent; both CRMs accept more, these
// keep a stray paste from turning into an unreadable record.
const (
	maxNameLen  = 200
	maxEmailLen = 80 // Salesforce's Lead.Email limit
	maxPhoneLen = 40 // Salesforce's Lead.Phone limit
	maxNoteLen  = 10000
	maxURLLen   = 2000
)

// Validate checks a lead before any request is made. The email is required:
// both providers find an existing record by it, which is what keeps a
// second lead for the same guest from becoming a duplicate. The
// conversation link must be an absolute http(s) URL because it ends up as a
// clickable link inside the CRM.
func (l Lead) Validate() error {
	switch {
	case strings.TrimSpace(l.Email) == "":
		return validation(FieldEmail, "The guest's email is needed to create a CRM lead.")
	case len(l.Email) > maxEmailLen || !ValidEmail(l.Email):
		return validation(FieldEmail, "The guest's email is not a valid address.")
	case len(l.Name) > maxNameLen:
		return validation(FieldName, "The name is too long.")
	case len(l.Company) > maxNameLen:
		return validation(FieldCompany, "The company name is too long.")
	case len(l.Phone) > maxPhoneLen:
		return validation(FieldPhone, "The phone number is too long.")
	case len(l.Note) > maxNoteLen:
		return validation(FieldNote, "The note is too long.")
	}
	if l.ConversationURL != "" {
		u, err := url.Parse(l.ConversationURL)
		if err != nil || len(l.ConversationURL) > maxURLLen || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return validation(FieldConversationURL, "The conversation link is not a valid web address.")
		}
	}
	return nil
}

// keyPattern restricts idempotency keys to characters that need no escaping
// in HTML, SOQL or JSON, so a key can be embedded in a record and found
// again by a plain substring search.
var keyPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,100}$`)

// ValidateKey checks an idempotency key.
func ValidateKey(key string) error {
	if !keyPattern.MatchString(key) {
		return &Error{Kind: Validation, Message: "The request has no valid idempotency key (1-100 letters, digits, '.', '_', ':' or '-')."}
	}
	return nil
}

// KeyMarker is how a provider embeds an idempotency key in the text of a
// record it creates. The brackets delimit the key so that "abc" never
// matches a record made for "abcd".
func KeyMarker(key string) string { return "[frontdesk:" + key + "]" }

func validation(field, msg string) *Error {
	return &Error{Kind: Validation, Field: field, Message: msg}
}
