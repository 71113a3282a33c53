// Package pgcluster runs a private PostgreSQL server for development and tests.
//
// When DATABASE_URL is unset, the server binary and the test helpers start
// one of these clusters in a project folder (".data/postgres") instead of
// requiring a hand-configured database. The cluster uses Debian's PostgreSQL
// binaries, listens on a loopback TCP port only, trusts every local
// connection and is tuned for speed over durability (fsync off): it is a
// development tool, never a production database.
//
// Start is safe to call from several processes at once on the same folder:
// the first one initialises and starts the server and owns it, the others
// find it running and share it. The server stops when its owner has called
// Stop and no other Cluster uses it any more (see lock.go). A server left
// running by a crashed process is reused and never stopped by its reusers.
//
// As root, the server runs as the unprivileged postgres user, because
// PostgreSQL refuses to run as root.
package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Options configures Start.
type Options struct {
	// Dir is the data folder, e.g. ".data/postgres". It is created and
	// initialised when missing.
	Dir string
	// Logger receives progress messages; nil means slog.Default().
	Logger *slog.Logger
}

// Cluster is a running PostgreSQL server started (or found running) by Start.
type Cluster struct {
	dataDir string
	port    int
	owned   bool     // false when Start found the server already running
	use     *os.File // holds the shared use lock (see lock.go) until Stop
	bin     binaries
	runAs   *runAs // nil when the server runs as the current user
	logger  *slog.Logger

	stopOnce sync.Once
	stopErr  error
}

// Settings applied to every cluster. They favour speed over durability: the
// data is development or test data, and a crash at worst loses the last
// moments of it.
var settings = []struct{ name, value string }{
	{"listen_addresses", "'127.0.0.1'"},
	// TCP only: a socket folder would need a path the postgres user can
	// write, and pgx connects over TCP anyway.
	{"unix_socket_directories", "''"},
	{"fsync", "off"},
	{"synchronous_commit", "off"},
	{"full_page_writes", "off"},
	{"max_connections", "300"},
	{"shared_buffers", "128MB"},
}

const (
	// confFile holds the settings above plus the port, and is included
	// from postgresql.conf so a hand-started server behaves the same.
	confFile = "frontdesk.conf"
	// startAttempts bounds retries when the chosen port is taken between
	// choosing it and the server binding it.
	startAttempts = 3
	// readyTimeout bounds the wait for a server to accept connections.
	readyTimeout = 60 * time.Second
)

// Start makes sure a PostgreSQL server is running on opts.Dir and returns it
// once it accepts connections. The folder is initialised on first use. If a
// server is already running on the folder (left by a crashed run, or started
// by another process), Start returns a Cluster for it that does not own it:
// its Stop leaves the server running, unless the owner has already asked
// for it to stop and this is the last user.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	if opts.Dir == "" {
		return nil, errors.New("pgcluster: Options.Dir is empty")
	}

	user, err := lookupRunAs()
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	dataDir, err := chooseDataDir(opts.Dir, user, logger)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	bin, err := findBinaries(initialisedVersion(dataDir))
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}

	c := &Cluster{dataDir: dataDir, bin: bin, runAs: user, logger: logger.With("postgres", dataDir)}

	// Serialise init and start among processes sharing the folder; the
	// lock is released once the server is up, so others can reuse it.
	unlock, err := lockFile(ctx, startLockPath(dataDir), c.logger)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	defer unlock()

	if err := c.startLocked(ctx); err != nil {
		return nil, fmt.Errorf("pgcluster: %s: %w", dataDir, err)
	}
	err = c.waitReady(ctx)
	if err == nil {
		c.use, err = holdUse(dataDir)
	}
	if err != nil {
		if c.owned {
			_ = c.stopLocked(context.WithoutCancel(ctx))
		}
		return nil, fmt.Errorf("pgcluster: %s: %w", dataDir, err)
	}
	return c, nil
}

// DSN returns a postgres:// URL for pgx that connects as the postgres
// superuser to the postgres database.
func (c *Cluster) DSN() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// DataDir returns the data folder actually in use. It differs from
// Options.Dir when that folder was unreachable for the postgres user and a
// temporary folder was used instead.
func (c *Cluster) DataDir() string { return c.dataDir }

// Stop shuts the server down quickly (active transactions are rolled back)
// and waits for it to exit, if this Cluster started it and no other Cluster
// (in any process) still uses it. If others do, the last of them to stop
// shuts it down instead. A server Start found already running and no owner
// asked to stop is left running. Only the first call does any work.
func (c *Cluster) Stop(ctx context.Context) error {
	c.stopOnce.Do(func() {
		if err := c.stop(ctx); err != nil {
			c.stopErr = fmt.Errorf("pgcluster: stop %s: %w", c.dataDir, err)
		}
	})
	return c.stopErr
}

func (c *Cluster) stop(ctx context.Context) error {
	// The start lock keeps a concurrent Start from picking up the server
	// while we decide to stop it.
	unlock, err := lockFile(ctx, startLockPath(c.dataDir), c.logger)
	if c.use != nil {
		c.use.Close() // releases our use lock
	}
	if err != nil {
		return err
	}
	defer unlock()

	if !c.owned && !handoverRequested(c.dataDir) {
		return nil // not ours to stop
	}
	others, err := othersUse(c.dataDir)
	if err != nil {
		return err
	}
	if others {
		if c.owned {
			c.logger.Info("postgres still used by other processes; the last of them will stop it")
			return setHandover(c.dataDir)
		}
		return nil
	}
	if err := c.stopLocked(ctx); err != nil {
		return err
	}
	return clearHandover(c.dataDir)
}

// stopLocked runs a fast shutdown. The caller holds the start lock.
func (c *Cluster) stopLocked(ctx context.Context) error {
	if pid, err := readPIDFile(c.dataDir); err != nil || !pid.alive() {
		return nil // already gone
	}
	out, err := c.run(ctx, c.bin.pgCtl, "stop", "-D", c.dataDir, "-m", "fast", "-w", "-t", "60")
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %w: %s", err, strings.TrimSpace(string(out)))
	}
	c.logger.Info("postgres stopped")
	return nil
}

// startLocked reuses a running server or initialises and starts one. The
// caller holds the folder lock.
func (c *Cluster) startLocked(ctx context.Context) error {
	pid, err := waitNotStopping(ctx, c.dataDir)
	if err != nil {
		return err
	}
	if pid.alive() {
		c.port = pid.port
		c.logger.Info("reusing running postgres", "pid", pid.pid, "port", pid.port)
		return nil
	}
	if pid.blocked() {
		// Left by a crashed server whose pid now belongs to another
		// process (or to its unreaped zombie). We hold the lock, so no
		// other Start is bringing a server up here.
		c.logger.Warn("removing stale postmaster.pid", "pid", pid.pid)
		if err := os.Remove(filepath.Join(c.dataDir, "postmaster.pid")); err != nil {
			return fmt.Errorf("remove stale postmaster.pid: %w", err)
		}
	}

	if err := c.prepareDir(); err != nil {
		return err
	}
	if initialisedVersion(c.dataDir) == "" {
		if err := c.initdb(ctx); err != nil {
			return err
		}
	}

	port := rememberedPort(c.dataDir)
	var lastErr error
	for attempt := 0; attempt < startAttempts; attempt++ {
		if port == 0 || !portFree(port) {
			if port, err = freePort(); err != nil {
				return err
			}
		}
		if err := writeConf(c.dataDir, port, c.runAs); err != nil {
			return err
		}
		lastErr = c.pgCtlStart(ctx)
		if lastErr == nil {
			c.owned = true
			// A marker left for an earlier server is not meant for ours.
			if err := clearHandover(c.dataDir); err != nil {
				return err
			}
			// The pid file is the truth: a setting elsewhere (ALTER
			// SYSTEM) may have overridden the port we asked for.
			if pid, err := readPIDFile(c.dataDir); err == nil && pid.port != 0 {
				port = pid.port
			}
			c.port = port
			c.logger.Info("postgres started", "port", port)
			return nil
		}
		if portFree(port) {
			break // not a port clash; retrying will not help
		}
		c.logger.Warn("postgres port taken while starting, choosing another", "port", port)
		port = 0
	}
	return lastErr
}

// initdb creates a new cluster in the (empty) data folder.
func (c *Cluster) initdb(ctx context.Context) error {
	c.logger.Info("initialising postgres data folder", "initdb", c.bin.initdb)
	out, err := c.run(ctx, c.bin.initdb,
		"-D", c.dataDir,
		"-A", "trust",
		"-U", "postgres",
		"--encoding=UTF8",
		"--locale=C",
		"--no-sync", // the data is disposable; syncing costs seconds
	)
	if err != nil {
		return fmt.Errorf("initdb: %w: %s", err, strings.TrimSpace(string(out)))
	}
	// Append rather than rewrite: postgresql.conf stays initdb's, and the
	// last setting of a name wins, so ours apply.
	f, err := os.OpenFile(filepath.Join(c.dataDir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("open postgresql.conf: %w", err)
	}
	_, err = fmt.Fprintf(f, "\n# Added by frontdesk pgcluster.\ninclude_if_exists = '%s'\n", confFile)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write postgresql.conf: %w", err)
	}
	return nil
}

// pgCtlStart starts the server and waits until pg_ctl sees it ready.
func (c *Cluster) pgCtlStart(ctx context.Context) error {
	logFile := filepath.Join(c.dataDir, "server.log")
	// -l is required, not just useful: without it the server would inherit
	// our output pipe and the command would never finish.
	out, err := c.run(ctx, c.bin.pgCtl, "start", "-D", c.dataDir, "-l", logFile, "-w", "-t", "60")
	if err != nil {
		return fmt.Errorf("pg_ctl start: %w: %s\n%s", err, strings.TrimSpace(string(out)), tail(logFile, 2000))
	}
	return nil
}

// waitReady pings the server until it accepts a connection.
func (c *Cluster) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	var lastErr error
	for {
		lastErr = ping(ctx, c.DSN())
		if lastErr == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("server on port %d does not accept connections: %w", c.port, lastErr)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func ping(ctx context.Context, dsn string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return conn.Ping(ctx)
}

// rememberedPort returns the port written to confFile at the last start, or
// 0 when there is none.
func rememberedPort(dataDir string) int {
	b, err := os.ReadFile(filepath.Join(dataDir, confFile))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		name, value, ok := strings.Cut(line, "=")
		if ok && strings.TrimSpace(name) == "port" {
			if p, err := strconv.Atoi(strings.TrimSpace(value)); err == nil {
				return p
			}
		}
	}
	return 0
}

// writeConf (re)writes confFile with the settings and port.
func writeConf(dataDir string, port int, user *runAs) error {
	var b strings.Builder
	b.WriteString("# Managed by frontdesk pgcluster; rewritten at every start.\n")
	for _, s := range settings {
		fmt.Fprintf(&b, "%s = %s\n", s.name, s.value)
	}
	fmt.Fprintf(&b, "port = %d\n", port)
	path := filepath.Join(dataDir, confFile)
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", confFile, err)
	}
	if user != nil {
		if err := os.Chown(path, user.uid, user.gid); err != nil {
			return fmt.Errorf("chown %s: %w", confFile, err)
		}
	}
	return nil
}

// portFree reports whether nothing listens on the loopback port.
func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// freePort asks the kernel for a currently unused loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail returns up to the last n bytes of a file, for error messages.
func tail(path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > n {
		_, _ = f.Seek(fi.Size()-n, 0)
	}
	b, _ := io.ReadAll(io.LimitReader(f, n))
	return strings.TrimSpace(string(b))
}
