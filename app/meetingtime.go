package app

import (
	"slices"
	"strconv"
	"time"

	"github.com/frontdesk/frontdesk/model"
)

// rescheduleDays is how many days of free slots "Reschedule" offers.
const rescheduleDays = 14

// meetingLength says a meeting length: "30 min", "1 h", "1 h 30 min".
func meetingLength(minutes int) string {
	h, m := minutes/60, minutes%60
	switch {
	case h == 0:
		return strconv.Itoa(m) + " min"
	case m == 0:
		return strconv.Itoa(h) + " h"
	default:
		return strconv.Itoa(h) + " h " + strconv.Itoa(m) + " min"
	}
}

// durationChoices are the durations to offer: the agent's, and the
// meeting's own even if no longer offered, in order.
func durationChoices(offered []int, current int) []int {
	out := slices.Clone(offered)
	if current > 0 && !slices.Contains(out, current) {
		out = append(out, current)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// zoneLine is a meeting's time as seen in one zone.
type zoneLine struct {
	Who  string // "Your time", "Ben Carter's time", "Guest's time"
	Zone string
	Text string // "Tue 3 Jun 2025, 14:00–14:30"
}

// meetingLines shows when a meeting is: in its agent's zone, and in the
// guest's when that is another. who names the agent's clock; the year is
// only shown when it is not now's.
func meetingLines(m model.Meeting, agentZone, who string, now time.Time) []zoneLine {
	var lines []zoneLine
	if l, ok := zoneSpan(m, agentZone, now); ok {
		l.Who = who
		lines = append(lines, l)
	}
	if m.TimeZone != "" && m.TimeZone != agentZone {
		if l, ok := zoneSpan(m, m.TimeZone, now); ok {
			l.Who = "Guest's time"
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		// No zone known: the browser's own.
		start, end := m.Start.Local(), m.End().Local()
		lines = append(lines, zoneLine{Who: "Your time", Text: spanText(start, end, now.Local())})
	}
	return lines
}

func zoneSpan(m model.Meeting, zone string, now time.Time) (zoneLine, bool) {
	start, ok := wallClock(m.Start, zone)
	if !ok {
		return zoneLine{}, false
	}
	end, ok := wallClock(m.End(), zone)
	if !ok {
		return zoneLine{}, false
	}
	today, ok := wallClock(now, zone)
	if !ok {
		return zoneLine{}, false
	}
	return zoneLine{Zone: zone, Text: spanText(start, end, today)}, true
}

// spanText is "Tue 3 Jun, 14:00–14:30" (with the year when it is not
// today's), with the end's date when the meeting ends on another day.
func spanText(start, end, today time.Time) string {
	layout := "Mon 2 Jan, 15:04"
	if start.Year() != today.Year() {
		layout = "Mon 2 Jan 2006, 15:04"
	}
	s := start.Format(layout)
	y1, m1, d1 := start.Date()
	if y2, m2, d2 := end.Date(); y1 == y2 && m1 == m2 && d1 == d2 {
		return s + "–" + end.Format("15:04")
	}
	return s + " – " + end.Format("Mon 2 Jan, 15:04")
}

// slotDay is one day of free slots, for an <optgroup>.
type slotDay struct {
	Label string // "Tue 3 Jun"
	Slots []slotChoice
}

type slotChoice struct {
	Start string // RFC 3339, as the API gave it and takes it back
	Label string // "14:30"
}

// groupSlots groups free slots by day. The API writes them with the
// agent's zone offset, so their wall clock is already the agent's.
func groupSlots(list model.SlotList) []slotDay {
	var days []slotDay
	for _, s := range list.Slots {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			continue
		}
		day := t.Format("Mon 2 Jan")
		if len(days) == 0 || days[len(days)-1].Label != day {
			days = append(days, slotDay{Label: day})
		}
		d := &days[len(days)-1]
		d.Slots = append(d.Slots, slotChoice{Start: s, Label: t.Format("15:04")})
	}
	return days
}

// meetingStatusLabel names a meeting's status.
func meetingStatusLabel(m model.Meeting, now time.Time) string {
	switch {
	case m.Status == model.MeetingCancelled:
		return "Cancelled"
	case m.End().Before(now):
		return "Past"
	default:
		return "Scheduled"
	}
}
