package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// dataDir returns a fresh data folder path whose parents the postgres user
// can enter when the tests run as root (t.TempDir makes them 0700).
func dataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "pg")
}

// assertDown checks that the cluster was stopped.
func assertDown(t *testing.T, dsn string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if conn, err := pgx.Connect(ctx, dsn); err == nil {
		conn.Close(ctx)
		t.Fatalf("server at %s still accepts connections after withdb returned", dsn)
	}
}

func TestRunStartsClusterForCommand(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	dir := dataDir(t)
	// The command reports the URL it was given, proves the server answers
	// on it while the command runs, and fails with its own code.
	script := `echo "$DATABASE_URL"; psql "$DATABASE_URL" -Atc 'select 40 + 2'; exit 3`
	var out, errOut strings.Builder
	code := run([]string{"-dir", dir, "--", "sh", "-c", script}, strings.NewReader(""), &out, &errOut)
	if code != 3 {
		t.Fatalf("exit code %d, want 3; stderr:\n%s", code, errOut.String())
	}
	dsn, answer, _ := strings.Cut(strings.TrimSpace(out.String()), "\n")
	if !strings.HasPrefix(dsn, "postgres://postgres@127.0.0.1:") {
		t.Fatalf("command saw DATABASE_URL %q", dsn)
	}
	if answer != "42" {
		t.Errorf("query through DATABASE_URL answered %q, want 42; stderr:\n%s", answer, errOut.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err != nil {
		t.Errorf("cluster not initialised in -dir: %v", err)
	}
	assertDown(t, dsn)
}

func TestRunUsesGivenDatabaseURL(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://elsewhere/db")
	dir := dataDir(t)
	var out, errOut strings.Builder
	code := run([]string{"-dir", dir, "--", "sh", "-c", `echo "$DATABASE_URL"`}, strings.NewReader(""), &out, &errOut)
	if code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, errOut.String())
	}
	if got := strings.TrimSpace(out.String()); got != "postgres://elsewhere/db" {
		t.Errorf("command saw DATABASE_URL %q", got)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("cluster folder created although DATABASE_URL was set: %v", err)
	}
}

func TestRunPassesStdin(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://elsewhere/db")
	var out, errOut strings.Builder
	code := run([]string{"--", "cat"}, strings.NewReader("through\n"), &out, &errOut)
	if code != 0 || out.String() != "through\n" {
		t.Errorf("exit %d, output %q; stderr:\n%s", code, out.String(), errOut.String())
	}
}

func TestRunExitCodes(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://elsewhere/db")
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"success", []string{"--", "true"}, 0},
		{"failure", []string{"--", "sh", "-c", "exit 42"}, 42},
		{"killed by signal", []string{"--", "sh", "-c", "kill -KILL $$"}, 128 + 9},
		{"no such command", []string{"--", "/nonexistent/command"}, exitNotFound},
		{"no command", nil, exitUsage},
		{"bad flag", []string{"-nope", "--", "true"}, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := run(tt.args, strings.NewReader(""), io.Discard, io.Discard); got != tt.want {
				t.Errorf("exit code %d, want %d", got, tt.want)
			}
		})
	}
}

// SIGTERM sent to withdb alone must reach the command, and the cluster must
// still be stopped.
func TestRunForwardsSignalAndStops(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	dir := dataDir(t)
	pr, pw := io.Pipe()
	codes := make(chan int, 1)
	go func() {
		code := run([]string{"-dir", dir, "--", "sh", "-c", `echo "$DATABASE_URL"; exec sleep 60`}, strings.NewReader(""), pw, io.Discard)
		pw.Close()
		codes <- code
	}()

	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("read DATABASE_URL from command: %v", err)
	}
	go io.Copy(io.Discard, pr)
	// run has registered for SIGTERM by now, so this does not kill the
	// test binary.
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-codes:
		if code != 128+int(syscall.SIGTERM) {
			t.Errorf("exit code %d, want %d", code, 128+int(syscall.SIGTERM))
		}
	case <-time.After(time.Minute):
		t.Fatal("withdb did not return after SIGTERM")
	}
	assertDown(t, strings.TrimSpace(line))
}
