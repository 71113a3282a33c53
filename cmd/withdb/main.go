// Command withdb runs a command with DATABASE_URL pointing at a PostgreSQL
// server, starting a private one when the environment names none:
//
//	go run ./cmd/withdb -dir .data/test-postgres -- go test ./...
//
// With DATABASE_URL already set, the command simply runs with it. Otherwise
// withdb starts (or reuses) the pgcluster in -dir, runs the command with
// DATABASE_URL set to it, stops the cluster when the command ends, and exits
// with the command's exit code. SIGINT and SIGTERM are passed on to the
// command, and the cluster is still stopped afterwards.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/frontdesk/frontdesk/backend/pgcluster"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit codes of withdb itself, following the shells' conventions.
const (
	exitUsage    = 2
	exitFailure  = 1
	exitNotFound = 127
	exitSignal   = 128 // plus the signal number
)

// stopTimeout bounds the cluster shutdown once the command has ended.
const stopTimeout = time.Minute

// run is main without the process globals, so tests can drive it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("withdb", flag.ContinueOnError)
	flags.SetOutput(stderr)
	dir := flags.String("dir", ".data/test-postgres", "data folder of the private PostgreSQL cluster used when DATABASE_URL is unset")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: withdb [-dir folder] -- command [args...]")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return exitUsage
	}
	if flags.NArg() == 0 {
		flags.Usage()
		return exitUsage
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil)).With("prog", "withdb")

	// Catch signals from the start, so an interrupt while the cluster
	// starts cannot kill us and leave it running unowned.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)

	env := os.Environ()
	if os.Getenv("DATABASE_URL") == "" {
		cluster, code := startCluster(*dir, logger, signals)
		if cluster == nil {
			return code
		}
		defer func() {
			ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
			defer cancel()
			if err := cluster.Stop(ctx); err != nil {
				logger.Error("stop postgres", "err", err)
			}
		}()
		env = setEnv(env, "DATABASE_URL", cluster.DSN())
	}
	return runCommand(flags.Args(), env, stdin, stdout, stderr, signals, logger)
}

// startCluster starts the cluster, giving up when a signal arrives. On
// failure it returns a nil cluster and the exit code.
func startCluster(dir string, logger *slog.Logger, signals <-chan os.Signal) (*pgcluster.Cluster, int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		cluster *pgcluster.Cluster
		err     error
	}
	done := make(chan result, 1)
	go func() {
		c, err := pgcluster.Start(ctx, pgcluster.Options{Dir: dir, Logger: logger})
		done <- result{c, err}
	}()

	select {
	case r := <-done:
		if r.err != nil {
			logger.Error("start postgres", "err", r.err)
			return nil, exitFailure
		}
		return r.cluster, 0
	case sig := <-signals:
		cancel()
		if r := <-done; r.err == nil {
			// Started just as the signal came: do not leave it behind.
			_ = r.cluster.Stop(context.Background())
		}
		return nil, exitSignal + signalNumber(sig)
	}
}

// runCommand runs the command to completion, passing on signals, and
// returns its exit code.
func runCommand(argv, env []string, stdin io.Reader, stdout, stderr io.Writer, signals <-chan os.Signal, logger *slog.Logger) int {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	if err := cmd.Start(); err != nil {
		logger.Error("start command", "cmd", argv[0], "err", err)
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return exitNotFound
		}
		return exitFailure
	}

	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	for {
		select {
		case sig := <-signals:
			// A terminal's Ctrl-C reaches the command directly too; a
			// signal sent to withdb alone (kill, CI timeouts) does not.
			_ = cmd.Process.Signal(sig)
		case err := <-waited:
			return exitCode(err, logger)
		}
	}
}

// exitCode turns the command's Wait error into an exit code the way a shell
// does: its own code, or 128 plus the signal that killed it.
func exitCode(err error, logger *slog.Logger) int {
	if err == nil {
		return 0
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		logger.Error("wait for command", "err", err)
		return exitFailure
	}
	if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return exitSignal + int(ws.Signal())
	}
	return exitErr.ExitCode()
}

func signalNumber(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return int(s)
	}
	return 0
}

// setEnv returns env with name set to value, replacing earlier entries.
func setEnv(env []string, name, value string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return append(out, name+"="+value)
}
