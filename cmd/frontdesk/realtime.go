//go:build !js

package main

import (
	"context"
	"fmt"
	"time"

	"github.com/frontdesk/frontdesk/backend/eventbus/natsbus"
	"github.com/frontdesk/frontdesk/backend/notify"
	"github.com/frontdesk/frontdesk/backend/realtime"
)

// openRealtime starts the websocket hub on its event bus — NATS when
// FRONTDESK_NATS_URL is set, PostgreSQL otherwise — and the sweeper that
// turns guests' messages into pushes for agents whose app is closed.
func (m *Main) openRealtime(ctx context.Context, notifier *notify.Notifier) error {
	var opts []realtime.Option
	if url := m.getenv("FRONTDESK_NATS_URL"); url != "" {
		bus, err := natsbus.Connect(url, "frontdesk "+realtime.NewInstanceID(), m.Log)
		if err != nil {
			return err
		}
		m.closeBus = bus.Close
		opts = append(opts, realtime.WithBus(bus))
	}
	m.hub = realtime.New(m.db, m.Log, m.api.Registry(), opts...)
	m.api.SetHub(m.hub)
	hubCtx, stopHub := context.WithCancel(context.WithoutCancel(ctx))
	m.stopHub, m.hubDone = stopHub, make(chan struct{})
	go func() {
		defer close(m.hubDone)
		m.hub.Run(hubCtx) //nolint:errcheck // Run only returns when stopped
	}()
	go notifier.RunPushes(hubCtx)
	select {
	case <-m.hub.Ready():
	case <-time.After(10 * time.Second):
		return fmt.Errorf("realtime: the %s event bus is not reachable", m.hub.Bus().Name())
	}
	m.Log.Info("realtime events", "bus", m.hub.Bus().Name())
	return nil
}
