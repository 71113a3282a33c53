package caldav

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/frontdesk/frontdesk/backend/schedule"
)

func TestLimitedBody(t *testing.T) {
	for _, tc := range []struct {
		name    string
		size    int
		limit   int64
		wantErr error
	}{
		{"under", 10, 11, nil},
		{"exactly", 11, 11, nil},
		{"over", 12, 11, errTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &limitedBody{ReadCloser: io.NopCloser(strings.NewReader(strings.Repeat("x", tc.size))), left: tc.limit}
			got, err := io.ReadAll(b)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("ReadAll = %d bytes, %v; want error %v", len(got), err, tc.wantErr)
			}
			if err == nil && len(got) != tc.size {
				t.Errorf("read %d bytes, want %d", len(got), tc.size)
			}
		})
	}
}

func TestMerge(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2031, 1, 1, h, 0, 0, 0, time.UTC) }
	iv := func(a, b int) schedule.Interval { return schedule.Interval{Start: at(a), End: at(b)} }
	for _, tc := range []struct {
		name     string
		in, want []schedule.Interval
	}{
		{"empty", nil, nil},
		{"disjoint, unsorted", []schedule.Interval{iv(5, 6), iv(1, 2)}, []schedule.Interval{iv(1, 2), iv(5, 6)}},
		{"touching", []schedule.Interval{iv(1, 2), iv(2, 3)}, []schedule.Interval{iv(1, 3)}},
		{"contained", []schedule.Interval{iv(1, 5), iv(2, 3)}, []schedule.Interval{iv(1, 5)}},
		{"chain", []schedule.Interval{iv(3, 5), iv(1, 4), iv(6, 7), iv(4, 6)}, []schedule.Interval{iv(1, 7)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := merge(tc.in)
			if len(got) != len(tc.want) {
				t.Fatalf("merge = %v, want %v", got, tc.want)
			}
			for i := range got {
				if !got[i].Start.Equal(tc.want[i].Start) || !got[i].End.Equal(tc.want[i].End) {
					t.Fatalf("merge = %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestSpanAllDayAcrossDST(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// Weekly Sunday day off; 2031-03-30 is the 23-hour day of the spring
	// change and must still end at the next local midnight.
	cal, err := ical.NewDecoder(strings.NewReader(strings.ReplaceAll(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:sundays
DTSTAMP:20300101T000000Z
DTSTART;VALUE=DATE:20310323
DTEND;VALUE=DATE:20310324
RRULE:FREQ=WEEKLY;COUNT=2
END:VEVENT
END:VCALENDAR
`, "\n", "\r\n"))).Decode()
	if err != nil {
		t.Fatal(err)
	}
	x := expander{from: time.Date(2031, 3, 20, 0, 0, 0, 0, berlin), to: time.Date(2031, 4, 5, 0, 0, 0, 0, berlin), loc: berlin, own: func(string) bool { return false }}
	got, err := x.object(cal)
	if err != nil {
		t.Fatal(err)
	}
	want := []schedule.Interval{
		{Start: time.Date(2031, 3, 23, 0, 0, 0, 0, berlin), End: time.Date(2031, 3, 24, 0, 0, 0, 0, berlin)},
		{Start: time.Date(2031, 3, 30, 0, 0, 0, 0, berlin), End: time.Date(2031, 3, 31, 0, 0, 0, 0, berlin)},
	}
	if len(got) != 2 || !got[0].Start.Equal(want[0].Start) || !got[0].End.Equal(want[0].End) ||
		!got[1].Start.Equal(want[1].Start) || !got[1].End.Equal(want[1].End) {
		t.Fatalf("object = %v, want %v", got, want)
	}
	if d := got[1].End.Sub(got[1].Start); d != 23*time.Hour {
		t.Errorf("the DST day off lasts %s, want 23h", d)
	}
}

// BenchmarkExpandOldDailySeries is the costly case for Busy: a daily series
// started ten years before the range is walked from its start.
func BenchmarkExpandOldDailySeries(b *testing.B) {
	cal, err := ical.NewDecoder(strings.NewReader(strings.ReplaceAll(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:daily
DTSTAMP:20200101T000000Z
DTSTART;TZID=Europe/Berlin:20210104T090000
DTEND;TZID=Europe/Berlin:20210104T093000
RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR
EXDATE;TZID=Europe/Berlin:20210105T090000,20210106T090000
END:VEVENT
END:VCALENDAR
`, "\n", "\r\n"))).Decode()
	if err != nil {
		b.Fatal(err)
	}
	from := time.Date(2031, 1, 6, 0, 0, 0, 0, time.UTC)
	x := expander{from: from, to: from.AddDate(0, 2, 0), loc: time.UTC, own: func(string) bool { return false }}
	for b.Loop() {
		got, err := x.object(cal)
		if err != nil || len(got) < 40 {
			b.Fatalf("object = %d intervals, %v", len(got), err)
		}
	}
}

func TestParseTime(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	x := expander{loc: tokyo}
	for _, tc := range []struct {
		value, valueType, tzid string
		want                   time.Time
		allDay                 bool
	}{
		{"20310105T090000Z", "", "", time.Date(2031, 1, 5, 9, 0, 0, 0, time.UTC), false},
		{"20310105T090000", "", "Europe/Berlin", time.Date(2031, 1, 5, 9, 0, 0, 0, berlin), false},
		{"20310105T090000", "", "/mozilla.org/20050126_1/Europe/Berlin", time.Date(2031, 1, 5, 9, 0, 0, 0, berlin), false},
		{"20310105T090000", "", "W. Europe Standard Time", time.Date(2031, 1, 5, 9, 0, 0, 0, tokyo), false}, // unknown: agent's zone
		{"20310105T090000", "", "", time.Date(2031, 1, 5, 9, 0, 0, 0, tokyo), false},                        // floating
		{"20310105", "DATE", "", time.Date(2031, 1, 5, 0, 0, 0, 0, tokyo), true},
		{"20310105", "", "", time.Date(2031, 1, 5, 0, 0, 0, 0, tokyo), true},
	} {
		got, allDay, err := x.parseTime(tc.value, tc.valueType, tc.tzid)
		if err != nil || !got.Equal(tc.want) || allDay != tc.allDay {
			t.Errorf("parseTime(%q, %q, %q) = %v, %v, %v; want %v, %v", tc.value, tc.valueType, tc.tzid, got, allDay, err, tc.want, tc.allDay)
		}
	}
	if _, _, err := x.parseTime("2031-01-05", "", ""); err == nil {
		t.Error("parseTime accepted an ISO date")
	}
}

func TestObjectKeepsWhatItCanRead(t *testing.T) {
	cal, err := ical.NewDecoder(strings.NewReader(strings.ReplaceAll(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:series
DTSTAMP:20300101T000000Z
DTSTART:20310105T090000Z
DTEND:20310105T100000Z
RRULE:FREQ=DAILY;COUNT=3
END:VEVENT
BEGIN:VEVENT
UID:series
DTSTAMP:20300101T000000Z
RECURRENCE-ID:20310106T090000Z
DTSTART:not-a-time
END:VEVENT
END:VCALENDAR
`, "\n", "\r\n"))).Decode()
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	x := expander{from: from, to: from.AddDate(0, 1, 0), loc: time.UTC, own: func(string) bool { return false }}
	got, err := x.object(cal)
	if err == nil {
		t.Error("the broken instance was not reported")
	}
	// The broken instance replaces Jan 6; Jan 5 and 7 still block.
	if len(got) != 2 || got[0].Start.Day() != 5 || got[1].Start.Day() != 7 {
		t.Errorf("object = %v, want Jan 5 and Jan 7", got)
	}
}
