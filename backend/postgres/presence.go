package postgres

import (
	"context"
	"fmt"
	"time"
)

// PresenceTTL is how long an instance's word that an agent is online holds
// without a refresh.
const PresenceTTL = 90 * time.Second

// SetPresence records that agentID has (online) or no longer has the app
// open on instance.
func (db *DB) SetPresence(ctx context.Context, instance string, orgID, agentID int64, online bool) error {
	var err error
	if online {
		_, err = db.Bun.ExecContext(ctx, `INSERT INTO presence (instance_id, agent_id, organization_id, seen_at) VALUES (?, ?, ?, now())
			ON CONFLICT (instance_id, agent_id) DO UPDATE SET seen_at = now()`, instance, agentID, orgID)
	} else {
		_, err = db.Bun.ExecContext(ctx, `DELETE FROM presence WHERE instance_id = ? AND agent_id = ?`, instance, agentID)
	}
	if err != nil {
		return fmt.Errorf("set presence: %w", err)
	}
	return nil
}

// RefreshPresence keeps an instance's presence rows alive and forgets rows
// of instances that stopped refreshing.
func (db *DB) RefreshPresence(ctx context.Context, instance string) error {
	if _, err := db.Bun.ExecContext(ctx, `UPDATE presence SET seen_at = now() WHERE instance_id = ?`, instance); err != nil {
		return fmt.Errorf("refresh presence: %w", err)
	}
	if _, err := db.Bun.ExecContext(ctx, `DELETE FROM presence WHERE seen_at < now() - ?::interval`, PresenceTTL.String()); err != nil {
		return fmt.Errorf("expire presence: %w", err)
	}
	return nil
}

// OnlineAgents returns the ids of an organization's agents with the app open
// on any instance.
func (db *DB) OnlineAgents(ctx context.Context, orgID int64) (map[int64]bool, error) {
	var ids []int64
	if err := db.Bun.NewSelect().Table("presence").ColumnExpr("DISTINCT agent_id").
		Where("organization_id = ? AND seen_at > now() - ?::interval", orgID, PresenceTTL.String()).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("select presence: %w", err)
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// ServiceOnline reports whether an agent who could take a conversation of
// the service (an active Standard member; any such agent of the
// organization when serviceID is nil) is online.
func (db *DB) ServiceOnline(ctx context.Context, orgID int64, serviceID *int64) (bool, error) {
	q := db.Bun.NewSelect().Table("presence").Join("JOIN agents AS a ON a.id = presence.agent_id").
		Where("presence.organization_id = ? AND presence.seen_at > now() - ?::interval", orgID, PresenceTTL.String()).
		Where("a.active AND a.license = 'standard'")
	if serviceID != nil {
		q = q.Where("presence.agent_id IN (SELECT agent_id FROM service_members WHERE service_id = ?)", *serviceID)
	}
	ok, err := q.Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("service online: %w", err)
	}
	return ok, nil
}

// Publish announces an event that is not stored (typing, presence).
func (db *DB) Publish(ctx context.Context, n Notification) error {
	db.announce(ctx, []Notification{n})
	return nil
}

// BookableAgent picks whose calendar a widget offers: an active Standard
// member of the service (any such agent of the organization without a
// service), online ones first, then by id. Empty when there is none.
func (db *DB) BookableAgent(ctx context.Context, orgID int64, serviceID *int64) (string, error) {
	var slugs []string
	q := db.Bun.NewSelect().TableExpr("agents AS a").Column("a.slug").
		Where("a.organization_id = ? AND a.active AND a.license = 'standard'", orgID).
		OrderExpr("EXISTS (SELECT 1 FROM presence p WHERE p.agent_id = a.id AND p.seen_at > now() - ?::interval) DESC, a.id", PresenceTTL.String()).
		Limit(1)
	if serviceID != nil {
		q = q.Where("a.id IN (SELECT agent_id FROM service_members WHERE service_id = ?)", *serviceID)
	}
	if err := q.Scan(ctx, &slugs); err != nil {
		return "", fmt.Errorf("select bookable agent: %w", err)
	}
	if len(slugs) == 0 {
		return "", nil
	}
	return slugs[0], nil
}
