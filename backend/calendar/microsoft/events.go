package microsoft

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/calendar/internal/rest"
)

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// graphCalendar is Graph's calendar resource.
type graphCalendar struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	IsDefaultCalendar bool   `json:"isDefaultCalendar"`
	CanEdit           bool   `json:"canEdit"`
	Owner             *struct {
		Address string `json:"address"`
	} `json:"owner"`
}

const maxPages = 200

// Calendars lists the account's calendars (GET /me/calendars).
func (cn *Conn) Calendars(ctx context.Context) ([]calendar.Info, error) {
	var out []calendar.Info
	next := cn.api(url.Values{"$select": {"id,name,isDefaultCalendar,canEdit,owner"}, "$top": {"100"}}, "me", "calendars")
	for range maxPages {
		var resp struct {
			Value    []graphCalendar `json:"value"`
			NextLink string          `json:"@odata.nextLink"`
		}
		if _, err := cn.rest.Do(ctx, rest.Request{Method: http.MethodGet, URL: next, Out: &resp, What: "list calendars"}); err != nil {
			return nil, err
		}
		for _, c := range resp.Value {
			if c.ID == "" {
				continue
			}
			info := calendar.Info{ID: c.ID, Name: c.Name, Primary: c.IsDefaultCalendar, Writable: c.CanEdit}
			if c.Owner != nil {
				info.Owner = c.Owner.Address
			}
			if info.Name == "" {
				info.Name = "Calendar"
			}
			out = append(out, info)
		}
		if resp.NextLink == "" {
			return out, nil
		}
		if !cn.onGraph(resp.NextLink) {
			return nil, malformed("Microsoft Graph sent a next link to another host")
		}
		next = resp.NextLink
	}
	return out, nil
}

func malformed(msg string) error {
	return &calendar.Error{Provider: calendar.Microsoft, Kind: calendar.Malformed, Message: msg}
}

// event is the part of Graph's event resource that matters here.
type event struct {
	ID      string `json:"id"`
	Removed *struct {
		Reason string `json:"reason"`
	} `json:"@removed,omitempty"`
	Type           string      `json:"type"` // singleInstance, occurrence, exception, seriesMaster
	Start          *dateTimeTZ `json:"start"`
	End            *dateTimeTZ `json:"end"`
	IsAllDay       bool        `json:"isAllDay"`
	IsCancelled    bool        `json:"isCancelled"`
	IsOrganizer    bool        `json:"isOrganizer"`
	ShowAs         string      `json:"showAs"`
	ResponseStatus *struct {
		Response string `json:"response"`
	} `json:"responseStatus"`
	TransactionID string `json:"transactionId"`
	ICalUID       string `json:"iCalUId"`
}

type dateTimeTZ struct {
	DateTime string `json:"dateTime"`
	TimeZone string `json:"timeZone"`
}

// blocks is the busy rule (see package calendar) on Graph's fields: not
// shown as free, not cancelled, and the account organises it or answered
// "accepted". notResponded, tentativelyAccepted and declined leave the
// time free; "none" is an event with no response to give (no attendee
// entry), which takes the time.
func blocks(e event) bool {
	if e.IsCancelled || strings.EqualFold(e.ShowAs, "free") {
		return false
	}
	if e.IsOrganizer {
		return true
	}
	if e.ResponseStatus == nil {
		return true
	}
	switch e.ResponseStatus.Response {
	case "accepted", "organizer", "none", "":
		return true
	}
	return false
}

// own reports whether Frontdesk wrote the event, or it is Outlook's copy
// of a Frontdesk invitation.
func (cn *Conn) own(e event) bool {
	return strings.HasPrefix(e.TransactionID, transactionPrefix) || e.ICalUID != "" && cn.acct.Own(e.ICalUID)
}

// graphTime is Graph's dateTime: local time with up to seven fractional
// digits, in the zone beside it.
const graphTime = "2006-01-02T15:04:05.9999999"

// span reads an event's times. Timed events come in UTC (the Prefer
// header asks for it); all-day events are dates, placed in the agent's
// zone.
func span(e event, zone *time.Location) (start, end time.Time, err error) {
	if e.Start == nil || e.End == nil {
		return start, end, errors.New("no start or end")
	}
	read := func(t *dateTimeTZ) (time.Time, error) {
		if e.IsAllDay {
			day, _, _ := strings.Cut(t.DateTime, "T")
			return time.ParseInLocation(time.DateOnly, day, zone)
		}
		loc := time.UTC
		if t.TimeZone != "" && !strings.EqualFold(t.TimeZone, "UTC") {
			l, err := time.LoadLocation(t.TimeZone)
			if err != nil {
				return time.Time{}, fmt.Errorf("unknown time zone %q", truncate(t.TimeZone, 60))
			}
			loc = l
		}
		return time.ParseInLocation(graphTime, t.DateTime, loc)
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

// deltaHeaders ask for UTC times and pages of a bounded size.
func deltaHeaders() http.Header {
	return http.Header{"Prefer": {`outlook.timezone="UTC"`, "odata.maxpagesize=200"}}
}

// Changes reads a calendar view's changes with calendarView/delta: from
// the stored delta link, or a new round over the window when there is
// none or Graph no longer knows it (410 Gone, syncStateNotFound).
// Occurrences of a series come as events of their own; deleted events come
// as "@removed".
func (cn *Conn) Changes(ctx context.Context, calendarID, cursor string, w calendar.Window) (calendar.Changes, error) {
	if cursor != "" {
		if !cn.onGraph(cursor) {
			cn.c.log().Warn("microsoft: a stored delta link is not on Graph; reading the calendar in full", "calendar", calendarID)
		} else {
			ch, err := cn.delta(ctx, calendarID, cursor, false)
			if e, ok := calendar.AsError(err); ok && e.Status == http.StatusGone {
				cn.c.log().Info("microsoft: delta token expired; reading the calendar in full", "calendar", calendarID)
			} else {
				return ch, err
			}
		}
	}
	first := cn.api(url.Values{
		"startDateTime": {w.From.UTC().Format(time.RFC3339)},
		"endDateTime":   {w.To.UTC().Format(time.RFC3339)},
	}, "me", "calendars", calendarID, "calendarView", "delta")
	return cn.delta(ctx, calendarID, first, true)
}

func (cn *Conn) delta(ctx context.Context, calendarID, link string, full bool) (calendar.Changes, error) {
	ch := calendar.Changes{Full: full}
	for range maxPages {
		var resp struct {
			Value     []event `json:"value"`
			NextLink  string  `json:"@odata.nextLink"`
			DeltaLink string  `json:"@odata.deltaLink"`
		}
		if _, err := cn.rest.Do(ctx, rest.Request{Method: http.MethodGet, URL: link, Header: deltaHeaders(), Out: &resp, What: "read calendar changes"}); err != nil {
			return calendar.Changes{}, err
		}
		for _, e := range resp.Value {
			if b, ok := cn.busy(calendarID, e); ok {
				ch.Busy = append(ch.Busy, b)
			}
		}
		switch {
		case resp.NextLink != "":
			if !cn.onGraph(resp.NextLink) {
				return calendar.Changes{}, malformed("Microsoft Graph sent a next link to another host")
			}
			link = resp.NextLink
		case resp.DeltaLink != "":
			if !cn.onGraph(resp.DeltaLink) {
				return calendar.Changes{}, malformed("Microsoft Graph sent a delta link to another host")
			}
			ch.Cursor = resp.DeltaLink
			return ch, nil
		default:
			return calendar.Changes{}, malformed("Microsoft Graph ended the changes without a delta link")
		}
	}
	return calendar.Changes{}, malformed(fmt.Sprintf("Microsoft Graph sent more than %d pages of changes", maxPages))
}

// busy turns one delta item into what the store keeps; an unreadable one
// is logged and does not block.
func (cn *Conn) busy(calendarID string, e event) (calendar.Busy, bool) {
	if e.ID == "" {
		cn.c.log().Warn("microsoft: an event without an id was ignored", "calendar", calendarID)
		return calendar.Busy{}, false
	}
	b := calendar.Busy{ID: e.ID}
	if e.Removed != nil || e.Type == "seriesMaster" {
		return b, true // a series' occurrences carry its time, not the master
	}
	start, end, err := span(e, cn.acct.Zone)
	if err != nil {
		cn.c.log().Warn("microsoft: an event could not be read; it does not block", "calendar", calendarID, "event", e.ID, "err", err)
		return b, true
	}
	b.Start, b.End = start, end
	b.Blocks = blocks(e) && !cn.own(e) && end.After(start)
	return b, true
}

// transactionPrefix marks the events Frontdesk creates.
const transactionPrefix = "frontdesk-"

// TransactionID is the transactionId of a meeting's event: Graph refuses
// to create a second event with the same one, so a create retried after a
// lost answer returns the first.
func TransactionID(uid string) string {
	h := sha256.Sum256([]byte(uid))
	return transactionPrefix + hex.EncodeToString(h[:16])
}
