package app

import (
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

const (
	// PathSettings is Settings: the organization's (admins) and the
	// agent's own (profile, security); it opens the first section the
	// agent may see.
	PathSettings = "/settings"

	settingsPattern = `^/settings/(agents|services|widgets|organization|crm|integrations|profile|security|replies|satisfaction)$`
)

// settingsSections are the parts of Settings, in the order of their tabs;
// Admin ones are the organization's.
var settingsSections = []struct {
	ID, Label string
	Admin     bool
}{
	{"agents", "Agents", true},
	{"services", "Services", true},
	{"widgets", "Widgets", true},
	{"organization", "Organization", true},
	{"crm", "CRM", true},
	{"integrations", "Integrations", true},
	{"satisfaction", "Satisfaction", true},
	{"profile", "Profile", false},
	{"security", "Security", false},
	{"replies", "Saved replies", false},
}

// settingsSection is the section a path names (/settings/{section}), ""
// for none: the first one the agent may see then opens.
func settingsSection(path string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(path, PathSettings), "/")
	for _, sec := range settingsSections {
		if sec.ID == s {
			return s
		}
	}
	return ""
}

// adminSection reports whether a section is for admins only.
func adminSection(id string) bool {
	for _, sec := range settingsSections {
		if sec.ID == id {
			return sec.Admin
		}
	}
	return false
}

// settings is the organization's settings for admins (agents and their
// licenses, services and their members, widgets with their snippet, the
// organization's name and language, the CRM, the calendar
// integrations) and every agent's own
// profile and security. An agent who opens an admin section gets a page
// saying so; the API refuses them anyway.
type settings struct {
	goapp.Compo

	Section string
	Me      model.Agent
	Org     model.Organization
}

func (s *settings) Render() goapp.UI {
	admin := s.Me.Role == model.RoleAdmin
	lead := "How " + orgOrYours(s.Org.Name) + " uses Frontdesk, and your own account."
	if !admin {
		lead = "Your profile, your password and where you are signed in."
	}
	head := goapp.Div().Class("page-head").Body(
		goapp.Div().Body(
			goapp.H1().Text("Settings"),
			goapp.P().Class("page-lead").Text(lead),
		),
	)
	section := s.Section
	if section == "" {
		section = "profile"
		if admin {
			section = settingsSections[0].ID
		}
	}
	var tabs []goapp.UI
	for _, sec := range settingsSections {
		if sec.Admin && !admin {
			continue
		}
		link := goapp.A().ID("settings-" + sec.ID).Class("subnav-item").Href(PathSettings + "/" + sec.ID).Text(sec.Label)
		if sec.ID == section {
			link = link.Aria("current", "page")
		}
		tabs = append(tabs, goapp.Li().Body(link))
	}
	var body goapp.UI
	switch {
	case adminSection(section) && !admin:
		body = goapp.Div().ID("admins-only").Class("empty-state").Body(
			goapp.H2().Text("Only admins can change this"),
			goapp.P().Text("Ask an admin of "+orgOrYours(s.Org.Name)+" to add agents, change services and widgets, or connect a CRM."),
		)
	case section == "services":
		body = &adminServices{}
	case section == "widgets":
		body = &adminWidgets{}
	case section == "organization":
		body = &adminOrganization{Name: s.Org.Name, Language: s.Org.Language}
	case section == "crm":
		body = &adminCRM{}
	case section == "integrations":
		body = &adminIntegrations{}
	case section == "profile":
		body = &profileSection{Me: s.Me}
	case section == "security":
		body = &securitySection{}
	case section == "replies":
		body = &adminReplies{Admin: admin}
	case section == "satisfaction":
		body = &adminSatisfaction{}
	default:
		body = &adminAgents{Me: s.Me.ID, Zone: s.Me.TimeZone}
	}
	return goapp.Main().ID("main-content").Class("content content-wide").Body(
		head,
		goapp.Nav().Class("subnav").Aria("label", "Settings sections").Body(goapp.Ul().Body(tabs...)),
		body,
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
