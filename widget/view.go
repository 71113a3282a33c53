//go:build js && wasm

package main

import (
	"strconv"
	"strings"
	"syscall/js"

	"github.com/frontdesk/frontdesk/widget/chat"
	"github.com/frontdesk/frontdesk/widget/dom"
	"github.com/frontdesk/frontdesk/widget/wire"
)

// ui holds the frame page's elements (backend/visitor renders them; the ids
// are also what the browser tests use).
type ui struct {
	app, avatar, title, subtitle, book, expand, close, status js.Value
	scroll, greeting, messages, typing, announcer             js.Value

	prechat, prechatIntro, prechatNameField, prechatName, prechatNameError js.Value
	prechatEmailField, prechatEmail, prechatEmailError, prechatError       js.Value
	prechatSubmit                                                          js.Value

	offline, offlineIntro, offlineEmail, offlineError, offlineSubmit js.Value

	composerForm, composer, send, composerError js.Value
}

func findUI() ui {
	id := dom.ByID
	return ui{
		app: id("app"), avatar: id("avatar"), title: id("title"), subtitle: id("subtitle"), book: id("book-meeting"),
		expand: id("expand"), close: id("close"), status: id("status"),
		scroll: id("scroll"), greeting: id("greeting"), messages: id("messages"), typing: id("typing"),
		announcer: id("announcer"),

		prechat: id("prechat"), prechatIntro: id("prechat-intro"),
		prechatNameField: id("prechat-name-field"), prechatName: id("prechat-name"), prechatNameError: id("prechat-name-error"),
		prechatEmailField: id("prechat-email-field"), prechatEmail: id("prechat-email"), prechatEmailError: id("prechat-email-error"),
		prechatError: id("prechat-error"), prechatSubmit: id("prechat-submit"),

		offline: id("offline"), offlineIntro: id("offline-intro"), offlineEmail: id("offline-email"),
		offlineError: id("offline-error"), offlineSubmit: id("offline-submit"),

		composerForm: id("composer-form"), composer: id("composer"), send: id("send"), composerError: id("composer-error"),
	}
}

// bind wires the page's controls to the app. Handlers that must cancel the
// browser's default do so here, synchronously; the work itself goes to the
// job loop.
func (u *ui) bind(a *app) {
	onSubmit := func(form js.Value, f func()) {
		dom.On(form, "submit", func(ev js.Value) {
			ev.Call("preventDefault")
			a.do(f)
		})
	}
	onSubmit(u.composerForm, a.sendComposer)
	onSubmit(u.prechat, a.submitPrechat)
	onSubmit(u.offline, a.submitOfflineEmail)

	dom.On(u.composer, "keydown", func(ev js.Value) {
		// Enter sends, Shift+Enter starts a new line; an IME composing a
		// character uses Enter to confirm it.
		if ev.Get("key").String() == "Enter" && !ev.Get("shiftKey").Bool() && !ev.Get("isComposing").Bool() {
			ev.Call("preventDefault")
			a.do(a.sendComposer)
		}
	})
	dom.On(u.composer, "input", func(js.Value) {
		a.do(func() {
			u.autosize()
			a.typing()
		})
	})
	dom.On(u.close, "click", func(js.Value) { a.do(a.host.close) })
	dom.On(u.expand, "click", func(js.Value) { a.do(a.host.toggleLarge) })
	dom.On(dom.Document, "keydown", func(ev js.Value) {
		if ev.Get("key").String() == "Escape" && a.host.embedded {
			a.do(a.host.close)
		}
	})
	dom.On(dom.Document, "visibilitychange", func(js.Value) { a.do(func() { a.seen(false) }) })
	dom.On(u.messages, "click", func(ev js.Value) {
		// The retry buttons of refused messages, by delegation.
		if id := ev.Get("target").Call("getAttribute", "data-retry"); id.Type() == js.TypeString {
			a.do(func() { a.retry(id.String()) })
		}
	})
	dom.On(dom.Window, "online", func(js.Value) { a.do(a.reconnectNow) })
	u.bindFiles(a)
	u.bindAfterResolve(a)
}

func (u *ui) setStatus(s string) { dom.SetText(u.status, s) }

// offerBooking shows "Book a meeting", leading to href.
func (u *ui) offerBooking(href string) {
	u.book.Set("href", href)
	dom.Show(u.book, true)
}

func (u *ui) showHostControls(resizable bool) {
	dom.Show(u.close, true)
	dom.Show(u.expand, resizable)
}

func (u *ui) setLarge(large bool) {
	u.expand.Call("setAttribute", "aria-pressed", strconv.FormatBool(large))
}

// focusFirst puts focus where the visitor will type and reports whether
// there was such a place.
func (u *ui) focusFirst() bool {
	for _, el := range []js.Value{u.prechatName, u.prechatEmail, u.offlineEmail, u.composer} {
		if visible(el) {
			el.Call("focus")
			return true
		}
	}
	return false
}

// visible reports whether el and its ancestors are shown.
func visible(el js.Value) bool {
	return el.Call("getClientRects").Get("length").Int() > 0
}

// autosize grows the composer with its text, up to the CSS max-height.
func (u *ui) autosize() {
	s := u.composer.Get("style")
	s.Set("height", "auto")
	s.Set("height", strconv.Itoa(u.composer.Get("scrollHeight").Int()+2)+"px")
}

// setAgent shows who the visitor is talking to.
func (u *ui) setAgent(name, photo, widgetName string) {
	if name == "" {
		return
	}
	dom.SetText(u.title, name)
	u.avatar.Set("textContent", "")
	if photo != "" && (strings.HasPrefix(photo, "https://") || strings.HasPrefix(photo, "/")) {
		img := dom.Create("img", "")
		img.Set("alt", "")
		img.Set("src", photo)
		u.avatar.Call("append", img)
	} else {
		dom.SetText(u.avatar, initial(name))
	}
	dom.SetText(u.subtitle, widgetName)
}

func initial(name string) string {
	for _, r := range strings.TrimSpace(name) {
		return dom.Window.Get("String").New(string(r)).Call("toUpperCase").String() // the browser knows every script's case
	}
	return "?"
}

// nearBottom reports whether the visitor is reading the latest messages, in
// which case new ones scroll into view.
func (u *ui) nearBottom() bool {
	s := u.scroll
	return s.Get("scrollHeight").Int()-s.Get("scrollTop").Int()-s.Get("clientHeight").Int() < 80
}

func (u *ui) scrollToBottom() { u.scroll.Set("scrollTop", u.scroll.Get("scrollHeight")) }

// messageEl renders a stored message.
func messageEl(m wire.Message, prev *wire.Message) js.Value {
	li := dom.Create("li", "fd-msg fd-msg--"+m.AuthorKind)
	li.Call("setAttribute", "data-seq", strconv.FormatInt(m.Seq, 10))
	who := text.You
	if m.AuthorKind != wire.AuthorGuest {
		who = m.AuthorName
		if who == "" {
			who = text.Company
		}
	}
	if m.AuthorKind == wire.AuthorAgent && (prev == nil || prev.AuthorKind != m.AuthorKind || prev.AuthorName != m.AuthorName) {
		author := dom.Create("span", "fd-author")
		author.Set("ariaHidden", "true")
		dom.SetText(author, who)
		li.Call("append", author)
	}
	li.Call("append", srOnly(who+": "))
	if m.Body != "" {
		li.Call("append", bubble(m.Body))
	}
	if len(m.Attachments) > 0 {
		li.Call("append", filesEl(m.Attachments))
	}
	li.Call("append", meta(timeOf(m), ""))
	return li
}

// pendingEl renders a message the visitor wrote that the server has not
// sent back yet.
func pendingEl(p *chat.Pending) js.Value {
	li := dom.Create("li", "fd-msg fd-msg--guest fd-msg--pending")
	li.Call("setAttribute", "data-client-id", p.ClientID)
	li.Call("append", srOnly(text.You+": "))
	if p.Body != "" {
		li.Call("append", bubble(p.Body))
	}
	if len(p.Files) > 0 {
		li.Call("append", filesEl(p.Files))
	}
	li.Call("append", meta("", text.Sending))
	updatePending(li, p)
	return li
}

// updatePending shows p's delivery state on its element.
func updatePending(li js.Value, p *chat.Pending) {
	cls := li.Get("classList")
	cls.Call("toggle", "fd-msg--failed", p.Err != nil)
	m := li.Call("querySelector", ".fd-meta")
	switch {
	case p.Err != nil:
		dom.SetText(m, text.NotSent+" "+errorText(p.Err))
		retry := dom.Create("button", "fd-retry")
		retry.Set("type", "button")
		retry.Call("setAttribute", "data-retry", p.ClientID)
		dom.SetText(retry, text.Retry)
		m.Call("append", retry)
	case p.Sent():
		dom.SetText(m, text.Sent)
	default:
		dom.SetText(m, text.Sending)
	}
}

func bubble(body string) js.Value {
	p := dom.Create("p", "fd-bubble")
	dom.SetText(p, body)
	return p
}

func meta(when, state string) js.Value {
	m := dom.Create("span", "fd-meta")
	dom.SetText(m, strings.TrimSpace(when+" "+state))
	return m
}

func srOnly(s string) js.Value {
	el := dom.Create("span", "fd-sr")
	dom.SetText(el, s)
	return el
}

// messageClock formats messages' times, made once.
var messageClock js.Value

// timeOf formats a message's time in the visitor's locale and zone (Go's
// own zone in the browser is a fixed offset without DST rules).
func timeOf(m wire.Message) string {
	if m.CreatedAt == "" {
		return ""
	}
	if messageClock.IsUndefined() {
		messageClock = dateFormat(pageLocale(), map[string]any{"hour": "numeric", "minute": "2-digit"})
	}
	return messageClock.Call("format", jsDate(m.CreatedAt)).String()
}

// announce reads a new message out to screen readers, once.
func (u *ui) announce(s string) {
	s = truncate(s, 300)
	dom.SetText(u.announcer, "")
	dom.SetText(u.announcer, s)
}

// fieldError shows or clears the message under a form field.
func fieldError(input, msg js.Value, err string) {
	dom.SetText(msg, err)
	dom.Show(msg, err != "")
	if input.IsNull() || input.IsUndefined() {
		return
	}
	if err == "" {
		input.Call("removeAttribute", "aria-invalid")
	} else {
		input.Call("setAttribute", "aria-invalid", "true")
	}
}
