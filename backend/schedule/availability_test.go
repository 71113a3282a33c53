package schedule

import (
	"errors"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/model"
)

// officeHours is a Berlin agent working weekdays 09:00–17:00.
func officeHours(t testing.TB) Availability {
	return Availability{
		TimeZone:  loadLoc(t, "Europe/Berlin"),
		Rules:     []Rule{{RRule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", Start: hm(9, 0), End: hm(17, 0)}},
		Durations: []int{15, 30, 60},
		Horizon:   365 * 24 * time.Hour,
		Step:      30 * time.Minute,
	}
}

func TestValidate(t *testing.T) {
	if err := officeHours(t).Validate(); err != nil {
		t.Fatalf("valid availability refused: %v", err)
	}
	for _, tc := range []struct {
		field  string
		mutate func(a *Availability)
	}{
		{"time_zone", func(a *Availability) { a.TimeZone = nil }},
		{"rules[0].rrule", func(a *Availability) { a.Rules[0].RRule = "FREQ=WEEKLY;BYDAY=MOO" }},
		{"rules[1].rrule", func(a *Availability) {
			a.Rules = append(a.Rules, Rule{RRule: "FREQ=MINUTELY", Start: 0, End: hm(1, 0)})
		}},
		{"rules[0].end", func(a *Availability) { a.Rules[0].End = hm(8, 0) }},
		{"rules[0].end", func(a *Availability) { a.Rules[0].End = a.Rules[0].Start }},
		{"rules[0].end", func(a *Availability) { a.Rules[0].End = endOfDay + 1 }},
		{"rules[0].start", func(a *Availability) { a.Rules[0].Start = -1 }},
		{"overrides[0].date", func(a *Availability) {
			a.Overrides = []Override{{Date: Date{2026, time.February, 30}}}
		}},
		{"overrides[1].date", func(a *Availability) {
			a.Overrides = []Override{{Date: Date{2026, 5, 1}}, {Date: Date{2026, 5, 1}}}
		}},
		{"overrides[0].windows[1].end", func(a *Availability) {
			a.Overrides = []Override{{Date: Date{2026, 5, 1}, Windows: []Window{{hm(9, 0), hm(10, 0)}, {hm(12, 0), hm(11, 0)}}}}
		}},
		{"durations", func(a *Availability) { a.Durations = nil }},
		{"durations[1]", func(a *Availability) { a.Durations = []int{30, 0} }},
		{"durations[0]", func(a *Availability) { a.Durations = []int{maxDuration + 1} }},
		{"durations[2]", func(a *Availability) { a.Durations = []int{30, 60, 30} }},
		{"step", func(a *Availability) { a.Step = 0 }},
		{"horizon", func(a *Availability) { a.Horizon = 0 }},
		{"min_notice", func(a *Availability) { a.MinNotice = -time.Minute }},
		{"buffer_before", func(a *Availability) { a.BufferBefore = -time.Minute }},
		{"buffer_after", func(a *Availability) { a.BufferAfter = -time.Minute }},
	} {
		a := officeHours(t)
		a.Rules = append([]Rule(nil), a.Rules...)
		tc.mutate(&a)
		err := a.Validate()
		me, ok := model.AsError(err)
		if !ok || me.Code != model.CodeValidation || me.Fields[tc.field] == "" {
			t.Errorf("%s: Validate() = %v, want a validation error on that field", tc.field, err)
			continue
		}
		if len(me.Fields) != 1 {
			t.Errorf("%s: extra fields reported: %v", tc.field, me.Fields)
		}
		if _, err := a.Compile(); !errors.As(err, &me) {
			t.Errorf("%s: Compile() = %v, want the validation error", tc.field, err)
		}
	}
}
