package app

import (
	"slices"
	"strconv"
	"strings"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// textMentionedYou follows a colleague's name in a mention's notice.
const textMentionedYou = " mentioned you in a note"

// storageView remembers the agent's inbox tab across visits.
const storageView = "frontdesk.view"

// convList is the inbox's left column: the view tabs and the conversations
// of the chosen view, kept live by inboxLists.
type convList struct {
	goapp.Compo

	Me       int64 // the signed-in agent
	Selected int64 // the conversation on screen

	view    view
	lists   *inboxLists
	loading map[view]bool
	errs    map[view]string
	// waiting holds guest messages of conversations no view knows yet,
	// while fetches that may bring them are in flight (a new conversation's
	// first message can beat its row).
	waiting []model.Message

	searching bool
	// noticed is the last guest message told about per conversation. (A
	// row's LastSeq cannot say it: a list fetched while the message was
	// on its way already has it.)
	noticed map[int64]int64
}

// OnInit runs before the first Render (OnMount runs after it).
func (c *convList) OnInit() {
	c.lists = newInboxLists(c.Me)
	c.lists.reading = c.Selected
	c.loading, c.errs, c.noticed = map[view]bool{}, map[view]string{}, map[int64]int64{}
	c.view = viewMine
}

func (c *convList) OnMount(ctx goapp.Context) {
	var saved view
	if err := ctx.LocalStorage().Get(storageView, &saved); err == nil && validView(saved) {
		c.view = saved
	}

	ctx.Handle(actionEvent, c.onEvent)
	ctx.Handle(actionConnection, c.onConnection)
	ctx.Handle(actionRead, c.onRead)
	ctx.Handle(actionConversationChanged, c.onConversationChanged)
	ctx.Handle(actionSearching, c.onSearching)
	c.refresh(ctx)
}

func (c *convList) OnUpdate(ctx goapp.Context) {
	c.lists.reading = c.Selected
}

// refresh fetches the agent's services and every view the agent sees a
// count for, plus the current one. It runs at mount and on every
// (re)connection, so nothing committed while the socket was down is missed.
func (c *convList) refresh(ctx goapp.Context) {
	c.fetchServices(ctx)
	for _, v := range c.lists.tabs() {
		if v.ID != viewResolved || c.view == viewResolved || c.lists.loaded(viewResolved) {
			c.fetchView(ctx, v.ID)
		}
	}
	if _, ok := c.view.service(); ok && !c.lists.loaded(c.view) {
		c.fetchView(ctx, c.view) // a saved service tab, before the services are known
	}
}

func (c *convList) fetchServices(ctx goapp.Context) {
	ctx.Async(func() {
		services, err := api().Services(ctx)
		if err != nil {
			return // unassigned membership is then settled by refetching the view
		}
		ctx.Dispatch(func(ctx goapp.Context) {
			had := len(c.lists.serviceTabs)
			c.lists.setServices(services)
			if had == 0 {
				for _, t := range c.lists.serviceTabs {
					if !c.lists.loaded(t.ID) && !c.loading[t.ID] {
						c.fetchView(ctx, t.ID)
					}
				}
			}
		})
	})
}

func (c *convList) fetchView(ctx goapp.Context, v view) {
	mark := c.lists.begin()
	c.loading[v] = true
	ctx.Async(func() {
		var rows []model.Conversation
		var err error
		if id, ok := v.service(); ok {
			rows, err = api().ServiceConversations(ctx, id)
		} else {
			rows, err = api().Conversations(ctx, string(v))
		}
		ctx.Dispatch(func(ctx goapp.Context) {
			c.loading[v] = false
			if err != nil {
				c.errs[v] = userMessage(err)
			} else {
				delete(c.errs, v)
				c.want(ctx, c.lists.setView(v, rows, mark))
			}
			c.lists.end()
			c.noticeWaiting(ctx)
		})
	})
}

// fetchConversation loads a conversation an event said belongs in a view,
// for the agent's own unread count.
func (c *convList) fetchConversation(ctx goapp.Context, id int64) {
	mark := c.lists.begin()
	ctx.Async(func() {
		conv, err := api().Conversation(ctx, id)
		ctx.Dispatch(func(ctx goapp.Context) {
			if err == nil { // else gone, or the next refresh brings it
				c.want(ctx, c.lists.upsert(conv, mark))
			}
			c.lists.end()
			c.noticeWaiting(ctx)
		})
	})
}

func (c *convList) want(ctx goapp.Context, w wants) {
	for _, id := range w.conversations {
		c.fetchConversation(ctx, id)
	}
	for _, v := range w.views {
		c.fetchView(ctx, v)
	}
}

func (c *convList) onEvent(ctx goapp.Context, a goapp.Action) {
	ev, ok := a.Value.(model.Event)
	if !ok {
		return
	}
	if ev.Type == model.EventMessage && ev.Message != nil {
		c.notice(ctx, *ev.Message)
	}
	c.want(ctx, c.lists.apply(ev))
}

// notice tells the inbox about a new guest message in a conversation that
// concerns the agent: theirs, waiting in their services, or on screen.
func (c *convList) notice(ctx goapp.Context, m model.Message) {
	if m.Private && slices.Contains(m.Mentions, c.Me) && (m.AuthorID == nil || *m.AuthorID != c.Me) {
		// A colleague asks for the agent in a note, wherever it is.
		ctx.NewActionWithValue(actionNotice, notice{ConversationID: m.ConversationID, Name: m.AuthorName,
			Body: m.Body, Title: m.AuthorName + textMentionedYou})
		return
	}
	if m.AuthorKind != model.AuthorGuest {
		return
	}
	row, known := c.lists.find(m.ConversationID)
	switch {
	case m.Seq <= c.noticed[m.ConversationID]:
		return // told already
	case !known && m.ConversationID != c.Selected:
		if c.lists.inflight > 0 {
			c.waiting = append(c.waiting, m)
		}
		return
	}
	c.sendNotice(ctx, m, row, known)
}

// noticeWaiting decides about the waiting messages whose conversation a
// fetch has brought, and forgets those no fetch will bring.
func (c *convList) noticeWaiting(ctx goapp.Context) {
	keep := c.waiting[:0]
	for _, m := range c.waiting {
		row, known := c.lists.find(m.ConversationID)
		switch {
		case known:
			c.sendNotice(ctx, m, row, true)
		case c.lists.inflight > 0:
			keep = append(keep, m)
		}
	}
	c.waiting = keep
}

func (c *convList) sendNotice(ctx goapp.Context, m model.Message, row model.Conversation, known bool) {
	if m.Seq <= c.noticed[m.ConversationID] {
		return
	}
	c.noticed[m.ConversationID] = m.Seq
	if !c.lists.in(viewMine, m.ConversationID) && !c.lists.in(viewUnassigned, m.ConversationID) && m.ConversationID != c.Selected {
		return
	}
	name := m.AuthorName
	if known {
		name = guestName(row)
	}
	if name == "" {
		name = "Guest"
	}
	ctx.NewActionWithValue(actionNotice, notice{ConversationID: m.ConversationID, Name: name, Body: m.Body})
}

func (c *convList) onConnection(ctx goapp.Context, a goapp.Action) {
	if s, ok := a.Value.(connState); ok && s.Up {
		c.refresh(ctx)
	}
}

func (c *convList) onRead(ctx goapp.Context, a goapp.Action) {
	if r, ok := a.Value.(readMark); ok {
		c.lists.markRead(r.ConversationID, r.Seq)
	}
}

func (c *convList) onConversationChanged(ctx goapp.Context, a goapp.Action) {
	if conv, ok := a.Value.(model.Conversation); ok {
		c.want(ctx, c.lists.apply(model.Event{Type: model.EventConversation, ConversationID: conv.ID, Conversation: &conv}))
	}
}

func (c *convList) onSelectView(v view) goapp.EventHandler {
	return func(ctx goapp.Context, e goapp.Event) {
		c.view = v
		ctx.LocalStorage().Set(storageView, v) //nolint:errcheck // a preference
		if !c.lists.loaded(v) && !c.loading[v] {
			c.fetchView(ctx, v)
		}
	}
}

func (c *convList) Render() goapp.UI {
	return goapp.Aside().Class("conv-pane").Aria("label", "Conversations").Body(
		&search{Selected: c.Selected},
		goapp.If(!c.searching, func() goapp.UI {
			return goapp.Div().Class("conv-lists").Body(c.renderTabs(), c.renderRows())
		}),
	)
}

// onSearching hides the lists while search results stand in for them.
func (c *convList) onSearching(ctx goapp.Context, a goapp.Action) {
	if on, ok := a.Value.(bool); ok {
		c.searching = on
	}
}

func (c *convList) renderTabs() goapp.UI {
	all := c.lists.tabs()
	tabs := make([]goapp.UI, 0, len(all))
	for _, v := range all {
		n := c.lists.unread(v.ID)
		tabs = append(tabs, goapp.Button().
			ID("view-"+strings.ReplaceAll(string(v.ID), ":", "-")).
			Type("button").
			Class("view-tab").
			Aria("pressed", strconv.FormatBool(v.ID == c.view)).
			OnClick(c.onSelectView(v.ID)).
			Body(
				goapp.Span().Class("view-tab-label").Text(v.Label),
				goapp.If(n > 0, func() goapp.UI {
					return goapp.Span().Class("count").Aria("label", strconv.FormatInt(n, 10)+" unread").Text(countLabel(n))
				}),
			))
	}
	return goapp.Nav().Class("view-tabs").Aria("label", "Inbox views").Body(tabs...)
}

func (c *convList) renderRows() goapp.UI {
	rows := c.lists.rows(c.view)
	switch {
	case c.errs[c.view] != "" && len(rows) == 0:
		return goapp.P().Class("conv-list-message form-error").Role("alert").Text(c.errs[c.view])
	case !c.lists.loaded(c.view):
		return goapp.P().Class("conv-list-message status").Text("Loading conversations…")
	case len(rows) == 0:
		return goapp.P().ID("conv-list-empty").Class("conv-list-message status").Text(emptyViewText(c.view))
	}
	now := time.Now()
	items := make([]goapp.UI, len(rows))
	for i, r := range rows {
		items[i] = goapp.Li().Body(c.renderRow(r, now))
	}
	return goapp.Ul().ID("conv-list").Class("conv-list").Body(items...)
}

func (c *convList) renderRow(r model.Conversation, now time.Time) goapp.UI {
	name := guestName(r)
	class := "conv-row"
	if r.Unread > 0 {
		class += " conv-row-unread"
	}
	link := goapp.A().
		ID("conv-" + strconv.FormatInt(r.ID, 10)).
		Class(class).
		Href(conversationPath(r.ID))
	if r.ID == c.Selected {
		link = link.Aria("current", "page")
	}
	service := serviceTag(r)
	company, hasCompany := companyTag(r)
	return link.Body(
		goapp.Span().Class("avatar").Aria("hidden", "true").Text(initials(name)),
		goapp.Span().Class("conv-row-main").Body(
			goapp.Span().Class("conv-row-line").Body(
				goapp.Span().Class("conv-name").Text(name),
				goapp.Time().Class("conv-time").DateTime(r.UpdatedAt.Format(time.RFC3339)).Text(listTime(r.UpdatedAt, now)),
			),
			goapp.Span().Class("conv-row-line").Body(
				goapp.Span().Class("conv-preview").Text(rowPreview(r)),
				goapp.If(r.Unread > 0, func() goapp.UI {
					return goapp.Span().Class("count").Aria("label", strconv.FormatInt(r.Unread, 10)+" unread").Text(countLabel(r.Unread))
				}),
			),
			goapp.Span().Class("conv-row-tags").Body(
				goapp.If(service != "", func() goapp.UI {
					return goapp.Span().Class("tag tag-service").Text(service)
				}),
				goapp.If(hasCompany, func() goapp.UI { return renderCompanyTag(company, false) }),
				goapp.Span().Class("status-badge status-"+string(r.Status)).Text(statusLabel(r.Status)),
			),
		),
	)
}

func rowPreview(r model.Conversation) string {
	if r.LastMessage != "" {
		return r.LastMessage
	}
	return "No messages yet"
}

// countLabel caps a badge's number so it stays small.
func countLabel(n int64) string {
	if n > 99 {
		return "99+"
	}
	return strconv.FormatInt(n, 10)
}

func emptyViewText(v view) string {
	switch v {
	case viewMine:
		return "Nothing assigned to you. Conversations you take or reply to appear here."
	case viewUnassigned:
		return "No conversation is waiting in your services."
	case viewResolved:
		return "No resolved conversations yet."
	default:
		return "No open conversations. New chats appear here as they arrive."
	}
}
