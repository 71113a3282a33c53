package google

import "testing"

// The busy rule, field by field (see package calendar).
func TestBlocks(t *testing.T) {
	self := func(status string) []attendee {
		return []attendee{{Email: "boss@x.test", Organizer: true, ResponseStatus: "accepted"}, {Email: "me@x.test", Self: true, ResponseStatus: status}}
	}
	for _, tc := range []struct {
		name string
		e    event
		want bool
	}{
		{"own event, no attendees", event{}, true},
		{"organizer is self", event{Organizer: &person{Self: true}, Attendees: self("needsAction")}, true},
		{"self attendee is the organizer", event{Attendees: []attendee{{Self: true, Organizer: true}}}, true},
		{"accepted", event{Attendees: self("accepted")}, true},
		{"needsAction", event{Attendees: self("needsAction")}, false},
		{"tentative", event{Attendees: self("tentative")}, false},
		{"declined", event{Attendees: self("declined")}, false},
		{"no answer field", event{Attendees: self("")}, false},
		{"others only: not invited under this address", event{Attendees: []attendee{{Email: "a@x.test"}}}, true},
		{"transparent", event{Transparency: "transparent"}, false},
		{"transparent even accepted", event{Transparency: "transparent", Attendees: self("accepted")}, false},
		{"cancelled", event{Status: "cancelled"}, false},
		{"opaque tentative event of one's own", event{Status: "tentative"}, true},
	} {
		if got := blocks(tc.e); got != tc.want {
			t.Errorf("%s: blocks = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestEventID(t *testing.T) {
	id := EventID("abc@frontdesk.example")
	if len(id) != 66 || !isOwnID(id) || EventID("abc@frontdesk.example") != id || EventID("abd@frontdesk.example") == id {
		t.Fatalf("EventID = %q", id)
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'v') {
			t.Fatalf("EventID %q has %q, outside base32hex", id, r)
		}
	}
	if isOwnID("4kg0fvf5u1ohvn2pb9q0c3hv7g") {
		t.Error("a Google-made id is taken for Frontdesk's")
	}
}
