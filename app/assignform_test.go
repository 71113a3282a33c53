package app

import (
	"slices"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/model"
)

// The demo organization's shape: Sales (Anna, Ben, Ada), Support (Ben,
// Chiara, and Eve who left), Billing (only Dan, Basic: not assignable).
const (
	demoAda, demoAnna, demoBen, demoChiara, demoDan, demoEve = 1, 2, 3, 4, 5, 6
	demoSales, demoSupport, demoBilling                      = 10, 20, 30
)

func demoForm(current model.Conversation) assignForm {
	std := model.LicenseStandard
	f := assignForm{
		Services: []model.Service{
			{ID: demoSupport, Name: "Support", MemberIDs: []int64{demoBen, demoChiara, demoEve}, Assignable: true},
			{ID: demoSales, Name: "Sales", MemberIDs: []int64{demoAnna, demoBen, demoAda}, Assignable: true},
			{ID: demoBilling, Name: "Billing", MemberIDs: []int64{demoDan}, Assignable: false},
		},
		Agents: []model.Agent{
			{ID: demoAda, Name: "Ada Admin", License: std, Active: true, Role: model.RoleAdmin},
			{ID: demoAnna, Name: "Anna Schmidt", License: std, Active: true},
			{ID: demoBen, Name: "Ben Carter", License: std, Active: true, Online: true},
			{ID: demoChiara, Name: "Chiara Rossi", License: std, Active: true},
			{ID: demoDan, Name: "Dan Basic", License: model.LicenseBasic, Active: true},
			{ID: demoEve, Name: "Eve Gone", License: std, Active: false},
		},
		Me:   demoAnna,
		Conv: current,
	}
	f.reset()
	return f
}

func agentIDs(list []model.Agent) []int64 {
	out := make([]int64, len(list))
	for i, a := range list {
		out[i] = a.ID
	}
	return out
}

func TestAssignees(t *testing.T) {
	tests := []struct {
		name    string
		service int64
		want    []int64
	}{
		// The signed-in agent first, then by name; only active Standard
		// members.
		{"sales", demoSales, []int64{demoAnna, demoAda, demoBen}},
		{"support leaves out the deactivated", demoSupport, []int64{demoBen, demoChiara}},
		{"billing has nobody who can hold it", demoBilling, []int64{}},
		{"no service: every active Standard agent", 0, []int64{demoAnna, demoAda, demoBen, demoChiara}},
		{"an unknown service has nobody", 99, []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := demoForm(model.Conversation{ID: 1})
			f.Service = tt.service
			if got := agentIDs(f.assignees()); !slices.Equal(got, tt.want) {
				t.Errorf("assignees = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAssignServicesListsEveryService(t *testing.T) {
	f := demoForm(model.Conversation{ID: 1})
	var names []string
	for _, s := range f.services() {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, ","); got != "Billing,Sales,Support" {
		t.Errorf("services = %s, want all three by name, Billing included", got)
	}
}

func TestAssignButtons(t *testing.T) {
	inSales := model.Conversation{ID: 1, ServiceID: ptr[int64](demoSales)}
	withBen := model.Conversation{ID: 1, ServiceID: ptr[int64](demoSales), AssigneeID: ptr[int64](demoBen)}
	noService := model.Conversation{ID: 1}
	tests := []struct {
		name              string
		conv              model.Conversation
		service, assignee int64
		apply, leave      bool
		hint, leaveHint   string
	}{
		{"a service without a Standard member", inSales, demoBilling, 0, false, false, "Billing has no member with a Standard license", ""},
		{"another service and one of its members", inSales, demoSupport, demoChiara, true, true, "", ""},
		{"another service, anyone in it", inSales, demoSupport, 0, true, true, "", ""},
		{"someone who is not a member", inSales, demoSupport, demoAnna, false, false, hintChooseMember, ""},
		{"a Basic agent", noService, 0, demoDan, false, false, hintChooseMember, ""},
		{"nothing changed: only leaving", inSales, demoSales, 0, false, true, "", ""},
		{"nothing changed, assigned: only leaving", withBen, demoSales, demoBen, false, true, "", ""},
		{"to myself: applying, not leaving", inSales, demoSales, demoAnna, true, false, "", hintSelf},
		{"no service and nobody", noService, 0, 0, false, false, hintChoose, ""},
		{"no service, an agent", noService, 0, demoChiara, true, true, "", ""},
		{"a service that does not exist", inSales, 99, 0, false, false, hintChoose, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := demoForm(tt.conv)
			f.Service, f.Assignee = tt.service, tt.assignee
			b := f.buttons()
			if b.Apply != tt.apply || b.Leave != tt.leave {
				t.Errorf("apply, leave = %v, %v; want %v, %v", b.Apply, b.Leave, tt.apply, tt.leave)
			}
			if (tt.hint == "") != (b.Hint == "") || !strings.Contains(b.Hint, tt.hint) {
				t.Errorf("hint = %q, want one with %q", b.Hint, tt.hint)
			}
			if b.LeaveHint != tt.leaveHint {
				t.Errorf("leave hint = %q, want %q", b.LeaveHint, tt.leaveHint)
			}
		})
	}
}

// The seed's limitation holds even when the conversation is already in a
// service that has lost its Standard members.
func TestAssignButtonsCurrentServiceNotAssignable(t *testing.T) {
	f := demoForm(model.Conversation{ID: 1, ServiceID: ptr[int64](demoBilling)})
	if f.Service != demoBilling {
		t.Fatalf("reset chose service %d, want the current one", f.Service)
	}
	if b := f.buttons(); b.Apply || b.Leave || !strings.Contains(b.Hint, "Billing") {
		t.Errorf("buttons = %+v, want both disabled, saying why", b)
	}
}

func TestAssignChooseService(t *testing.T) {
	f := demoForm(model.Conversation{ID: 1, ServiceID: ptr[int64](demoSales), AssigneeID: ptr[int64](demoBen)})
	if f.Service != demoSales || f.Assignee != demoBen {
		t.Fatalf("reset = %d/%d, want the conversation's Sales/Ben", f.Service, f.Assignee)
	}
	f.chooseService(demoSupport)
	if f.Assignee != demoBen {
		t.Errorf("Ben, in Support too, was dropped (assignee %d)", f.Assignee)
	}
	f.Assignee = demoAnna
	f.chooseService(demoSupport)
	if f.Assignee != 0 {
		t.Errorf("Anna, not in Support, is still chosen (assignee %d)", f.Assignee)
	}
}

func TestAssignRequest(t *testing.T) {
	f := demoForm(model.Conversation{ID: 1})
	f.Service, f.Assignee = demoSupport, demoChiara
	req := f.request(true)
	if req.ServiceID == nil || *req.ServiceID != demoSupport || req.AssigneeID == nil || *req.AssigneeID != demoChiara || !req.Leave {
		t.Errorf("request = %+v, want Support/Chiara and leave", req)
	}
	f.Service, f.Assignee = 0, demoBen
	req = f.request(false)
	if req.ServiceID != nil || req.AssigneeID == nil || *req.AssigneeID != demoBen || req.Leave {
		t.Errorf("request = %+v, want no service (kept), Ben, not leaving", req)
	}
	f.Service, f.Assignee = demoSales, 0
	if req = f.request(false); req.AssigneeID != nil {
		t.Errorf("request = %+v, want no assignee: the service's strategy chooses", req)
	}
}

func TestAssignPresence(t *testing.T) {
	f := demoForm(model.Conversation{ID: 1})
	f.setOnline(demoChiara, true)
	f.setOnline(demoBen, false)
	online := map[int64]bool{}
	for _, a := range f.Agents {
		online[a.ID] = a.Online
	}
	if !online[demoChiara] || online[demoBen] {
		t.Errorf("online = %v, want Chiara and not Ben", online)
	}
}
