//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/frontdesk/frontdesk/widget/dom"
)

// focusable finds what Tab can reach; trapFocus filters out what is hidden
// or taken out of the tab order (the date grid's other days).
const focusable = `a[href],button:not([disabled]),input:not([disabled]),select:not([disabled]),textarea:not([disabled]),[tabindex]`

// trapFocus keeps the keyboard inside the widget while it is open in a
// website's frame: Tab on the last control goes to the first, Shift+Tab on
// the first to the last, as in a dialog. (Escape and the close button are
// the ways out, back to the launcher.) A page of its own needs no trap.
func trapFocus() {
	if dom.Window.Get("parent").Equal(dom.Window) {
		return
	}
	dom.On(dom.Document, "keydown", func(ev js.Value) {
		if ev.Get("key").String() != "Tab" || ev.Get("altKey").Bool() || ev.Get("ctrlKey").Bool() || ev.Get("metaKey").Bool() {
			return
		}
		all := dom.Document.Call("querySelectorAll", focusable)
		var first, last js.Value
		for i := range all.Length() {
			el := all.Index(i)
			if el.Get("tabIndex").Int() < 0 || !visible(el) {
				continue
			}
			if first.IsUndefined() {
				first = el
			}
			last = el
		}
		if first.IsUndefined() {
			return
		}
		active := dom.Document.Get("activeElement")
		switch {
		case ev.Get("shiftKey").Bool() && (active.Equal(first) || active.Equal(dom.Document.Get("body"))):
			ev.Call("preventDefault")
			last.Call("focus")
		case !ev.Get("shiftKey").Bool() && active.Equal(last):
			ev.Call("preventDefault")
			first.Call("focus")
		}
	})
}

// embeddedPage lets a booking page inside the widget's frame (the
// widget's "Book a meeting") behave like the chat it replaced: it greets
// the loader as the chat does, Escape asks it to close the widget (focus
// returns to the launcher), and reopening the widget puts focus back where
// it was.
type embeddedPage struct {
	parent js.Value
	origin string
	last   js.Value // the element focused when the widget closed
}

func startEmbeddedPage() {
	parent := dom.Window.Get("parent")
	if parent.Equal(dom.Window) {
		return
	}
	p := &embeddedPage{parent: parent}
	dom.On(dom.Window, "message", func(ev js.Value) {
		data := ev.Get("data")
		if !ev.Get("source").Equal(p.parent) || data.Type() != js.TypeObject || data.Get("fd").Type() != js.TypeString {
			return
		}
		switch kind, origin := data.Get("fd").String(), ev.Get("origin").String(); {
		case kind == msgHello:
			p.origin = origin
		case origin != p.origin:
		case kind == msgOpen && p.last.Truthy() && p.last.Get("isConnected").Bool():
			p.last.Call("focus")
		}
	})
	dom.On(dom.Document, "keydown", func(ev js.Value) {
		if ev.Get("key").String() == "Escape" && p.origin != "" && !ev.Get("defaultPrevented").Bool() {
			p.last = dom.Document.Get("activeElement")
			p.parent.Call("postMessage", map[string]any{"fd": msgClose}, p.origin)
		}
	})
	parent.Call("postMessage", map[string]any{"fd": msgReady}, "*")
}
