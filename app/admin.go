package app

import (
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

const (
	// PathSettings is the organization's settings (admins); it opens the
	// first section.
	PathSettings = "/settings"

	settingsPattern = `^/settings/(agents|services|widgets|organization|crm|integrations|replies|satisfaction)$`
)

// settingsSections are the parts of Settings, in the order of their tabs.
var settingsSections = []struct {
	ID, Label string
	// Everyone is true for the sections agents use too.
	Everyone bool
}{
	{"agents", "Agents", false},
	{"services", "Services", false},
	{"widgets", "Widgets", false},
	{"organization", "Organization", false},
	{"crm", "CRM", false},
	{"integrations", "Integrations", false},
	{"replies", "Saved replies", true},
	{"satisfaction", "Satisfaction", false},
}

// settingsSection is the section a path opens: /settings/{section}, or the
// first.
func settingsSection(path string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(path, PathSettings), "/")
	for _, sec := range settingsSections {
		if sec.ID == s {
			return s
		}
	}
	return settingsSections[0].ID
}

// settings is the admins' screen: agents and their licenses, services and
// their members, widgets with their snippet, the organization's name, the
// CRM and the calendar integrations. Agents get a page saying so; the API refuses them anyway.
type settings struct {
	goapp.Compo

	Section string
	Me      model.Agent
	OrgName string
}

func (s *settings) Render() goapp.UI {
	head := goapp.Div().Class("page-head").Body(
		goapp.Div().Body(
			goapp.H1().Text("Settings"),
			goapp.P().Class("page-lead").Text("How "+orgOrYours(s.OrgName)+" uses Frontdesk."),
		),
	)
	admin := s.Me.Role == model.RoleAdmin
	if !admin && s.Section != "replies" {
		return goapp.Main().ID("main-content").Class("content").Body(
			head,
			goapp.Div().ID("admins-only").Class("empty-state").Body(
				goapp.H2().Text("Only admins can change settings"),
				goapp.P().Text("Ask an admin of "+orgOrYours(s.OrgName)+" to add agents, change services and widgets, or connect a CRM."),
				goapp.P().Body(goapp.A().ID("settings-replies").Href(PathSettings+"/replies").Text("Your saved replies")),
			),
		)
	}
	var tabs []goapp.UI
	for _, sec := range settingsSections {
		if !admin && !sec.Everyone {
			continue
		}
		link := goapp.A().ID("settings-" + sec.ID).Class("subnav-item").Href(PathSettings + "/" + sec.ID).Text(sec.Label)
		if sec.ID == s.Section {
			link = link.Aria("current", "page")
		}
		tabs = append(tabs, goapp.Li().Body(link))
	}
	var section goapp.UI
	switch s.Section {
	case "replies":
		section = &adminReplies{Admin: admin}
	case "satisfaction":
		section = &adminSatisfaction{}
	case "services":
		section = &adminServices{}
	case "widgets":
		section = &adminWidgets{}
	case "organization":
		section = &adminOrganization{Name: s.OrgName}
	case "crm":
		section = &adminCRM{}
	case "integrations":
		section = &adminIntegrations{}
	default:
		section = &adminAgents{Me: s.Me.ID, Zone: s.Me.TimeZone}
	}
	return goapp.Main().ID("main-content").Class("content content-wide").Body(
		head,
		goapp.Nav().Class("subnav").Aria("label", "Settings sections").Body(goapp.Ul().Body(tabs...)),
		section,
	)
}

func orgOrYours(name string) string {
	if name == "" {
		return "your organization"
	}
	return name
}

// sectionHead is a settings section's title, lead and actions.
func sectionHead(id, title, lead string, actions ...goapp.UI) goapp.UI {
	return goapp.Div().Class("section-head").Body(
		goapp.Div().Body(
			goapp.H2().ID(id).Text(title),
			goapp.If(lead != "", func() goapp.UI { return goapp.P().Class("card-lead").Text(lead) }),
		),
		goapp.Div().Class("page-actions").Body(actions...),
	)
}

// licenseLabel names a license.
func licenseLabel(l model.License) string {
	if l == model.LicenseBasic {
		return "Basic"
	}
	return "Standard"
}

func roleLabel(r model.Role) string {
	if r == model.RoleAdmin {
		return "Admin"
	}
	return "Agent"
}
