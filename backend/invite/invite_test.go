package invite_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/frontdesk/frontdesk/backend/invite"
)

func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func baseEvent() invite.Event {
	return invite.Event{
		UID:         "m-42@frontdesk.test",
		Sequence:    0,
		Start:       time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
		End:         time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC),
		TimeZone:    "Europe/Berlin",
		Summary:     "Meeting with Ada",
		Description: "Talk about the offer.",
		URL:         "https://frontdesk.test/c/abc",
		Organizer:   invite.Person{Name: "Ada Agent", Email: "ada@example.com"},
		Attendees:   []invite.Attendee{{Name: "Gus Guest", Email: "gus@example.org"}},
	}
}

// lines splits an encoded calendar into unfolded content lines, checking on
// the way that it is well formed: CRLF endings, no line over 75 octets, no
// UTF-8 sequence cut by folding.
func lines(t *testing.T, b []byte) []string {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Errorf("calendar does not end with CRLF")
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n") {
		if strings.Contains(l, "\n") || strings.Contains(l, "\r") {
			t.Errorf("bare CR or LF in line %q", l)
		}
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("folding cut a UTF-8 sequence: %q", l)
		}
		if strings.HasPrefix(l, " ") && len(out) > 0 {
			out[len(out)-1] += l[1:]
			continue
		}
		out = append(out, l)
	}
	return out
}

func hasLine(ls []string, want string) bool {
	for _, l := range ls {
		if l == want {
			return true
		}
	}
	return false
}

func TestRequest(t *testing.T) {
	long := strings.Repeat("Grüße aus Zürich — ", 12)
	tests := []struct {
		name      string
		edit      func(*invite.Event)
		wantLines []string
		// wantBack is what Parse must return, when it differs from the
		// event given.
		wantBack func(*invite.Event)
	}{
		{
			name: "basic",
			wantLines: []string{
				"BEGIN:VCALENDAR", "METHOD:REQUEST", "VERSION:2.0", "PRODID:" + invite.ProductID,
				"BEGIN:VEVENT", "UID:m-42@frontdesk.test", "SEQUENCE:0", "STATUS:CONFIRMED",
				"DTSTART:20261201T090000Z", "DTEND:20261201T093000Z",
				"ORGANIZER;CN=Ada Agent:mailto:ada@example.com",
				"ATTENDEE;CN=Gus Guest;CUTYPE=INDIVIDUAL;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:gus@example.org",
				"URL:https://frontdesk.test/c/abc", "X-FRONTDESK-TIMEZONE:Europe/Berlin",
				"END:VEVENT", "END:VCALENDAR",
			},
			wantBack: func(e *invite.Event) {
				e.Status = invite.StatusConfirmed
				e.Attendees[0].PartStat = invite.PartStatNeedsAction
			},
		},
		{
			name: "user text is escaped",
			edit: func(e *invite.Event) {
				e.Summary = `Lunch, coffee; talk \ more`
				e.Description = "line one\r\nline two\nline three, with; marks"
				e.Location = "Room 1; floor 2, left"
			},
			wantLines: []string{
				`SUMMARY:Lunch\, coffee\; talk \\ more`,
				`DESCRIPTION:line one\nline two\nline three\, with\; marks`,
				`LOCATION:Room 1\; floor 2\, left`,
			},
			wantBack: func(e *invite.Event) {
				e.Status = invite.StatusConfirmed
				e.Attendees[0].PartStat = invite.PartStatNeedsAction
				e.Description = "line one\nline two\nline three, with; marks"
			},
		},
		{
			name: "names with separators are quoted, quotes and newlines dropped",
			edit: func(e *invite.Event) {
				e.Organizer.Name = "Doe, Jane; Sales: EMEA"
				e.Attendees[0].Name = "Gus \"the guest\"\r\nEvil: header"
			},
			wantLines: []string{
				`ORGANIZER;CN="Doe, Jane; Sales: EMEA":mailto:ada@example.com`,
				`ATTENDEE;CN="Gus 'the guest' Evil: header";CUTYPE=INDIVIDUAL;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:gus@example.org`,
			},
			wantBack: func(e *invite.Event) {
				e.Status = invite.StatusConfirmed
				e.Attendees[0].PartStat = invite.PartStatNeedsAction
				e.Attendees[0].Name = "Gus 'the guest' Evil: header"
			},
		},
		{
			name: "long unicode text is folded and comes back whole",
			edit: func(e *invite.Event) { e.Description = long },
			wantBack: func(e *invite.Event) {
				e.Status = invite.StatusConfirmed
				e.Attendees[0].PartStat = invite.PartStatNeedsAction
				e.Description = strings.TrimSpace(long)
			},
		},
		{
			name: "local times are written in UTC",
			edit: func(e *invite.Event) {
				loc := berlin(t)
				e.Start = time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
				e.End = time.Date(2026, 12, 1, 10, 30, 0, 0, loc)
			},
			wantLines: []string{"DTSTART:20261201T090000Z", "DTEND:20261201T093000Z"},
			wantBack: func(e *invite.Event) {
				e.Status = invite.StatusConfirmed
				e.Attendees[0].PartStat = invite.PartStatNeedsAction
				e.Start, e.End = e.Start.UTC(), e.End.UTC()
			},
		},
		{
			name: "an update has a higher sequence; answered attendees are not asked again",
			edit: func(e *invite.Event) {
				e.Sequence = 3
				e.Status = invite.StatusTentative
				e.Attendees = append(e.Attendees, invite.Attendee{Email: "bo@example.org", PartStat: invite.PartStatAccepted})
			},
			wantLines: []string{
				"SEQUENCE:3", "STATUS:TENTATIVE",
				"ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:bo@example.org",
			},
			wantBack: func(e *invite.Event) {
				e.Attendees[0].PartStat = invite.PartStatNeedsAction
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := baseEvent()
			if tt.edit != nil {
				tt.edit(&e)
			}
			before := time.Now().UTC().Truncate(time.Second)
			b, err := invite.Request(e)
			if err != nil {
				t.Fatal(err)
			}
			after := time.Now().UTC()
			ls := lines(t, b)
			for _, want := range tt.wantLines {
				if !hasLine(ls, want) {
					t.Errorf("missing line %q in\n%s", want, b)
				}
			}
			var stamp time.Time
			for _, l := range ls {
				if v, ok := strings.CutPrefix(l, "DTSTAMP:"); ok {
					if stamp, err = time.Parse("20060102T150405Z", v); err != nil {
						t.Fatalf("DTSTAMP %q: %v", v, err)
					}
				}
			}
			if stamp.Before(before) || stamp.After(after) {
				t.Errorf("DTSTAMP %s outside [%s, %s]", stamp, before, after)
			}

			method, got, err := invite.Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			if method != invite.MethodRequest {
				t.Errorf("METHOD = %q, want REQUEST", method)
			}
			want := e
			want.Attendees = append([]invite.Attendee(nil), e.Attendees...)
			if tt.wantBack != nil {
				tt.wantBack(&want)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("parsed back\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	e := baseEvent()
	e.Sequence = 2
	b, err := invite.Cancel(e)
	if err != nil {
		t.Fatal(err)
	}
	ls := lines(t, b)
	for _, want := range []string{"METHOD:CANCEL", "STATUS:CANCELLED", "SEQUENCE:2", "UID:m-42@frontdesk.test"} {
		if !hasLine(ls, want) {
			t.Errorf("missing line %q in\n%s", want, b)
		}
	}
	if bytes.Contains(b, []byte("RSVP")) {
		t.Errorf("a cancellation asks for a reply:\n%s", b)
	}
	method, got, err := invite.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if method != invite.MethodCancel || got.UID != e.UID || got.Sequence != 2 || got.Status != invite.StatusCancelled {
		t.Errorf("parsed %s %+v", method, got)
	}
}

func TestFeed(t *testing.T) {
	a := baseEvent()
	b := baseEvent()
	b.UID = "m-43@frontdesk.test"
	b.Sequence = 1
	b.Start = b.Start.Add(24 * time.Hour)
	b.End = b.End.Add(24 * time.Hour)
	b.Status = invite.StatusCancelled

	tests := []struct {
		name   string
		events []invite.Event
		want   []invite.Event
	}{
		{name: "empty", events: nil},
		{
			name:   "two meetings, attendees left out",
			events: []invite.Event{a, b},
			want: func() []invite.Event {
				wa, wb := a, b
				wa.Attendees, wb.Attendees = nil, nil
				wa.Status = invite.StatusConfirmed
				return []invite.Event{wa, wb}
			}(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := invite.Feed(tt.events)
			if err != nil {
				t.Fatal(err)
			}
			ls := lines(t, out)
			for _, want := range []string{"METHOD:PUBLISH", "VERSION:2.0", "REFRESH-INTERVAL;VALUE=DURATION:PT15M"} {
				if !hasLine(ls, want) {
					t.Errorf("missing line %q in\n%s", want, out)
				}
			}
			if bytes.Contains(out, []byte("ATTENDEE")) {
				t.Errorf("a publication lists attendees:\n%s", out)
			}
			method, got, err := invite.ParseAll(out)
			if err != nil {
				t.Fatal(err)
			}
			if method != invite.MethodPublish {
				t.Errorf("METHOD = %q", method)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parsed back\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestInvalidEvents(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*invite.Event)
		build func(invite.Event) ([]byte, error)
	}{
		{name: "no UID", edit: func(e *invite.Event) { e.UID = " " }},
		{name: "UID with newline", edit: func(e *invite.Event) { e.UID = "a\r\nMETHOD:CANCEL" }},
		{name: "negative sequence", edit: func(e *invite.Event) { e.Sequence = -1 }},
		{name: "no start", edit: func(e *invite.Event) { e.Start = time.Time{} }},
		{name: "end before start", edit: func(e *invite.Event) { e.End = e.Start.Add(-time.Minute) }},
		{name: "empty meeting", edit: func(e *invite.Event) { e.End = e.Start }},
		{name: "unknown status", edit: func(e *invite.Event) { e.Status = "MAYBE" }},
		{name: "request marked cancelled", edit: func(e *invite.Event) { e.Status = invite.StatusCancelled }},
		{name: "unknown zone", edit: func(e *invite.Event) { e.TimeZone = "Mars/Olympus" }},
		{name: "no organizer", edit: func(e *invite.Event) { e.Organizer.Email = "" }},
		{name: "organizer not an address", edit: func(e *invite.Event) { e.Organizer.Email = "ada at example" }},
		{name: "attendee injecting a line", edit: func(e *invite.Event) { e.Attendees[0].Email = "gus@example.org\r\nATTENDEE:mailto:x@y.z" }},
		{name: "attendee with separator", edit: func(e *invite.Event) { e.Attendees[0].Email = "gus;x@example.org" }},
		{name: "no attendees", edit: func(e *invite.Event) { e.Attendees = nil }},
		{name: "no attendees in a cancellation", edit: func(e *invite.Event) { e.Attendees = nil }, build: invite.Cancel},
		{name: "unknown partstat", edit: func(e *invite.Event) { e.Attendees[0].PartStat = "PERHAPS" }},
		{name: "bad url", edit: func(e *invite.Event) { e.URL = "http://[::1" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := baseEvent()
			tt.edit(&e)
			build := tt.build
			if build == nil {
				build = invite.Request
			}
			if b, err := build(e); err == nil {
				t.Errorf("accepted:\n%s", b)
			}
		})
	}
	// One bad event spoils a feed, naming the event.
	bad := baseEvent()
	bad.UID = "broken@x"
	bad.End = bad.Start
	_, err := invite.Feed([]invite.Event{baseEvent(), bad})
	if err == nil || !strings.Contains(err.Error(), "broken@x") {
		t.Errorf("feed with a bad event: %v", err)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{name: "not a calendar", in: "hello"},
		{name: "no event", in: "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n"},
		{name: "two events", in: "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n" +
			"BEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\n" +
			"BEGIN:VEVENT\r\nUID:b\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\n" +
			"END:VCALENDAR\r\n"},
		{name: "bad sequence", in: "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n" +
			"BEGIN:VEVENT\r\nUID:a\r\nSEQUENCE:two\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\n" +
			"END:VCALENDAR\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, e, err := invite.Parse([]byte(tt.in)); err == nil {
				t.Errorf("parsed %+v", e)
			}
		})
	}
}
