package app

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/model"
)

// panelServer answers the side panel's calls as the API contract
// (docs/API.md) does, recording the last request.
type panelServer struct {
	got struct{ method, uri, csrf, body string }
}

func (s *panelServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b := new(strings.Builder)
	io.Copy(b, r.Body)
	s.got.method, s.got.uri, s.got.csrf, s.got.body = r.Method, r.URL.RequestURI(), r.Header.Get(model.CSRFHeader), strings.TrimSpace(b.String())
	answer := func(status int, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
	switch r.Method + " " + r.URL.Path {
	case "POST /api/v1/auth/login":
		answer(200, `{"csrf_token":"tok"}`)
	case "POST /api/v1/conversations/4/assign":
		if strings.Contains(s.got.body, `"service_id":30`) {
			answer(422, `{"error":{"code":"service_not_assignable","message":"Billing has no member with a Standard license, so conversations cannot be assigned to it.","fields":{"service_id":"has no member with a Standard license"}}}`)
			return
		}
		answer(200, `{"id":4,"service_id":20,"assignee_id":4,"status":"open"}`)
	case "POST /api/v1/phonebook":
		if strings.Contains(s.got.body, "maria@example.com") {
			answer(409, `{"error":{"code":"contact_exists","message":"Maria Rossi is already in the phonebook with this email or phone."},"existing":{"id":12,"name":"Maria Rossi","email":"maria@example.com"}}`)
			return
		}
		if strings.Contains(s.got.body, `"name":""`) {
			answer(422, `{"error":{"code":"validation_failed","message":"Some fields are not valid.","fields":{"name":"is required"}}}`)
			return
		}
		answer(201, `{"id":13,"name":"Tom Becker","email":"tom@example.com"}`)
	case "PATCH /api/v1/phonebook/12":
		answer(200, `{"id":12,"name":"Maria Rossi","email":"maria@example.com","company":"Acme"}`)
	case "GET /api/v1/conversations/4/meeting":
		answer(200, `{"id":8,"agent_id":2,"conversation_id":4,"start":"2030-06-03T12:00:00Z","duration":30,"time_zone":"America/New_York","status":"scheduled","sequence":1}`)
	case "GET /api/v1/conversations/5/meeting":
		answer(404, `{"error":{"code":"not_found","message":"Meeting not found."}}`)
	case "PATCH /api/v1/meetings/8":
		answer(200, `{"id":8,"duration":45,"status":"scheduled","sequence":2}`)
	case "DELETE /api/v1/meetings/8":
		answer(200, `{"id":8,"duration":30,"status":"cancelled","sequence":2}`)
	case "GET /api/v1/me/availability":
		answer(200, `{"time_zone":"Europe/Berlin","durations":[15,30,60]}`)
	case "GET /api/v1/me/availability/preview":
		answer(200, `{"time_zone":"Europe/Berlin","duration":30,"slots":["2030-06-03T09:00:00+02:00"]}`)
	case "GET /api/v1/public/links/ben carter":
		answer(200, `{"slug":"ben carter","durations":[30]}`)
	case "POST /api/v1/conversations/4/crm-lead":
		answer(202, `{"provider":"hubspot","status":"pending"}`)
	case "POST /api/v1/conversations/5/crm-lead":
		answer(422, `{"error":{"code":"crm_not_configured","message":"No CRM is connected."}}`)
	default:
		answer(404, `{"error":{"code":"not_found","message":"Not found."}}`)
	}
}

func TestClientPanelCalls(t *testing.T) {
	srv := &panelServer{}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	c := NewClient(ts.URL, nil)
	ctx := context.Background()
	if _, err := c.Login(ctx, model.LoginRequest{Email: "a@b.c", Password: "x"}); err != nil {
		t.Fatal(err)
	}
	type request struct{ method, uri, csrf, body string }
	check := func(t *testing.T, want request) {
		t.Helper()
		if got := request(srv.got); got != want {
			t.Errorf("request = %+v\nwant      %+v", got, want)
		}
	}

	t.Run("assign and leave", func(t *testing.T) {
		conv, err := c.Assign(ctx, 4, model.AssignRequest{ServiceID: ptr[int64](20), AssigneeID: ptr[int64](4), Leave: true})
		if err != nil || conv.AssigneeID == nil || *conv.AssigneeID != 4 {
			t.Fatalf("Assign = %+v, %v", conv, err)
		}
		check(t, request{"POST", "/api/v1/conversations/4/assign", "tok", `{"service_id":20,"assignee_id":4,"leave":true}`})
	})
	t.Run("assign to a service without a Standard member", func(t *testing.T) {
		_, err := c.Assign(ctx, 4, model.AssignRequest{ServiceID: ptr[int64](30)})
		e, ok := model.AsError(err)
		if !ok || e.Code != model.CodeServiceNotAssignable || e.Status != 422 || !strings.Contains(userMessage(err), "Standard license") {
			t.Fatalf("err = %v, want service_not_assignable with its message", err)
		}
		check(t, request{"POST", "/api/v1/conversations/4/assign", "tok", `{"service_id":30,"assignee_id":null,"leave":false}`})
	})

	t.Run("add a contact", func(t *testing.T) {
		ct, err := c.AddContact(ctx, model.ContactInput{Name: "Tom Becker", Email: "tom@example.com"})
		if err != nil || ct.ID != 13 {
			t.Fatalf("AddContact = %+v, %v", ct, err)
		}
		check(t, request{"POST", "/api/v1/phonebook", "tok", `{"name":"Tom Becker","email":"tom@example.com","phone":"","company":""}`})
	})
	t.Run("add a contact already there", func(t *testing.T) {
		_, err := c.AddContact(ctx, model.ContactInput{Name: "Maria", Email: "maria@example.com"})
		var dup *ContactExistsError
		if !errors.As(err, &dup) || dup.Existing.ID != 12 || dup.Existing.Name != "Maria Rossi" {
			t.Fatalf("err = %#v, want the existing contact", err)
		}
		if e, ok := model.AsError(err); !ok || e.Code != model.CodeContactExists || e.Status != 409 {
			t.Errorf("the API error is not visible through it: %v", err)
		}
	})
	t.Run("add an invalid contact", func(t *testing.T) {
		_, err := c.AddContact(ctx, model.ContactInput{Email: "x@example.com"})
		e, ok := model.AsError(err)
		if !ok || e.Code != model.CodeValidation || e.Fields["name"] == "" {
			t.Fatalf("err = %v, want validation_failed on name", err)
		}
		var dup *ContactExistsError
		if errors.As(err, &dup) {
			t.Error("a validation error passes for a duplicate")
		}
	})
	t.Run("update a contact", func(t *testing.T) {
		ct, err := c.UpdateContact(ctx, 12, model.ContactInput{Name: "Maria Rossi", Email: "maria@example.com", Company: "Acme"})
		if err != nil || ct.Company != "Acme" {
			t.Fatalf("UpdateContact = %+v, %v", ct, err)
		}
		check(t, request{"PATCH", "/api/v1/phonebook/12", "tok", `{"name":"Maria Rossi","email":"maria@example.com","phone":"","company":"Acme"}`})
	})

	t.Run("a conversation's meeting", func(t *testing.T) {
		m, err := c.ConversationMeeting(ctx, 4)
		if err != nil || m.ID != 8 || m.Duration != 30 || m.Start.Hour() != 12 {
			t.Fatalf("ConversationMeeting = %+v, %v", m, err)
		}
		check(t, request{"GET", "/api/v1/conversations/4/meeting", "", ""})
		_, err = c.ConversationMeeting(ctx, 5)
		if e, ok := model.AsError(err); !ok || e.Code != model.CodeNotFound {
			t.Errorf("no meeting: err = %v, want not_found", err)
		}
	})
	t.Run("change a meeting", func(t *testing.T) {
		d := 45
		m, err := c.ChangeMeeting(ctx, 8, model.MeetingChange{Duration: &d})
		if err != nil || m.Duration != 45 || m.Sequence != 2 {
			t.Fatalf("ChangeMeeting = %+v, %v", m, err)
		}
		check(t, request{"PATCH", "/api/v1/meetings/8", "tok", `{"duration":45}`})
	})
	t.Run("delete a meeting", func(t *testing.T) {
		m, err := c.CancelMeeting(ctx, 8)
		if err != nil || m.Status != model.MeetingCancelled {
			t.Fatalf("CancelMeeting = %+v, %v", m, err)
		}
		check(t, request{"DELETE", "/api/v1/meetings/8", "tok", ""})
	})
	t.Run("durations and slots", func(t *testing.T) {
		av, err := c.MyAvailability(ctx)
		if err != nil || len(av.Durations) != 3 {
			t.Fatalf("MyAvailability = %+v, %v", av, err)
		}
		slots, err := c.MySlots(ctx, 14, 30)
		if err != nil || len(slots.Slots) != 1 {
			t.Fatalf("MySlots = %+v, %v", slots, err)
		}
		check(t, request{"GET", "/api/v1/me/availability/preview?days=14&duration=30", "", ""})
		card, err := c.AgentCard(ctx, "ben carter")
		if err != nil || len(card.Durations) != 1 {
			t.Fatalf("AgentCard = %+v, %v", card, err)
		}
		check(t, request{"GET", "/api/v1/public/links/ben%20carter", "", ""})
	})
	t.Run("create a CRM lead", func(t *testing.T) {
		lead, err := c.CreateCRMLead(ctx, 4)
		if err != nil || lead.Status != leadPending || lead.Provider != "hubspot" {
			t.Fatalf("CreateCRMLead = %+v, %v", lead, err)
		}
		check(t, request{"POST", "/api/v1/conversations/4/crm-lead", "tok", ""})
		_, err = c.CreateCRMLead(ctx, 5)
		if e, ok := model.AsError(err); !ok || e.Code != model.CodeCRMNotConfigured {
			t.Errorf("err = %v, want crm_not_configured", err)
		}
	})
}
