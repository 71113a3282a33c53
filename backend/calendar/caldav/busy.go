package caldav

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav/caldav"
	"github.com/teambition/rrule-go"

	"github.com/frontdesk/frontdesk/backend/schedule"
)

// Busy returns the times in [from, to) that the agent's calendar blocks,
// sorted and merged. An event blocks unless
//
//   - it is TRANSP:TRANSPARENT (shown as free) or STATUS:CANCELLED, or
//   - the agent, matched by ATTENDEE address = agentEmail (any case), has not
//     accepted it: PARTSTAT NEEDS-ACTION (the default), TENTATIVE, DECLINED
//     or DELEGATED. This is the seed's rule for Google Calendar, where an
//     invitation must be confirmed with Yes or its slot stays available.
//
// So accepted invitations, events the agent organizes, and events with no
// attendees (the agent's own busy blocks) do block, and so do events whose
// attendees do not include agentEmail: the agent may be invited under
// another address, and an event in their own calendar is taken as theirs.
// Events for which Options.OwnEvent is true are left out.
//
// Recurring events are expanded here (RRULE, RDATE, EXDATE and overridden
// instances by RECURRENCE-ID; not RANGE=THISANDFUTURE). Floating times and
// all-day dates are read in from's location, so pass from in the agent's
// time zone. A TZID the Go time zone database does not know (a Windows zone
// name) is read in from's location too.
//
// Busy asks the server every time: Frontdesk calls it from the periodic
// sync that fills its busy-time store, never while a guest waits.
func (c *Client) Busy(ctx context.Context, acct Account, agentEmail string, from, to time.Time) ([]schedule.Interval, error) {
	if !to.After(from) {
		return nil, nil
	}
	a, err := c.open(acct)
	if err != nil {
		return nil, fmt.Errorf("calendar: busy: %w", err)
	}
	agentEmail = strings.ToLower(strings.TrimSpace(agentEmail))
	coll, err := c.collection(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("calendar: busy: %w", err)
	}
	objs, err := a.query(ctx, coll, from, to)
	if err != nil {
		c.collections.forget(a.key, err)
		return nil, fmt.Errorf("calendar: busy: read %s: %w", redact(coll), err)
	}
	x := expander{agent: agentEmail, from: from, to: to, loc: from.Location(), own: c.ownEvent}
	var busy []schedule.Interval
	for _, obj := range objs {
		ivs, err := x.object(obj.Data)
		if err != nil {
			// One unreadable event should not stop all bookings; it is
			// logged so the agent can be told which. What was read of it
			// still counts.
			c.log.Warn("calendar: an event could not be read in full", "calendar", redact(coll), "object", obj.Path, "err", err)
		}
		busy = append(busy, ivs...)
	}
	return merge(busy), nil
}

// query runs a calendar-query REPORT for the events overlapping [from, to).
// The server applies the time range to every instance of a recurring event
// but returns whole objects, so expansion happens in expander.
func (a *account) query(ctx context.Context, coll *url.URL, from, to time.Time) ([]caldav.CalendarObject, error) {
	cl, err := a.caldav(coll)
	if err != nil {
		return nil, err
	}
	objs, err := cl.QueryCalendar(ctx, coll.Path, &caldav.CalendarQuery{
		CompRequest: caldav.CalendarCompRequest{Name: ical.CompCalendar, AllProps: true, AllComps: true},
		CompFilter: caldav.CompFilter{
			Name:  ical.CompCalendar,
			Comps: []caldav.CompFilter{{Name: ical.CompEvent, Start: from.UTC(), End: to.UTC()}},
		},
	})
	if err != nil {
		return nil, err
	}
	return objs, nil
}

// merge sorts intervals and joins those that overlap or touch.
func merge(ivs []schedule.Interval) []schedule.Interval {
	slices.SortFunc(ivs, func(a, b schedule.Interval) int { return a.Start.Compare(b.Start) })
	out := ivs[:0]
	for _, iv := range ivs {
		if n := len(out); n > 0 && !iv.Start.After(out[n-1].End) {
			if iv.End.After(out[n-1].End) {
				out[n-1].End = iv.End
			}
			continue
		}
		out = append(out, iv)
	}
	return out
}

// blocks applies Busy's rule to one VEVENT (a series or one instance).
func blocks(ev *ical.Component, agent string) bool {
	if strings.EqualFold(text(ev, ical.PropTransparency), "TRANSPARENT") ||
		strings.EqualFold(text(ev, ical.PropStatus), string(ical.EventCancelled)) {
		return false
	}
	if agent == "" {
		return true
	}
	if p := ev.Props.Get(ical.PropOrganizer); p != nil && isAgent(p, agent) {
		return true
	}
	for _, p := range ev.Props.Values(ical.PropAttendee) {
		if isAgent(&p, agent) {
			return partstatBlocks(p.Params.Get(ical.ParamParticipationStatus))
		}
	}
	return true
}

func isAgent(p *ical.Prop, agent string) bool {
	return strings.EqualFold(strings.TrimSpace(mailto(p)), agent) ||
		strings.EqualFold(strings.TrimSpace(p.Params.Get(ical.ParamEmail)), agent)
}

// partstatBlocks: only an accepted invitation takes the time. Unknown
// (experimental) values block, erring on the side of no double booking.
func partstatBlocks(partstat string) bool {
	switch strings.ToUpper(strings.TrimSpace(partstat)) {
	case "", "NEEDS-ACTION", "TENTATIVE", "DECLINED", "DELEGATED":
		return false
	default:
		return true
	}
}

func text(c *ical.Component, name string) string {
	p := c.Props.Get(name)
	if p == nil {
		return ""
	}
	return strings.TrimSpace(p.Value)
}

// maxOccurrences bounds the walk through one recurrence set, which starts
// at the series' DTSTART: a daily series from ten years ago is ~3,700
// steps, while a FREQ=MINUTELY series could otherwise spin for long.
const maxOccurrences = 100_000

// expander turns calendar objects into busy intervals in [from, to).
type expander struct {
	agent    string
	from, to time.Time
	loc      *time.Location // for floating times and dates
	own      func(uid string) bool
}

// object expands one calendar object resource: a series (the VEVENT
// without RECURRENCE-ID) and its overridden instances, or a single event.
func (x *expander) object(cal *ical.Calendar) ([]schedule.Interval, error) {
	var master *ical.Component
	var overrides []*ical.Component
	for _, c := range cal.Children {
		if c.Name != ical.CompEvent {
			continue
		}
		if x.own(text(c, ical.PropUID)) {
			return nil, nil
		}
		if c.Props.Get(ical.PropRecurrenceID) != nil {
			overrides = append(overrides, c)
		} else if master == nil {
			master = c
		}
	}

	// A broken instance is reported but does not hide the others.
	var busy []schedule.Interval
	var errs []error
	replaced := make(map[int64]bool, len(overrides))
	for _, ov := range overrides {
		rid, _, err := x.time(ov.Props.Get(ical.PropRecurrenceID))
		if err != nil {
			errs = append(errs, fmt.Errorf("RECURRENCE-ID: %w", err))
			continue
		}
		replaced[rid.Unix()] = true
		s, err := x.span(ov)
		if err != nil {
			errs = append(errs, fmt.Errorf("instance %s: %w", rid.UTC().Format(time.RFC3339), err))
			continue
		}
		if blocks(ov, x.agent) && s.overlaps(x.from, x.to) {
			busy = append(busy, s.Interval)
		}
	}
	if master == nil || !blocks(master, x.agent) {
		return busy, errors.Join(errs...)
	}
	s, err := x.span(master)
	if err != nil {
		return busy, errors.Join(append(errs, err)...)
	}
	set, err := x.recurrence(master, s)
	if err != nil {
		return busy, errors.Join(append(errs, err)...)
	}
	if set == nil { // a single event
		if s.overlaps(x.from, x.to) {
			busy = append(busy, s.Interval)
		}
		return busy, errors.Join(errs...)
	}
	next := set.Iterator()
	for range maxOccurrences {
		start, ok := next()
		if !ok || !start.Before(x.to) {
			return busy, errors.Join(errs...)
		}
		if set.excluded(start) || replaced[start.Unix()] {
			continue
		}
		occ := s.at(start)
		if occ.overlaps(x.from, x.to) {
			busy = append(busy, occ.Interval)
		}
	}
	return busy, errors.Join(append(errs, fmt.Errorf("recurrence %q has more than %d occurrences before the range; later ones are ignored", text(master, ical.PropRecurrenceRule), maxOccurrences))...)
}

// span is an event's first occurrence and how to place later ones.
type span struct {
	schedule.Interval
	allDay bool
	days   int           // length of an all-day event, in calendar days
	length time.Duration // length of a timed event
}

// at is the occurrence of the event starting at start. All-day events
// keep their length in days, so a day off spans a 23-hour DST day too.
func (s span) at(start time.Time) span {
	o := s
	o.Start = start
	if s.allDay {
		o.End = start.AddDate(0, 0, s.days)
	} else {
		o.End = start.Add(s.length)
	}
	return o
}

func (s span) overlaps(from, to time.Time) bool {
	return s.Start.Before(to) && s.End.After(from)
}

// span reads DTSTART, and DTEND or DURATION. With neither, a date lasts a
// day and a date-time takes no time (RFC 5545 3.6.1), so it blocks nothing.
func (x *expander) span(ev *ical.Component) (span, error) {
	start, allDay, err := x.time(ev.Props.Get(ical.PropDateTimeStart))
	if err != nil {
		return span{}, fmt.Errorf("DTSTART: %w", err)
	}
	s := span{allDay: allDay}
	s.Start = start
	switch {
	case ev.Props.Get(ical.PropDateTimeEnd) != nil:
		end, _, err := x.time(ev.Props.Get(ical.PropDateTimeEnd))
		if err != nil {
			return span{}, fmt.Errorf("DTEND: %w", err)
		}
		s.End = end
	case ev.Props.Get(ical.PropDuration) != nil:
		d, err := ev.Props.Get(ical.PropDuration).Duration()
		if err != nil {
			return span{}, fmt.Errorf("DURATION: %w", err)
		}
		if allDay && d%(24*time.Hour) == 0 {
			s.End = start.AddDate(0, 0, int(d/(24*time.Hour)))
		} else {
			s.End = start.Add(d)
		}
	case allDay:
		s.End = start.AddDate(0, 0, 1)
	default:
		s.End = start
	}
	if s.End.Before(s.Start) {
		return span{}, fmt.Errorf("event ends before it starts")
	}
	s.length = s.End.Sub(s.Start)
	if allDay {
		// Count calendar days, not 24-hour periods, across DST changes.
		y1, m1, d1 := s.Start.Date()
		y2, m2, d2 := s.End.Date()
		s.days = int(time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC).Sub(time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC)) / (24 * time.Hour))
	}
	return s, nil
}

// time parses a DATE or DATE-TIME property: UTC, with a TZID, or floating.
func (x *expander) time(p *ical.Prop) (t time.Time, allDay bool, err error) {
	if p == nil {
		return time.Time{}, false, fmt.Errorf("missing")
	}
	return x.parseTime(strings.TrimSpace(p.Value), p.Params.Get(ical.ParamValue), p.Params.Get(ical.PropTimezoneID))
}

func (x *expander) parseTime(v, valueType, tzid string) (time.Time, bool, error) {
	const (
		date     = "20060102"
		dateTime = "20060102T150405"
	)
	if strings.EqualFold(valueType, string(ical.ValueDate)) || len(v) == len(date) {
		t, err := time.ParseInLocation(date, v, x.loc)
		return t, true, err
	}
	if utc, ok := strings.CutSuffix(v, "Z"); ok {
		t, err := time.ParseInLocation(dateTime, utc, time.UTC)
		return t, false, err
	}
	t, err := time.ParseInLocation(dateTime, v, x.zone(tzid))
	return t, false, err
}

// zone resolves a TZID. Servers and clients use IANA names in practice; a
// name Go does not know falls back to the agent's zone, which is right for
// the common case of a calendar kept in the agent's own zone.
func (x *expander) zone(tzid string) *time.Location {
	tzid = strings.Trim(tzid, `"`)
	if tzid == "" {
		return x.loc
	}
	if loc, err := time.LoadLocation(tzid); err == nil {
		return loc
	}
	// Some clients prefix IANA names with a path, e.g.
	// "/mozilla.org/20050126_1/Europe/Berlin".
	parts := strings.Split(tzid, "/")
	for i := range parts {
		if loc, err := time.LoadLocation(strings.Join(parts[i:], "/")); err == nil && i > 0 {
			return loc
		}
	}
	return x.loc
}

// recurrenceSet is a series' start times: its RRULE's, its RDATEs and
// DTSTART (which RFC 5545 counts as the first instance even when the rule
// would not produce it), less its EXDATEs, matched by instant or, for
// date-valued EXDATEs of a timed series, by day.
type recurrenceSet struct {
	rule  *rrule.RRule // nil with RDATEs only
	extra []time.Time  // DTSTART and RDATEs, sorted
	exAt  map[int64]bool
	exDay map[string]bool
}

// Iterator yields the start times in order, without duplicates.
func (r *recurrenceSet) Iterator() func() (time.Time, bool) {
	ruleNext := func() (time.Time, bool) { return time.Time{}, false }
	if r.rule != nil {
		ruleNext = r.rule.Iterator()
	}
	extra := r.extra
	next, more := ruleNext()
	var last time.Time
	return func() (time.Time, bool) {
		for {
			var t time.Time
			switch {
			case more && (len(extra) == 0 || !extra[0].Before(next)):
				t = next
				next, more = ruleNext()
			case len(extra) > 0:
				t, extra = extra[0], extra[1:]
			default:
				return time.Time{}, false
			}
			if !last.IsZero() && t.Equal(last) {
				continue // DTSTART or an RDATE that the rule also produces
			}
			last = t
			return t, true
		}
	}
}

func (r *recurrenceSet) excluded(t time.Time) bool {
	return r.exAt[t.Unix()] || r.exDay[t.Format("20060102")]
}

// recurrence returns the series' recurrence set, or nil for an event that
// happens once.
func (x *expander) recurrence(ev *ical.Component, first span) (*recurrenceSet, error) {
	rules := ev.Props.Values(ical.PropRecurrenceRule)
	rdates := ev.Props.Values(ical.PropRecurrenceDates)
	if len(rules) == 0 && len(rdates) == 0 {
		return nil, nil
	}
	set := &recurrenceSet{extra: []time.Time{first.Start}, exAt: map[int64]bool{}, exDay: map[string]bool{}}
	if len(rules) > 0 { // several RRULEs are deprecated (RFC 5545): the first counts
		opt, err := rrule.StrToROptionInLocation(rules[0].Value, first.Start.Location())
		if err != nil {
			return nil, fmt.Errorf("RRULE: %w", err)
		}
		opt.Dtstart = first.Start
		if set.rule, err = rrule.NewRRule(*opt); err != nil {
			return nil, fmt.Errorf("RRULE: %w", err)
		}
	}
	for _, p := range rdates {
		valueType := p.Params.Get(ical.ParamValue)
		if strings.EqualFold(valueType, string(ical.ValuePeriod)) {
			valueType = "" // "start/end": the start counts, the series' length applies
		}
		for _, v := range strings.Split(p.Value, ",") {
			v, _, _ = strings.Cut(strings.TrimSpace(v), "/")
			t, _, err := x.parseTime(v, valueType, p.Params.Get(ical.PropTimezoneID))
			if err != nil {
				return nil, fmt.Errorf("RDATE: %w", err)
			}
			set.extra = append(set.extra, t)
		}
	}
	slices.SortFunc(set.extra, func(a, b time.Time) int { return a.Compare(b) })
	for _, p := range ev.Props.Values(ical.PropExceptionDates) {
		for _, v := range strings.Split(p.Value, ",") {
			t, isDate, err := x.parseTime(strings.TrimSpace(v), p.Params.Get(ical.ParamValue), p.Params.Get(ical.PropTimezoneID))
			if err != nil {
				return nil, fmt.Errorf("EXDATE: %w", err)
			}
			if isDate && !first.allDay {
				set.exDay[t.Format("20060102")] = true
			} else {
				set.exAt[t.Unix()] = true
			}
		}
	}
	return set, nil
}
