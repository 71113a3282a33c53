//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"

	"github.com/frontdesk/frontdesk/widget/chat"
	"github.com/frontdesk/frontdesk/widget/dom"
	"github.com/frontdesk/frontdesk/widget/i18n"
	"github.com/frontdesk/frontdesk/widget/wire"
)

// Keys of the widget's localStorage on the Frontdesk origin. Browsers that
// partition third-party storage keep one set per embedding site, which is
// still enough to find the conversation again on the next page of that
// site.
const (
	storeVisitor = "fd.visitor" // the visitor token
	storeRead    = "fd.read."   // + access token: the read marker
	visitorBytes = 16           // 128 random bits
	typingEvery  = 3000         // ms: at most one typing frame per this
	typingShown  = 6000         // ms: how long an agent's typing frame is shown
	lastingConn  = 10000        // ms: a connection this old resets the backoff
)

// boot loads the chat's settings and the visitor's conversation, if any.
// It runs on its own goroutine because it waits for the network.
func (a *app) boot() {
	visitor := dom.LocalGet(storeVisitor)
	known := len(visitor) >= 2*visitorBytes
	if !known {
		visitor = dom.RandomHex(visitorBytes)
		dom.LocalSet(storeVisitor, visitor)
	}
	// The visitor's conversation is looked for while the settings load; a
	// visitor new to this browser has none (and a conversation page is
	// one).
	restored := make(chan *wire.GuestConversation, 1)
	if a.mode == modeConversation || (a.mode == modeWidget && !known) {
		restored <- nil
	} else {
		go func() { restored <- a.restore(visitor) }()
	}

	s, err := a.loadSetup()
	if err != nil {
		dom.Window.Get("console").Call("error", "frontdesk chat:", err.Error())
		a.do(func() { a.ui.setStatus(text.Unavailable) })
		return
	}
	conv := s.conv
	if c := <-restored; conv == nil {
		conv = c
	}
	var history []wire.Message
	if conv != nil {
		// Without history the socket's resume (after=0) brings it all.
		_ = retry(func() error {
			return call("GET", conversationPath(conv.Token)+"/messages?after=0", nil, func(v wire.Value) {
				history = wire.List(v, (*wire.Message).Decode)
			})
		}, nil)
	}

	a.do(func() {
		a.booted = true
		a.visitor = visitor
		a.configure(s)
		if conv != nil {
			a.setConversation(conv)
			a.addMessages(history, false)
		}
		a.render()
		a.connect()
	})
}

// setup is what a chat page loads before it shows anything.
type setup struct {
	cfg   wire.WidgetConfig
	card  *wire.AgentCard         // mode link: the agent
	conv  *wire.GuestConversation // mode conversation: the conversation itself
	label string
}

// loadSetup loads the settings of the page's mode: the widget's, the
// personal link's agent, or the conversation the page is for.
func (a *app) loadSetup() (setup, error) {
	onRetry := func(error) { a.do(func() { a.ui.setStatus(text.CannotLoad) }) }
	switch a.mode {
	case modeLink:
		var card wire.AgentCard
		if err := retry(func() error { return call("GET", linkPath(a.link), nil, card.Decode) }, onRetry); err != nil {
			return setup{}, err
		}
		// The personal link asks who is writing, and where replies go when
		// the agent is away.
		cfg := wire.WidgetConfig{Name: card.Name, PreChatName: true, PreChatEmail: true, Online: card.Online, BookingSlug: card.Slug}
		return setup{cfg: cfg, card: &card, label: joinNonEmpty(" · ", card.Title, card.Organization)}, nil
	case modeConversation:
		var gc wire.GuestConversation
		if err := retry(func() error { return call("GET", conversationPath(a.token), nil, gc.Decode) }, onRetry); err != nil {
			return setup{}, err
		}
		name := gc.AgentName
		if name == "" {
			name = gc.WidgetTitle
		}
		label := gc.WidgetTitle
		if name == "" {
			name, label = text.Conversation, ""
		} else if label == "" {
			label = text.Conversation
		}
		return setup{cfg: wire.WidgetConfig{Name: name, Online: gc.Online}, conv: &gc, label: label}, nil
	default:
		var cfg wire.WidgetConfig
		// ?lang= lets the server pick the greeting written for the page's
		// language.
		if err := retry(func() error { return call("GET", widgetPath(a.key)+"?lang="+pageLang(), nil, cfg.Decode) }, onRetry); err != nil {
			return setup{}, err
		}
		return setup{cfg: cfg, label: cfg.Name}, nil
	}
}

// restore finds the visitor's conversation again: the server knows the
// latest one this visitor started on the widget, or on the personal link.
func (a *app) restore(visitor string) *wire.GuestConversation {
	path := widgetPath(a.key) + "/conversations/current?visitor=" + dom.Encode(visitor)
	if a.mode == modeLink {
		path = linkPath(a.link) + "/conversations/current?visitor=" + dom.Encode(visitor)
	}
	var gc wire.GuestConversation
	err := retry(func() error { return call("GET", path, nil, gc.Decode) }, nil)
	switch e, _ := wire.AsError(err); {
	case err == nil:
		return &gc
	case e != nil && e.Status == statusNotFound:
	default:
		dom.Window.Get("console").Call("warn", "frontdesk chat: restoring the conversation:", err.Error())
	}
	return nil
}

// configure applies the page's settings.
func (a *app) configure(s setup) {
	cfg := s.cfg
	a.cfg = cfg
	a.online = cfg.Online
	a.label = s.label
	dom.SetText(a.ui.title, cfg.Name)
	if g := strings.TrimSpace(cfg.Greeting); g != "" {
		dom.SetText(a.ui.greeting, g)
		dom.Show(a.ui.greeting, true)
	}
	if o := strings.TrimSpace(cfg.Offline); o != "" {
		// The site owner's own wording for "nobody is here right now".
		dom.SetText(a.ui.offlineIntro, o)
	}
	dom.Show(a.ui.prechatNameField, cfg.PreChatName)
	dom.Show(a.ui.prechatEmailField, cfg.PreChatEmail)
	if s.card != nil {
		a.agentName = s.card.Name
		a.ui.setAgent(s.card.Name, s.card.PhotoURL, a.label)
	}
	// "Book a meeting" leads to the booking page: inside the website's
	// frame (key=), it keeps the widget's frame-ancestors and leads back.
	switch {
	case cfg.BookingSlug == "" || a.mode == modeConversation:
	case a.mode == modeLink:
		a.ui.offerBooking("/l/" + dom.Encode(cfg.BookingSlug) + "/book?lang=" + pageLang())
	default:
		a.ui.offerBooking("/l/" + dom.Encode(cfg.BookingSlug) + "/book?key=" + dom.Encode(a.key) + "&lang=" + pageLang())
	}
}

func joinNonEmpty(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" && out != "" {
			out += sep + p
		} else if p != "" {
			out = p
		}
	}
	return out
}

// atoi reads a number written in ASCII digits alone (strconv.Atoi would
// bring its error type and quoting, several kilobytes, along).
func atoi(s string) (int, bool) {
	n := 0
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' || n > 1e15 {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, s != ""
}

func (a *app) setConversation(c *wire.GuestConversation) {
	a.conv = c
	guestToken = c.Token
	if c.GuestEmail != "" {
		a.email = c.GuestEmail
	}
	a.online = c.Online
	if c.AgentName != "" {
		a.agentName = c.AgentName
		a.ui.setAgent(c.AgentName, c.AgentPhoto, a.label)
	}
	if n, ok := atoi(dom.LocalGet(storeRead + c.Token)); ok {
		a.thread.SetReadSeq(int64(n))
	}
	waiting := a.waiting
	a.waiting = nil
	for _, f := range waiting {
		f()
	}
}

// render shows the parts of the page that fit the current state: the
// pre-chat form until there is a conversation (when the widget asks for
// one), the offline email form while no agent is online and no email is
// known, and the composer otherwise.
func (a *app) render() {
	u := &a.ui
	prechat := a.conv == nil && (a.cfg.PreChatName || a.cfg.PreChatEmail)
	dom.Show(u.prechat, prechat)
	dom.Show(u.composerForm, !prechat)
	dom.Show(u.offline, !prechat && !a.online && a.email == "")

	switch {
	case a.agentName != "":
	case a.online:
		dom.SetText(u.subtitle, text.Online)
	default:
		dom.SetText(u.subtitle, text.Away)
	}
	a.renderStatus()
	a.renderAfterResolve()
	a.placeFocus()
	a.host.postChat()
	a.host.reportPage()
}

// renderStatus says what the visitor must know: the connection dropped, or
// nobody is there to answer live. (The first connection is quick enough to
// need no word.)
func (a *app) renderStatus() {
	switch {
	case a.conv != nil && !a.connected && a.attempts > 0:
		a.ui.setStatus(text.Reconnecting)
	case !a.online && a.email != "":
		a.ui.setStatus(i18n.Fill(text.OfflineEmailKnown, a.email))
	case !a.online && !visible(a.ui.offline):
		// (The offline form, when shown, says it itself.)
		a.ui.setStatus(text.Offline)
	default:
		a.ui.setStatus("")
	}
}

// withConversation runs f once the visitor has a conversation, starting one
// if needed.
func (a *app) withConversation(f func()) {
	if a.conv != nil {
		f()
		return
	}
	a.waiting = append(a.waiting, f)
	if a.creating {
		return
	}
	a.creating = true
	start := wire.StartConversation{
		VisitorToken: a.visitor, Name: a.name, Email: a.email,
		Language: pageLang(),
	}
	path := widgetPath(a.key) + "/conversations"
	if a.mode == modeLink {
		path = linkPath(a.link) + "/conversations"
	}
	go func() {
		var gc wire.GuestConversation
		err := retry(func() error { return call("POST", path, start.Encode(), gc.Decode) },
			func(error) { a.do(func() { a.ui.setStatus(text.CannotLoad) }) })
		a.do(func() {
			a.creating = false
			if err != nil {
				a.startFailed(err)
				return
			}
			a.setConversation(&gc)
			a.render()
			a.connect()
		})
	}()
}

// startFailed reports a conversation the server refused to start: on the
// pre-chat form when it is shown, else on the messages waiting for it.
func (a *app) startFailed(err error) {
	a.waiting = nil
	u := &a.ui
	u.prechatSubmit.Set("disabled", false)
	dom.SetText(u.prechatSubmit, text.StartChat)
	if visible(u.prechat) {
		a.showFieldErrors(err, u.prechatError)
		return
	}
	for _, p := range a.thread.Unsent() {
		a.thread.Fail(p.ClientID, err)
		a.updatePending(p)
	}
	a.ui.setStatus(i18n.Fill(text.ConversationCreateErr, errorText(err)))
}

// showFieldErrors puts a validation error's field messages under their
// fields, and anything else in general.
func (a *app) showFieldErrors(err error, general js.Value) {
	u := &a.ui
	e, _ := wire.AsError(err)
	fields := map[string]string{}
	if e != nil {
		fields = e.Fields
	}
	fieldError(u.prechatName, u.prechatNameError, fields["name"])
	fieldError(u.prechatEmail, u.prechatEmailError, fields["email"])
	if fields["email"] != "" && visible(u.offline) {
		fieldError(u.offlineEmail, u.offlineError, fields["email"])
	}
	if len(fields) == 0 {
		fieldError(js.Null(), general, errorText(err))
	}
}

// submitPrechat starts the conversation with the visitor's name and email.
func (a *app) submitPrechat() {
	u := &a.ui
	name := strings.TrimSpace(u.prechatName.Get("value").String())
	email := strings.TrimSpace(u.prechatEmail.Get("value").String())
	nameErr, emailErr := "", ""
	if a.cfg.PreChatName && name == "" {
		nameErr = text.NameRequired
	}
	if a.cfg.PreChatEmail {
		emailErr = checkEmail(email, true)
	}
	fieldError(u.prechatName, u.prechatNameError, nameErr)
	fieldError(u.prechatEmail, u.prechatEmailError, emailErr)
	fieldError(js.Null(), u.prechatError, "")
	switch {
	case nameErr != "":
		u.prechatName.Call("focus")
		return
	case emailErr != "":
		u.prechatEmail.Call("focus")
		return
	}
	a.name, a.email = name, email
	u.prechatSubmit.Set("disabled", true)
	dom.SetText(u.prechatSubmit, text.Starting)
	a.withConversation(func() {
		u.prechatSubmit.Set("disabled", false)
		dom.SetText(u.prechatSubmit, text.StartChat)
		a.render()
		u.composer.Call("focus")
	})
}

// submitOfflineEmail records where replies go while nobody is online.
func (a *app) submitOfflineEmail() {
	u := &a.ui
	email := strings.TrimSpace(u.offlineEmail.Get("value").String())
	if msg := checkEmail(email, true); msg != "" {
		fieldError(u.offlineEmail, u.offlineError, msg)
		u.offlineEmail.Call("focus")
		return
	}
	fieldError(u.offlineEmail, u.offlineError, "")
	u.offlineSubmit.Set("disabled", true)
	if a.conv == nil {
		a.email = email // the new conversation starts with it
	}
	a.withConversation(func() {
		token := a.conv.Token
		go func() {
			err := retry(func() error {
				return call("POST", conversationPath(token)+"/email", wire.GuestEmail{Email: email}.Encode(), nil)
			}, nil)
			a.do(func() {
				u.offlineSubmit.Set("disabled", false)
				if err != nil {
					if e, ok := wire.AsError(err); ok && e.Fields["email"] != "" {
						fieldError(u.offlineEmail, u.offlineError, e.Fields["email"])
					} else {
						fieldError(u.offlineEmail, u.offlineError, errorText(err))
					}
					return
				}
				a.email = email
				a.render()
				a.ui.announce(i18n.Fill(text.EmailSaved, email))
				u.composer.Call("focus")
			})
		}()
	})
}

// checkEmail catches the obvious mistakes; the server has the last word.
func checkEmail(email string, required bool) string {
	switch {
	case email == "" && required:
		return text.EmailRequired
	case email == "":
		return ""
	}
	at := strings.LastIndexByte(email, '@')
	if at < 1 || at == len(email)-1 || strings.ContainsAny(email, " \t\n") || !strings.Contains(email[at:], ".") {
		return text.EmailInvalid
	}
	return ""
}

// sendComposer queues what the visitor wrote and sends it.
func (a *app) sendComposer() {
	u := &a.ui
	body, err := chat.CheckBody(u.composer.Get("value").String())
	if err == chat.ErrEmpty {
		return
	}
	if err != nil {
		fieldError(u.composer, u.composerError, errorText(err))
		return
	}
	fieldError(u.composer, u.composerError, "")
	u.composer.Set("value", "")
	u.autosize()
	p := a.thread.Queue(dom.RandomHex(16), body)
	u.messages.Call("append", pendingEl(p))
	u.scrollToBottom()
	a.withConversation(a.flush)
}

// retry sends a refused message again.
func (a *app) retry(clientID string) {
	if p := a.thread.Retry(clientID); p != nil {
		a.updatePending(p)
		a.withConversation(a.flush)
	}
}

func (a *app) updatePending(p *chat.Pending) {
	if li := a.pendingElement(p.ClientID); !li.IsNull() {
		updatePending(li, p)
	}
}

func (a *app) pendingElement(clientID string) js.Value {
	return a.ui.messages.Call("querySelector", `[data-client-id="`+clientID+`"]`)
}

// flush sends the messages not yet sent on this connection. Each keeps its
// client id across connections, so a message sent twice is stored once.
func (a *app) flush() {
	if !a.connected {
		return
	}
	for _, p := range a.thread.Unsent() {
		if a.inflight[p.ClientID] {
			continue
		}
		msg := &wire.Message{Body: p.Body}
		for _, f := range p.Files {
			msg.AttachmentIDs = append(msg.AttachmentIDs, f.ID)
		}
		if a.sendFrame(wire.Event{Type: wire.EventMessage, ClientID: p.ClientID, Message: msg}) {
			a.inflight[p.ClientID] = true
		}
	}
}

func (a *app) sendFrame(ev wire.Event) bool {
	if a.sock == nil {
		return false
	}
	return a.sock.Send(ev.Encode())
}

// typing tells the agent the visitor is writing, at most every few seconds.
func (a *app) typing() {
	if now := dom.Now(); a.connected && now-a.lastTypingSent > typingEvery {
		a.lastTypingSent = now
		a.sendFrame(wire.Event{Type: wire.EventTyping})
	}
}
