package app

import (
	"strconv"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// renderSidePanel is the conversation's details beside the history. Each
// section is one panelSection; later work (assignment, CRM lead, phonebook,
// meeting card) adds its own section to the list below.
func (c *convView) renderSidePanel() goapp.UI {
	if !c.convLoaded {
		return goapp.Aside().ID("side-panel").Class("side-panel").Aria("label", "Details").Body(
			goapp.P().Class("status").Text("Loading details…"),
		)
	}
	sections := []goapp.UI{
		guestSection(c.conv),
		c.conversationSection(),
		// Assignment, CRM lead, phonebook and meeting card go here.
	}
	return goapp.Aside().ID("side-panel").Class("side-panel").Aria("label", "Details").Body(sections...)
}

// panelSection is one titled block of the side panel with its fields.
func panelSection(id, title string, fields ...goapp.UI) goapp.UI {
	return goapp.Section().ID(id).Class("panel-section").Aria("labelledby", id+"-title").Body(
		goapp.H3().ID(id+"-title").Text(title),
		goapp.Dl().Class("panel-fields").Body(fields...),
	)
}

// panelField is a label and its value; empty values show a dash.
func panelField(label string, value goapp.UI) goapp.UI {
	return goapp.Div().Class("panel-field").Body(
		goapp.Dt().Text(label),
		goapp.Dd().Body(value),
	)
}

func panelText(s string) goapp.UI {
	if s == "" {
		return goapp.Span().Class("panel-empty").Text("—")
	}
	return goapp.Span().Text(s)
}

// panelLink links to scheme+value (mailto:, tel:), or shows a dash.
func panelLink(scheme, value string) goapp.UI {
	if value == "" {
		return panelText("")
	}
	return goapp.A().Href(scheme + value).Text(value)
}

func guestSection(conv model.Conversation) goapp.UI {
	g := conv.Guest
	return panelSection("panel-guest", "Guest",
		panelField("Name", goapp.Span().ID("guest-name").Text(guestName(conv))),
		panelField("Email", panelLink("mailto:", g.Email)),
		panelField("Phone", panelLink("tel:", g.Phone)),
		goapp.If(g.Company != "", func() goapp.UI { return panelField("Company", panelText(g.Company)) }),
	)
}

func (c *convView) conversationSection() goapp.UI {
	conv := c.conv
	service := serviceTag(conv)
	var serviceValue goapp.UI = panelText("")
	if service != "" {
		serviceValue = goapp.Span().Class("tag tag-service").Text(service)
	}
	assignee := "Unassigned"
	if conv.AssigneeID != nil {
		assignee = c.agents[*conv.AssigneeID]
		if assignee == "" {
			assignee = "Agent #" + strconv.FormatInt(*conv.AssigneeID, 10)
		}
		if *conv.AssigneeID == c.Me {
			assignee += " (you)"
		}
	}
	return panelSection("panel-conversation", "Conversation",
		panelField("Channel", panelText(channelLabel(conv.Channel))),
		panelField("Service", serviceValue),
		panelField("Status", goapp.Span().Class("status-badge status-"+string(conv.Status)).Text(statusLabel(conv.Status))),
		panelField("Assignee", panelText(assignee)),
		panelField("Started", goapp.Time().DateTime(conv.CreatedAt.Format(time.RFC3339)).Text(conv.CreatedAt.Local().Format("2 Jan 2006, 15:04"))),
	)
}
