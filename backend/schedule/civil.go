package schedule

import (
	"fmt"
	"time"
)

// Clock is a wall-clock time of day in minutes after midnight, from 00:00 to
// 24:00 (the end of the day, only meaningful as a window's end).
type Clock int

const endOfDay Clock = 24 * 60

// ParseClock reads "HH:MM" (24-hour, "24:00" allowed).
func ParseClock(s string) (Clock, error) {
	digit := func(i int) int {
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return -1
		}
		return int(s[i] - '0')
	}
	h1, h2, m1, m2 := digit(0), digit(1), digit(3), digit(4)
	if len(s) != 5 || s[2] != ':' || h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0 {
		return 0, fmt.Errorf("parse clock %q: want HH:MM", s)
	}
	h, m := h1*10+h2, m1*10+m2
	c := Clock(h*60 + m)
	if m > 59 || !c.valid() {
		return 0, fmt.Errorf("parse clock %q: out of range", s)
	}
	return c, nil
}

func (c Clock) valid() bool { return c >= 0 && c <= endOfDay }

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// MarshalText writes "HH:MM", so a Clock is a string in JSON.
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads "HH:MM".
func (c *Clock) UnmarshalText(b []byte) error {
	v, err := ParseClock(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Date is a civil date, without a zone: which instants it covers depends
// on whose calendar it is read in.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	return DateOf(t), nil
}

// DateOf is the civil date t falls on in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// MarshalText writes "YYYY-MM-DD", so a Date is a string in JSON.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "YYYY-MM-DD".
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// AddDays is the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date { return DateOf(d.floating().AddDate(0, 0, n)) }

// Start is the first instant of d in loc: midnight, or the end of the DST
// gap where midnight does not exist. A guest's day d in zone loc is the
// instants [d.Start(loc), d.AddDays(1).Start(loc)).
func (d Date) Start(loc *time.Location) time.Time { return d.At(0, loc) }

// At is the first instant at which the clock in loc reads c or later on
// day d: a time inside a DST gap becomes the end of the gap, an ambiguous
// time its first occurrence (RFC 5545 §3.3.5). Clock 24:00 is the next
// day's 00:00. A nil loc is UTC.
func (d Date) At(c Clock, loc *time.Location) time.Time {
	// u is the wall time read as if it were UTC; the instant we want is
	// u minus the zone offset in force then. Only the offsets in force a
	// day either side can be candidates (real zones change offset at most
	// once a day).
	u := time.Date(d.Year, d.Month, d.Day, 0, int(c), 0, 0, time.UTC)
	if loc == nil || loc == time.UTC {
		return u
	}
	before := offset(u.Add(-24*time.Hour), loc)
	after := offset(u.Add(24*time.Hour), loc)
	// With the earlier offset first: in an overlap both candidates are
	// valid and the earlier instant is the first occurrence.
	if t := u.Add(-before); offset(t, loc) == before {
		return t.In(loc)
	}
	if t := u.Add(-after); offset(t, loc) == after {
		return t.In(loc)
	}
	// Neither offset gives this wall time: it is in a gap, and the first
	// instant reading later than it is the end of the gap. u-after is
	// before the jump (still on the old offset), so its zone ends there.
	if _, end := u.Add(-after).In(loc).ZoneBounds(); !end.IsZero() {
		return end
	}
	return u.Add(-before).In(loc)
}

func (d Date) valid() bool {
	return d.Month >= time.January && d.Month <= time.December && d.Day >= 1 &&
		DateOf(d.floating()) == d
}

// floating is d at 00:00 UTC: the representation the rule expansion uses,
// where every day is 24 hours long.
func (d Date) floating() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// offset is loc's UTC offset at instant t.
func offset(t time.Time, loc *time.Location) time.Duration {
	_, s := t.In(loc).Zone()
	return time.Duration(s) * time.Second
}
