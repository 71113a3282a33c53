//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"

	"github.com/frontdesk/frontdesk/widget/dom"
	"github.com/frontdesk/frontdesk/widget/wire"
)

// host is the page the widget is embedded in, reached through the loader
// script (widget.js) with postMessage.
//
// The frame says "ready" to any origin (the message carries nothing), the
// loader answers "hello", and from then on the frame writes only to the
// origin that hello came from: frame-ancestors has already limited which
// origins can embed the frame at all. Messages from anything but the parent
// window are ignored.
//
// Opened directly rather than in a frame, the widget is a full page and
// always open.
type host struct {
	a        *app
	parent   js.Value
	embedded bool
	origin   string // the host page's origin, once it said hello
	open     bool   // the loader shows the frame
	large    bool
	// postedChat is what the loader last heard about an open
	// conversation: -1 nothing yet, 0 none, 1 one.
	postedChat int
	// page is where the visitor is on the host site (the loader says);
	// reported is the page the server last heard of.
	page     wire.PageContext
	reported string
}

// Messages between the loader and the frame are objects whose "fd" field
// names them.
const (
	msgReady  = "ready"  // frame → loader: listening
	msgHello  = "hello"  // loader → frame: {open, resizable}: resizable is false when the frame fills a small screen
	msgOpen   = "open"   // loader → frame: shown
	msgClose  = "close"  // both ways: hidden / please hide
	msgConfig = "config" // frame → loader: {name, color, onColor, lang} to paint and label the launcher
	msgUnread = "unread" // frame → loader: {count, alert}: badge, and a sound and title flash when alert
	msgResize = "resize" // frame → loader: {size: "normal" | "large"}
	msgChat   = "chat"   // frame → loader: {open}: whether the visitor has an open conversation; the loader then creates the frame at once on the site's next pages
	msgPage   = "page"   // loader → frame: {url, title, referrer, start}: the page the visitor is on, after hello and on each in-page navigation
)

func (h *host) init(a *app) {
	h.a = a
	h.postedChat = -1
	h.parent = dom.Window.Get("parent")
	h.embedded = !h.parent.Equal(dom.Window)
	if !h.embedded {
		h.open = true
		return
	}
	dom.On(dom.Window, "message", func(ev js.Value) {
		if !ev.Get("source").Equal(h.parent) {
			return
		}
		data := ev.Get("data")
		if data.Type() != js.TypeObject || data.Get("fd").Type() != js.TypeString {
			return
		}
		kind, origin := data.Get("fd").String(), ev.Get("origin").String()
		open, resizable := data.Get("open").Truthy(), data.Get("resizable").Truthy()
		var page wire.PageContext
		if kind == msgPage {
			str := func(k string) string {
				if u := jsString(data.Get(k)); len(u) <= 2000 {
					return u
				}
				return "" // a URL cut short is no URL
			}
			page = wire.PageContext{PageURL: str("url"), PageTitle: truncate(jsString(data.Get("title")), 290),
				StartURL: str("start"), Referrer: str("referrer")}
		}
		a.do(func() {
			if kind == msgPage && origin == h.origin {
				h.page = page
				h.reportPage()
				return
			}
			h.receive(kind, origin, open, resizable)
		})
	})
	h.parent.Call("postMessage", map[string]any{"fd": msgReady}, "*")
}

func (h *host) receive(kind, origin string, open, resizable bool) {
	switch {
	case kind == msgHello:
		h.origin = origin
		h.a.ui.showHostControls(resizable)
		h.sendConfig()
		h.a.postedUnread = -1 // tell the new listener the count
		h.postedChat = -1
		h.postChat()
		h.setOpen(open)
	case origin != h.origin:
		return
	case kind == msgOpen:
		h.setOpen(true)
	case kind == msgClose:
		h.setOpen(false)
	}
}

func (h *host) setOpen(open bool) {
	if open && !h.open {
		// Focus follows the visitor into the chat, now or, while the
		// widget is still loading, as soon as there is a field to type in.
		h.a.focusPending = true
		h.a.placeFocus()
	}
	if !open {
		h.a.focusPending = false
	}
	h.open = open
	h.a.seen(false)
}

// visible reports whether the visitor can see the widget now.
func (h *host) visible() bool {
	return h.open && dom.Document.Get("visibilityState").String() == "visible"
}

func (h *host) post(msg map[string]any) {
	if h.origin != "" {
		h.parent.Call("postMessage", msg, h.origin)
	}
}

func (h *host) sendConfig() {
	ds := h.a.ui.app.Get("dataset")
	h.post(map[string]any{
		"fd": msgConfig, "name": ds.Get("name"), "color": ds.Get("color"), "onColor": ds.Get("onColor"),
		// The frame's language may differ from the loader's guess: the
		// widget's settings can fix it.
		"lang": pageLang(),
	})
}

// close asks the loader to hide the frame; it moves focus back to its
// launcher button.
func (h *host) close() {
	h.post(map[string]any{"fd": msgClose})
	h.open = false
	h.a.seen(false)
}

func (h *host) toggleLarge() {
	h.large = !h.large
	size := "normal"
	if h.large {
		size = "large"
	}
	h.post(map[string]any{"fd": msgResize, "size": size})
	h.a.ui.setLarge(h.large)
}

// postChat tells the loader whether the visitor has a conversation that is
// not resolved, once the chat knows and whenever that changes.
func (h *host) postChat() {
	a := h.a
	if !a.booted || a.mode != modeWidget {
		return
	}
	open := 0
	if a.conv != nil && a.conv.Status != wire.StatusResolved {
		open = 1
	}
	if open != h.postedChat {
		h.postedChat = open
		h.post(map[string]any{"fd": msgChat, "open": open == 1})
	}
}

func (h *host) unread(count int, alert bool) {
	h.post(map[string]any{"fd": msgUnread, "count": count, "alert": alert})
}

// reportPage tells the server where the visitor is, so agents see it live:
// once the visitor has a conversation, and on every page after.
func (h *host) reportPage() {
	a := h.a
	if a.conv == nil || a.mode != modeWidget || h.page.PageURL == "" || !strings.HasPrefix(h.page.PageURL, "http") {
		return
	}
	page := h.page
	key := page.PageURL + "\x00" + page.PageTitle
	if key == h.reported {
		return
	}
	h.reported = key
	page.TimeZone = dom.Window.Get("Intl").Call("DateTimeFormat").Call("resolvedOptions").Get("timeZone").String()
	page.Language = truncate(jsString(dom.Window.Get("navigator").Get("language")), 35)
	token := a.conv.Token
	go func() {
		// Best effort: a page report lost to the network is replaced by the
		// next one.
		_ = call("PUT", conversationPath(token)+"/context", page.Encode(), nil)
	}()
}

// jsString is v when it is a string, else "".
func jsString(v js.Value) string {
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}
