package model

import "time"

// GuestExport is everything Frontdesk stores about one guest (GDPR art.
// 15), as an admin downloads it from the side panel or the phonebook. A
// person may have several guest records (one per browser, one per
// booking); records sharing their email address or phone number are
// exported together.
type GuestExport struct {
	ExportedAt    time.Time              `json:"exported_at"`
	Organization  string                 `json:"organization"`
	Guests        []ExportedGuest        `json:"guests"`
	Phonebook     []Contact              `json:"phonebook"`
	Conversations []ExportedConversation `json:"conversations"`
	Meetings      []ExportedMeeting      `json:"meetings"`
	Consent       []ExportedConsent      `json:"consent"`
	// Files are the guest's attachments, as links valid for a while. Empty
	// until conversations carry files.
	Files []ExportedFile `json:"files"`
}

// ExportedGuest is one guest record.
type ExportedGuest struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Email     string     `json:"email"`
	Phone     string     `json:"phone"`
	Company   string     `json:"company"`
	Language  string     `json:"language"`
	CreatedAt time.Time  `json:"created_at"`
	ErasedAt  *time.Time `json:"erased_at,omitempty"`
}

// ExportedConversation is a conversation with all its messages, the
// agents' and the system's included: they are part of what the guest was
// told.
type ExportedConversation struct {
	ID        int64             `json:"id"`
	GuestID   int64             `json:"guest_id"`
	Channel   Channel           `json:"channel"`
	Status    Status            `json:"status"`
	Language  string            `json:"language"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
	Messages  []ExportedMessage `json:"messages"`
}

// ExportedMessage is one message of an exported conversation.
type ExportedMessage struct {
	Seq        int64      `json:"seq"`
	AuthorKind AuthorKind `json:"author_kind"`
	AuthorName string     `json:"author_name"`
	Body       string     `json:"body"`
	Erased     bool       `json:"erased,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
}

// ExportedMeeting is a meeting the guest booked.
type ExportedMeeting struct {
	ID             int64         `json:"id"`
	ConversationID int64         `json:"conversation_id"`
	Agent          string        `json:"agent"`
	Start          time.Time     `json:"start"`
	Duration       int           `json:"duration"`
	TimeZone       string        `json:"time_zone"`
	Status         MeetingStatus `json:"status"`
	Notes          string        `json:"notes,omitempty"`
	CreatedAt      time.Time     `json:"created_at"`
}

// ExportedConsent is something the guest agreed to, and where.
type ExportedConsent struct {
	// Purpose is what for: "email_replies" (replies and meeting emails
	// sent to the address the guest gave).
	Purpose string    `json:"purpose"`
	GuestID int64     `json:"guest_id"`
	Given   bool      `json:"given"`
	Since   time.Time `json:"since"`
}

// ExportedFile is a file the guest sent or received.
type ExportedFile struct {
	Name           string    `json:"name"`
	ContentType    string    `json:"content_type"`
	Size           int64     `json:"size"`
	ConversationID int64     `json:"conversation_id"`
	URL            string    `json:"url"`
	CreatedAt      time.Time `json:"created_at"`
}

// ErasureReport says what erasing a guest did (GDPR art. 17).
type ErasureReport struct {
	Guests            int `json:"guests"`
	Conversations     int `json:"conversations"`
	Messages          int `json:"messages"`
	MeetingsCancelled int `json:"meetings_cancelled"`
	PhonebookEntries  int `json:"phonebook_entries"`
	Files             int `json:"files"`
}

// Retention is how long an organization keeps resolved conversations.
type Retention struct {
	// DeleteResolvedAfterDays deletes conversations resolved for longer
	// than this many days (1–3650); nil keeps them.
	DeleteResolvedAfterDays *int `json:"delete_resolved_after_days"`
}
