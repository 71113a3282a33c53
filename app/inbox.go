package app

import (
	"slices"
	"strconv"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

const (
	titleInbox    = "Inbox · Frontdesk"
	toastDuration = 6 * time.Second
	maxToasts     = 3
)

// inbox is the home screen at / and, with a conversation open, at
// /c/{id}. It owns what lives as long as the agent is signed in: the
// session, the live connection and its state, in-app notifications (toasts
// and the count in the title). The list and the conversation are its
// children.
type inbox struct {
	goapp.Compo

	session    model.Session
	loaded     bool
	err        string
	loggingOut bool

	open      int64 // the conversation on screen, from the path
	conn      connState
	connKnown bool

	// Notifications: new guest messages per conversation the agent has
	// not seen yet, and the toasts on screen.
	unseen    map[int64]int
	toasts    []toast
	nextToast int

	visibility, online goapp.Func // browser listeners, released on dismount
}

type toast struct {
	ID int
	notice
}

func (c *inbox) OnNav(ctx goapp.Context) {
	c.open = openConversation(ctx.Page().URL().Path)
	if pageVisible() {
		c.seen(c.open)
	}
	c.setTitle(ctx)
}

// seen forgets the notifications of a conversation the agent now sees.
func (c *inbox) seen(conv int64) {
	delete(c.unseen, conv)
	c.toasts = slices.DeleteFunc(c.toasts, func(t toast) bool { return t.ConversationID == conv })
}

func (c *inbox) OnInit() {
	c.unseen = map[int64]int{}
}

func (c *inbox) OnMount(ctx goapp.Context) {
	ctx.Handle(actionConnection, c.onConnection)
	ctx.Handle(actionSignedOut, c.onSignedOut)
	ctx.Handle(actionNotice, c.onNotice)
	c.listen(ctx)

	if s, ok := cachedSession(ctx); ok {
		c.signedIn(ctx, s)
		return
	}
	c.loadSession(ctx)
}

func (c *inbox) OnDismount() {
	doc := goapp.Window().Get("document")
	if c.visibility != nil {
		doc.Call("removeEventListener", "visibilitychange", c.visibility)
		c.visibility.Release()
	}
	if c.online != nil {
		goapp.Window().Call("removeEventListener", "online", c.online)
		c.online.Release()
	}
}

// listen follows the page's visibility (messages are read only while it is
// on screen) and the browser's connectivity (reconnect at once when back
// online rather than at the end of a backoff).
func (c *inbox) listen(ctx goapp.Context) {
	c.visibility = goapp.FuncOf(func(goapp.Value, []goapp.Value) any {
		visible := pageVisible()
		ctx.Dispatch(func(ctx goapp.Context) {
			if visible {
				c.seen(c.open)
				c.setTitle(ctx)
			}
		})
		ctx.NewActionWithValue(actionVisibility, visible)
		return nil
	})
	goapp.Window().Get("document").Call("addEventListener", "visibilitychange", c.visibility)
	c.online = goapp.FuncOf(func(goapp.Value, []goapp.Value) any {
		browserLive(ctx).reconnectNow()
		return nil
	})
	goapp.Window().Call("addEventListener", "online", c.online)
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
				ctx.SetState(stateSession, s)
				c.signedIn(ctx, s)
			}
		})
	})
}

func (c *inbox) signedIn(ctx goapp.Context, s model.Session) {
	c.session, c.loaded = s, true
	browserLive(ctx).start()
}

func (c *inbox) onRetry(ctx goapp.Context, _ goapp.Event) {
	c.loadSession(ctx)
}

func (c *inbox) onConnection(ctx goapp.Context, a goapp.Action) {
	if s, ok := a.Value.(connState); ok {
		c.conn, c.connKnown = s, true
	}
}

func (c *inbox) onSignedOut(ctx goapp.Context, _ goapp.Action) {
	browserLive(ctx).stop()
	ctx.DelState(stateSession)
	ctx.Navigate(PathLogin)
}

// onNotice tells the agent about a guest message they are not looking at.
func (c *inbox) onNotice(ctx goapp.Context, a goapp.Action) {
	n, ok := a.Value.(notice)
	if !ok || (n.ConversationID == c.open && pageVisible()) {
		return
	}
	c.unseen[n.ConversationID]++
	c.setTitle(ctx)

	c.nextToast++
	t := toast{ID: c.nextToast, notice: n}
	c.toasts = append(c.toasts, t)
	if len(c.toasts) > maxToasts {
		c.toasts = c.toasts[len(c.toasts)-maxToasts:]
	}
	ctx.After(toastDuration, func(ctx goapp.Context) { c.dismissToast(t.ID) })
}

func (c *inbox) dismissToast(id int) {
	c.toasts = slices.DeleteFunc(c.toasts, func(t toast) bool { return t.ID == id })
}

// setTitle shows the number of unseen guest messages in the tab's title.
func (c *inbox) setTitle(ctx goapp.Context) {
	n := 0
	for _, k := range c.unseen {
		n += k
	}
	title := titleInbox
	if n > 0 {
		title = "(" + strconv.Itoa(n) + ") " + title
	}
	ctx.Page().SetTitle(title)
}

func (c *inbox) onLogout(ctx goapp.Context, _ goapp.Event) {
	if c.loggingOut {
		return
	}
	c.loggingOut, c.err = true, ""
	ctx.Async(func() {
		// signOut also drops this browser's push subscription, so the next
		// person here gets nothing meant for this agent.
		err := signOut(ctx, ctx.LocalStorage())
		ctx.Dispatch(func(ctx goapp.Context) {
			c.loggingOut = false
			// A session that had already ended is as good as logged out.
			if err != nil && !isSignedOut(err) {
				c.err = userMessage(err)
				return
			}
			browserLive(ctx).stop()
			ctx.DelState(stateSession)
			ctx.Navigate(PathLogin)
		})
	})
}

func (c *inbox) Render() goapp.UI {
	workspace := "workspace"
	if c.open != 0 {
		workspace += " has-open"
	}
	return goapp.Div().Class("shell").Body(
		c.renderTopbar(),
		goapp.Main().ID("inbox").Class(workspace).Body(
			goapp.If(c.err != "", func() goapp.UI {
				return goapp.Div().Class("workspace-message").Body(
					goapp.P().ID("inbox-error").Class("form-error").Role("alert").Text(c.err),
					goapp.If(!c.loaded, func() goapp.UI {
						return goapp.Button().Type("button").Class("button button-secondary").OnClick(c.onRetry).Text("Try again")
					}),
				)
			}),
			goapp.If(!c.loaded && c.err == "", func() goapp.UI {
				return goapp.P().Class("workspace-message status").Text("Loading your inbox…")
			}),
			goapp.If(c.loaded, func() goapp.UI {
				return &convList{Me: c.session.Agent.ID, Selected: c.open}
			}),
			goapp.If(c.loaded && c.open != 0, func() goapp.UI {
				return &convView{ID: c.open, Me: c.session.Agent.ID, Agent: c.session.Agent}
			}).ElseIf(c.loaded, func() goapp.UI {
				return goapp.Section().Class("conversation-empty").Aria("label", "Conversation").Body(
					goapp.If(c.session.Agent.Role == model.RoleAdmin, func() goapp.UI { return &gettingStarted{} }),
					goapp.Div().Class("empty-state").Body(
						goapp.H2().Text("No conversation selected"),
						goapp.P().Text("Pick a conversation on the left to read it and reply."),
					),
				)
			}),
		),
		c.renderToasts(),
	)
}

func (c *inbox) renderTopbar() goapp.UI {
	logoutLabel := "Log out"
	if c.loggingOut {
		logoutLabel = "Logging out…"
	}
	return goapp.Header().Class("topbar").Body(
		goapp.A().Href(PathInbox).Class("topbar-brand").Body(
			goapp.Img().Src("/web/icon.svg").Role("presentation").Width(32).Height(32),
			goapp.Span().Text("Frontdesk"),
		),
		goapp.If(c.loaded, c.renderConnection),
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
				Class("button button-secondary button-small").
				Disabled(c.loggingOut).
				OnClick(c.onLogout).
				Text(logoutLabel)
		}),
	)
}

// renderConnection is the discreet live-updates indicator.
func (c *inbox) renderConnection() goapp.UI {
	label, class := "Connecting…", "connection connection-pending"
	switch {
	case c.conn.Up:
		label, class = "Live", "connection connection-up"
	case c.connKnown:
		label, class = "Reconnecting…", "connection connection-down"
	}
	return goapp.Span().ID("connection").Class(class).Role("status").Body(
		goapp.Span().Class("connection-dot").Aria("hidden", "true"),
		goapp.Text(label),
	)
}

// renderToasts is the in-app notification area; it is always in the page
// so screen readers announce what appears in it.
func (c *inbox) renderToasts() goapp.UI {
	items := make([]goapp.UI, 0, len(c.toasts))
	for _, t := range c.toasts {
		title := t.Title
		if title == "" {
			title = "New message from " + t.Name
		}
		items = append(items, goapp.A().
			Class("toast").
			Href(conversationPath(t.ConversationID)).
			Body(
				goapp.Span().Class("toast-title").Text(title),
				goapp.Span().Class("toast-body").Text(preview(t.Body)),
			))
	}
	return goapp.Div().ID("toasts").Class("toasts").Role("status").Aria("live", "polite").Body(items...)
}
