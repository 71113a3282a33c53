package app

import (
	"cmp"
	"slices"
	"strings"

	"github.com/frontdesk/frontdesk/model"
)

// assignForm is the Assign section's choice and what it is made from:
// plain data, so the rules (who can be chosen, when the buttons work) are
// tested without a browser.
type assignForm struct {
	Services []model.Service
	Agents   []model.Agent
	Me       int64
	Conv     model.Conversation

	// Service is the chosen service, 0 for none (only possible while the
	// conversation has none: the API keeps a service once set).
	Service int64
	// Assignee is the chosen agent; 0 lets the service's strategy choose
	// (or leaves the conversation in its queue).
	Assignee int64
}

// assignButtons is what the Apply buttons can do, and why not.
type assignButtons struct {
	Apply bool
	Leave bool
	// Hint says why both buttons are disabled, when the agent cannot
	// guess; LeaveHint why only "Apply and leave" is.
	Hint      string
	LeaveHint string
}

// Why a service or the buttons cannot be used.
const (
	// notAssignable is the seed's reason beside a service in the list.
	notAssignable    = "No member with a Standard license"
	hintChoose       = "Choose a service or an assignee."
	hintChooseMember = "Choose an assignee among the service's members."
	hintSelf         = "You cannot leave a conversation you assign to yourself."
)

// hintNotAssignable says why a service cannot take the conversation.
func hintNotAssignable(service string) string {
	return service + " has no member with a Standard license, so conversations cannot be assigned to it."
}

// reset makes the choice the conversation's current service and assignee.
func (f *assignForm) reset() {
	f.Service, f.Assignee = 0, 0
	if f.Conv.ServiceID != nil {
		f.Service = *f.Conv.ServiceID
	}
	if f.Conv.AssigneeID != nil {
		f.Assignee = *f.Conv.AssigneeID
	}
}

// chooseService changes the service, keeping the assignee only if they can
// hold conversations of the new one.
func (f *assignForm) chooseService(id int64) {
	f.Service = id
	if f.Assignee != 0 && !f.eligible(f.Assignee) {
		f.Assignee = 0
	}
}

// service returns the chosen service.
func (f assignForm) service() (model.Service, bool) {
	i := slices.IndexFunc(f.Services, func(s model.Service) bool { return s.ID == f.Service })
	if i < 0 {
		return model.Service{}, false
	}
	return f.Services[i], true
}

// services lists every service, by name: those that cannot take
// conversations too, as the seed asks, for the list to show disabled.
func (f assignForm) services() []model.Service {
	out := slices.Clone(f.Services)
	slices.SortFunc(out, func(a, b model.Service) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// assignees lists who can hold the conversation with the chosen service:
// its members who are active and hold a Standard license (any such agent
// when no service is chosen); the signed-in agent first, then by name.
func (f assignForm) assignees() []model.Agent {
	svc, hasService := f.service()
	if f.Service != 0 && !hasService {
		return nil
	}
	var out []model.Agent
	for _, a := range f.Agents {
		if a.CanHoldConversations() && (!hasService || slices.Contains(svc.MemberIDs, a.ID)) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b model.Agent) int {
		if (a.ID == f.Me) != (b.ID == f.Me) {
			if a.ID == f.Me {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// eligible reports whether agent id can be chosen as the assignee.
func (f assignForm) eligible(id int64) bool {
	return slices.ContainsFunc(f.assignees(), func(a model.Agent) bool { return a.ID == id })
}

// changed reports whether applying the choice would change anything.
func (f assignForm) changed() bool {
	current := int64(0)
	if f.Conv.ServiceID != nil {
		current = *f.Conv.ServiceID
	}
	assignee := int64(0)
	if f.Conv.AssigneeID != nil {
		assignee = *f.Conv.AssigneeID
	}
	return f.Service != current || f.Assignee != assignee
}

// buttons decides whether Apply and "Apply and leave" can be pressed. Both
// are disabled while the chosen service has no Standard member (the
// seed's limitation); Apply needs a change; leaving needs someone else to
// hand the conversation to.
func (f assignForm) buttons() assignButtons {
	svc, hasService := f.service()
	switch {
	case f.Service != 0 && !hasService:
		return assignButtons{Hint: hintChoose}
	case hasService && !svc.Assignable:
		return assignButtons{Hint: hintNotAssignable(svc.Name)}
	case !hasService && f.Assignee == 0:
		return assignButtons{Hint: hintChoose}
	case f.Assignee != 0 && !f.eligible(f.Assignee):
		return assignButtons{Hint: hintChooseMember}
	}
	b := assignButtons{Apply: f.changed(), Leave: f.Assignee != f.Me}
	if !b.Leave {
		b.LeaveHint = hintSelf
	}
	return b
}

// request is the API request for the choice.
func (f assignForm) request(leave bool) model.AssignRequest {
	req := model.AssignRequest{Leave: leave}
	if f.Service != 0 {
		id := f.Service
		req.ServiceID = &id
	}
	if f.Assignee != 0 {
		id := f.Assignee
		req.AssigneeID = &id
	}
	return req
}

// setOnline records an agent's presence.
func (f *assignForm) setOnline(agent int64, online bool) {
	for i := range f.Agents {
		if f.Agents[i].ID == agent {
			f.Agents[i].Online = online
		}
	}
}
