package app

import (
	"strconv"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// assignPanel is the side panel's Assign section (the seed's "Assign
// conversation"): a Service field listing every service, those without a
// Standard member disabled; an Assignee field with the chosen service's
// members who can hold conversations; Apply, and "Apply and leave", which
// also takes the agent out of the conversation.
type assignPanel struct {
	goapp.Compo

	Conv model.Conversation // the conversation, as it is now
	Me   int64              // the signed-in agent

	// self is the component's own context. Requests started by a click
	// report back through it: go-app drops a Dispatch whose source element
	// is gone, and the clicked button may be replaced meanwhile (a live
	// event can re-render the section before the answer arrives).
	self goapp.Context

	shown   int64 // the conversation the choice belongs to
	form    assignForm
	loaded  bool
	loadErr string
	// dirty is set once the agent changes the choice: live changes to the
	// conversation then no longer reset it.
	dirty bool

	busy bool
	err  string
	done string
}

func (c *assignPanel) OnMount(ctx goapp.Context) {
	c.self = ctx
	ctx.Handle(actionEvent, c.onEvent)
	ctx.Handle(actionConnection, func(ctx goapp.Context, a goapp.Action) {
		if s, ok := a.Value.(connState); ok && s.Up {
			c.load(ctx) // members, licenses and presence may have changed meanwhile
		}
	})
	c.sync()
	c.load(ctx)
}

func (c *assignPanel) OnUpdate(ctx goapp.Context) {
	c.sync()
}

// sync follows the conversation: another one resets everything; a live
// change to this one (someone else assigned it) resets the choice unless
// the agent is making one.
func (c *assignPanel) sync() {
	c.form.Me = c.Me
	if c.Conv.ID != c.shown {
		c.shown, c.dirty, c.busy, c.err, c.done = c.Conv.ID, false, false, "", ""
	}
	c.form.Conv = c.Conv
	if !c.dirty {
		c.form.reset()
	}
}

// load fetches the services and agents the fields list.
func (c *assignPanel) load(ctx goapp.Context) {
	ctx.Async(func() {
		services, err := api().Services(ctx)
		var agents []model.Agent
		if err == nil {
			agents, err = api().Agents(ctx)
		}
		ctx.Dispatch(func(ctx goapp.Context) {
			if err != nil {
				if !c.loaded {
					c.loadErr = userMessage(err)
				}
				return
			}
			c.form.Services, c.form.Agents = services, agents
			c.loaded, c.loadErr = true, ""
			if c.form.Assignee != 0 && !c.form.eligible(c.form.Assignee) && c.dirty {
				c.form.Assignee = 0
			}
		})
	})
}

func (c *assignPanel) onEvent(ctx goapp.Context, a goapp.Action) {
	ev, ok := a.Value.(model.Event)
	if !ok || ev.Type != model.EventPresence {
		return
	}
	c.form.setOnline(ev.AgentID, ev.Online)
}

func (c *assignPanel) onService(ctx goapp.Context, e goapp.Event) {
	id, _ := strconv.ParseInt(ctx.JSSrc().Get("value").String(), 10, 64)
	c.form.chooseService(id)
	c.dirty, c.err, c.done = true, "", ""
}

func (c *assignPanel) onAssignee(ctx goapp.Context, e goapp.Event) {
	id, _ := strconv.ParseInt(ctx.JSSrc().Get("value").String(), 10, 64)
	c.form.Assignee = id
	c.dirty, c.err, c.done = true, "", ""
}

func (c *assignPanel) onMe(ctx goapp.Context, e goapp.Event) {
	if c.form.eligible(c.Me) {
		c.form.Assignee = c.Me
		c.dirty, c.err, c.done = true, "", ""
	}
}

// onApply sends the choice; leave is "Apply and leave".
func (c *assignPanel) onApply(leave bool) goapp.EventHandler {
	return func(ctx goapp.Context, e goapp.Event) {
		b := c.form.buttons()
		if c.busy || (leave && !b.Leave) || (!leave && !b.Apply) {
			return
		}
		c.busy, c.err, c.done = true, "", ""
		id, req, self := c.shown, c.form.request(leave), c.self
		self.Async(func() {
			conv, err := api().Assign(self, id, req)
			self.Dispatch(func(ctx goapp.Context) {
				if err == nil {
					// The list learns at once; the event follows.
					ctx.NewActionWithValue(actionConversationChanged, conv)
				}
				if c.shown != id {
					return
				}
				c.busy = false
				if err != nil {
					c.err = userMessage(err)
					return
				}
				if leave {
					c.left(ctx)
					return
				}
				c.dirty = false
				c.form.Conv = conv
				c.form.reset()
				c.done = "Assigned to " + c.assignedTo(conv) + "."
			})
		})
	}
}

// left closes the conversation the agent has just left. Whether it is
// still in their "Mine" depends on whether they still take part in it,
// which conversation events do not say: the lists are fetched again, as
// after a reconnection, when the socket is up (when it is down they are
// fetched on reconnecting anyway).
func (c *assignPanel) left(ctx goapp.Context) {
	if browserLive(ctx).isUp() {
		ctx.NewActionWithValue(actionConnection, connState{Up: true})
	}
	ctx.Navigate(PathInbox)
}

// isUp reports whether the live socket is open.
func (l *liveConn) isUp() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.conn != nil
}

// assignedTo names the service and assignee of conv, as the system message
// does.
func (c *assignPanel) assignedTo(conv model.Conversation) string {
	var parts []string
	for _, s := range c.form.Services {
		if conv.ServiceID != nil && s.ID == *conv.ServiceID {
			parts = append(parts, s.Name)
		}
	}
	if conv.AssigneeID != nil {
		parts = append(parts, c.agentName(*conv.AssigneeID))
	}
	if len(parts) == 0 {
		return "the queue"
	}
	if len(parts) == 2 {
		return parts[0] + " / " + parts[1]
	}
	return parts[0]
}

func (c *assignPanel) agentName(id int64) string {
	if id == c.Me {
		return "you"
	}
	for _, a := range c.form.Agents {
		if a.ID == id {
			return a.Name
		}
	}
	return "Agent #" + strconv.FormatInt(id, 10)
}

func (c *assignPanel) Render() goapp.UI {
	section := goapp.Section().ID("panel-assign").Class("panel-section").Aria("labelledby", "panel-assign-title")
	title := goapp.H3().ID("panel-assign-title").Text("Assign")
	switch {
	case c.loadErr != "":
		return section.Body(title, goapp.P().Class("form-error").Role("alert").Text(c.loadErr))
	case !c.loaded:
		return section.Body(title, goapp.P().Class("status").Text("Loading services…"))
	}

	b := c.form.buttons()
	if c.busy {
		b.Apply, b.Leave = false, false
	}
	return section.Body(
		title,
		goapp.Div().Class("panel-form").Body(
			c.renderService(),
			c.renderAssignee(),
			goapp.P().ID("assign-hint").Class("field-hint").Text(b.Hint),
			goapp.Div().Class("panel-actions").Body(
				goapp.Button().ID("assign-apply").Type("button").Class("button button-primary button-small").
					Disabled(!b.Apply).Aria("describedby", "assign-hint").OnClick(c.onApply(false)).Text("Apply"),
				goapp.Button().ID("assign-leave").Type("button").Class("button button-secondary button-small").
					Disabled(!b.Leave).Aria("describedby", "assign-hint").Title(b.LeaveHint).OnClick(c.onApply(true)).Text("Apply and leave"),
			),
			goapp.P().ID("assign-error").Class("form-error").Role("alert").Text(c.err),
			goapp.P().ID("assign-done").Class("panel-done").Role("status").Text(c.done),
		),
	)
}

func (c *assignPanel) renderService() goapp.UI {
	services := c.form.services()
	options := make([]goapp.UI, 0, len(services)+1)
	if c.Conv.ServiceID == nil {
		// The API keeps a service once set, so "none" is only offered
		// while the conversation has none.
		options = append(options, goapp.Option().Value("0").Selected(c.form.Service == 0).Text("No service"))
	}
	for _, s := range services {
		label := s.Name
		if !s.Assignable {
			label += " — " + notAssignable
		}
		options = append(options, goapp.Option().
			Value(strconv.FormatInt(s.ID, 10)).
			Selected(s.ID == c.form.Service).
			// Unless it is the current one, which the select must show.
			Disabled(!s.Assignable && s.ID != c.form.Service).
			Text(label))
	}
	return goapp.Div().Class("field field-compact").Body(
		goapp.Label().For("assign-service").Text("Service"),
		goapp.Select().ID("assign-service").Name("service").Disabled(c.busy).OnChange(c.onService).Body(options...),
	)
}

func (c *assignPanel) renderAssignee() goapp.UI {
	assignees := c.form.assignees()
	options := make([]goapp.UI, 0, len(assignees)+1)
	svc, hasService := c.form.service()
	if hasService && !svc.Assignable {
		return goapp.Div().Class("field field-compact").Body(
			goapp.Label().For("assign-assignee").Text("Assignee"),
			goapp.Select().ID("assign-assignee").Name("assignee").Disabled(true).Body(
				goapp.Option().Value("0").Selected(true).Text("Nobody in "+svc.Name+" can take it"),
			),
		)
	}
	if hasService {
		options = append(options, goapp.Option().Value("0").Selected(c.form.Assignee == 0).Text("Anyone in "+svc.Name))
	} else {
		options = append(options, goapp.Option().Value("0").Selected(c.form.Assignee == 0).Text("Choose an agent"))
	}
	var chosen *model.Agent
	for i, a := range assignees {
		label := a.Name
		switch {
		case a.ID == c.Me:
			label = "Me (" + a.Name + ")"
		case a.Online:
			label += " · online"
		}
		if a.ID == c.form.Assignee {
			chosen = &assignees[i]
		}
		options = append(options, goapp.Option().
			Value(strconv.FormatInt(a.ID, 10)).
			Selected(a.ID == c.form.Assignee).
			Text(label))
	}
	if chosen == nil && c.form.Assignee != 0 {
		// The current assignee, who can no longer be chosen (deactivated,
		// Basic, or not in the chosen service): shown, not offered.
		options = append(options, goapp.Option().
			Value(strconv.FormatInt(c.form.Assignee, 10)).
			Selected(true).
			Disabled(true).
			Text(c.agentName(c.form.Assignee)+" (not available)"))
	}
	meOK := c.form.eligible(c.Me) && c.form.Assignee != c.Me
	return goapp.Div().Class("field field-compact").Body(
		goapp.Div().Class("field-label-row").Body(
			goapp.Label().For("assign-assignee").Text("Assignee"),
			goapp.Button().ID("assign-me").Type("button").Class("link-button").
				Aria("label", "Choose me as the assignee").
				Disabled(!meOK || c.busy).OnClick(c.onMe).Text("Me"),
		),
		goapp.Select().ID("assign-assignee").Name("assignee").Disabled(c.busy).OnChange(c.onAssignee).Body(options...),
		goapp.If(chosen != nil, func() goapp.UI {
			label, class := "Offline", "presence"
			if chosen.Online {
				label, class = "Online", "presence presence-online"
			}
			return goapp.P().ID("assign-presence").Class(class).Body(
				goapp.Span().Class("presence-dot").Aria("hidden", "true"),
				goapp.Text(label),
			)
		}),
	)
}
