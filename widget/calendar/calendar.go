// Package calendar is the date arithmetic of the booking page: the month
// grid the guest picks a day from, the free slots grouped by day, and the
// time zones the guest can switch between.
//
// Days are civil dates ("2026-12-01") in the zone the guest chose. The
// slots API already answers in that zone (RFC 3339 with the zone's offset),
// so a slot's day is the first ten characters of its start: no zone rules
// are needed in the browser, where Go's own are missing. Dates are counted
// in days with integer arithmetic rather than with package time, whose
// import alone costs the WebAssembly 40 KB of brotli; a test walks four
// centuries against package time. It holds no browser code, so it is
// tested with plain `go test`.
package calendar

import (
	"errors"
	"slices"
	"strconv"
)

// Weekday is a day of the week, Sunday 0 to Saturday 6, as in package time
// and JavaScript's Date.
type Weekday int

const (
	Sunday Weekday = iota
	Monday
	Tuesday
	Wednesday
	Thursday
	Friday
	Saturday
)

// date is a civil date: days since 1970-01-01.
type date int

// dateLen is the length of a civil date, YYYY-MM-DD.
const dateLen = 10

var errDate = errors.New("calendar: not a date (YYYY-MM-DD)")

// parseDate reads a civil date of the API's from/to and the page's
// data-date attributes: YYYY-MM-DD exactly.
func parseDate(s string) (date, error) {
	if len(s) != dateLen || s[4] != '-' || s[7] != '-' {
		return 0, errDate
	}
	y, ok1 := digits(s[:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, errDate
	}
	return civil(y, m, d), nil
}

// civil is the date of year y, month m (1–12), day d, which may run past
// the month's end or before its start (day 0 is the last of the month
// before). After Howard Hinnant's days_from_civil.
func civil(y, m, d int) date {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12 // March is 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return date(era*146097 + doe - 719468)
}

// ymd is the year, month and day of d (Hinnant's civil_from_days).
func (d date) ymd() (y, m, day int) {
	z := int(d) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, day
}

func (d date) String() string {
	y, m, day := d.ymd()
	return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(day, 2)
}

func (d date) weekday() Weekday { return Weekday(((int(d)+4)%7 + 7) % 7) } // 1970-01-01 was a Thursday

// digits reads a number written with ASCII digits alone.
func digits(s string) (int, bool) {
	n := 0
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, s != ""
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// AddDays is the date n days after date ("" if date is not one).
func AddDays(s string, n int) string {
	d, err := parseDate(s)
	if err != nil {
		return ""
	}
	return (d + date(n)).String()
}

// Month is a month of the date picker.
type Month struct {
	Year  int
	Month int // 1–12
}

// MonthOf is the month a civil date is in.
func MonthOf(s string) (Month, error) {
	d, err := parseDate(s)
	if err != nil {
		return Month{}, err
	}
	y, m, _ := d.ymd()
	return Month{y, m}, nil
}

// Add is the month n months later (earlier for negative n).
func (m Month) Add(n int) Month {
	i := m.Year*12 + m.Month - 1 + n
	y := i / 12
	if i < 0 && i%12 != 0 {
		y--
	}
	return Month{y, i - y*12 + 1}
}

// Before reports whether m comes before o.
func (m Month) Before(o Month) bool {
	return m.Year < o.Year || (m.Year == o.Year && m.Month < o.Month)
}

// First and Last are the month's first and last days.
func (m Month) First() string { return m.first().String() }

func (m Month) Last() string { return (m.first() + date(m.days()-1)).String() }

func (m Month) first() date { return civil(m.Year, m.Month, 1) }

func (m Month) days() int { return daysIn(m.Year, m.Month) }

// Contains reports whether date is a day of m.
func (m Month) Contains(date string) bool {
	o, err := MonthOf(date)
	return err == nil && o == m
}

// Weeks lays the month out in rows of seven days starting on weekStart;
// cells outside the month are "".
func (m Month) Weeks(weekStart Weekday) [][7]string {
	first := m.first()
	lead := (int(first.weekday()) - int(weekStart) + 7) % 7
	days := m.days()
	var weeks [][7]string
	for cell := 0; cell < lead+days; cell += 7 {
		var w [7]string
		for i := range w {
			if d := cell + i - lead; d >= 0 && d < days {
				w[i] = (first + date(d)).String()
			}
		}
		weeks = append(weeks, w)
	}
	return weeks
}

// Range is the part of m to ask the slots API for, given today: all of a
// later month, the rest of this one, nothing (ok false) of a past one.
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
		if len(s) < dateLen {
			continue
		}
		day := s[:dateLen]
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
	var out []int
	add := func(d int) {
		// Insertion into a sorted list: a handful of lengths, and
		// slices.Sort would cost the WebAssembly 10 KB.
		i := 0
		for i < len(out) && out[i] < d {
			i++
		}
		if i == len(out) || out[i] != d {
			out = slices.Insert(out, i, d)
		}
	}
	for _, d := range offered {
		add(d)
	}
	if current > 0 {
		add(current)
	}
	return out
}

// WeekdayOf is the day of the week of a civil date (Sunday if it is not
// one).
func WeekdayOf(s string) Weekday {
	d, err := parseDate(s)
	if err != nil {
		return Sunday
	}
	return d.weekday()
}

// WeekBounds are the first and last days of date's week, starting on
// weekStart, kept within date's month (the date grid's Home and End).
func WeekBounds(s string, weekStart Weekday) (first, last string) {
	m, err := MonthOf(s)
	if err != nil {
		return "", ""
	}
	lead := (int(WeekdayOf(s)) - int(weekStart) + 7) % 7
	first, last = AddDays(s, -lead), AddDays(s, 6-lead)
	if !m.Contains(first) {
		first = m.First()
	}
	if !m.Contains(last) {
		last = m.Last()
	}
	return first, last
}

// AddMonths is the same day n months later, or that month's last day when
// it is shorter (Page Down from 31 January is 28 February).
func AddMonths(s string, n int) string {
	d, err := parseDate(s)
	if err != nil {
		return ""
	}
	y, mo, day := d.ymd()
	m := Month{y, mo}.Add(n)
	return civil(m.Year, m.Month, min(day, m.days())).String()
}
