package api_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/frontdesk/frontdesk/backend/guestdata"
	"github.com/frontdesk/frontdesk/model"
)

// The guest moving a meeting is offered its own time too: it is not busy
// for itself. Other people see it taken; a token that is not a meeting's
// is a 404; a cancelled meeting has nowhere to move.
func TestRescheduleSlots(t *testing.T) {
	e, _ := bookingEnv(t)
	c := e.client()
	var b model.Booking
	if st := c.do("POST", "/api/v1/public/links/agent/meetings", request("2026-12-01T04:00:00-05:00", 30), &b); st != 201 {
		t.Fatalf("book: %d", st)
	}
	const q = "?from=2026-12-01&to=2026-12-01&duration=30&tz=America/New_York"
	var link, own model.SlotList
	c.do("GET", "/api/v1/public/links/agent/slots"+q, nil, &link)
	if st := c.do("GET", "/api/v1/public/meetings/"+b.ManageToken+"/slots"+q, nil, &own); st != 200 {
		t.Fatalf("reschedule slots: %d", st)
	}
	for _, s := range []string{"2026-12-01T03:45:00-05:00", "2026-12-01T04:00:00-05:00", "2026-12-01T04:15:00-05:00"} {
		if slices.Contains(link.Slots, s) {
			t.Errorf("the booked time %s is offered to others", s)
		}
		if !slices.Contains(own.Slots, s) {
			t.Errorf("the meeting's own time %s is not offered to move it there", s)
		}
	}
	if len(own.Slots) != 31 {
		t.Errorf("%d slots to move to, want the whole day's 31", len(own.Slots))
	}
	c.wantError("GET", "/api/v1/public/meetings/"+b.ConversationToken+"/slots"+q, nil, 404, model.CodeNotFound)
	c.wantError("GET", "/api/v1/public/meetings/"+b.ManageToken+"/slots?from=2026-12-01&to=x&duration=30&tz=UTC", nil, 422, model.CodeValidation)
	if st := c.do("DELETE", "/api/v1/public/meetings/"+b.ManageToken, nil, nil); st != 200 {
		t.Fatalf("cancel: %d", st)
	}
	c.wantError("GET", "/api/v1/public/meetings/"+b.ManageToken+"/slots"+q, nil, 409, "meeting_cancelled")
}

// A personal-link chat is found again by the visitor token, as a widget's
// is, without the page keeping the conversation's token.
func TestLinkCurrentConversation(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	visitor := "visitor-token-0123456789abcdef"
	c.wantError("GET", "/api/v1/public/links/agent/conversations/current?visitor="+visitor, nil, 404, model.CodeNotFound)
	var started model.GuestConversation
	if st := c.do("POST", "/api/v1/public/links/agent/conversations", model.StartConversation{VisitorToken: visitor, Name: "Lina"}, &started); st != 201 {
		t.Fatalf("start: %d", st)
	}
	var again model.GuestConversation
	if st := c.do("GET", "/api/v1/public/links/agent/conversations/current?visitor="+visitor, nil, &again); st != 200 || again.Token != started.Token || again.ID != started.ID {
		t.Fatalf("current: %d %+v, want %+v", st, again, started)
	}
	// Another agent's link, another visitor: not theirs.
	c.wantError("GET", "/api/v1/public/links/admin/conversations/current?visitor="+visitor, nil, 404, model.CodeNotFound)
	c.wantError("GET", "/api/v1/public/links/agent/conversations/current?visitor=someone-else-0123456789abc", nil, 404, model.CodeNotFound)
	c.wantError("GET", "/api/v1/public/links/agent/conversations/current?visitor=short", nil, 422, model.CodeValidation)
	c.wantError("GET", "/api/v1/public/links/nobody/conversations/current?visitor="+visitor, nil, 404, model.CodeNotFound)
}

// On shutdown /readyz answers 503 shutting_down at once, and closes the
// connection so the balancer's check does not keep it; /healthz stays up.
func TestReadyzWhileDraining(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	if st := c.do("GET", "/readyz", nil, nil); st != 200 {
		t.Fatalf("readyz: %d", st)
	}
	e.server.Drain()
	res, err := http.Get(e.srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 503 || !res.Close {
		t.Fatalf("readyz while draining: %d, close=%v; want 503 and Connection: close", res.StatusCode, res.Close)
	}
	c.wantError("GET", "/readyz", nil, 503, model.CodeShuttingDown)
	if st := c.do("GET", "/healthz", nil, nil); st != 200 {
		t.Fatalf("healthz while draining: %d", st)
	}
}

// Retention: admins set it, agents read it, nonsense is refused.
func TestRetentionSetting(t *testing.T) {
	e := newEnv(t)
	admin, agent := e.login("admin@acme.test"), e.login("agent@acme.test")
	var r model.Retention
	if st := agent.do("GET", "/api/v1/organization/retention", nil, &r); st != 200 || r.DeleteResolvedAfterDays != nil {
		t.Fatalf("default: %d %+v", st, r)
	}
	days := 30
	agent.wantError("PUT", "/api/v1/organization/retention", model.Retention{DeleteResolvedAfterDays: &days}, 403, model.CodeForbidden)
	if st := admin.do("PUT", "/api/v1/organization/retention", model.Retention{DeleteResolvedAfterDays: &days}, &r); st != 200 || *r.DeleteResolvedAfterDays != 30 {
		t.Fatalf("set: %d %+v", st, r)
	}
	agent.do("GET", "/api/v1/organization/retention", nil, &r)
	if r.DeleteResolvedAfterDays == nil || *r.DeleteResolvedAfterDays != 30 {
		t.Fatalf("read back %+v", r)
	}
	for _, bad := range []string{`{"delete_resolved_after_days":0}`, `{"delete_resolved_after_days":4000}`, `{"delete_resolved_after_days":"30"}`, `{"days":3}`} {
		st := admin.do("PUT", "/api/v1/organization/retention", bad, nil)
		if st != 422 && st != 400 {
			t.Errorf("PUT %s: %d, want a 4xx", bad, st)
		}
	}
	if st := admin.do("PUT", "/api/v1/organization/retention", `{"delete_resolved_after_days":null}`, &r); st != 200 || r.DeleteResolvedAfterDays != nil {
		t.Fatalf("clear: %d %+v", st, r)
	}
	// Another organization's setting is its own.
	alien := e.login("alien@other.test")
	alien.do("PUT", "/api/v1/organization/retention", model.Retention{DeleteResolvedAfterDays: &days}, nil)
	admin.do("GET", "/api/v1/organization/retention", nil, &r)
	if r.DeleteResolvedAfterDays != nil {
		t.Fatalf("acme sees other's setting: %+v", r)
	}
}

// Export and erasure through the API: admins only, their own guests only,
// once.
func TestGuestDataAPI(t *testing.T) {
	e := newEnv(t)
	e.server.SetGuestData(&guestdata.Service{DB: e.db})
	guest := e.client()
	var gc model.GuestConversation
	if st := guest.do("POST", "/api/v1/public/links/agent/conversations", model.StartConversation{VisitorToken: "visitor-token-0123456789abcdef", Name: "Gert", Email: "gert@example.com"}, &gc); st != 201 {
		t.Fatalf("start: %d", st)
	}
	guest.do("POST", "/api/v1/public/conversations/"+gc.Token+"/messages", model.SendMessage{ClientID: "g1", Body: "My number is 555-0100"}, nil)
	admin, agent, alien := e.login("admin@acme.test"), e.login("agent@acme.test"), e.login("alien@other.test")
	var conv model.Conversation
	admin.do("GET", "/api/v1/conversations/"+itoa(gc.ID), nil, &conv)
	path := "/api/v1/guests/" + itoa(conv.Guest.ID)

	agent.wantError("GET", path+"/export", nil, 403, model.CodeForbidden)
	agent.wantError("POST", path+"/erase", nil, 403, model.CodeForbidden)
	alien.wantError("GET", path+"/export", nil, 404, model.CodeNotFound)
	alien.wantError("POST", path+"/erase", nil, 404, model.CodeNotFound)
	admin.wantError("GET", "/api/v1/guests/0/export", nil, 404, model.CodeNotFound)

	var ex model.GuestExport
	if st := admin.do("GET", path+"/export", nil, &ex); st != 200 {
		t.Fatalf("export: %d", st)
	}
	if len(ex.Guests) != 1 || ex.Guests[0].Email != "gert@example.com" || len(ex.Conversations) != 1 ||
		len(ex.Conversations[0].Messages) != 1 || ex.Conversations[0].Messages[0].Body != "My number is 555-0100" || ex.Organization != "Acme" {
		t.Fatalf("export %+v", ex)
	}
	var rep model.ErasureReport
	if st := admin.do("POST", path+"/erase", nil, &rep); st != 200 || rep.Guests != 1 || rep.Messages != 1 || rep.Conversations != 1 {
		t.Fatalf("erase: %d %+v", st, rep)
	}
	admin.wantError("POST", path+"/erase", nil, 409, model.CodeGuestErased)
	admin.do("GET", "/api/v1/conversations/"+itoa(gc.ID), nil, &conv)
	if !conv.Guest.Erased || conv.Guest.Name != "" || conv.Guest.Email != "" {
		t.Fatalf("conversation after erasure: %+v", conv.Guest)
	}
	var msgs []model.Message
	admin.do("GET", "/api/v1/conversations/"+itoa(gc.ID)+"/messages", nil, &msgs)
	if len(msgs) != 1 || !msgs[0].Erased || msgs[0].Body != "" {
		t.Fatalf("messages after erasure: %+v", msgs)
	}
	// The guest's link and visitor token lead nowhere now.
	guest.wantError("GET", "/api/v1/public/conversations/"+gc.Token, nil, 404, model.CodeNotFound)
	guest.wantError("GET", "/api/v1/public/links/agent/conversations/current?visitor=visitor-token-0123456789abcdef", nil, 404, model.CodeNotFound)
	if err := e.db.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}
