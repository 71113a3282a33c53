package app

import (
	"strconv"
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// adminAgents lists the organization's agents and their open invitations,
// and lets an admin invite people (who choose their own password), edit
// agents and deactivate them.
type adminAgents struct {
	goapp.Compo

	Me   int64  // the signed-in admin
	Zone string // the admin's time zone

	list        []model.Agent
	invitations []model.Invitation
	services    []model.Service
	loaded      bool
	err         string // the list's, or a row action's
	status      string

	// The edit form of an agent (editing ≠ 0).
	editing int64
	form    agentForm
	errs    formErrors
	saving  bool

	// The invitation form.
	inviting bool
	invite   inviteForm

	confirming int64 // the agent whose deactivation awaits confirmation
	busyInv    int64 // the invitation being resent or withdrawn
	zones      []string
	ctx        goapp.Context
}

// agentForm is the agent form's fields as typed.
type agentForm struct {
	Name, Email, Title, Slug, TimeZone string
	Role                               model.Role
	License                            model.License
}

// inviteForm is the invitation form's fields as typed.
type inviteForm struct {
	Email, Name string
	Role        model.Role
	License     model.License
	Services    map[int64]bool
}

func (a *adminAgents) OnMount(ctx goapp.Context) {
	a.ctx = ctx
	a.zones = browserZones()
	a.load(ctx)
}

func (a *adminAgents) load(ctx goapp.Context) {
	ctx.Async(func() {
		list, err := api().Agents(ctx)
		var invs []model.Invitation
		var svcs []model.Service
		if err == nil {
			invs, err = api().Invitations(ctx)
		}
		if err == nil {
			svcs, err = api().Services(ctx)
		}
		ctx.Dispatch(func(ctx goapp.Context) {
			if err != nil {
				a.err = userMessage(err)
				return
			}
			a.list, a.invitations, a.services, a.loaded = list, invs, svcs, true
		})
	})
}

func (a *adminAgents) onInvite(ctx goapp.Context, _ goapp.Event) {
	a.inviting, a.editing = true, 0
	a.invite = inviteForm{Role: model.RoleAgent, License: model.LicenseStandard, Services: map[int64]bool{}}
	a.errs, a.status, a.err = formErrors{}, "", ""
	ctx.Defer(func(goapp.Context) { focus("inv-email") })
}

func (a *adminAgents) onEdit(ag model.Agent) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		a.editing, a.inviting = ag.ID, false
		a.form = agentForm{Name: ag.Name, Email: ag.Email, Title: ag.Title, Slug: ag.Slug,
			TimeZone: ag.TimeZone, Role: ag.Role, License: ag.License}
		a.errs, a.status, a.err = formErrors{}, "", ""
		ctx.Defer(func(goapp.Context) { focus("ag-name") })
	}
}

func (a *adminAgents) onCancel(ctx goapp.Context, _ goapp.Event) {
	a.editing, a.inviting, a.errs = 0, false, formErrors{}
}

func (a *adminAgents) onSlug(ctx goapp.Context, _ goapp.Event) {
	a.form.Slug = ctx.JSSrc().Get("value").String()
}

func (a *adminAgents) onSubmit(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	if a.saving {
		return
	}
	id, in := a.editing, a.input()
	a.saving, a.errs = true, formErrors{}
	self := a.ctx
	ctx.Async(func() {
		saved, err := api().UpdateAgent(self, id, in)
		self.Dispatch(func(ctx goapp.Context) {
			a.saving = false
			if err != nil {
				a.errs = formErrorsOf(err)
				return
			}
			a.editing = 0
			a.status = saved.Name + " was updated."
			a.upsert(saved)
		})
	})
}

func (a *adminAgents) onSendInvite(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	if a.saving {
		return
	}
	f := a.invite
	in := model.InvitationInput{Email: strings.TrimSpace(f.Email), Name: strings.TrimSpace(f.Name), Role: f.Role, License: f.License, ServiceIDs: []int64{}}
	for _, svc := range a.services {
		if f.Services[svc.ID] {
			in.ServiceIDs = append(in.ServiceIDs, svc.ID)
		}
	}
	a.saving, a.errs = true, formErrors{}
	self := a.ctx
	ctx.Async(func() {
		inv, err := api().Invite(self, in)
		self.Dispatch(func(ctx goapp.Context) {
			a.saving = false
			if err != nil {
				a.errs = formErrorsOf(err)
				return
			}
			a.inviting = false
			a.invitations = append([]model.Invitation{inv}, a.invitations...)
			a.status = "Invitation sent to " + inv.Email + ". It works for 7 days."
		})
	})
}

func (a *adminAgents) onResend(inv model.Invitation) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		if a.busyInv != 0 {
			return
		}
		a.busyInv, a.err, a.status = inv.ID, "", ""
		self := a.ctx
		ctx.Async(func() {
			renewed, err := api().ResendInvitation(self, inv.ID)
			self.Dispatch(func(ctx goapp.Context) {
				a.busyInv = 0
				if err != nil {
					a.err = userMessage(err)
					return
				}
				for i := range a.invitations {
					if a.invitations[i].ID == inv.ID {
						a.invitations[i] = renewed
					}
				}
				a.status = "Invitation sent again to " + inv.Email + ". The earlier link no longer works."
			})
		})
	}
}

func (a *adminAgents) onRevoke(inv model.Invitation) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		if a.busyInv != 0 {
			return
		}
		a.busyInv, a.err, a.status = inv.ID, "", ""
		self := a.ctx
		ctx.Async(func() {
			err := api().RevokeInvitation(self, inv.ID)
			self.Dispatch(func(ctx goapp.Context) {
				a.busyInv = 0
				if err != nil {
					a.err = userMessage(err)
					return
				}
				kept := a.invitations[:0]
				for _, i := range a.invitations {
					if i.ID != inv.ID {
						kept = append(kept, i)
					}
				}
				a.invitations = kept
				a.status = "The invitation to " + inv.Email + " was withdrawn."
			})
		})
	}
}

// input is the request for the edit form: the changed fields.
func (a *adminAgents) input() model.AgentInput {
	f := a.form
	name, email, title := strings.TrimSpace(f.Name), strings.TrimSpace(f.Email), strings.TrimSpace(f.Title)
	slug, zone := strings.TrimSpace(f.Slug), strings.TrimSpace(f.TimeZone)
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
		sectionHead("agents-title", "Agents", "Who can sign in, what they may do, and their personal links. People join by invitation and choose their own password.",
			goapp.Button().ID("agent-invite").Type("button").Class("button button-primary").OnClick(a.onInvite).Text("Invite"),
		),
		formAlert("agents-error", a.err),
		formStatus("agents-status", a.status),
		goapp.If(a.inviting, a.renderInviteForm),
		goapp.If(a.editing != 0, a.renderForm),
		a.renderInvitations(),
		a.renderList(),
	)
}

func (a *adminAgents) renderInvitations() goapp.UI {
	if len(a.invitations) == 0 {
		return goapp.Div()
	}
	rows := make([]goapp.UI, len(a.invitations))
	for i, inv := range a.invitations {
		id := "invitation-" + strconv.FormatInt(inv.ID, 10)
		status := "Pending until " + inv.ExpiresAt.Local().Format("2 Jan 15:04")
		if inv.Status == model.InvitationExpired {
			status = "Expired"
		}
		who := inv.Email
		if inv.Name != "" {
			who = inv.Name + " · " + inv.Email
		}
		rows[i] = goapp.Tr().ID(id).Body(
			goapp.Th().Scope("row").Text(who),
			goapp.Td().Text(roleLabel(inv.Role)+" · "+licenseLabel(inv.License)),
			goapp.Td().Text(status),
			goapp.Td().Class("cell-actions").Body(goapp.Div().Class("row-actions").Body(
				goapp.Button().ID(id+"-resend").Type("button").Class("link-button").Disabled(a.busyInv != 0).
					Aria("label", "Send the invitation to "+inv.Email+" again").OnClick(a.onResend(inv)).Text("Resend"),
				goapp.Button().ID(id+"-revoke").Type("button").Class("link-button link-danger").Disabled(a.busyInv != 0).
					Aria("label", "Withdraw the invitation to "+inv.Email).OnClick(a.onRevoke(inv)).Text("Withdraw"),
			)),
		)
	}
	return goapp.Div().Class("table-wrap").Body(
		goapp.Table().ID("invitations-list").Class("data-table").Body(
			goapp.Caption().Class("table-caption").Text("Invitations waiting for an answer"),
			goapp.THead().Body(goapp.Tr().Body(
				goapp.Th().Scope("col").Text("Invited"),
				goapp.Th().Scope("col").Text("Role and license"),
				goapp.Th().Scope("col").Text("Status"),
				goapp.Th().Scope("col").Body(goapp.Span().Class("visually-hidden").Text("Actions")),
			)),
			goapp.TBody().Body(rows...),
		),
	)
}

func (a *adminAgents) renderInviteForm() goapp.UI {
	fe := a.errs
	submit := "Send invitation"
	if a.saving {
		submit = "Sending…"
	}
	boxes := make([]goapp.UI, len(a.services))
	for i, svc := range a.services {
		id := svc.ID
		boxes[i] = checkField("inv-service-"+strconv.FormatInt(id, 10), svc.Name, a.invite.Services[id], func(ctx goapp.Context, _ goapp.Event) {
			a.invite.Services[id] = checked(ctx)
		})
	}
	return goapp.Section().ID("invite-form-card").Class("card").Aria("labelledby", "invite-form-title").Body(
		goapp.H3().ID("invite-form-title").Text("Invite someone"),
		goapp.P().Class("card-lead").Text("They get an email with a link to join, in the organization's language, and choose their name and password."),
		goapp.Form().ID("invite-form").OnSubmit(a.onSendInvite).Body(
			formAlert("invite-form-error", fe.Message),
			goapp.Div().Class("form-grid").Body(
				textField("inv-email", "Email", "email", &a.invite.Email, "", fe.field("email")),
				textField("inv-name", "Name (optional)", "text", &a.invite.Name, "They can change it when they join.", fe.field("name")),
				selectField("inv-role", "Role", []option{{"agent", "Agent"}, {"admin", "Admin: can change settings"}},
					string(a.invite.Role), func(ctx goapp.Context, v string) { a.invite.Role = model.Role(v) }, "", fe.field("role")),
				selectField("inv-license", "License", []option{
					{"standard", "Standard: holds conversations, personal link and bookings"},
					{"basic", "Basic: no conversations assigned, no personal link"},
				}, string(a.invite.License), func(ctx goapp.Context, v string) { a.invite.License = model.License(v) }, "", fe.field("license")),
			),
			goapp.If(len(boxes) > 0, func() goapp.UI {
				return goapp.FieldSet().ID("inv-services").Class("choice-group").Body(
					goapp.Legend().Text("Services"),
					goapp.Div().Class("choices choices-columns").Body(boxes...),
					goapp.If(fe.field("service_ids") != "", func() goapp.UI { return goapp.P().Class("field-error").Text(fe.field("service_ids")) }),
				)
			}),
			goapp.Div().Class("form-actions").Body(
				goapp.Button().ID("invite-send").Type("submit").Class("button button-primary").Disabled(a.saving).Text(submit),
				goapp.Button().Type("button").Class("button button-secondary").OnClick(a.onCancel).Text("Cancel"),
			),
		),
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
	submit := "Save changes"
	if a.saving {
		submit = "Saving…"
	}
	fe := a.errs
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
		goapp.H3().ID("agent-form-title").Text("Edit agent"),
		goapp.Form().ID("agent-form").OnSubmit(a.onSubmit).Body(
			formAlert("agent-form-error", fe.Message),
			goapp.Div().Class("form-grid").Body(
				textField("ag-name", "Name", "text", &a.form.Name, "", fe.field("name")),
				textField("ag-email", "Email", "email", &a.form.Email, "", fe.field("email")),
				textField("ag-title", "Job title (optional)", "text", &a.form.Title, "", fe.field("title")),
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
