package schedule

import (
	"fmt"
	"time"

	"github.com/frontdesk/frontdesk/model"
)

// maxDuration bounds the offered durations. The window expansion looks two
// days past a query, which covers any meeting up to a day (25 real hours on
// a fall-back day) even across midnight.
const maxDuration = 24 * 60

// Availability is when one agent can be booked. It is plain data, as stored
// and edited; Compile turns it into something that answers queries.
type Availability struct {
	// TimeZone is the agent's IANA zone: rules and overrides are wall-clock
	// times in it.
	TimeZone *time.Location
	// Rules are the recurring working hours; a day's windows are the union
	// of the windows of every rule that selects it.
	Rules []Rule
	// Overrides replace the rule windows of single days.
	Overrides []Override
	// Durations are the meeting lengths offered, in minutes.
	Durations []int
	// MinNotice is how long before its start a meeting can still be booked.
	MinNotice time.Duration
	// Horizon is how far ahead a meeting can start.
	Horizon time.Duration
	// BufferBefore and BufferAfter are kept free around each meeting.
	BufferBefore, BufferAfter time.Duration
	// Step is the distance between offered start times, counted from each
	// window's start.
	Step time.Duration
}

// Rule is a recurring window: the days an RRULE selects, from Start to End
// on each. RRule is an RFC 5545 recurrence ("FREQ=WEEKLY;BYDAY=MO,WE"),
// optionally preceded by a "DTSTART:20260105" line whose date anchors
// INTERVAL and COUNT. Rules select days, so FREQ must be DAILY or coarser
// and BYHOUR, BYMINUTE and BYSECOND are refused.
type Rule struct {
	RRule      string
	Start, End Clock
}

// Window is a wall-clock range within one day; End may be 24:00.
type Window struct {
	Start, End Clock
}

// Override replaces one civil day's windows. No windows means a day off.
type Override struct {
	Date    Date
	Windows []Window
}

// Validate reports every problem with a, keyed by field
// ("rules[0].rrule", "overrides[1].windows[0].end", "step"…), as a
// model validation error.
func (a Availability) Validate() error {
	var f model.Fields
	if a.TimeZone == nil {
		f.Add("time_zone", "is required")
	}
	for i, r := range a.Rules {
		key := fmt.Sprintf("rules[%d]", i)
		if _, err := parseRule(r.RRule); err != nil {
			f.Add(key+".rrule", err.Error())
		}
		validateWindow(&f, key, Window{r.Start, r.End})
	}
	seen := make(map[Date]bool, len(a.Overrides))
	for i, o := range a.Overrides {
		key := fmt.Sprintf("overrides[%d]", i)
		switch {
		case !o.Date.valid():
			f.Add(key+".date", "is not a valid date")
		case seen[o.Date]:
			f.Add(key+".date", "has another override")
		}
		seen[o.Date] = true
		for j, w := range o.Windows {
			validateWindow(&f, fmt.Sprintf("%s.windows[%d]", key, j), w)
		}
	}
	if len(a.Durations) == 0 {
		f.Add("durations", "offer at least one duration")
	}
	offered := make(map[int]bool, len(a.Durations))
	for i, d := range a.Durations {
		key := fmt.Sprintf("durations[%d]", i)
		switch {
		case d <= 0 || d > maxDuration:
			f.Add(key, fmt.Sprintf("must be between 1 and %d minutes", maxDuration))
		case offered[d]:
			f.Add(key, "is listed twice")
		}
		offered[d] = true
	}
	if a.Step <= 0 {
		f.Add("step", "must be positive")
	}
	if a.Horizon <= 0 {
		f.Add("horizon", "must be positive")
	}
	if a.MinNotice < 0 {
		f.Add("min_notice", "must not be negative")
	}
	if a.BufferBefore < 0 {
		f.Add("buffer_before", "must not be negative")
	}
	if a.BufferAfter < 0 {
		f.Add("buffer_after", "must not be negative")
	}
	return f.Err()
}

func validateWindow(f *model.Fields, key string, w Window) {
	switch {
	case !w.Start.valid() || w.Start == endOfDay:
		f.Add(key+".start", "must be a time of day from 00:00 to 23:59")
	case !w.End.valid():
		f.Add(key+".end", "must be a time of day from 00:01 to 24:00")
	case w.End <= w.Start:
		f.Add(key+".end", "must be after the start")
	}
}
