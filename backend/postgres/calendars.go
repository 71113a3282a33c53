package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// CalendarAccount is an agent's connected calendar: a CalDAV account
// (URL, username, sealed app password) or a Google or Microsoft account
// (its address in Username, the sealed refresh token). Secrets stay sealed
// here.
type CalendarAccount struct {
	bun.BaseModel      `bun:"table:agent_calendars"`
	AgentID            int64 `bun:",pk"`
	OrganizationID     int64
	Provider           string
	URL                string `bun:"url"`
	Username           string
	PasswordSealed     string
	RefreshTokenSealed string
	Scopes             string
	WriteCalendarID    string
	NeedsReconnectAt   *time.Time
	ReconnectReason    string
	CreatedAt          time.Time `bun:",nullzero,default:now()"`
}

// ConnectCalendar connects an agent's calendar in tx, replacing whatever
// was connected: the old connection's calendars, busy time, channels and
// event records go with it, and cals become the new one's calendars.
func (db *DB) ConnectCalendar(ctx context.Context, tx bun.Tx, acct CalendarAccount, cals []ConnectedCalendar) error {
	for _, table := range []string{"calendar_events", "connected_calendars"} {
		if _, err := tx.NewDelete().Table(table).Where("agent_id = ?", acct.AgentID).Exec(ctx); err != nil {
			return fmt.Errorf("connect calendar: clear %s: %w", table, err)
		}
	}
	acct.NeedsReconnectAt, acct.ReconnectReason = nil, ""
	_, err := tx.NewInsert().Model(&acct).
		On("CONFLICT (agent_id) DO UPDATE").
		Set("provider = EXCLUDED.provider, url = EXCLUDED.url, username = EXCLUDED.username, password_sealed = EXCLUDED.password_sealed").
		Set("refresh_token_sealed = EXCLUDED.refresh_token_sealed, scopes = EXCLUDED.scopes, write_calendar_id = EXCLUDED.write_calendar_id").
		Set("needs_reconnect_at = NULL, reconnect_reason = '', created_at = now()").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("connect calendar: %w", translate(err))
	}
	for i := range cals {
		cals[i].AgentID, cals[i].Position = acct.AgentID, i
	}
	if len(cals) > 0 {
		if _, err := tx.NewInsert().Model(&cals).Exec(ctx); err != nil {
			return fmt.Errorf("connect calendar: calendars: %w", translate(err))
		}
	}
	return nil
}

// Calendar returns an agent's calendar; ok is false when none is connected.
func (db *DB) Calendar(ctx context.Context, agentID int64) (CalendarAccount, bool, error) {
	var acct CalendarAccount
	err := db.Bun.NewSelect().Model(&acct).Where("agent_id = ?", agentID).Scan(ctx)
	if noRows(err) {
		return acct, false, nil
	}
	if err != nil {
		return acct, false, fmt.Errorf("select calendar: %w", err)
	}
	return acct, true, nil
}

// DeleteCalendar disconnects an agent's calendar.
func (db *DB) DeleteCalendar(ctx context.Context, orgID, agentID int64) error {
	if _, err := db.Bun.NewDelete().Model((*CalendarAccount)(nil)).Where("organization_id = ? AND agent_id = ?", orgID, agentID).Exec(ctx); err != nil {
		return fmt.Errorf("delete calendar: %w", err)
	}
	return nil
}

// FeedToken returns the agent's feed token, setting newToken first when the
// agent has none (or rotate is true).
func (db *DB) FeedToken(ctx context.Context, orgID, agentID int64, newToken string, rotate bool) (string, error) {
	q := db.Bun.NewUpdate().Table("agents").Set("feed_token = ?", newToken).Where("organization_id = ? AND id = ?", orgID, agentID)
	if !rotate {
		q = q.Where("feed_token IS NULL")
	}
	if _, err := q.Exec(ctx); err != nil {
		return "", fmt.Errorf("set feed token: %w", err)
	}
	var token string
	if err := db.Bun.NewSelect().Table("agents").Column("feed_token").Where("organization_id = ? AND id = ?", orgID, agentID).Scan(ctx, &token); err != nil {
		if noRows(err) {
			return "", notFound("Agent")
		}
		return "", fmt.Errorf("select feed token: %w", err)
	}
	return token, nil
}

// AgentByFeedToken finds the agent whose feed a token opens.
func (db *DB) AgentByFeedToken(ctx context.Context, token string) (int64, int64, error) {
	var row struct {
		ID             int64
		OrganizationID int64
	}
	if len(token) < 22 || len(token) > 64 {
		return 0, 0, notFound("Feed")
	}
	err := db.Bun.NewSelect().Table("agents").Column("id", "organization_id").Where("feed_token = ? AND active", token).Scan(ctx, &row)
	if noRows(err) {
		return 0, 0, notFound("Feed")
	}
	if err != nil {
		return 0, 0, fmt.Errorf("select feed agent: %w", err)
	}
	return row.ID, row.OrganizationID, nil
}
