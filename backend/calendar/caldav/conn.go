package caldav

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/frontdesk/frontdesk/backend/calendar"
)

// CalendarID is the id of a CalDAV account's one calendar: the account's
// URL names it (or leads to it), so the connection has no other.
const CalendarID = "caldav"

// Conn is a CalDAV account seen as a calendar.Conn.
type Conn struct {
	c          *Client
	acct       Account
	agentEmail string
	zone       *time.Location
}

var _ calendar.Conn = (*Conn)(nil)

// Conn opens acct for an agent: agentEmail finds their attendee entries,
// zone places floating times and all-day events.
func (c *Client) Conn(acct Account, agentEmail string, zone *time.Location) *Conn {
	if zone == nil {
		zone = time.UTC
	}
	return &Conn{c: c, acct: acct, agentEmail: agentEmail, zone: zone}
}

// Calendars is the account's one calendar.
func (cn *Conn) Calendars(ctx context.Context) ([]calendar.Info, error) {
	return []calendar.Info{{ID: CalendarID, Name: cn.acct.URL, Primary: true, Writable: true, Owner: cn.acct.Username}}, nil
}

// Changes reads the busy time of the whole window (CalDAV has no cursor
// here): the result replaces what was stored.
func (cn *Conn) Changes(ctx context.Context, calendarID, _ string, w calendar.Window) (calendar.Changes, error) {
	ivs, err := cn.c.Busy(ctx, cn.acct, cn.agentEmail, w.From.In(cn.zone), w.To.In(cn.zone))
	if err != nil {
		return calendar.Changes{}, wrap(err, "read busy time")
	}
	ch := calendar.Changes{Full: true, Busy: make([]calendar.Busy, len(ivs))}
	for i, iv := range ivs {
		ch.Busy[i] = calendar.Busy{ID: strconv.Itoa(i), Start: iv.Start, End: iv.End, Blocks: true}
	}
	return ch, nil
}

// Put writes the event under its UID, which is also its id here.
func (cn *Conn) Put(ctx context.Context, calendarID, eventID string, e calendar.Event) (string, error) {
	ev := Event{UID: e.UID, Sequence: e.Sequence, Start: e.Start, End: e.End, Summary: e.Summary,
		Description: e.Description, URL: e.URL, OrganizerName: e.OrganizerName, OrganizerEmail: e.OrganizerEmail}
	for _, a := range e.Attendees {
		ev.Attendees = append(ev.Attendees, Attendee{Name: a.Name, Email: a.Email})
	}
	if err := cn.c.Put(ctx, cn.acct, ev); err != nil {
		return "", wrap(err, "write event")
	}
	return e.UID, nil
}

// Delete removes the event with UID eventID.
func (cn *Conn) Delete(ctx context.Context, calendarID, eventID string) error {
	return wrap(cn.c.Delete(ctx, cn.acct, eventID), "delete event")
}

// wrap sorts this package's errors into calendar's kinds. A refused
// password is the agent's to mend, like a revoked OAuth grant.
func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	e := &calendar.Error{Provider: calendar.CalDAV, Kind: calendar.Unavailable, Message: "The calendar server failed (" + what + ")", Err: err}
	var se *StatusError
	if errors.As(err, &se) {
		e.Status = se.Code
	}
	switch {
	case errors.Is(err, ErrUnauthorized):
		e.Kind, e.Message = calendar.Reconnect, ErrUnauthorized.Error()
	case errors.Is(err, ErrForbidden):
		e.Kind, e.Message = calendar.Refused, ErrForbidden.Error()
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrNoCalendar):
		e.Kind, e.Message = calendar.NotFound, ErrNoCalendar.Error()
	case errors.Is(err, ErrBadAccount):
		e.Kind, e.Message = calendar.Refused, err.Error()
	}
	return e
}
