// Package eventbus carries realtime events between Frontdesk's server
// instances.
//
// An event is announced after the transaction that caused it commits, never
// inside it: a transaction that NOTIFYs holds a cluster-wide lock through
// its commit, which capped the message rate (docs/PERFORMANCE.md, P4). So
// the bus promises less than a commit would: an announced event did
// commit, and it reaches every instance that watches it while that
// instance is connected, in no guaranteed order. Exactly-once delivery per
// message is the receiving side's work: messages carry their
// conversation's gap-free seq, so a receiver drops what it has and fetches
// what it missed from the database (see backend/realtime). An instance
// whose connection to the bus was lost learns it through Handler.Listening
// and makes its clients resume.
//
// Two implementations: pgbus (PostgreSQL LISTEN/NOTIFY, the default: no
// other server to run) and natsbus (NATS, for several machines: each
// instance receives only the subjects its sockets need).
package eventbus

import (
	"context"
	"fmt"

	"github.com/frontdesk/frontdesk/model"
)

// Envelope is one event and whom it concerns.
type Envelope struct {
	OrganizationID int64 `json:"o"`
	// ConversationID is the conversation the event belongs to; 0 for
	// organization-wide events (presence), which only agents see.
	ConversationID int64 `json:"c,omitempty"`
	// AgentsOnly keeps the event from the conversation's guests (private
	// notes, the agents' side of a call): it is not even sent to instances
	// that only hold guest sockets.
	AgentsOnly bool `json:"a,omitempty"`
	// Event is what clients receive. A message event whose text was too
	// large for the bus arrives without Message (Seq set): receivers load
	// it.
	Event model.Event `json:"e"`
}

// ForGuests reports whether the conversation's guests may see the event.
func (e Envelope) ForGuests() bool {
	return e.ConversationID != 0 && !e.AgentsOnly && e.Event.Type != model.EventPresence
}

// Topic is what an instance's sockets need: every event of an organization
// (an agent's socket), or the guest-visible events of one conversation (a
// guest's socket, Conversation set).
type Topic struct {
	Organization int64
	Conversation int64
}

// Handler receives events from other instances.
type Handler interface {
	// Listening is called each time the bus (re)starts receiving. resumed
	// is false the first time; true means events may have been lost while
	// the bus was away, so clients must resume from the database.
	Listening(resumed bool)
	// Deliver hands over one event published by another instance. It is
	// called from one goroutine at a time and must not block for long.
	Deliver(Envelope)
}

// Bus moves events between instances.
type Bus interface {
	// Publish announces committed events to the other instances watching
	// them. It returns once the bus has taken them (sent, or buffered for a
	// reconnection), not once they are delivered.
	Publish(ctx context.Context, envs []Envelope) error
	// Run receives events for h until ctx ends, reconnecting after
	// failures.
	Run(ctx context.Context, h Handler) error
	// Watch declares interest in a topic; when it returns, events
	// published afterwards on any instance reach this one. Watches are
	// counted: every Watch is matched by an Unwatch.
	Watch(ctx context.Context, t Topic) error
	// Unwatch drops one Watch of t.
	Unwatch(t Topic)
	// Name says which bus this is, for logs and metrics.
	Name() string
}

// Subject is the NATS-style subject an envelope travels on:
//
//	frontdesk.<org>.c.<conversation>   events guests may see too
//	frontdesk.<org>.a.<conversation>   events for agents only
//	frontdesk.<org>.o                  organization-wide (presence)
//
// An agent's instance watches frontdesk.<org>.>, a guest's
// frontdesk.<org>.c.<conversation>.
func Subject(prefix string, e Envelope) string {
	switch {
	case e.ConversationID == 0:
		return fmt.Sprintf("%s.%d.o", prefix, e.OrganizationID)
	case e.AgentsOnly:
		return fmt.Sprintf("%s.%d.a.%d", prefix, e.OrganizationID, e.ConversationID)
	}
	return fmt.Sprintf("%s.%d.c.%d", prefix, e.OrganizationID, e.ConversationID)
}

// TopicSubject is the subject a Watch of t subscribes to.
func TopicSubject(prefix string, t Topic) string {
	if t.Conversation == 0 {
		return fmt.Sprintf("%s.%d.>", prefix, t.Organization)
	}
	return fmt.Sprintf("%s.%d.c.%d", prefix, t.Organization, t.Conversation)
}
