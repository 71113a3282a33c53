//go:build js && wasm

// Command widget runs every visitor page that needs more than HTML: the
// website chat widget, the same chat on an agent's personal link and on a
// meeting's conversation link, and the booking and manage-meeting pages.
// backend/visitor serves the pages and this one binary for all of them, so
// a visitor who chats and then books (or books from the widget) downloads
// it once. It is built for the browser:
//
//	GOOS=js GOARCH=wasm go build -trimpath -ldflags=-s -o build/web/widget.wasm ./widget
//
// Each page says what it is in #app's data-mode; its HTML already holds
// every element used. The chat (mode widget, link or conversation) fills
// them in, talks to the public API and the guest websocket and, in the
// website's iframe, tells the loader on the host page (backend/visitor's
// widget.js) about unread messages through postMessage. The booking pages
// (book.go) pick a slot and book, reschedule or cancel.
//
// Everything that changes the widget's state runs on one goroutine, the job
// loop in main: browser callbacks and finished requests post closures to it,
// so no state is shared between goroutines.
//
// Size: every visitor of a customer's website may download this binary, so
// it stays small (P1: 600 KB brotli, held by backend/visitor's build test;
// `go run ./cmd/wasmsize ./widget` shows where the bytes go). It imports
// neither fmt, encoding/json, reflect nor time, nor model, which imports
// time and fmt: the browser parses and writes the JSON (package wire and
// widget/dom), formats dates and times (Intl) and keeps time (dom.Now,
// dom.After), and i18n.Fill fills in sentences.
package main

import (
	"syscall/js"

	"github.com/frontdesk/frontdesk/widget/chat"
	"github.com/frontdesk/frontdesk/widget/dom"
	"github.com/frontdesk/frontdesk/widget/wire"
)

// The pages' modes (#app's data-mode).
const (
	modeWidget       = "widget"       // the website widget, by the widget's key
	modeLink         = "link"         // a chat from an agent's personal link
	modeConversation = "conversation" // one conversation by its access token
	modeBook         = "book"         // the booking page
	modeManage       = "manage"       // the guest's page of a booked meeting
)

func main() {
	loadText()
	trapFocus()
	var jobs chan func()
	switch dataset(dom.ByID("app"), "mode") {
	case modeBook, modeManage:
		jobs = startBooking()
	default:
		jobs = startChat()
	}
	for job := range jobs {
		job()
	}
}

func startChat() chan func() {
	a := newApp()
	go a.boot()
	return a.jobs
}

// dataset reads a data- attribute of el ("" when missing).
func dataset(el js.Value, name string) string {
	v := el.Get("dataset").Get(name)
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}

// app is the widget's state; only the job loop touches it.
type app struct {
	jobs chan func()
	ui   ui

	mode    string
	key     string // the widget's key (mode widget)
	link    string // the personal link's slug (mode link)
	token   string // the conversation's access token (mode conversation)
	visitor string // visitor token, kept in localStorage
	cfg     wire.WidgetConfig
	online  bool
	label   string // shown under the agent's name

	booted   bool // the settings and the visitor's conversation are loaded
	conv     *wire.GuestConversation
	thread   chat.Thread
	creating bool     // a StartConversation request is in flight
	waiting  []func() // run once the conversation exists
	name     string   // from the pre-chat form
	email    string   // where replies go, once known

	sock      *dom.Socket
	connected bool
	attempts  int             // reconnects since the last lasting connection
	openedAt  float64         // dom.Now when the socket opened
	inflight  map[string]bool // client ids sent on the current connection

	host         host
	postedUnread int   // the unread count the loader last heard
	readSent     int64 // the read marker the server last heard

	focusPending bool // the widget opened before it had a field to focus

	lastTypingSent float64 // dom.Now
	typingTimer    *dom.Timer
	agentName      string
}

func newApp() *app {
	a := &app{jobs: make(chan func(), 256), inflight: map[string]bool{}}
	a.ui = findUI()
	a.mode = dataset(a.ui.app, "mode")
	a.key, a.link, a.token = dataset(a.ui.app, "key"), dataset(a.ui.app, "link"), dataset(a.ui.app, "token")
	a.host.init(a)
	a.ui.bind(a)
	return a
}

// placeFocus moves focus into the widget if it was opened and has not
// placed it yet.
func (a *app) placeFocus() {
	if a.focusPending && a.ui.focusFirst() {
		a.focusPending = false
	}
}

// do runs f on the job loop. It is safe to call from browser callbacks and
// from any goroutine.
func (a *app) do(f func()) { a.jobs <- f }

// after runs f on the job loop once ms milliseconds have passed.
func (a *app) after(ms int, f func()) *dom.Timer {
	return dom.After(ms, func() { go a.do(f) })
}
