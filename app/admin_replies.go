package app

import (
	"strconv"
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// The saved replies section's words, in one place for translation.
const (
	textRepliesTitle    = "Saved replies"
	textRepliesLead     = "Type / in a reply to use one. {guest.name}, {guest.first_name}, {agent.name} and {agent.link} are filled in before sending."
	textReplyTitle      = "Title"
	textReplyBody       = "Text"
	textReplyPersonal   = "Only for me"
	textReplyPersonalOn = "Personal"
	textReplyOrgWide    = "Everyone"
	textReplyNew        = "New saved reply"
	textReplySave       = "Save"
	textReplySaved      = "Saved."
	textReplyEdit       = "Edit"
	textReplyDelete     = "Delete"
	textReplyCancel     = "Cancel"
	textRepliesEmpty    = "No saved replies yet."
)

// adminReplies is Settings → Saved replies: everyone keeps their own, admins
// also the organization's.
type adminReplies struct {
	goapp.Compo

	Admin bool

	list    []model.SavedReply
	loaded  bool
	err     string
	editing int64 // -1 new, 0 none
	form    model.SavedReplyInput
	errs    formErrors
	saving  bool
	status  string
	self    goapp.Context
}

func (a *adminReplies) OnMount(ctx goapp.Context) {
	a.self = ctx
	a.load()
}

func (a *adminReplies) load() {
	self := a.self
	self.Async(func() {
		list, err := api().SavedReplies(self)
		self.Dispatch(func(ctx goapp.Context) {
			a.loaded = true
			if err != nil {
				a.err = userMessage(err)
				return
			}
			a.list, a.err = list, ""
		})
	})
}

func (a *adminReplies) onNew(ctx goapp.Context, e goapp.Event) {
	a.editing, a.errs, a.status = -1, formErrors{}, ""
	a.form = model.SavedReplyInput{Personal: !a.Admin}
}

func (a *adminReplies) onEdit(r model.SavedReply) goapp.EventHandler {
	return func(ctx goapp.Context, e goapp.Event) {
		a.editing, a.errs, a.status = r.ID, formErrors{}, ""
		a.form = model.SavedReplyInput{Title: r.Title, Body: r.Body, Personal: r.Personal}
	}
}

func (a *adminReplies) onCancel(ctx goapp.Context, e goapp.Event) { a.editing = 0 }

func (a *adminReplies) onDelete(id int64) goapp.EventHandler {
	return func(ctx goapp.Context, e goapp.Event) {
		self := a.self
		self.Async(func() {
			err := api().DeleteSavedReply(self, id)
			self.Dispatch(func(ctx goapp.Context) {
				if err != nil {
					a.err = userMessage(err)
					return
				}
				a.load()
			})
		})
	}
}

func (a *adminReplies) onSave(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	if a.saving {
		return
	}
	a.saving, a.errs, a.status = true, formErrors{}, ""
	id := a.editing
	if id < 0 {
		id = 0
	}
	in, self := a.form, a.self
	self.Async(func() {
		_, err := api().SaveReply(self, id, in)
		self.Dispatch(func(ctx goapp.Context) {
			a.saving = false
			if err != nil {
				a.errs = formErrorsOf(err)
				return
			}
			a.editing, a.status = 0, textReplySaved
			a.load()
		})
	})
}

func (a *adminReplies) Render() goapp.UI {
	rows := make([]goapp.UI, 0, len(a.list))
	for _, r := range a.list {
		scope := textReplyOrgWide
		if r.Personal {
			scope = textReplyPersonalOn
		}
		mayEdit := r.Personal || a.Admin
		rows = append(rows, goapp.Li().ID("reply-"+strconv.FormatInt(r.ID, 10)).Class("card reply-card").Body(
			goapp.Div().Class("section-head").Body(
				goapp.H3().Text(r.Title),
				goapp.Span().Class("tag").Text(scope),
			),
			goapp.P().Class("reply-body").Text(r.Body),
			goapp.If(mayEdit, func() goapp.UI {
				return goapp.Div().Class("page-actions").Body(
					goapp.Button().Type("button").Class("button button-secondary button-small").OnClick(a.onEdit(r)).Text(textReplyEdit),
					goapp.Button().Type("button").Class("button button-secondary button-small").OnClick(a.onDelete(r.ID)).Text(textReplyDelete),
				)
			}),
		))
	}
	return goapp.Section().ID("settings-replies").Aria("labelledby", "replies-title").Body(
		sectionHead("replies-title", textRepliesTitle, textRepliesLead,
			goapp.Button().ID("reply-new").Type("button").Class("button button-primary button-small").OnClick(a.onNew).Text(textReplyNew)),
		formAlert("replies-error", a.err),
		formStatus("replies-status", a.status),
		goapp.If(a.editing != 0, a.renderForm),
		goapp.If(a.loaded && len(a.list) == 0, func() goapp.UI { return goapp.P().Class("status").Text(textRepliesEmpty) }),
		goapp.Ul().ID("reply-list").Class("reply-list").Body(rows...),
	)
}

func (a *adminReplies) renderForm() goapp.UI {
	fe := a.errs
	body := goapp.Textarea().ID("reply-body").Name("body").Rows(5).Text(a.form.Body).
		OnInput(func(ctx goapp.Context, e goapp.Event) { a.form.Body = ctx.JSSrc().Get("value").String() })
	bodyErr := fe.field("body")
	return goapp.Form().ID("reply-form").Class("card form").OnSubmit(a.onSave).Body(
		formAlert("reply-form-error", strings.TrimSpace(fe.Message)),
		textField("reply-title", textReplyTitle, "text", &a.form.Title, "", fe.field("title")),
		field("reply-body", textReplyBody, described(body, "reply-body", "", bodyErr), "", bodyErr),
		goapp.If(a.Admin, func() goapp.UI {
			return checkField("reply-personal", textReplyPersonal, a.form.Personal, func(ctx goapp.Context, _ goapp.Event) { a.form.Personal = checked(ctx) })
		}),
		goapp.Div().Class("form-footer").Body(
			goapp.Button().ID("reply-save").Type("submit").Class("button button-primary").Disabled(a.saving).Text(textReplySave),
			goapp.Button().Type("button").Class("button button-secondary").OnClick(a.onCancel).Text(textReplyCancel),
		),
	)
}
