package pgbus

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/backend/eventbus"
	"github.com/frontdesk/frontdesk/model"
)

func TestEncodeSplitsAndStrips(t *testing.T) {
	msg := func(seq int64, body string) eventbus.Envelope {
		m := model.Message{ConversationID: 3, Seq: seq, Body: body}
		return eventbus.Envelope{OrganizationID: 1, ConversationID: 3, Event: model.Event{Type: model.EventMessage, ConversationID: 3, Seq: seq, Message: &m}}
	}
	var envs []eventbus.Envelope
	for i := range 40 {
		envs = append(envs, msg(int64(i+1), strings.Repeat("a", 500)))
	}
	envs = append(envs, msg(41, strings.Repeat("b", model.MaxMessageBytes)))
	huge := model.Conversation{ID: 3, LastMessage: strings.Repeat("c", 9000)}
	envs = append(envs, eventbus.Envelope{OrganizationID: 1, ConversationID: 3, Event: model.Event{Type: model.EventConversation, Conversation: &huge}})
	payloads, dropped, err := encode("inst", envs)
	if err != nil || dropped != 1 {
		t.Fatalf("dropped %d (want the huge conversation event), %v", dropped, err)
	}
	var got []eventbus.Envelope
	for _, p := range payloads {
		if len(p) > maxPayload {
			t.Fatalf("payload of %d bytes", len(p))
		}
		var pl payload
		if err := json.Unmarshal([]byte(p), &pl); err != nil || pl.Instance != "inst" {
			t.Fatalf("payload %.80s: %v", p, err)
		}
		got = append(got, pl.Events...)
	}
	if len(payloads) < 3 || len(got) != 41 {
		t.Fatalf("%d payloads, %d events", len(payloads), len(got))
	}
	for i, e := range got[:40] {
		if e.Event.Message == nil || e.Event.Message.Seq != int64(i+1) {
			t.Fatalf("event %d: %+v", i, e.Event)
		}
	}
	if last := got[40]; last.Event.Message != nil || last.Event.Seq != 41 {
		t.Fatalf("the oversized message kept its text or lost its seq: %+v", last.Event)
	}
}
