//go:build js && wasm

// Command widget is the website chat widget a visitor talks through. It runs
// in an iframe from the Frontdesk origin, on the page backend/visitor serves
// at /widget/frame, and is built for the browser:
//
//	GOOS=js GOARCH=wasm go build -trimpath -ldflags=-s -o build/web/widget.wasm ./widget
//
// The page already holds every element the widget uses; this program fills
// them in, talks to the public API and the guest websocket, and tells the
// loader on the host page (backend/visitor's widget.js) about unread
// messages through postMessage.
//
// Everything that changes the widget's state runs on one goroutine, the job
// loop in main: browser callbacks and finished requests post closures to it,
// so no state is shared between goroutines.
package main

import (
	"time"

	"github.com/frontdesk/frontdesk/model"
	"github.com/frontdesk/frontdesk/widget/chat"
	"github.com/frontdesk/frontdesk/widget/dom"
)

func main() {
	a := newApp()
	go a.boot()
	for job := range a.jobs {
		job()
	}
}

// app is the widget's state; only the job loop touches it.
type app struct {
	jobs chan func()
	ui   ui

	key     string
	visitor string // visitor token, kept in localStorage
	cfg     model.WidgetConfig
	online  bool

	conv     *model.GuestConversation
	thread   chat.Thread
	creating bool     // a StartConversation request is in flight
	waiting  []func() // run once the conversation exists
	name     string   // from the pre-chat form
	email    string   // where replies go, once known

	sock      *dom.Socket
	connected bool
	attempts  int // reconnects since the last lasting connection
	openedAt  time.Time
	inflight  map[string]bool // client ids sent on the current connection

	host         host
	postedUnread int   // the unread count the loader last heard
	readSent     int64 // the read marker the server last heard

	focusPending bool // the widget opened before it had a field to focus

	lastTypingSent time.Time
	typingTimer    *time.Timer
	agentName      string
}

func newApp() *app {
	a := &app{jobs: make(chan func(), 256), inflight: map[string]bool{}}
	a.ui = findUI()
	a.key = a.ui.app.Get("dataset").Get("key").String()
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

// after runs f on the job loop once d has passed.
func (a *app) after(d time.Duration, f func()) *time.Timer {
	return time.AfterFunc(d, func() { a.do(f) })
}
