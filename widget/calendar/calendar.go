// Package calendar is the date arithmetic of the booking page: the month
// grid the guest picks a day from, the free slots grouped by day, and the
// time zones the guest can switch between.
//
// Days are civil dates ("2026-12-01") in the zone the guest chose. The
// slots API already answers in that zone (RFC 3339 with the zone's offset),
// so a slot's day is the first ten characters of its start: no zone rules
// are needed in the browser, where Go's own are missing. It holds no
// browser code, so it is tested with plain `go test`.
package calendar

import (
	"fmt"
	"slices"
	"time"
)

// dateLayout is the civil date of the API's from/to and of the page's
// data-date attributes.
const dateLayout = "2006-01-02"

// ParseDate reads a civil date; the result is midnight UTC, a stand-in for
// the day in whatever zone it belongs to.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("calendar: date %q: %w", s, err)
	}
	return t, nil
}

// FormatDate is ParseDate's inverse.
func FormatDate(t time.Time) string { return t.Format(dateLayout) }

// AddDays moves a civil date by n days ("" when date is not one).
func AddDays(date string, n int) string {
	t, err := ParseDate(date)
	if err != nil {
		return ""
	}
	return FormatDate(t.AddDate(0, 0, n))
}

// Month is one page of the date picker.
type Month struct {
	Year  int
	Month time.Month
}

// MonthOf is the month a civil date falls in.
func MonthOf(date string) (Month, error) {
	t, err := ParseDate(date)
	if err != nil {
		return Month{}, err
	}
	return Month{t.Year(), t.Month()}, nil
}

// Add moves n months on (or back, for negative n).
func (m Month) Add(n int) Month {
	t := time.Date(m.Year, m.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	return Month{t.Year(), t.Month()}
}

// Before reports whether m comes before o.
func (m Month) Before(o Month) bool {
	return m.Year < o.Year || (m.Year == o.Year && m.Month < o.Month)
}

// First and Last are the month's first and last days.
func (m Month) First() string { return FormatDate(m.first()) }

func (m Month) Last() string { return FormatDate(m.first().AddDate(0, 1, -1)) }

func (m Month) first() time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC) }

// Contains reports whether the civil date falls in m.
func (m Month) Contains(date string) bool {
	o, err := MonthOf(date)
	return err == nil && o == m
}

// Weeks lays the month out in rows of seven days starting on weekStart;
// cells outside the month are "".
func (m Month) Weeks(weekStart time.Weekday) [][7]string {
	first := m.first()
	lead := (int(first.Weekday()) - int(weekStart) + 7) % 7
	days := first.AddDate(0, 1, -1).Day()
	var weeks [][7]string
	for cell := 0; cell < lead+days; cell += 7 {
		var w [7]string
		for i := range w {
			if d := cell + i - lead; d >= 0 && d < days {
				w[i] = FormatDate(first.AddDate(0, 0, d))
			}
		}
		weeks = append(weeks, w)
	}
	return weeks
}

// Range is the span of m to ask the slots API for: the whole month, or from
// today on when today falls in it. ok is false for a month that is over.
func (m Month) Range(today string) (from, to string, ok bool) {
	from, to = m.First(), m.Last()
	if today > to {
		return "", "", false
	}
	if today > from {
		from = today
	}
	return from, to, true
}

// ByDay groups slot starts (RFC 3339, in the zone they were asked in) by
// their civil date, keeping each day's starts in the given order.
func ByDay(starts []string) map[string][]string {
	out := map[string][]string{}
	for _, s := range starts {
		if len(s) < len(dateLayout) {
			continue
		}
		day := s[:len(dateLayout)]
		out[day] = append(out[day], s)
	}
	return out
}

// FirstDay is the earliest day that has a slot, or "".
func FirstDay(byDay map[string][]string) string {
	first := ""
	for day, starts := range byDay {
		if len(starts) > 0 && (first == "" || day < first) {
			first = day
		}
	}
	return first
}

// Common is the time-zone switcher's list: a zone or two for each populated
// part of the world, west to east. The guest's detected zone and the
// agent's are added in front by Zones.
var Common = []string{
	"Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver",
	"America/Phoenix", "America/Chicago", "America/Mexico_City", "America/New_York",
	"America/Toronto", "America/Bogota", "America/Halifax", "America/Santiago",
	"America/Sao_Paulo", "America/Argentina/Buenos_Aires", "Atlantic/Azores", "UTC",
	"Europe/London", "Europe/Lisbon", "Africa/Lagos", "Europe/Paris", "Europe/Berlin",
	"Europe/Madrid", "Europe/Rome", "Europe/Zurich", "Europe/Amsterdam", "Europe/Stockholm",
	"Europe/Warsaw", "Africa/Johannesburg", "Africa/Cairo", "Europe/Athens", "Europe/Helsinki",
	"Europe/Istanbul", "Europe/Moscow", "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata",
	"Asia/Dhaka", "Asia/Bangkok", "Asia/Jakarta", "Asia/Singapore", "Asia/Shanghai",
	"Asia/Hong_Kong", "Australia/Perth", "Asia/Tokyo", "Asia/Seoul", "Australia/Adelaide",
	"Australia/Brisbane", "Australia/Sydney", "Pacific/Auckland",
}

// Zones is the switcher's options: the given zones first (the detected
// one, the agent's, the meeting's…), then the common ones, each once.
func Zones(first ...string) []string {
	out := make([]string, 0, len(first)+len(Common))
	for _, z := range append(slices.Clip(first), Common...) {
		if z != "" && !slices.Contains(out, z) {
			out = append(out, z)
		}
	}
	return out
}

// Durations is the duration choice: the offered ones, plus current (a
// meeting's present length, which the agent may have stopped offering)
// when it is set, in ascending order.
func Durations(offered []int, current int) []int {
	out := slices.Clone(offered)
	if current > 0 && !slices.Contains(out, current) {
		out = append(out, current)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Weekday is the day of the week of a civil date (Sunday when date is not
// one).
func Weekday(date string) time.Weekday {
	t, err := ParseDate(date)
	if err != nil {
		return time.Sunday
	}
	return t.Weekday()
}

// WeekBounds are the first and last days of the week, starting on
// weekStart, that date falls in, kept inside date's month: the Home and
// End keys of the date grid go there.
func WeekBounds(date string, weekStart time.Weekday) (first, last string) {
	m, err := MonthOf(date)
	if err != nil {
		return "", ""
	}
	lead := (int(Weekday(date)) - int(weekStart) + 7) % 7
	first, last = AddDays(date, -lead), AddDays(date, 6-lead)
	if !m.Contains(first) {
		first = m.First()
	}
	if !m.Contains(last) {
		last = m.Last()
	}
	return first, last
}

// AddMonths moves a civil date n months on (or back), to the same day of
// the month or, when that month is shorter, its last day: Page Up and Page
// Down in the date grid.
func AddMonths(date string, n int) string {
	t, err := ParseDate(date)
	if err != nil {
		return ""
	}
	m := Month{t.Year(), t.Month()}.Add(n)
	last, _ := ParseDate(m.Last())
	day := min(t.Day(), last.Day())
	return FormatDate(time.Date(m.Year, m.Month, day, 0, 0, 0, 0, time.UTC))
}
