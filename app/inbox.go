package app

import (
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// inbox is the home screen at /. For now it shows who is signed in and an
// empty list; the conversation list comes later.
type inbox struct {
	goapp.Compo

	session    model.Session
	loaded     bool
	err        string
	loggingOut bool
}

func (c *inbox) OnNav(ctx goapp.Context) {
	ctx.Page().SetTitle("Inbox · Frontdesk")
}

func (c *inbox) OnMount(ctx goapp.Context) {
	if s, ok := cachedSession(ctx); ok {
		c.session, c.loaded = s, true
		return
	}
	c.loadSession(ctx)
}

// loadSession asks the server who is signed in; nobody means the login screen.
func (c *inbox) loadSession(ctx goapp.Context) {
	c.err = ""
	ctx.Async(func() {
		s, err := api().Session(ctx)
		ctx.Dispatch(func(ctx goapp.Context) {
			switch {
			case isSignedOut(err):
				ctx.Navigate(PathLogin)
			case err != nil:
				c.err = userMessage(err)
			default:
				c.session, c.loaded = s, true
				ctx.SetState(stateSession, s)
			}
		})
	})
}

func (c *inbox) onRetry(ctx goapp.Context, _ goapp.Event) {
	c.loadSession(ctx)
}

func (c *inbox) onLogout(ctx goapp.Context, _ goapp.Event) {
	if c.loggingOut {
		return
	}
	c.loggingOut, c.err = true, ""
	ctx.Async(func() {
		err := api().Logout(ctx)
		ctx.Dispatch(func(ctx goapp.Context) {
			c.loggingOut = false
			// A session that had already ended is as good as logged out.
			if err != nil && !isSignedOut(err) {
				c.err = userMessage(err)
				return
			}
			ctx.DelState(stateSession)
			ctx.Navigate(PathLogin)
		})
	})
}

func (c *inbox) Render() goapp.UI {
	logoutLabel := "Log out"
	if c.loggingOut {
		logoutLabel = "Logging out…"
	}
	return goapp.Div().Class("shell").Body(
		goapp.Header().Class("topbar").Body(
			goapp.Div().Class("topbar-brand").Body(
				goapp.Img().Src("/web/icon.svg").Role("presentation").Width(32).Height(32),
				goapp.Span().Text("Frontdesk"),
			),
			goapp.If(c.loaded, func() goapp.UI {
				return goapp.Div().Class("topbar-agent").Body(
					goapp.Span().ID("agent-name").Class("topbar-agent-name").Text(c.session.Agent.Name),
					goapp.Span().ID("agent-org").Class("topbar-agent-org").Text(c.session.Organization.Name),
				)
			}),
			goapp.If(c.loaded, func() goapp.UI {
				return goapp.Button().
					ID("logout").
					Type("button").
					Class("button button-secondary").
					Disabled(c.loggingOut).
					OnClick(c.onLogout).
					Text(logoutLabel)
			}),
		),
		goapp.Main().ID("inbox").Class("content").Body(
			goapp.H1().Text("Inbox"),
			goapp.If(c.err != "", func() goapp.UI {
				return goapp.Div().Body(
					goapp.P().ID("inbox-error").Class("form-error").Role("alert").Text(c.err),
					goapp.If(!c.loaded, func() goapp.UI {
						return goapp.Button().Type("button").Class("button button-secondary").OnClick(c.onRetry).Text("Try again")
					}),
				)
			}),
			goapp.If(!c.loaded && c.err == "", func() goapp.UI {
				return goapp.P().Class("status").Text("Loading your inbox…")
			}),
			goapp.If(c.loaded, func() goapp.UI {
				return goapp.Section().Class("empty-state").Aria("labelledby", "inbox-empty-title").Body(
					goapp.H2().ID("inbox-empty-title").Text("No conversations yet"),
					goapp.P().Text("Chats from your website, your personal link and your meeting bookings will appear here."),
				)
			}),
		),
	)
}
