package app

import (
	"strconv"
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// Building blocks of the settings-like screens: labelled fields with their
// hints and errors, the errors of a refused request, copy buttons.

// formErrors is what a refused request says: a sentence for the form and
// a message per field, keyed as the API names fields ("email",
// "rules[0].start").
type formErrors struct {
	Message string
	Fields  map[string]string
}

func formErrorsOf(err error) formErrors {
	fe := formErrors{Message: userMessage(err)}
	if e, ok := model.AsError(err); ok {
		fe.Fields = e.Fields
	}
	return fe
}

// field returns the message of the first of keys that has one: the API
// and its validators do not always name a field alike (step, step_minutes).
func (f formErrors) field(keys ...string) string {
	for _, k := range keys {
		if msg := f.Fields[k]; msg != "" {
			return msg
		}
	}
	return ""
}

// formAlert is a form's error region; it stays in the page so screen
// readers announce new text.
func formAlert(id, msg string) goapp.UI {
	return goapp.P().ID(id).Class("form-error").Role("alert").Text(msg)
}

// formStatus is a form's polite status line ("Saved.").
func formStatus(id, msg string) goapp.UI {
	return goapp.P().ID(id).Class("form-status").Role("status").Text(msg)
}

// field lays out a label, its control, a hint and the control's error. The
// control carries id; described wires its ARIA to the hint and error.
func field(id, label string, control goapp.UI, hint, errMsg string) goapp.UI {
	return goapp.Div().Class("field").Body(
		goapp.Label().For(id).Text(label),
		control,
		goapp.If(hint != "", func() goapp.UI {
			return goapp.P().ID(id + "-hint").Class("field-hint").Text(hint)
		}),
		goapp.If(errMsg != "", func() goapp.UI {
			return goapp.P().ID(id + "-error").Class("field-error").Text(errMsg)
		}),
	)
}

// described points a control at its hint and error, and marks it invalid
// when there is an error.
func described[T interface{ Aria(string, any) T }](el T, id, hint, errMsg string) T {
	var ids []string
	if hint != "" {
		ids = append(ids, id+"-hint")
	}
	if errMsg != "" {
		ids = append(ids, id+"-error")
		el = el.Aria("invalid", "true")
	} else {
		el = el.Aria("invalid", "false")
	}
	return el.Aria("describedby", strings.Join(ids, " "))
}

// textField is a labelled input of type typ bound to *v.
func textField(id, label, typ string, v *string, hint, errMsg string) goapp.UI {
	in := goapp.Input().ID(id).Name(id).Type(typ).Value(*v).OnInput(bindQuiet(v)).OnChange(bind(v))
	return field(id, label, described(in, id, hint, errMsg), hint, errMsg)
}

// bindQuiet stores an input's value in *v as the agent types, without a
// render: go-app renders on its next frame and sets "value" whenever it
// differs from the previous render's, so a frame that falls between two
// keystrokes would put the field back to the first one and lose the
// second (seen on a busy machine). The change event (leaving the field,
// Enter) then binds with a render, which brings the page's idea of the
// value up to date for later programmatic changes.
func bindQuiet(v *string) goapp.EventHandler {
	return func(ctx goapp.Context, e goapp.Event) {
		*v = ctx.JSSrc().Get("value").String()
		ctx.PreventUpdate()
	}
}

// bind stores an input's value in *v as the agent types.
func bind(v *string) goapp.EventHandler {
	return func(ctx goapp.Context, e goapp.Event) { *v = ctx.JSSrc().Get("value").String() }
}

// checkField is a checkbox with its label after it.
func checkField(id, label string, checked bool, onChange goapp.EventHandler) goapp.UI {
	return goapp.Label().Class("check").For(id).Body(
		goapp.Input().ID(id).Type("checkbox").Checked(checked).OnChange(onChange),
		goapp.Span().Text(label),
	)
}

// option is one choice of a select.
type option struct {
	Value, Label string
}

// selectField is a labelled select; onChange receives the chosen value.
func selectField(id, label string, options []option, value string, onChange func(ctx goapp.Context, v string), hint, errMsg string) goapp.UI {
	opts := make([]goapp.UI, len(options))
	for i, o := range options {
		opts[i] = goapp.Option().Value(o.Value).Selected(o.Value == value).Text(o.Label)
	}
	sel := goapp.Select().ID(id).OnChange(func(ctx goapp.Context, e goapp.Event) {
		onChange(ctx, ctx.JSSrc().Get("value").String())
	}).Body(opts...)
	return field(id, label, described(sel, id, hint, errMsg), hint, errMsg)
}

// checked reads a checkbox's state in its change handler.
func checked(ctx goapp.Context) bool { return ctx.JSSrc().Get("checked").Bool() }

// copyBox shows text to copy (a snippet, a link) with a Copy button; the
// button says whether it worked. copied is the id of the last box copied.
func copyBox(id, label, text string, multiline bool, copied string, onCopy goapp.EventHandler) goapp.UI {
	var shown goapp.UI
	if multiline {
		shown = goapp.Pre().ID(id).Class("copy-text copy-code").Body(goapp.Code().Text(text))
	} else {
		shown = goapp.Code().ID(id).Class("copy-text").Text(text)
	}
	buttonLabel := "Copy"
	if copied == id {
		buttonLabel = "Copied"
	}
	return goapp.Div().Class("copy-box").Body(
		shown,
		goapp.Button().
			ID(id+"-copy").
			Type("button").
			Class("button button-secondary button-small").
			Aria("label", "Copy "+label).
			OnClick(onCopy).
			Text(buttonLabel),
	)
}

// copyToClipboard puts text on the clipboard; when the browser refuses,
// it selects the element with id so Ctrl+C copies it. done runs on the UI
// goroutine with whether the text is on the clipboard.
func copyToClipboard(ctx goapp.Context, id, text string, done func(ctx goapp.Context, ok bool)) {
	clip := goapp.Window().Get("navigator").Get("clipboard")
	if !clip.Truthy() {
		selectElement(id)
		done(ctx, false)
		return
	}
	var resolve, reject goapp.Func
	settle := func(ok bool) {
		ctx.Dispatch(func(ctx goapp.Context) {
			resolve.Release()
			reject.Release()
			if !ok {
				selectElement(id)
			}
			done(ctx, ok)
		})
	}
	resolve = goapp.FuncOf(func(goapp.Value, []goapp.Value) any { settle(true); return nil })
	reject = goapp.FuncOf(func(goapp.Value, []goapp.Value) any { settle(false); return nil })
	clip.Call("writeText", text).Call("then", resolve, reject)
}

// selectElement selects the text of an element, for the agent to copy.
func selectElement(id string) {
	el := goapp.Window().GetElementByID(id)
	if !el.Truthy() {
		return
	}
	doc := goapp.Window().Get("document")
	r := doc.Call("createRange")
	r.Call("selectNodeContents", el)
	sel := goapp.Window().Call("getSelection")
	sel.Call("removeAllRanges")
	sel.Call("addRange", r)
}

// atoiField parses a whole number typed in a field.
func atoiField(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}

// minutesLabel says a length of time: "30 min", "1 h", "1 h 30 min".
func minutesLabel(minutes int) string {
	h, m := minutes/60, minutes%60
	switch {
	case h == 0:
		return strconv.Itoa(m) + " min"
	case m == 0:
		return strconv.Itoa(h) + " h"
	default:
		return strconv.Itoa(h) + " h " + strconv.Itoa(m) + " min"
	}
}
