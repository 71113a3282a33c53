package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/frontdesk/frontdesk/backend/barewrite"
)

// Run performs the load test. The report holds whatever was measured, also
// when the run fails part way.
func Run(ctx context.Context, cfg Config, log io.Writer) (*Report, error) {
	if len(cfg.GuestURLs) == 0 {
		cfg.GuestURLs = []string{cfg.URL}
	}
	if cfg.AgentURL == "" {
		cfg.AgentURL = cfg.URL
	}
	rep := &Report{Config: cfg, Date: time.Now()}
	if err := cfg.validate(); err != nil {
		return rep, err
	}
	base, _ := loopbackURL(cfg.URL)
	srv := newServer(base, cfg.DialParallel)
	progress := func(format string, args ...any) {
		fmt.Fprintf(log, "%s  %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
	}

	if _, err := srv.metrics(ctx); err != nil {
		return rep, fmt.Errorf("is the server running? %w", err)
	}
	agentSrv := newServer(mustLoopback(cfg.AgentURL), cfg.DialParallel)
	guestSrvs := make([]*server, len(cfg.GuestURLs))
	for i, u := range cfg.GuestURLs {
		guestSrvs[i] = newServer(mustLoopback(u), cfg.DialParallel)
	}

	if cfg.CeilingDB != "" {
		progress("measuring the ceiling: the bare message write, pgbench for %s", cfg.CeilingDuration)
		c, err := measureCeiling(ctx, cfg)
		if err != nil {
			return rep, fmt.Errorf("ceiling: %w", err)
		}
		rep.Ceiling = c
	}

	progress("starting %d conversations", cfg.Conversations)
	t := time.Now()
	tokens, err := srv.startConversations(ctx, cfg.Widget, cfg.Conversations, cfg.DialParallel)
	rep.StartTime = time.Since(t)
	if err != nil {
		return rep, err
	}

	total := int(cfg.Rate * cfg.Duration.Seconds())
	rec := newRecorder("lt"+randomToken()[:8]+"-", total)
	socks := newSockets(rec)
	var conns []*websocket.Conn
	defer func() {
		progress("closing %d sockets", len(conns))
		socks.closeAll(conns)
	}()

	agentClient, _, err := agentSrv.login(ctx, cfg.AgentEmail, cfg.AgentPassword)
	if err != nil {
		return rep, err
	}
	agent, err := socks.dial(ctx, agentSrv, agentClient, "/ws/agent")
	if err != nil {
		return rep, fmt.Errorf("agent socket: %w", err)
	}
	conns = append(conns, agent)
	socks.read(ctx, agent, agentRole)
	for _, email := range cfg.Online {
		c, _, err := agentSrv.login(ctx, email, cfg.AgentPassword)
		if err != nil {
			return rep, err
		}
		w, err := socks.dial(ctx, agentSrv, c, "/ws/agent")
		if err != nil {
			return rep, fmt.Errorf("socket of %s: %w", email, err)
		}
		conns = append(conns, w)
		socks.read(ctx, w, watcherRole)
	}

	progress("reading memory before the guest sockets (after %s)", cfg.Settle)
	if err := sleep(ctx, cfg.Settle); err != nil {
		return rep, err
	}
	if cfg.WaitGC {
		progress("waiting for the server to collect garbage")
		if err := waitGC(ctx, srv); err != nil {
			return rep, err
		}
	}
	rep.Before = snapshot(ctx, srv, cfg.PID)

	progress("opening %d guest sockets over %d conversations", cfg.Clients, cfg.Conversations)
	t = time.Now()
	guestSrv := func(i int) *server { return guestSrvs[i%len(guestSrvs)] }
	guests, err := socks.dialGuests(ctx, guestSrv, tokens, cfg.Clients, cfg.DialParallel)
	// Message i goes out on guest socket i mod sockets: it crosses the bus
	// when that socket's instance is not the agent's.
	rec.cross = func(i int) bool { return guestSrv(i%max(len(guests), 1)).base.String() != agentSrv.base.String() }
	rep.DialTime = time.Since(t)
	conns = append(conns, guests...)
	if err != nil {
		return rep, err
	}
	rep.Opened = len(guests)
	if err := sleep(ctx, cfg.Settle); err != nil {
		return rep, err
	}
	if cfg.WaitGC {
		progress("waiting for the server to collect garbage")
		if err := waitGC(ctx, srv); err != nil {
			return rep, err
		}
	}
	rep.After = snapshot(ctx, srv, cfg.PID)

	progress("sending %d messages at %g/s for %s", total, cfg.Rate, cfg.Duration)
	cpu0 := sampleCPU(ctx, srv, cfg.PID)
	t = time.Now()
	n, lag := pace(ctx, rec, guests, cfg.Rate, total)
	rep.SendTime = time.Since(t)
	rep.MaxLag = lag
	rep.CPU = sampleCPU(ctx, srv, cfg.PID).since(cpu0)

	progress("sent %d; waiting up to %s for acks and deliveries", n, cfg.Grace)
	deadline := time.Now().Add(cfg.Grace)
	for rec.outstanding(n) > 0 && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	rep.End = snapshot(ctx, srv, cfg.PID)
	rep.Outcome = rec.outcome(n)
	rep.GuestFrames, rep.AgentFrames, rep.WatcherFrames = socks.guestFrames.Load(), socks.agentFrames.Load(), socks.watcherFrames.Load()
	rep.GuestsLost, rep.AgentsLost = socks.guestsLost.Load(), socks.agentsLost.Load()
	rep.CloseReasons = socks.closeReasons()
	return rep, ctx.Err()
}

// pace sends total messages at r per second from the guest sockets in
// turn, from this one goroutine: a token bucket with a burst of one, so a
// stall is not followed by a catch-up burst. It returns how many it sent
// and how late the latest send was against the ideal schedule.
func pace(ctx context.Context, rec *recorder, guests []*websocket.Conn, r float64, total int) (sent int, maxLag time.Duration) {
	lim := rate.NewLimiter(rate.Limit(r), 1)
	start := time.Now()
	interval := float64(time.Second) / r
	for i := range total {
		if err := lim.Wait(ctx); err != nil {
			return i, maxLag
		}
		if lag := time.Since(start) - time.Duration(float64(i)*interval); lag > maxLag {
			maxLag = lag
		}
		id := rec.clientID(i)
		frame := messageFrame(id, "Load test message "+id)
		rec.sent(i)
		if err := send(ctx, guests[i%len(guests)], frame); err != nil {
			rec.failedWrite(i)
		}
	}
	return total, maxLag
}

// gcWait bounds waitGC: the Go runtime forces a collection when none has
// run for two minutes.
const gcWait = 150 * time.Second

// waitGC waits until the server completes a garbage collection, seen as a
// new count in go_gc_duration_seconds_count.
func waitGC(ctx context.Context, srv *server) error {
	const series = "go_gc_duration_seconds_count"
	m, err := srv.metrics(ctx)
	if err != nil {
		return err
	}
	start, ok := m[series]
	if !ok {
		return fmt.Errorf("waiting for a collection: the server does not export %s", series)
	}
	deadline := time.Now().Add(gcWait)
	for time.Now().Before(deadline) {
		if err := sleep(ctx, time.Second); err != nil {
			return err
		}
		if m, err := srv.metrics(ctx); err == nil && m[series] > start {
			return nil
		}
	}
	return fmt.Errorf("waiting for a collection: none in %s", gcWait)
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// Snapshot is the server's memory at one moment. Zero means unknown.
type Snapshot struct {
	RSS          float64 // process_resident_memory_bytes
	HeapInuse    float64 // go_memstats_heap_inuse_bytes
	StackInuse   float64 // go_memstats_stack_inuse_bytes
	HeapFree     float64 // go_memstats_heap_idle_bytes − go_memstats_heap_released_bytes: freed, still resident
	Goroutines   float64 // go_goroutines
	GuestSockets float64 // frontdesk_ws_connections{audience="guest"}
	Dropped      float64 // frontdesk_ws_slow_clients_dropped_total
	VmRSS        int64   // /proc/PID/status, with -pid
	SelfRSS      int64   // this load tester's own VmRSS
	Err          string
}

func snapshot(ctx context.Context, srv *server, pid int) Snapshot {
	var s Snapshot
	if m, err := srv.metrics(ctx); err != nil {
		s.Err = err.Error()
	} else {
		s.RSS, s.HeapInuse, s.StackInuse = m["process_resident_memory_bytes"], m["go_memstats_heap_inuse_bytes"], m["go_memstats_stack_inuse_bytes"]
		s.HeapFree = m["go_memstats_heap_idle_bytes"] - m["go_memstats_heap_released_bytes"]
		s.Goroutines, s.GuestSockets = m["go_goroutines"], m[`frontdesk_ws_connections{audience="guest"}`]
		s.Dropped = m["frontdesk_ws_slow_clients_dropped_total"]
	}
	if pid > 0 {
		s.VmRSS, _ = procStatus(pid, "VmRSS")
	}
	s.SelfRSS, _ = procStatus(os.Getpid(), "VmRSS")
	return s
}

// cpuSample is a reading of the CPU clocks; since turns two into usage.
type cpuSample struct {
	at       time.Time
	machine  cpuTimes
	server   float64 // seconds; -1 unknown
	self     float64
	postgres float64
}

func sampleCPU(ctx context.Context, srv *server, pid int) cpuSample {
	s := cpuSample{at: time.Now(), server: -1}
	s.machine, _ = machineCPU()
	if pid > 0 {
		if v, err := cpuSeconds(pid); err == nil {
			s.server = v
		}
	} else if m, err := srv.metrics(ctx); err == nil {
		if v, ok := m["process_cpu_seconds_total"]; ok {
			s.server = v
		}
	}
	s.self, _ = cpuSeconds(os.Getpid())
	s.postgres = postgresCPUSeconds()
	return s
}

// CPU is the CPU used while sending, in cores (1.0 = one core busy).
type CPU struct {
	MachineBusy float64 // share of all cores, 0–1
	Cores       int
	Server      float64 // -1 unknown
	Postgres    float64 // every postgres process on the machine
	Self        float64 // this load tester
}

func (s cpuSample) since(old cpuSample) CPU {
	wall := s.at.Sub(old.at).Seconds()
	if wall <= 0 {
		return CPU{Server: -1}
	}
	c := CPU{
		Cores:    numCPU(),
		Self:     (s.self - old.self) / wall,
		Postgres: (s.postgres - old.postgres) / wall,
		Server:   -1,
	}
	if d := s.machine.total - old.machine.total; d > 0 {
		c.MachineBusy = float64(s.machine.busy-old.machine.busy) / float64(d)
	}
	if s.server >= 0 && old.server >= 0 {
		c.Server = (s.server - old.server) / wall
	}
	return c
}

// measureCeiling runs bar P4's bare write with pgbench on a scratch
// database of the server's PostgreSQL, before the load (so that neither
// disturbs the other).
func measureCeiling(ctx context.Context, cfg Config) (float64, error) {
	s, err := barewrite.Open(ctx, cfg.CeilingDB, barewrite.Clients)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	return s.Run(ctx, barewrite.Transaction, cfg.CeilingDuration)
}

func mustLoopback(raw string) *url.URL {
	u, err := loopbackURL(raw)
	if err != nil {
		panic(err) // validate checked it
	}
	return u
}
