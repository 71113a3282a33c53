package invite

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// Parse reads a calendar holding one event, such as an emailed invitation,
// and returns its METHOD (empty when absent) and the event.
func Parse(b []byte) (method string, e Event, err error) {
	method, events, err := ParseAll(b)
	if err != nil {
		return "", Event{}, err
	}
	if len(events) != 1 {
		return "", Event{}, fmt.Errorf("invite: parse: want one event, found %d", len(events))
	}
	return method, events[0], nil
}

// ParseAll reads a calendar, such as a feed, and returns its METHOD and all
// its events in order.
func ParseAll(b []byte) (method string, events []Event, err error) {
	cal, err := ical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		return "", nil, fmt.Errorf("invite: parse: %w", err)
	}
	method, err = cal.Props.Text(ical.PropMethod)
	if err != nil {
		return "", nil, fmt.Errorf("invite: parse METHOD: %w", err)
	}
	for _, ev := range cal.Events() {
		e, err := fromComponent(ev)
		if err != nil {
			return "", nil, fmt.Errorf("invite: parse event: %w", err)
		}
		events = append(events, e)
	}
	return method, events, nil
}

func fromComponent(ev ical.Event) (Event, error) {
	var e Event
	var err error
	text := func(name string) string {
		if err != nil {
			return ""
		}
		var s string
		s, err = ev.Props.Text(name)
		if err != nil {
			err = fmt.Errorf("%s: %w", name, err)
		}
		return s
	}
	e.UID = text(ical.PropUID)
	e.Summary = text(ical.PropSummary)
	e.Description = text(ical.PropDescription)
	e.Location = text(ical.PropLocation)
	e.Status = text(ical.PropStatus)
	e.TimeZone = text(propTimeZone)
	if err != nil {
		return Event{}, err
	}
	if e.UID == "" {
		return Event{}, errors.New("no UID")
	}
	if p := ev.Props.Get(ical.PropSequence); p != nil {
		if e.Sequence, err = strconv.Atoi(p.Value); err != nil {
			return Event{}, fmt.Errorf("SEQUENCE: %w", err)
		}
	}
	if p := ev.Props.Get(ical.PropURL); p != nil {
		e.URL = p.Value
	}
	if e.Start, err = ev.DateTimeStart(time.UTC); err != nil {
		return Event{}, fmt.Errorf("DTSTART: %w", err)
	}
	if e.End, err = ev.DateTimeEnd(time.UTC); err != nil {
		return Event{}, fmt.Errorf("DTEND: %w", err)
	}
	if p := ev.Props.Get(ical.PropOrganizer); p != nil {
		e.Organizer = Person{Name: p.Params.Get(ical.ParamCommonName), Email: mailto(p.Value)}
	}
	for _, p := range ev.Props.Values(ical.PropAttendee) {
		e.Attendees = append(e.Attendees, Attendee{
			Name:     p.Params.Get(ical.ParamCommonName),
			Email:    mailto(p.Value),
			PartStat: p.Params.Get(ical.ParamParticipationStatus),
		})
	}
	return e, nil
}

// mailto strips the scheme of a calendar address, whatever its case.
func mailto(v string) string {
	if len(v) >= len("mailto:") && strings.EqualFold(v[:len("mailto:")], "mailto:") {
		return v[len("mailto:"):]
	}
	return v
}
