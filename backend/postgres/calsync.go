package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// CalendarApp is an OAuth client an admin registered with Google or
// Microsoft; the secret stays sealed here.
type CalendarApp struct {
	bun.BaseModel      `bun:"table:calendar_apps"`
	OrganizationID     int64  `bun:",pk"`
	Provider           string `bun:",pk"`
	ClientID           string
	ClientSecretSealed string
	Tenant             string
	UpdatedAt          time.Time `bun:",nullzero,default:now()"`
}

// CalendarApps returns an organization's OAuth apps.
func (db *DB) CalendarApps(ctx context.Context, orgID int64) ([]CalendarApp, error) {
	var apps []CalendarApp
	if err := db.Bun.NewSelect().Model(&apps).Where("organization_id = ?", orgID).Order("provider").Scan(ctx); err != nil {
		return nil, fmt.Errorf("select calendar apps: %w", err)
	}
	return apps, nil
}

// CalendarApp returns one OAuth app; ok is false when none is set up.
func (db *DB) CalendarApp(ctx context.Context, orgID int64, provider string) (CalendarApp, bool, error) {
	var app CalendarApp
	err := db.Bun.NewSelect().Model(&app).Where("organization_id = ? AND provider = ?", orgID, provider).Scan(ctx)
	if noRows(err) {
		return app, false, nil
	}
	if err != nil {
		return app, false, fmt.Errorf("select calendar app: %w", err)
	}
	return app, true, nil
}

// SetCalendarApp creates or replaces an OAuth app.
func (db *DB) SetCalendarApp(ctx context.Context, app CalendarApp) error {
	_, err := db.Bun.NewInsert().Model(&app).On("CONFLICT (organization_id, provider) DO UPDATE").
		Set("client_id = EXCLUDED.client_id, client_secret_sealed = EXCLUDED.client_secret_sealed, tenant = EXCLUDED.tenant, updated_at = now()").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("set calendar app: %w", translate(err))
	}
	return nil
}

// DeleteCalendarApp removes an OAuth app; the agents connected through it
// need to connect again once there is one.
func (db *DB) DeleteCalendarApp(ctx context.Context, orgID int64, provider, reason string) error {
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*CalendarApp)(nil)).Where("organization_id = ? AND provider = ?", orgID, provider).Exec(ctx); err != nil {
			return fmt.Errorf("delete calendar app: %w", err)
		}
		_, err := tx.NewUpdate().Model((*CalendarAccount)(nil)).
			Set("needs_reconnect_at = now(), reconnect_reason = ?", reason).
			Where("organization_id = ? AND provider = ? AND needs_reconnect_at IS NULL", orgID, provider).Exec(ctx)
		if err != nil {
			return fmt.Errorf("delete calendar app: mark connections: %w", err)
		}
		return nil
	})
}

// ConnectedCalendar is one calendar of an agent's connection.
type ConnectedCalendar struct {
	bun.BaseModel `bun:"table:connected_calendars"`
	AgentID       int64  `bun:",pk"`
	CalendarID    string `bun:",pk"`
	Name          string
	TimeZone      string
	IsPrimary     bool
	Writable      bool
	Busy          bool
	Position      int
	SyncCursor    string
	FullSyncAt    *time.Time
	SyncedAt      *time.Time
	SyncQueuedAt  *time.Time
	SyncError     string
}

// ConnectedCalendars lists the calendars of an agent's connection.
func (db *DB) ConnectedCalendars(ctx context.Context, agentID int64) ([]ConnectedCalendar, error) {
	var cals []ConnectedCalendar
	if err := db.Bun.NewSelect().Model(&cals).Where("agent_id = ?", agentID).Order("position").Scan(ctx); err != nil {
		return nil, fmt.Errorf("select connected calendars: %w", err)
	}
	return cals, nil
}

// ChooseCalendars sets where meetings go and which calendars count as
// busy. A calendar that stops counting loses its busy time and its sync
// state; it returns the calendars that start counting, to be synced.
func (db *DB) ChooseCalendars(ctx context.Context, tx bun.Tx, agentID int64, write string, busy []string) (added []string, err error) {
	if _, err := tx.NewUpdate().Model((*CalendarAccount)(nil)).Set("write_calendar_id = ?", write).Where("agent_id = ?", agentID).Exec(ctx); err != nil {
		return nil, fmt.Errorf("choose calendars: %w", err)
	}
	if busy == nil {
		busy = []string{}
	}
	err = tx.NewRaw(`UPDATE connected_calendars SET busy = true
		WHERE agent_id = ? AND calendar_id = ANY(?) AND NOT busy RETURNING calendar_id`, agentID, pgdialect.Array(busy)).Scan(ctx, &added)
	if err != nil && !noRows(err) {
		return nil, fmt.Errorf("choose calendars: %w", err)
	}
	_, err = tx.NewRaw(`UPDATE connected_calendars SET busy = false, sync_cursor = '', full_sync_at = NULL, synced_at = NULL, sync_queued_at = NULL, sync_error = ''
		WHERE agent_id = ? AND NOT calendar_id = ANY(?) AND busy`, agentID, pgdialect.Array(busy)).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("choose calendars: %w", err)
	}
	_, err = tx.NewRaw(`DELETE FROM calendar_busy WHERE agent_id = ? AND NOT calendar_id = ANY(?)`, agentID, pgdialect.Array(busy)).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("choose calendars: clear busy time: %w", err)
	}
	return added, nil
}

// QueueBusySync marks a calendar's sync as queued; ok is true when it was
// not already, and the caller inserts the job in the same transaction.
// Notifications arriving while a job waits thus add none of their own,
// while any arriving once it has started queue the next.
func (db *DB) QueueBusySync(ctx context.Context, idb bun.IDB, agentID int64, calendarID string) (bool, error) {
	res, err := idb.NewUpdate().Model((*ConnectedCalendar)(nil)).Set("sync_queued_at = now()").
		Where("agent_id = ? AND calendar_id = ? AND busy AND sync_queued_at IS NULL", agentID, calendarID).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("queue busy sync: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// StartBusySync takes a calendar's queued mark off as its sync job starts,
// and returns the calendar; ok is false when it no longer counts as busy.
func (db *DB) StartBusySync(ctx context.Context, agentID int64, calendarID string) (ConnectedCalendar, bool, error) {
	var c ConnectedCalendar
	err := db.Bun.NewUpdate().Model(&c).Set("sync_queued_at = NULL").
		Where("agent_id = ? AND calendar_id = ? AND busy", agentID, calendarID).Returning("*").Scan(ctx)
	if noRows(err) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("start busy sync: %w", err)
	}
	return c, true, nil
}

// BusyEvent is one event's verdict from a sync.
type BusyEvent struct {
	ID         string
	Start, End time.Time
	Blocks     bool
}

// ApplyBusy stores what a sync learned, if the calendar's cursor is still
// the one the sync started from (another run may have applied first; then
// ok is false and nothing changes). A full sync replaces the calendar's
// busy time; otherwise each event's row is replaced or removed.
func (db *DB) ApplyBusy(ctx context.Context, agentID int64, calendarID, fromCursor, toCursor string, full bool, events []BusyEvent) (ok bool, err error) {
	err = db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var cur string
		err := tx.NewSelect().Model((*ConnectedCalendar)(nil)).Column("sync_cursor").
			Where("agent_id = ? AND calendar_id = ? AND busy", agentID, calendarID).For("UPDATE").Scan(ctx, &cur)
		if noRows(err) || err == nil && cur != fromCursor {
			return nil
		}
		if err != nil {
			return err
		}
		// One verdict per event: the last listed wins.
		last := make(map[string]int, len(events))
		for i, e := range events {
			last[e.ID] = i
		}
		var ids []string
		var starts, ends []time.Time
		var drop []string
		for i, e := range events {
			if last[e.ID] != i {
				continue
			}
			drop = append(drop, e.ID)
			if e.Blocks && e.End.After(e.Start) {
				ids, starts, ends = append(ids, e.ID), append(starts, e.Start.UTC()), append(ends, e.End.UTC())
			}
		}
		del := tx.NewDelete().Table("calendar_busy").Where("agent_id = ? AND calendar_id = ?", agentID, calendarID)
		if !full {
			if len(drop) == 0 {
				del = nil
			} else {
				del = del.Where("event_id = ANY(?)", pgdialect.Array(drop))
			}
		}
		if del != nil {
			if _, err := del.Exec(ctx); err != nil {
				return fmt.Errorf("clear busy time: %w", err)
			}
		}
		if len(ids) > 0 {
			_, err := tx.NewRaw(`INSERT INTO calendar_busy (agent_id, calendar_id, event_id, during)
				SELECT ?, ?, e.id, tstzrange(e.s, e.e) FROM unnest(?::text[], ?::timestamptz[], ?::timestamptz[]) AS e(id, s, e)`,
				agentID, calendarID, pgdialect.Array(ids), pgdialect.Array(starts), pgdialect.Array(ends)).Exec(ctx)
			if err != nil {
				return fmt.Errorf("store busy time: %w", err)
			}
		}
		q := tx.NewUpdate().Model((*ConnectedCalendar)(nil)).Set("sync_cursor = ?, synced_at = now(), sync_error = ''", toCursor).
			Where("agent_id = ? AND calendar_id = ?", agentID, calendarID)
		if full {
			q = q.Set("full_sync_at = now()")
		}
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("store sync state: %w", err)
		}
		ok = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("apply busy time: %w", err)
	}
	return ok, nil
}

// SetSyncError records why a calendar's last sync failed ("" clears it).
func (db *DB) SetSyncError(ctx context.Context, agentID int64, calendarID, msg string) error {
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	_, err := db.Bun.NewUpdate().Model((*ConnectedCalendar)(nil)).Set("sync_error = ?", msg).
		Where("agent_id = ? AND calendar_id = ?", agentID, calendarID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("set sync error: %w", err)
	}
	return nil
}

// BusyIntervals returns the stored busy time of an agent's calendars that
// overlaps [from, to). This is all the booking page asks.
func (db *DB) BusyIntervals(ctx context.Context, agentID int64, from, to time.Time) ([][2]time.Time, error) {
	rows, err := db.Pool.Query(ctx, `SELECT lower(during), upper(during) FROM calendar_busy
		WHERE agent_id = $1 AND during && tstzrange($2, $3)`, agentID, from, to)
	if err != nil {
		return nil, fmt.Errorf("select busy time: %w", err)
	}
	defer rows.Close()
	var out [][2]time.Time
	for rows.Next() {
		var iv [2]time.Time
		if err := rows.Scan(&iv[0], &iv[1]); err != nil {
			return nil, fmt.Errorf("select busy time: %w", err)
		}
		out = append(out, iv)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select busy time: %w", err)
	}
	return out, nil
}

// MarkNeedsReconnect flags an agent's connection as needing the agent;
// first is true only for the call that set the flag, so the agent is told
// once.
func (db *DB) MarkNeedsReconnect(ctx context.Context, tx bun.Tx, agentID int64, reason string) (first bool, err error) {
	if len(reason) > 1000 {
		reason = reason[:1000]
	}
	res, err := tx.NewUpdate().Model((*CalendarAccount)(nil)).Set("needs_reconnect_at = now(), reconnect_reason = ?", reason).
		Where("agent_id = ? AND needs_reconnect_at IS NULL", agentID).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("mark calendar for reconnecting: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ReplaceRefreshToken stores a rotated refresh token, unless the
// connection changed meanwhile (then the old sealed value no longer
// matches and nothing is written).
func (db *DB) ReplaceRefreshToken(ctx context.Context, agentID int64, oldSealed, newSealed string) error {
	_, err := db.Bun.NewUpdate().Model((*CalendarAccount)(nil)).Set("refresh_token_sealed = ?", newSealed).
		Where("agent_id = ? AND refresh_token_sealed = ?", agentID, oldSealed).Exec(ctx)
	if err != nil {
		return fmt.Errorf("store rotated refresh token: %w", err)
	}
	return nil
}

// CalendarChannel is a push channel or subscription on a calendar.
type CalendarChannel struct {
	bun.BaseModel `bun:"table:calendar_channels"`
	ID            string `bun:",pk"`
	AgentID       int64
	CalendarID    string
	Provider      string
	ResourceID    string
	TokenHash     []byte
	ExpiresAt     time.Time
	CreatedAt     time.Time `bun:",nullzero,default:now()"`
}

// SaveChannel stores a channel, or a renewed one's new expiry.
func (db *DB) SaveChannel(ctx context.Context, ch CalendarChannel) error {
	_, err := db.Bun.NewInsert().Model(&ch).On("CONFLICT (id) DO UPDATE").Set("expires_at = EXCLUDED.expires_at").Exec(ctx)
	if err != nil {
		return fmt.Errorf("save channel: %w", translate(err))
	}
	return nil
}

// Channel finds a channel by id.
func (db *DB) Channel(ctx context.Context, id string) (CalendarChannel, bool, error) {
	var ch CalendarChannel
	err := db.Bun.NewSelect().Model(&ch).Where("id = ?", id).Scan(ctx)
	if noRows(err) {
		return ch, false, nil
	}
	if err != nil {
		return ch, false, fmt.Errorf("select channel: %w", err)
	}
	return ch, true, nil
}

// Channels lists an agent's channels, of one calendar or ("" ) all.
func (db *DB) Channels(ctx context.Context, agentID int64, calendarID string) ([]CalendarChannel, error) {
	var chs []CalendarChannel
	q := db.Bun.NewSelect().Model(&chs).Where("agent_id = ?", agentID)
	if calendarID != "" {
		q = q.Where("calendar_id = ?", calendarID)
	}
	if err := q.Order("expires_at DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("select channels: %w", err)
	}
	return chs, nil
}

// DeleteChannel forgets a channel.
func (db *DB) DeleteChannel(ctx context.Context, id string) error {
	if _, err := db.Bun.NewDelete().Model((*CalendarChannel)(nil)).Where("id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("delete channel: %w", err)
	}
	return nil
}

// CalendarEventRef is where a meeting was written.
type CalendarEventRef struct {
	bun.BaseModel   `bun:"table:calendar_events"`
	MeetingID       int64 `bun:",pk"`
	AgentID         int64
	CalendarID      string
	EventID         string
	WrittenSequence int
	Deleted         bool
	WrittenAt       time.Time `bun:",nullzero,default:now()"`
}

// CalendarEvent returns where a meeting was written, if it was.
func (db *DB) CalendarEvent(ctx context.Context, meetingID int64) (CalendarEventRef, bool, error) {
	var ref CalendarEventRef
	err := db.Bun.NewSelect().Model(&ref).Where("meeting_id = ?", meetingID).Scan(ctx)
	if noRows(err) {
		return ref, false, nil
	}
	if err != nil {
		return ref, false, fmt.Errorf("select calendar event: %w", err)
	}
	return ref, true, nil
}

// RecordCalendarEvent stores where a meeting's version was written,
// unless a later version was recorded meanwhile (ok false): writes of
// one meeting may finish out of order on two instances.
func (db *DB) RecordCalendarEvent(ctx context.Context, ref CalendarEventRef) (ok bool, err error) {
	res, err := db.Bun.NewInsert().Model(&ref).On("CONFLICT (meeting_id) DO UPDATE").
		Set("agent_id = EXCLUDED.agent_id, calendar_id = EXCLUDED.calendar_id, event_id = EXCLUDED.event_id").
		Set("written_sequence = EXCLUDED.written_sequence, deleted = EXCLUDED.deleted, written_at = now()").
		Where("?TableAlias.written_sequence <= EXCLUDED.written_sequence").Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("record calendar event: %w", translate(err))
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// OAuthState is an authorization request under way.
type OAuthState struct {
	bun.BaseModel  `bun:"table:oauth_states"`
	StateHash      []byte `bun:",pk"`
	OrganizationID int64
	AgentID        int64
	Provider       string
	VerifierSealed string
	ExpiresAt      time.Time
}

// SaveOAuthState stores a new authorization request, and drops the
// expired ones.
func (db *DB) SaveOAuthState(ctx context.Context, st OAuthState) error {
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*OAuthState)(nil)).Where("expires_at < now()").Exec(ctx); err != nil {
			return fmt.Errorf("prune oauth states: %w", err)
		}
		if _, err := tx.NewInsert().Model(&st).Exec(ctx); err != nil {
			return fmt.Errorf("save oauth state: %w", translate(err))
		}
		return nil
	})
}

// TakeOAuthState removes and returns the request with this state hash;
// ok is false when there is none or it expired. A state is thus good for
// one callback only.
func (db *DB) TakeOAuthState(ctx context.Context, hash []byte) (OAuthState, bool, error) {
	var st OAuthState
	err := db.Bun.NewDelete().Model(&st).Where("state_hash = ?", hash).Returning("*").Scan(ctx)
	if noRows(err) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("take oauth state: %w", err)
	}
	return st, db.Now().Before(st.ExpiresAt), nil
}

// CalendarRef names one calendar of one agent.
type CalendarRef struct {
	AgentID    int64
	CalendarID string
}

// QueueDueSyncs marks for syncing, in tx, the busy calendars whose last
// sync is older than their period: caldav ones (which have no
// notifications), watched ones (notifications can be lost) and unwatched
// ones. Marks left by jobs that never ran are taken back after an hour.
// Connections that need reconnecting are left alone.
func (db *DB) QueueDueSyncs(ctx context.Context, tx bun.Tx, caldav, watched, unwatched time.Duration, limit int) ([]CalendarRef, error) {
	var refs []CalendarRef
	err := tx.NewRaw(`UPDATE connected_calendars SET sync_queued_at = now()
		WHERE (agent_id, calendar_id) IN (
		    SELECT c.agent_id, c.calendar_id FROM connected_calendars c
		    JOIN agent_calendars a ON a.agent_id = c.agent_id
		    WHERE a.needs_reconnect_at IS NULL AND c.busy
		      AND (c.sync_queued_at IS NULL OR c.sync_queued_at < now() - interval '1 hour')
		      AND (c.synced_at IS NULL OR c.synced_at < now() - make_interval(secs => CASE
		            WHEN a.provider = 'caldav' THEN ?
		            WHEN EXISTS (SELECT 1 FROM calendar_channels ch WHERE ch.agent_id = c.agent_id AND ch.calendar_id = c.calendar_id AND ch.expires_at > now()) THEN ?
		            ELSE ? END))
		    ORDER BY c.synced_at NULLS FIRST LIMIT ?
		    FOR UPDATE OF c SKIP LOCKED)
		RETURNING agent_id, calendar_id`,
		caldav.Seconds(), watched.Seconds(), unwatched.Seconds(), limit).Scan(ctx, &refs)
	if err != nil && !noRows(err) {
		return nil, fmt.Errorf("queue due syncs: %w", err)
	}
	return refs, nil
}

// WatchesDue lists the busy calendars of Google and Microsoft connections
// that have no channel expiring after before.
func (db *DB) WatchesDue(ctx context.Context, before time.Time, limit int) ([]CalendarRef, error) {
	var refs []CalendarRef
	err := db.Bun.NewRaw(`SELECT c.agent_id, c.calendar_id FROM connected_calendars c
		JOIN agent_calendars a ON a.agent_id = c.agent_id
		WHERE c.busy AND a.provider IN ('google', 'microsoft') AND a.needs_reconnect_at IS NULL
		  AND NOT EXISTS (SELECT 1 FROM calendar_channels ch
		        WHERE ch.agent_id = c.agent_id AND ch.calendar_id = c.calendar_id AND ch.expires_at > ?)
		ORDER BY c.agent_id, c.calendar_id LIMIT ?`, before, limit).Scan(ctx, &refs)
	if err != nil && !noRows(err) {
		return nil, fmt.Errorf("select watches due: %w", err)
	}
	return refs, nil
}

// PruneCalendarData drops what no one will ask for again: expired
// authorization requests, busy time that ended before before, and
// channels that expired.
func (db *DB) PruneCalendarData(ctx context.Context, before time.Time) error {
	for _, q := range []*bun.DeleteQuery{
		db.Bun.NewDelete().Model((*OAuthState)(nil)).Where("expires_at < now()"),
		db.Bun.NewDelete().Table("calendar_busy").Where("upper(during) < ?", before),
		db.Bun.NewDelete().Model((*CalendarChannel)(nil)).Where("expires_at < now()"),
	} {
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("prune calendar data: %w", err)
		}
	}
	return nil
}
