package app

import (
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// Paths of the screens that create an organization: open sign-up, and the
// first-run setup link a new server prints.
const (
	PathSignup = "/signup"

	pathSetupPrefix  = "/setup/"
	pathSetupPattern = `^/setup/[A-Za-z0-9_-]{22,64}$`
)

// languageOptions are the languages Frontdesk speaks, in their own words.
var languageOptions = []option{
	{"en", "English"}, {"de", "Deutsch"}, {"fr", "Français"}, {"it", "Italiano"}, {"es", "Español"},
}

// signup creates an organization and its first admin: at /signup when the
// server takes sign-ups, at /setup/{token} with the link a new server
// prints. Both land signed in on the inbox and its getting-started card.
type signup struct {
	goapp.Compo

	token string // setup only
	form  model.SignupRequest
	zones []string
	ready bool // mounted in the browser, and the link or sign-up checked
	gone  bool // the setup link is not valid, or sign-up is closed
	busy  bool
	errs  formErrors
}

func (c *signup) OnNav(ctx goapp.Context) {
	if t, ok := strings.CutPrefix(ctx.Page().URL().Path, pathSetupPrefix); ok {
		c.token = t
		ctx.Page().SetTitle("Set up Frontdesk")
	} else {
		ctx.Page().SetTitle("Create your organization · Frontdesk")
	}
}

func (c *signup) OnMount(ctx goapp.Context) {
	c.zones = browserZones()
	c.form.TimeZone = browserZone()
	c.form.Language = browserLanguage()
	if t, ok := strings.CutPrefix(goapp.Window().URL().Path, pathSetupPrefix); ok {
		c.token = t
	}
	token := c.token
	ctx.Async(func() {
		var gone bool
		var err error
		if token != "" {
			err = api().SetupLive(ctx, token)
			e, ok := model.AsError(err)
			gone = ok && e.Code == model.CodeNotFound
		} else {
			var st model.SignupStatus
			st, err = api().SignupStatus(ctx)
			gone = err == nil && !st.Open
		}
		ctx.Dispatch(func(ctx goapp.Context) {
			c.ready, c.gone = true, gone
			if !gone {
				ctx.Defer(func(goapp.Context) { focus("su-org") })
			}
		})
	})
}

func (c *signup) onSubmit(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	if c.busy {
		return
	}
	in := c.form
	// Password managers fill fields without input events.
	in.Email, in.Password = strings.TrimSpace(fieldValue("su-email")), fieldValue("su-password")
	in.Organization, in.Name = strings.TrimSpace(in.Organization), strings.TrimSpace(in.Name)
	c.busy, c.errs = true, formErrors{}
	token := c.token
	ctx.Async(func() {
		var s model.Session
		var err error
		if token != "" {
			s, err = api().Setup(ctx, token, in)
		} else {
			s, err = api().Signup(ctx, in)
		}
		ctx.Dispatch(func(ctx goapp.Context) {
			c.busy = false
			if err != nil {
				if e, ok := model.AsError(err); ok && e.Code == model.CodeNotFound && token != "" {
					c.gone = true
					return
				}
				c.errs = formErrorsOf(err)
				return
			}
			ctx.SetState(stateSession, s)
			ctx.Navigate(PathInbox)
		})
	})
}

func (c *signup) Render() goapp.UI {
	setup := c.token != ""
	title, lead := "Create your organization", "Start answering your website visitors and guests in a few minutes. You will be its admin."
	if setup {
		title, lead = "Set up Frontdesk", "This server has no organization yet. Create yours and your admin account; you can invite your team next."
	}
	var body goapp.UI
	switch {
	case c.gone && setup:
		body = goapp.Div().ID("signup-gone").Body(
			goapp.P().Class("login-lead").Text("This setup link is not valid any more: it works once, for 24 hours, and a restart of the server replaces it. Look for the new link in the server's output, or sign in if your organization exists."),
			goapp.A().Href(PathLogin).Class("button button-primary").Text("Go to sign-in"),
		)
	case c.gone:
		body = goapp.Div().ID("signup-closed").Body(
			goapp.P().Class("login-lead").Text("This Frontdesk does not take sign-ups. Ask an admin of your organization to invite you."),
			goapp.A().Href(PathLogin).Class("button button-primary").Text("Go to sign-in"),
		)
	default:
		body = c.renderForm(setup)
	}
	return goapp.Main().Class("login").Body(
		goapp.Div().Class("login-card login-card-wide").Body(
			goapp.Div().Class("login-brand").Body(
				goapp.Img().Src("/web/icon.svg").Role("presentation").Width(40).Height(40),
				goapp.Span().Text("Frontdesk"),
			),
			goapp.H1().Text(title),
			goapp.If(!c.gone, func() goapp.UI { return goapp.P().Class("login-lead").Text(lead) }),
			body,
		),
	)
}

func (c *signup) renderForm(setup bool) goapp.UI {
	fe := c.errs
	submit := "Create organization"
	if c.busy {
		submit = "Creating…"
	}
	zones := make([]goapp.UI, len(c.zones))
	for i, z := range c.zones {
		zones[i] = goapp.Option().Value(z)
	}
	zoneInput := described(goapp.Input().ID("su-zone").Name("time_zone").Type("text").List("su-zones").
		Attr("autocomplete", "off").Value(c.form.TimeZone).OnInput(bind(&c.form.TimeZone)), "su-zone", "", fe.field("time_zone"))
	email := described(goapp.Input().ID("su-email").Name("email").Type("email").Attr("autocomplete", "username").
		Value(c.form.Email).OnInput(bind(&c.form.Email)), "su-email", "", fe.field("email"))
	pw := described(goapp.Input().ID("su-password").Name("password").Type("password").Attr("autocomplete", "new-password").
		Value(c.form.Password).OnInput(bind(&c.form.Password)), "su-password", passwordHint, fe.field("password"))
	back := goapp.P().Class("login-alt").Body(goapp.Text("Already on Frontdesk? "), goapp.A().ID("signup-login").Href(PathLogin).Text("Sign in"))
	return goapp.Form().ID("signup-form").Method("post").OnSubmit(c.onSubmit).Body(
		formAlert("signup-error", fe.Message),
		textField("su-org", "Organization name", "text", &c.form.Organization, "Your company or team, as guests will see it.", fe.field("organization")),
		textField("su-name", "Your name", "text", &c.form.Name, "", fe.field("name")),
		field("su-email", "Your email", email, "", fe.field("email")),
		field("su-password", "Password", pw, passwordHint, fe.field("password")),
		field("su-zone", "Time zone", zoneInput, "", fe.field("time_zone")),
		goapp.DataList().ID("su-zones").Body(zones...),
		selectField("su-lang", "Language", languageOptions, c.form.Language,
			func(ctx goapp.Context, v string) { c.form.Language = v }, "Of your emails, and of the organization's invitations.", fe.field("language")),
		goapp.Button().ID("signup-submit").Type("submit").Class("button button-primary").Disabled(!c.ready || c.busy).Text(submit),
		goapp.If(!setup, func() goapp.UI { return back }),
	)
}

// passwordHint states the password rules where a password is chosen.
const passwordHint = "At least 10 characters, any you like; very common passwords are refused. A few unrelated words make a strong one."

// browserZone is the browser's IANA time zone, "UTC" when unknown.
func browserZone() string {
	if !goapp.IsClient {
		return "UTC"
	}
	z := goapp.Window().Get("Intl").Call("DateTimeFormat").Call("resolvedOptions").Get("timeZone")
	if !z.Truthy() {
		return "UTC"
	}
	return z.String()
}

// browserLanguage is the first of the browser's languages Frontdesk
// speaks, English otherwise.
func browserLanguage() string {
	if !goapp.IsClient {
		return "en"
	}
	langs := goapp.Window().Get("navigator").Get("languages")
	for i := 0; langs.Truthy() && i < langs.Length(); i++ {
		tag := strings.ToLower(langs.Index(i).String())
		if j := strings.IndexAny(tag, "-_"); j >= 0 {
			tag = tag[:j]
		}
		if model.SupportedLanguage(tag) {
			return tag
		}
	}
	return "en"
}
