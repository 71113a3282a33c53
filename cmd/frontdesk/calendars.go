//go:build !js

package main

import (
	"time"

	"github.com/frontdesk/frontdesk/backend/calendar/caldav"
	"github.com/frontdesk/frontdesk/backend/calendar/google"
	"github.com/frontdesk/frontdesk/backend/calendar/microsoft"
	"github.com/frontdesk/frontdesk/backend/calsync"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/secret"
)

// sweepEvery is how often the calendar sweep runs: it queues the syncs
// that are due and renews notification channels.
const sweepEvery = time.Minute

// calendarEndpoints point the Google and Microsoft clients elsewhere
// (tests' loopback fakes); zero values mean the real services.
type calendarEndpoints struct {
	Google    google.Endpoints
	Microsoft microsoft.Endpoints
}

// newCalendars wires calendar sync: CalDAV, Google Calendar and Microsoft
// 365 clients over the store, the sealed secrets and (once it exists) the
// job queue.
func (m *Main) newCalendars(db *postgres.DB, box *secret.Box) *calsync.Sync {
	gep, mep := google.Production, microsoft.Production
	if m.CalendarEndpoints.Google.APIURL != "" {
		gep = m.CalendarEndpoints.Google
	}
	if m.CalendarEndpoints.Microsoft.GraphURL != "" {
		mep = m.CalendarEndpoints.Microsoft
	}
	return &calsync.Sync{DB: db, Box: box, BaseURL: m.Config.BaseURL, Log: m.Log,
		CalDAV:    caldav.New(caldav.Options{OwnEvent: calsync.OwnUID(m.Config.BaseURL), Logger: m.Log}),
		Google:    &google.Client{Endpoints: gep, Log: m.Log},
		Microsoft: &microsoft.Client{Endpoints: mep, Log: m.Log},
	}
}

// calendarJobs is the calendar sweep, run by the queue's leader.
func calendarJobs(c *calsync.Sync) jobs.Option {
	return jobs.WithPeriodicJobs(c.Periodic(sweepEvery))
}
