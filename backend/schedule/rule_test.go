package schedule

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teambition/rrule-go"
)

func TestParseRuleRefuses(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "is required"},
		{"FREQ=FORTNIGHTLY", "not a valid RRULE"},
		{"BYDAY=MO", "unexpected line"},
		{"FREQ=DAILY\nEXDATE:20260105", "unexpected line"},
		{"FREQ=WEEKLY;BYDAY=XX", "not a valid RRULE"},
		{"FREQ=MONTHLY;BYMONTHDAY=32", "not a valid RRULE"},
		{"FREQ=HOURLY", "FREQ must be"},
		{"FREQ=DAILY;BYHOUR=9", "BYHOUR"},
		{"FREQ=DAILY;COUNT=5", "COUNT needs a DTSTART"},
		{"DTSTART:2026\nFREQ=DAILY", "DTSTART"},
		{"DTSTART:20260231\nFREQ=DAILY", "DTSTART"},
		{"DTSTART:20260105\nDTSTART:20260106\nFREQ=DAILY", "more than one DTSTART"},
		{"FREQ=DAILY\nFREQ=WEEKLY", "more than one RRULE"},
	} {
		_, err := parseRule(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseRule(%q) = %v, want an error about %q", tc.in, err, tc.want)
		}
	}
}

func TestParseRuleAccepts(t *testing.T) {
	for _, in := range []string{
		"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
		"RRULE:FREQ=WEEKLY;BYDAY=MO",
		"freq=weekly;byday=mo",
		"DTSTART:20260105\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
		"DTSTART;TZID=Europe/Berlin:20260105T090000\r\nRRULE:FREQ=DAILY;COUNT=10",
		"DTSTART:20260105T000000Z\nFREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231T235959Z",
	} {
		if _, err := parseRule(in); err != nil {
			t.Errorf("parseRule(%q): %v", in, err)
		}
	}
	opt, err := parseRule("DTSTART;TZID=Pacific/Kiritimati:20260105T230000\nFREQ=DAILY")
	if err != nil {
		t.Fatal(err)
	}
	if !opt.Dtstart.Equal(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("DTSTART date = %s, want the written date 2026-01-05", opt.Dtstart)
	}
}

// TestExpandMatchesFullIteration checks that moving DTSTART forward (the
// speed-up in expand) selects exactly the days rrule-go finds walking from
// the rule's real DTSTART, for rules whose meaning hangs on their anchor.
func TestExpandMatchesFullIteration(t *testing.T) {
	rules := []struct{ dtstart, body string }{
		{"", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"},
		{"", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"},
		{"20190313", "FREQ=WEEKLY;INTERVAL=3"},
		{"20190314", "FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=SU,SA"},
		{"", "FREQ=DAILY;INTERVAL=3"},
		{"20230217", "FREQ=DAILY;INTERVAL=10;BYMONTH=2,3,7"},
		{"20200131", "FREQ=MONTHLY"},
		{"20211130", "FREQ=MONTHLY;INTERVAL=5"},
		{"", "FREQ=MONTHLY;BYDAY=-1FR"},
		{"20240918", "FREQ=MONTHLY;INTERVAL=2;BYDAY=MO,TU;BYSETPOS=2,-1"},
		{"", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24"},
		{"20160229", "FREQ=YEARLY"},
		{"20170705", "FREQ=YEARLY;INTERVAL=2;BYWEEKNO=1,27;BYDAY=MO,SU"},
		{"20150101", "FREQ=YEARLY;INTERVAL=3;BYYEARDAY=1,-1,100"},
		{"", "FREQ=WEEKLY;UNTIL=20261015;BYDAY=SA"},
		{"20260105", "FREQ=DAILY;COUNT=30"},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, r := range rules {
		text, anchor := r.body, "20010101"
		if r.dtstart != "" {
			text, anchor = "DTSTART:"+r.dtstart+"\n"+r.body, r.dtstart
		}
		opt, err := parseRule(text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		// The reference walks from the anchor with rrule-go's own
		// defaults, so writeDefaults is under test too.
		full, err := rrule.StrToRRule("DTSTART:" + anchor + "T000000Z\nRRULE:" + r.body)
		if err != nil {
			t.Fatalf("reference %q: %v", r.body, err)
		}
		for range 60 {
			first := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(5*365))
			last := first.AddDate(0, 0, rng.IntN(120))
			want := full.Between(first, last, true)
			var got []time.Time
			expand(opt, first, last, func(d time.Time) { got = append(got, d) })
			if !slices.EqualFunc(got, want, time.Time.Equal) {
				t.Fatalf("%q over %s..%s:\n got  %v\n want %v", text, first.Format(time.DateOnly), last.Format(time.DateOnly), got, want)
			}
		}
	}
}
