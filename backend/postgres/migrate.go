package postgres

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"sort"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/uptrace/bun/migrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrateLockKey is the advisory lock that serialises migrations when several
// instances start at once; bun's own lock table fails the loser instead of
// making it wait.
const migrateLockKey = 0x66726f6e74 // "front"

// Migrate brings the schema up to date. It is safe to call from several
// processes at once: they queue on an advisory lock and all but the first
// find nothing left to do.
func (db *DB) Migrate(ctx context.Context) error {
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: acquire: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "select pg_advisory_lock($1)", migrateLockKey); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "select pg_advisory_unlock($1)", migrateLockKey) //nolint:errcheck // released with the session anyway

	migrations := migrate.NewMigrations()
	if err := migrations.Discover(migrationFiles); err != nil {
		return fmt.Errorf("migrate: discover: %w", err)
	}
	m := migrate.NewMigrator(db.Bun, migrations, migrate.WithMarkAppliedOnSuccess(true))
	if err := m.Init(ctx); err != nil {
		return fmt.Errorf("migrate: init: %w", err)
	}
	if _, err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// River's job tables (the durable queue behind email, reminders and CRM
	// calls) live in the same database, versioned by River itself.
	rm, err := rivermigrate.New(riverpgxv5.New(db.Pool), nil)
	if err != nil {
		return fmt.Errorf("migrate river: %w", err)
	}
	if _, err := rm.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate river: %w", err)
	}
	return nil
}

// SchemaVersion is a hash of every migration file and River's schema
// version: two databases migrated
// with the same version have the same schema. Tests key their template
// database on it.
func SchemaVersion() string {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		panic(err) // the pattern is a constant
	}
	sort.Strings(names)
	h := fnv.New64a()
	for _, n := range names {
		b, _ := migrationFiles.ReadFile(n)
		h.Write([]byte(n))
		h.Write(b)
	}
	rm, err := rivermigrate.New(riverpgxv5.New(nil), nil)
	if err == nil {
		all := rm.AllVersions()
		fmt.Fprintf(h, "river:%d", all[len(all)-1].Version)
	}
	return fmt.Sprintf("%016x", h.Sum64())
}
