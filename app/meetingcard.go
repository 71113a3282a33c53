package app

import (
	"strconv"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// meetingCard is the side panel's card for the meeting a conversation was
// booked for (the seed's "Manage scheduled meetings"): when it is, in the
// agent's zone and the guest's, how long, its status; its agent (or an
// admin) can change the duration, reschedule it to one of the agent's free
// slots, or delete it. The server posts the change in the conversation
// and emails both sides.
type meetingCard struct {
	goapp.Compo

	ConversationID int64
	Me             int64 // the signed-in agent

	// self is the component's own context. Requests started by a click
	// report back through it: go-app drops a Dispatch whose source element
	// is gone, and the clicked button may be replaced meanwhile (a live
	// event can re-render the section before the answer arrives).
	self goapp.Context

	shown   int64
	loads   int
	found   bool
	meeting model.Meeting
	loadErr string
	// agent is the meeting's agent: their zone, name and slug.
	agent model.Agent
	admin bool

	durations []int // the durations the meeting's agent offers
	duration  int   // the one chosen in the field

	rescheduling bool
	slots        []slotDay
	slotsLoaded  bool
	slotsErr     string
	slot         string // the chosen start, RFC 3339
	when         string // an admin's datetime-local value

	confirmDelete bool

	busy bool
	err  string
	done string
}

func (c *meetingCard) OnMount(ctx goapp.Context) {
	c.self = ctx
	if s, ok := cachedSession(ctx); ok {
		c.admin = s.Agent.Role == model.RoleAdmin
		c.agent = s.Agent
	}
	ctx.Handle(actionEvent, c.onEvent)
	ctx.Handle(actionConnection, func(ctx goapp.Context, a goapp.Action) {
		if s, ok := a.Value.(connState); ok && s.Up && c.found {
			c.refresh(ctx)
		}
	})
	c.load(ctx)
}

func (c *meetingCard) OnUpdate(ctx goapp.Context) {
	if c.ConversationID != c.shown {
		c.load(ctx)
	}
}

// load shows the meeting of conversation c.ConversationID from scratch.
func (c *meetingCard) load(ctx goapp.Context) {
	c.shown = c.ConversationID
	c.found, c.meeting, c.loadErr = false, model.Meeting{}, ""
	c.durations, c.duration = nil, 0
	c.closeForms()
	c.busy, c.err, c.done = false, "", ""
	c.refresh(ctx)
}

// refresh reads the meeting again, keeping what the agent is doing: the
// guest may have moved it from their own page.
func (c *meetingCard) refresh(ctx goapp.Context) {
	c.loads++
	id, load := c.shown, c.loads
	ctx.Async(func() {
		m, err := api().ConversationMeeting(ctx, id)
		ctx.Dispatch(func(ctx goapp.Context) {
			if c.loads != load {
				return
			}
			if err != nil {
				if e, ok := model.AsError(err); ok && e.Code == model.CodeNotFound {
					c.found = false
					return
				}
				if !c.found {
					c.loadErr = userMessage(err)
				}
				return
			}
			first := !c.found || c.meeting.ID != m.ID
			c.set(m)
			if first {
				c.loadAgent(ctx)
			}
		})
	})
}

func (c *meetingCard) set(m model.Meeting) {
	c.found, c.meeting, c.loadErr = true, m, ""
	c.duration = m.Duration
	if m.Status == model.MeetingCancelled {
		c.closeForms()
	}
}

// loadAgent finds the meeting's agent (their zone and name) and, for
// those who may change it, the durations the agent offers.
func (c *meetingCard) loadAgent(ctx goapp.Context) {
	agentID, own, admin := c.meeting.AgentID, c.meeting.AgentID == c.Me, c.admin
	ctx.Async(func() {
		agents, err := api().Agents(ctx)
		var agent model.Agent
		for _, a := range agents {
			if a.ID == agentID {
				agent = a
			}
		}
		var durations []int
		switch {
		case own:
			if av, err := api().MyAvailability(ctx); err == nil {
				durations = av.Durations
			}
		case admin && agent.Slug != "":
			if card, err := api().AgentCard(ctx, agent.Slug); err == nil {
				durations = card.Durations
			}
		}
		ctx.Dispatch(func(ctx goapp.Context) {
			if c.meeting.AgentID != agentID {
				return
			}
			if err == nil && agent.ID != 0 {
				c.agent = agent
			}
			if durations != nil {
				c.durations = durations
			}
		})
	})
}

func (c *meetingCard) closeForms() {
	c.rescheduling, c.slots, c.slotsLoaded, c.slotsErr, c.slot, c.when = false, nil, false, "", "", ""
	c.confirmDelete = false
}

// onEvent reads the meeting again when the conversation announces a change
// (a system message), whoever made it.
func (c *meetingCard) onEvent(ctx goapp.Context, a goapp.Action) {
	ev, ok := a.Value.(model.Event)
	if !ok || ev.ConversationID != c.shown || ev.Type != model.EventMessage || ev.Message == nil {
		return
	}
	if ev.Message.AuthorKind == model.AuthorSystem && c.found && !c.busy {
		c.refresh(ctx)
	}
}

// canChange reports whether the signed-in agent may change the meeting:
// its agent or an admin, while it is not cancelled.
func (c *meetingCard) canChange() bool {
	return c.found && c.meeting.Status == model.MeetingScheduled && (c.meeting.AgentID == c.Me || c.admin)
}

func (c *meetingCard) onDuration(ctx goapp.Context, e goapp.Event) {
	c.duration, _ = strconv.Atoi(ctx.JSSrc().Get("value").String())
	c.err, c.done = "", ""
}

func (c *meetingCard) onDurationApply(ctx goapp.Context, e goapp.Event) {
	if c.duration <= 0 || c.duration == c.meeting.Duration {
		return
	}
	d := c.duration
	c.change(model.MeetingChange{Duration: &d}, func(m model.Meeting) string {
		return "The meeting now lasts " + meetingLength(m.Duration) + "."
	})
}

func (c *meetingCard) onReschedule(ctx goapp.Context, e goapp.Event) {
	open := !c.rescheduling
	c.closeForms()
	c.err, c.done = "", ""
	if open {
		c.rescheduling = true
		c.loadSlots()
	}
}

// loadSlots lists the agent's free slots of the meeting's duration. Only
// for the agent's own meetings: the preview is the signed-in agent's, so
// an admin moving someone else's meeting types a date and time instead.
func (c *meetingCard) loadSlots() {
	c.slots, c.slotsLoaded, c.slotsErr, c.slot = nil, false, "", ""
	if c.meeting.AgentID != c.Me {
		return
	}
	id, duration, self := c.meeting.ID, c.meeting.Duration, c.self
	self.Async(func() {
		list, err := api().MySlots(self, rescheduleDays, duration)
		self.Dispatch(func(ctx goapp.Context) {
			if !c.rescheduling || c.meeting.ID != id {
				return
			}
			c.slotsLoaded = true
			if err != nil {
				c.slotsErr = userMessage(err)
				return
			}
			c.slots = groupSlots(list)
			if len(c.slots) > 0 {
				c.slot = c.slots[0].Slots[0].Start
			}
		})
	})
}

func (c *meetingCard) onSlot(ctx goapp.Context, e goapp.Event) {
	c.slot = ctx.JSSrc().Get("value").String()
	c.err = ""
}

func (c *meetingCard) onWhen(ctx goapp.Context, e goapp.Event) {
	c.when = ctx.JSSrc().Get("value").String()
	c.err = ""
}

func (c *meetingCard) onRescheduleApply(ctx goapp.Context, e goapp.Event) {
	start := c.slot
	if c.meeting.AgentID != c.Me {
		t, ok := localInput(c.when)
		if !ok {
			c.err = "Enter the new date and time."
			return
		}
		start = t.Format(time.RFC3339)
	}
	if start == "" {
		return
	}
	c.change(model.MeetingChange{Start: &start}, func(m model.Meeting) string {
		lines := meetingLines(m, c.agent.TimeZone, "", time.Now())
		return "Meeting moved to " + lines[0].Text + "."
	})
}

func (c *meetingCard) onDelete(ctx goapp.Context, e goapp.Event) {
	c.closeForms()
	c.confirmDelete, c.err, c.done = true, "", ""
}

func (c *meetingCard) onKeep(ctx goapp.Context, e goapp.Event) {
	c.closeForms()
}

func (c *meetingCard) onDeleteConfirm(ctx goapp.Context, e goapp.Event) {
	if c.busy {
		return
	}
	c.busy, c.err, c.done = true, "", ""
	id, conv, self := c.meeting.ID, c.shown, c.self
	self.Async(func() {
		m, err := api().CancelMeeting(self, id)
		self.Dispatch(func(ctx goapp.Context) {
			if c.shown != conv {
				return
			}
			c.busy = false
			if err != nil {
				c.err = userMessage(err)
				return
			}
			c.set(m)
			c.closeForms()
			c.done = "Meeting deleted. The guest has been told."
		})
	})
}

// change sends a change and, once the server agrees, shows the meeting as
// it now is, with what done says.
func (c *meetingCard) change(change model.MeetingChange, done func(model.Meeting) string) {
	if c.busy {
		return
	}
	c.busy, c.err, c.done = true, "", ""
	id, conv, self := c.meeting.ID, c.shown, c.self
	self.Async(func() {
		m, err := api().ChangeMeeting(self, id, change)
		self.Dispatch(func(ctx goapp.Context) {
			if c.shown != conv {
				return
			}
			c.busy = false
			if err != nil {
				c.err = userMessage(err)
				if e, ok := model.AsError(err); ok && e.Code == model.CodeSlotTaken && c.rescheduling {
					c.loadSlots() // someone took it meanwhile: list what is free now
				}
				return
			}
			c.set(m)
			c.closeForms()
			c.done = done(m)
		})
	})
}

func (c *meetingCard) Render() goapp.UI {
	if !c.found && c.loadErr == "" {
		// A component renders something: an empty placeholder.
		return goapp.Div().Class("panel-placeholder").Hidden(true)
	}
	class := "panel-section meeting-card"
	if c.found && c.meeting.Status == model.MeetingCancelled {
		class += " meeting-card-cancelled"
	}
	section := goapp.Section().ID("meeting-card").Class(class).Aria("labelledby", "meeting-card-title")
	title := goapp.H3().ID("meeting-card-title").Text("Meeting")
	if !c.found {
		return section.Body(title, goapp.P().Class("form-error").Role("alert").Text(c.loadErr))
	}
	m := c.meeting
	who := "Your time"
	if m.AgentID != c.Me {
		who = "Agent's time"
		if c.agent.ID == m.AgentID && c.agent.Name != "" {
			who = c.agent.Name + "'s time"
		}
	}
	zone := ""
	if c.agent.ID == m.AgentID {
		zone = c.agent.TimeZone
	}
	lines := meetingLines(m, zone, who, time.Now())
	times := make([]goapp.UI, len(lines))
	for i, l := range lines {
		label := l.Who
		if l.Zone != "" {
			label += " · " + l.Zone
		}
		times[i] = goapp.Div().Class("meeting-card-time").Body(
			goapp.Span().Class("meeting-card-time-text").Text(l.Text),
			goapp.Span().Class("meeting-card-zone").Text(label),
		)
	}
	status := meetingStatusLabel(m, time.Now())
	return section.Body(
		title,
		goapp.Div().ID("meeting-when").Class("meeting-card-when").Body(times...),
		goapp.P().Class("meeting-card-meta").Body(
			goapp.Span().ID("meeting-length").Text(meetingLength(m.Duration)),
			goapp.Span().ID("meeting-status").Class("status-badge meeting-card-status-"+meetingStatusClass(status)).Text(status),
		),
		goapp.If(c.canChange(), c.renderActions).ElseIf(m.Status == model.MeetingScheduled, func() goapp.UI {
			return goapp.P().Class("field-hint").Text("Only the meeting's agent or an admin can change it.")
		}),
		goapp.P().ID("meeting-error").Class("form-error").Role("alert").Text(c.err),
		goapp.P().ID("meeting-done").Class("panel-done").Role("status").Text(c.done),
	)
}

func meetingStatusClass(label string) string {
	switch label {
	case "Cancelled":
		return "cancelled"
	case "Past":
		return "past"
	default:
		return "scheduled"
	}
}

func (c *meetingCard) renderActions() goapp.UI {
	choices := durationChoices(c.durations, c.meeting.Duration)
	options := make([]goapp.UI, len(choices))
	for i, d := range choices {
		options[i] = goapp.Option().Value(strconv.Itoa(d)).Selected(d == c.duration).Text(meetingLength(d))
	}
	return goapp.Div().Class("panel-form").Body(
		goapp.Div().Class("field field-compact").Body(
			goapp.Label().For("meeting-duration").Text("Duration"),
			goapp.Div().Class("field-inline").Body(
				goapp.Select().ID("meeting-duration").Name("duration").Disabled(c.busy).OnChange(c.onDuration).Body(options...),
				goapp.Button().ID("meeting-duration-apply").Type("button").Class("button button-secondary button-small").
					Disabled(c.busy || c.duration == c.meeting.Duration || c.duration <= 0).
					Aria("label", "Change duration").OnClick(c.onDurationApply).Text("Change"),
			),
		),
		goapp.Div().Class("panel-actions").Body(
			goapp.Button().ID("meeting-reschedule").Type("button").Class("button button-secondary button-small").
				Aria("expanded", strconv.FormatBool(c.rescheduling)).Aria("controls", "meeting-reschedule-form").
				Disabled(c.busy).OnClick(c.onReschedule).Text("Reschedule"),
			goapp.Button().ID("meeting-delete").Type("button").Class("button button-danger button-small").
				Disabled(c.busy || c.confirmDelete).OnClick(c.onDelete).Text("Delete"),
		),
		goapp.If(c.rescheduling, c.renderReschedule),
		goapp.If(c.confirmDelete, func() goapp.UI {
			return goapp.Div().ID("meeting-delete-form").Class("panel-confirm").Role("group").Aria("label", "Delete the meeting").Body(
				goapp.P().Text("Delete this meeting? "+guestInSentence(c.meeting.Guest)+" gets a cancellation by email."),
				goapp.Div().Class("panel-actions").Body(
					goapp.Button().ID("meeting-delete-confirm").Type("button").Class("button button-danger button-small").
						Disabled(c.busy).OnClick(c.onDeleteConfirm).Text("Delete meeting"),
					goapp.Button().ID("meeting-delete-keep").Type("button").Class("button button-secondary button-small").
						Disabled(c.busy).OnClick(c.onKeep).Text("Keep it"),
				),
			)
		}),
	)
}

func (c *meetingCard) renderReschedule() goapp.UI {
	form := goapp.Div().ID("meeting-reschedule-form").Class("panel-subform")
	apply := goapp.Button().ID("meeting-reschedule-apply").Type("button").Class("button button-primary button-small").OnClick(c.onRescheduleApply).Text("Move meeting")

	if c.meeting.AgentID != c.Me {
		return form.Body(
			goapp.Div().Class("field field-compact").Body(
				goapp.Label().For("meeting-slot").Text("New start (your local time)"),
				goapp.Input().ID("meeting-slot").Type("datetime-local").Value(c.when).OnInput(c.onWhen),
			),
			apply.Disabled(c.busy || c.when == ""),
		)
	}
	switch {
	case !c.slotsLoaded:
		return form.Body(goapp.P().Class("status").Text("Loading your free slots…"))
	case c.slotsErr != "":
		return form.Body(goapp.P().Class("form-error").Role("alert").Text(c.slotsErr))
	case len(c.slots) == 0:
		return form.Body(goapp.P().ID("meeting-no-slots").Class("field-hint").
			Text("No free slot of " + meetingLength(c.meeting.Duration) + " in the next " + strconv.Itoa(rescheduleDays) + " days."))
	}
	groups := make([]goapp.UI, len(c.slots))
	for i, d := range c.slots {
		options := make([]goapp.UI, len(d.Slots))
		for j, s := range d.Slots {
			options[j] = goapp.Option().Value(s.Start).Selected(s.Start == c.slot).Text(d.Label + ", " + s.Label)
		}
		groups[i] = goapp.OptGroup().Label(d.Label).Body(options...)
	}
	return form.Body(
		goapp.Div().Class("field field-compact").Body(
			goapp.Label().For("meeting-slot").Text("New time (your time)"),
			goapp.Select().ID("meeting-slot").Name("slot").Disabled(c.busy).OnChange(c.onSlot).Body(groups...),
		),
		apply.Disabled(c.busy || c.slot == ""),
	)
}

// guestInSentence names a guest in a sentence.
func guestInSentence(g model.Guest) string {
	if g.Name != "" {
		return g.Name
	}
	return "The guest"
}
