// Command loadtest measures Frontdesk's realtime bar (SPEC P3) against a
// server running on this machine:
//
//	loadtest -clients 10000 -conversations 10000 -rate 500 -duration 30s -pid $(pgrep -n frontdesk)
//
// It starts conversations through the public widget API, opens one agent
// websocket and N guest websockets spread over the conversations, and reads
// the server's memory before and after opening them. Then it sends guest
// messages at a steady rate, round robin over the guest sockets, and times
// each one twice: until the server acknowledges it (which it does only after
// the commit) and until the agent's socket carries it. Messages that never
// come back, or come back twice, are counted.
//
// It talks to loopback only, and every phase is bounded: sending lasts
// -duration (at most 10 minutes), waiting for stragglers -grace, and the
// whole run is cut off after -duration plus a fixed set-up allowance.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// Limits that keep a mistyped flag from turning into a runaway process.
const (
	maxDuration = 10 * time.Minute
	maxGrace    = time.Minute
	maxClients  = 50_000
	maxRate     = 20_000
	// setupAllowance bounds everything but sending and the grace period:
	// starting conversations, logging in, opening and closing sockets.
	setupAllowance = 5 * time.Minute
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "loadtest:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	bound := cfg.Duration + cfg.Grace + setupAllowance
	if cfg.WaitGC {
		bound += 2 * gcWait
	}
	ctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()

	if limit, err := raiseFileLimit(); err != nil {
		fmt.Fprintln(stderr, "loadtest: raise open-file limit:", err)
	} else if uint64(cfg.Clients+len(cfg.Online))+64 > limit {
		fmt.Fprintf(stderr, "loadtest: open-file limit %d is too low for %d sockets\n", limit, cfg.Clients)
		return 1
	}

	rep, err := Run(ctx, cfg, stderr)
	rep.Print(stdout)
	if err != nil {
		fmt.Fprintln(stderr, "loadtest:", err)
		return 1
	}
	return 0
}

// Config is one load test.
type Config struct {
	URL           string // the server, loopback only
	Conversations int
	Clients       int     // guest sockets
	Rate          float64 // guest messages per second
	Duration      time.Duration
	Grace         time.Duration // how long to wait for late acks and deliveries
	Settle        time.Duration // pause before each memory reading
	WaitGC        bool          // before each memory reading, wait for the server's next garbage collection
	DialParallel  int
	PID           int // the server's process id, for VmRSS and CPU; 0 when unknown
	AgentEmail    string
	AgentPassword string
	Online        []string // more agents to keep connected, so that they count as online
	Widget        string
	// GuestURLs are the instances the guest sockets are spread over (URL
	// alone by default); AgentURL is where the agents connect (URL by
	// default). With several instances, deliveries from a guest on another
	// instance than the agent's are reported apart: they crossed the bus.
	GuestURLs []string
	AgentURL  string
	// CeilingDB is the PostgreSQL the server uses: the bare message write
	// is measured there first (bar P4's ceiling) and the run's rate is
	// reported as a share of it. Empty: not measured.
	CeilingDB       string
	CeilingDuration time.Duration
}

func parseFlags(args []string, stderr io.Writer) (Config, error) {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c Config
	fs.StringVar(&c.URL, "url", "http://127.0.0.1:8099", "server base URL (loopback only)")
	fs.IntVar(&c.Conversations, "conversations", 0, "conversations to start (0: one per client)")
	fs.IntVar(&c.Clients, "clients", 1000, "guest websockets to open")
	fs.Float64Var(&c.Rate, "rate", 500, "guest messages per second")
	fs.DurationVar(&c.Duration, "duration", 30*time.Second, "how long to send (at most 10m)")
	fs.DurationVar(&c.Grace, "grace", 5*time.Second, "how long to wait for outstanding acks and deliveries after sending (at most 1m)")
	fs.DurationVar(&c.Settle, "settle", 3*time.Second, "pause before each memory reading")
	fs.BoolVar(&c.WaitGC, "wait-gc", false, "before each memory reading, wait (up to 150 s) for the server's next garbage collection, so that the heap holds live data only: the Go runtime collects at least every 2 minutes")
	fs.IntVar(&c.DialParallel, "dial-parallel", 32, "sockets opened at once")
	fs.IntVar(&c.PID, "pid", 0, "server process id: read its VmRSS and CPU time from /proc (optional; /metrics is read anyway)")
	fs.StringVar(&c.AgentEmail, "agent-email", "anna@demo.frontdesk.test", "agent who watches the organization's events")
	fs.StringVar(&c.AgentPassword, "agent-password", "frontdesk-demo", "the agent's password")
	online := fs.String("online", "", "more agents (comma-separated emails, same password) to sign in and keep connected: online agents get no push notifications")
	fs.StringVar(&c.Widget, "widget", "wk_demo_website", "public key of the widget to start conversations on")
	guestURLs := fs.String("guest-urls", "", "instances to spread the guest sockets over (comma-separated base URLs; default -url)")
	fs.StringVar(&c.AgentURL, "agent-url", "", "instance the agents connect to (default -url)")
	fs.StringVar(&c.CeilingDB, "ceiling-db", "", "the PostgreSQL (loopback URL) the server uses: measure bar P4's bare message write there first and print the run's share of it")
	fs.DurationVar(&c.CeilingDuration, "ceiling-duration", 10*time.Second, "how long pgbench measures the ceiling")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if c.Conversations == 0 {
		c.Conversations = c.Clients
	}
	for _, e := range strings.Split(*online, ",") {
		if e = strings.TrimSpace(e); e != "" {
			c.Online = append(c.Online, e)
		}
	}
	for _, u := range strings.Split(*guestURLs, ",") {
		if u = strings.TrimSpace(u); u != "" {
			c.GuestURLs = append(c.GuestURLs, u)
		}
	}
	if len(c.GuestURLs) == 0 {
		c.GuestURLs = []string{c.URL}
	}
	if c.AgentURL == "" {
		c.AgentURL = c.URL
	}
	return c, c.validate()
}

func (c Config) validate() error {
	for _, u := range append([]string{c.URL, c.AgentURL}, c.GuestURLs...) {
		if u == "" {
			continue
		}
		if _, err := loopbackURL(u); err != nil {
			return err
		}
	}
	if c.CeilingDB != "" {
		if err := loopbackDB(c.CeilingDB); err != nil {
			return err
		}
		if c.CeilingDuration < time.Second || c.CeilingDuration > time.Minute {
			return errors.New("-ceiling-duration must be between 1s and 1m")
		}
	}
	switch {
	case c.Clients < 1 || c.Clients > maxClients:
		return fmt.Errorf("-clients must be between 1 and %d", maxClients)
	case c.Conversations < 1 || c.Conversations > c.Clients:
		return fmt.Errorf("-conversations must be between 1 and -clients (%d)", c.Clients)
	case !(c.Rate > 0 && c.Rate <= maxRate):
		return fmt.Errorf("-rate must be above 0 and at most %d", maxRate)
	case c.Duration <= 0 || c.Duration > maxDuration:
		return fmt.Errorf("-duration must be above 0 and at most %s", maxDuration)
	case c.Grace < 0 || c.Grace > maxGrace:
		return fmt.Errorf("-grace must be between 0 and %s", maxGrace)
	case c.Settle < 0 || c.Settle > time.Minute:
		return errors.New("-settle must be between 0 and 1m")
	case c.DialParallel < 1 || c.DialParallel > 1000:
		return errors.New("-dial-parallel must be between 1 and 1000")
	case c.PID < 0:
		return errors.New("-pid must be a process id")
	case c.Widget == "" || c.AgentEmail == "":
		return errors.New("-widget and -agent-email are required")
	case len(c.Online) > 100:
		return errors.New("-online takes at most 100 agents")
	}
	return nil
}

// raiseFileLimit lifts the soft RLIMIT_NOFILE to the hard limit: every
// socket is a file descriptor. It returns the limit now in force.
func raiseFileLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("getrlimit: %w", err)
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			return 0, fmt.Errorf("setrlimit: %w", err)
		}
	}
	return lim.Cur, nil
}
