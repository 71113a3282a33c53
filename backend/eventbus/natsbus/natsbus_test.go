package natsbus_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/eventbus"
	"github.com/frontdesk/frontdesk/backend/eventbus/natsbus"
	"github.com/frontdesk/frontdesk/backend/natstest"
	"github.com/frontdesk/frontdesk/model"
)

type collector struct {
	mu     sync.Mutex
	got    []eventbus.Envelope
	resets int
	ready  chan struct{}
	once   sync.Once
}

func (c *collector) Listening(resumed bool) {
	c.once.Do(func() { close(c.ready) })
	if resumed {
		c.mu.Lock()
		c.resets++
		c.mu.Unlock()
	}
}

func (c *collector) Deliver(e eventbus.Envelope) {
	c.mu.Lock()
	c.got = append(c.got, e)
	c.mu.Unlock()
}

func (c *collector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.got)
}

func start(t *testing.T, url string) (*natsbus.Bus, *collector) {
	t.Helper()
	b, err := natsbus.Connect(url, t.Name(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &collector{ready: make(chan struct{})}
	done := make(chan struct{})
	go func() { defer close(done); b.Run(ctx, c) }()
	t.Cleanup(func() { cancel(); <-done; b.Close() })
	select {
	case <-c.ready:
	case <-time.After(5 * time.Second):
		t.Fatal("not connected")
	}
	return b, c
}

// An instance receives what its watches cover, once each, and nothing of
// other organizations or agents-only events for guest-only watches.
func TestWatchesDeliverOnce(t *testing.T) {
	srv := natstest.Start(t)
	pub, _ := start(t, srv.URL)
	sub, got := start(t, srv.URL)
	ctx := context.Background()
	ev := func(org, conv int64, agentsOnly bool) eventbus.Envelope {
		return eventbus.Envelope{OrganizationID: org, ConversationID: conv, AgentsOnly: agentsOnly, Event: model.Event{Type: model.EventTyping, ConversationID: conv}}
	}
	publish := func(envs ...eventbus.Envelope) {
		t.Helper()
		if err := pub.Publish(ctx, envs); err != nil {
			t.Fatal(err)
		}
	}
	settle := func(want int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for got.count() < want && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond) // room for a wrong extra delivery
		if n := got.count(); n != want {
			t.Fatalf("%d events delivered, want %d: %+v", n, want, got.got)
		}
	}

	guest := eventbus.Topic{Organization: 1, Conversation: 10}
	if err := sub.Watch(ctx, guest); err != nil {
		t.Fatal(err)
	}
	publish(ev(1, 10, false), ev(1, 10, true), ev(1, 11, false), ev(2, 10, false))
	settle(1) // the guest's conversation only; not agents-only, not others

	org := eventbus.Topic{Organization: 1}
	if err := sub.Watch(ctx, org); err != nil {
		t.Fatal(err)
	}
	publish(ev(1, 10, false), ev(1, 10, true), ev(1, 11, false), ev(1, 0, false))
	settle(5) // all four of organization 1, conversation 10 once

	sub.Unwatch(org)
	publish(ev(1, 10, false), ev(1, 11, false))
	settle(6) // back to the guest's conversation
	sub.Unwatch(guest)
	publish(ev(1, 10, false))
	settle(6)
}

// The server goes away and comes back: the bus reconnects, reports the
// loss, and delivers again.
func TestReconnectReportsLoss(t *testing.T) {
	srv := natstest.Start(t)
	pub, _ := start(t, srv.URL)
	sub, got := start(t, srv.URL)
	ctx := context.Background()
	if err := sub.Watch(ctx, eventbus.Topic{Organization: 1}); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	srv.Start()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got.mu.Lock()
		resets := got.resets
		got.mu.Unlock()
		if resets > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the reconnection was not reported")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := pub.Publish(ctx, []eventbus.Envelope{{OrganizationID: 1, ConversationID: 5, Event: model.Event{Type: model.EventTyping}}}); err != nil {
		t.Fatal(err)
	}
	for got.count() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("nothing delivered after the reconnection")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
