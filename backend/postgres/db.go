// Package postgres is Frontdesk's system of record: it stores organizations,
// agents, conversations and everything else in PostgreSQL through bun, on a
// pgx pool that background jobs and LISTEN/NOTIFY share.
package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
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

	// Announce, when set, hands the events a committed transaction raised
	// to the realtime hub, which delivers them to this instance's sockets
	// and publishes them on the event bus. It is called after the commit,
	// never inside the transaction (see notify).
	Announce func(ctx context.Context, events []Notification)

	// PushWindow is how long a guest's messages are gathered into one push
	// to offline agents; DefaultPushWindow when zero.
	PushWindow time.Duration

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
	if !strings.Contains(dsn, "default_query_exec_mode") {
		// bun writes values into the SQL text, so nearly every statement
		// is new: preparing and caching each (pgx's default) costs a round
		// trip and a deallocation for nothing. Statements with real
		// parameters (the message write) ask for the cache themselves.
		cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeExec
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

// InTx runs fn in a transaction, committing when it returns nil. The
// events fn raises (notify) are announced once the commit succeeded.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	p := &raised{}
	if err := db.Bun.RunInTx(context.WithValue(ctx, eventsKey{}, p), nil, fn); err != nil {
		return err
	}
	db.announce(ctx, p.events)
	return nil
}

// raised collects the events of one transaction.
type raised struct{ events []Notification }

type eventsKey struct{}

func (db *DB) announce(ctx context.Context, events []Notification) {
	if len(events) > 0 && db.Announce != nil {
		db.Announce(context.WithoutCancel(ctx), events)
	}
}
