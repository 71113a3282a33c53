package google

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/calendar/internal/rest"
)

// event is the part of Google's Event resource that matters here.
type event struct {
	ID                 string         `json:"id,omitempty"`
	Status             string         `json:"status,omitempty"`
	ICalUID            string         `json:"iCalUID,omitempty"`
	Summary            string         `json:"summary,omitempty"`
	Description        string         `json:"description,omitempty"`
	Location           string         `json:"location,omitempty"`
	Transparency       string         `json:"transparency,omitempty"`
	EventType          string         `json:"eventType,omitempty"`
	Start              *eventTime     `json:"start,omitempty"`
	End                *eventTime     `json:"end,omitempty"`
	Organizer          *person        `json:"organizer,omitempty"`
	Attendees          []attendee     `json:"attendees,omitempty"`
	RecurringEventID   string         `json:"recurringEventId,omitempty"`
	Source             *source        `json:"source,omitempty"`
	ExtendedProperties *extendedProps `json:"extendedProperties,omitempty"`
	Reminders          *reminders     `json:"reminders,omitempty"`
	GuestsCanInvite    *bool          `json:"guestsCanInviteOthers,omitempty"`
}

type eventTime struct {
	Date     string `json:"date,omitempty"`     // all-day: yyyy-mm-dd
	DateTime string `json:"dateTime,omitempty"` // RFC 3339
	TimeZone string `json:"timeZone,omitempty"`
}

type person struct {
	Email string `json:"email,omitempty"`
	Self  bool   `json:"self,omitempty"`
}

type attendee struct {
	Email          string `json:"email,omitempty"`
	DisplayName    string `json:"displayName,omitempty"`
	Self           bool   `json:"self,omitempty"`
	Organizer      bool   `json:"organizer,omitempty"`
	ResponseStatus string `json:"responseStatus,omitempty"`
}

type source struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

type extendedProps struct {
	Private map[string]string `json:"private,omitempty"`
}

type reminders struct {
	UseDefault bool `json:"useDefault"`
}

// uidProperty marks the events Frontdesk writes with the meeting's UID.
const uidProperty = "frontdeskUid"

// blocks is the busy rule (see package calendar) on Google's fields: the
// event is not free (transparency) nor cancelled, and the account either
// organises it, has no attendee entry in it, or answered "accepted".
// needsAction, tentative and declined leave the time free.
func blocks(e event) bool {
	if e.Status == "cancelled" || e.Transparency == "transparent" {
		return false
	}
	if e.Organizer != nil && e.Organizer.Self {
		return true
	}
	for _, a := range e.Attendees {
		if a.Self {
			return a.Organizer || a.ResponseStatus == "accepted"
		}
	}
	return true
}

// own reports whether Frontdesk wrote the event, or it is Gmail's copy of
// a Frontdesk invitation.
func (cn *Conn) own(e event) bool {
	if isOwnID(e.ID) || e.ExtendedProperties != nil && e.ExtendedProperties.Private[uidProperty] != "" {
		return true
	}
	return e.ICalUID != "" && cn.acct.Own(e.ICalUID)
}

// span reads an event's start and end: instants for timed events, whole
// days in the calendar's zone for all-day ones (end date exclusive).
func span(e event, zone *time.Location) (start, end time.Time, err error) {
	if e.Start == nil || e.End == nil {
		return start, end, errors.New("no start or end")
	}
	read := func(t *eventTime) (time.Time, error) {
		if t.DateTime != "" {
			return time.Parse(time.RFC3339, t.DateTime)
		}
		if t.Date != "" {
			return time.ParseInLocation(time.DateOnly, t.Date, zone)
		}
		return time.Time{}, errors.New("neither date nor dateTime")
	}
	if start, err = read(e.Start); err != nil {
		return start, end, fmt.Errorf("start: %w", err)
	}
	if end, err = read(e.End); err != nil {
		return start, end, fmt.Errorf("end: %w", err)
	}
	if end.Before(start) {
		return start, end, errors.New("ends before it starts")
	}
	return start, end, nil
}

// listResponse is a page of events.list.
type listResponse struct {
	TimeZone      string  `json:"timeZone"`
	Items         []event `json:"items"`
	NextPageToken string  `json:"nextPageToken"`
	NextSyncToken string  `json:"nextSyncToken"`
}

// Changes reads a calendar's events with events.list: with a sync token,
// only what changed since (deleted events come back as cancelled); without
// one, or when Google answers 410 Gone because the token expired, every
// event in the window. Recurring events come expanded into their instances
// (singleEvents=true), each with an id of its own, so a declined
// occurrence or a moved one is just another event.
func (cn *Conn) Changes(ctx context.Context, calendarID, cursor string, w calendar.Window) (calendar.Changes, error) {
	ch, err := cn.list(ctx, calendarID, cursor, w)
	if cursor != "" && err != nil {
		if e, ok := calendar.AsError(err); ok && e.Status == http.StatusGone {
			cn.c.log().Info("google: sync token expired; reading the calendar in full", "calendar", calendarID)
			return cn.list(ctx, calendarID, "", w)
		}
	}
	return ch, err
}

func (cn *Conn) list(ctx context.Context, calendarID, syncToken string, w calendar.Window) (calendar.Changes, error) {
	ch := calendar.Changes{Full: syncToken == ""}
	page := ""
	for range maxPages {
		q := url.Values{"singleEvents": {"true"}, "maxResults": {"2500"}}
		if syncToken != "" {
			q.Set("syncToken", syncToken)
		} else {
			// Sync tokens do not combine with time bounds later, but the
			// full sync that issues one may be bounded.
			q.Set("timeMin", w.From.UTC().Format(time.RFC3339))
			q.Set("timeMax", w.To.UTC().Format(time.RFC3339))
		}
		if page != "" {
			q.Set("pageToken", page)
		}
		var resp listResponse
		if _, err := cn.rest.Do(ctx, rest.Request{Method: http.MethodGet, URL: cn.api(q, "calendars", calendarID, "events"), Out: &resp, What: "list events"}); err != nil {
			return calendar.Changes{}, err
		}
		zone := cn.acct.Zone
		if loc, err := time.LoadLocation(resp.TimeZone); err == nil && resp.TimeZone != "" {
			zone = loc
		}
		for _, e := range resp.Items {
			if b, ok := cn.busy(calendarID, e, zone); ok {
				ch.Busy = append(ch.Busy, b)
			}
		}
		if resp.NextPageToken != "" {
			page = resp.NextPageToken
			continue
		}
		if resp.NextSyncToken == "" {
			return calendar.Changes{}, &calendar.Error{Provider: calendar.Google, Kind: calendar.Malformed,
				Message: "Google Calendar ended the event list without a sync token"}
		}
		ch.Cursor = resp.NextSyncToken
		return ch, nil
	}
	return calendar.Changes{}, &calendar.Error{Provider: calendar.Google, Kind: calendar.Malformed,
		Message: fmt.Sprintf("Google Calendar sent more than %d pages of events", maxPages)}
}

// busy turns one listed event into what the store keeps. An event whose
// times cannot be read is logged and counts as not blocking: one broken
// event must not stop the sync of the others.
func (cn *Conn) busy(calendarID string, e event, zone *time.Location) (calendar.Busy, bool) {
	if e.ID == "" {
		cn.c.log().Warn("google: an event without an id was ignored", "calendar", calendarID)
		return calendar.Busy{}, false
	}
	b := calendar.Busy{ID: e.ID}
	if e.Status == "cancelled" {
		return b, true // deleted, or a removed occurrence: no times needed
	}
	start, end, err := span(e, zone)
	if err != nil {
		cn.c.log().Warn("google: an event could not be read; it does not block", "calendar", calendarID, "event", e.ID, "err", err)
		return b, true
	}
	b.Start, b.End = start, end
	b.Blocks = blocks(e) && !cn.own(e) && end.After(start)
	return b, true
}

// EventID is the Google event id of a meeting: derived from its UID, so
// that a create retried after a lost answer meets the first one (409)
// instead of making a second event. Google ids take the base32hex
// alphabet (a–v, 0–9), which hex digits are part of.
func EventID(uid string) string {
	return "fd" + hexSHA256(uid)
}

// isOwnID reports whether an id has EventID's shape.
func isOwnID(id string) bool {
	return len(id) == 66 && strings.HasPrefix(id, "fd")
}
