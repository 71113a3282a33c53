package microsoft

import (
	"context"
	"net/http"
	"strings"

	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/calendar/internal/rest"
)

type itemBody struct {
	ContentType string `json:"contentType"`
	Content     string `json:"content"`
}

type location struct {
	DisplayName string `json:"displayName"`
}

// eventWrite is the event as Frontdesk writes it. It is the one place
// where a meeting becomes Graph's event resource; a Teams meeting would be
// asked for here (isOnlineMeeting, onlineMeetingProvider).
type eventWrite struct {
	Subject       string     `json:"subject"`
	Body          itemBody   `json:"body"`
	Start         dateTimeTZ `json:"start"`
	End           dateTimeTZ `json:"end"`
	Location      *location  `json:"location,omitempty"`
	ShowAs        string     `json:"showAs"`
	IsReminderOn  bool       `json:"isReminderOn"`
	TransactionID string     `json:"transactionId,omitempty"`
}

func write(e calendar.Event) eventWrite {
	text := e.Description
	if g := e.GuestLine(); g != "" {
		text = "Guest: " + g + "\n\n" + text
	}
	w := eventWrite{
		Subject: e.Summary,
		Body:    itemBody{ContentType: "text", Content: text},
		Start:   dateTimeTZ{DateTime: e.Start.UTC().Format(graphTime), TimeZone: "UTC"},
		End:     dateTimeTZ{DateTime: e.End.UTC().Format(graphTime), TimeZone: "UTC"},
		ShowAs:  "busy", IsReminderOn: true,
	}
	if strings.TrimSpace(e.Location) != "" {
		w.Location = &location{DisplayName: e.Location}
	}
	return w
}

// Put creates the meeting's event in a calendar, or updates eventID in
// place. The event has no attendees, so Exchange emails nobody.
func (cn *Conn) Put(ctx context.Context, calendarID, eventID string, e calendar.Event) (string, error) {
	w := write(e)
	if eventID != "" {
		_, err := cn.rest.Do(ctx, rest.Request{Method: http.MethodPatch, URL: cn.api(nil, "me", "events", eventID), Body: w, What: "update event"})
		if !calendar.IsKind(err, calendar.NotFound) {
			return eventID, err
		}
		// Deleted in Outlook meanwhile: write it anew.
	}
	w.TransactionID = TransactionID(e.UID)
	var created struct {
		ID string `json:"id"`
	}
	if _, err := cn.rest.Do(ctx, rest.Request{Method: http.MethodPost, URL: cn.api(nil, "me", "calendars", calendarID, "events"),
		Body: w, Out: &created, What: "create event"}); err != nil {
		return "", err
	}
	if created.ID == "" {
		return "", malformed("Microsoft Graph created an event without an id")
	}
	return created.ID, nil
}

// Delete removes the event; one already gone is no error.
func (cn *Conn) Delete(ctx context.Context, calendarID, eventID string) error {
	_, err := cn.rest.Do(ctx, rest.Request{Method: http.MethodDelete, URL: cn.api(nil, "me", "events", eventID), What: "delete event"})
	if calendar.IsKind(err, calendar.NotFound) {
		return nil
	}
	return err
}
