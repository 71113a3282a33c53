package realtime_test

import (
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/model"
)

// TestNotesNeverReachGuests: a note sent over the agent's socket reaches
// agents on both instances but no guest socket, live or on replay, and a
// guest cannot send one.
func TestNotesNeverReachGuests(t *testing.T) {
	w := newWorld(t, pgBus)
	gc := w.startGuest(t, w.a, "visitor-token-0123456789abcdef")
	agent := w.login(t, w.b, "anna@acme.test")
	agentWS, _, err := dial(t, w.b.srv.URL+"/ws/agent", origin(w.b.srv.URL), agent.http.Jar)
	if err != nil {
		t.Fatal(err)
	}
	guestWS, _, err := dial(t, w.a.srv.URL+"/ws/guest?token="+gc.Token+"&after=0", origin(w.a.srv.URL), nil)
	if err != nil {
		t.Fatal(err)
	}

	agentWS.send(model.Event{Type: model.EventMessage, ConversationID: gc.ID, ClientID: "n1",
		Message: &model.Message{Body: "PRIVATE-NOTE-TEXT @anna", Private: true}})
	note := agentWS.next(isMessage("PRIVATE-NOTE-TEXT @anna"))
	if !note.Message.Private || len(note.Message.Mentions) != 1 || note.Message.Mentions[0] != w.agent.ID {
		t.Fatalf("note %+v", note.Message)
	}
	// A reply after the note: the guest gets it, and nothing before it.
	agentWS.send(model.Event{Type: model.EventMessage, ConversationID: gc.ID, ClientID: "r1", Message: &model.Message{Body: "Public reply"}})
	first := guestWS.next(func(ev model.Event) bool { return ev.Type == model.EventMessage })
	if first.Message.Body != "Public reply" || first.Message.Seq != 2 {
		t.Fatalf("guest's first message %+v", first.Message)
	}
	// A fresh guest socket replaying from the start skips the note too.
	replay, _, err := dial(t, w.b.srv.URL+"/ws/guest?token="+gc.Token+"&after=0", origin(w.b.srv.URL), nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := replay.next(func(ev model.Event) bool { return ev.Type == model.EventMessage })
	if ev.Message.Seq != 2 {
		t.Fatalf("replay starts with %+v", ev.Message)
	}
	// The guest may not write one.
	guestWS.send(model.Event{Type: model.EventMessage, ClientID: "g1", Message: &model.Message{Body: "sneaky", Private: true}})
	refused := guestWS.next(func(ev model.Event) bool { return ev.Type == model.EventError && ev.ClientID == "g1" })
	if refused.Error == nil || refused.Error.Code != model.CodeForbidden {
		t.Fatalf("guest note: %+v", refused)
	}
	// Nothing the guest sockets got carries the note's text.
	for _, s := range []*socket{guestWS, replay} {
		for len(s.ch) > 0 {
			if ev := <-s.ch; ev.Message != nil && strings.Contains(ev.Message.Body, "PRIVATE-NOTE-TEXT") {
				t.Fatalf("a guest socket got the note: %+v", ev)
			}
		}
	}
}
