package calendar

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestWeeks(t *testing.T) {
	tests := []struct {
		name      string
		month     Month
		weekStart Weekday
		rows      int
		first     [7]string // the first row
		last      [7]string // the last row
	}{
		// 1 December 2026 is a Tuesday.
		{"monday start", Month{2026, 12}, Monday, 5,
			[7]string{"", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06"},
			[7]string{"2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "", "", ""}},
		{"sunday start", Month{2026, 12}, Sunday, 5,
			[7]string{"", "", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05"},
			[7]string{"2026-12-27", "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "", ""}},
		// February 2027 starts on a Monday and has 28 days: exactly four rows.
		{"four full rows", Month{2027, 2}, Monday, 4,
			[7]string{"2027-02-01", "2027-02-02", "2027-02-03", "2027-02-04", "2027-02-05", "2027-02-06", "2027-02-07"},
			[7]string{"2027-02-22", "2027-02-23", "2027-02-24", "2027-02-25", "2027-02-26", "2027-02-27", "2027-02-28"}},
		// May 2027 starts on a Saturday: six rows with a Monday start.
		{"six rows", Month{2027, 5}, Monday, 6,
			[7]string{"", "", "", "", "", "2027-05-01", "2027-05-02"},
			[7]string{"2027-05-31", "", "", "", "", "", ""}},
		{"leap day", Month{2028, 2}, Saturday, 5,
			[7]string{"", "", "", "2028-02-01", "2028-02-02", "2028-02-03", "2028-02-04"}, // a Tuesday
			[7]string{"2028-02-26", "2028-02-27", "2028-02-28", "2028-02-29", "", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tt.month.Weeks(tt.weekStart)
			if len(w) != tt.rows {
				t.Fatalf("%d rows, want %d: %v", len(w), tt.rows, w)
			}
			if w[0] != tt.first || w[len(w)-1] != tt.last {
				t.Errorf("rows %v … %v, want %v … %v", w[0], w[len(w)-1], tt.first, tt.last)
			}
			// Every day of the month appears once, in order.
			var days []string
			for _, row := range w {
				for _, d := range row {
					if d != "" {
						days = append(days, d)
					}
				}
			}
			if days[0] != tt.month.First() || days[len(days)-1] != tt.month.Last() || !slices.IsSorted(days) {
				t.Errorf("days %v", days)
			}
		})
	}
}

func TestMonthArithmetic(t *testing.T) {
	m := Month{2026, 12}
	if got := m.Add(1); got != (Month{2027, 1}) {
		t.Errorf("December + 1 = %v", got)
	}
	if got := m.Add(-12); got != (Month{2025, 12}) {
		t.Errorf("December - 12 = %v", got)
	}
	if got := (Month{2027, 3}).Add(-1).Last(); got != "2027-02-28" {
		t.Errorf("last of February 2027 = %s", got)
	}
	if !m.Before(m.Add(1)) || m.Add(1).Before(m) || m.Before(m) {
		t.Error("Before is not a strict order")
	}
	if !m.Contains("2026-12-31") || m.Contains("2027-01-01") || m.Contains("nonsense") {
		t.Error("Contains")
	}
	if got, err := MonthOf("2026-02-14"); err != nil || got != (Month{2026, 2}) {
		t.Errorf("MonthOf = %v, %v", got, err)
	}
	if _, err := MonthOf("14.02.2026"); err == nil {
		t.Error("MonthOf accepted a non-ISO date")
	}
	if got := AddDays("2026-12-31", 1); got != "2027-01-01" {
		t.Errorf("AddDays = %s", got)
	}
	if got := AddDays("x", 1); got != "" {
		t.Errorf("AddDays of garbage = %q", got)
	}
}

func TestRange(t *testing.T) {
	m := Month{2026, 12}
	tests := []struct {
		today, from, to string
		ok              bool
	}{
		{"2026-11-20", "2026-12-01", "2026-12-31", true}, // a later month: all of it
		{"2026-12-01", "2026-12-01", "2026-12-31", true},
		{"2026-12-17", "2026-12-17", "2026-12-31", true}, // this month: from today
		{"2026-12-31", "2026-12-31", "2026-12-31", true},
		{"2027-01-01", "", "", false}, // over
	}
	for _, tt := range tests {
		from, to, ok := m.Range(tt.today)
		if from != tt.from || to != tt.to || ok != tt.ok {
			t.Errorf("Range(%s) = %s, %s, %v; want %s, %s, %v", tt.today, from, to, ok, tt.from, tt.to, tt.ok)
		}
	}
}

func TestByDay(t *testing.T) {
	// Slots as the API sends them for a guest in New York on the night the
	// clocks go back: the offset changes within the day, the day does not.
	starts := []string{
		"2026-10-31T23:30:00-04:00",
		"2026-11-01T00:30:00-04:00",
		"2026-11-01T01:30:00-05:00",
		"2026-11-03T09:00:00-05:00",
		"bad",
	}
	got := ByDay(starts)
	want := map[string][]string{
		"2026-10-31": {"2026-10-31T23:30:00-04:00"},
		"2026-11-01": {"2026-11-01T00:30:00-04:00", "2026-11-01T01:30:00-05:00"},
		"2026-11-03": {"2026-11-03T09:00:00-05:00"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ByDay = %v, want %v", got, want)
	}
	if d := FirstDay(got); d != "2026-10-31" {
		t.Errorf("FirstDay = %s", d)
	}
	if d := FirstDay(nil); d != "" {
		t.Errorf("FirstDay(nil) = %q", d)
	}
}

func TestZones(t *testing.T) {
	got := Zones("Europe/Berlin", "", "America/New_York", "Europe/Berlin")
	if got[0] != "Europe/Berlin" || got[1] != "America/New_York" {
		t.Errorf("the given zones do not come first: %v", got[:3])
	}
	seen := map[string]bool{}
	for _, z := range got {
		if seen[z] || z == "" {
			t.Errorf("zone %q listed twice or empty", z)
		}
		seen[z] = true
	}
	for _, z := range Common {
		if !seen[z] {
			t.Errorf("common zone %s missing", z)
		}
	}
	// Every common zone is one the server (and the browser) knows.
	for _, z := range Common {
		if _, err := time.LoadLocation(z); err != nil {
			t.Errorf("common zone %s: %v", z, err)
		}
	}
}

func TestDurations(t *testing.T) {
	tests := []struct {
		offered []int
		current int
		want    []int
	}{
		{[]int{15, 30, 60}, 0, []int{15, 30, 60}},
		{[]int{15, 30, 60}, 30, []int{15, 30, 60}},
		{[]int{30, 15}, 45, []int{15, 30, 45}}, // no longer offered, still the meeting's
		{nil, 30, []int{30}},
	}
	for _, tt := range tests {
		if got := Durations(tt.offered, tt.current); !slices.Equal(got, tt.want) {
			t.Errorf("Durations(%v, %d) = %v, want %v", tt.offered, tt.current, got, tt.want)
		}
	}
}

func TestWeekBounds(t *testing.T) {
	tests := []struct {
		date        string
		start       Weekday
		first, last string
	}{
		{"2026-12-09", Monday, "2026-12-07", "2026-12-13"}, // a Wednesday
		{"2026-12-09", Sunday, "2026-12-06", "2026-12-12"},
		{"2026-12-02", Monday, "2026-12-01", "2026-12-06"}, // the week starts in November
		{"2026-12-30", Monday, "2026-12-28", "2026-12-31"}, // and ends in January
		{"2026-12-07", Monday, "2026-12-07", "2026-12-13"}, // on the week's first day
		{"2026-12-13", Monday, "2026-12-07", "2026-12-13"}, // and its last
	}
	for _, tt := range tests {
		first, last := WeekBounds(tt.date, tt.start)
		if first != tt.first || last != tt.last {
			t.Errorf("WeekBounds(%s, %d) = %s, %s; want %s, %s", tt.date, tt.start, first, last, tt.first, tt.last)
		}
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		date string
		n    int
		want string
	}{
		{"2026-12-15", 1, "2027-01-15"},
		{"2026-12-15", -1, "2026-11-15"},
		{"2027-01-31", 1, "2027-02-28"}, // a shorter month: its last day
		{"2028-01-31", 1, "2028-02-29"}, // a leap year
		{"2026-03-31", -1, "2026-02-28"},
		{"not a date", 1, ""},
	}
	for _, tt := range tests {
		if got := AddMonths(tt.date, tt.n); got != tt.want {
			t.Errorf("AddMonths(%s, %d) = %q, want %q", tt.date, tt.n, got, tt.want)
		}
	}
}

// TestDatesAgreeWithTime walks day by day through four centuries (leap
// rules included) and checks the civil arithmetic, which the WebAssembly
// uses instead of package time, against package time.
func TestDatesAgreeWithTime(t *testing.T) {
	day := time.Date(1899, time.December, 25, 0, 0, 0, 0, time.UTC)
	want := day.Format("2006-01-02")
	for range 146097 + 20 {
		next := day.AddDate(0, 0, 1)
		if got := AddDays(want, 1); got != next.Format("2006-01-02") {
			t.Fatalf("AddDays(%s, 1) = %s, want %s", want, got, next.Format("2006-01-02"))
		}
		if got := WeekdayOf(want); int(got) != int(day.Weekday()) {
			t.Fatalf("WeekdayOf(%s) = %d, want %d", want, got, day.Weekday())
		}
		if m, err := MonthOf(want); err != nil || m != (Month{day.Year(), int(day.Month())}) {
			t.Fatalf("MonthOf(%s) = %v, %v", want, m, err)
		}
		day, want = next, next.Format("2006-01-02")
	}
	for _, bad := range []string{"2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-01", "+026-01-01", "2026-+1-01", "2026-01-+1", "２０２６-01-01", ""} {
		if _, err := MonthOf(bad); err == nil {
			t.Errorf("MonthOf(%q) accepted it", bad)
		}
	}
	if got := (Month{2026, 1}).Add(-13); got != (Month{2024, 12}) {
		t.Errorf("January 2026 - 13 = %v", got)
	}
}
