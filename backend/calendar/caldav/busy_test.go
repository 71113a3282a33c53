package caldav_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/calendar/caldav"
	"github.com/frontdesk/frontdesk/backend/radicaletest"
	"github.com/frontdesk/frontdesk/backend/schedule"
)

const agent = "agent@example.com"

// vcalendar wraps VEVENT lines into an object with Europe/Berlin defined,
// as a calendar client would store it.
func vcalendar(events ...string) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n" + berlin)
	for _, e := range events {
		b.WriteString("BEGIN:VEVENT\nDTSTAMP:20300101T000000Z\n" + strings.TrimSpace(e) + "\nEND:VEVENT\n")
	}
	b.WriteString("END:VCALENDAR\n")
	return b.String()
}

const berlin = `BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
`

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func iv(from, to string) schedule.Interval { return schedule.Interval{Start: utc(from), End: utc(to)} }

// TestBusy stores events the way other calendar clients do, each case on
// its own days, and asks for each case's days alone.
func TestBusy(t *testing.T) {
	srv := radicaletest.Start(t)
	c := caldav.New(caldav.Options{
		OwnEvent: func(uid string) bool { return strings.HasSuffix(uid, "@frontdesk.test") },
	})
	acct := account(srv, srv.CalendarURL)
	berlinLoc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name     string
		ics      string
		from, to string
		loc      *time.Location // of from; default UTC
		want     []schedule.Interval
	}{
		{
			name: "own busy block, no attendees",
			ics:  "UID:plain\nSUMMARY:Dentist\nDTSTART:20310303T090000Z\nDTEND:20310303T100000Z",
			from: "2031-03-03 00:00", to: "2031-03-04 00:00",
			want: []schedule.Interval{iv("2031-03-03 09:00", "2031-03-03 10:00")},
		},
		{
			name: "invitation awaiting an answer (Google's unconfirmed event)",
			ics: "UID:needs-action\nDTSTART:20310304T090000Z\nDTEND:20310304T100000Z\n" +
				"ORGANIZER:mailto:boss@example.com\nATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:agent@example.com",
			from: "2031-03-04 00:00", to: "2031-03-05 00:00",
		},
		{
			name: "invitation without PARTSTAT, which defaults to NEEDS-ACTION",
			ics: "UID:no-partstat\nDTSTART:20310305T090000Z\nDTEND:20310305T100000Z\n" +
				"ORGANIZER:mailto:boss@example.com\nATTENDEE;CN=Agent:mailto:agent@example.com",
			from: "2031-03-05 00:00", to: "2031-03-06 00:00",
		},
		{
			name: "tentative",
			ics: "UID:tentative\nDTSTART:20310306T090000Z\nDTEND:20310306T100000Z\n" +
				"ORGANIZER:mailto:boss@example.com\nATTENDEE;PARTSTAT=TENTATIVE:mailto:agent@example.com",
			from: "2031-03-06 00:00", to: "2031-03-07 00:00",
		},
		{
			name: "declined",
			ics: "UID:declined\nDTSTART:20310307T090000Z\nDTEND:20310307T100000Z\n" +
				"ORGANIZER:mailto:boss@example.com\nATTENDEE;PARTSTAT=DECLINED:mailto:agent@example.com",
			from: "2031-03-07 00:00", to: "2031-03-08 00:00",
		},
		{
			name: "accepted, address in another case",
			ics: "UID:accepted\nDTSTART:20310310T090000Z\nDTEND:20310310T100000Z\n" +
				"ORGANIZER:mailto:boss@example.com\nATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:other@example.com\n" +
				"ATTENDEE;PARTSTAT=ACCEPTED:MAILTO:Agent@Example.COM",
			from: "2031-03-10 00:00", to: "2031-03-11 00:00",
			want: []schedule.Interval{iv("2031-03-10 09:00", "2031-03-10 10:00")},
		},
		{
			name: "organized by the agent, guest not yet answered",
			ics: "UID:organizer\nDTSTART:20310311T090000Z\nDTEND:20310311T100000Z\n" +
				"ORGANIZER;CN=Agent:mailto:agent@example.com\nATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:guest@example.org",
			from: "2031-03-11 00:00", to: "2031-03-12 00:00",
			want: []schedule.Interval{iv("2031-03-11 09:00", "2031-03-11 10:00")},
		},
		{
			name: "attendees without the agent's address",
			ics: "UID:alias\nDTSTART:20310312T090000Z\nDTEND:20310312T100000Z\n" +
				"ORGANIZER:mailto:boss@example.com\nATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:agent.alias@example.com",
			from: "2031-03-12 00:00", to: "2031-03-13 00:00",
			want: []schedule.Interval{iv("2031-03-12 09:00", "2031-03-12 10:00")},
		},
		{
			name: "transparent (shown as free)",
			ics:  "UID:transparent\nTRANSP:TRANSPARENT\nDTSTART:20310313T090000Z\nDTEND:20310313T100000Z",
			from: "2031-03-13 00:00", to: "2031-03-14 00:00",
		},
		{
			name: "cancelled",
			ics:  "UID:cancelled\nSTATUS:CANCELLED\nDTSTART:20310314T090000Z\nDTEND:20310314T100000Z",
			from: "2031-03-14 00:00", to: "2031-03-15 00:00",
		},
		{
			name: "weekly series started before the range",
			ics:  "UID:weekly\nSUMMARY:Standup\nDTSTART:20310106T080000Z\nDTEND:20310106T083000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20310228T235959Z",
			from: "2031-02-01 00:00", to: "2031-02-22 00:00",
			want: []schedule.Interval{
				iv("2031-02-03 08:00", "2031-02-03 08:30"),
				iv("2031-02-10 08:00", "2031-02-10 08:30"),
				iv("2031-02-17 08:00", "2031-02-17 08:30"),
			},
		},
		{
			name: "weekly in Berlin across DST, one instance moved, one removed",
			ics: vcalendar(
				"UID:berlin-weekly\nDTSTART;TZID=Europe/Berlin:20310318T100000\nDTEND;TZID=Europe/Berlin:20310318T110000\n"+
					"RRULE:FREQ=WEEKLY;COUNT=6\nEXDATE;TZID=Europe/Berlin:20310408T100000",
				"UID:berlin-weekly\nRECURRENCE-ID;TZID=Europe/Berlin:20310401T100000\n"+
					"DTSTART;TZID=Europe/Berlin:20310401T150000\nDTEND;TZID=Europe/Berlin:20310401T153000"),
			from: "2031-03-17 00:00", to: "2031-04-21 00:00",
			want: []schedule.Interval{
				iv("2031-03-18 09:00", "2031-03-18 10:00"), // CET
				iv("2031-03-25 09:00", "2031-03-25 10:00"),
				iv("2031-04-01 13:00", "2031-04-01 13:30"), // moved, CEST
				iv("2031-04-15 08:00", "2031-04-15 09:00"), // CEST keeps 10:00 local
			},
		},
		{
			name: "declined series with one accepted instance",
			ics: vcalendar(
				"UID:declined-series\nDTSTART:20310505T120000Z\nDTEND:20310505T130000Z\nRRULE:FREQ=DAILY;COUNT=3\n"+
					"ORGANIZER:mailto:boss@example.com\nATTENDEE;PARTSTAT=DECLINED:mailto:agent@example.com",
				"UID:declined-series\nRECURRENCE-ID:20310506T120000Z\nDTSTART:20310506T120000Z\nDTEND:20310506T130000Z\n"+
					"ORGANIZER:mailto:boss@example.com\nATTENDEE;PARTSTAT=ACCEPTED:mailto:agent@example.com"),
			from: "2031-05-05 00:00", to: "2031-05-08 00:00",
			want: []schedule.Interval{iv("2031-05-06 12:00", "2031-05-06 13:00")},
		},
		{
			name: "all-day event in the agent's zone, DURATION",
			ics:  "UID:all-day\nSUMMARY:Day off\nDTSTART;VALUE=DATE:20310602\nDURATION:P1D",
			from: "2031-06-01 22:00", to: "2031-06-03 22:00", loc: berlinLoc,
			want: []schedule.Interval{iv("2031-06-01 22:00", "2031-06-02 22:00")},
		},
		{
			name: "event Frontdesk wrote itself",
			ics:  "UID:meeting-7@frontdesk.test\nDTSTART:20310604T090000Z\nDTEND:20310604T100000Z",
			from: "2031-06-04 00:00", to: "2031-06-05 00:00",
		},
		{
			name: "overlapping events merge",
			ics: vcalendar("UID:overlap-a\nDTSTART:20310605T090000Z\nDTEND:20310605T100000Z") +
				"\x00" + vcalendar("UID:overlap-b\nDTSTART:20310605T093000Z\nDURATION:PT1H"),
			from: "2031-06-05 00:00", to: "2031-06-06 00:00",
			want: []schedule.Interval{iv("2031-06-05 09:00", "2031-06-05 10:30")},
		},
	}
	for i, tc := range cases {
		for j, ics := range strings.Split(tc.ics, "\x00") {
			if !strings.HasPrefix(ics, "BEGIN:VCALENDAR") {
				ics = vcalendar(ics)
			}
			srv.PutRaw(t, fmt.Sprintf("case-%d-%d.ics", i, j), ics)
		}
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			loc := tc.loc
			if loc == nil {
				loc = time.UTC
			}
			got, err := c.Busy(context.Background(), acct, agent, utc(tc.from).In(loc), utc(tc.to).In(loc))
			if err != nil {
				t.Fatal(err)
			}
			if !equalIntervals(got, tc.want) {
				t.Errorf("Busy =\n%s\nwant\n%s", format(got), format(tc.want))
			}
		})
	}

	t.Run("everything at once", func(t *testing.T) {
		got, err := c.Busy(context.Background(), acct, agent, utc("2031-01-01 00:00"), utc("2031-07-01 00:00"))
		if err != nil {
			t.Fatal(err)
		}
		// 8 weekly standups (Jan 6 .. Feb 24) plus the 12 intervals of the
		// other cases.
		if len(got) != 8+12 {
			t.Errorf("Busy over half a year = %d intervals, want %d:\n%s", len(got), 8+12, format(got))
		}
		if !slices.IsSortedFunc(got, func(a, b schedule.Interval) int { return a.Start.Compare(b.Start) }) {
			t.Error("Busy is not sorted")
		}
	})
}

func TestBusyErrors(t *testing.T) {
	srv := radicaletest.Start(t)
	c := caldav.New(caldav.Options{})
	bad := caldav.Account{URL: srv.CalendarURL, Username: srv.User, Password: "nope"}
	if _, err := c.Busy(context.Background(), bad, agent, utc("2031-01-01 00:00"), utc("2031-01-02 00:00")); err == nil {
		t.Fatal("Busy with a wrong password succeeded")
	}
}

func equalIntervals(a, b []schedule.Interval) bool {
	return slices.EqualFunc(a, b, func(x, y schedule.Interval) bool { return x.Start.Equal(y.Start) && x.End.Equal(y.End) })
}

func format(ivs []schedule.Interval) string {
	if len(ivs) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, iv := range ivs {
		fmt.Fprintf(&b, "  %s – %s\n", iv.Start.UTC().Format("2006-01-02 15:04"), iv.End.UTC().Format("2006-01-02 15:04"))
	}
	return b.String()
}
