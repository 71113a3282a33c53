package app

import (
	"errors"
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// phonebookForm is the side panel's "Add to phonebook": the guest's details,
// editable, saved as a contact of the organization's phonebook. The
// phonebook has one contact per email and per phone, so a guest already in
// it is shown as that contact, with "Update" to save these details over it.
type phonebookForm struct {
	goapp.Compo

	ConversationID int64
	Guest          model.Guest

	// self is the component's own context. Requests started by a click
	// report back through it: go-app drops a Dispatch whose source element
	// is gone, and the clicked button may be replaced meanwhile (a live
	// event can re-render the section before the answer arrives).
	self goapp.Context

	shown int64
	guest model.Guest // the details the fields were filled from
	in    model.ContactInput
	dirty bool // the agent has edited the fields

	busy      bool
	status    string
	err       string
	fieldErrs map[string]string
	existing  *model.Contact // the contact already there, after a 409
}

func (c *phonebookForm) OnMount(ctx goapp.Context) {
	c.self = ctx
	c.sync()
}

func (c *phonebookForm) OnUpdate(ctx goapp.Context) { c.sync() }

// sync fills the fields from the guest: for another conversation, or when
// the guest's details change (they gave their email) while the agent has
// not touched the fields.
func (c *phonebookForm) sync() {
	switch {
	case c.ConversationID != c.shown:
		c.shown, c.dirty, c.busy = c.ConversationID, false, false
		c.status, c.err, c.fieldErrs, c.existing = "", "", nil, nil
	case c.Guest == c.guest || c.dirty:
		return
	}
	c.guest = c.Guest
	c.in = contactFromGuest(c.Guest)
}

// contactFromGuest is the contact a guest's details make.
func contactFromGuest(g model.Guest) model.ContactInput {
	return model.ContactInput{
		Name:    strings.TrimSpace(g.Name),
		Email:   strings.TrimSpace(g.Email),
		Phone:   strings.TrimSpace(g.Phone),
		Company: strings.TrimSpace(g.Company),
	}
}

// edit returns the handler that keeps a field's value.
func (c *phonebookForm) edit(v *string) goapp.EventHandler {
	return func(ctx goapp.Context, e goapp.Event) {
		*v = ctx.JSSrc().Get("value").String()
		c.dirty = true
		// The contact found already stays: editing the details before
		// "Update" is the point.
		c.err = ""
	}
}

// input is what the fields hold, trimmed, read from the page too: autofill
// does not always send input events.
func (c *phonebookForm) input() model.ContactInput {
	read := func(id string, v string) string {
		if goapp.IsClient && goapp.Window().GetElementByID(id).Truthy() {
			v = fieldValue(id)
		}
		return strings.TrimSpace(v)
	}
	return model.ContactInput{
		Name:    read("pb-name", c.in.Name),
		Email:   read("pb-email", c.in.Email),
		Phone:   read("pb-phone", c.in.Phone),
		Company: read("pb-company", c.in.Company),
	}
}

func (c *phonebookForm) onAdd(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	c.save(0)
}

func (c *phonebookForm) onUpdate(ctx goapp.Context, e goapp.Event) {
	if c.existing != nil {
		c.save(c.existing.ID)
	}
}

// save adds the contact, or updates contact id when it is not 0.
func (c *phonebookForm) save(id int64) {
	if c.busy {
		return
	}
	in := c.input()
	c.in = in
	c.busy, c.status, c.err, c.fieldErrs = true, "", "", nil
	conv, self := c.shown, c.self
	self.Async(func() {
		var saved model.Contact
		var err error
		if id == 0 {
			saved, err = api().AddContact(self, in)
		} else {
			saved, err = api().UpdateContact(self, id, in)
		}
		self.Dispatch(func(ctx goapp.Context) {
			if c.shown != conv {
				return
			}
			c.busy = false
			c.existing = nil
			var dup *ContactExistsError
			if errors.As(err, &dup) {
				c.existing = &dup.Existing
				c.status = "Already in the phonebook as " + existingContactLabel(dup.Existing) + "."
				return
			}
			if err != nil {
				c.err = userMessage(err)
				if e, ok := model.AsError(err); ok {
					c.fieldErrs = e.Fields
				}
				return
			}
			if id == 0 {
				c.status = "Added " + saved.Name + " to the phonebook."
			} else {
				c.status = "Updated " + saved.Name + " in the phonebook."
			}
		})
	})
}

// existingContactLabel names a contact with what identifies it: "Maria Rossi
// (maria@example.com)".
func existingContactLabel(ct model.Contact) string {
	var ids []string
	for _, s := range []string{ct.Email, ct.Phone} {
		if s != "" {
			ids = append(ids, s)
		}
	}
	if len(ids) == 0 {
		return ct.Name
	}
	return ct.Name + " (" + strings.Join(ids, ", ") + ")"
}

func (c *phonebookForm) Render() goapp.UI {
	// Once the contact is found, updating it is the likely next step.
	addClass, statusClass := "button button-primary button-small", "panel-done"
	if c.existing != nil {
		addClass, statusClass = "button button-secondary button-small", "panel-note"
	}
	return goapp.Section().ID("panel-phonebook").Class("panel-section").Aria("labelledby", "panel-phonebook-title").Body(
		goapp.H3().ID("panel-phonebook-title").Text("Phonebook"),
		goapp.Details().ID("pb-details").Class("panel-details").Body(
			goapp.Summary().ID("pb-open").Text("Add to phonebook"),
			goapp.Form().ID("pb-form").Class("panel-form").OnSubmit(c.onAdd).Body(
				c.field("name", "Name", "text", "name", &c.in.Name),
				c.field("email", "Email", "email", "email", &c.in.Email),
				c.field("phone", "Phone", "tel", "tel", &c.in.Phone),
				c.field("company", "Company", "text", "organization", &c.in.Company),
				goapp.P().ID("pb-error").Class("form-error").Role("alert").Text(c.err),
				goapp.P().ID("pb-status").Class(statusClass).Role("status").Text(c.status),
				goapp.Div().Class("panel-actions").Body(
					goapp.Button().ID("pb-add").Type("submit").Class(addClass).Disabled(c.busy).Text("Add"),
					goapp.If(c.existing != nil, func() goapp.UI {
						return goapp.Button().ID("pb-update").Type("button").Class("button button-primary button-small").
							Disabled(c.busy).OnClick(c.onUpdate).Text("Update")
					}),
				),
			),
		),
	)
}

// field is a labelled input of the form with its own error, if any.
func (c *phonebookForm) field(name, label, typ, autocomplete string, v *string) goapp.UI {
	id := "pb-" + name
	errID := id + "-error"
	msg := c.fieldErrs[name]
	input := goapp.Input().ID(id).Name(name).Type(typ).Attr("autocomplete", autocomplete).
		Value(*v).OnInput(c.edit(v))
	if name == "name" {
		input = input.Required(true)
	}
	if msg != "" {
		input = input.Aria("invalid", "true").Aria("describedby", errID)
	}
	return goapp.Div().Class("field field-compact").Body(
		goapp.Label().For(id).Text(label),
		input,
		goapp.If(msg != "", func() goapp.UI {
			return goapp.P().ID(errID).Class("field-error").Text(msg)
		}),
	)
}
