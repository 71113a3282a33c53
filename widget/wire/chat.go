package wire

// MaxMessageBytes bounds a message body (model.MaxMessageBytes).
const MaxMessageBytes = 8 << 10

// Authors of messages (model.AuthorKind).
const (
	AuthorAgent  = "agent"
	AuthorGuest  = "guest"
	AuthorSystem = "system"
)

// Message is one entry of a conversation (model.Message).
type Message struct {
	ID             int64
	ConversationID int64
	Seq            int64
	ClientID       string
	AuthorKind     string
	AuthorName     string
	Body           string
	CreatedAt      string // RFC 3339
	// Attachments are the message's files; AttachmentIDs names files
	// uploaded for a message being sent.
	Attachments   []Attachment
	AttachmentIDs []int64
}

func (m *Message) Decode(v Value) {
	m.ID = v.Get("id").Int()
	m.ConversationID = v.Get("conversation_id").Int()
	m.Seq = v.Get("seq").Int()
	m.ClientID = v.Get("client_id").Str()
	m.AuthorKind = v.Get("author_kind").Str()
	m.AuthorName = v.Get("author_name").Str()
	m.Body = v.Get("body").Str()
	m.CreatedAt = v.Get("created_at").Str()
	m.Attachments = List(v.Get("attachments"), (*Attachment).Decode)
	m.AttachmentIDs = nil
	if ids := v.Get("attachment_ids"); ids.Exists() {
		for i := range ids.Len() {
			m.AttachmentIDs = append(m.AttachmentIDs, ids.Index(i).Int())
		}
	}
}

// Realtime event types (model.EventType).
const (
	EventMessage      = "message"
	EventTyping       = "typing"
	EventRead         = "read"
	EventConversation = "conversation"
	EventAck          = "ack"
	EventError        = "error"
)

// Event is one frame on the guest websocket (model.Event), either way.
type Event struct {
	Type           string
	ConversationID int64
	Message        *Message
	Seq            int64
	ClientID       string
	Online         bool
	Error          *Error
}

func (e *Event) Decode(v Value) {
	e.Type = v.Get("type").Str()
	e.ConversationID = v.Get("conversation_id").Int()
	if m := v.Get("message"); m.Exists() {
		e.Message = new(Message)
		e.Message.Decode(m)
	}
	e.Seq = v.Get("seq").Int()
	e.ClientID = v.Get("client_id").Str()
	e.Online = v.Get("online").Bool()
	if ev := v.Get("error"); ev.Exists() {
		e.Error = new(Error)
		e.Error.Decode(ev)
	}
}

// Encode writes a frame the guest sends: a message (its body only; the
// server fills in the rest), typing, or a read marker.
func (e Event) Encode() map[string]any {
	obj := map[string]any{"type": e.Type}
	set(obj, "seq", e.Seq)
	set(obj, "client_id", e.ClientID)
	if e.Message != nil {
		msg := map[string]any{"body": e.Message.Body}
		if len(e.Message.AttachmentIDs) > 0 {
			ids := make([]any, len(e.Message.AttachmentIDs))
			for i, id := range e.Message.AttachmentIDs {
				ids[i] = id
			}
			msg["attachment_ids"] = ids
		}
		obj["message"] = msg
	}
	return obj
}

// WidgetConfig is what a website widget needs to draw itself
// (model.WidgetConfig).
type WidgetConfig struct {
	Key          string
	Name         string
	Color        string
	Greeting     string
	PreChatName  bool
	PreChatEmail bool
	Online       bool
	Offline      string
	Language     string
	BookingSlug  string
}

func (c *WidgetConfig) Decode(v Value) {
	c.Key = v.Get("key").Str()
	c.Name = v.Get("name").Str()
	c.Color = v.Get("color").Str()
	c.Greeting = v.Get("greeting").Str()
	c.PreChatName = v.Get("pre_chat_name").Bool()
	c.PreChatEmail = v.Get("pre_chat_email").Bool()
	c.Online = v.Get("online").Bool()
	c.Offline = v.Get("offline").Str()
	c.Language = v.Get("language").Str()
	c.BookingSlug = v.Get("booking_slug").Str()
}

// AgentCard is an agent's public face on their personal link
// (model.AgentCard).
type AgentCard struct {
	Slug         string
	Name         string
	Title        string
	PhotoURL     string
	TimeZone     string
	Organization string
	Durations    []int
	Online       bool
}

func (c *AgentCard) Decode(v Value) {
	c.Slug = v.Get("slug").Str()
	c.Name = v.Get("name").Str()
	c.Title = v.Get("title").Str()
	c.PhotoURL = v.Get("photo_url").Str()
	c.TimeZone = v.Get("time_zone").Str()
	c.Organization = v.Get("organization").Str()
	c.Durations = Ints(v.Get("durations"))
	c.Online = v.Get("online").Bool()
}

// Conversation statuses (model.Status).
const (
	StatusOpen     = "open"
	StatusPending  = "pending"
	StatusResolved = "resolved"
)

// GuestConversation is the guest's view of a conversation
// (model.GuestConversation).
type GuestConversation struct {
	ID          int64
	Token       string
	Channel     string
	Status      string
	GuestName   string
	GuestEmail  string
	AgentName   string
	AgentPhoto  string
	LastSeq     int64
	Online      bool
	Color       string
	Greeting    string
	WidgetTitle string
	// After resolve: what the widget offers, and the rating given.
	RatingEnabled     bool
	TranscriptEnabled bool
	Rating            *Rating
}

func (c *GuestConversation) Decode(v Value) {
	c.ID = v.Get("id").Int()
	c.Token = v.Get("token").Str()
	c.Channel = v.Get("channel").Str()
	c.Status = v.Get("status").Str()
	c.GuestName = v.Get("guest_name").Str()
	c.GuestEmail = v.Get("guest_email").Str()
	c.AgentName = v.Get("agent_name").Str()
	c.AgentPhoto = v.Get("agent_photo").Str()
	c.LastSeq = v.Get("last_seq").Int()
	c.Online = v.Get("online").Bool()
	c.Color = v.Get("color").Str()
	c.Greeting = v.Get("greeting").Str()
	c.WidgetTitle = v.Get("widget_title").Str()
	c.RatingEnabled = v.Get("rating_enabled").Bool()
	c.TranscriptEnabled = v.Get("transcript_enabled").Bool()
	c.Rating = nil
	if r := v.Get("rating"); r.Exists() {
		c.Rating = new(Rating)
		c.Rating.Decode(r)
	}
}

// StartConversation opens a conversation from a widget or personal link
// (model.StartConversation).
type StartConversation struct {
	VisitorToken string
	Name         string
	Email        string
	Language     string
}

func (s StartConversation) Encode() map[string]any {
	obj := map[string]any{"visitor_token": s.VisitorToken, "name": s.Name, "email": s.Email}
	set(obj, "language", s.Language)
	return obj
}

// GuestEmail tells where replies go while nobody is online (the body of
// POST /api/v1/public/conversations/{token}/email).
type GuestEmail struct {
	Email string
}

func (g GuestEmail) Encode() map[string]any { return map[string]any{"email": g.Email} }
