package app

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/frontdesk/frontdesk/model"
)

// previewRunes matches the server's conversation preview length.
const previewRunes = 140

// preview is a conversation list's one-line summary of a message body, as
// the server computes Conversation.LastMessage, so a row updated live reads
// the same as a row loaded from the API.
func preview(body string) string {
	body = strings.Join(strings.Fields(body), " ")
	if utf8.RuneCountInString(body) <= previewRunes {
		return body
	}
	r := []rune(body)
	return string(r[:previewRunes]) + "…"
}

// guestName is the name to show for a conversation's guest.
func guestName(c model.Conversation) string {
	if c.Guest.Erased {
		return erasedText
	}
	if name := strings.TrimSpace(c.Guest.Name); name != "" {
		return name
	}
	return "Guest"
}

// initials are up to two letters for an avatar: "Maria Rossi" → "MR".
func initials(name string) string {
	var out []rune
	for _, word := range strings.Fields(name) {
		r, _ := utf8.DecodeRuneInString(word)
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		if out = append(out, unicode.ToUpper(r)); len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}

// listTime is a conversation row's time: the hour today, the weekday this
// week, the date otherwise.
func listTime(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(now.Location())
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	switch {
	case y1 == y2 && m1 == m2 && d1 == d2:
		return t.Format("15:04")
	case now.Sub(t) < 6*24*time.Hour && t.Before(now):
		return t.Format("Mon")
	case y1 == y2:
		return t.Format("2 Jan")
	default:
		return t.Format("2 Jan 2006")
	}
}

// messageTime is the time shown beside a message.
func messageTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("15:04")
}

// channelLabel names how a conversation started.
func channelLabel(ch model.Channel) string {
	switch ch {
	case model.ChannelWidget:
		return "Website chat"
	case model.ChannelPersonalLink:
		return "Personal link"
	case model.ChannelMeeting:
		return "Meeting"
	default:
		return string(ch)
	}
}

// statusLabel names a conversation status.
func statusLabel(s model.Status) string {
	switch s {
	case model.StatusOpen:
		return "Open"
	case model.StatusPending:
		return "Pending"
	case model.StatusResolved:
		return "Resolved"
	default:
		return string(s)
	}
}

// serviceTag returns the label of a conversation's service tag, if any.
func serviceTag(c model.Conversation) string {
	for _, t := range c.Tags {
		if t.Kind == "service" {
			return t.Label
		}
	}
	return ""
}

// newClientID returns a random id for a message being sent: 128 bits,
// base64url, so retries of one message are recognised and no two messages
// collide.
func newClientID() string {
	b := make([]byte, 16)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}
