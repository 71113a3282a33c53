package model

import (
	"slices"
	"strings"
	"time"
)

// Error codes of the inbox tools (files, search, saved replies, rating).
const (
	CodeFileTooLarge         = "file_too_large"
	CodeFileTypeRefused      = "file_type_refused"
	CodeFileEmpty            = "file_empty"
	CodeFileNameInvalid      = "file_name_invalid"
	CodeAttachmentNotFound   = "attachment_not_found"
	CodeUnknownVariable      = "unknown_variable"
	CodeSearchQueryInvalid   = "search_query_invalid"
	CodeRatingNotAvailable   = "rating_not_available"
	CodeTranscriptNotOffered = "transcript_not_available"
)

// EventContext tells agents that a conversation's guest context or rating
// changed: fetch it again.
const EventContext EventType = "context"

// SearchHit is one place a search found its words: a message (Seq > 0) or
// the conversation's guest or tags (Seq 0). Snippet is the matching text
// cut around the matches, which are marked.
type SearchHit struct {
	ConversationID int64         `json:"conversation_id"`
	Seq            int64         `json:"seq"`
	GuestName      string        `json:"guest_name"`
	Status         Status        `json:"status"`
	AuthorName     string        `json:"author_name,omitempty"`
	Private        bool          `json:"private,omitempty"`
	Snippet        []SnippetPart `json:"snippet"`
	At             time.Time     `json:"at"`
	// Cursor passed as ?before= continues the results after this hit.
	Cursor string `json:"cursor"`
}

// SnippetPart is a run of a snippet's text; Match marks the searched words.
type SnippetPart struct {
	Text  string `json:"text"`
	Match bool   `json:"match,omitempty"`
}

// MaxSearchQuery bounds a search query, in bytes.
const MaxSearchQuery = 200

// SavedReply is a canned answer. Personal ones belong to one agent; the
// others (organization-wide) are kept by admins and offered to everyone.
type SavedReply struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Personal  bool      `json:"personal"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SavedReplyInput creates or replaces a saved reply.
type SavedReplyInput struct {
	Title    string `json:"title"`
	Body     string `json:"body"`
	Personal bool   `json:"personal"`
}

// ReplyVariables are the placeholders a saved reply may hold.
var ReplyVariables = []string{"guest.name", "guest.first_name", "agent.name", "agent.link"}

// Placeholders are {word} or {word.word…} with words of ASCII letters,
// digits and underscores, not starting with a digit; other braces are
// plain text. They are scanned by hand: the model also goes into the
// visitor's WebAssembly, which must stay small (no regexp).

// placeholders calls fn with the start, end and name of each placeholder.
func placeholders(body string, fn func(start, end int, name string)) {
	for i := 0; i < len(body); i++ {
		if body[i] != '{' {
			continue
		}
		j := i + 1
		for j < len(body) && (identByte(body[j]) || body[j] == '.') {
			j++
		}
		if j < len(body) && body[j] == '}' && placeholderName(body[i+1:j]) {
			fn(i, j+1, body[i+1:j])
			i = j
		}
	}
}

func identByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// placeholderName reports whether s is words joined by dots, none empty or
// starting with a digit.
func placeholderName(s string) bool {
	for w := range strings.SplitSeq(s, ".") {
		if w == "" || w[0] >= '0' && w[0] <= '9' {
			return false
		}
	}
	return true
}

// UnknownVariables lists the placeholders of body that are not
// ReplyVariables, each once, in order.
func UnknownVariables(body string) []string {
	var out []string
	placeholders(body, func(_, _ int, name string) {
		if !slices.Contains(ReplyVariables, name) && !slices.Contains(out, name) {
			out = append(out, name)
		}
	})
	return out
}

// FillReply replaces body's placeholders by values (keyed as in
// ReplyVariables); unknown ones stay as written.
func FillReply(body string, values map[string]string) string {
	var b strings.Builder
	last := 0
	placeholders(body, func(start, end int, name string) {
		v, ok := values[name]
		if !ok || !slices.Contains(ReplyVariables, name) {
			return
		}
		b.WriteString(body[last:start])
		b.WriteString(v)
		last = end
	})
	b.WriteString(body[last:])
	return b.String()
}

// FirstName is the first word of a name.
func FirstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return ""
}

// MentionedSlugs lists the @slugs in a note, each once, in order. A
// mention is @ followed by a slug ([a-z0-9-], case-insensitive), not
// preceded by a letter, digit, '_', '.' or '@' (so an email address is no
// mention).
func MentionedSlugs(body string) []string {
	body = strings.ToLower(body)
	var out []string
	for i := 0; i < len(body); i++ {
		if body[i] != '@' || (i > 0 && slugByte(body[i-1]) || i > 0 && strings.IndexByte("_.@", body[i-1]) >= 0) {
			continue
		}
		j := i + 1
		for j < len(body) && slugByte(body[j]) && j-i <= 63 {
			j++
		}
		// A trailing hyphen is punctuation ("@anna-"), not part of the slug.
		for j > i+1 && body[j-1] == '-' {
			j--
		}
		if slug := body[i+1 : j]; slug != "" && slug[0] != '-' && !slices.Contains(out, slug) {
			out = append(out, slug)
		}
		i = j - 1
	}
	return out
}

func slugByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' }

// PageContext is what the widget reports about where the visitor is.
type PageContext struct {
	PageURL   string `json:"page_url"`
	PageTitle string `json:"page_title"`
	StartURL  string `json:"start_url,omitempty"`
	Referrer  string `json:"referrer,omitempty"`
	TimeZone  string `json:"time_zone,omitempty"`
	Language  string `json:"language,omitempty"`
}

// GuestContext is what agents see about a guest beside the conversation.
type GuestContext struct {
	PageURL   string    `json:"page_url"`
	PageTitle string    `json:"page_title"`
	StartURL  string    `json:"start_url"`
	Referrer  string    `json:"referrer"`
	Browser   string    `json:"browser"`
	OS        string    `json:"os"`
	TimeZone  string    `json:"time_zone"`
	Language  string    `json:"language"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// Earlier are the guest's other conversations (same visitor or email),
	// newest first.
	Earlier []EarlierConversation `json:"earlier"`
	Rating  *Rating               `json:"rating,omitempty"`
}

// EarlierConversation is a guest's other conversation, for a link.
type EarlierConversation struct {
	ID          int64     `json:"id"`
	Channel     Channel   `json:"channel"`
	Status      Status    `json:"status"`
	LastMessage string    `json:"last_message"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Rating is a guest's satisfaction with a resolved conversation.
type Rating struct {
	Score     int       `json:"score"`
	Comment   string    `json:"comment"`
	UpdatedAt time.Time `json:"updated_at"`
}

// RatingInput rates a conversation from 1 (bad) to 5 (great).
type RatingInput struct {
	Score   int    `json:"score"`
	Comment string `json:"comment"`
}

// MaxRatingComment bounds a rating's comment, in characters.
const MaxRatingComment = 2000

// TranscriptRequest asks for a conversation's transcript by email; Email
// may be empty when the guest gave one before.
type TranscriptRequest struct {
	Email string `json:"email"`
}

// SatisfactionReport sums up ratings over the last Days days.
type SatisfactionReport struct {
	Days     int         `json:"days"`
	Since    time.Time   `json:"since"`
	Total    RatingStats `json:"total"`
	Agents   []RatingRow `json:"agents"`
	Services []RatingRow `json:"services"`
}

// RatingRow is one agent's or service's ratings; ID 0 is "nobody".
type RatingRow struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	RatingStats
}

// RatingStats counts ratings: Scores[0] is how many gave 1, … Scores[4]
// how many gave 5.
type RatingStats struct {
	Count   int     `json:"count"`
	Average float64 `json:"average"`
	Scores  [5]int  `json:"scores"`
}
