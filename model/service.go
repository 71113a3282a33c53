package model

import "time"

// Strategy decides who gets a conversation routed to a service.
type Strategy string

const (
	StrategyManual     Strategy = "manual"
	StrategyRoundRobin Strategy = "round_robin"
	StrategyLeastBusy  Strategy = "least_busy"
)

// Valid reports whether s is a known strategy.
func (s Strategy) Valid() bool {
	return s == StrategyManual || s == StrategyRoundRobin || s == StrategyLeastBusy
}

// Service is a call group: a named set of agents that conversations can be
// routed to.
type Service struct {
	ID             int64     `json:"id"`
	OrganizationID int64     `json:"organization_id"`
	Name           string    `json:"name"`
	Strategy       Strategy  `json:"strategy"`
	MemberIDs      []int64   `json:"member_ids"`
	CreatedAt      time.Time `json:"created_at"`
	// Assignable is false when no active member holds a Standard license;
	// such a service is listed but cannot be chosen.
	Assignable bool `json:"assignable"`
}

// ServiceInput creates or patches a service.
type ServiceInput struct {
	Name      *string   `json:"name,omitempty"`
	Strategy  *Strategy `json:"strategy,omitempty"`
	MemberIDs *[]int64  `json:"member_ids,omitempty"`
}

// Widget is a website chat widget an organization embeds on its site.
type Widget struct {
	ID             int64    `json:"id"`
	OrganizationID int64    `json:"organization_id"`
	PublicKey      string   `json:"public_key"`
	Name           string   `json:"name"`
	Color          string   `json:"color"`
	Greeting       string   `json:"greeting"`
	ServiceID      *int64   `json:"service_id"`
	PreChatName    bool     `json:"pre_chat_name"`
	PreChatEmail   bool     `json:"pre_chat_email"`
	AllowedOrigins []string `json:"allowed_origins"`
	// Language fixes the widget's language ("de"); empty follows each
	// visitor's browser.
	Language string `json:"language"`
	// Greetings and OfflineTexts override Greeting and the offline notice
	// per language.
	Greetings    map[string]string `json:"greetings"`
	OfflineTexts map[string]string `json:"offline_texts"`
	CreatedAt    time.Time         `json:"created_at"`
	Snippet      string            `json:"snippet,omitempty"`
	// After resolve the widget asks for a rating (1–5 and a comment) and
	// offers the transcript by email.
	RatingEnabled     bool `json:"rating_enabled"`
	TranscriptEnabled bool `json:"transcript_enabled"`
}

// Languages the visitor side speaks; English is the fallback.
var Languages = []string{"en", "de", "fr", "it", "es"}

// SupportedLanguage reports whether lang is one of Languages.
func SupportedLanguage(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// WidgetInput creates or patches a widget; nil fields are left unchanged
// (or take their defaults on creation).
type WidgetInput struct {
	Name              *string            `json:"name,omitempty"`
	Color             *string            `json:"color,omitempty"`
	Greeting          *string            `json:"greeting,omitempty"`
	ServiceID         *int64             `json:"service_id,omitempty"`
	PreChatName       *bool              `json:"pre_chat_name,omitempty"`
	PreChatEmail      *bool              `json:"pre_chat_email,omitempty"`
	AllowedOrigins    *[]string          `json:"allowed_origins,omitempty"`
	Language          *string            `json:"language,omitempty"`
	Greetings         *map[string]string `json:"greetings,omitempty"`
	OfflineTexts      *map[string]string `json:"offline_texts,omitempty"`
	RatingEnabled     *bool              `json:"rating_enabled,omitempty"`
	TranscriptEnabled *bool              `json:"transcript_enabled,omitempty"`
}

// Contact is an entry of the organization's phonebook.
type Contact struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	Company   string    `json:"company"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ContactInput adds or updates a phonebook contact.
type ContactInput struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	Company string `json:"company"`
}
