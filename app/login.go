package app

import (
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// login is the sign-in screen at /login.
type login struct {
	goapp.Compo

	email, password string
	err             string            // shown in the alert region
	fieldErrs       map[string]string // by request field: email, password
	busy            bool
	ready           bool // mounted in the browser: the form works
	signupOpen      bool // the server takes sign-ups: offer one
}

func (c *login) OnNav(ctx goapp.Context) {
	ctx.Page().SetTitle("Sign in · Frontdesk")
}

// early is what was typed into the server-rendered sign-in form while the
// app was still loading, and which field had the focus: the app replaces
// that form when it starts, and takes the text over (keepEarlyInput).
var early struct {
	email, password, focus string
}

// keepEarlyInput reads the server-rendered form before the app replaces
// it. It runs in the browser before the app mounts (Register).
func keepEarlyInput() {
	if !goapp.IsClient {
		return
	}
	early.email = fieldValue("login-email")
	early.password = fieldValue("login-password")
	if el := goapp.Window().Get("document").Get("activeElement"); el.Truthy() {
		early.focus = el.Get("id").String()
	}
}

// OnMount enables the form and sends an agent who is still signed in
// straight to the inbox.
func (c *login) OnMount(ctx goapp.Context) {
	c.ready = true
	if c.email == "" && c.password == "" && (early.email != "" || early.password != "") {
		// Typed before the app had started: keep it, and the caret where
		// it was.
		c.email, c.password = early.email, early.password
		focusID := early.focus
		early.email, early.password, early.focus = "", "", ""
		ctx.Defer(func(goapp.Context) {
			if focusID == "login-email" || focusID == "login-password" {
				focus(focusID)
			}
		})
	}
	ctx.Async(func() {
		s, err := api().Session(ctx)
		if err != nil {
			// Signed out (or offline): the form is the right screen.
			if st, err := api().SignupStatus(ctx); err == nil && st.Open {
				ctx.Dispatch(func(ctx goapp.Context) { c.signupOpen = true })
			}
			return
		}
		ctx.Dispatch(func(ctx goapp.Context) {
			ctx.SetState(stateSession, s)
			ctx.Navigate(PathInbox)
		})
	})
}

func (c *login) onSubmit(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	if c.busy {
		return
	}
	// Read the fields from the DOM rather than trusting input events:
	// password managers and autofill do not always send them.
	c.email = fieldValue("login-email")
	c.password = fieldValue("login-password")
	req := model.LoginRequest{Email: strings.TrimSpace(c.email), Password: c.password}
	c.busy, c.err, c.fieldErrs = true, "", nil

	ctx.Async(func() {
		s, err := api().Login(ctx, req)
		ctx.Dispatch(func(ctx goapp.Context) {
			c.busy = false
			if err != nil {
				c.err = userMessage(err)
				if apiErr, ok := model.AsError(err); ok {
					c.fieldErrs = apiErr.Fields
				}
				return
			}
			c.password = ""
			ctx.SetState(stateSession, s)
			ctx.Navigate(PathInbox)
		})
	})
}

func (c *login) Render() goapp.UI {
	submitLabel := "Sign in"
	if c.busy {
		submitLabel = "Signing in…"
	}
	return goapp.Main().Class("login").Body(
		goapp.Div().Class("login-card").Body(
			goapp.Div().Class("login-brand").Body(
				goapp.Img().Src("/web/icon.svg").Role("presentation").Width(40).Height(40),
				goapp.Span().Text("Frontdesk"),
			),
			goapp.H1().Text("Sign in"),
			goapp.P().Class("login-lead").Text("Welcome back. Sign in to answer your guests."),
			goapp.Form().
				ID("login-form").
				// Until the wasm runs, the submit button is disabled; should a
				// form still be sent natively, POST keeps the password out of
				// URLs and logs.
				Method("post").
				OnSubmit(c.onSubmit).
				Body(
					// Always present, so assistive technology announces new text.
					goapp.P().ID("login-error").Class("form-error").Role("alert").Text(c.err),
					c.field("email", "Email", goapp.Input().
						Type("email").
						Attr("autocomplete", "username").
						Required(true).
						Value(c.email).
						OnInput(c.ValueTo(&c.email))),
					c.field("password", "Password", goapp.Input().
						Type("password").
						Attr("autocomplete", "current-password").
						Required(true).
						Value(c.password).
						OnInput(c.ValueTo(&c.password))),
					goapp.Button().
						ID("login-submit").
						Type("submit").
						Class("button button-primary").
						Disabled(!c.ready || c.busy).
						Text(submitLabel),
				),
			goapp.P().Class("login-alt").Body(
				// A page of the server's own (package accountpages).
				goapp.A().ID("login-forgot").Href("/forgot").Text("Forgot password?"),
			),
			goapp.If(c.signupOpen, func() goapp.UI {
				return goapp.P().Class("login-alt").Body(
					goapp.Text("New to Frontdesk? "),
					goapp.A().ID("login-signup").Href(PathSignup).Text("Create an organization"),
				)
			}),
		),
	)
}

// field renders a labelled input with its own error message, if any.
func (c *login) field(name, label string, input goapp.HTMLInput) goapp.UI {
	id := "login-" + name
	errID := id + "-error"
	msg := c.fieldErrs[name]
	input = input.ID(id).Name(name)
	if msg != "" {
		input = input.Aria("invalid", "true").Aria("describedby", errID)
	}
	return goapp.Div().Class("field").Body(
		goapp.Label().For(id).Text(label),
		input,
		goapp.If(msg != "", func() goapp.UI {
			return goapp.P().ID(errID).Class("field-error").Text(msg)
		}),
	)
}

// fieldValue reads an input's current value from the page.
func fieldValue(id string) string {
	el := goapp.Window().GetElementByID(id)
	if !el.Truthy() {
		return ""
	}
	return el.Get("value").String()
}
