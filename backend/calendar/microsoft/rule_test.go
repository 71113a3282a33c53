package microsoft

import (
	"testing"
	"time"
)

func TestBlocks(t *testing.T) {
	resp := func(r string) *struct {
		Response string `json:"response"`
	} {
		return &struct {
			Response string `json:"response"`
		}{r}
	}
	for _, tc := range []struct {
		name string
		e    event
		want bool
	}{
		{"organizer", event{IsOrganizer: true, ResponseStatus: resp("organizer")}, true},
		{"organizer shown as tentative", event{IsOrganizer: true, ShowAs: "tentative"}, true},
		{"accepted", event{ResponseStatus: resp("accepted")}, true},
		{"no response to give", event{ResponseStatus: resp("none")}, true},
		{"no response status", event{}, true},
		{"notResponded", event{ResponseStatus: resp("notResponded")}, false},
		{"tentativelyAccepted", event{ResponseStatus: resp("tentativelyAccepted")}, false},
		{"declined", event{ResponseStatus: resp("declined")}, false},
		{"free", event{IsOrganizer: true, ShowAs: "free"}, false},
		{"cancelled", event{IsOrganizer: true, IsCancelled: true}, false},
	} {
		if got := blocks(tc.e); got != tc.want {
			t.Errorf("%s: blocks = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSpan(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, tc := range []struct {
		name       string
		e          event
		start, end time.Time
		bad        bool
	}{
		{"UTC", event{Start: &dateTimeTZ{"2031-03-10T09:00:00.0000000", "UTC"}, End: &dateTimeTZ{"2031-03-10T10:30:00.0000000", "UTC"}},
			time.Date(2031, 3, 10, 9, 0, 0, 0, time.UTC), time.Date(2031, 3, 10, 10, 30, 0, 0, time.UTC), false},
		{"IANA zone", event{Start: &dateTimeTZ{"2031-03-10T09:00:00", "Europe/Berlin"}, End: &dateTimeTZ{"2031-03-10T10:00:00", "Europe/Berlin"}},
			time.Date(2031, 3, 10, 9, 0, 0, 0, berlin), time.Date(2031, 3, 10, 10, 0, 0, 0, berlin), false},
		{"all day in the agent's zone", event{IsAllDay: true, Start: &dateTimeTZ{"2031-03-29T00:00:00.0000000", "UTC"}, End: &dateTimeTZ{"2031-03-31T00:00:00.0000000", "UTC"}},
			time.Date(2031, 3, 29, 0, 0, 0, 0, berlin), time.Date(2031, 3, 31, 0, 0, 0, 0, berlin), false},
		{"unknown zone", event{Start: &dateTimeTZ{"2031-03-10T09:00:00", "Nowhere Standard Time"}, End: &dateTimeTZ{"2031-03-10T10:00:00", "UTC"}}, time.Time{}, time.Time{}, true},
		{"ends first", event{Start: &dateTimeTZ{"2031-03-10T10:00:00", "UTC"}, End: &dateTimeTZ{"2031-03-10T09:00:00", "UTC"}}, time.Time{}, time.Time{}, true},
		{"no end", event{Start: &dateTimeTZ{"2031-03-10T10:00:00", "UTC"}}, time.Time{}, time.Time{}, true},
	} {
		s, e, err := span(tc.e, berlin)
		if (err != nil) != tc.bad || !tc.bad && (!s.Equal(tc.start) || !e.Equal(tc.end)) {
			t.Errorf("%s: %s – %s, %v", tc.name, s, e, err)
		}
	}
}
