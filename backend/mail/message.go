// Package mail sends Frontdesk's email notifications through SMTP, as River
// jobs, so that each one is queued in the transaction that causes it and
// retried until the SMTP server takes it.
//
// A caller builds a Message (HTMLBody and TextBody help, invite builds the
// calendar) and calls Enqueue in its transaction; EmailWorker sends it once
// the transaction has committed.
package mail

import (
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"unicode"

	"github.com/frontdesk/frontdesk/backend/invite"
)

// Address is a mailbox: an email address and an optional display name.
type Address struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"`
}

// Message is one email. It travels as JSON in a job's arguments, so it holds
// rendered content rather than templates.
//
// Send one Message per recipient when recipients should not see each other
// or when one refused address must not hold back the others: the SMTP
// server takes or refuses a message as a whole.
type Message struct {
	To      []Address `json:"to"`
	ReplyTo *Address  `json:"reply_to,omitempty"`
	Subject string    `json:"subject"`
	Text    string    `json:"text,omitempty"`
	HTML    string    `json:"html,omitempty"`
	// Calendar is an iCalendar object (see package invite), sent both as
	// a text/calendar alternative, which makes mail clients offer accept
	// and decline, and as an invite.ics attachment.
	Calendar []byte `json:"calendar,omitempty"`
	// CalendarMethod is the calendar's iTIP METHOD (REQUEST, CANCEL...);
	// when empty it is read from Calendar.
	CalendarMethod string `json:"calendar_method,omitempty"`
	// Invite names the meeting version the calendar part carries, so that
	// an older version never goes out after a newer one to the same person
	// (see InOrder). Messages carrying an invite have one recipient.
	Invite *InviteVersion `json:"invite,omitempty"`
	// ID is the Message-ID without angle brackets. EmailWorker fills it
	// from the job so that a retried message keeps its ID and receivers
	// can recognise a duplicate.
	ID string `json:"id,omitempty"`
}

// InviteVersion is a meeting's iCalendar UID and SEQUENCE.
type InviteVersion struct {
	UID      string `json:"uid"`
	Sequence int    `json:"sequence"`
}

// ErrInvalidMessage marks a message that can never be sent as it is.
var ErrInvalidMessage = errors.New("invalid message")

// Validate reports the first problem that would keep m from being sent.
func (m Message) Validate() error {
	if err := m.validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidMessage, err)
	}
	return nil
}

func (m Message) validate() error {
	if len(m.To) == 0 {
		return errors.New("no recipient")
	}
	for _, a := range m.To {
		if err := a.validate(); err != nil {
			return fmt.Errorf("recipient: %w", err)
		}
	}
	if m.ReplyTo != nil {
		if err := m.ReplyTo.validate(); err != nil {
			return fmt.Errorf("reply-to: %w", err)
		}
	}
	if strings.TrimSpace(m.Subject) == "" {
		return errors.New("no subject")
	}
	if hasControl(m.Subject) {
		return errors.New("subject contains control characters")
	}
	if m.Text == "" && m.HTML == "" {
		return errors.New("no body")
	}
	if len(m.Calendar) > 0 {
		if _, err := m.calendarMethod(); err != nil {
			return err
		}
	}
	if hasControl(m.ID) || strings.ContainsAny(m.ID, "<> ") {
		return fmt.Errorf("message ID %q is malformed", m.ID)
	}
	return nil
}

// calendarMethod is the METHOD parameter of the text/calendar part.
func (m Message) calendarMethod() (string, error) {
	method := m.CalendarMethod
	if method == "" {
		parsed, _, err := invite.Parse(m.Calendar)
		if err != nil {
			return "", fmt.Errorf("calendar: %w", err)
		}
		method = parsed
	}
	switch method {
	case invite.MethodRequest, invite.MethodCancel, invite.MethodPublish:
		return method, nil
	}
	return "", fmt.Errorf("calendar method %q: want REQUEST, CANCEL or PUBLISH", method)
}

func (a Address) validate() error {
	if hasControl(a.Name) {
		return fmt.Errorf("name of %s contains control characters", a.Email)
	}
	parsed, err := netmail.ParseAddress(a.Email)
	if err != nil || parsed.Address != a.Email {
		return fmt.Errorf("%q is not an email address", a.Email)
	}
	return nil
}

func (a Address) mailAddress() *netmail.Address {
	return &netmail.Address{Name: a.Name, Address: a.Email}
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}
