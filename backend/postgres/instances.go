package postgres

import (
	"context"
	"fmt"
	"time"
)

// Heartbeat records that instance id is alive, registering it on first
// call.
func (db *DB) Heartbeat(ctx context.Context, id, host string) error {
	_, err := db.Bun.ExecContext(ctx, `INSERT INTO instances (id, host) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET seen_at = now(), left_at = NULL`, id, host)
	if err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	return nil
}

// LeaveInstance records that instance id has stopped working.
func (db *DB) LeaveInstance(ctx context.Context, id string) error {
	if _, err := db.Bun.ExecContext(ctx, `UPDATE instances SET left_at = now() WHERE id = ?`, id); err != nil {
		return fmt.Errorf("leave: %w", err)
	}
	return nil
}

// DeadInstances returns the instances that left, or whose last heartbeat is
// older than timeout, and forgets those gone for a day (their jobs have
// long been handed back).
func (db *DB) DeadInstances(ctx context.Context, timeout time.Duration) ([]string, error) {
	if _, err := db.Bun.ExecContext(ctx, `DELETE FROM instances WHERE seen_at < now() - interval '1 day'`); err != nil {
		return nil, fmt.Errorf("forget old instances: %w", err)
	}
	var ids []string
	err := db.Bun.NewSelect().Table("instances").Column("id").
		Where("left_at IS NOT NULL OR seen_at < now() - ?::interval", timeout.String()).
		Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("select dead instances: %w", err)
	}
	return ids, nil
}

// LiveInstances counts the instances with a recent heartbeat.
func (db *DB) LiveInstances(ctx context.Context, timeout time.Duration) (int, error) {
	n, err := db.Bun.NewSelect().Table("instances").
		Where("left_at IS NULL AND seen_at >= now() - ?::interval", timeout.String()).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count instances: %w", err)
	}
	return int(n), nil
}
