package app

import (
	"slices"
	"strconv"
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// strategies are the assignment strategies, with what they do.
var strategies = []struct {
	ID          model.Strategy
	Label, Help string
}{
	{model.StrategyManual, "Manual queue", "Conversations wait unassigned until a member takes one."},
	{model.StrategyRoundRobin, "Round robin", "Each new conversation goes to the next online Standard member in turn."},
	{model.StrategyLeastBusy, "Least busy", "Each new conversation goes to the online Standard member with the fewest open ones."},
}

func strategyLabel(s model.Strategy) string {
	for _, st := range strategies {
		if st.ID == s {
			return st.Label
		}
	}
	return string(s)
}

// assignable tells whether a service with these members can take
// conversations: one of them must be active with a Standard license (the
// seed's limitation, which the API enforces too).
func assignable(members []int64, agents map[int64]model.Agent) bool {
	for _, id := range members {
		if a, ok := agents[id]; ok && a.CanHoldConversations() {
			return true
		}
	}
	return false
}

// adminServices lists the services (call groups) and lets an admin
// create, edit and delete them.
type adminServices struct {
	goapp.Compo

	list   []model.Service
	agents []model.Agent
	loaded bool
	err    string
	status string

	formOpen bool
	editing  int64
	name     string
	strategy model.Strategy
	members  []int64
	errs     formErrors
	saving   bool

	confirming int64 // the service whose deletion awaits confirmation
}

func (s *adminServices) OnMount(ctx goapp.Context) { s.load(ctx) }

func (s *adminServices) load(ctx goapp.Context) {
	ctx.Async(func() {
		services, err := api().Services(ctx)
		if err != nil {
			ctx.Dispatch(func(ctx goapp.Context) { s.err = userMessage(err) })
			return
		}
		agents, err := api().Agents(ctx)
		ctx.Dispatch(func(ctx goapp.Context) {
			if err != nil {
				s.err = userMessage(err)
				return
			}
			s.list, s.agents, s.loaded = services, agents, true
		})
	})
}

func (s *adminServices) agentsByID() map[int64]model.Agent {
	m := make(map[int64]model.Agent, len(s.agents))
	for _, a := range s.agents {
		m[a.ID] = a
	}
	return m
}

func (s *adminServices) onAdd(ctx goapp.Context, _ goapp.Event) {
	s.open(0, "", model.StrategyRoundRobin, nil)
	ctx.Defer(func(goapp.Context) { focus("service-name") })
}

func (s *adminServices) onEdit(svc model.Service) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		s.open(svc.ID, svc.Name, svc.Strategy, svc.MemberIDs)
		ctx.Defer(func(goapp.Context) { focus("service-name") })
	}
}

func (s *adminServices) open(id int64, name string, strategy model.Strategy, members []int64) {
	s.formOpen, s.editing, s.name, s.strategy = true, id, name, strategy
	s.members = slices.Clone(members)
	s.errs, s.status, s.err, s.confirming = formErrors{}, "", "", 0
}

func (s *adminServices) onCancel(ctx goapp.Context, _ goapp.Event) { s.formOpen = false }

func (s *adminServices) onMember(id int64) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		s.members = slices.DeleteFunc(s.members, func(m int64) bool { return m == id })
		if checked(ctx) {
			s.members = append(s.members, id)
		}
	}
}

func (s *adminServices) onSubmit(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	if s.saving {
		return
	}
	id := s.editing
	name, strategy, members := strings.TrimSpace(s.name), s.strategy, slices.Clone(s.members)
	if members == nil {
		members = []int64{}
	}
	in := model.ServiceInput{Name: &name, Strategy: &strategy, MemberIDs: &members}
	s.saving, s.errs = true, formErrors{}
	ctx.Async(func() {
		var saved model.Service
		var err error
		if id == 0 {
			saved, err = api().CreateService(ctx, in)
		} else {
			saved, err = api().UpdateService(ctx, id, in)
		}
		ctx.Dispatch(func(ctx goapp.Context) {
			s.saving = false
			if err != nil {
				s.errs = formErrorsOf(err)
				return
			}
			s.formOpen = false
			s.status = saved.Name + " was saved."
			if i := slices.IndexFunc(s.list, func(x model.Service) bool { return x.ID == saved.ID }); i >= 0 {
				s.list[i] = saved
			} else {
				s.list = append(s.list, saved)
			}
		})
	})
}

func (s *adminServices) onDelete(svc model.Service) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		if s.confirming != svc.ID {
			s.confirming, s.err, s.status = svc.ID, "", ""
			return
		}
		// The confirmation stays until the answer: the button is the
		// source of ctx, whose dispatches go-app drops once it is gone.
		ctx.Async(func() {
			err := api().DeleteService(ctx, svc.ID)
			ctx.Dispatch(func(ctx goapp.Context) {
				s.confirming = 0
				if err != nil {
					s.err = userMessage(err)
					return
				}
				s.list = slices.DeleteFunc(s.list, func(x model.Service) bool { return x.ID == svc.ID })
				s.status = svc.Name + " was deleted."
			})
		})
	}
}

func (s *adminServices) onCancelDelete(ctx goapp.Context, _ goapp.Event) { s.confirming = 0 }

func (s *adminServices) Render() goapp.UI {
	return goapp.Section().ID("services").Class("settings-section").Aria("labelledby", "services-title").Body(
		sectionHead("services-title", "Services", "Call groups conversations are routed to, and who answers them.",
			goapp.Button().ID("service-add").Type("button").Class("button button-primary").OnClick(s.onAdd).Text("Add service"),
		),
		formAlert("services-error", s.err),
		formStatus("services-status", s.status),
		goapp.If(s.formOpen, s.renderForm),
		s.renderList(),
	)
}

func (s *adminServices) renderList() goapp.UI {
	switch {
	case !s.loaded && s.err != "":
		return goapp.Div()
	case !s.loaded:
		return goapp.P().Class("status").Text("Loading services…")
	case len(s.list) == 0:
		return goapp.Div().ID("services-list").Class("empty-state").Body(
			goapp.H2().Text("No services yet"),
			goapp.P().Text("Add one, such as Sales or Support, and choose who answers it."),
		)
	}
	agents := s.agentsByID()
	cards := make([]goapp.UI, len(s.list))
	for i, svc := range s.list {
		cards[i] = s.renderService(svc, agents)
	}
	return goapp.Ul().ID("services-list").Class("card-list").Body(cards...)
}

func (s *adminServices) renderService(svc model.Service, agents map[int64]model.Agent) goapp.UI {
	id := "service-" + strconv.FormatInt(svc.ID, 10)
	members := make([]goapp.UI, 0, len(svc.MemberIDs))
	for _, m := range svc.MemberIDs {
		a, ok := agents[m]
		if !ok {
			continue
		}
		class := "member"
		note := ""
		switch {
		case !a.Active:
			class, note = "member member-off", " (deactivated)"
		case a.License == model.LicenseBasic:
			class, note = "member member-basic", " (Basic)"
		}
		members = append(members, goapp.Li().Class(class).Text(a.Name+note))
	}
	var actions goapp.UI
	if s.confirming == svc.ID {
		actions = goapp.Div().Class("row-confirm").Body(
			goapp.Span().Text("Delete "+svc.Name+"?"),
			goapp.Button().ID(id+"-confirm").Type("button").Class("button button-danger button-small").OnClick(s.onDelete(svc)).Text("Delete"),
			goapp.Button().Type("button").Class("button button-secondary button-small").OnClick(s.onCancelDelete).Text("Cancel"),
		)
	} else {
		actions = goapp.Div().Class("row-actions").Body(
			goapp.Button().ID(id+"-edit").Type("button").Class("link-button").Aria("label", "Edit "+svc.Name).OnClick(s.onEdit(svc)).Text("Edit"),
			goapp.Button().ID(id+"-delete").Type("button").Class("link-button link-danger").Aria("label", "Delete "+svc.Name).OnClick(s.onDelete(svc)).Text("Delete"),
		)
	}
	return goapp.Li().ID(id).Class("card service-card").Body(
		goapp.Div().Class("service-head").Body(
			goapp.H3().Class("service-name").Text(svc.Name),
			goapp.Span().Class("tag tag-service").Text(strategyLabel(svc.Strategy)),
			actions,
		),
		goapp.If(len(members) == 0, func() goapp.UI {
			return goapp.P().Class("status").Text("No members.")
		}).Else(func() goapp.UI {
			return goapp.Ul().Class("members").Aria("label", "Members of "+svc.Name).Body(members...)
		}),
		goapp.If(!svc.Assignable, func() goapp.UI {
			return goapp.P().ID(id + "-unassignable").Class("notice notice-warn").
				Text("Not assignable: no active member has a Standard license, so conversations cannot be sent to " + svc.Name + ".")
		}),
	)
}

func (s *adminServices) renderForm() goapp.UI {
	title, submit := "Add a service", "Add service"
	if s.editing != 0 {
		title, submit = "Edit service", "Save service"
	}
	if s.saving {
		submit = "Saving…"
	}
	fe := s.errs
	agents := s.agentsByID()

	radios := make([]goapp.UI, len(strategies))
	for i, st := range strategies {
		id := "service-strategy-" + string(st.ID)
		radios[i] = goapp.Label().Class("radio-card").For(id).Body(
			goapp.Input().ID(id).Type("radio").Name("strategy").Value(string(st.ID)).Checked(s.strategy == st.ID).
				OnChange(func(ctx goapp.Context, _ goapp.Event) { s.strategy = st.ID }),
			goapp.Span().Class("radio-text").Body(
				goapp.Span().Class("radio-label").Text(st.Label),
				goapp.Span().Class("radio-help").Text(st.Help),
			),
		)
	}

	boxes := make([]goapp.UI, 0, len(s.agents))
	for _, a := range s.agents {
		isMember := slices.Contains(s.members, a.ID)
		if !a.Active && !isMember {
			continue
		}
		label := a.Name
		switch {
		case !a.Active:
			label += " · deactivated"
		case a.License == model.LicenseBasic:
			label += " · Basic license"
		}
		boxes = append(boxes, checkField("service-member-"+strconv.FormatInt(a.ID, 10), label, isMember, s.onMember(a.ID)))
	}

	return goapp.Section().ID("service-form-card").Class("card").Aria("labelledby", "service-form-title").Body(
		goapp.H3().ID("service-form-title").Text(title),
		goapp.Form().ID("service-form").OnSubmit(s.onSubmit).Body(
			formAlert("service-form-error", fe.Message),
			goapp.Div().Class("form-grid").Body(
				textField("service-name", "Name", "text", &s.name, "", fe.field("name")),
			),
			goapp.FieldSet().Class("choice-group").Body(
				goapp.Legend().Text("Assignment"),
				goapp.Div().Class("radio-cards radio-cards-row").Body(radios...),
				goapp.If(fe.field("strategy") != "", func() goapp.UI { return goapp.P().Class("field-error").Text(fe.field("strategy")) }),
			),
			goapp.FieldSet().ID("service-members").Class("choice-group").Body(
				goapp.Legend().Text("Members"),
				goapp.Div().Class("choices choices-columns").Body(boxes...),
				goapp.If(fe.field("member_ids") != "", func() goapp.UI { return goapp.P().Class("field-error").Text(fe.field("member_ids")) }),
			),
			goapp.If(!assignable(s.members, agents), func() goapp.UI {
				return goapp.P().ID("service-form-unassignable").Class("notice notice-warn").Role("status").
					Text("Not assignable: no Standard member. The service will be listed, but conversations cannot be sent to it until an active member with a Standard license joins.")
			}),
			goapp.Div().Class("form-actions").Body(
				goapp.Button().ID("service-save").Type("submit").Class("button button-primary").Disabled(s.saving).Text(submit),
				goapp.Button().Type("button").Class("button button-secondary").OnClick(s.onCancel).Text("Cancel"),
			),
		),
	)
}
