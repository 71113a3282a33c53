package eventbus_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/frontdesk/frontdesk/backend/eventbus"
	"github.com/frontdesk/frontdesk/model"
)

func TestSubjects(t *testing.T) {
	for _, tc := range []struct {
		env       eventbus.Envelope
		subject   string
		forGuests bool
	}{
		{eventbus.Envelope{OrganizationID: 7, ConversationID: 42, Event: model.Event{Type: model.EventMessage}}, "frontdesk.7.c.42", true},
		{eventbus.Envelope{OrganizationID: 7, ConversationID: 42, AgentsOnly: true, Event: model.Event{Type: model.EventMessage}}, "frontdesk.7.a.42", false},
		{eventbus.Envelope{OrganizationID: 7, Event: model.Event{Type: model.EventPresence}}, "frontdesk.7.o", false},
	} {
		if got := eventbus.Subject("frontdesk", tc.env); got != tc.subject {
			t.Errorf("Subject(%+v) = %s, want %s", tc.env, got, tc.subject)
		}
		if got := tc.env.ForGuests(); got != tc.forGuests {
			t.Errorf("ForGuests(%+v) = %v", tc.env, got)
		}
	}
	if got := eventbus.TopicSubject("frontdesk", eventbus.Topic{Organization: 7}); got != "frontdesk.7.>" {
		t.Errorf("organization topic %s", got)
	}
	if got := eventbus.TopicSubject("frontdesk", eventbus.Topic{Organization: 7, Conversation: 42}); got != "frontdesk.7.c.42" {
		t.Errorf("conversation topic %s", got)
	}
}

// Concurrent publishers share batches, every event is sent once, and each
// caller gets its batch's error.
func TestBatcher(t *testing.T) {
	var sent, batches atomic.Int64
	release := make(chan struct{})
	fail := atomic.Bool{}
	b := eventbus.NewBatcher(func(_ context.Context, envs []eventbus.Envelope) error {
		if batches.Add(1) == 1 {
			<-release // hold the first batch so the others pile up
		}
		sent.Add(int64(len(envs)))
		if fail.Load() {
			return errors.New("down")
		}
		return nil
	})
	var wg sync.WaitGroup
	wg.Go(func() { b.Publish(context.Background(), []eventbus.Envelope{{}}) })
	for batches.Load() == 0 {
	}
	for range 50 {
		wg.Go(func() {
			if err := b.Publish(context.Background(), []eventbus.Envelope{{}, {}}); err != nil {
				t.Error(err)
			}
		})
	}
	close(release)
	wg.Wait()
	if sent.Load() != 101 {
		t.Fatalf("%d events sent, want 101", sent.Load())
	}
	if n := batches.Load(); n >= 51 {
		t.Fatalf("%d batches for 51 publishes: nothing was batched", n)
	}
	fail.Store(true)
	if err := b.Publish(context.Background(), []eventbus.Envelope{{}}); err == nil {
		t.Fatal("a failed batch reported success")
	}
}
