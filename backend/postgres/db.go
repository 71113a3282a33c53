// Package postgres is Frontdesk's system of record: it stores organizations,
// agents, conversations and everything else in PostgreSQL through bun, on a
// pgx pool that background jobs and LISTEN/NOTIFY share.
package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/frontdesk/frontdesk/model"
)

// DB is a connection pool to one Frontdesk database.
type DB struct {
	Pool *pgxpool.Pool
	Bun  *bun.DB
	sql  *sql.DB

	// Now is the clock; tests replace it.
	Now func() time.Time

	// MessageHook runs inside the transaction of every new message (not of
	// a retried one), so what it queues — notification emails, pushes — is
	// committed with the message or not at all.
	MessageHook func(ctx context.Context, tx bun.Tx, orgID int64, m model.Message) error

	// GuestEmailHook runs inside the transaction that gives a
	// conversation's guest an email (CRM company lookup).
	GuestEmailHook func(ctx context.Context, tx bun.Tx, orgID, convID int64) error
}

// Open connects to the database at dsn. It does not migrate: call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if cfg.MaxConns < 16 {
		cfg.MaxConns = 16
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	sqldb := stdlib.OpenDBFromPool(pool)
	return &DB{
		Pool: pool,
		// Columns this version does not know are skipped, not an error:
		// during a rolling upgrade the next version may have added some.
		Bun: bun.NewDB(sqldb, pgdialect.New(), bun.WithDiscardUnknownColumns()),
		sql: sqldb,
		Now: time.Now,
	}, nil
}

// Close releases every connection.
func (db *DB) Close() error {
	err := db.Bun.Close()
	db.Pool.Close()
	return err
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.Pool.Ping(ctx) }

// InTx runs fn in a transaction, committing when it returns nil.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return db.Bun.RunInTx(ctx, nil, fn)
}
