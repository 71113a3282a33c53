// Package invite writes and reads the iCalendar objects that put Frontdesk
// meetings into people's calendars: iTIP requests and cancellations sent by
// email (RFC 5546), and the per-agent subscribable feed.
//
// Times are written in UTC (RFC 5545 date-time form 2, "…Z"). Every calendar
// client converts them to its viewer's zone, which is what a single,
// non-recurring meeting needs, and it avoids shipping VTIMEZONE definitions
// that clients (Outlook above all) read in subtly different ways. The zone the
// meeting was booked in travels in the non-standard X-FRONTDESK-TIMEZONE
// property so that Parse gives it back.
//
// A calendar client updates an event in place when a message carries the same
// UID and a higher SEQUENCE: the caller stores both with the meeting and
// increments the sequence for every change it sends, cancellations included.
package invite

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-ical"
)

// iTIP methods.
const (
	MethodRequest = "REQUEST"
	MethodCancel  = "CANCEL"
	MethodPublish = "PUBLISH"
)

// Event statuses.
const (
	StatusConfirmed = "CONFIRMED"
	StatusTentative = "TENTATIVE"
	StatusCancelled = "CANCELLED"
)

// Participation statuses of an attendee.
const (
	PartStatNeedsAction = "NEEDS-ACTION"
	PartStatAccepted    = "ACCEPTED"
	PartStatDeclined    = "DECLINED"
	PartStatTentative   = "TENTATIVE"
)

// ProductID names Frontdesk as the producer of every calendar it writes.
const ProductID = "-//Frontdesk//Frontdesk Meetings//EN"

// propTimeZone carries Event.TimeZone; see the package comment.
const propTimeZone = "X-FRONTDESK-TIMEZONE"

// Event is one meeting as calendars see it.
type Event struct {
	UID      string
	Sequence int
	// Start and End are instants; they are written in UTC.
	Start, End time.Time
	// TimeZone is the IANA zone the meeting was booked in, e.g.
	// "Europe/Berlin"; optional.
	TimeZone    string
	Summary     string
	Description string
	// Location is optional; for an online meeting it is usually the
	// conversation link, which clients show prominently.
	Location  string
	URL       string
	Organizer Person
	Attendees []Attendee
	// Status is CONFIRMED when empty; Cancel always writes CANCELLED.
	Status string
}

// Person is a calendar user.
type Person struct {
	Name  string
	Email string
}

// Attendee is an invited calendar user and their answer.
type Attendee struct {
	Name  string
	Email string
	// PartStat is NEEDS-ACTION when empty; such attendees are asked to
	// reply (RSVP=TRUE), which makes clients show accept and decline.
	PartStat string
}

// Request returns an iTIP REQUEST: an invitation, or an update of one when
// Sequence is higher than in the last message sent for the same UID.
func Request(e Event) ([]byte, error) {
	if e.Status == "" {
		e.Status = StatusConfirmed
	}
	if e.Status == StatusCancelled {
		return nil, errors.New("invite: a request cannot be cancelled; use Cancel")
	}
	return encode(MethodRequest, []Event{e})
}

// Cancel returns an iTIP CANCEL for the event. Its Sequence must be higher
// than in the last request sent for the same UID, or clients ignore it.
func Cancel(e Event) ([]byte, error) {
	e.Status = StatusCancelled
	return encode(MethodCancel, []Event{e})
}

// Feed returns a subscribable calendar (METHOD:PUBLISH) holding events, such
// as an agent's meetings. Attendees are left out: RFC 5546 forbids them in
// a publication, and a subscriber cannot answer a feed anyway.
func Feed(events []Event) ([]byte, error) {
	for i := range events {
		if events[i].Status == "" {
			events[i].Status = StatusConfirmed
		}
	}
	return encode(MethodPublish, events)
}

// feedRefresh tells subscribers how often to reload the feed; they choose
// their own interval otherwise, which is a day for some.
const feedRefresh = "PT15M"

func encode(method string, events []Event) ([]byte, error) {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, ProductID)
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	cal.Props.SetText(ical.PropMethod, method)
	if method == MethodPublish {
		refresh := ical.NewProp(ical.PropRefreshInterval)
		refresh.Params.Set(ical.ParamValue, string(ical.ValueDuration))
		refresh.Value = feedRefresh
		cal.Props.Set(refresh)
		cal.Props.Set(&ical.Prop{Name: "X-PUBLISHED-TTL", Params: ical.Params{}, Value: feedRefresh})
	}

	stamp := time.Now().UTC().Truncate(time.Second)
	for i, e := range events {
		ev, err := component(method, e, stamp)
		if err != nil {
			if len(events) > 1 {
				return nil, fmt.Errorf("invite: event %d (%s): %w", i, e.UID, err)
			}
			return nil, fmt.Errorf("invite: %w", err)
		}
		cal.Children = append(cal.Children, ev.Component)
	}

	var buf bytes.Buffer
	if len(events) == 0 {
		// go-ical refuses an empty VCALENDAR, which RFC 5545 frowns upon
		// but every client accepts, and which an agent without meetings
		// has. Write the header by hand.
		writeEmpty(&buf, cal)
		return buf.Bytes(), nil
	}
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, fmt.Errorf("invite: encode: %w", err)
	}
	return fold(buf.Bytes()), nil
}

func component(method string, e Event, stamp time.Time) (*ical.Event, error) {
	if err := validate(method, e); err != nil {
		return nil, err
	}
	ev := ical.NewEvent()
	ev.Props.SetText(ical.PropUID, e.UID)
	ev.Props.Set(&ical.Prop{Name: ical.PropSequence, Params: ical.Params{}, Value: strconv.Itoa(e.Sequence)})
	ev.Props.SetDateTime(ical.PropDateTimeStamp, stamp)
	ev.Props.SetDateTime(ical.PropDateTimeStart, e.Start.UTC())
	ev.Props.SetDateTime(ical.PropDateTimeEnd, e.End.UTC())
	ev.Props.SetText(ical.PropSummary, cleanText(e.Summary))
	if d := cleanText(e.Description); d != "" {
		ev.Props.SetText(ical.PropDescription, d)
	}
	if l := cleanText(e.Location); l != "" {
		ev.Props.SetText(ical.PropLocation, l)
	}
	if e.URL != "" {
		u, err := url.Parse(e.URL)
		if err != nil {
			return nil, fmt.Errorf("url: %w", err)
		}
		ev.Props.SetURI(ical.PropURL, u)
	}
	if e.TimeZone != "" {
		tz := ical.NewProp(propTimeZone)
		tz.SetText(e.TimeZone)
		tz.Params.Del(ical.ParamValue) // TEXT is the default of an X- property
		ev.Props.Set(tz)
	}
	ev.Props.SetText(ical.PropStatus, e.Status)
	ev.Props.SetText(ical.PropTransparency, "OPAQUE")

	org := ical.NewProp(ical.PropOrganizer)
	org.Value = "mailto:" + e.Organizer.Email
	if cn := cleanParam(e.Organizer.Name); cn != "" {
		org.Params.Set(ical.ParamCommonName, cn)
	}
	ev.Props.Set(org)

	if method == MethodPublish {
		return ev, nil
	}
	for _, a := range e.Attendees {
		att := ical.NewProp(ical.PropAttendee)
		att.Value = "mailto:" + a.Email
		if cn := cleanParam(a.Name); cn != "" {
			att.Params.Set(ical.ParamCommonName, cn)
		}
		partStat := a.PartStat
		if partStat == "" {
			partStat = PartStatNeedsAction
		}
		att.Params.Set(ical.ParamCalendarUserType, "INDIVIDUAL")
		att.Params.Set(ical.ParamRole, "REQ-PARTICIPANT")
		att.Params.Set(ical.ParamParticipationStatus, partStat)
		if partStat == PartStatNeedsAction && method == MethodRequest {
			att.Params.Set(ical.ParamRSVP, "TRUE")
		}
		ev.Props.Add(att)
	}
	return ev, nil
}

func validate(method string, e Event) error {
	switch {
	case strings.TrimSpace(e.UID) == "":
		return errors.New("UID is required")
	case hasControl(e.UID):
		return errors.New("UID contains control characters")
	case e.Sequence < 0:
		return fmt.Errorf("SEQUENCE %d is negative", e.Sequence)
	case e.Start.IsZero() || e.End.IsZero():
		return errors.New("start and end are required")
	case !e.End.After(e.Start):
		return fmt.Errorf("end %s is not after start %s", e.End.Format(time.RFC3339), e.Start.Format(time.RFC3339))
	}
	switch e.Status {
	case StatusConfirmed, StatusTentative, StatusCancelled:
	default:
		return fmt.Errorf("unknown STATUS %q", e.Status)
	}
	if e.TimeZone != "" {
		if _, err := time.LoadLocation(e.TimeZone); err != nil {
			return fmt.Errorf("time zone: %w", err)
		}
	}
	if err := checkEmail(e.Organizer.Email); err != nil {
		return fmt.Errorf("organizer: %w", err)
	}
	if method == MethodPublish {
		return nil
	}
	if len(e.Attendees) == 0 {
		return fmt.Errorf("%s needs at least one attendee", method)
	}
	for _, a := range e.Attendees {
		if err := checkEmail(a.Email); err != nil {
			return fmt.Errorf("attendee: %w", err)
		}
		switch a.PartStat {
		case "", PartStatNeedsAction, PartStatAccepted, PartStatDeclined, PartStatTentative:
		default:
			return fmt.Errorf("attendee %s: unknown PARTSTAT %q", a.Email, a.PartStat)
		}
	}
	return nil
}

// checkEmail accepts plain addresses that are safe in a mailto: URI.
func checkEmail(email string) error {
	if email == "" {
		return errors.New("email is required")
	}
	if strings.ContainsAny(email, " \t\",;:<>()[]\\") || hasControl(email) {
		return fmt.Errorf("email %q has characters not allowed in a calendar address", email)
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email {
		return fmt.Errorf("email %q is not a valid address", email)
	}
	return nil
}

// cleanText prepares user text for a TEXT value: go-ical escapes commas,
// semicolons, backslashes and line feeds, but refuses carriage returns, and
// RFC 5545 allows no other control character than tab.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, strings.TrimSpace(s))
}

// cleanParam prepares a name for a parameter value such as CN, which may be
// quoted but cannot hold a double quote or any control character (go-ical
// does not implement RFC 6868's ^-escapes, and neither do most clients).
func cleanParam(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case unicode.IsControl(r):
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// maxLine is RFC 5545's limit on a content line, in octets without CRLF.
const maxLine = 75

// fold splits content lines longer than 75 octets, as RFC 5545 section 3.1
// asks (go-ical's encoder does not): the continuation starts with a space,
// and no UTF-8 sequence is cut in two.
func fold(b []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(b) + len(b)/maxLine*3)
	for _, line := range bytes.SplitAfter(b, []byte("\r\n")) {
		content, ended := bytes.CutSuffix(line, []byte("\r\n"))
		limit := maxLine
		for len(content) > limit {
			cut := limit
			for cut > 0 && !utf8.RuneStart(content[cut]) {
				cut--
			}
			if cut == 0 { // not UTF-8; cut anywhere
				cut = limit
			}
			out.Write(content[:cut])
			out.WriteString("\r\n ")
			content = content[cut:]
			limit = maxLine - 1 // the leading space counts
		}
		out.Write(content)
		if ended {
			out.WriteString("\r\n")
		}
	}
	return out.Bytes()
}

func writeEmpty(buf *bytes.Buffer, cal *ical.Calendar) {
	buf.WriteString("BEGIN:VCALENDAR\r\n")
	for _, name := range []string{ical.PropVersion, ical.PropProductID, ical.PropCalendarScale, ical.PropMethod, ical.PropRefreshInterval, "X-PUBLISHED-TTL"} {
		p := cal.Props.Get(name)
		if p == nil {
			continue
		}
		buf.WriteString(p.Name)
		if v := p.Params.Get(ical.ParamValue); v != "" {
			buf.WriteString(";VALUE=" + v)
		}
		buf.WriteString(":" + p.Value + "\r\n")
	}
	buf.WriteString("END:VCALENDAR\r\n")
}
