// Command benchp4 measures bar P4 (docs/PERFORMANCE.md) against the
// PostgreSQL at DATABASE_URL, in one go:
//
//  1. the ceiling: the bare message write — advance a conversation's seq
//     and insert the message, one transaction — run by pgbench with 32
//     clients over 1,000 conversations (transactions/s);
//  2. Frontdesk's own message path, postgres.DB.AppendMessage with the
//     realtime hub announcing every message on the event bus, from 32
//     writers over the same 1,000 conversations (messages/s), while a
//     second connection listens as another instance would and checks that
//     every message was announced.
//
// Each runs -rounds times, alternating; the best round of each counts (the
// machine is shared: other load only ever lowers a figure). The last line
// is the bar:
//
//	P4: 3412 messages/s, ceiling 4187/s, ratio 0.81
//
// BENCHP4_EXPERIMENT=no-events measures the write without announcing,
// and =async announces without waiting for the bus (what each costs; see
// docs/PERFORMANCE.md). -script runs more pgbench scripts for comparison.
//
// It works in a database of its own, created and dropped on the same
// server. `make bench-p4` runs it (through cmd/withdb: the private cluster
// when DATABASE_URL is unset).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/frontdesk/frontdesk/backend/barewrite"
	"github.com/frontdesk/frontdesk/backend/eventbus"
	"github.com/frontdesk/frontdesk/backend/eventbus/natsbus"
	"github.com/frontdesk/frontdesk/backend/eventbus/pgbus"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/realtime"
	"github.com/frontdesk/frontdesk/model"
)

const (
	writers     = barewrite.Clients
	maxDuration = 2 * time.Minute
)

type config struct {
	dsn      string
	duration time.Duration
	rounds   int
	natsURL  string
	scripts  []string // more pgbench scripts to measure, for comparison
	profile  io.Writer
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "benchp4:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("benchp4", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "length of each run (at most 2m)")
	fs.IntVar(&c.rounds, "rounds", 2, "runs of each, alternating (1–5)")
	fs.StringVar(&c.natsURL, "nats", os.Getenv("FRONTDESK_NATS_URL"), "announce on this NATS server instead of PostgreSQL")
	fs.Func("script", "also run this pgbench script each round (repeatable; :org and :first are defined), to compare", func(v string) error {
		c.scripts = append(c.scripts, v)
		return nil
	})
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of Frontdesk's runs to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		c.profile = f
	}
	c.dsn = os.Getenv("DATABASE_URL")
	switch {
	case c.dsn == "":
		return errors.New("DATABASE_URL is unset (make bench-p4 starts the private cluster)")
	case c.duration <= 0 || c.duration > maxDuration:
		return fmt.Errorf("-duration must be above 0 and at most %s", maxDuration)
	case c.rounds < 1 || c.rounds > 5:
		return errors.New("-rounds must be between 1 and 5")
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(2*c.rounds)*(c.duration+time.Minute)+2*time.Minute)
	defer cancel()
	log := func(format string, a ...any) { fmt.Fprintf(stderr, "benchp4: "+format+"\n", a...) }

	scratch, err := barewrite.Open(ctx, c.dsn, writers)
	if err != nil {
		return err
	}
	defer scratch.Close()
	log("server %s; %s", redact(c.dsn), scratch.Settings(ctx))

	bus := "postgres"
	if c.natsURL != "" {
		bus = "nats"
	}
	var best struct{ ceiling, oneStatement, frontdesk float64 }
	for round := 1; round <= c.rounds; round++ {
		log("round %d of %d: pgbench's bare write, then Frontdesk's, %s each", round, c.rounds, c.duration)
		var tps float64
		for i, w := range []barewrite.Script{barewrite.Transaction, barewrite.OneStatement} {
			scratch.Checkpoint(ctx)
			t, err := scratch.Run(ctx, w, c.duration)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "round %d: bare write as %s (pgbench, %d clients) %.0f transactions/s\n", round, w.Name, barewrite.Clients, t)
			if i == 0 {
				tps = t
			} else {
				best.oneStatement = max(best.oneStatement, t)
			}
		}
		for _, path := range c.scripts {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			scratch.Checkpoint(ctx)
			t, err := scratch.Run(ctx, barewrite.Script{Name: path, Text: string(b)}, c.duration)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "round %d: script %s (pgbench, %d clients) %.0f transactions/s\n", round, path, barewrite.Clients, t)
		}
		scratch.Checkpoint(ctx)
		mps, err := frontdesk(ctx, c, scratch, round)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "round %d: Frontdesk AppendMessage + %s bus (%d writers) %.0f messages/s, every one announced\n", round, bus, writers, mps)
		best.ceiling, best.frontdesk = max(best.ceiling, tps), max(best.frontdesk, mps)
	}
	fmt.Fprintf(stdout, "against the bare write as one statement (%.0f/s): ratio %.2f\n", best.oneStatement, best.frontdesk/best.oneStatement)
	fmt.Fprintf(stdout, "P4: %.0f messages/s, ceiling %.0f/s, ratio %.2f\n", best.frontdesk, best.ceiling, best.frontdesk/best.ceiling)
	return nil
}

// frontdesk runs Frontdesk's message path with every message announced on
// the bus, and checks with a listener of its own that each one arrived.
func frontdesk(ctx context.Context, c config, s *barewrite.Scratch, round int) (float64, error) {
	db, org, first := s.DB, s.Organization, s.First
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var opts []realtime.Option
	var listenBus eventbus.Bus
	if c.natsURL != "" {
		pub, err := natsbus.Connect(c.natsURL, "benchp4 writer", quiet)
		if err != nil {
			return 0, err
		}
		defer pub.Close()
		sub, err := natsbus.Connect(c.natsURL, "benchp4 listener", quiet)
		if err != nil {
			return 0, err
		}
		defer sub.Close()
		opts = append(opts, realtime.WithBus(pub))
		listenBus = sub
	} else {
		other, err := postgres.Open(ctx, s.DSN)
		if err != nil {
			return 0, err
		}
		defer other.Close()
		listenBus = pgbus.New(other.Pool, quiet)
	}
	hub := realtime.New(db, quiet, nil, opts...) // becomes db.Announce: local sockets (none) and the bus
	defer func() { db.Announce = nil }()
	switch os.Getenv("BENCHP4_EXPERIMENT") {
	case "no-events":
		db.Announce = nil // what announcing costs: the write alone
	case "async":
		announce := db.Announce // what waiting for the bus costs
		db.Announce = func(ctx context.Context, events []eventbus.Envelope) { go announce(ctx, events) }
	}

	lctx, stopListening := context.WithCancel(ctx)
	defer stopListening()
	l := &listener{ready: make(chan struct{}), seen: map[[2]int64]bool{}}
	go listenBus.Run(lctx, l) //nolint:errcheck // returns when stopped
	if err := listenBus.Watch(ctx, eventbus.Topic{Organization: org}); err != nil {
		return 0, err
	}
	select {
	case <-l.ready:
	case <-time.After(10 * time.Second):
		return 0, errors.New("the listener did not start")
	}

	if c.profile != nil && round == 1 {
		if err := pprof.StartCPUProfile(c.profile); err != nil {
			return 0, err
		}
		defer pprof.StopCPUProfile()
	}
	author := postgres.Author{Kind: model.AuthorGuest, Name: "G"}
	var next, sent atomic.Int64
	var firstErr error
	var errOnce sync.Once
	deadline := time.Now().Add(c.duration)
	start := time.Now()
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for time.Now().Before(deadline) && ctx.Err() == nil {
				n := next.Add(1)
				conv := first + n%barewrite.Conversations
				res, err := db.AppendMessage(ctx, org, conv, author, fmt.Sprintf("r%d-%d", round, n), "Hello, is anyone there?")
				if err == nil && res.Duplicate {
					err = fmt.Errorf("message %d was taken for a retry", n)
				}
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				sent.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return 0, firstErr
	}
	// Every message committed must have been announced.
	wait := time.Now().Add(30 * time.Second)
	for l.count() < sent.Load() && time.Now().Before(wait) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := l.count(); got != sent.Load() && db.Announce != nil {
		return 0, fmt.Errorf("%d messages stored, %d announced", sent.Load(), got)
	}
	if s, ok := hub.Bus().(interface{ Sent() (int64, int64) }); ok {
		batches, events := s.Sent()
		fmt.Fprintf(os.Stderr, "benchp4: round %d: %d events in %d batches on the bus\n", round, events, batches)
	}
	return float64(sent.Load()) / elapsed.Seconds(), nil
}

// listener counts the distinct messages announced, as another instance
// receives them.
type listener struct {
	ready chan struct{}
	once  sync.Once
	mu    sync.Mutex
	seen  map[[2]int64]bool
}

func (l *listener) Listening(bool) { l.once.Do(func() { close(l.ready) }) }

func (l *listener) Deliver(e eventbus.Envelope) {
	if e.Event.Type != model.EventMessage {
		return
	}
	l.mu.Lock()
	l.seen[[2]int64{e.ConversationID, e.Event.Seq}] = true
	l.mu.Unlock()
}

func (l *listener) count() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return int64(len(l.seen))
}

func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil {
		return u.Redacted()
	}
	return "(unparsable URL)"
}
