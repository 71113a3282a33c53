package schedule

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/teambition/rrule-go"
)

// Why Check refused a start. The HTTP layer maps ErrTaken to a conflict
// (the slot went while the guest looked) and the others to validation.
var (
	ErrBadDuration         = errors.New("schedule: duration not offered")
	ErrInPast              = errors.New("schedule: start is in the past")
	ErrTooSoon             = errors.New("schedule: start is inside the minimum notice")
	ErrBeyondHorizon       = errors.New("schedule: start is beyond the booking horizon")
	ErrOutsideAvailability = errors.New("schedule: outside the agent's availability")
	ErrMisaligned          = errors.New("schedule: start is not on the slot grid")
	ErrTaken               = errors.New("schedule: overlaps busy time")
)

// Interval is the instants [Start, End): a meeting or calendar busy time.
type Interval struct {
	Start, End time.Time
}

// Compiled is a validated Availability ready to answer queries. It is
// immutable and safe for concurrent use.
type Compiled struct {
	loc       *time.Location
	rules     []compiledRule
	overrides map[Date][]Window
	durations []time.Duration
	minNotice time.Duration
	horizon   time.Duration
	before    time.Duration
	after     time.Duration
	step      time.Duration
}

type compiledRule struct {
	opt    rrule.ROption
	window Window
}

// Compile validates a and parses its rules once, so queries only expand them.
func (a Availability) Compile() (*Compiled, error) {
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("compile availability: %w", err)
	}
	c := &Compiled{
		loc:       a.TimeZone,
		overrides: make(map[Date][]Window, len(a.Overrides)),
		minNotice: a.MinNotice,
		horizon:   a.Horizon,
		before:    a.BufferBefore,
		after:     a.BufferAfter,
		step:      a.Step,
	}
	for _, r := range a.Rules {
		opt, err := parseRule(r.RRule)
		if err != nil { // Validate parsed it already
			return nil, fmt.Errorf("compile availability: %w", err)
		}
		c.rules = append(c.rules, compiledRule{opt, Window{r.Start, r.End}})
	}
	for _, o := range a.Overrides {
		c.overrides[o.Date] = slices.Clone(o.Windows)
	}
	for _, d := range a.Durations {
		c.durations = append(c.durations, time.Duration(d)*time.Minute)
	}
	return c, nil
}

// Offers reports whether d is one of the offered durations.
func (c *Compiled) Offers(d time.Duration) bool { return slices.Contains(c.durations, d) }

// Occupied is the time a Frontdesk meeting holds in the agent's calendar:
// the meeting with its buffers. Pass the agent's existing meetings through
// it before handing them to Slots or Check, and calendar busy time as is
// (see the package documentation).
func (c *Compiled) Occupied(start time.Time, d time.Duration) Interval {
	return Interval{start.Add(-c.before), start.Add(d + c.after)}
}

// Slots returns every free start in [from, to) for a meeting of duration d,
// ascending, in from's location (pass from in the guest's zone and the
// slots come out in it). It returns nil when d is not offered. See the
// package documentation for what free means.
//
// The rules are expanded once over the query's days and the busy time is
// sorted once; the candidates then sweep both in step, so the cost grows
// with the days and the busy intervals, not with their product.
func (c *Compiled) Slots(from, to time.Time, d time.Duration, now time.Time, busy []Interval) []time.Time {
	if !c.Offers(d) {
		return nil
	}
	lo := latest(from, now.Add(c.minNotice))
	hi := to // exclusive
	if h := now.Add(c.horizon).Add(1); h.Before(hi) {
		hi = h // the horizon itself is bookable
	}
	if !lo.Before(hi) {
		return nil
	}
	spans := c.spans(DateOf(lo.In(c.loc)), DateOf(hi.In(c.loc)).AddDays(2))
	// Only busy time a candidate's buffers can touch matters.
	blocked := normalize(busy, lo.Add(-c.before), hi.Add(d+c.after))
	out := make([]time.Time, 0, 64)
	j := 0 // blocked[:j] ends before every remaining candidate's buffers
	for _, sp := range spans {
		if !sp.start.Before(hi) {
			break
		}
		k := time.Duration(0)
		if sp.start.Before(lo) {
			k = ceilDiv(lo.Sub(sp.start), c.step)
		}
		for ; ; k++ {
			s := sp.start.Add(k * c.step)
			if !s.Before(sp.end) || !s.Before(hi) {
				break
			}
			e := s.Add(d)
			if e.After(sp.reach) {
				break // later starts end later still
			}
			hs, he := s.Add(-c.before), e.Add(c.after)
			for j < len(blocked) && !blocked[j].End.After(hs) {
				j++
			}
			if j < len(blocked) && blocked[j].Start.Before(he) {
				// Skip to the first grid start whose buffer clears this
				// busy interval (the loop's k++ lands on it).
				k = ceilDiv(blocked[j].End.Add(c.before).Sub(sp.start), c.step) - 1
				continue
			}
			out = append(out, s.In(from.Location()))
		}
	}
	return out
}

// Check reports whether a meeting of duration d can start at start: nil
// exactly when Slots would offer start, otherwise the first reason it is
// refused, in the order of the exported errors.
func (c *Compiled) Check(start time.Time, d time.Duration, now time.Time, busy []Interval) error {
	switch {
	case !c.Offers(d):
		return fmt.Errorf("%w: %v", ErrBadDuration, d)
	case start.Before(now):
		return ErrInPast
	case start.Before(now.Add(c.minNotice)):
		return ErrTooSoon
	case start.After(now.Add(c.horizon)):
		return ErrBeyondHorizon
	}
	day := DateOf(start.In(c.loc))
	spans := c.spans(day, day.AddDays(2))
	i, found := slices.BinarySearchFunc(spans, start, func(sp span, t time.Time) int {
		switch {
		case !sp.end.After(t):
			return -1
		case sp.start.After(t):
			return 1
		}
		return 0
	})
	if !found || start.Add(d).After(spans[i].reach) {
		return ErrOutsideAvailability
	}
	if start.Sub(spans[i].start)%c.step != 0 {
		return ErrMisaligned
	}
	hs, he := start.Add(-c.before), start.Add(d+c.after)
	for _, b := range busy {
		if b.End.After(b.Start) && b.Start.Before(he) && hs.Before(b.End) {
			return fmt.Errorf("%w: %s–%s", ErrTaken, b.Start.Format(time.RFC3339), b.End.Format(time.RFC3339))
		}
	}
	return nil
}

// span is one window of one day, as instants. reach is where availability
// runs out: the end of the window or of the windows that continue it
// without a gap.
type span struct {
	start, end, reach time.Time
}

// spans returns the windows of the agent's days first to last, sorted and
// disjoint: each rule is expanded once over the range, overridden days take
// the override's windows instead, each day's windows are merged in wall
// time, and then placed on the agent's zone.
func (c *Compiled) spans(first, last Date) []span {
	type dayWindow struct {
		day int // days after first
		Window
	}
	f0, l0 := first.floating(), last.floating()
	ndays := int(l0.Sub(f0)/(24*time.Hour)) + 1
	var ws []dayWindow
	overridden := make([]bool, ndays)
	for i := range ndays {
		if o, ok := c.overrides[first.AddDays(i)]; ok {
			overridden[i] = true
			for _, w := range o {
				ws = append(ws, dayWindow{i, w})
			}
		}
	}
	for _, r := range c.rules {
		expand(r.opt, f0, l0, func(t time.Time) {
			if i := int(t.Sub(f0) / (24 * time.Hour)); !overridden[i] {
				ws = append(ws, dayWindow{i, r.window})
			}
		})
	}
	slices.SortFunc(ws, func(a, b dayWindow) int {
		if a.day != b.day {
			return a.day - b.day
		}
		return int(a.Start - b.Start)
	})

	out := make([]span, 0, len(ws))
	for i := 0; i < len(ws); {
		w := ws[i]
		for i++; i < len(ws) && ws[i].day == w.day && ws[i].Start <= w.End; i++ {
			w.End = max(w.End, ws[i].End)
		}
		date := first.AddDays(w.day)
		s, e := date.At(w.Start, c.loc), date.At(w.End, c.loc)
		if e.After(s) { // a window inside a DST gap is empty
			out = append(out, span{start: s, end: e, reach: e})
		}
	}
	for i := len(out) - 2; i >= 0; i-- {
		if out[i].end.Equal(out[i+1].start) {
			out[i].reach = out[i+1].reach
		}
	}
	return out
}

// normalize returns the non-empty busy intervals that end after lo and
// start before hi, sorted and merged, so the sweep in Slots needs one
// pointer. busy itself is left alone.
func normalize(busy []Interval, lo, hi time.Time) []Interval {
	out := make([]Interval, 0, len(busy))
	for _, b := range busy {
		if b.End.After(b.Start) && b.End.After(lo) && b.Start.Before(hi) {
			out = append(out, b)
		}
	}
	byStart := func(a, b Interval) int { return a.Start.Compare(b.Start) }
	if !slices.IsSortedFunc(out, byStart) { // callers usually load them in order
		slices.SortFunc(out, byStart)
	}
	merged := out[:0]
	for _, b := range out {
		if n := len(merged); n > 0 && !b.Start.After(merged[n-1].End) {
			if b.End.After(merged[n-1].End) {
				merged[n-1].End = b.End
			}
			continue
		}
		merged = append(merged, b)
	}
	return merged
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// ceilDiv is ⌈a/b⌉ for a >= 0, b > 0.
func ceilDiv(a, b time.Duration) time.Duration { return (a + b - 1) / b }
