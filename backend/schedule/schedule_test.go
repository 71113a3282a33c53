package schedule

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func compile(t testing.TB, a Availability) *Compiled {
	t.Helper()
	c, err := a.Compile()
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return c
}

func instant(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func formatAll(ts []time.Time) []string {
	out := make([]string, len(ts))
	for i, v := range ts {
		out[i] = v.Format(time.RFC3339)
	}
	return out
}

// dayOf is the guest's (or agent's) civil day d in loc as instants.
func dayOf(d Date, loc *time.Location) (from, to time.Time) {
	return d.Start(loc), d.AddDays(1).Start(loc)
}

var longAgo = time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)

// TestSlotsGuestAcrossUnevenDST: the US and the EU change clocks on
// different weekends, so for a New York guest a Berlin agent's 09:00 moves
// from 03:00 to 04:00 and back twice a year, and the guest's slots must
// follow the agent's clock, not a fixed offset.
func TestSlotsGuestAcrossUnevenDST(t *testing.T) {
	c := compile(t, officeHours(t))
	ny := loadLoc(t, "America/New_York")
	for _, tc := range []struct {
		day         string
		first, last string // guest's wall clock
	}{
		{"2026-03-06", "03:00", "10:30"}, // CET vs EST: 6 hours
		{"2026-03-09", "04:00", "11:30"}, // New York switched on the 8th: 5 hours
		{"2026-03-27", "04:00", "11:30"},
		{"2026-03-28", "", ""},           // Saturday
		{"2026-03-29", "", ""},           // Sunday, Berlin switches
		{"2026-03-30", "03:00", "10:30"}, // both on summer time: 6 hours
		{"2026-10-23", "03:00", "10:30"},
		{"2026-10-26", "04:00", "11:30"}, // Berlin back on the 25th, New York not yet
		{"2026-10-30", "04:00", "11:30"},
		{"2026-11-02", "03:00", "10:30"}, // New York back on 1 November
	} {
		from, to := dayOf(date(t, tc.day), ny)
		got := c.Slots(from, to, 30*time.Minute, longAgo, nil)
		if tc.first == "" {
			if len(got) != 0 {
				t.Errorf("%s: got %d slots on a weekend, want none", tc.day, len(got))
			}
			continue
		}
		if len(got) != 16 {
			t.Fatalf("%s: got %d slots, want 16 (8 hours of 30 minutes): %v", tc.day, len(got), formatAll(got))
		}
		first, last := got[0].Format("15:04"), got[len(got)-1].Format("15:04")
		if first != tc.first || last != tc.last || got[0].Location() != ny {
			t.Errorf("%s: guest sees %s–%s (%s), want %s–%s New York time", tc.day, first, last, got[0].Location(), tc.first, tc.last)
		}
	}

	// One query across the Berlin switch gives the same slots as the days
	// asked one by one.
	from, _ := dayOf(date(t, "2026-03-23"), ny)
	_, to := dayOf(date(t, "2026-04-03"), ny)
	week := c.Slots(from, to, 30*time.Minute, longAgo, nil)
	var byDay []time.Time
	for d := date(t, "2026-03-23"); d != date(t, "2026-04-04"); d = d.AddDays(1) {
		f, e := dayOf(d, ny)
		byDay = append(byDay, c.Slots(f, e, 30*time.Minute, longAgo, nil)...)
	}
	if len(week) != 10*16 || !slices.EqualFunc(week, byDay, time.Time.Equal) {
		t.Errorf("two-week query: %d slots, day by day %d", len(week), len(byDay))
	}
}

// TestSlotsOnDSTDays: windows are the agent's wall clock, so on a
// changeover day a window over the jump has one hour less or more.
func TestSlotsOnDSTDays(t *testing.T) {
	for _, tc := range []struct {
		zone        string
		start, end  Clock
		day         string
		dur, step   int // minutes
		count       int
		first, last string
	}{
		{"Europe/Berlin", 0, endOfDay, "2026-03-22", 60, 60, 24, "2026-03-22T00:00:00+01:00", "2026-03-22T23:00:00+01:00"},
		{"Europe/Berlin", 0, endOfDay, "2026-03-29", 60, 60, 23, "2026-03-29T00:00:00+01:00", "2026-03-29T23:00:00+02:00"},
		{"Europe/Berlin", 0, endOfDay, "2026-10-25", 60, 60, 25, "2026-10-25T00:00:00+02:00", "2026-10-25T23:00:00+01:00"},
		{"Europe/Berlin", hm(9, 0), hm(17, 0), "2026-03-29", 30, 30, 16, "2026-03-29T09:00:00+02:00", "2026-03-29T16:30:00+02:00"},
		{"Europe/Berlin", hm(9, 0), hm(17, 0), "2026-10-25", 30, 30, 16, "2026-10-25T09:00:00+01:00", "2026-10-25T16:30:00+01:00"},
		{"Europe/Berlin", hm(1, 0), hm(4, 0), "2026-03-29", 60, 60, 2, "2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00"},
		{"Europe/Berlin", hm(1, 0), hm(4, 0), "2026-10-25", 60, 60, 4, "2026-10-25T01:00:00+02:00", "2026-10-25T03:00:00+01:00"},
		{"Europe/Berlin", hm(2, 0), hm(2, 30), "2026-03-29", 15, 15, 0, "", ""},
		{"Europe/Berlin", hm(2, 0), hm(2, 30), "2026-10-25", 15, 15, 2, "2026-10-25T02:00:00+02:00", "2026-10-25T02:15:00+02:00"},
		{"Europe/Berlin", hm(2, 30), hm(5, 0), "2026-03-29", 30, 30, 4, "2026-03-29T03:00:00+02:00", "2026-03-29T04:30:00+02:00"},
		{"America/New_York", hm(1, 0), hm(4, 0), "2026-03-08", 60, 60, 2, "2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00"},
		{"America/New_York", hm(1, 0), hm(4, 0), "2026-11-01", 60, 60, 4, "2026-11-01T01:00:00-04:00", "2026-11-01T03:00:00-05:00"},
		{"Australia/Adelaide", 0, endOfDay, "2026-04-05", 60, 60, 25, "2026-04-05T00:00:00+10:30", "2026-04-05T23:00:00+09:30"},
		{"Australia/Adelaide", 0, endOfDay, "2026-10-04", 60, 60, 23, "2026-10-04T00:00:00+09:30", "2026-10-04T23:00:00+10:30"},
		{"Australia/Lord_Howe", 0, endOfDay, "2026-04-05", 30, 30, 49, "2026-04-05T00:00:00+11:00", "2026-04-05T23:30:00+10:30"},
		{"Australia/Lord_Howe", 0, endOfDay, "2026-10-04", 30, 30, 47, "2026-10-04T00:00:00+10:30", "2026-10-04T23:30:00+11:00"},
		{"America/Havana", 0, endOfDay, "2026-03-08", 60, 60, 23, "2026-03-08T01:00:00-04:00", "2026-03-08T23:00:00-04:00"},
		{"America/Santiago", 0, endOfDay, "2026-04-04", 60, 60, 25, "2026-04-04T00:00:00-03:00", "2026-04-04T23:00:00-04:00"},
		{"Asia/Kolkata", hm(9, 0), hm(17, 0), "2026-03-29", 30, 30, 16, "2026-03-29T09:00:00+05:30", "2026-03-29T16:30:00+05:30"},
	} {
		name := fmt.Sprintf("%s %s %s–%s", tc.zone, tc.day, tc.start, tc.end)
		loc := loadLoc(t, tc.zone)
		c := compile(t, Availability{
			TimeZone:  loc,
			Rules:     []Rule{{RRule: "FREQ=DAILY", Start: tc.start, End: tc.end}},
			Durations: []int{tc.dur},
			Horizon:   3 * 365 * 24 * time.Hour,
			Step:      time.Duration(tc.step) * time.Minute,
		})
		from, to := dayOf(date(t, tc.day), loc)
		got := c.Slots(from, to, time.Duration(tc.dur)*time.Minute, longAgo, nil)
		if len(got) != tc.count {
			t.Errorf("%s: %d slots, want %d: %v", name, len(got), tc.count, formatAll(got))
			continue
		}
		if tc.count == 0 {
			continue
		}
		if f, l := got[0].Format(time.RFC3339), got[len(got)-1].Format(time.RFC3339); f != tc.first || l != tc.last {
			t.Errorf("%s: slots %s … %s, want %s … %s", name, f, l, tc.first, tc.last)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Sub(got[i-1]) != time.Duration(tc.step)*time.Minute {
				t.Errorf("%s: %s then %s: real time between slots must be the step", name, got[i-1].Format(time.RFC3339), got[i].Format(time.RFC3339))
			}
		}
	}
}

// TestSlotsHalfHourZones: the grid follows the agent's window, not UTC
// hours, and a guest far away sees the agent's day split over two dates.
func TestSlotsHalfHourZones(t *testing.T) {
	a := officeHours(t)
	a.TimeZone = loadLoc(t, "Asia/Kolkata")
	c := compile(t, a)
	ny := loadLoc(t, "America/New_York")
	from, to := dayOf(date(t, "2026-03-23"), ny) // a Monday in New York
	got := formatAll(c.Slots(from, to, 30*time.Minute, longAgo, nil))
	// Monday 09:30–17:00 in Kolkata is 00:00–07:30 in New York, and
	// Tuesday opens at 23:30 New York time on Monday.
	want := []string{}
	for m := 0; m <= 7*60; m += 30 {
		want = append(want, fmt.Sprintf("2026-03-23T%02d:%02d:00-04:00", m/60, m%60))
	}
	want = append(want, "2026-03-23T23:30:00-04:00")
	if !slices.Equal(got, want) {
		t.Errorf("Kolkata agent for a New York guest:\n got  %v\n want %v", got, want)
	}

	// Adelaide leaves summer time on Sunday 5 April 2026: its 09:00 moves
	// from 22:30 to 23:30 UTC the day before.
	a.TimeZone = loadLoc(t, "Australia/Adelaide")
	c = compile(t, a)
	slots := c.Slots(instant(t, "2026-03-30T00:00:00Z"), instant(t, "2026-04-07T00:00:00Z"), 30*time.Minute, longAgo, nil)
	firsts := map[string]string{} // agent's date → first slot in UTC
	for _, s := range slots {
		d := DateOf(s.In(a.TimeZone)).String()
		if _, ok := firsts[d]; !ok {
			firsts[d] = s.UTC().Format(time.RFC3339)
		}
	}
	for d, want := range map[string]string{
		"2026-04-02": "2026-04-01T22:30:00Z",
		"2026-04-03": "2026-04-02T22:30:00Z",
		"2026-04-06": "2026-04-05T23:30:00Z",
	} {
		if firsts[d] != want {
			t.Errorf("Adelaide %s opens at %s, want %s", d, firsts[d], want)
		}
	}
}

func TestSlotsGridAndContinuity(t *testing.T) {
	loc := loadLoc(t, "Europe/Berlin")
	base := Availability{TimeZone: loc, Horizon: 365 * 24 * time.Hour, Durations: []int{60}, Step: time.Hour}
	day := date(t, "2026-05-04") // a Monday

	// Overlapping rules merge into 09:00–14:00, so the grid is anchored at
	// 09:00; a separate window keeps its own anchor.
	a := base
	a.Rules = []Rule{
		{RRule: "FREQ=DAILY", Start: hm(11, 10), End: hm(14, 0)},
		{RRule: "FREQ=DAILY", Start: hm(9, 0), End: hm(12, 0)},
		{RRule: "FREQ=DAILY", Start: hm(15, 10), End: hm(17, 0)},
	}
	from, to := dayOf(day, loc)
	got := formatAll(compile(t, a).Slots(from, to, time.Hour, longAgo, nil))
	want := []string{"09:00", "10:00", "11:00", "12:00", "13:00", "15:10"}
	for i := range want {
		want[i] = "2026-05-04T" + want[i] + ":00+02:00"
	}
	if !slices.Equal(got, want) {
		t.Errorf("merged windows:\n got  %v\n want %v", got, want)
	}

	// A night shift: 22:00–24:00 continues into the next day's 00:00–02:00,
	// so a meeting may cross midnight, but not run past 02:00.
	a = base
	a.Rules = []Rule{
		{RRule: "FREQ=DAILY", Start: hm(22, 0), End: endOfDay},
		{RRule: "FREQ=DAILY", Start: 0, End: hm(2, 0)},
	}
	a.Step = 30 * time.Minute
	c := compile(t, a)
	if err := c.Check(day.At(hm(23, 30), loc), time.Hour, longAgo, nil); err != nil {
		t.Errorf("23:30 for an hour across midnight: %v", err)
	}
	if err := c.Check(day.At(hm(1, 30), loc), time.Hour, longAgo, nil); !errors.Is(err, ErrOutsideAvailability) {
		t.Errorf("01:30 for an hour past 02:00: %v, want ErrOutsideAvailability", err)
	}
}

func TestSlotsOverrides(t *testing.T) {
	a := officeHours(t)
	a.Overrides = []Override{
		{Date: date(t, "2026-05-05")},                                                                     // Tuesday off
		{Date: date(t, "2026-05-06"), Windows: []Window{{hm(13, 0), hm(15, 0)}}},                          // short Wednesday
		{Date: date(t, "2026-05-09"), Windows: []Window{{hm(10, 0), hm(11, 0)}, {hm(10, 30), hm(12, 0)}}}, // Saturday, overlapping
	}
	c := compile(t, a)
	for _, tc := range []struct {
		day         string
		count       int
		first, last string
	}{
		{"2026-05-04", 16, "09:00", "16:30"},
		{"2026-05-05", 0, "", ""},
		{"2026-05-06", 4, "13:00", "14:30"},
		{"2026-05-07", 16, "09:00", "16:30"},
		{"2026-05-09", 4, "10:00", "11:30"},
		{"2026-05-10", 0, "", ""},
	} {
		from, to := dayOf(date(t, tc.day), a.TimeZone)
		got := c.Slots(from, to, 30*time.Minute, longAgo, nil)
		if len(got) != tc.count {
			t.Errorf("%s: %d slots, want %d", tc.day, len(got), tc.count)
			continue
		}
		if tc.count > 0 && (got[0].Format("15:04") != tc.first || got[len(got)-1].Format("15:04") != tc.last) {
			t.Errorf("%s: %s–%s, want %s–%s", tc.day, got[0].Format("15:04"), got[len(got)-1].Format("15:04"), tc.first, tc.last)
		}
	}
}

func TestSlotsNoticeAndHorizon(t *testing.T) {
	a := officeHours(t)
	a.MinNotice = 2 * time.Hour
	a.Horizon = 7*24*time.Hour + 5*time.Hour + 53*time.Minute // ends exactly on a grid start
	c := compile(t, a)
	loc := a.TimeZone
	now := date(t, "2026-05-04").At(hm(10, 7), loc) // Monday 10:07
	got := c.Slots(now.Add(-48*time.Hour), now.Add(30*24*time.Hour), 30*time.Minute, now, nil)
	if len(got) == 0 {
		t.Fatal("no slots")
	}
	if want := "2026-05-04T12:30:00+02:00"; got[0].Format(time.RFC3339) != want {
		t.Errorf("first slot %s, want %s (10:07 + 2h notice, next grid start)", got[0].Format(time.RFC3339), want)
	}
	if want := "2026-05-11T16:00:00+02:00"; got[len(got)-1].Format(time.RFC3339) != want {
		t.Errorf("last slot %s, want %s (the horizon itself is bookable)", got[len(got)-1].Format(time.RFC3339), want)
	}
}

// TestSlotsBuffers: a Frontdesk meeting passed through Occupied keeps the
// sum of both buffers between meetings; raw calendar busy time only keeps
// the new meeting's own buffers clear.
func TestSlotsBuffers(t *testing.T) {
	a := officeHours(t)
	a.Step = 15 * time.Minute
	a.BufferBefore = 15 * time.Minute
	a.BufferAfter = 10 * time.Minute
	c := compile(t, a)
	day := date(t, "2026-05-04")
	loc := a.TimeZone
	busy := []Interval{
		c.Occupied(day.At(hm(11, 0), loc), time.Hour),                // 10:45–12:10 held
		{Start: day.At(hm(14, 0), loc), End: day.At(hm(15, 0), loc)}, // calendar event
	}
	from, to := dayOf(day, loc)
	got := c.Slots(from, to, 30*time.Minute, longAgo, busy)
	var times []string
	for _, s := range got {
		times = append(times, s.Format("15:04"))
	}
	has := func(s string) bool { return slices.Contains(times, s) }
	for _, tc := range []struct {
		at   string
		free bool
	}{
		{"10:00", true},  // ends 10:30, +10 after-buffer = 10:40 < 10:45
		{"10:15", false}, // 10:55 > 10:45
		{"12:15", false}, // 12:15-15 = 12:00 < 12:10
		{"12:30", true},
		{"13:15", true}, // ends 13:45 +10 = 13:55 < 14:00
		{"13:30", false},
		{"15:00", false}, // before-buffer starts 14:45, inside the event
		{"15:15", true},
		{"09:00", true}, // buffers may reach outside the window
		{"16:30", true},
	} {
		if has(tc.at) != tc.free {
			t.Errorf("%s free = %v, want %v (slots %v)", tc.at, has(tc.at), tc.free, times)
		}
	}
}

func TestSlotsBusyInputOrder(t *testing.T) {
	c := compile(t, officeHours(t))
	loc := c.loc
	rng := rand.New(rand.NewPCG(5, 6))
	from := date(t, "2026-05-04").Start(loc)
	to := from.Add(14 * 24 * time.Hour)
	var busy []Interval
	for range 80 {
		s := from.Add(time.Duration(rng.IntN(14*24*4)) * 15 * time.Minute)
		busy = append(busy, Interval{s, s.Add(time.Duration(rng.IntN(8)) * 15 * time.Minute)}) // some empty
	}
	sorted := slices.Clone(busy)
	slices.SortFunc(sorted, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	orig := slices.Clone(busy)
	want := c.Slots(from, to, 30*time.Minute, longAgo, sorted)
	got := c.Slots(from, to, 30*time.Minute, longAgo, busy)
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Error("Slots depends on the order of the busy intervals")
	}
	if !slices.Equal(busy, orig) {
		t.Error("Slots modified the caller's busy slice")
	}
	if c.Slots(from, to, 45*time.Minute, longAgo, nil) != nil {
		t.Error("Slots for a duration not offered must be nil")
	}
}

func TestCheckReasons(t *testing.T) {
	a := officeHours(t)
	a.MinNotice = time.Hour
	a.Horizon = 30 * 24 * time.Hour
	a.BufferAfter = 15 * time.Minute
	c := compile(t, a)
	loc := a.TimeZone
	mon := date(t, "2026-05-04")
	now := mon.At(hm(9, 0), loc)
	busy := []Interval{c.Occupied(mon.AddDays(1).At(hm(11, 0), loc), 30*time.Minute)}
	for _, tc := range []struct {
		name  string
		start time.Time
		dur   time.Duration
		want  error
	}{
		{"free", mon.At(hm(14, 0), loc), 30 * time.Minute, nil},
		{"free, to the end of the window", mon.At(hm(16, 0), loc), time.Hour, nil},
		{"duration not offered", mon.At(hm(14, 0), loc), 45 * time.Minute, ErrBadDuration},
		{"past", mon.At(hm(8, 30), loc), 30 * time.Minute, ErrInPast},
		{"inside notice", mon.At(hm(9, 30), loc), 30 * time.Minute, ErrTooSoon},
		{"beyond horizon", mon.AddDays(31).At(hm(10, 0), loc), 30 * time.Minute, ErrBeyondHorizon},
		{"weekend", mon.AddDays(5).At(hm(10, 0), loc), 30 * time.Minute, ErrOutsideAvailability},
		{"after hours", mon.At(hm(17, 0), loc), 30 * time.Minute, ErrOutsideAvailability},
		{"runs past the window", mon.At(hm(16, 30), loc), time.Hour, ErrOutsideAvailability},
		{"off the grid", mon.At(hm(14, 10), loc), 30 * time.Minute, ErrMisaligned},
		{"overlaps a meeting", mon.AddDays(1).At(hm(11, 0), loc), 30 * time.Minute, ErrTaken},
		{"inside its after-buffer", mon.AddDays(1).At(hm(11, 30), loc), 30 * time.Minute, ErrTaken},
		{"its own after-buffer hits the meeting", mon.AddDays(1).At(hm(10, 30), loc), 30 * time.Minute, ErrTaken},
		{"clear of both buffers", mon.AddDays(1).At(hm(12, 0), loc), 30 * time.Minute, nil},
	} {
		err := c.Check(tc.start, tc.dur, now, busy)
		if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: Check = %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestSlotsAgreeWithCheck: a start is offered by Slots exactly when Check
// accepts it, for random availabilities in zones with awkward DST, random
// busy time and every 5-minute start (plus off-grid ones) over weeks that
// contain clock changes.
func TestSlotsAgreeWithCheck(t *testing.T) {
	zones := []string{"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata", "America/Havana"}
	rules := []Rule{
		{RRule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", Start: hm(9, 0), End: hm(17, 0)},
		{RRule: "FREQ=WEEKLY;BYDAY=SA,SU", Start: 0, End: endOfDay},
		{RRule: "FREQ=DAILY", Start: hm(1, 30), End: hm(3, 15)},
		{RRule: "FREQ=DAILY;INTERVAL=2", Start: hm(22, 0), End: endOfDay},
		{RRule: "FREQ=DAILY", Start: 0, End: hm(0, 45)},
		{RRule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", Start: hm(12, 5), End: hm(19, 35)},
		{RRule: "FREQ=MONTHLY;BYDAY=1SU,-1SA", Start: hm(23, 0), End: endOfDay},
	}
	steps := []int{5, 10, 15, 20, 25, 30, 45, 60}
	// Weeks around the 2026 changes of these zones.
	starts := []string{"2026-03-03", "2026-03-25", "2026-04-01", "2026-09-02", "2026-09-30", "2026-10-22", "2026-10-29"}
	rng := rand.New(rand.NewPCG(7, 8))
	for round := range 40 {
		loc := loadLoc(t, zones[round%len(zones)])
		a := Availability{
			TimeZone:     loc,
			Durations:    []int{15, 30, 60, 90},
			MinNotice:    time.Duration(rng.IntN(5)) * 30 * time.Minute,
			Horizon:      time.Duration(5+rng.IntN(10)) * 24 * time.Hour,
			BufferBefore: time.Duration(rng.IntN(3)) * 10 * time.Minute,
			BufferAfter:  time.Duration(rng.IntN(3)) * 5 * time.Minute,
			Step:         time.Duration(steps[rng.IntN(len(steps))]) * time.Minute,
		}
		for _, r := range rules {
			if rng.IntN(2) == 0 {
				a.Rules = append(a.Rules, r)
			}
		}
		first := date(t, starts[rng.IntN(len(starts))])
		for i := range 3 {
			o := Override{Date: first.AddDays(4*i + rng.IntN(4))}
			for range rng.IntN(3) {
				s := Clock(rng.IntN(24*12)) * 5
				o.Windows = append(o.Windows, Window{s, min(endOfDay, s+Clock(5+rng.IntN(60))*5)})
			}
			a.Overrides = append(a.Overrides, o)
		}
		c := compile(t, a)
		now := first.Start(loc).Add(time.Duration(rng.IntN(48*60)) * time.Minute)
		from := now.Add(-24 * time.Hour)
		to := now.Add(12 * 24 * time.Hour)
		var busy []Interval
		for range rng.IntN(60) {
			s := from.Add(time.Duration(rng.IntN(13*24*12)) * 5 * time.Minute)
			iv := Interval{s, s.Add(time.Duration(rng.IntN(25)) * 5 * time.Minute)}
			if rng.IntN(2) == 0 {
				iv = c.Occupied(iv.Start, iv.End.Sub(iv.Start))
			}
			busy = append(busy, iv)
		}
		d := time.Duration(a.Durations[rng.IntN(len(a.Durations))]) * time.Minute
		slots := c.Slots(from, to, d, now, busy)
		offered := make(map[int64]bool, len(slots))
		for i, s := range slots {
			if i > 0 && !s.After(slots[i-1]) {
				t.Fatalf("round %d: slots not strictly ascending at %s", round, s)
			}
			offered[s.UnixNano()] = true
		}
		check := func(s time.Time) {
			err := c.Check(s, d, now, busy)
			if (err == nil) != offered[s.UnixNano()] {
				t.Fatalf("round %d (%s, step %s, %s): %s offered=%v but Check=%v",
					round, loc, a.Step, d, s.In(loc).Format(time.RFC3339), offered[s.UnixNano()], err)
			}
		}
		accepted := 0
		for s := from.Truncate(5 * time.Minute); s.Before(to); s = s.Add(5 * time.Minute) {
			check(s)
			check(s.Add(time.Duration(1+rng.IntN(299)) * time.Second))
			if offered[s.UnixNano()] {
				accepted++
			}
		}
		if accepted != len(slots) {
			t.Fatalf("round %d: %d slots but %d found on the 5-minute grid", round, len(slots), accepted)
		}
		// A sub-range gives the same slots as filtering the full range,
		// with bounds off the grid and on slots (from is inclusive, to
		// exclusive).
		bounds := [][2]time.Time{{from.Add(37*time.Hour + 17*time.Minute), to.Add(-50 * time.Hour)}}
		if n := len(slots); n >= 3 {
			bounds = append(bounds, [2]time.Time{slots[n/3], slots[2*n/3]})
		}
		for _, b := range bounds {
			var want []time.Time
			for _, s := range slots {
				if !s.Before(b[0]) && s.Before(b[1]) {
					want = append(want, s)
				}
			}
			if got := c.Slots(b[0], b[1], d, now, busy); !slices.EqualFunc(got, want, time.Time.Equal) {
				t.Fatalf("round %d: sub-range %s–%s gives %d slots, filtering gives %d", round, b[0], b[1], len(got), len(want))
			}
		}
	}
}
