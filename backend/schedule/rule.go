package schedule

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// defaultAnchor anchors rules written without a DTSTART. It is fixed (never
// "now") so a rule means the same days on every server and every day; it is
// a Monday so "FREQ=WEEKLY;INTERVAL=2" weeks start on Mondays.
var defaultAnchor = time.Date(2001, time.January, 1, 0, 0, 0, 0, time.UTC)

// parseRule reads a Rule's RRULE text into rrule options on the floating
// (UTC) calendar, with DTSTART at 00:00 of its anchor date and every default
// rrule-go would derive from DTSTART written out, so that the rule keeps its
// meaning when expand moves DTSTART forward.
func parseRule(text string) (rrule.ROption, error) {
	var body, dtstart string
	for line := range strings.Lines(strings.TrimSpace(text)) {
		line = strings.TrimSpace(line)
		upper := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(upper, "DTSTART"):
			if dtstart != "" {
				return rrule.ROption{}, errors.New("more than one DTSTART")
			}
			dtstart = line
		case !strings.Contains(upper, "FREQ="):
			return rrule.ROption{}, fmt.Errorf("unexpected line %q: want an RRULE and at most a DTSTART", line)
		case body != "":
			return rrule.ROption{}, errors.New("more than one RRULE")
		default:
			body = strings.TrimPrefix(upper, "RRULE:")
		}
	}
	if body == "" {
		return rrule.ROption{}, errors.New("is required")
	}
	parsed, err := rrule.StrToROption(body)
	if err != nil {
		return rrule.ROption{}, fmt.Errorf("not a valid RRULE: %w", err)
	}
	opt := *parsed
	switch {
	case opt.Freq > rrule.DAILY:
		return rrule.ROption{}, errors.New("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY: the window gives the hours")
	case len(opt.Byhour)+len(opt.Byminute)+len(opt.Bysecond) > 0:
		return rrule.ROption{}, errors.New("BYHOUR, BYMINUTE and BYSECOND are not allowed: the window gives the hours")
	case opt.Count < 0 || opt.Interval < 0:
		return rrule.ROption{}, errors.New("COUNT and INTERVAL must be positive")
	case opt.Count > 0 && dtstart == "":
		return rrule.ROption{}, errors.New("COUNT needs a DTSTART to count from")
	}
	opt.Dtstart = defaultAnchor
	if dtstart != "" {
		if opt.Dtstart, err = parseDTStart(dtstart); err != nil {
			return rrule.ROption{}, err
		}
	}
	if !opt.Until.IsZero() {
		// UNTIL is a floating date like everything else: keep its written
		// date, whatever zone rrule-go parsed it in.
		opt.Until = DateOf(opt.Until).floating()
	}
	writeDefaults(&opt)
	if _, err := rrule.NewRRule(opt); err != nil {
		return rrule.ROption{}, fmt.Errorf("not a valid RRULE: %w", err)
	}
	return opt, nil
}

// parseDTStart reads the date of a "DTSTART[;params]:YYYYMMDD[THHMMSS[Z]]"
// line. The time and zone are ignored: rules select days, and a day is read
// on the agent's calendar.
func parseDTStart(line string) (time.Time, error) {
	i := strings.LastIndexByte(line, ':')
	value := line[i+1:]
	if i < 0 || len(value) < 8 || len(value) > 8 && value[8] != 'T' {
		return time.Time{}, fmt.Errorf("DTSTART %q: want DTSTART:YYYYMMDD", line)
	}
	t, err := time.Parse("20060102", value[:8])
	if err != nil {
		return time.Time{}, fmt.Errorf("DTSTART %q: %w", line, err)
	}
	return t, nil
}

// writeDefaults spells out what rrule-go would otherwise derive from
// DTSTART (mirroring its buildRRule), so moving DTSTART keeps the days.
func writeDefaults(o *rrule.ROption) {
	if len(o.Byweekno)+len(o.Byyearday)+len(o.Bymonthday)+len(o.Byweekday)+len(o.Byeaster) > 0 {
		return
	}
	a := o.Dtstart
	switch o.Freq {
	case rrule.YEARLY:
		if len(o.Bymonth) == 0 {
			o.Bymonth = []int{int(a.Month())}
		}
		o.Bymonthday = []int{a.Day()}
	case rrule.MONTHLY:
		o.Bymonthday = []int{a.Day()}
	case rrule.WEEKLY:
		o.Byweekday = []rrule.Weekday{weekdays[a.Weekday()]}
	}
}

var weekdays = [...]rrule.Weekday{
	time.Sunday: rrule.SU, time.Monday: rrule.MO, time.Tuesday: rrule.TU,
	time.Wednesday: rrule.WE, time.Thursday: rrule.TH, time.Friday: rrule.FR,
	time.Saturday: rrule.SA,
}

// expand calls fn with each day in [first, last] (floating midnights) that
// the rule selects, in order.
//
// rrule-go always iterates from DTSTART, so a rule anchored years ago would
// walk every period since. Unless COUNT needs the whole history, DTSTART is
// moved forward by whole periods to at least one period before first: the
// periods keep their phase, the defaults are already written out, and the
// one partial period a later DTSTART cuts short ends before first.
func expand(opt rrule.ROption, first, last time.Time, fn func(day time.Time)) {
	if opt.Count == 0 {
		opt.Dtstart = rebase(opt, first)
	}
	r, err := rrule.NewRRule(opt)
	if err != nil {
		return // parseRule built opt with NewRRule already
	}
	next := r.Iterator()
	for {
		t, ok := next()
		if !ok || t.After(last) {
			return
		}
		if !t.Before(first) {
			fn(t)
		}
	}
}

// rebase is the latest DTSTART, a whole number of periods after opt's, that
// is still at least one period before first.
func rebase(opt rrule.ROption, first time.Time) time.Time {
	a := opt.Dtstart
	n := max(opt.Interval, 1)
	switch opt.Freq {
	case rrule.DAILY, rrule.WEEKLY:
		period := n
		if opt.Freq == rrule.WEEKLY {
			period = 7 * n
		}
		days := int(first.Sub(a) / (24 * time.Hour))
		if k := (days - period) / period; k > 0 {
			return a.AddDate(0, 0, k*period)
		}
	case rrule.MONTHLY:
		months := (first.Year()-a.Year())*12 + int(first.Month()-a.Month())
		if k := (months - n - 1) / n; k > 0 {
			return time.Date(a.Year(), a.Month()+time.Month(k*n), 1, 0, 0, 0, 0, time.UTC)
		}
	case rrule.YEARLY:
		if k := (first.Year() - a.Year() - n - 1) / n; k > 0 {
			return time.Date(a.Year()+k*n, time.January, 1, 0, 0, 0, 0, time.UTC)
		}
	}
	return a
}
