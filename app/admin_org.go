package app

import (
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"
)

// adminOrganization renames the organization and sets its language.
type adminOrganization struct {
	goapp.Compo

	// Name and Language are the organization's when the section opens.
	Name, Language string

	name, lang string
	started    bool
	errs       formErrors
	saving     bool
	status     string
}

func (o *adminOrganization) OnMount(ctx goapp.Context) {
	o.name, o.lang, o.started = o.Name, o.Language, true
}

func (o *adminOrganization) onSave(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	if o.saving {
		return
	}
	name := strings.TrimSpace(o.name)
	o.saving, o.errs, o.status = true, formErrors{}, ""
	ctx.Async(func() {
		lang := o.lang
		if lang == "" {
			lang = "en"
		}
		org, err := api().UpdateOrganization(ctx, name, lang)
		ctx.Dispatch(func(ctx goapp.Context) {
			o.saving = false
			if err != nil {
				o.errs = formErrorsOf(err)
				return
			}
			o.name, o.status = org.Name, "Saved."
			ctx.NewActionWithValue(actionOrganizationRenamed, org)
		})
	})
}

func (o *adminOrganization) Render() goapp.UI {
	if !o.started {
		o.name, o.lang = o.Name, o.Language
	}
	submit := "Save"
	if o.saving {
		submit = "Saving…"
	}
	return goapp.Section().ID("organization").Class("settings-section").Aria("labelledby", "organization-title").Body(
		sectionHead("organization-title", "Organization", ""),
		goapp.Form().ID("org-form").Class("card narrow").OnSubmit(o.onSave).Body(
			formAlert("org-error", o.errs.Message),
			textField("org-name", "Name", "text", &o.name,
				"Shown to guests on personal links, booking pages and emails.", o.errs.field("name")),
			selectField("org-language", "Language", languageOptions, o.lang,
				func(ctx goapp.Context, v string) { o.lang = v }, "Of the invitations the organization sends.", o.errs.field("language")),
			goapp.Div().Class("form-footer").Body(
				formStatus("org-status", o.status),
				goapp.Button().ID("org-save").Type("submit").Class("button button-primary").Disabled(o.saving).Text(submit),
			),
		),
		&adminRetention{},
	)
}
