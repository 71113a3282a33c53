package app

import (
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

const (
	crmHubSpot    = "hubspot"
	crmSalesforce = "salesforce"
)

// adminCRM connects the organization's CRM: a HubSpot private-app token,
// or a Salesforce connected app. Secrets are write-only: the API only says
// whether one is stored, and an empty field keeps it.
type adminCRM struct {
	goapp.Compo

	settings model.CRMSettings
	loaded   bool
	err      string

	form   model.CRMInput
	errs   formErrors
	busy   bool
	status string

	testing    bool
	testResult string
	testOK     bool
}

func (c *adminCRM) OnMount(ctx goapp.Context) {
	ctx.Async(func() {
		s, err := api().CRM(ctx)
		ctx.Dispatch(func(ctx goapp.Context) {
			if err != nil {
				c.err = userMessage(err)
				return
			}
			c.set(s)
			c.loaded = true
		})
	})
}

func (c *adminCRM) set(s model.CRMSettings) {
	c.settings = s
	c.form = model.CRMInput{Provider: s.Provider, SalesforceInstanceURL: s.SalesforceInstanceURL, SalesforceClientID: s.SalesforceClientID}
}

func (c *adminCRM) onProvider(p string) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		c.form.Provider = p
		c.errs, c.status, c.testResult = formErrors{}, "", ""
	}
}

func (c *adminCRM) onSave(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	if c.busy {
		return
	}
	in := c.form
	in.SalesforceInstanceURL = strings.TrimSpace(in.SalesforceInstanceURL)
	in.SalesforceClientID = strings.TrimSpace(in.SalesforceClientID)
	if in.Provider != crmSalesforce {
		in.SalesforceInstanceURL, in.SalesforceClientID, in.SalesforceClientSecret = "", "", ""
	}
	if in.Provider != crmHubSpot {
		in.HubSpotToken = ""
	}
	c.busy, c.errs, c.status, c.testResult = true, formErrors{}, "", ""
	ctx.Async(func() {
		var s model.CRMSettings
		var err error
		if in.Provider == "" {
			err = api().DeleteCRM(ctx)
		} else {
			s, err = api().SetCRM(ctx, in)
		}
		ctx.Dispatch(func(ctx goapp.Context) {
			c.busy = false
			if err != nil {
				c.errs = formErrorsOf(err)
				return
			}
			c.set(s)
			if s.Provider == "" {
				c.status = "The CRM is disconnected."
			} else {
				c.status = "Saved. Use “Test connection” to check the credentials."
			}
		})
	})
}

func (c *adminCRM) onTest(ctx goapp.Context, _ goapp.Event) {
	if c.testing {
		return
	}
	c.testing, c.testResult = true, ""
	ctx.Async(func() {
		err := api().TestCRM(ctx)
		ctx.Dispatch(func(ctx goapp.Context) {
			c.testing = false
			c.testOK = err == nil
			if err != nil {
				c.testResult = "The connection failed: " + userMessage(err)
				return
			}
			c.testResult = "The connection works: " + crmName(c.settings.Provider) + " accepted the credentials."
		})
	})
}

func crmName(p string) string {
	switch p {
	case crmHubSpot:
		return "HubSpot"
	case crmSalesforce:
		return "Salesforce"
	default:
		return "No CRM"
	}
}

func (c *adminCRM) Render() goapp.UI {
	body := []goapp.UI{
		sectionHead("crm-title", "CRM", "Company tags on conversations, and “Create CRM lead”, come from your CRM."),
	}
	switch {
	case !c.loaded && c.err != "":
		body = append(body, formAlert("crm-load-error", c.err))
	case !c.loaded:
		body = append(body, goapp.P().Class("status").Text("Loading…"))
	default:
		body = append(body, c.renderForm())
	}
	return goapp.Section().ID("crm").Class("settings-section").Aria("labelledby", "crm-title").Body(body...)
}

func (c *adminCRM) renderForm() goapp.UI {
	fe := c.errs
	providers := []struct{ ID, Label, Help string }{
		{"", "None", "No company tags, no leads."},
		{crmHubSpot, "HubSpot", "A private app's access token with the contacts and companies scopes."},
		{crmSalesforce, "Salesforce", "A connected app with the client-credentials flow."},
	}
	radios := make([]goapp.UI, len(providers))
	for i, p := range providers {
		id := "crm-provider-" + p.ID
		if p.ID == "" {
			id = "crm-provider-none"
		}
		radios[i] = goapp.Label().Class("radio-card").For(id).Body(
			goapp.Input().ID(id).Type("radio").Name("provider").Value(p.ID).Checked(c.form.Provider == p.ID).OnChange(c.onProvider(p.ID)),
			goapp.Span().Class("radio-text").Body(
				goapp.Span().Class("radio-label").Text(p.Label),
				goapp.Span().Class("radio-help").Text(p.Help),
			),
		)
	}
	stored := c.settings.SecretSet && c.settings.Provider == c.form.Provider
	secretHint := ""
	if stored {
		secretHint = "A secret is stored. Leave empty to keep it; type a new one to replace it."
	}
	submit := "Save"
	if c.busy {
		submit = "Saving…"
	}
	connected := c.settings.Provider != ""
	testLabel := "Test connection"
	if c.testing {
		testLabel = "Testing…"
	}
	return goapp.Form().ID("crm-form").Class("card").OnSubmit(c.onSave).Body(
		formAlert("crm-error", fe.Message),
		goapp.If(connected, func() goapp.UI {
			return goapp.P().ID("crm-connected").Body(
				goapp.Span().Class("status-badge status-open").Text("Connected"),
				goapp.Text(" to "+crmName(c.settings.Provider)+"."),
				goapp.If(c.settings.SecretSet, func() goapp.UI {
					return goapp.Span().ID("crm-secret-stored").Class("pill").Text("Secret stored")
				}),
			)
		}),
		goapp.FieldSet().Class("choice-group").Body(
			goapp.Legend().Text("Provider"),
			goapp.Div().Class("radio-cards radio-cards-row").Body(radios...),
		),
		goapp.If(c.form.Provider == crmHubSpot, func() goapp.UI {
			return goapp.Div().Class("form-grid").Body(
				secretField("crm-hubspot-token", "Access token", &c.form.HubSpotToken, stored, secretHint, fe.field("hubspot_token")),
			)
		}),
		goapp.If(c.form.Provider == crmSalesforce, func() goapp.UI {
			return goapp.Div().Class("form-grid").Body(
				textField("crm-sf-url", "Instance URL", "url", &c.form.SalesforceInstanceURL, "Like https://yourcompany.my.salesforce.com", fe.field("salesforce_instance_url")),
				textField("crm-sf-client-id", "Client ID", "text", &c.form.SalesforceClientID, "", fe.field("salesforce_client_id")),
				secretField("crm-sf-secret", "Client secret", &c.form.SalesforceClientSecret, stored, secretHint, fe.field("salesforce_client_secret")),
			)
		}),
		goapp.Div().Class("form-footer").Body(
			formStatus("crm-status", c.status),
			goapp.If(connected, func() goapp.UI {
				return goapp.Button().ID("crm-test").Type("button").Class("button button-secondary").
					Disabled(c.testing || c.busy).OnClick(c.onTest).Text(testLabel)
			}),
			goapp.Button().ID("crm-save").Type("submit").Class("button button-primary").Disabled(c.busy).Text(submit),
		),
		goapp.If(c.testResult != "", func() goapp.UI {
			class := "notice notice-warn"
			if c.testOK {
				class = "notice notice-ok"
			}
			return goapp.P().ID("crm-test-result").Class(class).Role("status").Text(c.testResult)
		}),
	)
}

// secretField is a write-only input: it never shows the stored secret,
// only that there is one.
func secretField(id, label string, v *string, stored bool, hint, errMsg string) goapp.UI {
	placeholder := ""
	if stored {
		placeholder = "•••••••• stored"
	}
	in := described(goapp.Input().ID(id).Name(id).Type("password").Attr("autocomplete", "off").
		Placeholder(placeholder).Value(*v).OnInput(bind(v)), id, hint, errMsg)
	return field(id, label, in, hint, errMsg)
}
