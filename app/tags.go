package app

import (
	"net/url"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// Tag kinds, as the server sets model.Tag.Kind.
const (
	tagService = "service"
	tagCompany = "company"
)

// companyTag returns a conversation's company tag: the guest's company as
// the organization's CRM knows it, with a link to its record.
func companyTag(c model.Conversation) (model.Tag, bool) {
	for _, t := range c.Tags {
		if t.Kind == tagCompany && t.Label != "" {
			return t, true
		}
	}
	return model.Tag{}, false
}

// renderCompanyTag shows a company tag; with link, as a link to its CRM
// record in a new tab. Inside a conversation row, itself a link, it must
// not be one.
func renderCompanyTag(t model.Tag, link bool) goapp.UI {
	if link && webURL(t.URL) {
		return goapp.A().
			Class("tag tag-company").
			Href(t.URL).
			Target("_blank").
			Rel("noopener noreferrer").
			Title("Open " + t.Label + " in the CRM").
			Text(t.Label)
	}
	return goapp.Span().Class("tag tag-company").Text(t.Label)
}

// webURL reports whether s is an absolute http(s) URL: a link from a
// third party (the CRM) must not be able to run script in the app.
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
