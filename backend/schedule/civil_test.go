package schedule

import (
	"math/rand/v2"
	"testing"
	"time"
	_ "time/tzdata" // the DST tables must not depend on the host's zoneinfo
)

func loadLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

func hm(h, m int) Clock { return Clock(h*60 + m) }

func date(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParseClock(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Clock
		ok   bool
	}{
		{"00:00", 0, true},
		{"09:30", hm(9, 30), true},
		{"23:59", hm(23, 59), true},
		{"24:00", endOfDay, true},
		{"24:01", 0, false},
		{"25:00", 0, false},
		{"09:60", 0, false},
		{"9:00", 0, false},
		{"09-00", 0, false},
		{"+9:00", 0, false},
		{" 9:00", 0, false},
		{"", 0, false},
	} {
		got, err := ParseClock(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if tc.ok && got.String() != tc.in {
			t.Errorf("Clock(%q).String() = %q", tc.in, got.String())
		}
	}
}

func TestDateText(t *testing.T) {
	var d Date
	if err := d.UnmarshalText([]byte("2026-02-28")); err != nil {
		t.Fatal(err)
	}
	if d != (Date{2026, time.February, 28}) || d.String() != "2026-02-28" {
		t.Fatalf("got %+v %s", d, d)
	}
	if d.AddDays(1) != (Date{2026, time.March, 1}) || d.AddDays(-59) != (Date{2025, time.December, 31}) {
		t.Fatalf("AddDays: %s %s", d.AddDays(1), d.AddDays(-59))
	}
	for _, bad := range []string{"2026-02-29", "2026-13-01", "26-01-01", ""} {
		if err := d.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	if (Date{2026, time.February, 29}).valid() || (Date{2026, 0, 1}).valid() || !(Date{2028, time.February, 29}).valid() {
		t.Error("valid() wrong about February or month 0")
	}
}

// TestDateAt pins the wall-clock-to-instant rule at the edges that matter:
// gaps become the end of the gap, ambiguous times their first occurrence.
func TestDateAt(t *testing.T) {
	for _, tc := range []struct {
		zone, day string
		c         Clock
		want      string
	}{
		{"UTC", "2026-03-29", hm(2, 30), "2026-03-29T02:30:00Z"},
		{"Europe/Berlin", "2026-03-29", hm(1, 59), "2026-03-29T01:59:00+01:00"},
		{"Europe/Berlin", "2026-03-29", hm(2, 0), "2026-03-29T03:00:00+02:00"},
		{"Europe/Berlin", "2026-03-29", hm(2, 30), "2026-03-29T03:00:00+02:00"},
		{"Europe/Berlin", "2026-03-29", hm(3, 0), "2026-03-29T03:00:00+02:00"},
		{"Europe/Berlin", "2026-03-29", hm(9, 0), "2026-03-29T09:00:00+02:00"},
		{"Europe/Berlin", "2026-03-29", endOfDay, "2026-03-30T00:00:00+02:00"},
		{"Europe/Berlin", "2026-10-25", hm(1, 59), "2026-10-25T01:59:00+02:00"},
		{"Europe/Berlin", "2026-10-25", hm(2, 0), "2026-10-25T02:00:00+02:00"},
		{"Europe/Berlin", "2026-10-25", hm(2, 30), "2026-10-25T02:30:00+02:00"},
		{"Europe/Berlin", "2026-10-25", hm(3, 0), "2026-10-25T03:00:00+01:00"},
		{"Europe/Berlin", "2026-10-25", hm(17, 0), "2026-10-25T17:00:00+01:00"},
		{"America/New_York", "2026-03-08", hm(2, 30), "2026-03-08T03:00:00-04:00"},
		{"America/New_York", "2026-11-01", hm(1, 30), "2026-11-01T01:30:00-04:00"},
		{"America/New_York", "2026-11-01", hm(2, 0), "2026-11-01T02:00:00-05:00"},
		{"Asia/Kolkata", "2026-03-29", hm(9, 0), "2026-03-29T09:00:00+05:30"},
		{"Australia/Adelaide", "2026-04-05", hm(2, 30), "2026-04-05T02:30:00+10:30"},
		{"Australia/Adelaide", "2026-10-04", hm(2, 30), "2026-10-04T03:00:00+10:30"},
		// A 30-minute DST shift.
		{"Australia/Lord_Howe", "2026-04-05", hm(1, 45), "2026-04-05T01:45:00+11:00"},
		{"Australia/Lord_Howe", "2026-10-04", hm(2, 15), "2026-10-04T02:30:00+11:00"},
		// Midnight does not exist when Cuba springs forward.
		{"America/Havana", "2026-03-08", 0, "2026-03-08T01:00:00-04:00"},
		// Chile falls back at 24:00: 23:00–24:00 happens twice, and the
		// next day starts after the second pass.
		{"America/Santiago", "2026-04-04", hm(23, 30), "2026-04-04T23:30:00-03:00"},
		{"America/Santiago", "2026-04-04", endOfDay, "2026-04-05T00:00:00-04:00"},
		{"America/Santiago", "2026-09-06", 0, "2026-09-06T01:00:00-03:00"},
		// Samoa skipped 30 December 2011 altogether.
		{"Pacific/Apia", "2011-12-30", hm(12, 0), "2011-12-31T00:00:00+14:00"},
	} {
		loc := loadLoc(t, tc.zone)
		got := date(t, tc.day).At(tc.c, loc)
		want, err := time.Parse(time.RFC3339, tc.want)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(want) {
			t.Errorf("%s %s %s: got %s, want %s", tc.zone, tc.day, tc.c, got.Format(time.RFC3339), tc.want)
		}
	}
}

// TestDateAtIsFirstReading checks the rule itself across many zones and
// every day of two years: the result's wall clock reads the requested time,
// or, when that time does not exist, the result is a zone transition the
// clock jumps across it at.
func TestDateAtIsFirstReading(t *testing.T) {
	zones := []string{
		"Europe/Berlin", "America/New_York", "Australia/Adelaide", "Australia/Lord_Howe",
		"America/Havana", "America/Santiago", "Asia/Kolkata", "Pacific/Chatham", "Asia/Tehran",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, zone := range zones {
		loc := loadLoc(t, zone)
		for d := (Date{2026, time.January, 1}); d.Year < 2028; d = d.AddDays(1) {
			for _, c := range []Clock{0, hm(1, 30), hm(2, 0), hm(2, 30), hm(3, 0), Clock(rng.IntN(1440)), endOfDay} {
				got := d.At(c, loc)
				want := d.floating().Add(time.Duration(c) * time.Minute)
				wall := wallOf(got)
				if wall.Equal(want) {
					// It must be the first reading: in a fall-back
					// overlap the clock read it once more, a DST shift
					// (30 minutes to 2 hours) earlier.
					for _, back := range []time.Duration{30 * time.Minute, time.Hour, 2 * time.Hour} {
						if wallOf(got.Add(-back)).Equal(want) {
							t.Fatalf("%s %s %s: got %s, but the clock read that %s earlier too",
								zone, d, c, got.Format(time.RFC3339), back)
						}
					}
					continue
				}
				start, _ := got.ZoneBounds()
				if !start.Equal(got) || !wallOf(got.Add(-time.Second)).Before(want) || !wall.After(want) {
					t.Fatalf("%s %s %s: got %s, which is neither that wall time nor the end of a gap over it",
						zone, d, c, got.Format(time.RFC3339))
				}
			}
		}
	}
}

// wallOf is t's wall clock as a floating (UTC) time.
func wallOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}
