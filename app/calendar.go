package app

import (
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// codeCalendarUnusable is the API's answer to a calendar it cannot use.
const codeCalendarUnusable = "calendar_unusable"

// calendarSettings is the Calendar part of My availability: the agent's
// private ICS feed, and a CalDAV calendar to write meetings to and read
// busy time from.
type calendarSettings struct {
	goapp.Compo

	settings model.CalendarSettings
	loaded   bool
	err      string

	form     model.CalendarInput
	errs     formErrors
	errPart  string // "feed" or "caldav": where errs and status are shown
	busy     bool
	status   string
	rotating bool // asking to confirm a new feed URL
	copied   string
}

func (c *calendarSettings) OnMount(ctx goapp.Context) {
	ctx.Handle(actionBackOnline, func(ctx goapp.Context, _ goapp.Action) {
		if !c.loaded {
			c.load(ctx)
		}
	})
	c.load(ctx)
}

func (c *calendarSettings) load(ctx goapp.Context) {
	ctx.Async(func() {
		s, err := api().Calendar(ctx)
		ctx.Dispatch(func(ctx goapp.Context) {
			if err != nil {
				c.err = userMessage(err)
				return
			}
			c.settings, c.loaded, c.err = s, true, ""
		})
	})
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
			c.settings, c.status, c.copied = s, done, ""
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
	c.run(ctx, "caldav", "Calendar disconnected.", func() (model.CalendarSettings, error) { return api().DisconnectCalendar(ctx) })
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
		body = append(body, c.renderFeed(), c.renderCalDAV())
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
	id := "calendar"
	if part == "feed" {
		id = "feed"
	}
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

func (c *calendarSettings) renderCalDAV() goapp.UI {
	if c.settings.Connected {
		return goapp.Div().ID("caldav").Class("card-part").Body(
			goapp.H3().Text("Connected calendar"),
			goapp.P().ID("caldav-connected").Body(
				goapp.Span().Class("status-badge status-open").Text("Connected"),
				goapp.Text(" "+c.settings.URL+" as "+c.settings.Username),
			),
			goapp.P().Class("card-lead").Text("Meetings are written to this calendar, moved when rescheduled and removed when cancelled; its busy time is taken off your booking page."),
			c.outcome("caldav"),
			goapp.Button().ID("calendar-disconnect").Type("button").Class("button button-secondary button-small").
				Disabled(c.busy).OnClick(c.onDisconnect).Text("Disconnect"),
		)
	}
	submit := "Connect calendar"
	if c.busy {
		submit = "Checking…"
	}
	fe := c.errs
	return goapp.Div().ID("caldav").Class("card-part").Body(
		goapp.H3().Text("Connect a CalDAV calendar"),
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
				goapp.Li().Body(goapp.Strong().Text("Apple iCloud: "), goapp.Code().Text("https://caldav.icloud.com"), goapp.Text(", your Apple Account email and an app-specific password.")),
				goapp.Li().Body(goapp.Strong().Text("Fastmail: "), goapp.Code().Text("https://caldav.fastmail.com/dav/principals/user/you@example.com/"), goapp.Text(" with an app password.")),
				goapp.Li().Body(goapp.Strong().Text("Nextcloud: "), goapp.Code().Text("https://your-cloud/remote.php/dav"), goapp.Text(" with an app password.")),
				goapp.Li().Body(goapp.Strong().Text("Google Calendar: "), goapp.Text("Google's CalDAV needs sign-in with Google, which Frontdesk does not do yet. You still get every meeting: Google adds the invitation emails to your calendar, and you can subscribe to the feed above with “From URL”. Your other Google events do not block booking slots yet.")),
			),
		),
	)
}
