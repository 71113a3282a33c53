//go:build js && wasm

package main

import (
	"unicode/utf8"

	"github.com/frontdesk/frontdesk/widget/chat"
	"github.com/frontdesk/frontdesk/widget/dom"
	"github.com/frontdesk/frontdesk/widget/i18n"
	"github.com/frontdesk/frontdesk/widget/wire"
)

// text is every sentence the chat and the booking pages show, in the
// page's language: the server embeds the catalog's i18n.Widget in the page
// (#fd-text), so the binary carries no translations. (Dates and times come
// from the browser's Intl, in the same language.)
var text i18n.Widget

// loadText reads the page's sentences. A page without them (an old cached
// copy) would show empty labels, so the console says so.
func loadText() {
	el := dom.ByID("fd-text")
	if !el.Truthy() {
		dom.Window.Get("console").Call("error", "frontdesk: the page has no #fd-text")
		return
	}
	obj, err := dom.Parse(el.Get("textContent"))
	if err != nil {
		dom.Window.Get("console").Call("error", "frontdesk: #fd-text is not JSON")
		return
	}
	for _, f := range text.Fields() {
		*f.Text = obj.Get(f.Key).Str()
	}
}

// pageLang is the language the server wrote the page in (a bare primary
// tag): requests the visitor sends on, and links to other visitor pages,
// carry it so that later pages and emails speak it too.
func pageLang() string {
	if l := i18n.Primary(dom.Document.Get("documentElement").Get("lang").String()); i18n.Supported(l) {
		return l
	}
	return i18n.Fallback
}

// errorText is what the visitor reads about err.
func errorText(err error) string {
	switch {
	case err == chat.ErrTooLong:
		return text.TooLong
	case dom.IsNetwork(err):
		return text.NetworkDown
	}
	if e, ok := wire.AsError(err); ok && e.Message != "" {
		return e.Message
	}
	return text.Failed
}

// truncate shortens s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
