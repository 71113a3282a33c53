package app

import (
	"reflect"
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// Lead statuses, as the server sets model.CRMLead.Status.
const (
	leadPending = "pending"
	leadDone    = "done"
	leadFailed  = "failed"
)

// crmLead is the side panel's "Create CRM lead": it sends the guest to the
// organization's CRM as a job on the server, and follows it through the
// conversation's live events: sending, done (a link to the record),
// failed (why, and Retry).
type crmLead struct {
	goapp.Compo

	Conv model.Conversation

	// self is the component's own context. Requests started by a click
	// report back through it: go-app drops a Dispatch whose source element
	// is gone, and the clicked button may be replaced meanwhile (a live
	// event can re-render the section before the answer arrives).
	self goapp.Context

	shown int64
	// posted is the server's answer to the agent's request; it stands for
	// the lead until the conversation (its events) says anything newer.
	posted *model.CRMLead
	// sentWith is the conversation's lead when the request was sent: an
	// answer arriving after an event changed it is older than the event.
	sentWith *model.CRMLead
	busy     bool
	err      string
}

func (c *crmLead) OnMount(ctx goapp.Context) {
	c.self = ctx
	c.sync()
}

func (c *crmLead) OnUpdate(ctx goapp.Context) { c.sync() }

// sync forgets what belonged to another conversation, and the posted
// answer once an event has brought newer news.
func (c *crmLead) sync() {
	if c.Conv.ID != c.shown {
		c.shown, c.posted, c.sentWith, c.busy, c.err = c.Conv.ID, nil, nil, false, ""
		return
	}
	if c.posted != nil && !reflect.DeepEqual(c.Conv.CRMLead, c.sentWith) {
		c.posted, c.sentWith = nil, nil
	}
}

// lead is where the lead stands, as far as the app knows.
func (c *crmLead) lead() *model.CRMLead {
	if c.posted != nil {
		return c.posted
	}
	return c.Conv.CRMLead
}

func (c *crmLead) onCreate(ctx goapp.Context, e goapp.Event) {
	if c.busy || c.Conv.Guest.Email == "" {
		return
	}
	c.busy, c.err = true, ""
	id, before, self := c.shown, c.Conv.CRMLead, c.self
	self.Async(func() {
		lead, err := api().CreateCRMLead(self, id)
		self.Dispatch(func(ctx goapp.Context) {
			if c.shown != id {
				return
			}
			c.busy = false
			if err != nil {
				c.err = leadError(err)
				return
			}
			if reflect.DeepEqual(c.Conv.CRMLead, before) {
				c.posted, c.sentWith = &lead, before
			}
		})
	})
}

// leadError is what to tell the agent when the request is refused.
func leadError(err error) string {
	if e, ok := model.AsError(err); ok && e.Code == model.CodeCRMNotConfigured {
		return "No CRM connected — an admin can connect one in Settings."
	}
	return userMessage(err)
}

// providerName names a CRM as its maker does.
func providerName(p string) string {
	switch strings.ToLower(p) {
	case "hubspot":
		return "HubSpot"
	case "salesforce":
		return "Salesforce"
	case "":
		return "the CRM"
	default:
		return p
	}
}

func (c *crmLead) Render() goapp.UI {
	lead := c.lead()
	var body goapp.UI
	switch {
	case lead != nil && lead.Status == leadDone:
		body = goapp.Div().Class("crm-state crm-done").Body(
			goapp.P().Text("Lead created in "+providerName(lead.Provider)+"."),
			goapp.If(webURL(lead.URL), func() goapp.UI {
				return goapp.A().ID("crm-lead-link").Class("button button-secondary button-small").
					Href(lead.URL).Target("_blank").Rel("noopener noreferrer").
					Text("Open in " + providerName(lead.Provider))
			}),
		)
	case lead != nil && lead.Status == leadPending:
		body = goapp.Div().Class("crm-state").Body(
			goapp.P().ID("crm-lead-pending").Class("crm-pending").Role("status").Body(
				goapp.Span().Class("spinner").Aria("hidden", "true"),
				goapp.Text("Sending to "+providerName(lead.Provider)+"…"),
			),
			// A CRM that is down or busy is tried again on its own.
			goapp.If(lead.Error != "", func() goapp.UI {
				return goapp.P().Class("field-hint").Text("Trying again: " + lead.Error)
			}),
		)
	case lead != nil && lead.Status == leadFailed:
		msg := lead.Error
		if msg == "" {
			msg = providerName(lead.Provider) + " refused the lead."
		}
		body = goapp.Div().Class("crm-state crm-failed").Body(
			goapp.P().ID("crm-lead-failed").Class("form-error").Role("alert").Text(msg),
			goapp.Button().ID("crm-lead-retry").Type("button").Class("button button-secondary button-small").
				Disabled(c.busy).OnClick(c.onCreate).Text("Retry"),
		)
	default:
		noEmail := c.Conv.Guest.Email == ""
		button := goapp.Button().ID("crm-lead").Type("button").Class("button button-secondary button-small").
			Disabled(c.busy || noEmail).OnClick(c.onCreate).Text("Create CRM lead")
		if noEmail {
			button = button.Aria("describedby", "crm-lead-hint")
		}
		body = goapp.Div().Class("crm-state").Body(
			button,
			goapp.If(noEmail, func() goapp.UI {
				return goapp.P().ID("crm-lead-hint").Class("field-hint").
					Text("The guest has not given an email address yet; a lead needs one.")
			}),
		)
	}
	return goapp.Section().ID("panel-crm").Class("panel-section").Aria("labelledby", "panel-crm-title").Body(
		goapp.H3().ID("panel-crm-title").Text("CRM"),
		body,
		goapp.P().ID("crm-lead-error").Class("form-error").Role("alert").Text(c.err),
	)
}
