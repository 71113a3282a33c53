package app

import (
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// screen names a top-level screen of the app.
type screen string

const (
	screenInbox        screen = "inbox"
	screenPhonebook    screen = "phonebook"
	screenMeetings     screen = "meetings"
	screenAvailability screen = "availability"
	screenSettings     screen = "settings"
)

// actionBackOnline says a request went through after the app was offline:
// screens showing saved data fetch it afresh.
const actionBackOnline = "frontdesk.back-online"

// actionOrganizationRenamed carries the model.Organization an admin renamed.
const actionOrganizationRenamed = "frontdesk.organization-renamed"

// navItem is an entry of the navigation rail.
type navItem struct {
	Screen screen
	Path   string
	Label  string
	Icon   string
	Admin  bool // shown to admins only
}

var navItems = []navItem{
	{screenInbox, PathInbox, "Inbox", iconInbox, false},
	{screenPhonebook, PathPhonebook, "Phonebook", iconPhonebook, false},
	{screenMeetings, PathMeetings, "Meetings", iconMeetings, false},
	{screenAvailability, PathAvailability, "Availability", iconAvailability, false},
	{screenSettings, PathSettings, "Settings", iconSettings, false},
}

// frame is the app around every signed-in screen: the navigation rail,
// the offline banner, and the session the screens share. Every route but
// the login is a frame; moving between screens updates it (go-app keeps a
// component of the same type) so the rail and the session stay.
//
// The inbox loads the session itself (it did before the frame existed);
// the frame observes it. Other screens get it from the frame.
type frame struct {
	goapp.Compo

	// Screen is the screen to show, set by the route.
	Screen screen

	// ctx is the frame's own context: an event's belongs to the element
	// that fired it, and go-app drops its dispatches once that is gone.
	ctx     goapp.Context
	mounted bool
	path    string
	session model.Session
	loading bool
	err     string

	status         offlineStatus
	browserOffline bool
	stopWatch      func()
	online         goapp.Func
	offline        goapp.Func
}

func (f *frame) OnMount(ctx goapp.Context) {
	f.ctx, f.mounted = ctx, true
	ctx.ObserveState(stateSession, &f.session).OnChange(f.rememberSession)
	if s, ok := cachedSession(ctx); ok {
		f.session = s
		f.rememberSession()
	}
	ctx.Handle(actionSignedOut, f.onSignedOut)
	ctx.Handle(actionOrganizationRenamed, f.onRenamed)

	if c := appOffline(); c != nil {
		f.status = c.Status()
		f.stopWatch = c.watch(func(st offlineStatus) {
			ctx.Dispatch(func(ctx goapp.Context) { f.onStatus(ctx, st) })
		})
	}
	f.browserOffline = !browserOnline()
	connectivity := func(goapp.Value, []goapp.Value) any {
		ctx.Dispatch(func(ctx goapp.Context) { f.browserOffline = !browserOnline() })
		return nil
	}
	f.online, f.offline = goapp.FuncOf(connectivity), goapp.FuncOf(connectivity)
	goapp.Window().Call("addEventListener", "online", f.online)
	goapp.Window().Call("addEventListener", "offline", f.offline)
	f.ensureSession(ctx)
}

func (f *frame) OnDismount() {
	if f.stopWatch != nil {
		f.stopWatch()
	}
	for event, fn := range map[string]goapp.Func{"online": f.online, "offline": f.offline} {
		if fn != nil {
			goapp.Window().Call("removeEventListener", event, fn)
			fn.Release()
		}
	}
}

func (f *frame) OnNav(ctx goapp.Context) {
	f.path = ctx.Page().URL().Path
	if f.Screen != screenInbox {
		ctx.Page().SetTitle(screenTitle(f.Screen) + " · Frontdesk")
	}
	if f.mounted {
		f.ensureSession(ctx)
	}
}

// ensureSession loads the session when the screen needs it from the frame.
func (f *frame) ensureSession(ctx goapp.Context) {
	if f.session.Agent.ID != 0 || f.loading || f.Screen == screenInbox {
		return
	}
	if s, ok := cachedSession(ctx); ok {
		f.session = s
		return
	}
	f.loadSession(ctx, false)
}

// loadSession asks the server who is signed in; quiet keeps the screen as
// it is while it does (a refresh).
func (f *frame) loadSession(ctx goapp.Context, quiet bool) {
	f.loading, f.err = !quiet, ""
	ctx.Async(func() {
		s, err := api().Session(ctx)
		ctx.Dispatch(func(ctx goapp.Context) {
			f.loading = false
			switch {
			case isSignedOut(err):
				f.onSignedOut(ctx, goapp.Action{})
			case err != nil:
				if !quiet {
					f.err = userMessage(err)
				}
			default:
				ctx.SetState(stateSession, s)
				f.session = s
				f.rememberSession()
			}
		})
	})
}

// rememberSession keeps the session for opening offline: a login's
// session never went through the offline cache. A session replayed
// offline is already kept, with the time it was fetched.
func (f *frame) rememberSession() {
	if c := appOffline(); c != nil && f.session.Agent.ID != 0 && !c.Status().Offline {
		c.remember("/api/v1/auth/session", f.session)
	}
}

func (f *frame) onRetry(goapp.Context, goapp.Event) { f.loadSession(f.ctx, false) }

func (f *frame) onSignedOut(ctx goapp.Context, _ goapp.Action) {
	browserLive(ctx).stop()
	ctx.DelState(stateSession)
	ctx.Navigate(PathLogin)
}

// onStatus follows the connection. Back online after being offline, the
// session is fetched again (a session replayed on a fresh start carries
// no CSRF token) and the screens refresh what they show.
func (f *frame) onStatus(ctx goapp.Context, st offlineStatus) {
	wasOffline := f.status.Offline
	f.status = st
	if wasOffline && !st.Offline {
		f.loadSession(ctx, true)
		ctx.NewAction(actionBackOnline)
	}
}

// onRenamed takes the organization's new name into the session.
func (f *frame) onRenamed(ctx goapp.Context, a goapp.Action) {
	org, ok := a.Value.(model.Organization)
	if !ok || f.session.Agent.ID == 0 {
		return
	}
	s := f.session
	s.Organization = org
	f.session = s
	ctx.SetState(stateSession, s)
}

func (f *frame) Render() goapp.UI {
	return goapp.Div().Class("app-frame").Body(
		f.renderNav(),
		goapp.Div().Class("app-main").Body(
			f.renderOfflineBanner(),
			&verifyBanner{Agent: f.session.Agent, Org: f.session.Organization},
			f.renderScreen(),
		),
	)
}

func (f *frame) renderNav() goapp.UI {
	admin := f.session.Agent.Role == model.RoleAdmin
	items := make([]goapp.UI, 0, len(navItems))
	for _, it := range navItems {
		if it.Admin && !admin {
			continue
		}
		link := goapp.A().
			ID("nav-"+string(it.Screen)).
			Class("nav-item").
			Href(it.Path).
			Body(
				goapp.Raw(icon(it.Icon)),
				goapp.Span().Class("nav-label").Text(it.Label),
			)
		if it.Screen == f.Screen {
			link = link.Aria("current", "page")
		}
		items = append(items, goapp.Li().Body(link))
	}
	return goapp.Nav().ID("app-nav").Class("app-nav").Aria("label", "Main").Body(
		goapp.Ul().Class("nav-list").Body(items...),
		goapp.If(f.session.Agent.ID != 0, func() goapp.UI {
			return goapp.Div().Class("nav-end").Body(&pushToggle{})
		}),
	)
}

func (f *frame) renderOfflineBanner() goapp.UI {
	if !f.status.Offline && !f.browserOffline {
		return goapp.Div().ID("offline-status").Role("status")
	}
	msg := "You are offline. Frontdesk reconnects when the network is back."
	if !f.status.SavedAt.IsZero() {
		msg = "Offline — showing saved data from " + savedAtLabel(f.status.SavedAt, time.Now()) +
			". Changes can be made again once you are back online."
	}
	return goapp.Div().ID("offline-status").Role("status").Body(
		goapp.P().ID("offline-banner").Class("offline-banner").Body(
			goapp.Span().Class("offline-dot").Aria("hidden", "true"),
			goapp.Text(msg),
		),
	)
}

func (f *frame) renderScreen() goapp.UI {
	if f.Screen == screenInbox {
		return &inbox{}
	}
	if f.session.Agent.ID == 0 {
		return goapp.Div().Class("shell").Body(
			&pageBar{},
			goapp.Main().ID("main-content").Class("content").Body(
				goapp.If(f.err != "", func() goapp.UI {
					return goapp.Div().Body(
						formAlert("frame-error", f.err),
						goapp.Button().Type("button").Class("button button-secondary").OnClick(f.onRetry).Text("Try again"),
					)
				}).Else(func() goapp.UI {
					return goapp.P().Class("status").Text("Loading…")
				}),
			),
		)
	}
	var page goapp.UI
	switch f.Screen {
	case screenPhonebook:
		page = &phonebook{}
	case screenMeetings:
		page = &meetings{Zone: f.session.Agent.TimeZone}
	case screenAvailability:
		page = &availability{Me: f.session.Agent}
	case screenSettings:
		page = &settings{Section: settingsSection(f.path), Me: f.session.Agent, Org: f.session.Organization}
	}
	return goapp.Div().Class("shell").Body(
		&pageBar{Me: f.session.Agent, Org: f.session.Organization.Name},
		page,
	)
}

func screenTitle(s screen) string {
	for _, it := range navItems {
		if it.Screen == s {
			if s == screenAvailability {
				return "My availability"
			}
			return it.Label
		}
	}
	return "Frontdesk"
}

// browserOnline reports whether the browser thinks it has a network.
func browserOnline() bool {
	if !goapp.IsClient {
		return true
	}
	v := goapp.Window().Get("navigator").Get("onLine")
	return v.IsUndefined() || v.Bool()
}

// pageBar is the top bar of the screens other than the inbox (which has
// its own, with the live-connection indicator): the brand, who is signed
// in, and Log out.
type pageBar struct {
	goapp.Compo

	Me  model.Agent
	Org string

	busy bool
	err  string
}

func (b *pageBar) onLogout(ctx goapp.Context, _ goapp.Event) {
	if b.busy {
		return
	}
	b.busy, b.err = true, ""
	ctx.Async(func() {
		err := signOut(ctx, ctx.LocalStorage())
		ctx.Dispatch(func(ctx goapp.Context) {
			b.busy = false
			if err != nil && !isSignedOut(err) {
				b.err = userMessage(err)
				return
			}
			browserLive(ctx).stop()
			ctx.DelState(stateSession)
			ctx.Navigate(PathLogin)
		})
	})
}

func (b *pageBar) Render() goapp.UI {
	label := "Log out"
	if b.busy {
		label = "Logging out…"
	}
	return goapp.Header().Class("topbar").Body(
		goapp.A().Href(PathInbox).Class("topbar-brand").Body(
			goapp.Img().Src("/web/icon.svg").Role("presentation").Aria("hidden", "true").Width(32).Height(32),
			goapp.Span().Text("Frontdesk"),
		),
		goapp.If(b.err != "", func() goapp.UI {
			return goapp.P().ID("logout-error").Class("topbar-error").Role("alert").Text(b.err)
		}),
		goapp.If(b.Me.ID != 0, func() goapp.UI {
			return goapp.Div().Class("topbar-agent").Body(
				goapp.Span().ID("agent-name").Class("topbar-agent-name").Text(b.Me.Name),
				goapp.Span().ID("agent-org").Class("topbar-agent-org").Text(b.Org),
			)
		}),
		goapp.If(b.Me.ID != 0, func() goapp.UI {
			return goapp.Button().
				ID("logout").
				Type("button").
				Class("button button-secondary button-small").
				Disabled(b.busy).
				OnClick(b.onLogout).
				Text(label)
		}),
	)
}

// Icons: 24-pixel line drawings in the text's colour, hidden from
// assistive technology (the label says it).
const (
	iconInbox        = `<path d="M4 13h4l1.5 3h5L16 13h4"/><path d="M6.5 5h11l2.5 8v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1v-5z"/>`
	iconPhonebook    = `<rect x="4" y="3" width="16" height="18" rx="2"/><circle cx="12" cy="10" r="3"/><path d="M7.5 17.5a4.5 4.5 0 0 1 9 0"/>`
	iconMeetings     = `<rect x="3.5" y="5" width="17" height="15.5" rx="2"/><path d="M3.5 10h17M8 3v4M16 3v4"/>`
	iconAvailability = `<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/>`
	iconSettings     = `<path d="M4 7h9M17 7h3M4 12h3M11 12h9M4 17h11M19 17h1"/><circle cx="15" cy="7" r="2"/><circle cx="9" cy="12" r="2"/><circle cx="17" cy="17" r="2"/>`
	iconBell         = `<path d="M6 16v-5a6 6 0 0 1 12 0v5l1.5 2h-15z"/><path d="M10 20.5a2 2 0 0 0 4 0"/>`
	iconBellOff      = `<path d="M6 16v-5a6 6 0 0 1 12 0v5l1.5 2h-15z"/><path d="M10 20.5a2 2 0 0 0 4 0"/><path d="M4 4l16 16"/>`
)

func icon(paths string) string {
	return `<svg class="icon" viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">` + paths + `</svg>`
}
