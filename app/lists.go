package app

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/frontdesk/frontdesk/model"
)

// view names an inbox list, as the API's ?view= parameter does.
type view string

const (
	viewMine       view = "mine"
	viewUnassigned view = "unassigned"
	viewOpen       view = "open"
	viewResolved   view = "resolved"
)

// inboxViews are the inbox tabs, in order.
var inboxViews = []struct {
	ID    view
	Label string
}{
	{viewMine, "Mine"},
	{viewUnassigned, "Unassigned"},
	{viewOpen, "All open"},
	{viewResolved, "Resolved"},
}

func validView(v view) bool {
	_, service := v.service()
	return v == viewMine || v == viewUnassigned || v == viewOpen || v == viewResolved || service
}

// A service's tab is the view "service:ID": its open conversations.
const serviceViewPrefix = "service:"

func serviceView(id int64) view { return view(serviceViewPrefix + strconv.FormatInt(id, 10)) }

// service is the service a view is the tab of.
func (v view) service() (int64, bool) {
	s, ok := strings.CutPrefix(string(v), serviceViewPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// viewTab is a tab of the inbox.
type viewTab struct {
	ID    view
	Label string
}

// tabs are the inbox's views in order: the fixed ones, then a tab per
// service the agent is a member of.
func (l *inboxLists) tabs() []viewTab {
	tabs := make([]viewTab, 0, len(inboxViews)+len(l.serviceTabs))
	for _, v := range inboxViews {
		tabs = append(tabs, viewTab{v.ID, v.Label})
	}
	return append(tabs, l.serviceTabs...)
}

// inboxLists holds the inbox views the app has loaded and keeps them
// current with live events, deciding locally which views a changed
// conversation belongs to, as the server's queries do. It is plain data for
// the UI goroutine; what it cannot decide locally it asks for (wants).
//
// Fetches race with events: a list read from the database at time R may
// arrive after events committed after R. So while any fetch is in flight,
// events are logged, and each fetch result is followed by a replay of the
// events logged since that fetch began (the ones before are in its result).
// Replaying is harmless: a message applies only when its seq is new to a
// row, and conversation events replayed in order end in the latest state.
type inboxLists struct {
	me int64
	// services the agent is a member of; nil until known.
	services map[int64]bool
	// serviceTabs are their views, by name.
	serviceTabs []viewTab
	// reading is the conversation the agent has on screen: its messages
	// are read as they come.
	reading int64
	views   map[view]*viewRows

	inflight int
	log      []model.Event
	logBase  int // the position of log[0] among every event logged
	// asked is what this log's epoch has already asked for, so a replay
	// does not ask again.
	asked wants
}

// fetchMark is where a fetch began in the event log.
type fetchMark int

type viewRows struct {
	rows   []model.Conversation
	loaded bool
}

// wants is what inboxLists needs fetched to stay exact.
type wants struct {
	// conversations unknown to every loaded view that belong in one:
	// GET each and pass it to upsert.
	conversations []int64
	// views whose membership cannot be decided locally: fetch and setView.
	views []view
}

func (w wants) empty() bool { return len(w.conversations) == 0 && len(w.views) == 0 }

func newInboxLists(me int64) *inboxLists {
	l := &inboxLists{me: me, views: map[view]*viewRows{}}
	for _, v := range inboxViews {
		l.views[v.ID] = &viewRows{}
	}
	return l
}

// begin records that a fetch is starting: events are logged until every
// fetch has ended. Pass the mark to setView or upsert with the result.
func (l *inboxLists) begin() fetchMark {
	l.inflight++
	return fetchMark(l.logBase + len(l.log))
}

// end records that a fetch has ended, whatever its outcome.
func (l *inboxLists) end() {
	if l.inflight > 0 {
		l.inflight--
	}
	if l.inflight == 0 {
		l.logBase += len(l.log)
		l.log, l.asked = nil, wants{}
	}
}

// setServices records the services the agent is a member of.
func (l *inboxLists) setServices(services []model.Service) {
	l.services = map[int64]bool{}
	l.serviceTabs = nil
	for _, s := range services {
		if slices.Contains(s.MemberIDs, l.me) {
			l.services[s.ID] = true
			l.serviceTabs = append(l.serviceTabs, viewTab{serviceView(s.ID), s.Name})
			if l.views[serviceView(s.ID)] == nil {
				l.views[serviceView(s.ID)] = &viewRows{}
			}
		}
	}
	slices.SortFunc(l.serviceTabs, func(a, b viewTab) int { return cmp.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)) })
}

// setView replaces a view's rows with the result of the fetch begun at m.
func (l *inboxLists) setView(v view, rows []model.Conversation, m fetchMark) wants {
	vr := l.views[v]
	if vr == nil {
		vr = &viewRows{}
		l.views[v] = vr
	}
	vr.rows, vr.loaded = slices.Clone(rows), true
	vr.sort()
	w := l.replay(m)
	l.readOnScreen()
	return w
}

// upsert applies a conversation fetched on its own (begun at m): its
// Unread is the agent's, unlike the one events carry.
func (l *inboxLists) upsert(c model.Conversation, m fetchMark) wants {
	w := l.merge(l.applyConversation(c, true), l.replay(m))
	l.readOnScreen()
	return w
}

// readOnScreen clears the unread count of the conversation on screen, which
// a fetch may have read before the server had its read marker.
func (l *inboxLists) readOnScreen() {
	if l.reading != 0 {
		l.applyRead(l.reading, 1<<62)
	}
}

// apply updates the views with a live event.
func (l *inboxLists) apply(ev model.Event) wants {
	if l.inflight > 0 {
		l.log = append(l.log, ev)
	}
	return l.ask(l.applyEvent(ev))
}

// markRead records that the agent has read conv up to seq. It is logged
// like an event, so a list fetched before the server had the marker does
// not bring the unread count back.
func (l *inboxLists) markRead(conv, seq int64) {
	l.apply(model.Event{Type: model.EventRead, ConversationID: conv, Seq: seq, AgentID: l.me})
}

func (l *inboxLists) applyRead(conv, seq int64) {
	for _, vr := range l.views {
		if i := vr.index(conv); i >= 0 {
			r := &vr.rows[i]
			r.Unread = max(0, min(r.Unread, r.LastSeq-seq))
		}
	}
}

// loaded reports whether a view has been fetched at least once.
func (l *inboxLists) loaded(v view) bool { return l.views[v] != nil && l.views[v].loaded }

// rows returns a view's conversations, most recent activity first.
func (l *inboxLists) rows(v view) []model.Conversation {
	if l.views[v] == nil {
		return nil
	}
	return l.views[v].rows
}

// unread is the total of unread messages in a view.
func (l *inboxLists) unread(v view) int64 {
	var n int64
	for _, r := range l.rows(v) {
		n += r.Unread
	}
	return n
}

// in reports whether conv is in view v.
func (l *inboxLists) in(v view, conv int64) bool {
	return l.views[v] != nil && l.views[v].index(conv) >= 0
}

// find returns conv from any loaded view.
func (l *inboxLists) find(conv int64) (model.Conversation, bool) {
	for _, v := range l.tabs() {
		vr := l.views[v.ID]
		if i := vr.index(conv); i >= 0 {
			return vr.rows[i], true
		}
	}
	return model.Conversation{}, false
}

// replay applies again the events logged since m.
func (l *inboxLists) replay(m fetchMark) wants {
	var w wants
	for _, ev := range l.log[max(0, int(m)-l.logBase):] {
		w = l.merge(w, l.applyEvent(ev))
	}
	return l.ask(w)
}

// ask drops what this epoch has already asked for and remembers the rest.
func (l *inboxLists) ask(w wants) wants {
	var out wants
	for _, id := range w.conversations {
		if !slices.Contains(l.asked.conversations, id) {
			l.asked.conversations = append(l.asked.conversations, id)
			out.conversations = append(out.conversations, id)
		}
	}
	for _, v := range w.views {
		if !slices.Contains(l.asked.views, v) {
			l.asked.views = append(l.asked.views, v)
			out.views = append(out.views, v)
		}
	}
	return out
}

func (l *inboxLists) merge(a, b wants) wants {
	for _, id := range b.conversations {
		if !slices.Contains(a.conversations, id) {
			a.conversations = append(a.conversations, id)
		}
	}
	for _, v := range b.views {
		if !slices.Contains(a.views, v) {
			a.views = append(a.views, v)
		}
	}
	return a
}

func (l *inboxLists) applyEvent(ev model.Event) wants {
	switch ev.Type {
	case model.EventMessage:
		if ev.Message != nil {
			l.applyMessage(*ev.Message)
		}
	case model.EventAck:
		// The sender's own copy: it may come before the broadcast.
		if ev.Message != nil {
			l.applyMessage(*ev.Message)
		}
	case model.EventConversation:
		if ev.Conversation != nil {
			return l.applyConversation(*ev.Conversation, false)
		}
	case model.EventRead:
		// Another agent's reading changes nothing for this one.
		if ev.AgentID == l.me {
			l.applyRead(ev.ConversationID, ev.Seq)
		}
	}
	return wants{}
}

// applyMessage moves the message's conversation to the top of every view
// holding it, with the message as its preview.
func (l *inboxLists) applyMessage(m model.Message) {
	mine := m.AuthorKind == model.AuthorAgent && m.AuthorID != nil && *m.AuthorID == l.me
	var row model.Conversation
	known := false
	for _, vr := range l.views {
		i := vr.index(m.ConversationID)
		if i < 0 {
			continue
		}
		r := &vr.rows[i]
		if m.Seq > r.LastSeq {
			switch {
			case mine, m.ConversationID == l.reading:
				// Writing marks read on the server; reading marks read here.
				r.Unread = 0
			default:
				r.Unread += m.Seq - r.LastSeq
			}
			r.LastSeq, r.LastMessage = m.Seq, messagePreview(m)
			if m.CreatedAt.After(r.UpdatedAt) {
				r.UpdatedAt = m.CreatedAt
			}
			vr.sort()
		}
		row, known = vr.rows[vr.index(m.ConversationID)], true
	}
	// Writing in a conversation makes the agent a participant: it is theirs.
	if mine && known && row.Status != model.StatusResolved {
		if mv := l.views[viewMine]; mv.loaded && mv.index(row.ID) < 0 {
			mv.insert(row)
		}
	}
}

// applyConversation puts c in the loaded views it belongs to and takes it
// out of the others. exact says c.Unread is the agent's own.
func (l *inboxLists) applyConversation(c model.Conversation, exact bool) wants {
	var w wants
	known, isKnown := l.find(c.ID)
	for _, v := range l.tabs() {
		vr := l.views[v.ID]
		if !vr.loaded {
			continue
		}
		i := vr.index(c.ID)
		var prev *model.Conversation
		if i >= 0 {
			prev = &vr.rows[i]
		}
		in, decided := l.belongs(v.ID, c, prev)
		if !decided {
			w.views = append(w.views, v.ID)
		}
		switch {
		case prev != nil && in:
			vr.rows[i] = updated(*prev, c, exact)
			vr.sort()
		case prev != nil && !in:
			vr.rows = slices.Delete(vr.rows, i, i+1)
		case prev == nil && in && exact:
			vr.insert(c)
		case prev == nil && in && isKnown:
			vr.insert(updated(known, c, false))
		case prev == nil && in:
			if !slices.Contains(w.conversations, c.ID) {
				w.conversations = append(w.conversations, c.ID)
			}
		}
	}
	return w
}

// belongs decides whether c is in view v, as the server's query would;
// prev is c's row in v before the change, if any. decided is false when
// the answer needs the server (the view should be fetched); in then says
// whether to keep the row meanwhile.
func (l *inboxLists) belongs(v view, c model.Conversation, prev *model.Conversation) (in, decided bool) {
	active := c.Status != model.StatusResolved
	if id, ok := v.service(); ok {
		return active && c.ServiceID != nil && *c.ServiceID == id, true
	}
	switch v {
	case viewOpen:
		return active, true
	case viewResolved:
		return !active, true
	case viewUnassigned:
		switch {
		case !active || c.AssigneeID != nil:
			return false, true
		case c.ServiceID == nil:
			return true, true
		case l.services == nil:
			return prev != nil, false
		default:
			return l.services[*c.ServiceID], true
		}
	case viewMine:
		switch {
		case !active:
			return false, true
		case c.AssigneeID != nil && *c.AssigneeID == l.me:
			return true, true
		case prev == nil:
			// Not assigned to the agent; a participant's conversations
			// are in the view already.
			return false, true
		case prev.AssigneeID != nil && *prev.AssigneeID == l.me:
			// Reassigned away: still theirs if they took part.
			return true, false
		default:
			return true, true
		}
	}
	return false, true
}

// updated is row prev changed by c. Events carry no per-agent unread count,
// and may be older than a message the row already shows.
func updated(prev, c model.Conversation, exact bool) model.Conversation {
	if exact {
		return c
	}
	c.Unread = prev.Unread
	if prev.LastSeq > c.LastSeq {
		c.LastSeq, c.LastMessage = prev.LastSeq, prev.LastMessage
	}
	if prev.UpdatedAt.After(c.UpdatedAt) {
		c.UpdatedAt = prev.UpdatedAt
	}
	return c
}

func (vr *viewRows) index(conv int64) int {
	return slices.IndexFunc(vr.rows, func(c model.Conversation) bool { return c.ID == conv })
}

func (vr *viewRows) insert(c model.Conversation) {
	vr.rows = append(vr.rows, c)
	vr.sort()
}

// sort orders rows as the server does: latest activity first.
func (vr *viewRows) sort() {
	slices.SortStableFunc(vr.rows, func(a, b model.Conversation) int {
		if c := b.UpdatedAt.Compare(a.UpdatedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
}
