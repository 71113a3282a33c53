package calsync

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/schedule"
	"github.com/frontdesk/frontdesk/model"
)

// Busy implements booking.BusySource: the busy time stored for the agent's
// calendars. It never calls a provider.
func (s *Sync) Busy(ctx context.Context, agent model.Agent, from, to time.Time) ([]schedule.Interval, error) {
	ivs, err := s.DB.BusyIntervals(ctx, agent.ID, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]schedule.Interval, len(ivs))
	for i, iv := range ivs {
		out[i] = schedule.Interval{Start: iv[0], End: iv[1]}
	}
	return out, nil
}

// Defaults of the sweep's periods and the store's horizon.
const (
	defaultPollCalDAV    = 2 * time.Minute
	defaultPollWatched   = time.Hour
	defaultPollUnwatched = 5 * time.Minute
	defaultHorizon       = 400 * 24 * time.Hour
	// reanchorAfter is how old a full sync may get: Graph's delta links
	// keep the window of the round that issued them, so the window is
	// moved forward by a full sync this often.
	reanchorAfter = 7 * 24 * time.Hour
)

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// window is the span busy time is kept for: from yesterday (a meeting may
// be moved to earlier today) to the horizon, past any booking horizon.
func (s *Sync) window() calendar.Window {
	now := s.now()
	return calendar.Window{From: now.Add(-24 * time.Hour).Truncate(time.Hour), To: now.Add(orDefault(s.Horizon, defaultHorizon)).Truncate(time.Hour)}
}

// BusySyncArgs reads the changes of one calendar into the store.
type BusySyncArgs struct {
	AgentID    int64  `json:"agent_id"`
	CalendarID string `json:"calendar_id"`
}

// Kind names the job.
func (BusySyncArgs) Kind() string { return "calendar_busy_sync" }

// queueSync queues a calendar's sync in tx, unless one is queued already
// and has not started.
func (s *Sync) queueSync(ctx context.Context, tx bun.Tx, agentID int64, calendarID string) error {
	if s.Queue == nil {
		return nil
	}
	queued, err := s.DB.QueueBusySync(ctx, tx, agentID, calendarID)
	if err != nil || !queued {
		return err
	}
	return s.Queue.InsertTx(ctx, tx, BusySyncArgs{AgentID: agentID, CalendarID: calendarID}, nil)
}

// SyncNow queues a sync of every busy calendar of an agent (after
// connecting, or for tests).
func (s *Sync) SyncNow(ctx context.Context, agentID int64) error {
	cals, err := s.DB.ConnectedCalendars(ctx, agentID)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for _, c := range cals {
			if c.Busy {
				if err := s.queueSync(ctx, tx, agentID, c.CalendarID); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

type busyWorker struct {
	river.WorkerDefaults[BusySyncArgs]
	s *Sync
}

// Work reads what changed since the stored cursor (everything, when there
// is none or the window needs moving) and stores it. If another run
// stored its result first, this one's is dropped: the cursor it started
// from is no longer the calendar's.
func (w *busyWorker) Work(ctx context.Context, job *river.Job[BusySyncArgs]) error {
	s, a := w.s, job.Args
	cal, ok, err := s.DB.StartBusySync(ctx, a.AgentID, a.CalendarID)
	if err != nil || !ok {
		return err
	}
	c, err := s.open(ctx, a.AgentID)
	if errors.Is(err, errNotConnected) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.acct.NeedsReconnectAt != nil {
		return nil
	}
	cursor := cal.SyncCursor
	if cal.FullSyncAt == nil || s.now().Sub(*cal.FullSyncAt) > reanchorAfter {
		cursor = ""
	}
	ch, err := c.conn.Changes(ctx, a.CalendarID, cursor, s.window())
	if err != nil {
		if serr := s.DB.SetSyncError(ctx, a.AgentID, a.CalendarID, shortMessage(err)); serr != nil {
			return serr
		}
		return s.failed(ctx, c, "read busy time", err)
	}
	events := make([]postgres.BusyEvent, len(ch.Busy))
	for i, b := range ch.Busy {
		events[i] = postgres.BusyEvent{ID: b.ID, Start: b.Start, End: b.End, Blocks: b.Blocks}
	}
	applied, err := s.DB.ApplyBusy(ctx, a.AgentID, a.CalendarID, cal.SyncCursor, ch.Cursor, ch.Full, events)
	if err != nil {
		return err
	}
	if !applied {
		s.log().Debug("calsync: another sync stored its result first", "agent", a.AgentID, "calendar", a.CalendarID)
	}
	return nil
}

// shortMessage is an error as the agent may read it.
func shortMessage(err error) string {
	if e, ok := calendar.AsError(err); ok {
		return e.Message
	}
	return "The calendar could not be read; Frontdesk will try again."
}

// SweepArgs is the periodic sweep.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "calendar_sweep" }

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	s *Sync
}

// Work queues the syncs that are due (notifications can be lost; CalDAV
// has none), opens or renews notification channels that are missing or
// expire within a day, and prunes what is no longer needed.
func (w *sweepWorker) Work(ctx context.Context, job *river.Job[SweepArgs]) error {
	return w.s.Sweep(ctx)
}

// Sweep is the periodic job's work; tests call it directly.
func (s *Sync) Sweep(ctx context.Context) error {
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		due, err := s.DB.QueueDueSyncs(ctx, tx, orDefault(s.PollCalDAV, defaultPollCalDAV),
			orDefault(s.PollWatched, defaultPollWatched), orDefault(s.PollUnwatched, defaultPollUnwatched), 500)
		if err != nil {
			return err
		}
		for _, r := range due {
			if err := s.Queue.InsertTx(ctx, tx, BusySyncArgs{AgentID: r.AgentID, CalendarID: r.CalendarID}, nil); err != nil {
				return err
			}
		}
		if !s.pushable() {
			return nil
		}
		watch, err := s.DB.WatchesDue(ctx, s.now().Add(renewBefore), 500)
		if err != nil {
			return err
		}
		for _, r := range watch {
			if err := s.queueWatch(ctx, tx, r.AgentID, r.CalendarID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("calendar sweep: %w", err)
	}
	return s.DB.PruneCalendarData(ctx, s.now().Add(-48*time.Hour))
}
