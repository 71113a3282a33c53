package app

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

const (
	// PathPhonebook is the organization's phonebook.
	PathPhonebook = "/phonebook"

	pathPhonebookExport = "/api/v1/phonebook.vcf"
	searchDelay         = 250 * time.Millisecond
)

// phonebook is the organization's contacts at /phonebook: search, add,
// edit, and export as vCard.
type phonebook struct {
	goapp.Compo

	// ctx is the phonebook's own context. An event's context belongs to
	// the element that fired it, and go-app drops its dispatches once that
	// element is gone (a form closed after saving).
	ctx goapp.Context

	query    string
	searches int // counts searches, so only the latest answer is shown
	list     []model.Contact
	loaded   bool
	err      string

	// The contact form: adding (editing 0) or editing a contact.
	formOpen bool
	editing  int64
	form     model.ContactInput
	formErrs formErrors
	saving   bool
	// existing is the contact a new one duplicates; the form then offers
	// to update it.
	existing *model.Contact
	status   string
}

func (p *phonebook) OnMount(ctx goapp.Context) {
	p.ctx = ctx
	ctx.Handle(actionBackOnline, func(ctx goapp.Context, _ goapp.Action) { p.search(ctx) })
	p.search(ctx)
}

// search lists the contacts matching the query.
func (p *phonebook) search(ctx goapp.Context) {
	p.searches++
	n, q := p.searches, strings.TrimSpace(p.query)
	ctx.Async(func() {
		list, err := api().Contacts(ctx, q)
		ctx.Dispatch(func(ctx goapp.Context) {
			if n != p.searches {
				return
			}
			if err != nil {
				p.err = userMessage(err)
				return
			}
			p.list, p.loaded, p.err = list, true, ""
		})
	})
}

// onSearch searches once the agent stops typing for a moment.
func (p *phonebook) onSearch(ctx goapp.Context, _ goapp.Event) {
	p.query = ctx.JSSrc().Get("value").String()
	p.searches++
	n := p.searches
	ctx.After(searchDelay, func(ctx goapp.Context) {
		if n == p.searches {
			p.search(ctx)
		}
	})
}

func (p *phonebook) onAdd(ctx goapp.Context, _ goapp.Event) {
	p.openForm(0, model.ContactInput{})
	ctx.Defer(func(goapp.Context) { focus("pb-name") })
}

func (p *phonebook) onEdit(c model.Contact) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		p.openForm(c.ID, model.ContactInput{Name: c.Name, Email: c.Email, Phone: c.Phone, Company: c.Company})
		ctx.Defer(func(goapp.Context) { focus("pb-name") })
	}
}

func (p *phonebook) openForm(id int64, in model.ContactInput) {
	p.formOpen, p.editing, p.form = true, id, in
	p.formErrs, p.existing, p.status = formErrors{}, nil, ""
}

func (p *phonebook) onCancel(ctx goapp.Context, _ goapp.Event) {
	p.formOpen, p.existing, p.formErrs = false, nil, formErrors{}
}

func (p *phonebook) onSubmit(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	p.save(ctx, p.editing)
}

// onUpdateExisting saves the form over the contact it duplicates; what
// the form leaves empty keeps the contact's value.
func (p *phonebook) onUpdateExisting(ctx goapp.Context, _ goapp.Event) {
	if p.existing == nil {
		return
	}
	p.form = mergeContact(*p.existing, p.form)
	p.save(ctx, p.existing.ID)
}

// mergeContact is the contact old updated with the fields of in that are
// filled in.
func mergeContact(old model.Contact, in model.ContactInput) model.ContactInput {
	keep := func(v, was string) string {
		if strings.TrimSpace(v) == "" {
			return was
		}
		return v
	}
	return model.ContactInput{
		Name:    keep(in.Name, old.Name),
		Email:   keep(in.Email, old.Email),
		Phone:   keep(in.Phone, old.Phone),
		Company: keep(in.Company, old.Company),
	}
}

// save adds the contact (id 0) or updates contact id.
func (p *phonebook) save(ctx goapp.Context, id int64) {
	if p.saving {
		return
	}
	in := p.form
	p.saving, p.formErrs, p.status = true, formErrors{}, ""
	ctx.Async(func() {
		var saved model.Contact
		var err error
		if id == 0 {
			saved, err = api().AddContact(ctx, in)
		} else {
			saved, err = api().UpdateContact(ctx, id, in)
		}
		ctx.Dispatch(func(ctx goapp.Context) {
			p.saving = false
			var dup *ContactExistsError
			switch {
			case errors.As(err, &dup):
				// The notice below says it, and offers to update.
				p.existing = &dup.Existing
			case err != nil:
				p.formErrs = formErrorsOf(err)
			default:
				verb := "added to"
				if id != 0 {
					verb = "updated in"
				}
				p.status = saved.Name + " was " + verb + " the phonebook."
				p.formOpen, p.existing = false, nil
				p.search(p.ctx)
			}
		})
	})
}

func (p *phonebook) Render() goapp.UI {
	return goapp.Main().ID("main-content").Class("content content-wide").Body(
		goapp.Div().Class("page-head").Body(
			goapp.Div().Body(
				goapp.H1().Text("Phonebook"),
				goapp.P().Class("page-lead").Text("Your organization's contacts, shared by every agent."),
			),
			goapp.Div().Class("page-actions").Body(
				goapp.A().
					ID("pb-export").
					Class("button button-secondary").
					Href(exportHref(p.query)).
					// A download: go-app leaves the link to the browser,
					// which sends the session cookie with it.
					Attr("download", "phonebook.vcf").
					Text("Export vCard"),
				goapp.Button().ID("pb-add").Type("button").Class("button button-primary").OnClick(p.onAdd).Text("Add contact"),
			),
		),
		formStatus("pb-status", p.status),
		goapp.If(p.formOpen, p.renderForm),
		goapp.Div().Class("search").Body(
			goapp.Label().For("pb-search").Class("visually-hidden").Text("Search the phonebook"),
			goapp.Input().
				ID("pb-search").
				Type("search").
				Placeholder("Search by name, email, phone or company").
				Attr("autocomplete", "off").
				Value(p.query).
				OnInput(p.onSearch),
		),
		p.renderList(),
	)
}

func (p *phonebook) renderForm() goapp.UI {
	title, submit := "Add a contact", "Add"
	if p.editing != 0 {
		title, submit = "Edit contact", "Save"
	}
	if p.saving {
		submit = "Saving…"
	}
	fe := p.formErrs
	return goapp.Section().ID("pb-form-card").Class("card").Aria("labelledby", "pb-form-title").Body(
		goapp.H2().ID("pb-form-title").Text(title),
		goapp.Form().ID("pb-form").OnSubmit(p.onSubmit).Body(
			formAlert("pb-form-error", fe.Message),
			goapp.If(p.existing != nil, func() goapp.UI {
				ex := p.existing
				return goapp.Div().ID("pb-duplicate").Class("notice notice-warn").Body(
					goapp.P().Body(
						goapp.Strong().Text(ex.Name),
						goapp.Text(" already has "+contactLine(*ex)+". Update that contact with these details instead?"),
					),
					goapp.Button().ID("pb-update-existing").Type("button").Class("button button-primary button-small").
						Disabled(p.saving).OnClick(p.onUpdateExisting).Text("Update "+ex.Name),
				)
			}),
			goapp.Div().Class("form-grid").Body(
				textField("pb-name", "Name", "text", &p.form.Name, "", fe.field("name")),
				textField("pb-company", "Company", "text", &p.form.Company, "", fe.field("company")),
				textField("pb-email", "Email", "email", &p.form.Email, "", fe.field("email")),
				textField("pb-phone", "Phone", "tel", &p.form.Phone, "", fe.field("phone")),
			),
			goapp.Div().Class("form-actions").Body(
				goapp.Button().ID("pb-save").Type("submit").Class("button button-primary").Disabled(p.saving).Text(submit),
				goapp.Button().Type("button").Class("button button-secondary").OnClick(p.onCancel).Text("Cancel"),
			),
		),
	)
}

func (p *phonebook) renderList() goapp.UI {
	switch {
	case p.err != "" && !p.loaded:
		return formAlert("pb-error", p.err)
	case !p.loaded:
		return goapp.P().Class("status").Text("Loading contacts…")
	case len(p.list) == 0 && strings.TrimSpace(p.query) != "":
		return goapp.P().ID("pb-list").Class("status").Text("No contact matches “" + strings.TrimSpace(p.query) + "”.")
	case len(p.list) == 0:
		return goapp.Div().ID("pb-list").Class("empty-state").Body(
			goapp.H2().Text("No contacts yet"),
			goapp.P().Text("Add one here, or from a conversation's side panel."),
		)
	}
	rows := make([]goapp.UI, len(p.list))
	for i, c := range p.list {
		rows[i] = goapp.Tr().ID("pb-contact-"+strconv.FormatInt(c.ID, 10)).Body(
			goapp.Th().Scope("row").Body(
				goapp.Span().Class("avatar avatar-small").Aria("hidden", "true").Text(initials(c.Name)),
				goapp.Span().Text(c.Name),
			),
			goapp.Td().Body(linkOrDash("mailto:", c.Email)),
			// Not a tel: link: go-app would route it inside the app.
			goapp.Td().Text(dash(c.Phone)),
			goapp.Td().Text(dash(c.Company)),
			goapp.Td().Class("cell-actions").Body(
				goapp.Button().Type("button").Class("link-button").
					Aria("label", "Edit "+c.Name).OnClick(p.onEdit(c)).Text("Edit"),
				&guestData{ContactID: c.ID, Name: c.Name, OnErased: p.onErased},
			),
		)
	}
	return goapp.Div().Class("table-wrap").Body(
		goapp.Table().ID("pb-list").Class("data-table").Body(
			goapp.Caption().Class("visually-hidden").Text("Contacts"),
			goapp.THead().Body(goapp.Tr().Body(
				goapp.Th().Scope("col").Text("Name"),
				goapp.Th().Scope("col").Text("Email"),
				goapp.Th().Scope("col").Text("Phone"),
				goapp.Th().Scope("col").Text("Company"),
				goapp.Th().Scope("col").Body(goapp.Span().Class("visually-hidden").Text("Actions")),
			)),
			goapp.TBody().Body(rows...),
		),
	)
}

// onErased says what erasing a contact's person did; the contact is gone
// from the list.
func (p *phonebook) onErased(ctx goapp.Context, summary string) {
	p.status = summary
	p.search(p.ctx)
}

// exportHref is the vCard export of what the list shows.
func exportHref(query string) string {
	if q := strings.TrimSpace(query); q != "" {
		return pathPhonebookExport + "?" + url.Values{"q": {q}}.Encode()
	}
	return pathPhonebookExport
}

// contactLine says how a contact is reached: "ana@example.com · +49 30 1".
func contactLine(c model.Contact) string {
	var parts []string
	for _, s := range []string{c.Email, c.Phone} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " · ")
}

func linkOrDash(scheme, v string) goapp.UI {
	if v == "" {
		return goapp.Span().Class("muted").Text("—")
	}
	return goapp.A().Href(scheme + v).Text(v)
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// focus moves the keyboard focus to the element with id.
func focus(id string) {
	if el := goapp.Window().GetElementByID(id); el.Truthy() {
		el.Call("focus")
	}
}
