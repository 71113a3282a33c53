//go:build js && wasm

package main

import (
	"errors"
	"strconv"
	"syscall/js"

	"github.com/frontdesk/frontdesk/widget/chat"
	"github.com/frontdesk/frontdesk/widget/dom"
	"github.com/frontdesk/frontdesk/widget/i18n"
	"github.com/frontdesk/frontdesk/widget/wire"
)

// connect opens the guest websocket, resuming after the last message the
// widget has; the server sends whatever came after it.
func (a *app) connect() {
	if a.conv == nil || a.sock != nil {
		return
	}
	loc := dom.Window.Get("location")
	scheme := "ws:"
	if loc.Get("protocol").String() == "https:" {
		scheme = "wss:"
	}
	url := scheme + "//" + loc.Get("host").String() + "/ws/guest?token=" + dom.Encode(a.conv.Token) +
		"&after=" + strconv.FormatInt(a.thread.LastSeq(), 10)
	var sock *dom.Socket
	sock, err := dom.Dial(url, dom.SocketHandlers{
		Open:    func() { a.do(func() { a.opened(sock) }) },
		Message: func(v wire.Value) { a.do(func() { a.frame(sock, v) }) },
		Close:   func(code int) { a.do(func() { a.closed(sock, code) }) },
	})
	if err != nil {
		dom.Window.Get("console").Call("error", "frontdesk widget:", err.Error())
		a.scheduleReconnect()
		return
	}
	a.sock = sock
	a.renderStatus()
}

func (a *app) opened(sock *dom.Socket) {
	if sock != a.sock {
		return
	}
	a.connected, a.openedAt = true, dom.Now()
	clear(a.inflight)
	a.renderStatus()
	a.flush()
	a.seen(false)
}

// statusResume is the close code with which the server asks a client to
// reconnect and resume at once (it fell behind, or the server is moving it).
const statusResume = 4000

// statusGoAway is the close code of a server shutting down (a rolling
// upgrade): reconnect at once, the load balancer sends the new socket to
// another server (model.CloseGoAway; the widget does not import model).
const statusGoAway = 4001

func (a *app) closed(sock *dom.Socket, code int) {
	if sock != a.sock {
		return
	}
	if code == statusGoAway {
		// Nothing went wrong, so nothing is shown.
		a.sock, a.connected, a.attempts = nil, false, 0
		a.connect()
		return
	}
	if code == statusResume || (a.connected && dom.Now()-a.openedAt > lastingConn) {
		a.attempts = 0
	}
	a.sock, a.connected = nil, false
	a.scheduleReconnect()
	a.renderStatus()
}

func (a *app) scheduleReconnect() {
	d := chat.Backoff(a.attempts, dom.Random())
	a.attempts++
	a.after(d, a.connect)
}

// reconnectNow skips the wait when the browser says the network is back.
func (a *app) reconnectNow() {
	if a.sock == nil {
		a.connect()
	}
}

// frame handles one event from the server.
func (a *app) frame(sock *dom.Socket, v wire.Value) {
	if sock != a.sock {
		return
	}
	var ev wire.Event
	ev.Decode(v)
	switch ev.Type {
	case wire.EventMessage:
		if ev.Message != nil {
			a.addMessages([]wire.Message{*ev.Message}, true)
		}
	case wire.EventAck:
		p, done := a.thread.Ack(ev.ClientID, ev.Seq)
		if p != nil && done {
			// Its copy, which carried no client id, is already shown.
			if li := a.pendingElement(p.ClientID); !li.IsNull() {
				li.Call("remove")
			}
		}
		switch {
		case ev.Message != nil:
			// The ack carries the stored message: show it now rather than
			// when its broadcast copy arrives (which is then a duplicate).
			m := *ev.Message
			if m.ClientID == "" {
				m.ClientID = ev.ClientID
			}
			a.addMessages([]wire.Message{m}, true)
		case p != nil && !done:
			a.updatePending(p)
		}
	case wire.EventTyping:
		a.agentTyping()
	case wire.EventConversation:
		// Guests learn that the status or the assignee changed; who the
		// agent is comes with the guest's view of the conversation.
		a.refreshConversation()
	case wire.EventError:
		a.refused(ev)
	}
}

// refused handles an error frame: a message the server will not store, or
// a problem with the connection itself.
func (a *app) refused(ev wire.Event) {
	var err error = errors.New(text.Failed)
	if ev.Error != nil {
		err = ev.Error
	}
	if ev.ClientID != "" {
		delete(a.inflight, ev.ClientID)
		if transient(err) {
			// Too fast, or a fault on the server: send it again shortly.
			a.after(chat.Backoff(a.attempts, dom.Random()), a.flush)
			return
		}
		if p := a.thread.Fail(ev.ClientID, err); p != nil {
			a.updatePending(p)
		}
		return
	}
	dom.Window.Get("console").Call("warn", "frontdesk widget:", err.Error())
}

// addMessages shows stored messages, each once, in seq order. live is true
// for messages that just arrived, as opposed to history.
func (a *app) addMessages(msgs []wire.Message, live bool) {
	u := &a.ui
	follow := u.nearBottom()
	alert := false
	for _, m := range msgs {
		added := a.thread.Add(m)
		if !added.New {
			continue
		}
		if added.Replaces != "" {
			// The server's copy takes the pending message's place, in seq
			// order: an agent's reply may have been stored in between.
			if old := a.pendingElement(added.Replaces); !old.IsNull() {
				old.Call("remove")
			}
		}
		a.insert(messageEl(m, a.previous(m.Seq)), added.Before)
		if m.AuthorKind == wire.AuthorAgent {
			if m.AuthorName != "" && m.AuthorName != a.agentName {
				a.agentName = m.AuthorName
				photo := ""
				if a.conv != nil && a.conv.AgentName == m.AuthorName {
					photo = a.conv.AgentPhoto
				}
				u.setAgent(m.AuthorName, photo, a.label)
			}
			a.stopTyping()
		}
		if live && m.AuthorKind != wire.AuthorGuest {
			who := m.AuthorName
			if who == "" {
				who = text.Company
			}
			u.announce(i18n.Fill(text.NewMessage, who, m.Body))
			alert = true
		}
	}
	if follow {
		// Only a visitor reading the latest messages is moved along;
		// one scrolled up to read history stays where they are.
		u.scrollToBottom()
	}
	a.seen(alert)
}

// insert puts a stored message's element before the message with seq
// before, or after every stored message (pending ones stay last).
func (a *app) insert(el js.Value, before int64) {
	list := a.ui.messages
	var ref js.Value
	if before > 0 {
		ref = list.Call("querySelector", `[data-seq="`+strconv.FormatInt(before, 10)+`"]`)
	} else {
		ref = list.Call("querySelector", "[data-client-id]")
	}
	list.Call("insertBefore", el, ref)
}

func (a *app) previous(seq int64) *wire.Message {
	msgs := a.thread.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Seq < seq {
			return &msgs[i]
		}
	}
	return nil
}

// seen moves the read marker when the visitor can see the widget, and keeps
// the launcher's badge in step. alert asks the loader to notify (sound,
// title) because a message just arrived.
func (a *app) seen(alert bool) {
	if a.host.visible() && a.thread.MarkRead() && a.conv != nil {
		dom.LocalSet(storeRead+a.conv.Token, strconv.FormatInt(a.thread.ReadSeq(), 10))
	}
	if seq := a.thread.ReadSeq(); seq > a.readSent && a.sendFrame(wire.Event{Type: wire.EventRead, Seq: seq}) {
		a.readSent = seq
	}
	n := a.thread.Unread()
	alert = alert && n > 0
	if n != a.postedUnread || alert {
		a.postedUnread = n
		a.host.unread(n, alert)
	}
}

// refreshConversation reloads the guest's view of the conversation: the
// assigned agent's name and photo, and whether anyone is online.
func (a *app) refreshConversation() {
	if a.conv == nil {
		return
	}
	token := a.conv.Token
	go func() {
		var gc wire.GuestConversation
		if err := call("GET", conversationPath(token), nil, gc.Decode); err != nil {
			return // the next event or page load tries again
		}
		a.do(func() {
			if a.conv == nil || a.conv.Token != gc.Token {
				return
			}
			a.conv = &gc
			a.online = gc.Online
			if gc.GuestEmail != "" {
				a.email = gc.GuestEmail
			}
			if gc.AgentName != "" {
				a.agentName = gc.AgentName
				a.ui.setAgent(gc.AgentName, gc.AgentPhoto, a.label)
			}
			a.render()
		})
	}()
}

func (a *app) agentTyping() {
	who := a.agentName
	if who == "" {
		who = text.AnAgent
	}
	dom.SetText(a.ui.typing, i18n.Fill(text.Typing, who))
	follow := a.ui.nearBottom()
	dom.Show(a.ui.typing, true)
	if follow {
		a.ui.scrollToBottom()
	}
	if a.typingTimer != nil {
		a.typingTimer.Stop()
	}
	a.typingTimer = a.after(typingShown, a.stopTyping)
}

func (a *app) stopTyping() { dom.Show(a.ui.typing, false) }
