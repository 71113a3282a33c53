package app

import (
	"strconv"
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// adminRetention sets how long resolved conversations are kept: empty
// keeps them, a number of days deletes older ones (a job on the server
// runs every hour).
type adminRetention struct {
	goapp.Compo

	days   string
	loaded bool
	errs   formErrors
	saving bool
	status string
	self   goapp.Context
}

func (r *adminRetention) OnMount(ctx goapp.Context) {
	r.self = ctx
	ctx.Async(func() {
		ret, err := api().Retention(ctx)
		ctx.Dispatch(func(ctx goapp.Context) {
			if err != nil {
				r.errs = formErrorsOf(err)
				return
			}
			r.days, r.loaded = retentionText(ret), true
		})
	})
}

func retentionText(r model.Retention) string {
	if r.DeleteResolvedAfterDays == nil {
		return ""
	}
	return strconv.Itoa(*r.DeleteResolvedAfterDays)
}

// parseRetention reads the field: empty keeps conversations.
func parseRetention(s string) (model.Retention, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return model.Retention{}, true
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return model.Retention{}, false
	}
	return model.Retention{DeleteResolvedAfterDays: &n}, true
}

func (r *adminRetention) onSave(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	if r.saving {
		return
	}
	ret, ok := parseRetention(r.days)
	if !ok {
		r.errs = formErrors{Message: "Some fields are not valid.", Fields: map[string]string{"delete_resolved_after_days": "a whole number of days, or empty"}}
		return
	}
	r.saving, r.errs, r.status = true, formErrors{}, ""
	self := r.self
	self.Async(func() {
		saved, err := api().SetRetention(self, ret)
		self.Dispatch(func(ctx goapp.Context) {
			r.saving = false
			if err != nil {
				r.errs = formErrorsOf(err)
				return
			}
			r.days, r.status = retentionText(saved), "Saved."
		})
	})
}

func (r *adminRetention) Render() goapp.UI {
	submit := "Save"
	if r.saving {
		submit = "Saving…"
	}
	return goapp.Form().ID("retention-form").Class("card narrow").OnSubmit(r.onSave).Body(
		goapp.H3().Text("Data retention"),
		formAlert("retention-error", r.errs.Message),
		textField("retention-days", "Delete resolved conversations after (days)", "number", &r.days,
			"Empty keeps them. Conversations resolved for longer, with their messages and meetings, are deleted every hour; guests' own export and erasure are in each conversation's side panel and the phonebook.",
			r.errs.field("delete_resolved_after_days")),
		goapp.Div().Class("form-footer").Body(
			formStatus("retention-status", r.status),
			goapp.Button().ID("retention-save").Type("submit").Class("button button-primary").Disabled(r.saving || !r.loaded).Text(submit),
		),
	)
}
