//go:build !js

package main

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/backend/booking"
	"github.com/frontdesk/frontdesk/backend/cluster"
	"github.com/frontdesk/frontdesk/backend/guestdata"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/ratelimit"
)

// operations is what running several instances on one database adds to the
// server (docs/OPERATIONS.md): this instance's membership (its jobs handed
// back to the queue if it dies), the rate limits shared with the other
// instances, and the guests' data rights with the retention job.
type operations struct {
	limits   *ratelimit.Group
	guests   *guestdata.Service
	periodic []*river.PeriodicJob

	stop context.CancelFunc
	done sync.WaitGroup
}

// openOperations joins the cluster and prepares what must exist before the
// job queue (workers, periodic jobs) and the API (rate limits).
func (m *Main) openOperations(ctx context.Context, db *postgres.DB, workers *river.Workers) error {
	m.member = cluster.New(db, m.Log, m.Config.Addr, m.Config.InstanceTimeout)
	if err := m.member.Join(ctx); err != nil {
		return err
	}
	if m.Config.LimitSync > 0 {
		m.ops.limits = ratelimit.NewGroup(db, m.Config.LimitSync, m.Log)
	}
	m.ops.guests = &guestdata.Service{DB: db, Log: m.Log}
	if err := m.ops.guests.Register(workers); err != nil {
		return err
	}
	m.ops.periodic = append(m.ops.periodic, guestdata.Periodic())
	return nil
}

// startOperations heartbeats and settles rate limits until stopOperations.
func (m *Main) startOperations() {
	ctx, cancel := context.WithCancel(context.Background())
	m.ops.stop = cancel
	m.ops.done.Go(func() { m.member.Run(ctx) })
	m.ops.done.Go(func() { m.ops.limits.Run(ctx) })
}

// wireOperations connects the parts that need the API and the booking
// service.
func (m *Main) wireOperations(bookings *booking.Service) {
	m.ops.guests.Meetings = bookings
	m.api.SetGuestData(m.ops.guests)
	reg := m.api.Registry()
	reg.MustRegister(m.member.Collectors()...)
	reg.MustRegister(m.ops.limits.Collectors()...)
	reg.MustRegister(m.queue.Collectors()...)
}

// stopOperations stops heartbeating and leaves the cluster: whatever jobs
// this instance could not finish go to the others now. Call it after the
// job queue has stopped.
func (m *Main) stopOperations() error {
	if m.ops.stop == nil {
		return nil
	}
	m.ops.stop()
	m.ops.done.Wait()
	m.ops.stop = nil
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := m.member.Leave(ctx); err != nil {
		return errors.Join(errors.New("leave the cluster"), err)
	}
	return nil
}
