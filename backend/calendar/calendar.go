// Package calendar is what Frontdesk knows about agents' own calendars,
// whoever hosts them: the meeting it writes there (Event), the busy time it
// reads back (Busy, honouring the agent's answer to invitations), and Conn,
// the interface each provider package implements for one connected account.
//
// The providers are caldav (iCloud, Fastmail, Nextcloud… with an app
// password), google (Google Calendar API v3) and microsoft (Microsoft Graph
// v1.0), the last two connected with OAuth (package oauth). Package calsync
// drives them: it writes meetings as jobs, keeps each agent's busy time in
// Frontdesk's own store and follows the providers' change notifications.
//
// # The busy rule
//
// An event in an agent's calendar takes the agent's time only when it is
// not shown as free (transparent), not cancelled, and the agent organises
// it, is not among its attendees, or has accepted it ("Yes"). Invitations
// still awaiting an answer, answered "maybe" or declined leave the time
// free, as the product's user guide says of Google Calendar. Frontdesk's own
// meetings are left out: the booking service counts them from its records.
package calendar

import (
	"context"
	"time"
)

// Provider names a kind of calendar service.
type Provider string

// The providers an agent can connect.
const (
	CalDAV    Provider = "caldav"
	Google    Provider = "google"
	Microsoft Provider = "microsoft"
)

// Valid reports whether p is one of the providers above.
func (p Provider) Valid() bool { return p == CalDAV || p == Google || p == Microsoft }

// Title is how the agent app names the provider.
func (p Provider) Title() string {
	switch p {
	case Google:
		return "Google Calendar"
	case Microsoft:
		return "Microsoft 365"
	case CalDAV:
		return "CalDAV calendar"
	}
	return string(p)
}

// Event is a meeting as Frontdesk writes it into an agent's calendar.
type Event struct {
	// UID is the meeting's iCalendar UID, the same as in the invitation
	// emails. Providers derive their own event ids from it so that a
	// retried write finds the event the first attempt made.
	UID string
	// Sequence is bumped by Frontdesk on every change.
	Sequence int
	// Start and End are instants; TimeZone is the meeting's IANA zone, for
	// providers that show events in the zone they were made in.
	Start, End time.Time
	TimeZone   string
	Summary    string
	// Description is plain text; it carries the conversation link.
	Description string
	// URL is the conversation's address.
	URL string
	// Location is where the meeting takes place, as text (an address, a
	// phone number or a link); empty for none.
	Location                      string
	OrganizerName, OrganizerEmail string
	// Attendees are the guests. Providers that would email them an
	// invitation of their own leave them out of the event and name them in
	// the description instead: Frontdesk's emails are the invitations.
	Attendees []Attendee
}

// Attendee is a meeting participant.
type Attendee struct {
	Name, Email string
}

// GuestLine is the attendees in one line of text, for providers that
// cannot list them without inviting them.
func (e Event) GuestLine() string {
	line := ""
	for i, a := range e.Attendees {
		if i > 0 {
			line += ", "
		}
		switch {
		case a.Name != "" && a.Email != "":
			line += a.Name + " <" + a.Email + ">"
		case a.Email != "":
			line += a.Email
		default:
			line += a.Name
		}
	}
	return line
}

// Info describes one calendar of a connected account.
type Info struct {
	// ID is the provider's id of the calendar.
	ID   string
	Name string
	// Primary is the account's main calendar: where meetings go and what
	// counts as busy unless the agent chooses otherwise.
	Primary bool
	// Writable says whether Frontdesk may add events to it.
	Writable bool
	// TimeZone is the calendar's IANA zone, when the provider says.
	TimeZone string
	// Owner is the address of the account that owns the calendar, when
	// the provider says; the primary calendar's owner names the account.
	Owner string
}

// Window is the span of time whose busy time Frontdesk keeps.
type Window struct {
	From, To time.Time
}

// Changes is what one sync of a calendar learned.
type Changes struct {
	// Full means Busy is everything in the window: whatever was stored for
	// the calendar before is replaced. Otherwise Busy holds only the events
	// that changed since the cursor.
	Full bool
	Busy []Busy
	// Cursor is handed to the next Changes call: Google's sync token,
	// Graph's delta link. Empty when the provider has none (CalDAV), so
	// every sync is a full one.
	Cursor string
}

// Busy is one event, or one occurrence of a recurring event, as the busy
// store sees it.
type Busy struct {
	// ID identifies the event in its calendar; a later change or deletion
	// of the same event carries the same ID.
	ID         string
	Start, End time.Time
	// Blocks is the busy rule's verdict. False for an event that no longer
	// takes the agent's time: deleted, cancelled, free, not accepted, or
	// one of Frontdesk's own.
	Blocks bool
}

// Conn is one agent's account at a calendar provider. Errors are *Error
// where the provider said something; callers test them with AsError.
type Conn interface {
	// Calendars lists the account's calendars.
	Calendars(ctx context.Context) ([]Info, error)
	// Changes reads what changed in a calendar since cursor, or everything
	// in w when cursor is empty or the provider no longer knows it.
	Changes(ctx context.Context, calendarID, cursor string, w Window) (Changes, error)
	// Put writes e into a calendar: it creates the event when eventID is
	// empty (idempotently: a second create of the same UID updates the
	// first) and updates eventID in place otherwise. It returns the event's
	// id. The provider sends no invitations of its own.
	Put(ctx context.Context, calendarID, eventID string, e Event) (string, error)
	// Delete removes an event; one that is already gone is no error.
	Delete(ctx context.Context, calendarID, eventID string) error
}

// Channel is a subscription to a calendar's change notifications.
type Channel struct {
	// ID is the channel's or subscription's id; notifications carry it.
	ID string
	// ResourceID is the provider's id of the watched resource (Google),
	// needed to stop the channel.
	ResourceID string
	CalendarID string
	// Address is where the provider posts notifications.
	Address string
	// Token comes back with every notification (Google's channel token,
	// Graph's clientState): only Frontdesk and the provider know it.
	Token   string
	Expires time.Time
}

// Watcher is a Conn whose provider posts change notifications.
type Watcher interface {
	// Watch subscribes to a calendar's changes; ch carries the address,
	// token and wanted expiry, and comes back with the provider's ids and
	// the expiry it granted.
	Watch(ctx context.Context, ch Channel) (Channel, error)
	// Renew extends a subscription until about until. The result may be a
	// new channel (Google cannot extend one); the caller then stops the old.
	Renew(ctx context.Context, ch Channel, until time.Time) (Channel, error)
	// Unwatch ends a subscription; one already gone is no error.
	Unwatch(ctx context.Context, ch Channel) error
}
