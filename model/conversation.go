package model

import "time"

// Channel is how a conversation started.
type Channel string

const (
	ChannelWidget       Channel = "widget"
	ChannelPersonalLink Channel = "personal_link"
	ChannelMeeting      Channel = "meeting"
)

// Status is where a conversation is in its life.
type Status string

const (
	StatusOpen     Status = "open"
	StatusPending  Status = "pending"
	StatusResolved Status = "resolved"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	return s == StatusOpen || s == StatusPending || s == StatusResolved
}

// Guest is a person outside the organization.
type Guest struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	Company string `json:"company"`
	// Erased is true once the guest's data was erased (GDPR art. 17):
	// the fields above are empty and their messages have no text.
	Erased bool `json:"erased,omitempty"`
}

// Tag is a label shown on a conversation: its Service, or its Company from
// the CRM.
type Tag struct {
	Kind  string `json:"kind"` // "service" or "company"
	Label string `json:"label"`
	URL   string `json:"url,omitempty"`
}

// Conversation is a thread between a guest and the organization's agents.
type Conversation struct {
	ID             int64     `json:"id"`
	OrganizationID int64     `json:"organization_id"`
	Channel        Channel   `json:"channel"`
	Status         Status    `json:"status"`
	ServiceID      *int64    `json:"service_id"`
	AssigneeID     *int64    `json:"assignee_id"`
	Guest          Guest     `json:"guest"`
	Tags           []Tag     `json:"tags"`
	LastSeq        int64     `json:"last_seq"`
	GuestReadSeq   int64     `json:"guest_read_seq"`
	LastMessage    string    `json:"last_message"`
	Unread         int64     `json:"unread"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	CRMLead        *CRMLead  `json:"crm_lead,omitempty"`
}

// AuthorKind says who wrote a message.
type AuthorKind string

const (
	AuthorAgent  AuthorKind = "agent"
	AuthorGuest  AuthorKind = "guest"
	AuthorSystem AuthorKind = "system"
)

// Message is one entry of a conversation. Seq numbers a conversation's
// messages from 1 with no gaps; ClientID makes sending idempotent.
type Message struct {
	ID             int64      `json:"id"`
	ConversationID int64      `json:"conversation_id"`
	Seq            int64      `json:"seq"`
	ClientID       string     `json:"client_id,omitempty"`
	AuthorKind     AuthorKind `json:"author_kind"`
	AuthorID       *int64     `json:"author_id,omitempty"`
	AuthorName     string     `json:"author_name"`
	Body           string     `json:"body"`
	CreatedAt      time.Time  `json:"created_at"`
	// Private marks a note agents leave for each other; guests never get
	// it. Mentions are the agents it names with @.
	Private  bool    `json:"private,omitempty"`
	Mentions []int64 `json:"mentions,omitempty"`
	// Attachments are the message's files; AttachmentIDs names them when
	// sending (over the socket) and echoes them when stored.
	Attachments   []Attachment `json:"attachments,omitempty"`
	AttachmentIDs []int64      `json:"attachment_ids,omitempty"`
	// Erased is true for a guest's message whose text was erased with the
	// guest's data; Body is then empty.
	Erased bool `json:"erased,omitempty"`
}

// MaxMessageBytes bounds a message body.
const MaxMessageBytes = 8 << 10

// SendMessage posts a message. ClientID, chosen by the sender, makes a
// retry store the message once.
type SendMessage struct {
	ClientID string `json:"client_id"`
	Body     string `json:"body"`
	// AttachmentIDs are files uploaded to the conversation beforehand; the
	// body may then be empty.
	AttachmentIDs []int64 `json:"attachment_ids,omitempty"`
	// Private sends a note only agents see (agents only).
	Private bool `json:"private,omitempty"`
}

// ConversationPatch changes a conversation's status.
type ConversationPatch struct {
	Status *Status `json:"status,omitempty"`
}

// ReadMarker says how far a reader has read.
type ReadMarker struct {
	Seq int64 `json:"seq"`
}

// WidgetConfig is what a website widget needs to draw itself; it holds
// nothing private.
type WidgetConfig struct {
	Key          string `json:"key"`
	Name         string `json:"name"`
	Color        string `json:"color"`
	Greeting     string `json:"greeting"`
	PreChatName  bool   `json:"pre_chat_name"`
	PreChatEmail bool   `json:"pre_chat_email"`
	// Online is true while an agent who would get the conversation is
	// connected; otherwise the widget asks for an email.
	Online bool `json:"online"`
	// Offline is the widget's own offline notice in the visitor's language;
	// empty for the default wording.
	Offline string `json:"offline,omitempty"`
	// Language is the widget's fixed language; empty follows the visitor.
	Language string `json:"language,omitempty"`
	// BookingSlug is the personal link whose calendar "Book a meeting"
	// offers; empty when nobody in the widget's service can be booked.
	BookingSlug string `json:"booking_slug,omitempty"`
}

// StartConversation opens a conversation from a widget or personal link.
type StartConversation struct {
	VisitorToken string `json:"visitor_token"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	Language     string `json:"language,omitempty"`
}

// GuestConversation is the guest's view of a conversation.
type GuestConversation struct {
	ID          int64   `json:"id"`
	Token       string  `json:"token"`
	Channel     Channel `json:"channel"`
	Status      Status  `json:"status"`
	GuestName   string  `json:"guest_name"`
	GuestEmail  string  `json:"guest_email"`
	AgentName   string  `json:"agent_name,omitempty"`
	AgentPhoto  string  `json:"agent_photo,omitempty"`
	LastSeq     int64   `json:"last_seq"`
	Online      bool    `json:"online"`
	Color       string  `json:"color,omitempty"`
	Greeting    string  `json:"greeting,omitempty"`
	WidgetTitle string  `json:"widget_title,omitempty"`
	// After resolve, what the widget offers: a rating (Rating is the one
	// given) and the transcript by email.
	RatingEnabled     bool    `json:"rating_enabled,omitempty"`
	TranscriptEnabled bool    `json:"transcript_enabled,omitempty"`
	Rating            *Rating `json:"rating,omitempty"`
}

// AssignRequest routes a conversation: to a service (call group), to a
// particular agent (the Assignee field), or both. Leave ("Apply and leave")
// also takes the requesting agent out of the conversation.
type AssignRequest struct {
	ServiceID  *int64 `json:"service_id"`
	AssigneeID *int64 `json:"assignee_id"`
	Leave      bool   `json:"leave"`
}

// CRMLead is where "Create CRM lead" stands for a conversation.
type CRMLead struct {
	Provider string `json:"provider"`
	// Status is "pending" (queued or being retried), "done" or "failed"
	// (the CRM refused: fix and retry).
	Status   string `json:"status"`
	RecordID string `json:"record_id,omitempty"`
	URL      string `json:"url,omitempty"`
	Error    string `json:"error,omitempty"`
	Code     string `json:"code,omitempty"`
}

// CRMSettings is an organization's CRM connection as admins see it; secrets
// are never sent back, only whether one is stored.
type CRMSettings struct {
	Provider              string `json:"provider"` // "", "hubspot" or "salesforce"
	SalesforceInstanceURL string `json:"salesforce_instance_url,omitempty"`
	SalesforceClientID    string `json:"salesforce_client_id,omitempty"`
	SecretSet             bool   `json:"secret_set"`
}

// CRMInput connects a CRM. Empty secrets keep the stored ones.
type CRMInput struct {
	Provider               string `json:"provider"`
	HubSpotToken           string `json:"hubspot_token,omitempty"`
	SalesforceInstanceURL  string `json:"salesforce_instance_url,omitempty"`
	SalesforceClientID     string `json:"salesforce_client_id,omitempty"`
	SalesforceClientSecret string `json:"salesforce_client_secret,omitempty"`
}
