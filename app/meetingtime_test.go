package app

import (
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // the zones, whatever the host has; the wasm uses the browser's Intl

	"github.com/frontdesk/frontdesk/model"
)

func TestDurationLabel(t *testing.T) {
	tests := []struct {
		min  int
		want string
	}{
		{15, "15 min"}, {60, "1 h"}, {90, "1 h 30 min"}, {120, "2 h"}, {0, "0 min"},
	}
	for _, tt := range tests {
		if got := meetingLength(tt.min); got != tt.want {
			t.Errorf("meetingLength(%d) = %q, want %q", tt.min, got, tt.want)
		}
	}
}

func TestDurationChoices(t *testing.T) {
	tests := []struct {
		offered []int
		current int
		want    []int
	}{
		{[]int{15, 30, 60}, 30, []int{15, 30, 60}},
		// A meeting booked for a length no longer offered keeps it.
		{[]int{60, 15, 30}, 45, []int{15, 30, 45, 60}},
		{nil, 20, []int{20}},
		{[]int{30, 30}, 30, []int{30}},
	}
	for _, tt := range tests {
		if got := durationChoices(tt.offered, tt.current); !slices.Equal(got, tt.want) {
			t.Errorf("durationChoices(%v, %d) = %v, want %v", tt.offered, tt.current, got, tt.want)
		}
	}
}

func TestMeetingLines(t *testing.T) {
	start := time.Date(2025, 6, 3, 12, 0, 0, 0, time.UTC)
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		m         model.Meeting
		agentZone string
		want      []zoneLine
	}{
		// A meeting in another year than now says which.
		{"another year",
			model.Meeting{Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Duration: 30, TimeZone: "Asia/Tokyo"}, "Europe/Berlin",
			[]zoneLine{
				{Who: "Your time", Zone: "Europe/Berlin", Text: "Thu 1 Jan 2026, 01:00–01:30"},
				{Who: "Guest's time", Zone: "Asia/Tokyo", Text: "Thu 1 Jan 2026, 09:00–09:30"},
			}},
		{"agent and guest in different zones",
			model.Meeting{Start: start, Duration: 30, TimeZone: "America/New_York"}, "Europe/Berlin",
			[]zoneLine{
				{Who: "Your time", Zone: "Europe/Berlin", Text: "Tue 3 Jun, 14:00–14:30"},
				{Who: "Guest's time", Zone: "America/New_York", Text: "Tue 3 Jun, 08:00–08:30"},
			}},
		{"same zone: one line",
			model.Meeting{Start: start, Duration: 60, TimeZone: "Europe/Berlin"}, "Europe/Berlin",
			[]zoneLine{{Who: "Your time", Zone: "Europe/Berlin", Text: "Tue 3 Jun, 14:00–15:00"}}},
		{"past midnight",
			model.Meeting{Start: time.Date(2025, 6, 3, 21, 30, 0, 0, time.UTC), Duration: 60, TimeZone: "Europe/Berlin"}, "Europe/Berlin",
			[]zoneLine{{Who: "Your time", Zone: "Europe/Berlin", Text: "Tue 3 Jun, 23:30 – Wed 4 Jun, 00:30"}}},
		// 01:30 UTC on the night clocks go forward is 03:30 in Berlin.
		{"daylight saving starts",
			model.Meeting{Start: time.Date(2025, 3, 30, 1, 30, 0, 0, time.UTC), Duration: 30, TimeZone: "Europe/Berlin"}, "Europe/Berlin",
			[]zoneLine{{Who: "Your time", Zone: "Europe/Berlin", Text: "Sun 30 Mar, 03:30–04:00"}}},
		{"agent's zone not known yet: the guest's",
			model.Meeting{Start: start, Duration: 30, TimeZone: "Asia/Tokyo"}, "",
			[]zoneLine{{Who: "Guest's time", Zone: "Asia/Tokyo", Text: "Tue 3 Jun, 21:00–21:30"}}},
		{"a zone nobody knows is left out",
			model.Meeting{Start: start, Duration: 30, TimeZone: "Mars/Olympus"}, "UTC",
			[]zoneLine{{Who: "Your time", Zone: "UTC", Text: "Tue 3 Jun, 12:00–12:30"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := meetingLines(tt.m, tt.agentZone, "Your time", now); !slices.Equal(got, tt.want) {
				t.Errorf("lines = %+v\nwant    %+v", got, tt.want)
			}
		})
	}
}

func TestGroupSlots(t *testing.T) {
	list := model.SlotList{TimeZone: "Europe/Berlin", Duration: 30, Slots: []string{
		"2025-06-03T09:00:00+02:00",
		"2025-06-03T09:30:00+02:00",
		"not a time",
		"2025-06-04T14:00:00+02:00",
	}}
	want := []slotDay{
		{Label: "Tue 3 Jun", Slots: []slotChoice{{"2025-06-03T09:00:00+02:00", "09:00"}, {"2025-06-03T09:30:00+02:00", "09:30"}}},
		{Label: "Wed 4 Jun", Slots: []slotChoice{{"2025-06-04T14:00:00+02:00", "14:00"}}},
	}
	got := groupSlots(list)
	if !slices.EqualFunc(got, want, func(a, b slotDay) bool { return a.Label == b.Label && slices.Equal(a.Slots, b.Slots) }) {
		t.Errorf("groupSlots = %+v\nwant        %+v", got, want)
	}
	if got := groupSlots(model.SlotList{}); len(got) != 0 {
		t.Errorf("no slots grouped as %+v", got)
	}
}

func TestMeetingStatusLabel(t *testing.T) {
	now := time.Date(2025, 6, 3, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		m    model.Meeting
		want string
	}{
		{model.Meeting{Start: now.Add(time.Hour), Duration: 30, Status: model.MeetingScheduled}, "Scheduled"},
		{model.Meeting{Start: now.Add(-10 * time.Minute), Duration: 30, Status: model.MeetingScheduled}, "Scheduled"},
		{model.Meeting{Start: now.Add(-time.Hour), Duration: 30, Status: model.MeetingScheduled}, "Past"},
		{model.Meeting{Start: now.Add(time.Hour), Duration: 30, Status: model.MeetingCancelled}, "Cancelled"},
	}
	for _, tt := range tests {
		if got := meetingStatusLabel(tt.m, now); got != tt.want {
			t.Errorf("status of %+v = %q, want %q", tt.m, got, tt.want)
		}
	}
}

func TestLocalInput(t *testing.T) {
	got, ok := localInput("2025-06-03T14:30")
	if want := time.Date(2025, 6, 3, 14, 30, 0, 0, time.Local); !ok || !got.Equal(want) {
		t.Errorf("localInput = %s, %v; want %s", got, ok, want)
	}
	for _, bad := range []string{"", "2025-06-03", "2025-06-03 14:30", "14:30", "2025-13-03T14:30"} {
		if _, ok := localInput(bad); ok {
			t.Errorf("localInput(%q) accepted", bad)
		}
	}
}
