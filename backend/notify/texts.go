package notify

import (
	"fmt"
	"time"
)

// texts are the words of the guest-facing emails in one language. Agents'
// emails are in English for now.
type texts struct {
	Guest            string
	OpenConversation string
	ReplySubject     string // %s: agent
	BookedSubject    string // %s: agent
	BookedBody       string
	ChangedSubject   string
	ChangedBody      string
	CancelledSubject string
	CancelledBody    string
	ManageLine       string // %s: manage link
	ReminderSubject  string
	ReminderBody     string
	EventSummary     string // %s agent, %s guest
	EventDescription string // %s conversation link
	Minutes          string // %d
	DateLayout       string
	TimeLayout       string
}

var english = texts{
	Guest:            "Guest",
	OpenConversation: "Open the conversation",
	ReplySubject:     "%s replied to your message",
	BookedSubject:    "Your meeting with %s is confirmed",
	BookedBody:       "Your meeting with %s is booked.",
	ChangedSubject:   "Your meeting with %s has changed",
	ChangedBody:      "%s changed your meeting. The new time is:",
	CancelledSubject: "Your meeting with %s is cancelled",
	CancelledBody:    "The meeting with %s is cancelled:",
	ManageLine:       "Need another time? Reschedule or cancel here: %s",
	ReminderSubject:  "Reminder: your meeting with %s",
	ReminderBody:     "Your meeting with %s is coming up:",
	EventSummary:     "Meeting: %s and %s",
	EventDescription: "Join the conversation: %s",
	Minutes:          "%d minutes",
	DateLayout:       "Monday 2 January 2006",
	TimeLayout:       "15:04",
}

// catalog returns the texts for a language, English when unknown.
func catalog(lang string) texts {
	if t, ok := catalogs[lang]; ok {
		return t
	}
	return english
}

var catalogs = map[string]texts{"en": english}

// when renders a meeting's time in a zone: "Tuesday 1 December 2026,
// 10:00–10:30 (Europe/Berlin), 30 minutes".
func (t texts) when(start time.Time, minutes int, zone string) string {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	s := start.In(loc)
	e := s.Add(time.Duration(minutes) * time.Minute)
	return fmt.Sprintf("%s, %s–%s (%s), "+t.Minutes, s.Format(t.DateLayout), s.Format(t.TimeLayout), e.Format(t.TimeLayout), loc, minutes)
}
