package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// pidFile is what a server records in postmaster.pid while it runs.
type pidFile struct {
	pid    int
	port   int
	status string // "starting", "ready", "stopping", "standby"; "" if not yet written
}

// readPIDFile reads the data folder's postmaster.pid. A missing file gives
// the zero pidFile: no server.
func readPIDFile(dataDir string) (pidFile, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if errors.Is(err, fs.ErrNotExist) {
		return pidFile{}, nil
	}
	if err != nil {
		return pidFile{}, fmt.Errorf("read postmaster.pid: %w", err)
	}
	return parsePIDFile(string(b))
}

// parsePIDFile parses postmaster.pid: line 1 is the pid, line 4 the port and
// line 8 the status (PostgreSQL 10 and later). The server writes the lines
// one by one while starting, so later lines may be missing.
func parsePIDFile(s string) (pidFile, error) {
	lines := strings.Split(s, "\n")
	field := func(n int) string {
		if n > len(lines) {
			return ""
		}
		return strings.TrimSpace(lines[n-1])
	}
	var p pidFile
	var err error
	if p.pid, err = strconv.Atoi(field(1)); err != nil || p.pid == 0 {
		return pidFile{}, fmt.Errorf("postmaster.pid: bad pid %q", field(1))
	}
	// The pid is negative for a single-user backend; its process is
	// what matters for liveness.
	p.pid = max(p.pid, -p.pid)
	if f := field(4); f != "" {
		if p.port, err = strconv.Atoi(f); err != nil {
			return pidFile{}, fmt.Errorf("postmaster.pid: bad port %q", f)
		}
	}
	p.status = field(8)
	return p, nil
}

// alive reports whether the recorded server process still runs. A pid
// recycled by an unrelated process after a crash does not count, nor does a
// dead server not yet reaped (a zombie: some container inits reap slowly).
func (p pidFile) alive() bool {
	exists, server := processState(p.pid)
	return exists && server
}

// blocked reports whether the pid names a live process that is not a
// running server. Postgres itself clears a pid file whose process is gone,
// but refuses to start over one whose pid is in use, so such a file must be
// removed by hand.
func (p pidFile) blocked() bool {
	exists, server := processState(p.pid)
	return exists && !server
}

// processState reports whether process pid exists (as far as signals tell)
// and whether it is a running PostgreSQL server.
func processState(pid int) (exists, server bool) {
	if pid <= 0 {
		return false, false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false, false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true, true // no /proc to tell: trust the signal check
	}
	comm, state, ok := parseProcStat(string(stat))
	return true, ok && (comm == "postgres" || comm == "postmaster") && state != "Z" && state != "X"
}

// parseProcStat extracts the command name and state from /proc/PID/stat:
// "PID (COMM) STATE ...". COMM may itself contain spaces and parentheses,
// so it ends at the last ')'.
func parseProcStat(s string) (comm, state string, ok bool) {
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return "", "", false
	}
	fields := strings.Fields(s[end+1:])
	if len(fields) == 0 {
		return "", "", false
	}
	return s[open+1 : end], fields[0], true
}

// waitNotStopping returns the folder's pid file once its server, if any, is
// not shutting down: a server in the middle of stopping can be neither
// reused nor started again until it is gone.
func waitNotStopping(ctx context.Context, dataDir string) (pidFile, error) {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	for {
		p, err := readPIDFile(dataDir)
		if err != nil {
			return pidFile{}, err
		}
		if p.status != "stopping" || !p.alive() {
			return p, nil
		}
		select {
		case <-ctx.Done():
			return pidFile{}, fmt.Errorf("waiting for server %d to stop: %w", p.pid, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
