//go:build js && wasm

package main

import (
	"errors"
	"unicode/utf8"

	"github.com/frontdesk/frontdesk/model"
	"github.com/frontdesk/frontdesk/widget/chat"
	"github.com/frontdesk/frontdesk/widget/dom"
)

// text is every sentence the widget shows, in one place for translation.
var text = struct {
	you, company                                        string
	sending, sent, notSent, retry                       string
	reconnecting, unavailable, cannotLoad               string
	online, away, offline, offlineEmailKnown            string
	typing, anAgent                                     string
	nameRequired, emailRequired, emailInvalid           string
	starting, startChat, emailSaved                     string
	tooLong, failed, networkDown, conversationCreateErr string
}{
	you:     "You",
	company: "Support",

	sending: "Sending…",
	sent:    "Sent",
	notSent: "Not sent.",
	retry:   "Retry",

	reconnecting: "Connection lost. Reconnecting…",
	unavailable:  "This chat is not available.",
	cannotLoad:   "The chat cannot reach the server. Trying again…",

	online:            "Online now",
	away:              "Away — we'll reply by email",
	offline:           "No one is available right now. We'll reply by email.",
	offlineEmailKnown: "No one is available right now. We'll reply to %s by email.",

	typing:  "%s is typing",
	anAgent: "An agent",

	nameRequired:  "Please enter your name.",
	emailRequired: "Please enter your email.",
	emailInvalid:  "Please enter an email address like name@example.com.",

	starting:   "Starting…",
	startChat:  "Start chat",
	emailSaved: "Thanks! We'll reply to %s.",

	tooLong:               "This message is too long.",
	failed:                "Something went wrong.",
	networkDown:           "No connection.",
	conversationCreateErr: "The chat could not start: %s",
}

// errorText is what the visitor reads about err.
func errorText(err error) string {
	switch {
	case errors.Is(err, chat.ErrTooLong):
		return text.tooLong
	case errors.Is(err, dom.ErrNetwork):
		return text.networkDown
	}
	if e, ok := model.AsError(err); ok && e.Message != "" {
		return e.Message
	}
	return text.failed
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
