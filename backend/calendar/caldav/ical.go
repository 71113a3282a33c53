package caldav

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// prodID names Frontdesk as the writer of the events it puts.
const prodID = "-//Frontdesk//Frontdesk//EN"

// objectName is the file name of the event with uid in the collection. It
// is derived from the UID alone, so an update lands on the same resource and
// replaces the event in place, and hashed because UIDs may hold characters
// ('@', '/', spaces) that servers treat differently in paths.
func objectName(uid string) string {
	sum := sha256.Sum256([]byte(uid))
	return "frontdesk-" + hex.EncodeToString(sum[:16]) + ".ics"
}

func (e Event) validate() error {
	switch {
	case strings.TrimSpace(e.UID) == "" || strings.ContainsAny(e.UID, "\r\n"):
		return errors.New("event UID is empty or holds a line break")
	case e.Start.IsZero() || !e.End.After(e.Start):
		return fmt.Errorf("event ends (%s) before it starts (%s)", e.End, e.Start)
	case e.Sequence < 0:
		return fmt.Errorf("event SEQUENCE %d is negative", e.Sequence)
	}
	return nil
}

// encode renders e as the iCalendar object stored in the collection.
// Unlike an invitation email it has no METHOD, which CalDAV forbids in
// stored objects.
func (e Event) encode(now time.Time) ([]byte, error) {
	ev := ical.NewEvent()
	ev.Props.SetText(ical.PropUID, e.UID)
	ev.Props.SetDateTime(ical.PropDateTimeStamp, now.UTC().Truncate(time.Second))
	ev.Props.SetDateTime(ical.PropDateTimeStart, e.Start.UTC())
	ev.Props.SetDateTime(ical.PropDateTimeEnd, e.End.UTC())
	seq := ical.NewProp(ical.PropSequence)
	seq.Value = strconv.Itoa(e.Sequence)
	ev.Props.Set(seq)
	if e.Summary != "" {
		ev.Props.SetText(ical.PropSummary, oneLine(e.Summary))
	}
	if e.Description != "" {
		ev.Props.SetText(ical.PropDescription, e.Description)
	}
	if e.URL != "" {
		p := ical.NewProp(ical.PropURL)
		p.SetValueType(ical.ValueURI)
		p.Value = oneLine(e.URL)
		ev.Props.Set(p)
	}
	if e.OrganizerEmail != "" {
		ev.Props.Set(address(ical.PropOrganizer, e.OrganizerName, e.OrganizerEmail))
	}
	for _, at := range e.Attendees {
		p := address(ical.PropAttendee, at.Name, at.Email)
		p.Params.Set(ical.ParamRole, "REQ-PARTICIPANT")
		// A booked meeting is agreed by both sides: the guest picked the
		// slot from the agent's free time.
		p.Params.Set(ical.ParamParticipationStatus, "ACCEPTED")
		ev.Props.Add(p)
	}
	ev.Props.SetText(ical.PropTransparency, "OPAQUE")
	if e.Cancelled {
		ev.SetStatus(ical.EventCancelled)
	} else {
		ev.SetStatus(ical.EventConfirmed)
	}

	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropProductID, prodID)
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Children = append(cal.Children, ev.Component)
	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, fmt.Errorf("encode event: %w", err)
	}
	return buf.Bytes(), nil
}

// address is an ORGANIZER or ATTENDEE. SCHEDULE-AGENT=CLIENT (RFC 6638)
// tells servers that schedule on their own (iCloud, Fastmail, Nextcloud)
// not to email invitations for this event: Frontdesk sends its own, and the
// guest would otherwise get two.
func address(name, cn, email string) *ical.Prop {
	p := ical.NewProp(name)
	p.SetValueType(ical.ValueCalendarAddress)
	p.Value = "mailto:" + oneLine(email)
	if cn = paramSafe(cn); cn != "" {
		p.Params.Set(ical.ParamCommonName, cn)
	}
	p.Params.Set("SCHEDULE-AGENT", "CLIENT")
	return p
}

// oneLine drops line breaks, which iCalendar values other than text cannot
// hold and the encoder refuses.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(strings.ReplaceAll(s, "\r", " "), "\n", " ")), " ")
}

// paramSafe makes s a valid parameter value: no double quotes, no controls.
func paramSafe(s string) string {
	return strings.ReplaceAll(oneLine(s), `"`, "'")
}

// decodeEvent reads back the Event fields from a stored object.
func decodeEvent(cal *ical.Calendar) (Event, error) {
	var master *ical.Event
	for _, ev := range cal.Events() {
		if ev.Props.Get(ical.PropRecurrenceID) == nil {
			master = &ev
			break
		}
	}
	if master == nil {
		return Event{}, fmt.Errorf("%w: no VEVENT in the object", ErrServer)
	}
	var e Event
	str := func(name string) string {
		s, _ := master.Props.Text(name) // a non-text value reads as empty
		return s
	}
	e.UID = str(ical.PropUID)
	e.Summary = str(ical.PropSummary)
	e.Description = str(ical.PropDescription)
	if p := master.Props.Get(ical.PropURL); p != nil {
		e.URL = p.Value
	}
	if p := master.Props.Get(ical.PropSequence); p != nil {
		e.Sequence, _ = p.Int()
	}
	var err error
	if e.Start, err = master.DateTimeStart(time.UTC); err != nil {
		return Event{}, fmt.Errorf("%w: DTSTART: %w", ErrServer, err)
	}
	if e.End, err = master.DateTimeEnd(time.UTC); err != nil {
		return Event{}, fmt.Errorf("%w: DTEND: %w", ErrServer, err)
	}
	if p := master.Props.Get(ical.PropOrganizer); p != nil {
		e.OrganizerName, e.OrganizerEmail = p.Params.Get(ical.ParamCommonName), mailto(p)
	}
	for _, p := range master.Props.Values(ical.PropAttendee) {
		e.Attendees = append(e.Attendees, Attendee{Name: p.Params.Get(ical.ParamCommonName), Email: mailto(&p)})
	}
	status, _ := master.Status()
	e.Cancelled = status == ical.EventCancelled
	return e, nil
}

// mailto is the email address of an ORGANIZER or ATTENDEE: its mailto:
// value or, for other URIs, its EMAIL parameter (RFC 7986).
func mailto(p *ical.Prop) string {
	v := strings.TrimSpace(p.Value)
	if len(v) > 7 && strings.EqualFold(v[:7], "mailto:") {
		return v[7:]
	}
	return p.Params.Get(ical.ParamEmail)
}
