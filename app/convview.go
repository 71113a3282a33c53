package app

import (
	"context"
	"strconv"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

const (
	historyPage = 200 // the API's default page of messages
	typingShown = 5 * time.Second
	// stickDistance is how close to the bottom (px) the agent must be for
	// new messages to scroll the history.
	stickDistance = 120
)

// convView is an open conversation: its history, kept live and free of
// gaps and duplicates (mergeMessages, missingAfter), the agent's messages
// on their way (the live connection's outbox), the composer, and the side
// panel.
type convView struct {
	goapp.Compo

	ID    int64       // the conversation to show
	Me    int64       // the signed-in agent
	Agent model.Agent // the same agent, for saved replies' variables

	live   *liveConn
	agents map[int64]string // names, for the assignee and typing

	shown      int64 // the conversation the state below belongs to
	loads      int   // counts loads, so answers to an earlier one are dropped
	conv       model.Conversation
	convLoaded bool
	err        string

	messages   []model.Message
	history    bool // the history has loaded
	catchingUp bool
	readSent   int64
	guestRead  int64
	typing     map[int64]time.Time // author (agent id, 0 for the guest) → shown until

	statusBusy bool
	statusErr  string

	// contextVersion changes when the guest's context or rating changed.
	contextVersion int
	dragging       bool

	// self is the component's own context. Answers to a click report back
	// through it: go-app drops a Dispatch whose source element is gone, and
	// a live event may swap Resolve for Reopen before the answer arrives.
	self goapp.Context
}

func (c *convView) OnMount(ctx goapp.Context) {
	c.self = ctx
	c.live = browserLive(ctx)
	ctx.Handle(actionEvent, c.onEvent)
	ctx.Handle(actionConnection, c.onConnection)
	ctx.Handle(actionCompose, c.onCompose)
	ctx.Handle(actionVisibility, func(ctx goapp.Context, _ goapp.Action) { c.markRead(ctx) })
	c.loadAgents(ctx)
	c.load(ctx)
}

func (c *convView) OnUpdate(ctx goapp.Context) {
	if c.ID != c.shown {
		c.load(ctx)
	}
}

// load shows conversation c.ID from scratch.
func (c *convView) load(ctx goapp.Context) {
	id := c.ID
	c.shown = id
	c.loads++
	load := c.loads
	c.conv, c.convLoaded, c.err = model.Conversation{}, false, ""
	c.messages, c.history, c.catchingUp = nil, false, false
	c.readSent, c.guestRead, c.typing = 0, 0, map[int64]time.Time{}
	c.statusBusy, c.statusErr = false, ""

	ctx.Async(func() {
		conv, err := api().Conversation(ctx, id)
		ctx.Dispatch(func(ctx goapp.Context) {
			if c.loads != load {
				return
			}
			if err != nil {
				c.err = userMessage(err)
				return
			}
			c.conv, c.convLoaded = conv, true
		})
	})
	ctx.Async(func() {
		msgs, err := fetchMessages(ctx, id, 0)
		ctx.Dispatch(func(ctx goapp.Context) {
			if c.loads != load {
				return
			}
			if err != nil {
				c.err = userMessage(err)
				return
			}
			c.messages = mergeMessages(c.messages, msgs...)
			c.history = true
			c.fillGaps(ctx)
			c.markRead(ctx)
			c.scrollToBottom(ctx)
		})
	})
}

func (c *convView) loadAgents(ctx goapp.Context) {
	ctx.Async(func() {
		list, err := api().Agents(ctx)
		if err != nil {
			return // names are a nicety
		}
		names := make(map[int64]string, len(list))
		for _, a := range list {
			names[a.ID] = a.Name
		}
		ctx.Dispatch(func(ctx goapp.Context) { c.agents = names })
	})
}

// fetchMessages reads every message of conv after seq, page by page.
func fetchMessages(ctx context.Context, conv, after int64) ([]model.Message, error) {
	var all []model.Message
	for {
		page, err := api().Messages(ctx, conv, after, historyPage)
		if err != nil {
			return all, err
		}
		all = append(all, page...)
		if len(page) < historyPage {
			return all, nil
		}
		after = page[len(page)-1].Seq
	}
}

// fillGaps fetches what is missing between the messages shown: a live
// message whose predecessors never arrived, or history that landed after
// newer live messages.
// reloadMessages replaces the messages shown with the server's: the guest's
// data was just erased, and what is shown of their words must go too.
func (c *convView) reloadMessages(ctx goapp.Context) {
	id, load := c.shown, c.loads
	ctx.Async(func() {
		msgs, err := fetchMessages(ctx, id, 0)
		ctx.Dispatch(func(ctx goapp.Context) {
			if c.loads != load || err != nil {
				return
			}
			c.messages = mergeMessages(nil, msgs...)
		})
	})
}

func (c *convView) fillGaps(ctx goapp.Context) {
	after, gap := missingAfter(c.messages)
	if gap {
		c.catchUp(ctx, after)
	}
}

// catchUp fetches the messages after seq; a socket that was down, or a
// frame the server dropped for a slow client, leaves nothing missing.
func (c *convView) catchUp(ctx goapp.Context, after int64) {
	if c.catchingUp {
		return
	}
	c.catchingUp = true
	id, load := c.shown, c.loads
	ctx.Async(func() {
		msgs, err := fetchMessages(ctx, id, after)
		ctx.Dispatch(func(ctx goapp.Context) {
			if c.loads != load {
				return
			}
			c.catchingUp = false
			if err != nil {
				return // the next event or reconnection tries again
			}
			stick := c.nearBottom()
			before := len(c.messages)
			c.messages = mergeMessages(c.messages, msgs...)
			if len(c.messages) > before {
				c.fillGaps(ctx)
			}
			c.markRead(ctx)
			if stick {
				c.scrollToBottom(ctx)
			}
		})
	})
}

func (c *convView) onEvent(ctx goapp.Context, a goapp.Action) {
	ev, ok := a.Value.(model.Event)
	if !ok || ev.ConversationID != c.shown {
		return
	}
	switch ev.Type {
	case model.EventMessage, model.EventAck:
		if ev.Message == nil {
			return
		}
		c.onMessage(ctx, *ev.Message)
	case model.EventTyping:
		if ev.AgentID != c.Me {
			c.typing[ev.AgentID] = time.Now().Add(typingShown)
			// Render again once it has expired.
			ctx.After(typingShown+100*time.Millisecond, func(goapp.Context) {})
		}
	case model.EventRead:
		if ev.AgentID == 0 {
			c.guestRead = max(c.guestRead, ev.Seq)
		}
	case model.EventConversation:
		if ev.Conversation != nil && c.convLoaded {
			erased := ev.Conversation.Guest.Erased && !c.conv.Guest.Erased
			c.conv = updated(c.conv, *ev.Conversation, false)
			if erased {
				c.reloadMessages(ctx)
			}
		}
	case model.EventContext:
		c.contextVersion++ // the side panel fetches the guest's context again
	}
	// EventError: a refused message is marked in the outbox; rendering
	// again shows it.
}

func (c *convView) onMessage(ctx goapp.Context, m model.Message) {
	stick := c.nearBottom()
	c.messages = mergeMessages(c.messages, m)
	if m.AuthorKind == model.AuthorGuest {
		delete(c.typing, 0)
	} else if m.AuthorID != nil {
		delete(c.typing, *m.AuthorID)
	}
	if !c.history {
		return // the history, when it lands, is merged and checked for gaps
	}
	c.fillGaps(ctx)
	c.markRead(ctx)
	if stick || (m.AuthorID != nil && *m.AuthorID == c.Me) {
		c.scrollToBottom(ctx)
	}
}

// onConnection catches up after the socket was down: the conversation may
// have changed and messages may have been sent.
func (c *convView) onConnection(ctx goapp.Context, a goapp.Action) {
	s, ok := a.Value.(connState)
	if !ok || !s.Up {
		return
	}
	if c.err != "" {
		c.load(ctx) // it failed while the network was away: try again
		return
	}
	if !c.history {
		return // loading: the history will be current
	}
	c.catchUp(ctx, lastSeq(c.messages))
	id, load := c.shown, c.loads
	ctx.Async(func() {
		conv, err := api().Conversation(ctx, id)
		ctx.Dispatch(func(ctx goapp.Context) {
			if err == nil && c.loads == load {
				c.conv, c.convLoaded = conv, true
			}
		})
	})
}

// onCompose sends what the agent wrote, as a message pending until the
// server acknowledges it.
func (c *convView) onCompose(ctx goapp.Context, a goapp.Action) {
	m, ok := a.Value.(compose)
	if !ok || m.ConversationID != c.shown {
		return
	}
	c.live.send(outgoing{ConversationID: m.ConversationID, ClientID: newClientID(), Body: m.Body, Private: m.Private, Attachments: m.Attachments})
	c.scrollToBottom(ctx)
}

// markRead tells the server how far the agent has read, when the page is
// on screen, and the list that the conversation is read.
func (c *convView) markRead(ctx goapp.Context) {
	seq := lastSeq(c.messages)
	if seq <= c.readSent || !pageVisible() {
		return
	}
	c.readSent = seq
	c.live.markRead(c.shown, seq)
	ctx.NewActionWithValue(actionRead, readMark{ConversationID: c.shown, Seq: seq})
}

func (c *convView) onSetStatus(status model.Status) goapp.EventHandler {
	return func(_ goapp.Context, _ goapp.Event) {
		if c.statusBusy {
			return
		}
		c.statusBusy, c.statusErr = true, ""
		id, load, self := c.shown, c.loads, c.self
		self.Async(func() {
			conv, err := api().SetStatus(self, id, status)
			self.Dispatch(func(ctx goapp.Context) {
				if err == nil {
					// The list learns at once, even if the agent has
					// moved on; the event follows.
					ctx.NewActionWithValue(actionConversationChanged, conv)
				}
				if c.loads != load {
					return
				}
				c.statusBusy = false
				if err != nil {
					c.statusErr = userMessage(err)
					return
				}
				c.conv = updated(c.conv, conv, false)
			})
		})
	}
}

func (c *convView) onRetry(clientID string) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) { c.live.retry(clientID) }
}

func (c *convView) onDiscard(clientID string) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) { c.live.discard(clientID) }
}

// nearBottom reports whether the history is scrolled (nearly) to the end,
// so that new messages should keep it there.
func (c *convView) nearBottom() bool {
	el := goapp.Window().GetElementByID("message-scroll")
	if !el.Truthy() {
		return true
	}
	return el.Get("scrollHeight").Int()-el.Get("scrollTop").Int()-el.Get("clientHeight").Int() < stickDistance
}

// scrollToBottom shows the latest message once the page is updated.
func (c *convView) scrollToBottom(ctx goapp.Context) {
	ctx.Defer(func(goapp.Context) {
		el := goapp.Window().GetElementByID("message-scroll")
		if el.Truthy() {
			el.Set("scrollTop", el.Get("scrollHeight"))
		}
	})
}

// onDragOver lets files be dropped anywhere on the conversation.
func (c *convView) onDragOver(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	if c.dragging {
		ctx.PreventUpdate()
	}
	c.dragging = true
}

func (c *convView) onDragLeave(ctx goapp.Context, e goapp.Event) {
	c.dragging = false
}

func (c *convView) onDrop(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	c.dragging = false
	files := e.Get("dataTransfer").Get("files")
	if files.Truthy() && files.Get("length").Int() > 0 {
		ctx.NewActionWithValue(actionDropFiles, droppedFiles{ConversationID: c.shown, Files: files})
	}
}

func (c *convView) Render() goapp.UI {
	class := "conv-main"
	if c.dragging {
		class += " conv-main-drop"
	}
	return goapp.Section().Class("conversation").Aria("labelledby", "conv-title").Body(
		goapp.Div().Class(class).OnDragOver(c.onDragOver).OnDragLeave(c.onDragLeave).OnDrop(c.onDrop).Body(
			c.renderHeader(),
			goapp.Div().ID("message-scroll").Class("message-scroll").Role("log").Aria("label", "Messages").Body(
				c.renderMessages(),
			),
			goapp.P().ID("typing").Class("typing").Aria("live", "polite").Text(c.typingText()),
			&composer{ConversationID: c.shown, Disabled: !c.history, GuestName: c.conv.Guest.Name, Me: c.Agent},
		),
		c.renderSidePanel(),
	)
}

func (c *convView) renderHeader() goapp.UI {
	title := "Conversation"
	if c.convLoaded {
		title = guestName(c.conv)
	}
	var action goapp.UI
	if c.convLoaded {
		if c.conv.Status == model.StatusResolved {
			action = goapp.Button().ID("reopen").Type("button").Class("button button-secondary button-small").
				Disabled(c.statusBusy).OnClick(c.onSetStatus(model.StatusOpen)).Text("Reopen")
		} else {
			action = goapp.Button().ID("resolve").Type("button").Class("button button-primary button-small").
				Disabled(c.statusBusy).OnClick(c.onSetStatus(model.StatusResolved)).Text("Resolve")
		}
	}
	return goapp.Header().Class("conv-header").Body(
		goapp.A().Href(PathInbox).Class("conv-back").Aria("label", "Back to the inbox").Text("←"),
		goapp.Div().Class("conv-heading").Body(
			goapp.H2().ID("conv-title").Text(title),
			goapp.If(c.convLoaded, func() goapp.UI {
				sub := channelLabel(c.conv.Channel)
				if s := serviceTag(c.conv); s != "" {
					sub += " · " + s
				}
				return goapp.P().Class("conv-sub").Text(sub)
			}),
		),
		goapp.If(c.convLoaded, func() goapp.UI {
			return goapp.Span().ID("conv-status").Class("status-badge status-" + string(c.conv.Status)).Text(statusLabel(c.conv.Status))
		}),
		action,
		goapp.If(c.statusErr != "", func() goapp.UI {
			return goapp.P().Class("form-error conv-header-error").Role("alert").Text(c.statusErr)
		}),
	)
}

func (c *convView) renderMessages() goapp.UI {
	switch {
	case c.err != "":
		return goapp.P().Class("form-error").Role("alert").Text(c.err)
	case !c.history:
		return goapp.P().Class("status messages-status").Text("Loading messages…")
	}
	var pending []outgoing
	if c.live != nil {
		pending = c.live.pending(c.shown)
	}
	if len(c.messages) == 0 && len(pending) == 0 {
		return goapp.P().Class("status messages-status").Text("No messages yet. Say hello!")
	}

	// "Seen" goes under the last agent message the guest has read.
	seen := int64(0)
	for _, m := range c.messages {
		if m.AuthorKind == model.AuthorAgent && m.Seq <= c.guestRead {
			seen = m.Seq
		}
	}
	items := make([]goapp.UI, 0, len(c.messages)+len(pending))
	for _, m := range c.messages {
		items = append(items, c.renderMessage(m, m.Seq == seen))
	}
	for _, o := range pending {
		if !hasClientID(c.messages, o.ClientID) {
			items = append(items, c.renderPending(o))
		}
	}
	return goapp.Ol().ID("messages").Class("messages").Body(items...)
}

func (c *convView) renderMessage(m model.Message, seen bool) goapp.UI {
	seq := strconv.FormatInt(m.Seq, 10)
	at := goapp.Time().Class("msg-time").DateTime(m.CreatedAt.Format(time.RFC3339)).Text(messageTime(m.CreatedAt))
	if m.AuthorKind == model.AuthorSystem {
		return goapp.Li().Class("msg msg-system").DataSet("seq", seq).Body(
			goapp.Span().Class("msg-body").Text(m.Body),
			at,
		)
	}
	author := m.AuthorName
	class := "msg msg-" + string(m.AuthorKind)
	if m.AuthorKind == model.AuthorAgent && m.AuthorID != nil && *m.AuthorID == c.Me {
		class += " msg-own"
	}
	if m.Private {
		class += " msg-note"
	}
	if author == "" {
		author = "Guest"
	}
	var body goapp.UI
	switch {
	case m.Erased:
		// The guest's words were erased at their request.
		body = goapp.Div().Class("msg-body msg-erased").Text(erasedText)
	case m.Body != "":
		body = goapp.Div().Class("msg-body").Text(m.Body)
	}
	return goapp.Li().Class(class).DataSet("seq", seq).Body(
		goapp.Div().Class("msg-meta").Body(
			goapp.Span().Class("msg-author").Text(author),
			goapp.If(m.Private, func() goapp.UI {
				return goapp.Span().Class("msg-note-label").Text(textNoteLabel)
			}),
			at,
		),
		body,
		goapp.If(len(m.Attachments) > 0, func() goapp.UI { return renderAttachments(m.Attachments, "") }),
		goapp.If(seen, func() goapp.UI {
			return goapp.Span().Class("msg-seen").Text("Seen")
		}),
	)
}

func (c *convView) renderPending(o outgoing) goapp.UI {
	class := "msg msg-agent msg-own msg-pending"
	if o.Failed != "" {
		class += " msg-failed"
	}
	if o.Private {
		class += " msg-note"
	}
	return goapp.Li().Class(class).DataSet("client-id", o.ClientID).Body(
		goapp.Div().Class("msg-meta").Body(
			goapp.Span().Class("msg-author").Text("You"),
			goapp.Span().Class("msg-time").Text(messageTime(o.At)),
		),
		goapp.If(o.Body != "", func() goapp.UI { return goapp.Div().Class("msg-body").Text(o.Body) }),
		goapp.If(len(o.Attachments) > 0, func() goapp.UI { return renderAttachments(o.Attachments, "") }),
		goapp.If(o.Failed == "", func() goapp.UI {
			return goapp.Span().Class("msg-state").Text("Sending…")
		}).Else(func() goapp.UI {
			return goapp.Div().Class("msg-state").Role("alert").Body(
				goapp.Span().Text("Not sent: "+o.Failed),
				goapp.Button().Type("button").Class("link-button").OnClick(c.onRetry(o.ClientID)).Text("Retry"),
				goapp.Button().Type("button").Class("link-button").OnClick(c.onDiscard(o.ClientID)).Text("Discard"),
			)
		}),
	)
}

// typingText says who is typing, if anyone.
func (c *convView) typingText() string {
	now := time.Now()
	if until, ok := c.typing[0]; ok && now.Before(until) {
		name := "Guest"
		if c.convLoaded {
			name = guestName(c.conv)
		}
		return name + " is typing…"
	}
	for id, until := range c.typing {
		if id != 0 && now.Before(until) {
			if name := c.agents[id]; name != "" {
				return name + " is typing…"
			}
			return "A colleague is typing…"
		}
	}
	return ""
}
