package app

import (
	"strconv"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// PathMeetings is the agent's upcoming meetings.
const PathMeetings = "/meetings"

// meetings lists the signed-in agent's upcoming meetings by day, in the
// agent's time zone, each linking to its conversation.
type meetings struct {
	goapp.Compo

	// Zone is the agent's IANA time zone.
	Zone string

	list   []model.Meeting
	loaded bool
	err    string
}

func (m *meetings) OnMount(ctx goapp.Context) {
	ctx.Handle(actionBackOnline, func(ctx goapp.Context, _ goapp.Action) { m.load(ctx) })
	m.load(ctx)
}

func (m *meetings) load(ctx goapp.Context) {
	ctx.Async(func() {
		list, err := api().Meetings(ctx)
		ctx.Dispatch(func(ctx goapp.Context) {
			if err != nil {
				m.err = userMessage(err)
				return
			}
			m.list, m.loaded, m.err = list, true, ""
		})
	})
}

// meetingDay is the meetings of one day in the agent's zone.
type meetingDay struct {
	Label    string
	Meetings []shownMeeting
}

type shownMeeting struct {
	model.Meeting
	Start, End time.Time // wall clocks in the agent's zone
}

// meetingDays groups meetings by their day in zone (the browser's own when
// zone is unknown), in the order given.
func meetingDays(list []model.Meeting, zone string, now time.Time) []meetingDay {
	clock := func(t time.Time) time.Time {
		if w, ok := wallClock(t, zone); ok {
			return w
		}
		return t.Local()
	}
	today := clock(now)
	var days []meetingDay
	last := ""
	for _, mt := range list {
		start, end := clock(mt.Start), clock(mt.End())
		label := dayLabel(start, today)
		if label != last {
			days = append(days, meetingDay{Label: label})
			last = label
		}
		d := &days[len(days)-1]
		d.Meetings = append(d.Meetings, shownMeeting{Meeting: mt, Start: start, End: end})
	}
	return days
}

// dayLabel names a day relative to today (both wall clocks of one zone):
// "Today · Tue 3 Jun", "Tomorrow · Wed 4 Jun", "Thu 5 Jun", and the year
// when it is not this year's.
func dayLabel(day, today time.Time) string {
	d := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	t := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	short := day.Format("Mon 2 Jan")
	if day.Year() != today.Year() {
		short = day.Format("Mon 2 Jan 2006")
	}
	switch d.Sub(t) / (24 * time.Hour) {
	case 0:
		return "Today · " + short
	case 1:
		return "Tomorrow · " + short
	default:
		return short
	}
}

func (m *meetings) Render() goapp.UI {
	return goapp.Main().ID("main-content").Class("content").Body(
		goapp.Div().Class("page-head").Body(
			goapp.Div().Body(
				goapp.H1().Text("Meetings"),
				goapp.P().Class("page-lead").Text(m.zoneLine()),
			),
			goapp.Div().Class("page-actions").Body(
				goapp.A().Class("button button-secondary").Href(PathAvailability).Text("Set my availability"),
			),
		),
		m.renderList(),
	)
}

func (m *meetings) zoneLine() string {
	if m.Zone == "" {
		return "Your upcoming meetings."
	}
	return "Your upcoming meetings, in your time zone (" + m.Zone + ")."
}

func (m *meetings) renderList() goapp.UI {
	switch {
	case m.err != "" && !m.loaded:
		return formAlert("meetings-error", m.err)
	case !m.loaded:
		return goapp.P().Class("status").Text("Loading meetings…")
	case len(m.list) == 0:
		return goapp.Div().ID("meetings-list").Class("empty-state").Body(
			goapp.H2().Text("No upcoming meetings"),
			goapp.P().Text("Guests book meetings on your personal link and booking page."),
		)
	}
	days := meetingDays(m.list, m.Zone, time.Now())
	sections := make([]goapp.UI, len(days))
	for i, d := range days {
		items := make([]goapp.UI, len(d.Meetings))
		for j, mt := range d.Meetings {
			items[j] = m.renderMeeting(mt)
		}
		headingID := "meetings-day-" + strconv.Itoa(i)
		sections[i] = goapp.Section().Class("day-group").Aria("labelledby", headingID).Body(
			goapp.H2().ID(headingID).Class("day-heading").Text(d.Label),
			goapp.Ul().Class("meeting-list").Body(items...),
		)
	}
	return goapp.Div().ID("meetings-list").Body(sections...)
}

func (m *meetings) renderMeeting(mt shownMeeting) goapp.UI {
	name := mt.Guest.Name
	if name == "" {
		name = mt.Guest.Email
	}
	if name == "" {
		name = "Guest"
	}
	return goapp.Li().ID("meeting-"+strconv.FormatInt(mt.ID, 10)).Class("meeting-item").Body(
		goapp.Div().Class("meeting-time").Body(
			goapp.Time().DateTime(mt.Meeting.Start.UTC().Format(time.RFC3339)).
				Text(mt.Start.Format("15:04")+"–"+mt.End.Format("15:04")),
			goapp.Span().Class("meeting-duration").Text(minutesLabel(mt.Duration)),
		),
		goapp.Div().Class("meeting-main").Body(
			goapp.Span().Class("meeting-guest").Text(name),
			goapp.If(mt.Guest.Email != "" && mt.Guest.Email != name, func() goapp.UI {
				return goapp.Span().Class("meeting-sub").Text(mt.Guest.Email)
			}),
			goapp.If(mt.Notes != "", func() goapp.UI {
				return goapp.P().Class("meeting-notes").Text(mt.Notes)
			}),
		),
		goapp.A().
			Class("button button-secondary button-small").
			Href(conversationPath(mt.ConversationID)).
			Aria("label", "Open the conversation with "+name).
			Text("Open conversation"),
	)
}
