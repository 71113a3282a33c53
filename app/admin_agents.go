package app

import (
	"strconv"
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// adminAgents lists the organization's agents and lets an admin invite,
// edit and deactivate them.
type adminAgents struct {
	goapp.Compo

	Me   int64  // the signed-in admin
	Zone string // the admin's time zone, a new agent's default

	list   []model.Agent
	loaded bool
	err    string // the list's, or a row action's
	status string

	// The form: adding (editing 0) or editing an agent.
	formOpen    bool
	editing     int64
	form        agentForm
	slugTouched bool
	errs        formErrors
	saving      bool

	confirming int64 // the agent whose deactivation awaits confirmation
	zones      []string
}

// agentForm is the agent form's fields as typed.
type agentForm struct {
	Name, Email, Title, Password, Slug, TimeZone string
	Role                                         model.Role
	License                                      model.License
}

func (a *adminAgents) OnMount(ctx goapp.Context) {
	a.zones = browserZones()
	a.load(ctx)
}

func (a *adminAgents) load(ctx goapp.Context) {
	ctx.Async(func() {
		list, err := api().Agents(ctx)
		ctx.Dispatch(func(ctx goapp.Context) {
			if err != nil {
				a.err = userMessage(err)
				return
			}
			a.list, a.loaded = list, true
		})
	})
}

func (a *adminAgents) onAdd(ctx goapp.Context, _ goapp.Event) {
	a.formOpen, a.editing, a.slugTouched = true, 0, false
	a.form = agentForm{TimeZone: a.Zone, Role: model.RoleAgent, License: model.LicenseStandard}
	a.errs, a.status, a.err = formErrors{}, "", ""
	ctx.Defer(func(goapp.Context) { focus("ag-name") })
}

func (a *adminAgents) onEdit(ag model.Agent) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		a.formOpen, a.editing, a.slugTouched = true, ag.ID, true
		a.form = agentForm{Name: ag.Name, Email: ag.Email, Title: ag.Title, Slug: ag.Slug,
			TimeZone: ag.TimeZone, Role: ag.Role, License: ag.License}
		a.errs, a.status, a.err = formErrors{}, "", ""
		ctx.Defer(func(goapp.Context) { focus("ag-name") })
	}
}

func (a *adminAgents) onCancel(ctx goapp.Context, _ goapp.Event) {
	a.formOpen, a.errs = false, formErrors{}
}

// onName suggests a slug from the name until the admin types one.
func (a *adminAgents) onName(ctx goapp.Context, _ goapp.Event) {
	a.form.Name = ctx.JSSrc().Get("value").String()
	if !a.slugTouched {
		a.form.Slug = slugify(a.form.Name)
	}
}

func (a *adminAgents) onSlug(ctx goapp.Context, _ goapp.Event) {
	a.form.Slug = ctx.JSSrc().Get("value").String()
	a.slugTouched = true
}

func (a *adminAgents) onSubmit(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	if a.saving {
		return
	}
	id, in := a.editing, a.input()
	a.saving, a.errs = true, formErrors{}
	ctx.Async(func() {
		var saved model.Agent
		var err error
		if id == 0 {
			saved, err = api().CreateAgent(ctx, in)
		} else {
			saved, err = api().UpdateAgent(ctx, id, in)
		}
		ctx.Dispatch(func(ctx goapp.Context) {
			a.saving = false
			if err != nil {
				a.errs = formErrorsOf(err)
				return
			}
			a.formOpen = false
			if id == 0 {
				a.status = saved.Name + " was added. Send them the sign-in address and their password."
			} else {
				a.status = saved.Name + " was updated."
			}
			a.upsert(saved)
		})
	})
}

// input is the request for the form: every field when adding, the changed
// ones when editing.
func (a *adminAgents) input() model.AgentInput {
	f := a.form
	name, email, title := strings.TrimSpace(f.Name), strings.TrimSpace(f.Email), strings.TrimSpace(f.Title)
	slug, zone := strings.TrimSpace(f.Slug), strings.TrimSpace(f.TimeZone)
	if a.editing == 0 {
		return model.AgentInput{Name: &name, Email: &email, Title: &title, Password: &f.Password,
			Slug: &slug, TimeZone: &zone, Role: &f.Role, License: &f.License}
	}
	var old model.Agent
	for _, ag := range a.list {
		if ag.ID == a.editing {
			old = ag
		}
	}
	var in model.AgentInput
	if name != old.Name {
		in.Name = &name
	}
	if email != old.Email {
		in.Email = &email
	}
	if title != old.Title {
		in.Title = &title
	}
	if slug != old.Slug {
		in.Slug = &slug
	}
	if zone != old.TimeZone {
		in.TimeZone = &zone
	}
	if f.Role != old.Role {
		in.Role = &f.Role
	}
	if f.License != old.License {
		in.License = &f.License
	}
	if f.Password != "" {
		in.Password = &f.Password
	}
	return in
}

func (a *adminAgents) upsert(ag model.Agent) {
	for i := range a.list {
		if a.list[i].ID == ag.ID {
			ag.Online = a.list[i].Online
			a.list[i] = ag
			return
		}
	}
	a.list = append(a.list, ag)
}

func (a *adminAgents) onDeactivate(ag model.Agent) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		if a.confirming != ag.ID {
			a.confirming, a.err, a.status = ag.ID, "", ""
			return
		}
		a.setActive(ctx, ag, false)
	}
}

func (a *adminAgents) onReactivate(ag model.Agent) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) { a.setActive(ctx, ag, true) }
}

func (a *adminAgents) onCancelConfirm(ctx goapp.Context, _ goapp.Event) { a.confirming = 0 }

// setActive deactivates or reactivates an agent. The confirmation stays
// until the answer: the button that asked is the source of ctx, whose
// dispatches go-app drops once it is gone.
func (a *adminAgents) setActive(ctx goapp.Context, ag model.Agent, active bool) {
	a.err, a.status = "", ""
	ctx.Async(func() {
		var saved model.Agent
		var err error
		if active {
			saved, err = api().UpdateAgent(ctx, ag.ID, model.AgentInput{Active: &active})
		} else {
			saved, err = api().DeactivateAgent(ctx, ag.ID)
		}
		ctx.Dispatch(func(ctx goapp.Context) {
			a.confirming = 0
			if err != nil {
				a.err = userMessage(err)
				return
			}
			a.upsert(saved)
			if active {
				a.status = saved.Name + " can sign in again."
			} else {
				a.status = saved.Name + " was deactivated: signed out, and no longer assigned new conversations."
			}
		})
	})
}

func (a *adminAgents) Render() goapp.UI {
	return goapp.Section().ID("agents").Class("settings-section").Aria("labelledby", "agents-title").Body(
		sectionHead("agents-title", "Agents", "Who can sign in, what they may do, and their personal links.",
			goapp.Button().ID("agent-add").Type("button").Class("button button-primary").OnClick(a.onAdd).Text("Add agent"),
		),
		formAlert("agents-error", a.err),
		formStatus("agents-status", a.status),
		goapp.If(a.formOpen, a.renderForm),
		a.renderList(),
	)
}

func (a *adminAgents) renderList() goapp.UI {
	if !a.loaded {
		if a.err != "" {
			return goapp.Div()
		}
		return goapp.P().Class("status").Text("Loading agents…")
	}
	rows := make([]goapp.UI, len(a.list))
	for i, ag := range a.list {
		rows[i] = a.renderRow(ag)
	}
	return goapp.Div().Class("table-wrap").Body(
		goapp.Table().ID("agents-list").Class("data-table").Body(
			goapp.Caption().Class("visually-hidden").Text("Agents"),
			goapp.THead().Body(goapp.Tr().Body(
				goapp.Th().Scope("col").Text("Agent"),
				goapp.Th().Scope("col").Text("Role"),
				goapp.Th().Scope("col").Text("License"),
				goapp.Th().Scope("col").Text("Personal link"),
				goapp.Th().Scope("col").Text("Time zone"),
				goapp.Th().Scope("col").Text("Status"),
				goapp.Th().Scope("col").Body(goapp.Span().Class("visually-hidden").Text("Actions")),
			)),
			goapp.TBody().Body(rows...),
		),
	)
}

func (a *adminAgents) renderRow(ag model.Agent) goapp.UI {
	id := "agent-" + strconv.FormatInt(ag.ID, 10)
	status, statusClass := "Active", "status-open"
	if !ag.Active {
		status, statusClass = "Deactivated", "status-resolved"
	}
	var actions goapp.UI
	switch {
	case a.confirming == ag.ID:
		actions = goapp.Div().Class("row-confirm").Body(
			goapp.Span().Text("Deactivate "+ag.Name+"?"),
			goapp.Button().ID(id+"-confirm").Type("button").Class("button button-danger button-small").
				OnClick(a.onDeactivate(ag)).Text("Deactivate"),
			goapp.Button().Type("button").Class("button button-secondary button-small").
				OnClick(a.onCancelConfirm).Text("Cancel"),
		)
	case !ag.Active:
		actions = goapp.Button().ID(id+"-reactivate").Type("button").Class("link-button").
			Aria("label", "Reactivate "+ag.Name).OnClick(a.onReactivate(ag)).Text("Reactivate")
	default:
		actions = goapp.Div().Class("row-actions").Body(
			goapp.Button().ID(id+"-edit").Type("button").Class("link-button").
				Aria("label", "Edit "+ag.Name).OnClick(a.onEdit(ag)).Text("Edit"),
			goapp.If(ag.ID != a.Me, func() goapp.UI {
				return goapp.Button().ID(id+"-deactivate").Type("button").Class("link-button link-danger").
					Aria("label", "Deactivate "+ag.Name).OnClick(a.onDeactivate(ag)).Text("Deactivate")
			}),
		)
	}
	row := goapp.Tr().ID(id)
	if !ag.Active {
		row = row.Class("row-inactive")
	}
	return row.Body(
		goapp.Th().Scope("row").Body(
			goapp.Div().Class("person").Body(
				goapp.Span().Class("avatar avatar-small").Aria("hidden", "true").Text(initials(ag.Name)),
				goapp.Div().Class("person-text").Body(
					goapp.Span().Class("person-name").Text(ag.Name),
					goapp.Span().Class("person-sub").Text(ag.Email),
				),
			),
		),
		goapp.Td().Text(roleLabel(ag.Role)),
		goapp.Td().Body(goapp.Span().Class("tag tag-license tag-"+string(ag.License)).Text(licenseLabel(ag.License))),
		goapp.Td().Body(goapp.Code().Class("slug").Text("/l/"+ag.Slug)),
		goapp.Td().Text(ag.TimeZone),
		goapp.Td().Body(
			goapp.Span().Class("status-badge "+statusClass).Text(status),
			goapp.If(ag.Active && ag.Online, func() goapp.UI {
				return goapp.Span().Class("online").Body(
					goapp.Span().Class("online-dot").Aria("hidden", "true"),
					goapp.Text("Online"),
				)
			}),
		),
		goapp.Td().Class("cell-actions").Body(actions),
	)
}

func (a *adminAgents) renderForm() goapp.UI {
	adding := a.editing == 0
	title, submit := "Edit agent", "Save changes"
	if adding {
		title, submit = "Add an agent", "Add agent"
	}
	if a.saving {
		submit = "Saving…"
	}
	fe := a.errs
	passwordLabel, passwordHint := "Password", "At least 10 characters. Give it to the agent; they sign in with their email and it."
	if !adding {
		passwordLabel, passwordHint = "New password", "Leave empty to keep the current password."
	}
	nameInput := described(goapp.Input().ID("ag-name").Name("name").Type("text").Value(a.form.Name).OnInput(a.onName),
		"ag-name", "", fe.field("name"))
	slugHint := "Their personal link: " + personalLink(orDash(a.form.Slug))
	slugInput := described(goapp.Input().ID("ag-slug").Name("slug").Type("text").Value(a.form.Slug).
		Attr("autocapitalize", "none").Attr("spellcheck", "false").OnInput(a.onSlug), "ag-slug", slugHint, fe.field("slug"))
	zoneInput := described(goapp.Input().ID("ag-zone").Name("time_zone").Type("text").List("time-zones").
		Value(a.form.TimeZone).OnInput(bind(&a.form.TimeZone)), "ag-zone", "", fe.field("time_zone"))
	zones := make([]goapp.UI, len(a.zones))
	for i, z := range a.zones {
		zones[i] = goapp.Option().Value(z)
	}
	return goapp.Section().ID("agent-form-card").Class("card").Aria("labelledby", "agent-form-title").Body(
		goapp.H3().ID("agent-form-title").Text(title),
		goapp.Form().ID("agent-form").OnSubmit(a.onSubmit).Body(
			formAlert("agent-form-error", fe.Message),
			goapp.Div().Class("form-grid").Body(
				field("ag-name", "Name", nameInput, "", fe.field("name")),
				textField("ag-email", "Email", "email", &a.form.Email, "", fe.field("email")),
				textField("ag-title", "Job title (optional)", "text", &a.form.Title, "", fe.field("title")),
				textField("ag-password", passwordLabel, "password", &a.form.Password, passwordHint, fe.field("password")),
				field("ag-slug", "Personal-link slug", slugInput, slugHint, fe.field("slug")),
				field("ag-zone", "Time zone", zoneInput, "", fe.field("time_zone")),
				selectField("ag-role", "Role", []option{{"agent", "Agent"}, {"admin", "Admin: can change settings"}},
					string(a.form.Role), func(ctx goapp.Context, v string) { a.form.Role = model.Role(v) }, "", fe.field("role")),
				selectField("ag-license", "License", []option{
					{"standard", "Standard: holds conversations, personal link and bookings"},
					{"basic", "Basic: no conversations assigned, no personal link"},
				}, string(a.form.License), func(ctx goapp.Context, v string) { a.form.License = model.License(v) }, "", fe.field("license")),
			),
			goapp.DataList().ID("time-zones").Body(zones...),
			goapp.Div().Class("form-actions").Body(
				goapp.Button().ID("agent-save").Type("submit").Class("button button-primary").Disabled(a.saving).Text(submit),
				goapp.Button().Type("button").Class("button button-secondary").OnClick(a.onCancel).Text("Cancel"),
			),
		),
	)
}

func orDash(s string) string {
	if s == "" {
		return "…"
	}
	return s
}

// slugify suggests a personal-link slug from a name (model.Slugify).
func slugify(name string) string { return model.Slugify(name) }

// browserZones lists the IANA zones the browser knows, for the time zone
// field's suggestions; none on the server.
func browserZones() (zones []string) {
	if !goapp.IsClient {
		return nil
	}
	defer func() {
		if recover() != nil { // older browsers lack supportedValuesOf
			zones = nil
		}
	}()
	list := goapp.Window().Get("Intl").Call("supportedValuesOf", "timeZone")
	zones = make([]string, list.Length())
	for i := range zones {
		zones[i] = list.Index(i).String()
	}
	return zones
}
