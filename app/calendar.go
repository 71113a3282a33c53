package app

import (
	"fmt"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// codeCalendarUnusable is the API's answer to a calendar it cannot use.
const codeCalendarUnusable = "calendar_unusable"

// calendarSettings is the Calendar part of My availability: the agent's
// private ICS feed, and the connected calendar — Google Calendar or
// Microsoft 365 through their consent screens, or a CalDAV calendar with
// an app password — that meetings are written to and busy time is read
// from.
type calendarSettings struct {
	goapp.Compo

	settings model.CalendarSettings
	loaded   bool
	err      string

	form     model.CalendarInput
	errs     formErrors
	errPart  string // "feed", "connection" or "caldav": where errs and status are shown
	busy     bool
	status   string
	rotating bool // asking to confirm a new feed URL
	copied   string

	// The choices being edited: where meetings go, what counts as busy.
	write    string
	busyCals map[string]bool
}

func (c *calendarSettings) OnMount(ctx goapp.Context) {
	ctx.Handle(actionBackOnline, func(ctx goapp.Context, _ goapp.Action) {
		if !c.loaded {
			c.load(ctx)
		}
	})
	c.afterOAuth(ctx)
	c.load(ctx)
}

// afterOAuth reads how a connection went from the address the server
// redirected back to (?calendar=connected, ?calendar_error=<code>) and
// shows it. The address keeps the query: the app may mount this card
// more than once while it starts, and each must find it.
func (c *calendarSettings) afterOAuth(ctx goapp.Context) {
	q := ctx.Page().URL().Query()
	ok, code := q.Get("calendar") == "connected", q.Get("calendar_error")
	if !ok && code == "" {
		return
	}
	c.errPart = "connection"
	if ok {
		c.status = "Your calendar is connected. New meetings are added to it, and its busy time is taken off your booking page."
	} else {
		c.errs = formErrors{Message: oauthMessage(code)}
	}
}

// oauthMessage says what a connection failure means for the agent.
func oauthMessage(code string) string {
	switch code {
	case model.CodeOAuthState:
		return "That sign-in has expired or was already used. Connect again."
	case model.CodeOAuthWrongAgent:
		return "That sign-in was started by another Frontdesk user. Connect again from here."
	case model.CodeOAuthDenied:
		return "Access was not allowed, so nothing was connected."
	case model.CodeOAuthScope:
		return "Frontdesk needs every permission it asks for: to see and edit the events of your calendars, and to list them. Connect again and leave every box ticked."
	case model.CodeOAuthFailed:
		return "The sign-in could not be completed. Connect again."
	case model.CodeCalendarNotConfigured:
		return "This calendar service is not set up yet. An admin can set it up in Settings → Integrations."
	case model.CodeUnauthenticated:
		return "You were signed out during the sign-in. Sign in and connect again."
	case codeCalendarUnusable:
		return "Your calendars could not be read. Try again in a moment."
	}
	return "The calendar could not be connected. Try again."
}

func (c *calendarSettings) load(ctx goapp.Context) {
	ctx.Async(func() {
		s, err := api().Calendar(ctx)
		ctx.Dispatch(func(ctx goapp.Context) {
			if err != nil {
				c.err = userMessage(err)
				return
			}
			c.set(s)
			c.loaded, c.err = true, ""
		})
	})
}

// set shows settings and resets the choices being edited to them.
func (c *calendarSettings) set(s model.CalendarSettings) {
	c.settings, c.write, c.busyCals = s, s.WriteCalendarID, map[string]bool{}
	for _, cal := range s.Calendars {
		c.busyCals[cal.ID] = cal.Busy
	}
}

// run sends one change of the calendar settings and shows its outcome in
// part.
func (c *calendarSettings) run(ctx goapp.Context, part, done string, call func() (model.CalendarSettings, error)) {
	if c.busy {
		return
	}
	c.busy, c.errs, c.status, c.errPart = true, formErrors{}, "", part
	ctx.Async(func() {
		s, err := call()
		ctx.Dispatch(func(ctx goapp.Context) {
			c.busy, c.rotating = false, false
			if err != nil {
				c.errs = formErrorsOf(err)
				if e, ok := model.AsError(err); ok && e.Code == codeCalendarUnusable {
					c.errs.Fields = nil // the message says it all
				}
				return
			}
			c.set(s)
			c.status, c.copied = done, ""
			c.form.Password = ""
		})
	})
}

func (c *calendarSettings) onConnect(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	in := c.form
	c.run(ctx, "caldav", "Calendar connected. New meetings are written to it, and its busy time blocks your booking page.", func() (model.CalendarSettings, error) {
		return api().ConnectCalendar(ctx, in)
	})
}

func (c *calendarSettings) onDisconnect(ctx goapp.Context, _ goapp.Event) {
	c.run(ctx, "connection", "Calendar disconnected.", func() (model.CalendarSettings, error) { return api().DisconnectCalendar(ctx) })
}

// onOAuth sends the browser to the provider's consent screen; it comes
// back to this page.
func (c *calendarSettings) onOAuth(provider string) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		if c.busy {
			return
		}
		c.busy, c.errs, c.status, c.errPart = true, formErrors{}, "", "connection"
		ctx.Async(func() {
			u, err := api().StartCalendarOAuth(ctx, provider)
			ctx.Dispatch(func(ctx goapp.Context) {
				if err != nil {
					c.busy = false
					c.errs = formErrorsOf(err)
					return
				}
				goapp.Window().Get("location").Set("href", u)
			})
		})
	}
}

func (c *calendarSettings) onWrite(id string) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) { c.write = id }
}

func (c *calendarSettings) onBusy(id string) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) { c.busyCals[id] = checked(ctx) }
}

func (c *calendarSettings) onChoose(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	in := model.CalendarChoices{WriteCalendarID: c.write, BusyCalendarIDs: []string{}}
	for _, cal := range c.settings.Calendars {
		if c.busyCals[cal.ID] {
			in.BusyCalendarIDs = append(in.BusyCalendarIDs, cal.ID)
		}
	}
	c.run(ctx, "connection", "Saved. Busy time of newly chosen calendars shows on your booking page within a minute.", func() (model.CalendarSettings, error) {
		return api().ChooseCalendars(ctx, in)
	})
}

func (c *calendarSettings) onRotate(ctx goapp.Context, _ goapp.Event) {
	if !c.rotating {
		c.rotating = true
		return
	}
	c.run(ctx, "feed", "New feed URL made. Subscribe to it again; the old one no longer works.", func() (model.CalendarSettings, error) {
		return api().RotateFeed(ctx)
	})
}

func (c *calendarSettings) onCancelRotate(ctx goapp.Context, _ goapp.Event) { c.rotating = false }

func (c *calendarSettings) onCopyFeed(ctx goapp.Context, _ goapp.Event) {
	copyToClipboard(ctx, "feed-url", c.settings.FeedURL, func(ctx goapp.Context, ok bool) {
		if ok {
			c.copied = "feed-url"
		}
	})
}

func (c *calendarSettings) Render() goapp.UI {
	body := []goapp.UI{goapp.H2().ID("calendar-title").Text("Calendar")}
	switch {
	case !c.loaded && c.err != "":
		body = append(body, formAlert("calendar-load-error", c.err))
	case !c.loaded:
		body = append(body, goapp.P().Class("status").Text("Loading…"))
	default:
		body = append(body, c.renderFeed(), c.renderConnection())
	}
	return goapp.Section().ID("calendar").Class("card").Aria("labelledby", "calendar-title").Body(body...)
}

// outcome is the error and status regions of one part of the card; the
// part that did not act keeps empty ones, with other ids.
func (c *calendarSettings) outcome(part string) goapp.UI {
	msg, status := "", ""
	if c.errPart == part {
		msg, status = c.errs.Message, c.status
	}
	id := map[string]string{"feed": "feed", "caldav": "calendar", "connection": "connection"}[part]
	return goapp.Div().Class("outcome").Body(formAlert(id+"-error", msg), formStatus(id+"-status", status))
}

func (c *calendarSettings) renderFeed() goapp.UI {
	rotateLabel := "Generate a new URL"
	if c.rotating {
		rotateLabel = "Yes, generate a new URL"
	}
	return goapp.Div().Class("card-part").Body(
		goapp.H3().Text("Subscribe to your meetings"),
		goapp.P().Class("card-lead").Text("Add this private address to any calendar app (“From URL” or “Subscribe”) to see your meetings there. Keep it to yourself: anyone with it can read your meetings."),
		copyBox("feed-url", "calendar feed URL", c.settings.FeedURL, false, c.copied, c.onCopyFeed),
		c.outcome("feed"),
		goapp.If(c.rotating, func() goapp.UI {
			return goapp.P().ID("rotate-warning").Class("notice notice-warn").
				Text("Calendars subscribed to the current URL stop updating until you subscribe to the new one.")
		}),
		goapp.Div().Class("form-actions").Body(
			goapp.Button().ID("rotate-feed").Type("button").Class("button button-secondary button-small").
				Disabled(c.busy).OnClick(c.onRotate).Text(rotateLabel),
			goapp.If(c.rotating, func() goapp.UI {
				return goapp.Button().Type("button").Class("button button-secondary button-small").
					OnClick(c.onCancelRotate).Text("Cancel")
			}),
		),
	)
}

// providerTitle names a provider as the agent knows it.
func providerTitle(p string) string {
	switch p {
	case "google":
		return "Google Calendar"
	case "microsoft":
		return "Microsoft 365"
	}
	return "CalDAV calendar"
}

func (c *calendarSettings) renderConnection() goapp.UI {
	s := c.settings
	if !s.Connected {
		return goapp.Div().ID("calendar-connection").Class("card-part").Body(
			goapp.H3().Text("Connect your calendar"),
			goapp.P().Class("card-lead").Text("Frontdesk adds your meetings to it and keeps its busy time off your booking page. Invitations you have not answered with Yes do not block a slot."),
			c.outcome("connection"),
			goapp.Div().Class("form-actions").Body(
				goapp.Range(s.Available).Slice(func(i int) goapp.UI {
					p := s.Available[i]
					return goapp.Button().ID("connect-" + p).Type("button").Class("button button-primary").
						Disabled(c.busy).OnClick(c.onOAuth(p)).Text("Connect " + providerTitle(p))
				}),
			),
			goapp.If(len(s.Available) == 0, func() goapp.UI {
				return goapp.P().ID("calendar-oauth-unavailable").Class("card-lead").
					Text("Google Calendar and Microsoft 365 can be connected once an admin sets them up in Settings → Integrations.")
			}),
			c.renderCalDAV("Or connect a CalDAV calendar"),
		)
	}
	reconnect := s.Status == model.CalendarNeedsReconnect
	badge := goapp.Span().Class("status-badge status-open").Text("Connected")
	if reconnect {
		badge = goapp.Span().Class("status-badge status-pending").Text("Needs reconnecting")
	}
	account := s.Username
	if s.Provider == "caldav" {
		account = s.URL + " as " + s.Username
	}
	oauth := s.Provider == "google" || s.Provider == "microsoft"
	return goapp.Div().ID("calendar-connection").Class("card-part").Body(
		goapp.H3().Text("Connected calendar"),
		goapp.P().ID("calendar-connected").Body(badge, goapp.Text(" "+providerTitle(s.Provider)+" · "+account)),
		goapp.If(reconnect, func() goapp.UI {
			msg := "Frontdesk can no longer reach this calendar"
			if s.StatusMessage != "" {
				msg += ": " + s.StatusMessage
			}
			return goapp.P().ID("calendar-reconnect-note").Class("notice notice-warn").
				Text(msg + ". Until you connect it again, new meetings are not added to it, and your booking page uses the busy times Frontdesk already knows.")
		}),
		goapp.If(reconnect && oauth, func() goapp.UI {
			return goapp.Button().ID("calendar-reconnect").Type("button").Class("button button-primary").
				Disabled(c.busy).OnClick(c.onOAuth(s.Provider)).Text("Reconnect " + providerTitle(s.Provider))
		}),
		goapp.If(oauth, func() goapp.UI { return c.renderChoices() }),
		goapp.If(!oauth, func() goapp.UI {
			return goapp.P().Class("card-lead").Text("Meetings are written to this calendar, moved when rescheduled and removed when cancelled; its busy time is taken off your booking page.")
		}),
		c.outcome("connection"),
		goapp.Button().ID("calendar-disconnect").Type("button").Class("button button-secondary button-small").
			Disabled(c.busy).OnClick(c.onDisconnect).Text("Disconnect"),
		goapp.If(reconnect && !oauth, func() goapp.UI { return c.renderCalDAV("Connect it again") }),
	)
}

// renderChoices lists the account's calendars: the one meetings go to,
// and those whose events count as busy.
func (c *calendarSettings) renderChoices() goapp.UI {
	cals := c.settings.Calendars
	rows := make([]goapp.UI, 0, len(cals)+1)
	for i, cal := range cals {
		name := cal.Name
		if cal.Primary {
			name += " (main calendar)"
		}
		state := "Not read yet"
		switch {
		case !cal.Busy:
			state = ""
		case cal.SyncError != "":
			state = "Last read failed: " + cal.SyncError
		case cal.SyncedAt != nil:
			state = "Read " + cal.SyncedAt.Local().Format("Jan 2, 15:04")
		}
		busyID, writeID := fmt.Sprintf("cal-busy-%d", i), fmt.Sprintf("cal-write-%d", i)
		rows = append(rows, goapp.Div().ID(fmt.Sprintf("cal-%d", i)).Class("calendar-row").Body(
			goapp.Strong().Class("calendar-name").Text(name),
			checkField(busyID, "Counts as busy", c.busyCals[cal.ID], c.onBusy(cal.ID)),
			goapp.Label().Class("check").For(writeID).Body(
				goapp.Input().ID(writeID).Type("radio").Name("write-calendar").Value(cal.ID).
					Checked(c.write == cal.ID).Disabled(!cal.Writable).OnChange(c.onWrite(cal.ID)),
				goapp.Span().Text(map[bool]string{true: "New meetings go here", false: "Read-only"}[cal.Writable]),
			),
			goapp.If(state != "", func() goapp.UI { return goapp.Span().Class("field-hint").Text(state) }),
		))
	}
	rows = append(rows, goapp.Label().Class("check").For("cal-write-none").Body(
		goapp.Input().ID("cal-write-none").Type("radio").Name("write-calendar").Value("").
			Checked(c.write == "").OnChange(c.onWrite("")),
		goapp.Span().Text("Add new meetings to no calendar"),
	))
	return goapp.Form().ID("calendar-choices").OnSubmit(c.onChoose).Body(
		goapp.FieldSet().Class("choice-group").Body(append([]goapp.UI{goapp.Legend().Text("Your calendars")}, rows...)...),
		goapp.Button().ID("calendar-save").Type("submit").Class("button button-primary button-small").Disabled(c.busy).Text("Save choices"),
	)
}

// renderCalDAV is the form for a CalDAV calendar with an app password.
func (c *calendarSettings) renderCalDAV(title string) goapp.UI {
	submit := "Connect calendar"
	if c.busy && c.errPart == "caldav" {
		submit = "Checking…"
	}
	fe := c.errs
	if c.errPart != "caldav" {
		fe = formErrors{}
	}
	return goapp.Div().ID("caldav").Class("card-part").Body(
		goapp.H3().Text(title),
		goapp.Form().ID("caldav-form").OnSubmit(c.onConnect).Body(
			c.outcome("caldav"),
			goapp.Div().Class("form-grid").Body(
				textField("cal-url", "Server URL", "url", &c.form.URL, "", fe.field("url")),
				textField("cal-username", "Username", "text", &c.form.Username, "", fe.field("username")),
				textField("cal-password", "App password", "password", &c.form.Password, "Made in your account's security settings; never your main password.", fe.field("password")),
			),
			goapp.Button().ID("calendar-connect").Type("submit").Class("button button-primary").Disabled(c.busy).Text(submit),
		),
		goapp.Details().Class("help").Body(
			goapp.Summary().Text("Which calendars work?"),
			goapp.Ul().Body(
				goapp.Li().Body(goapp.Strong().Text("Google Calendar and Microsoft 365: "), goapp.Text("use the Connect buttons above; they need no password.")),
				goapp.Li().Body(goapp.Strong().Text("Apple iCloud: "), goapp.Code().Text("https://caldav.icloud.com"), goapp.Text(", your Apple Account email and an app-specific password.")),
				goapp.Li().Body(goapp.Strong().Text("Fastmail: "), goapp.Code().Text("https://caldav.fastmail.com/dav/principals/user/you@example.com/"), goapp.Text(" with an app password.")),
				goapp.Li().Body(goapp.Strong().Text("Nextcloud: "), goapp.Code().Text("https://your-cloud/remote.php/dav"), goapp.Text(" with an app password.")),
			),
		),
	)
}
