//go:build js && wasm

package main

import (
	"errors"
	"unicode/utf8"

	"github.com/frontdesk/frontdesk/model"
	"github.com/frontdesk/frontdesk/widget/chat"
	"github.com/frontdesk/frontdesk/widget/dom"
)

// text is every sentence the chat and the booking pages show, in one place
// for translation. (Dates and times come from the browser's Intl.)
var text = struct {
	you, company, conversation                          string
	sending, sent, notSent, retry                       string
	reconnecting, unavailable, cannotLoad               string
	online, away, offline, offlineEmailKnown            string
	typing, anAgent                                     string
	nameRequired, emailRequired, emailInvalid           string
	starting, startChat, emailSaved                     string
	tooLong, failed, networkDown, conversationCreateErr string

	cannotLoadPage, linkGone, zoneUnsupported                string
	minutes, when, dayFree, chooseDay, pickDay, loadingSlots string
	noSlotsMonth, slotsCount, slotTaken                      string
	fieldName, fieldEmail, fieldPhone, fieldNotes            string
	fieldProblem, book, booking, move, moving                string
	meetingWith, confirmEmail                                string
	meetingNotFound, meetingScheduled, meetingCancelled      string
	meetingPast, meetingMoved, meetingCancelledNow           string
}{
	you:          "You",
	company:      "Support",
	conversation: "Conversation",

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

	cannotLoadPage:  "Cannot reach the server. Trying again…",
	linkGone:        "This booking page is no longer available.",
	zoneUnsupported: "Free times cannot be shown in this time zone. Please choose another one.",

	minutes:      "%d minutes",
	when:         "%s, %s (%s)", // date, time span, time zone
	dayFree:      "free times available",
	chooseDay:    "Choose a day",
	pickDay:      "Days with free times are highlighted.",
	loadingSlots: "Loading free times…",
	noSlotsMonth: "No free times this month. Try the next one.",
	slotsCount:   "%d free times",
	slotTaken:    "Sorry, someone just booked that time. Please choose another one.",

	fieldName:    "Name",
	fieldEmail:   "Email",
	fieldPhone:   "Phone",
	fieldNotes:   "Notes",
	fieldProblem: "%s %s.", // "Phone" "must be a phone number like …"
	book:         "Book meeting",
	booking:      "Booking…",
	move:         "Move meeting here",
	moving:       "Moving…",

	meetingWith:  "Meeting with %s",
	confirmEmail: "A confirmation email with a calendar invite is on its way to %s.",

	meetingNotFound:     "This meeting link is not valid. Please use the link in your latest email.",
	meetingScheduled:    "This meeting is scheduled.",
	meetingCancelled:    "This meeting was cancelled.",
	meetingPast:         "This meeting has taken place.",
	meetingMoved:        "Your meeting was moved. An updated invitation is on its way by email.",
	meetingCancelledNow: "Your meeting is cancelled. You and %s will get an email about it.",
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
