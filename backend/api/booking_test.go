package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/api"
	"github.com/frontdesk/frontdesk/backend/booking"
	"github.com/frontdesk/frontdesk/backend/invite"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// bookingEnv gives the acme agent (slug "agent", Europe/Berlin) weekday
// hours 09:00–17:00 and a fixed clock: Monday 30 November 2026, 08:00 UTC.
func bookingEnv(t *testing.T) (*env, time.Time) {
	t.Helper()
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	e := newEnv(t, func(c *api.Config) { c.PublicBurst = 1000 })
	av := postgres.DefaultAvailability("Europe/Berlin")
	av.MinNoticeMinutes = 60
	av.HorizonDays = 30
	av.BufferAfterMinutes = 10
	if err := e.db.SetAvailability(context.Background(), e.acme.ID, e.agent.ID, av); err != nil {
		t.Fatal(err)
	}
	e.server.SetBooking(&booking.Service{DB: e.db, BaseURL: api.DefaultConfig().BaseURL, Now: func() time.Time { return now }})
	return e, now
}

func request(start string, duration int) model.BookingRequest {
	return model.BookingRequest{Start: start, Duration: duration, TimeZone: "America/New_York", Name: "Gina Guest", Email: "gina@example.com", Phone: "+1 212 555 0100", Notes: "About pricing"}
}

func TestSlotsAndBooking(t *testing.T) {
	e, _ := bookingEnv(t)
	c := e.client()
	var card model.AgentCard
	if st := c.do("GET", "/api/v1/public/links/agent", nil, &card); st != 200 || card.Name != "Agent" || card.Organization != "Acme" {
		t.Fatalf("card: %d %+v", st, card)
	}
	var slots model.SlotList
	if st := c.do("GET", "/api/v1/public/links/agent/slots?from=2026-12-01&to=2026-12-01&duration=30&tz=America/New_York", nil, &slots); st != 200 {
		t.Fatalf("slots: %d", st)
	}
	// Berlin 09:00–17:00 is New York 03:00–11:00; the last 30-minute start
	// is 10:30, every 15 minutes: 31 starts.
	if len(slots.Slots) != 31 || slots.Slots[0] != "2026-12-01T03:00:00-05:00" || slots.Slots[30] != "2026-12-01T10:30:00-05:00" {
		t.Fatalf("slots = %d %v", len(slots.Slots), slots.Slots)
	}

	var b model.Booking
	if st := c.do("POST", "/api/v1/public/links/agent/meetings", request("2026-12-01T04:00:00-05:00", 30), &b); st != 201 {
		t.Fatalf("book: %d", st)
	}
	if b.Meeting.Guest.Email != "gina@example.com" || b.Meeting.Sequence != 0 || b.Meeting.UID == "" || b.ConversationToken == "" {
		t.Fatalf("booking %+v", b)
	}
	// The conversation is the agent's, with a system message saying what
	// was booked.
	var conv model.Conversation
	agent := e.login("agent@acme.test")
	agent.do("GET", "/api/v1/conversations/"+itoa(b.Meeting.ConversationID), nil, &conv)
	if conv.Channel != model.ChannelMeeting || conv.AssigneeID == nil || *conv.AssigneeID != e.agent.ID {
		t.Fatalf("conversation %+v", conv)
	}
	var msgs []model.Message
	agent.do("GET", "/api/v1/conversations/"+itoa(conv.ID)+"/messages", nil, &msgs)
	if len(msgs) != 1 || msgs[0].AuthorKind != model.AuthorSystem || msgs[0].Body != "Meeting scheduled with Agent on Tuesday 1 December 2026, 04:00–04:30 (America/New_York), 30 minutes." {
		t.Fatalf("messages %+v", msgs)
	}
	// The guest reads it by the link's token.
	var gc model.GuestConversation
	if st := c.do("GET", "/api/v1/public/conversations/"+b.ConversationToken, nil, &gc); st != 200 || gc.AgentName != "Agent" {
		t.Fatalf("guest view: %d %+v", st, gc)
	}

	// The slot and its 10-minute buffer are gone: 04:00 and 04:15 overlap
	// the meeting (04:00–04:40 with the buffer); 03:45 would run into it.
	c.do("GET", "/api/v1/public/links/agent/slots?from=2026-12-01&to=2026-12-01&duration=30&tz=America/New_York", nil, &slots)
	for _, s := range slots.Slots {
		if s == "2026-12-01T04:00:00-05:00" || s == "2026-12-01T04:15:00-05:00" || s == "2026-12-01T03:45:00-05:00" {
			t.Fatalf("taken slot %s still offered", s)
		}
	}
	c.wantError("POST", "/api/v1/public/links/agent/meetings", request("2026-12-01T04:15:00-05:00", 30), 409, model.CodeSlotTaken)
}

func TestBookingBadInput(t *testing.T) {
	e, _ := bookingEnv(t)
	c := e.client()
	basic := postgres.NewAgent{Email: "b@acme.test", Name: "B", Slug: "basic", TimeZone: "UTC", Role: model.RoleAgent, License: model.LicenseBasic, PasswordHash: "x"}
	if _, err := e.db.CreateAgent(context.Background(), e.acme.ID, basic); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		path   string
		body   any
		status int
		code   string
	}{
		{"past", "agent", request("2026-11-27T04:00:00-05:00", 30), 422, booking.CodeStartInPast},
		{"inside minimum notice", "agent", request("2026-11-30T03:30:00-05:00", 30), 422, booking.CodeTooSoon},
		{"beyond horizon", "agent", request("2027-02-01T04:00:00-05:00", 30), 422, booking.CodeBeyondHorizon},
		{"outside availability", "agent", request("2026-12-01T20:00:00-05:00", 30), 422, booking.CodeOutsideAvailability},
		{"weekend", "agent", request("2026-12-05T04:00:00-05:00", 30), 422, booking.CodeOutsideAvailability},
		{"off the grid", "agent", request("2026-12-01T04:07:00-05:00", 30), 422, booking.CodeOutsideAvailability},
		{"duration not offered", "agent", request("2026-12-01T04:00:00-05:00", 45), 422, booking.CodeInvalidDuration},
		{"missing email", "agent", func() model.BookingRequest { r := request("2026-12-01T04:00:00-05:00", 30); r.Email = ""; return r }(), 422, model.CodeValidation},
		{"bad time zone", "agent", func() model.BookingRequest {
			r := request("2026-12-01T04:00:00-05:00", 30)
			r.TimeZone = "Nowhere/Land"
			return r
		}(), 422, model.CodeValidation},
		{"bad start", "agent", request("tomorrow at ten", 30), 422, model.CodeValidation},
		{"basic agent has no link", "basic", request("2026-12-01T04:00:00-05:00", 30), 404, model.CodeNotFound},
		{"unknown link", "nobody", request("2026-12-01T04:00:00-05:00", 30), 404, model.CodeNotFound},
		{"unknown field", "agent", `{"start":"x","admin":true}`, 400, model.CodeUnknownField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.wantError("POST", "/api/v1/public/links/"+tt.path+"/meetings", tt.body, tt.status, tt.code)
		})
	}
	slotTests := []struct{ name, query, field string }{
		{"range too long", "from=2026-12-01&to=2027-03-01&duration=30&tz=UTC", "to"},
		{"to before from", "from=2026-12-05&to=2026-12-01&duration=30&tz=UTC", "to"},
		{"bad date", "from=12/01/2026&to=2026-12-01&duration=30&tz=UTC", "from"},
		{"bad zone", "from=2026-12-01&to=2026-12-01&duration=30&tz=Local", "tz"},
	}
	for _, tt := range slotTests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.wantError("GET", "/api/v1/public/links/agent/slots?"+tt.query, nil, 422, model.CodeValidation)
			if err.Fields[tt.field] == "" {
				t.Fatalf("fields %v lack %s", err.Fields, tt.field)
			}
		})
	}
	c.wantError("GET", "/api/v1/public/links/agent/slots?from=2026-12-01&to=2026-12-01&duration=45&tz=UTC", nil, 422, booking.CodeInvalidDuration)
	var n int
	if err := e.db.Bun.NewSelect().Table("meetings").ColumnExpr("count(*)").Scan(context.Background(), &n); err != nil || n != 0 {
		t.Fatalf("refused bookings left %d meetings (%v)", n, err)
	}
	var convs int
	e.db.Bun.NewSelect().Table("conversations").ColumnExpr("count(*)").Scan(context.Background(), &convs)
	if convs != 0 {
		t.Fatalf("refused bookings left %d conversations", convs)
	}
}

// TestBookingRace is bar P6: 50 guests book one slot at once; exactly one
// gets it, the other 49 hear "slot taken", and nothing else is left.
func TestBookingRace(t *testing.T) {
	e, _ := bookingEnv(t)
	const n = 50
	statuses := make([]int, n)
	codes := make([]string, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := e.client()
			req := request("2026-12-02T05:00:00-05:00", 30)
			req.Email = fmt.Sprintf("guest%d@example.com", i)
			<-start
			var er model.ErrorResponse
			statuses[i] = c.do("POST", "/api/v1/public/links/agent/meetings", req, &er)
			if er.Error != nil {
				codes[i] = er.Error.Code
			}
		}()
	}
	close(start)
	wg.Wait()
	created, taken := 0, 0
	for i := range n {
		switch {
		case statuses[i] == http.StatusCreated:
			created++
		case statuses[i] == http.StatusConflict && codes[i] == model.CodeSlotTaken:
			taken++
		default:
			t.Errorf("request %d: %d %s", i, statuses[i], codes[i])
		}
	}
	if created != 1 || taken != n-1 {
		t.Fatalf("%d created, %d slot_taken; want 1 and %d", created, taken, n-1)
	}
	var meetings, convs int
	e.db.Bun.NewSelect().Table("meetings").ColumnExpr("count(*)").Scan(context.Background(), &meetings)
	e.db.Bun.NewSelect().Table("conversations").ColumnExpr("count(*)").Scan(context.Background(), &convs)
	if meetings != 1 || convs != 1 {
		t.Fatalf("%d meetings and %d conversations stored, want 1 and 1", meetings, convs)
	}
}

func TestEditAvailability(t *testing.T) {
	e, _ := bookingEnv(t)
	c := e.login("agent@acme.test")
	var av model.Availability
	if st := c.do("GET", "/api/v1/me/availability", nil, &av); st != 200 || av.TimeZone != "Europe/Berlin" || len(av.Rules) != 1 {
		t.Fatalf("get: %d %+v", st, av)
	}
	av.Rules = []model.AvailabilityRule{{RRule: "FREQ=WEEKLY;BYDAY=SA", Window: model.Window{Start: "10:00", End: "12:00"}}}
	av.Overrides = []model.AvailabilityOverride{{Date: "2026-12-24", Windows: nil}}
	av.TimeZone = "Asia/Tokyo" // ignored: the zone is the agent's
	var saved model.Availability
	if st := c.do("PUT", "/api/v1/me/availability", av, &saved); st != 200 || saved.TimeZone != "Europe/Berlin" {
		t.Fatalf("put: %d %+v", st, saved)
	}
	var slots model.SlotList
	e.client().do("GET", "/api/v1/public/links/agent/slots?from=2026-12-05&to=2026-12-05&duration=30&tz=Europe/Berlin", nil, &slots)
	if len(slots.Slots) != 7 || slots.Slots[0] != "2026-12-05T10:00:00+01:00" {
		t.Fatalf("Saturday slots after the edit: %v", slots.Slots)
	}
	for _, bad := range []func(*model.Availability){
		func(a *model.Availability) { a.Rules[0].RRule = "FREQ=HOURLY" },
		func(a *model.Availability) { a.Rules[0].Start = "25:00" },
		func(a *model.Availability) { a.Rules[0].End = "09:00" },
		func(a *model.Availability) { a.Durations = nil },
		func(a *model.Availability) { a.StepMinutes = 0 },
		func(a *model.Availability) { a.Overrides[0].Date = "24.12.2026" },
	} {
		in := saved
		in.Rules = append([]model.AvailabilityRule(nil), saved.Rules...)
		in.Overrides = append([]model.AvailabilityOverride(nil), saved.Overrides...)
		bad(&in)
		c.wantError("PUT", "/api/v1/me/availability", in, 422, model.CodeValidation)
	}
	var again model.Availability
	c.do("GET", "/api/v1/me/availability", nil, &again)
	if again.Rules[0].RRule != "FREQ=WEEKLY;BYDAY=SA" {
		t.Fatalf("a refused edit changed the availability: %+v", again.Rules)
	}
}

func TestManageMeeting(t *testing.T) {
	e, _ := bookingEnv(t)
	guest := e.client()
	var b, other model.Booking
	if st := guest.do("POST", "/api/v1/public/links/agent/meetings", request("2026-12-01T04:00:00-05:00", 30), &b); st != 201 {
		t.Fatalf("book: %d", st)
	}
	second := request("2026-12-01T07:00:00-05:00", 30)
	second.Email = "other@example.com"
	if st := guest.do("POST", "/api/v1/public/links/agent/meetings", second, &other); st != 201 {
		t.Fatalf("book other: %d", st)
	}
	agent := e.login("agent@acme.test")
	path := "/api/v1/meetings/" + itoa(b.Meeting.ID)
	var m model.Meeting

	// Reschedule, then a longer duration: each raises the SEQUENCE and
	// posts a notice.
	if st := agent.do("PATCH", path, model.MeetingChange{Start: ptr("2026-12-01T05:00:00-05:00")}, &m); st != 200 || m.Sequence != 1 || !m.Start.Equal(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("reschedule: %d %+v", st, m)
	}
	if st := agent.do("PATCH", path, model.MeetingChange{Duration: ptr(60)}, &m); st != 200 || m.Sequence != 2 || m.Duration != 60 {
		t.Fatalf("duration: %d %+v", st, m)
	}
	var msgs []model.Message
	agent.do("GET", "/api/v1/conversations/"+itoa(b.Meeting.ConversationID)+"/messages", nil, &msgs)
	if len(msgs) != 3 || msgs[1].Body != "Agent rescheduled the meeting to Tuesday 1 December 2026, 05:00–05:30 (America/New_York)." ||
		msgs[2].Body != "Agent changed the meeting's duration to 60 minutes: Tuesday 1 December 2026, 05:00–06:00 (America/New_York)." {
		t.Fatalf("notices %+v", msgs)
	}

	// Bad changes leave the meeting as it was.
	agent.wantError("PATCH", path, model.MeetingChange{Duration: ptr(120)}, 422, booking.CodeInvalidDuration)
	agent.wantError("PATCH", path, model.MeetingChange{Start: ptr("2026-12-01T06:30:00-05:00")}, 409, model.CodeSlotTaken) // runs into 07:00
	agent.wantError("PATCH", path, model.MeetingChange{Start: ptr("2026-11-20T05:00:00-05:00")}, 422, booking.CodeStartInPast)
	agent.wantError("PATCH", path, model.MeetingChange{Start: ptr("2026-12-01T22:00:00-05:00")}, 422, booking.CodeOutsideAvailability)
	agent.wantError("PATCH", path, model.MeetingChange{}, 422, model.CodeValidation)
	e.login("admin@acme.test").do("GET", path, nil, &m)
	if m.Sequence != 2 {
		t.Fatalf("refused changes moved the sequence to %d", m.Sequence)
	}
	e.login("alien@other.test").wantError("PATCH", path, model.MeetingChange{Duration: ptr(15)}, 404, model.CodeNotFound)

	// The guest sees and cancels it with the manage token from the
	// booking; a forged token opens nothing.
	guest.wantError("GET", "/api/v1/public/meetings/forgedforgedforgedforged", nil, 404, model.CodeNotFound)
	var gm model.GuestMeeting
	if st := guest.do("GET", "/api/v1/public/meetings/"+b.ManageToken, nil, &gm); st != 200 || gm.Meeting.ID != b.Meeting.ID || gm.AgentSlug != "agent" {
		t.Fatalf("guest view: %d %+v", st, gm)
	}
	if st := guest.do("DELETE", "/api/v1/public/meetings/"+b.ManageToken, nil, &gm); st != 200 || gm.Meeting.Status != model.MeetingCancelled || gm.Meeting.Sequence != 3 {
		t.Fatalf("guest cancel: %d %+v", st, gm.Meeting)
	}
	agent.wantError("PATCH", path, model.MeetingChange{Duration: ptr(15)}, 409, postgres.CodeMeetingCancelled)
	// Its time is free again.
	var slots model.SlotList
	guest.do("GET", "/api/v1/public/links/agent/slots?from=2026-12-01&to=2026-12-01&duration=30&tz=America/New_York", nil, &slots)
	found := false
	for _, s := range slots.Slots {
		found = found || s == "2026-12-01T05:00:00-05:00"
	}
	if !found {
		t.Fatal("a cancelled meeting still blocks its slot")
	}
}

func TestCalendarFeed(t *testing.T) {
	e, _ := bookingEnv(t)
	guest := e.client()
	var b model.Booking
	if st := guest.do("POST", "/api/v1/public/links/agent/meetings", request("2026-12-01T04:00:00-05:00", 30), &b); st != 201 {
		t.Fatalf("book: %d", st)
	}
	agent := e.login("agent@acme.test")
	var settings model.CalendarSettings
	if st := agent.do("GET", "/api/v1/me/calendar", nil, &settings); st != 200 || settings.Connected || !strings.HasSuffix(settings.FeedURL, ".ics") {
		t.Fatalf("settings: %d %+v", st, settings)
	}
	feedPath := strings.TrimPrefix(settings.FeedURL, api.DefaultConfig().BaseURL.String())
	res, err := http.Get(e.srv.URL + feedPath)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	method, events, err := invite.ParseAll(body)
	if err != nil || res.StatusCode != 200 || method != "PUBLISH" || len(events) != 1 || events[0].UID != b.Meeting.UID {
		t.Fatalf("feed: %d %s %+v %v\n%s", res.StatusCode, method, events, err, body)
	}
	// Rotating the feed closes the old address.
	var rotated model.CalendarSettings
	agent.do("POST", "/api/v1/me/calendar/feed", nil, &rotated)
	if rotated.FeedURL == settings.FeedURL {
		t.Fatal("rotation kept the feed URL")
	}
	guest.wantError("GET", feedPath, nil, 404, model.CodeNotFound)
	guest.wantError("GET", "/feeds/forgedforgedforgedforged.ics", nil, 404, model.CodeNotFound)
	// Without calendar sync configured, connecting says so.
	agent.wantError("PUT", "/api/v1/me/calendar", model.CalendarInput{URL: "https://cal.example.com/", Username: "a", Password: "b"}, 503, model.CodeUnavailable)
}
