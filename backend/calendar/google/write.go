package google

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"time"

	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/calendar/internal/rest"
)

func hexSHA256(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// noUpdates keeps Google from emailing the guest: Frontdesk's own iTIP
// emails are the invitations.
var noUpdates = url.Values{"sendUpdates": {"none"}}

// body is the event as Frontdesk writes it. It is the one place where a
// meeting becomes Google's Event resource; a conference request (Google
// Meet) would be added here, with conferenceDataVersion=1 on the call.
func body(e calendar.Event) event {
	no := false
	out := event{
		Status: "confirmed", Transparency: "opaque",
		Summary: e.Summary, Description: e.Description, Location: e.Location,
		Start:              &eventTime{DateTime: e.Start.UTC().Format(time.RFC3339), TimeZone: e.TimeZone},
		End:                &eventTime{DateTime: e.End.UTC().Format(time.RFC3339), TimeZone: e.TimeZone},
		ExtendedProperties: &extendedProps{Private: map[string]string{uidProperty: e.UID}},
		Reminders:          &reminders{UseDefault: true},
		GuestsCanInvite:    &no,
	}
	if e.URL != "" {
		out.Source = &source{Title: "Frontdesk", URL: e.URL}
	}
	for _, a := range e.Attendees {
		if a.Email != "" {
			out.Attendees = append(out.Attendees, attendee{Email: a.Email, DisplayName: a.Name})
		}
	}
	if _, err := time.LoadLocation(e.TimeZone); err != nil || e.TimeZone == "" || e.TimeZone == "Local" {
		out.Start.TimeZone, out.End.TimeZone = "UTC", "UTC"
	}
	return out
}

// Put creates the meeting's event with the id derived from its UID, or
// patches eventID in place. A create that meets an existing event (a retry
// after a lost answer, another instance, or an event the agent deleted and
// Google still remembers) patches it instead.
func (cn *Conn) Put(ctx context.Context, calendarID, eventID string, e calendar.Event) (string, error) {
	b := body(e)
	if eventID != "" {
		err := cn.patch(ctx, calendarID, eventID, b)
		if !calendar.IsKind(err, calendar.NotFound) {
			return eventID, err
		}
		// The event is gone for good (its calendar was emptied): write it
		// anew.
	}
	id := EventID(e.UID)
	created := b
	created.ID = id
	status, err := cn.rest.Do(ctx, rest.Request{Method: http.MethodPost, URL: cn.api(noUpdates, "calendars", calendarID, "events"),
		Body: created, What: "create event"})
	if status == http.StatusConflict {
		return id, cn.patch(ctx, calendarID, id, b)
	}
	return id, err
}

func (cn *Conn) patch(ctx context.Context, calendarID, eventID string, b event) error {
	_, err := cn.rest.Do(ctx, rest.Request{Method: http.MethodPatch, URL: cn.api(noUpdates, "calendars", calendarID, "events", eventID),
		Body: b, What: "update event"})
	return err
}

// Delete removes the event; Google answers 410 Gone for one deleted
// before, which is the outcome wanted.
func (cn *Conn) Delete(ctx context.Context, calendarID, eventID string) error {
	_, err := cn.rest.Do(ctx, rest.Request{Method: http.MethodDelete, URL: cn.api(noUpdates, "calendars", calendarID, "events", eventID),
		What: "delete event"})
	if calendar.IsKind(err, calendar.NotFound) {
		return nil
	}
	return err
}
