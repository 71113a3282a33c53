package model

// EventType names a realtime event.
type EventType string

const (
	EventMessage      EventType = "message"
	EventTyping       EventType = "typing"
	EventRead         EventType = "read"
	EventConversation EventType = "conversation"
	EventPresence     EventType = "presence"
	EventAck          EventType = "ack"
	EventResume       EventType = "resume"
	EventError        EventType = "error"
)

// Event is one frame on a realtime socket, in either direction.
type Event struct {
	Type           EventType     `json:"type"`
	ConversationID int64         `json:"conversation_id,omitempty"`
	Message        *Message      `json:"message,omitempty"`
	Conversation   *Conversation `json:"conversation,omitempty"`
	Seq            int64         `json:"seq,omitempty"`
	ClientID       string        `json:"client_id,omitempty"`
	AgentID        int64         `json:"agent_id,omitempty"`
	Online         bool          `json:"online,omitempty"`
	Error          *Error        `json:"error,omitempty"`
}
