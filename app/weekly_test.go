package app

import (
	"reflect"
	"testing"

	"github.com/frontdesk/frontdesk/model"
)

func rule(rrule, start, end string) model.AvailabilityRule {
	return model.AvailabilityRule{RRule: rrule, Window: model.Window{Start: start, End: end}}
}

func win(start, end string) model.Window { return model.Window{Start: start, End: end} }

func TestWeekFromRules(t *testing.T) {
	nine5 := win("09:00", "17:00")
	tests := []struct {
		name  string
		rules []model.AvailabilityRule
		week  week
		other []model.AvailabilityRule
	}{
		{
			name:  "the default: weekdays nine to five",
			rules: []model.AvailabilityRule{rule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "09:00", "17:00")},
			week:  week{{nine5}, {nine5}, {nine5}, {nine5}, {nine5}, nil, nil},
		},
		{
			name: "a lunch break and a Saturday morning, rules in any order and case",
			rules: []model.AvailabilityRule{
				rule("FREQ=WEEKLY;BYDAY=MO,WE", "13:00", "17:00"),
				rule("RRULE:freq=weekly;byday=we,mo;interval=1;wkst=MO", "09:00", "12:00"),
				rule("FREQ=WEEKLY;BYDAY=SA", "10:00", "12:30"),
			},
			week: week{
				{win("09:00", "12:00"), win("13:00", "17:00")}, nil,
				{win("09:00", "12:00"), win("13:00", "17:00")}, nil, nil,
				{win("10:00", "12:30")}, nil,
			},
		},
		{
			name:  "daily means every day",
			rules: []model.AvailabilityRule{rule("FREQ=DAILY", "08:00", "10:00")},
			week: week{{win("08:00", "10:00")}, {win("08:00", "10:00")}, {win("08:00", "10:00")},
				{win("08:00", "10:00")}, {win("08:00", "10:00")}, {win("08:00", "10:00")}, {win("08:00", "10:00")}},
		},
		{
			name:  "the same window twice is shown once",
			rules: []model.AvailabilityRule{rule("FREQ=WEEKLY;BYDAY=MO", "09:00", "17:00"), rule("FREQ=WEEKLY;BYDAY=MO,MO", "09:00", "17:00")},
			week:  week{{nine5}},
		},
		{
			name: "rules a week cannot show are kept aside",
			rules: []model.AvailabilityRule{
				rule("FREQ=WEEKLY;BYDAY=MO", "09:00", "17:00"),
				rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "09:00", "12:00"),
				rule("FREQ=MONTHLY;BYDAY=1MO", "09:00", "12:00"),
				rule("FREQ=WEEKLY;BYDAY=1MO", "09:00", "12:00"),
				rule("FREQ=WEEKLY", "09:00", "12:00"),
				rule("FREQ=WEEKLY;BYDAY=TU;UNTIL=20261231T000000Z", "09:00", "12:00"),
				rule("nonsense", "09:00", "12:00"),
			},
			week: week{{nine5}},
			other: []model.AvailabilityRule{
				rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "09:00", "12:00"),
				rule("FREQ=MONTHLY;BYDAY=1MO", "09:00", "12:00"),
				rule("FREQ=WEEKLY;BYDAY=1MO", "09:00", "12:00"),
				rule("FREQ=WEEKLY", "09:00", "12:00"),
				rule("FREQ=WEEKLY;BYDAY=TU;UNTIL=20261231T000000Z", "09:00", "12:00"),
				rule("nonsense", "09:00", "12:00"),
			},
		},
		{name: "no rules, no hours"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, other := weekFromRules(tt.rules)
			if !reflect.DeepEqual(w, tt.week) {
				t.Errorf("week = %v, want %v", w, tt.week)
			}
			if !reflect.DeepEqual(other, tt.other) {
				t.Errorf("other = %v, want %v", other, tt.other)
			}
		})
	}
}

func TestWeekRules(t *testing.T) {
	tests := []struct {
		name string
		week week
		want []model.AvailabilityRule
	}{
		{
			name: "days sharing a window share a rule",
			week: week{{win("09:00", "17:00")}, {win("09:00", "17:00")}, {win("09:00", "17:00")}, {win("09:00", "17:00")}, {win("09:00", "17:00")}},
			want: []model.AvailabilityRule{rule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "09:00", "17:00")},
		},
		{
			name: "split days and a short Friday, ordered by start",
			week: week{
				{win("13:00", "17:00"), win("09:00", "12:00")},
				{win("09:00", "12:00"), win("13:00", "17:00")},
				nil, nil,
				{win("09:00", "12:00")},
				nil,
				{win("00:00", "24:00")},
			},
			want: []model.AvailabilityRule{
				rule("FREQ=WEEKLY;BYDAY=SU", "00:00", "24:00"),
				rule("FREQ=WEEKLY;BYDAY=MO,TU,FR", "09:00", "12:00"),
				rule("FREQ=WEEKLY;BYDAY=MO,TU", "13:00", "17:00"),
			},
		},
		{name: "an empty week has no rules", want: []model.AvailabilityRule{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := weekRules(tt.week); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("weekRules = %v, want %v", got, tt.want)
			}
		})
	}
}

// A week survives the trip to rules and back, whatever it holds.
func TestWeekRoundTrip(t *testing.T) {
	weeks := []week{
		{{win("09:00", "17:00")}, {win("09:00", "17:00")}, {win("09:00", "17:00")}, {win("09:00", "17:00")}, {win("09:00", "17:00")}},
		{{win("08:00", "12:00"), win("13:00", "18:00")}, nil, {win("10:00", "11:00")}, nil, nil, nil, {win("00:00", "24:00")}},
		{nil, nil, nil, nil, nil, {win("10:00", "14:00")}, {win("10:00", "14:00")}},
		{},
	}
	for _, w := range weeks {
		back, other := weekFromRules(weekRules(w))
		if !reflect.DeepEqual(back, w) || len(other) != 0 {
			t.Errorf("week %v came back as %v (other %v)", w, back, other)
		}
	}
}

func TestCheckWindows(t *testing.T) {
	tests := []struct {
		name string
		ws   []model.Window
		want map[int]string
	}{
		{"fine", []model.Window{win("09:00", "12:00"), win("13:00", "24:00")}, map[int]string{}},
		{"back to back is fine", []model.Window{win("09:00", "12:00"), win("12:00", "13:00")}, map[int]string{}},
		{"bad start", []model.Window{win("9:00", "12:00")}, map[int]string{0: "The start must be a time like 09:00."}},
		{"midnight is no start", []model.Window{win("24:00", "24:00")}, map[int]string{0: "The start must be a time like 09:00."}},
		{"bad end", []model.Window{win("09:00", "25:00")}, map[int]string{0: "The end must be a time like 17:00."}},
		{"end before start", []model.Window{win("17:00", "09:00")}, map[int]string{0: "The end must be after the start."}},
		{"overlap", []model.Window{win("09:00", "12:00"), win("11:00", "13:00")}, map[int]string{1: "Overlaps 09:00–12:00."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkWindows(tt.ws); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("checkWindows = %v, want %v", got, tt.want)
			}
		})
	}
}
