package app

import (
	"strconv"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// adminIntegrations sets up the OAuth apps through which agents connect
// Google Calendar and Microsoft 365. Secrets are write-only, as for the
// CRM; each provider shows the redirect URI to register with it.
type adminIntegrations struct {
	goapp.Compo

	apps   model.CalendarApps
	loaded bool
	err    string

	forms  map[string]*model.CalendarAppInput
	errs   map[string]formErrors
	status map[string]string
	busy   string // the provider being saved
	copied string
}

// integrationProviders are the providers the section shows, in order.
var integrationProviders = []struct {
	ID, Title, Steps string
}{
	{"google", "Google Calendar", "In the Google Cloud console: enable the Google Calendar API, configure the OAuth consent screen with the calendar.events and calendar.calendarlist.readonly scopes, and create an OAuth client ID of type “Web application” with the redirect URI below. Paste its client ID and secret here."},
	{"microsoft", "Microsoft 365", "In Microsoft Entra (App registrations): register an application with a “Web” redirect URI as below, add the delegated Microsoft Graph permissions Calendars.ReadWrite and offline_access, and create a client secret. Paste the application (client) ID, the secret's value and your tenant here."},
}

func (a *adminIntegrations) OnMount(ctx goapp.Context) {
	a.forms, a.errs, a.status = map[string]*model.CalendarAppInput{}, map[string]formErrors{}, map[string]string{}
	ctx.Async(func() {
		apps, err := api().CalendarApps(ctx)
		ctx.Dispatch(func(ctx goapp.Context) {
			if err != nil {
				a.err = userMessage(err)
				return
			}
			a.set(apps)
			a.loaded = true
		})
	})
}

func (a *adminIntegrations) app(p string) model.CalendarApp {
	if p == "google" {
		return a.apps.Google
	}
	return a.apps.Microsoft
}

func (a *adminIntegrations) set(apps model.CalendarApps) {
	a.apps = apps
	for _, p := range integrationProviders {
		app := a.app(p.ID)
		a.forms[p.ID] = &model.CalendarAppInput{ClientID: app.ClientID, Tenant: app.Tenant}
	}
}

func (a *adminIntegrations) onSave(p string) goapp.EventHandler {
	return func(ctx goapp.Context, e goapp.Event) {
		e.PreventDefault()
		if a.busy != "" {
			return
		}
		in := *a.forms[p]
		if p == "google" {
			in.Tenant = ""
		}
		a.busy, a.errs[p], a.status[p] = p, formErrors{}, ""
		ctx.Async(func() {
			apps, err := api().SetCalendarApp(ctx, p, in)
			ctx.Dispatch(func(ctx goapp.Context) {
				a.busy = ""
				if err != nil {
					a.errs[p] = formErrorsOf(err)
					return
				}
				a.set(apps)
				a.status[p] = "Saved. Agents can now connect their calendars in My availability."
			})
		})
	}
}

func (a *adminIntegrations) onRemove(p string) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		if a.busy != "" {
			return
		}
		a.busy, a.errs[p], a.status[p] = p, formErrors{}, ""
		ctx.Async(func() {
			apps, err := api().DeleteCalendarApp(ctx, p)
			ctx.Dispatch(func(ctx goapp.Context) {
				a.busy = ""
				if err != nil {
					a.errs[p] = formErrorsOf(err)
					return
				}
				a.set(apps)
				a.status[p] = "Removed. Agents connected through it are asked to connect again once it is set up."
			})
		})
	}
}

func (a *adminIntegrations) onCopy(id, text string) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		copyToClipboard(ctx, id, text, func(ctx goapp.Context, ok bool) {
			if ok {
				a.copied = id
			}
		})
	}
}

func (a *adminIntegrations) Render() goapp.UI {
	body := []goapp.UI{
		sectionHead("integrations-title", "Integrations", "Let agents connect Google Calendar and Microsoft 365: meetings are added to their calendars, and their busy time is taken off their booking pages."),
	}
	switch {
	case !a.loaded && a.err != "":
		body = append(body, formAlert("integrations-load-error", a.err))
	case !a.loaded:
		body = append(body, goapp.P().Class("status").Text("Loading…"))
	default:
		for _, p := range integrationProviders {
			body = append(body, a.renderProvider(p.ID, p.Title, p.Steps))
		}
	}
	return goapp.Section().ID("integrations").Class("settings-section").Aria("labelledby", "integrations-title").Body(body...)
}

func (a *adminIntegrations) renderProvider(p, title, steps string) goapp.UI {
	app, form, fe := a.app(p), a.forms[p], a.errs[p]
	state := goapp.Span().Class("status-badge status-resolved").Text("Not set up")
	if app.Configured {
		n := "no agent has"
		switch app.Connections {
		case 0:
		case 1:
			n = "1 agent has"
		default:
			n = strconv.Itoa(app.Connections) + " agents have"
		}
		state = goapp.Span().Class("status-badge status-open").Text("Set up · " + n + " connected")
	}
	hint := ""
	if app.SecretSet {
		hint = "A secret is stored. Leave empty to keep it; type a new one to replace it."
	}
	submit := "Save"
	if a.busy == p {
		submit = "Saving…"
	}
	fields := []goapp.UI{
		textField(p+"-client-id", map[string]string{"google": "Client ID", "microsoft": "Application (client) ID"}[p], "text", &form.ClientID, "", fe.field("client_id")),
		secretField(p+"-client-secret", map[string]string{"google": "Client secret", "microsoft": "Client secret value"}[p], &form.ClientSecret, app.SecretSet, hint, fe.field("client_secret")),
	}
	if p == "microsoft" {
		fields = append(fields, textField(p+"-tenant", "Tenant", "text", &form.Tenant,
			"Your directory (tenant) ID or domain, or “common” to let any work, school or personal Microsoft account connect.", fe.field("tenant")))
	}
	return goapp.Form().ID("integration-"+p).Class("card integration").OnSubmit(a.onSave(p)).Body(
		goapp.H3().ID(p+"-title").Body(goapp.Text(title+" "), state),
		goapp.P().Class("card-lead").Text(steps),
		goapp.P().Class("field-hint").Text("Redirect URI to register:"),
		copyBox(p+"-redirect-uri", title+" redirect URI", app.RedirectURI, false, a.copied, a.onCopy(p+"-redirect-uri", app.RedirectURI)),
		formAlert(p+"-error", fe.Message),
		goapp.Div().Class("form-grid").Body(fields...),
		goapp.Div().Class("form-footer").Body(
			formStatus(p+"-status", a.status[p]),
			goapp.If(app.Configured, func() goapp.UI {
				return goapp.Button().ID(p + "-remove").Type("button").Class("button button-secondary").
					Disabled(a.busy != "").OnClick(a.onRemove(p)).Text("Remove")
			}),
			goapp.Button().ID(p+"-save").Type("submit").Class("button button-primary").Disabled(a.busy != "").Text(submit),
		),
	)
}
