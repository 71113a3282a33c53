// Package barewrite measures the ceiling of bar P4: the bare message
// write — advance a conversation's seq and insert the message, nothing else
// — run by pgbench against a PostgreSQL server, in a scratch database with
// Frontdesk's schema and 1,000 conversations.
//
// cmd/benchp4 compares Frontdesk's own message path with it; cmd/loadtest
// prints how much of it a load test used.
package barewrite

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/backend/postgres"
)

// Conversations is how many conversations the writes spread over.
const Conversations = 1000

// Clients is how many pgbench clients write at once.
const Clients = 32

// Scripts are the bare write in two forms: two statements in a transaction
// — the ceiling of bar P4, as issue #15 measured it — and one statement,
// one round trip as Frontdesk writes.
var (
	Transaction = Script{"transaction of two statements", `\set cid random(:first, :first + 999)
BEGIN;
UPDATE conversations SET last_seq = last_seq + 1 WHERE id = :cid RETURNING last_seq \gset
INSERT INTO messages (organization_id, conversation_id, seq, author_kind, author_name, body) VALUES (:org, :cid, :last_seq, 'guest', 'G', 'Hello, is anyone there?');
END;
`}
	OneStatement = Script{"one statement", `\set cid random(:first, :first + 999)
WITH c AS (UPDATE conversations SET last_seq = last_seq + 1 WHERE id = :cid RETURNING id, last_seq)
INSERT INTO messages (organization_id, conversation_id, seq, author_kind, author_name, body) SELECT :org, c.id, c.last_seq, 'guest', 'G', 'Hello, is anyone there?' FROM c;
`}
)

// Script is a pgbench script; :org and :first (the first conversation id)
// are defined for it.
type Script struct{ Name, Text string }

// Scratch is a database of its own on the server, with Frontdesk's schema
// and Conversations open conversations.
type Scratch struct {
	DSN          string
	DB           *postgres.DB
	Organization int64
	First        int64 // conversation ids are First … First+Conversations-1
	pgbench      string
	drop         func()
}

// Open creates the scratch database next to the one serverDSN names. The
// store is opened with pool connections for the given number of writers.
func Open(ctx context.Context, serverDSN string, writers int) (*Scratch, error) {
	pgbench, err := findPgbench()
	if err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, serverDSN)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	name := fmt.Sprintf("frontdesk_barewrite_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("create database: %w", err)
	}
	s := &Scratch{pgbench: pgbench}
	s.drop = func() {
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn.Exec(dctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") //nolint:errcheck // best effort
		conn.Close(dctx)
	}
	u, err := url.Parse(serverDSN)
	if err != nil {
		s.drop()
		return nil, fmt.Errorf("DATABASE_URL must be a postgres:// URL: %w", err)
	}
	u.Path = "/" + name
	s.DSN = u.String()
	// One connection per writer, as pgbench has one per client, and a few
	// for the event bus.
	q := u.Query()
	q.Set("pool_max_conns", strconv.Itoa(writers+4))
	u.RawQuery = q.Encode()
	if s.DB, err = postgres.Open(ctx, u.String()); err != nil {
		s.drop()
		return nil, err
	}
	if err := s.DB.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	org, err := s.DB.CreateOrganization(ctx, "P4")
	if err != nil {
		s.Close()
		return nil, err
	}
	s.Organization = org.ID
	err = s.DB.Bun.NewRaw(`WITH g AS (
			INSERT INTO guests (organization_id, name) SELECT ?, 'Guest ' || i FROM generate_series(1, ?) i RETURNING id),
		c AS (
			INSERT INTO conversations (organization_id, channel, guest_id, access_token)
			SELECT ?, 'widget', g.id, 'barewrite-token-' || g.id || '-xxxxxxxxxxxx' FROM g ORDER BY g.id RETURNING id)
		SELECT min(id) FROM c`, org.ID, Conversations, org.ID).Scan(ctx, &s.First)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("seed conversations: %w", err)
	}
	return s, nil
}

// Close drops the scratch database.
func (s *Scratch) Close() {
	if s.DB != nil {
		s.DB.Close()
	}
	s.drop()
}

// Settings describes the server: version, durability, TLS.
func (s *Scratch) Settings(ctx context.Context) string {
	var version, fsync, sync, ssl string
	s.DB.Bun.NewRaw(`SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'),
		coalesce((SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()), 'false')`).Scan(ctx, &version, &fsync, &sync, &ssl) //nolint:errcheck // descriptive only
	return fmt.Sprintf("PostgreSQL %s, fsync %s, synchronous_commit %s, TLS %s", version, fsync, sync, ssl)
}

// Checkpoint flushes dirty pages between runs so that no run pays for
// another's (it needs a superuser; without one it does nothing).
func (s *Scratch) Checkpoint(ctx context.Context) {
	s.DB.Bun.ExecContext(ctx, "CHECKPOINT") //nolint:errcheck // only evens out the runs
}

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// Run runs script with pgbench (Clients clients, prepared statements) for
// d and returns transactions per second.
func (s *Scratch) Run(ctx context.Context, script Script, d time.Duration) (float64, error) {
	f, err := os.CreateTemp("", "barewrite-*.sql")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(script.Text); err != nil {
		f.Close()
		return 0, err
	}
	f.Close()
	cmd := exec.CommandContext(ctx, s.pgbench, "--no-vacuum", "--protocol=prepared",
		"--client", strconv.Itoa(Clients), "--jobs", "2", "--time", strconv.Itoa(max(int(d.Seconds()), 1)),
		"--define", fmt.Sprintf("org=%d", s.Organization), "--define", fmt.Sprintf("first=%d", s.First),
		"--file", f.Name(), s.DSN)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench: %w\n%s", err, out)
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench printed no tps:\n%s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

func findPgbench() (string, error) {
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p, nil
	}
	if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench"); len(m) > 0 {
		return m[len(m)-1], nil
	}
	return "", errors.New("pgbench not found (Debian: apt-get install postgresql-client)")
}
