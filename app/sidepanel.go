package app

import (
	"strconv"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// renderSidePanel is the conversation's details beside the history: the
// guest, the conversation with its tags, then the actions, each a
// component with its own state (meetingcard.go, assign.go, crmlead.go,
// phonebookform.go).
func (c *convView) renderSidePanel() goapp.UI {
	if !c.convLoaded {
		return goapp.Aside().ID("side-panel").Class("side-panel").Aria("label", "Details").Body(
			goapp.P().Class("status").Text("Loading details…"),
		)
	}
	sections := []goapp.UI{
		guestSection(c.conv),
		&guestContextPanel{ConversationID: c.conv.ID, Version: c.contextVersion},
		c.conversationSection(),
		goapp.If(c.conv.Channel == model.ChannelMeeting, func() goapp.UI {
			return &meetingCard{ConversationID: c.conv.ID, Me: c.Me}
		}),
		&assignPanel{Conv: c.conv, Me: c.Me},
		&crmLead{Conv: c.conv},
		&phonebookForm{ConversationID: c.conv.ID, Guest: c.conv.Guest},
		&guestData{GuestID: c.conv.Guest.ID, Name: guestName(c.conv), Erased: c.conv.Guest.Erased},
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
		panelField("Tags", conversationTags(conv)),
		panelField("Status", goapp.Span().Class("status-badge status-"+string(conv.Status)).Text(statusLabel(conv.Status))),
		panelField("Assignee", panelText(assignee)),
		panelField("Started", goapp.Time().DateTime(conv.CreatedAt.Format(time.RFC3339)).Text(conv.CreatedAt.Local().Format("2 Jan 2006, 15:04"))),
	)
}

// conversationTags is the seed's "Conversation tags": the Service (call
// group) and the Company from the CRM, linked to its record.
func conversationTags(conv model.Conversation) goapp.UI {
	service := serviceTag(conv)
	company, hasCompany := companyTag(conv)
	if service == "" && !hasCompany {
		return goapp.Span().ID("conv-tags").Class("panel-empty").Text("—")
	}
	return goapp.Span().ID("conv-tags").Class("tag-row").Body(
		goapp.If(service != "", func() goapp.UI {
			return goapp.Span().Class("tag tag-service").Title("Service").Text(service)
		}),
		goapp.If(hasCompany, func() goapp.UI { return renderCompanyTag(company, true) }),
	)
}
