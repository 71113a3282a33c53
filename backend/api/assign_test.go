package api_test

import (
	"context"
	"testing"

	"github.com/frontdesk/frontdesk/backend/password"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

func TestAssignment(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	hash, _ := password.Hash(testPassword)
	mk := func(email, slug string, lic model.License) model.Agent {
		a, err := e.db.CreateAgent(ctx, e.acme.ID, postgres.NewAgent{Email: email, Name: slug, Slug: slug, TimeZone: "UTC", Role: model.RoleAgent, License: lic, PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	basic := mk("basic@acme.test", "basic", model.LicenseBasic)
	gone := mk("gone@acme.test", "gone", model.LicenseStandard)
	if _, err := e.db.UpdateAgent(ctx, e.acme.ID, gone.ID, postgres.AgentPatch{Active: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	admin := e.login("admin@acme.test")
	var sales, billing, alienSvc model.Service
	admin.do("POST", "/api/v1/services", model.ServiceInput{Name: ptr("Sales"), MemberIDs: &[]int64{e.agent.ID, e.admin.ID}}, &sales)
	admin.do("POST", "/api/v1/services", model.ServiceInput{Name: ptr("Billing"), MemberIDs: &[]int64{basic.ID}}, &billing)
	e.login("alien@other.test").do("POST", "/api/v1/services", model.ServiceInput{Name: ptr("Theirs"), MemberIDs: &[]int64{e.alien.ID}}, &alienSvc)
	if billing.Assignable || !sales.Assignable {
		t.Fatalf("assignable: sales %v billing %v", sales.Assignable, billing.Assignable)
	}

	ga, _, err := e.db.StartConversation(ctx, postgres.NewConversation{OrganizationID: e.acme.ID, Channel: model.ChannelWidget, AccessToken: "tokentokentokentokentoken", Guest: model.Guest{Name: "Gina"}})
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/conversations/" + itoa(ga.Conversation.ID) + "/assign"

	bad := []struct {
		name string
		in   model.AssignRequest
		code string
	}{
		{"service without a Standard member", model.AssignRequest{ServiceID: &billing.ID}, model.CodeServiceNotAssignable},
		{"Basic assignee", model.AssignRequest{AssigneeID: &basic.ID}, model.CodeAssigneeNotEligible},
		{"deactivated assignee", model.AssignRequest{AssigneeID: &gone.ID}, model.CodeAssigneeNotEligible},
		{"another organization's agent", model.AssignRequest{AssigneeID: &e.alien.ID}, model.CodeAssigneeNotEligible},
		{"another organization's service", model.AssignRequest{ServiceID: &alienSvc.ID}, model.CodeValidation},
		{"assignee outside the service", model.AssignRequest{ServiceID: &sales.ID, AssigneeID: &basic.ID}, model.CodeAssigneeNotEligible},
		{"nothing chosen", model.AssignRequest{}, model.CodeValidation},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			admin.wantError("POST", path, tt.in, 422, tt.code)
		})
	}
	if msgs, _ := e.db.Messages(ctx, e.acme.ID, ga.Conversation.ID, 0, 10); len(msgs) != 0 {
		t.Fatalf("refused assignments wrote messages: %+v", msgs)
	}

	// The admin takes the conversation, then applies and leaves it to the
	// agent in Sales.
	var c model.Conversation
	if st := admin.do("POST", path, model.AssignRequest{AssigneeID: &e.admin.ID}, &c); st != 200 || c.AssigneeID == nil || *c.AssigneeID != e.admin.ID {
		t.Fatalf("assign to self: %d %+v", st, c)
	}
	if st := admin.do("POST", path, model.AssignRequest{ServiceID: &sales.ID, AssigneeID: &e.agent.ID, Leave: true}, &c); st != 200 || *c.AssigneeID != e.agent.ID || *c.ServiceID != sales.ID {
		t.Fatalf("apply and leave: %d %+v", st, c)
	}
	if len(c.Tags) != 1 || c.Tags[0].Label != "Sales" {
		t.Fatalf("service tag: %+v", c.Tags)
	}
	var mine []model.Conversation
	admin.do("GET", "/api/v1/conversations?view=mine", nil, &mine)
	if len(mine) != 0 {
		t.Fatalf("the leaving agent still has it in Mine: %+v", mine)
	}
	e.login("agent@acme.test").do("GET", "/api/v1/conversations?view=mine", nil, &mine)
	if len(mine) != 1 || mine[0].ID != ga.Conversation.ID {
		t.Fatalf("the new assignee's Mine: %+v", mine)
	}
	msgs, _ := e.db.Messages(ctx, e.acme.ID, ga.Conversation.ID, 0, 10)
	if len(msgs) != 2 || msgs[1].AuthorKind != model.AuthorSystem || msgs[1].Body != "Admin assigned this conversation to Sales / Agent. Admin left the conversation." {
		t.Fatalf("system messages: %+v", msgs)
	}
}
