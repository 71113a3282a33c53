package app

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/frontdesk/frontdesk/model"
)

// Working hours are stored as RRULE-based rules ("FREQ=WEEKLY;BYDAY=MO,TU"
// with a window) and edited as a week: windows per weekday. weekFromRules
// and weekRules convert between the two; rules a week cannot show (another
// frequency, an interval, an end date…) are left as they are.

// rruleDays are the RFC 5545 weekday codes, Monday first, as the week is.
var rruleDays = [7]string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

// dayNames name the week's days, Monday first.
var dayNames = [7]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

// week holds the working hours of each weekday, Monday first, each day's
// windows in order of start.
type week [7][]model.Window

// weekFromRules reads the weekly rules into a week. Rules it cannot
// represent come back in other, unchanged.
func weekFromRules(rules []model.AvailabilityRule) (w week, other []model.AvailabilityRule) {
	for _, r := range rules {
		days, ok := weeklyDays(r.RRule)
		if !ok {
			other = append(other, r)
			continue
		}
		for _, d := range days {
			if !slices.Contains(w[d], r.Window) {
				w[d] = append(w[d], r.Window)
			}
		}
	}
	for d := range w {
		sortWindows(w[d])
	}
	return w, other
}

// weeklyDays returns the weekdays (0 for Monday) a rule repeats on, when it
// is a plain weekly or daily rule: FREQ=WEEKLY with BYDAY, or FREQ=DAILY
// with or without; INTERVAL=1 and WKST change nothing. ok is false for
// anything else.
func weeklyDays(rrule string) (days []int, ok bool) {
	rrule = strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(rrule)), "RRULE:")
	var freq string
	var byDay []string
	for part := range strings.SplitSeq(rrule, ";") {
		key, value, found := strings.Cut(part, "=")
		if !found {
			return nil, false
		}
		switch key {
		case "FREQ":
			freq = value
		case "BYDAY":
			byDay = strings.Split(value, ",")
		case "INTERVAL":
			if value != "1" {
				return nil, false
			}
		case "WKST":
		default:
			return nil, false
		}
	}
	switch {
	case freq == "DAILY" && byDay == nil:
		return []int{0, 1, 2, 3, 4, 5, 6}, true
	case (freq == "WEEKLY" || freq == "DAILY") && len(byDay) > 0:
	default:
		return nil, false
	}
	for _, code := range byDay {
		d := slices.Index(rruleDays[:], code) // "1MO" and the like are not weekly
		if d < 0 {
			return nil, false
		}
		if !slices.Contains(days, d) {
			days = append(days, d)
		}
	}
	slices.Sort(days)
	return days, true
}

// weekRules writes a week as rules: one per distinct window, on every day
// that has it ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" 09:00–17:00), ordered by
// the window's start.
func weekRules(w week) []model.AvailabilityRule {
	var windows []model.Window
	days := map[model.Window][]string{}
	for d, ws := range w {
		for _, win := range ws {
			if _, seen := days[win]; !seen {
				windows = append(windows, win)
			}
			if !slices.Contains(days[win], rruleDays[d]) {
				days[win] = append(days[win], rruleDays[d])
			}
		}
	}
	sortWindows(windows)
	rules := make([]model.AvailabilityRule, len(windows))
	for i, win := range windows {
		rules[i] = model.AvailabilityRule{RRule: "FREQ=WEEKLY;BYDAY=" + strings.Join(days[win], ","), Window: win}
	}
	return rules
}

// sortWindows orders windows by start, then end.
func sortWindows(ws []model.Window) {
	slices.SortFunc(ws, func(a, b model.Window) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
	})
}

// checkWindows finds what is wrong with a day's windows before the server
// does: a time that is not HH:MM, an end not after its start, windows
// that overlap. The problems are keyed by window index.
func checkWindows(ws []model.Window) map[int]string {
	problems := map[int]string{}
	for i, w := range ws {
		start, okStart := clockMinutes(w.Start)
		end, okEnd := clockMinutes(w.End)
		switch {
		case !okStart || start >= 24*60:
			problems[i] = "The start must be a time like 09:00."
		case !okEnd || end == 0:
			problems[i] = "The end must be a time like 17:00."
		case end <= start:
			problems[i] = "The end must be after the start."
		}
	}
	for i, a := range ws {
		for j := i + 1; j < len(ws); j++ {
			b := ws[j]
			if problems[i] != "" || problems[j] != "" {
				continue
			}
			as, _ := clockMinutes(a.Start)
			ae, _ := clockMinutes(a.End)
			bs, _ := clockMinutes(b.Start)
			be, _ := clockMinutes(b.End)
			if as < be && bs < ae {
				problems[j] = fmt.Sprintf("Overlaps %s–%s.", a.Start, a.End)
			}
		}
	}
	return problems
}

// clockMinutes parses "HH:MM" (00:00 to 24:00) into minutes after midnight.
func clockMinutes(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// ruleDaysLabel names the days of a rule for a message: "Mon, Tue".
func ruleDaysLabel(rrule string) string {
	days, ok := weeklyDays(rrule)
	if !ok {
		return rrule
	}
	names := make([]string, len(days))
	for i, d := range days {
		names[i] = dayNames[d][:3]
	}
	return strings.Join(names, ", ")
}
