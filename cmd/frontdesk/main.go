//go:build !js

// Command frontdesk is the Frontdesk server: the JSON API, websockets, the
// agent PWA and the visitor pages, from one binary. Compiled for the browser
// (browser.go) the same main is the agent PWA.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // IANA zones even on hosts without /usr/share/zoneinfo

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/app"
	"github.com/frontdesk/frontdesk/assets"
	"github.com/frontdesk/frontdesk/backend/accounts"
	"github.com/frontdesk/frontdesk/backend/api"
	"github.com/frontdesk/frontdesk/backend/booking"
	"github.com/frontdesk/frontdesk/backend/cluster"
	"github.com/frontdesk/frontdesk/backend/crmsync"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/mail"
	"github.com/frontdesk/frontdesk/backend/notify"
	"github.com/frontdesk/frontdesk/backend/pgcluster"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/push"
	"github.com/frontdesk/frontdesk/backend/realtime"
	"github.com/frontdesk/frontdesk/backend/secret"
	"github.com/frontdesk/frontdesk/backend/seed"
	"github.com/frontdesk/frontdesk/backend/visitor"
	"github.com/frontdesk/frontdesk/backend/web"
)

func main() {
	var err error
	if len(os.Args) > 1 {
		// A command (frontdesk admin create …) rather than the server.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err = command(ctx, os.Args[1:], os.Getenv, os.Stdout)
		stop()
	} else {
		signals := make(chan os.Signal, 2)
		signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
		err = run(signals, os.Getenv, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "frontdesk:", err)
		os.Exit(1)
	}
}

// run starts the server and blocks until a signal, then shuts down
// gracefully (see Main.Shutdown). A second signal ends the process at once.
func run(signals <-chan os.Signal, getenv func(string) string, stdout io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	m := &Main{Config: cfg, Stdout: stdout, Getenv: getenv}
	if err := m.Open(context.Background()); err != nil {
		m.Close()
		return err
	}
	sig := <-signals
	m.Log.Info("shutting down", "signal", sig.String())
	go func() {
		<-signals
		m.Log.Error("second signal: stopping now")
		os.Exit(1)
	}()
	// SIGTERM is how orchestrators and rolling upgrades stop an instance:
	// let the balancer notice it is leaving first. Ctrl-C stops at once.
	drain := time.Duration(0)
	if sig == syscall.SIGTERM {
		drain = cfg.DrainDelay
	}
	return m.Shutdown(drain)
}

// Main is the wired server, kept as a type so end-to-end tests can start
// and stop the real thing.
type Main struct {
	Config config
	Stdout io.Writer
	Log    *slog.Logger
	// Getenv reads the settings that belong to other packages (SMTP);
	// os.Getenv when nil.
	Getenv func(string) string
	// JobOptions tune the job queue (tests make it fast).
	JobOptions []jobs.Option
	// HubSpotBaseURL points the HubSpot client elsewhere (tests' loopback
	// HubSpot).
	HubSpotBaseURL string
	// CalendarEndpoints point Google and Microsoft elsewhere (tests'
	// loopback fakes).
	CalendarEndpoints calendarEndpoints
	// OfflineDelay is how long an agent's reply waits for the guest before
	// it is emailed (tests shorten it); the notifier's default when 0.
	OfflineDelay time.Duration

	cluster  *pgcluster.Cluster
	member   *cluster.Member
	ops      operations
	db       *postgres.DB
	api      *api.Server
	hub      *realtime.Hub
	queue    *jobs.Queue
	accounts *accounts.Service
	stopHub  context.CancelFunc
	hubDone  chan struct{}
	closeBus func()
	http     *http.Server
	listener net.Listener
	serveErr chan error

	closeOnce sync.Once
	closeErr  error
}

// Open starts everything: the database (a private cluster when no
// DATABASE_URL), migrations, the demo seed, and the HTTP server.
func (m *Main) Open(ctx context.Context) error {
	m.Log = newLogger(m.Config, m.Stdout)

	dsn := m.Config.DatabaseURL
	if dsn == "" {
		m.Log.Info("DATABASE_URL is unset: starting a private PostgreSQL", "dir", filepath.Join(m.Config.DataDir, "postgres"))
		c, err := pgcluster.Start(ctx, pgcluster.Options{Dir: filepath.Join(m.Config.DataDir, "postgres"), Logger: m.Log})
		if err != nil {
			return fmt.Errorf("private database: %w", err)
		}
		m.cluster = c
		dsn = c.DSN()
	}
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		return err
	}
	m.db = db
	if err := db.Migrate(ctx); err != nil {
		return err
	}

	var demo *seed.Demo
	if m.Config.Demo {
		d, err := seed.Run(ctx, db)
		if err != nil {
			return err
		}
		demo = &d
	}

	// Durable jobs: email, reminders. Workers are registered before the
	// queue exists; the notifier learns the queue afterwards.
	mailCfg, err := mail.ConfigFromEnv(m.getenv)
	if err != nil {
		return err
	}
	sender, err := mail.NewSender(mailCfg, m.Log)
	if err != nil {
		return err
	}
	box, err := secret.FromEnv(m.getenv, m.Config.DataDir, m.Log)
	if err != nil {
		return err
	}
	if err := secret.CheckKey(ctx, box, db); err != nil {
		return err
	}
	calendars := m.newCalendars(db, box)
	if m.HubSpotBaseURL == "" {
		m.HubSpotBaseURL = m.Config.HubSpotURL
	}
	crms := &crmsync.Sync{DB: db, Box: box, BaseURL: m.Config.BaseURL, HubSpotBaseURL: m.HubSpotBaseURL}
	notifier := &notify.Notifier{DB: db, BaseURL: m.Config.BaseURL, Log: m.Log, Calendar: calendars, OfflineDelay: m.OfflineDelay}
	workers := river.NewWorkers()
	// Accounts (setup, sign-up, invitations, password reset): see accounts.go.
	if err := m.openAccounts(workers); err != nil {
		return err
	}
	if err := calendars.Register(workers); err != nil {
		return err
	}
	if err := crms.Register(workers); err != nil {
		return err
	}
	var pushOpts []push.Option
	if m.Config.PushLoopback {
		pushOpts = append(pushOpts, push.AllowLoopback())
	}
	pusher, err := push.New(ctx, db, box, m.Config.PushSubject, m.Log, pushOpts...)
	if err != nil {
		return err
	}
	if err := push.Register(workers, pusher); err != nil {
		return err
	}
	if err := mail.Register(workers, sender, m.Log, mail.InOrder(db)); err != nil {
		return err
	}
	if err := notifier.Register(workers); err != nil {
		return err
	}
	// ---- operations (issue #17): this instance in the cluster, its jobs
	// handed back if it dies, shared rate limits, guest data, metrics.
	if err := m.openOperations(ctx, db, workers); err != nil {
		return err
	}
	files, cleanup, err := m.openFiles(ctx, db, workers) // inbox.go
	if err != nil {
		return err
	}
	m.ops.guests.Parts = append(m.ops.guests.Parts, files) // a guest's files go with their data
	jobOpts := append([]jobs.Option{calendarJobs(calendars), cleanup, jobs.WithID(m.member.ID()), jobs.WithPeriodicJobs(m.ops.periodic...)}, m.JobOptions...)
	if m.queue, err = jobs.New(db, workers, m.Log, jobOpts...); err != nil {
		return err
	}
	m.member.SetJobs(m.queue)
	// ---- end operations
	m.accounts.ShareLimits(m.ops.limits)
	notifier.Queue, calendars.Queue, crms.Queue, m.accounts.Queue = m.queue, m.queue, m.queue, m.queue
	db.MessageHook = notifier.MessageStored
	db.GuestEmailHook = crms.EnqueueLookup
	notifier.Push = func(ctx context.Context, tx bun.Tx, agentIDs []int64, title, body, path string) error {
		return push.Enqueue(ctx, m.queue, tx, agentIDs, push.Payload{Title: title, Body: body, Path: path, Icon: "/web/icon-192.png", Tag: path})
	}
	if err := m.queue.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	m.startOperations()

	static, err := web.New(m.Config.WebDir, assets.FS)
	if err != nil {
		return err
	}
	m.api = api.New(api.Config{
		BaseURL: m.Config.BaseURL, SessionTTL: 14 * 24 * time.Hour, TrustProxy: m.Config.TrustProxy,
		LoginPerIP: m.Config.LoginPerIP, LoginPerAccount: m.Config.LoginPerAccount, LoginEvery: m.Config.LoginEvery,
		PublicBurst: m.Config.PublicBurst, PublicEvery: m.Config.PublicEvery,
		Limits: m.ops.limits,
	}, db, m.Log)
	bookings := &booking.Service{DB: db, BaseURL: m.Config.BaseURL, Notifier: notifier, Busy: calendars}
	m.api.SetBooking(bookings)
	m.api.SetCalendars(calendars)
	m.api.SetCRM(crms)
	m.api.SetPush(pusher)
	m.wireOperations(bookings)
	m.api.SetAttachments(files)
	m.api.SetTranscripts(notifier)
	// Realtime: the hub, its event bus and the push sweeper (realtime.go).
	if err := m.openRealtime(ctx, notifier); err != nil {
		return err
	}

	demoKey := ""
	if demo != nil {
		demoKey = demo.Widget.PublicKey
	}
	visitors, err := visitor.New(visitor.Options{BaseURL: m.Config.BaseURL, BuildDir: m.Config.WebDir,
		Widgets: db, Links: bookings, DemoWidgetKey: demoKey, Limit: m.api.Public, Log: m.Log})
	if err != nil {
		return err
	}
	visitors.Register(m.api)
	if err := m.serveAccounts(); err != nil {
		return err
	}

	app.Register()
	m.api.Handle("/web/", static)
	// go-app fetches these from itself when nothing else serves them.
	for _, f := range []string{"/robots.txt", "/sitemap.xml", "/ads.txt"} {
		m.api.Handle("GET "+f, static)
	}
	m.api.Handle("/", app.NewHandler(app.HandlerOptions{Resources: static.Resolver(), Version: static.Version(), BaseURL: m.Config.BaseURL.String()}))

	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.listener = ln
	m.http = &http.Server{
		Handler:           m.api.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn),
	}
	m.http.RegisterOnShutdown(m.hub.GoAway)
	m.serveErr = make(chan error, 1)
	go func() { m.serveErr <- m.http.Serve(ln) }()
	m.Log.Info("listening", "addr", ln.Addr().String(), "url", m.Config.BaseURL.String())
	if demo != nil {
		printDemo(m.Stdout, m.Config.BaseURL.String(), *demo)
	}
	return m.printSetup(ctx)
}

func (m *Main) getenv(k string) string {
	if m.Getenv != nil {
		return m.Getenv(k)
	}
	return os.Getenv(k)
}

// URL is where the server answers.
func (m *Main) URL() string { return "http://" + m.listener.Addr().String() }

// Shutdown takes this instance out of service the way a rolling upgrade
// needs: /readyz answers 503 at once and for drain, so the load balancer
// stops sending new requests here, then Close.
func (m *Main) Shutdown(drain time.Duration) error {
	if m.api != nil {
		m.api.Drain()
	}
	if drain > 0 {
		m.Log.Info("draining: /readyz reports unready", "for", drain.String())
		time.Sleep(drain)
	}
	return m.Close()
}

// Close stops the instance within FRONTDESK_SHUTDOWN_TIMEOUT: it stops
// accepting connections, tells websocket clients to go elsewhere (they
// reconnect through the balancer at once), lets in-flight requests and
// running jobs finish, leaves the cluster, and closes the database. Closing
// twice is harmless.
func (m *Main) Close() error {
	m.closeOnce.Do(func() { m.closeErr = m.close() })
	return m.closeErr
}

func (m *Main) close() error {
	timeout := m.Config.ShutdownTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var errs []error
	if m.api != nil {
		m.api.Drain()
	}
	if m.http != nil {
		// Closes the listener, then (RegisterOnShutdown) the websockets,
		// then waits for the requests in flight.
		if err := m.http.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("http shutdown: %w", err))
		}
		if err := <-m.serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	if m.hub != nil {
		hctx, hcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		errs = append(errs, m.hub.Shutdown(hctx))
		hcancel()
		m.stopHub()
		<-m.hubDone
	}
	if m.closeBus != nil {
		m.closeBus()
	}
	if m.queue != nil {
		errs = append(errs, m.queue.Stop(ctx))
	}
	errs = append(errs, m.stopOperations())
	if m.db != nil {
		errs = append(errs, m.db.Close())
	}
	if m.cluster != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		errs = append(errs, m.cluster.Stop(ctx))
		cancel()
	}
	return errors.Join(errs...)
}

func newLogger(cfg config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func printDemo(w io.Writer, base string, d seed.Demo) {
	fmt.Fprintf(w, "\nFrontdesk is running with the demo organization %q.\n\n", d.Organization.Name)
	fmt.Fprintf(w, "  Agent app:        %s/\n", base)
	fmt.Fprintf(w, "  Demo website:     %s/demo\n", base)
	fmt.Fprintf(w, "  Personal links:\n")
	for _, a := range d.Agents {
		if a.License == "standard" && a.Active {
			fmt.Fprintf(w, "    %-16s  %s/l/%s\n", a.Name, base, a.Slug)
		}
	}
	fmt.Fprintf(w, "\n  Demo logins (password for all: %s):\n", seed.DemoPassword)
	for _, a := range d.Agents {
		fmt.Fprintf(w, "    %-28s %-6s %-8s %s\n", a.Email, a.Role, a.License, a.Name)
	}
	fmt.Fprintln(w)
}
