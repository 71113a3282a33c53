package calsync_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/backend/api"
	"github.com/frontdesk/frontdesk/backend/booking"
	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/calendar/caldav"
	"github.com/frontdesk/frontdesk/backend/calendar/calendartest"
	"github.com/frontdesk/frontdesk/backend/calendar/google"
	"github.com/frontdesk/frontdesk/backend/calendar/microsoft"
	"github.com/frontdesk/frontdesk/backend/calsync"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/mail"
	"github.com/frontdesk/frontdesk/backend/notify"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/secret"
	"github.com/frontdesk/frontdesk/backend/smtptest"
	"github.com/frontdesk/frontdesk/model"
)

// env is the whole path on real peers: Postgres, River, the API server
// (whose hooks the fakes post to), an SMTP server, and the Google and
// Microsoft fakes. Anna is bookable every day 08:00–18:00 UTC.
type env struct {
	t      testing.TB
	ctx    context.Context
	db     *postgres.DB
	sync   *calsync.Sync
	q      *jobs.Queue
	svc    *booking.Service
	smtp   *smtptest.Server
	google *calendartest.Google
	ms     *calendartest.Microsoft
	org    model.Organization
	agent  model.Agent
	base   string
	// newQueue starts another instance's queue on the same database.
	newQueue func() *jobs.Queue
}

const annaEmail = "anna@acme.test"

func newEnv(t testing.TB, tweaks ...func(*api.Config)) *env {
	t.Helper()
	ctx := context.Background()
	db := pgtest.Open(t)
	var out io.Writer = io.Discard
	if os.Getenv("CALSYNC_LOG") != "" {
		out = os.Stderr
	}
	log := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("http://" + ln.Addr().String())

	org, _ := db.CreateOrganization(ctx, "Acme")
	agent, err := db.CreateAgent(ctx, org.ID, postgres.NewAgent{Email: annaEmail, Name: "Anna", Slug: "anna", TimeZone: "UTC",
		Role: model.RoleAgent, License: model.LicenseStandard, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	av := postgres.DefaultAvailability("UTC")
	av.Rules = []model.AvailabilityRule{{RRule: "FREQ=DAILY", Window: model.Window{Start: "08:00", End: "18:00"}}}
	av.MinNoticeMinutes = 0
	if err := db.SetAvailability(ctx, org.ID, agent.ID, av); err != nil {
		t.Fatal(err)
	}

	g := calendartest.NewGoogle(t)
	g.AddAccount(annaEmail, "UTC")
	g.RegisterRedirectURI(base.String() + "/oauth/google/callback")
	m := calendartest.NewMicrosoft(t)
	m.AddAccount(annaEmail, "Anna", "UTC")
	m.RegisterRedirectURI(base.String() + "/oauth/microsoft/callback")

	box, _ := secret.New(make([]byte, secret.KeySize))
	sync := &calsync.Sync{DB: db, Box: box, BaseURL: base, Log: log,
		CalDAV:    caldav.New(caldav.Options{OwnEvent: calsync.OwnUID(base)}),
		Google:    &google.Client{Endpoints: google.Endpoints{AuthURL: g.AuthURL(), TokenURL: g.TokenURL(), APIURL: g.APIURL()}, Log: log},
		Microsoft: &microsoft.Client{Endpoints: microsoft.Endpoints{LoginURL: m.LoginURL(), GraphURL: m.GraphURL()}, Log: log},
	}
	smtp := smtptest.Start(t)
	sender, err := mail.NewSender(mail.Config{Host: smtp.Host(), Port: smtp.Port(), TLS: mail.TLSNone, From: "Frontdesk <no-reply@acme.test>"}, log)
	if err != nil {
		t.Fatal(err)
	}
	n := &notify.Notifier{DB: db, BaseURL: base, Log: log, Calendar: sync}
	workers := river.NewWorkers()
	for _, reg := range []func(*river.Workers) error{sync.Register, n.Register, func(w *river.Workers) error { return mail.Register(w, sender, log) }} {
		if err := reg(workers); err != nil {
			t.Fatal(err)
		}
	}
	newQueue := func() *jobs.Queue {
		q, err := jobs.New(db, workers, log, jobs.ForTesting())
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { q.Stop(context.Background()) })
		return q
	}
	q := newQueue()
	n.Queue, sync.Queue = q, q
	svc := &booking.Service{DB: db, BaseURL: base, Notifier: n, Busy: sync}

	cfg := api.DefaultConfig()
	cfg.BaseURL = base
	for _, tweak := range tweaks {
		tweak(&cfg)
	}
	srv := api.New(cfg, db, log)
	srv.SetBooking(svc)
	srv.SetCalendars(sync)
	hs := httptest.NewUnstartedServer(srv.Handler())
	hs.Listener.Close()
	hs.Listener = ln
	hs.Start()
	t.Cleanup(hs.Close)

	return &env{t: t, ctx: ctx, db: db, sync: sync, q: q, svc: svc, smtp: smtp, google: g, ms: m,
		org: org, agent: agent, base: base.String(), newQueue: newQueue}
}

// idle waits until no job is due.
func (e *env) idle() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	if err := e.q.WaitIdle(ctx); err != nil {
		e.t.Fatal(err)
	}
}

// connect sets up the provider's app and goes through its consent screen
// as Anna, then lets the first jobs (sync, channel, writes) run.
func (e *env) connect(p calendar.Provider, consent calendartest.Consent) error {
	e.t.Helper()
	var id, secret string
	authorize := e.google.Authorize
	if p == calendar.Google {
		id, secret = e.google.ClientID, e.google.ClientSecret
	} else {
		id, secret = e.ms.ClientID, e.ms.ClientSecret
		authorize = e.ms.Authorize
	}
	if _, err := e.sync.SetApp(e.ctx, e.org.ID, p, model.CalendarAppInput{ClientID: id, ClientSecret: secret}); err != nil {
		e.t.Fatal(err)
	}
	start, err := e.sync.StartOAuth(e.ctx, e.agent, p)
	if err != nil {
		e.t.Fatal(err)
	}
	back, err := url.Parse(authorize(e.t, start, consent))
	if err != nil {
		e.t.Fatal(err)
	}
	err = e.sync.FinishOAuth(e.ctx, e.agent, p, back.Query())
	e.idle()
	return err
}

// day is three days ahead, at midnight UTC.
func day() time.Time { return time.Now().UTC().AddDate(0, 0, 3).Truncate(24 * time.Hour) }

func at(h int) time.Time { return day().Add(time.Duration(h) * time.Hour) }

// offered lists the day's 30-minute slots the booking page offers.
func (e *env) offered() map[time.Time]bool {
	e.t.Helper()
	d := day().Format(time.DateOnly)
	list, err := e.svc.Slots(e.ctx, "anna", booking.SlotsQuery{From: d, To: d, Duration: 30, TimeZone: "UTC"})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[time.Time]bool{}
	for _, s := range list.Slots {
		t, _ := time.Parse(time.RFC3339, s)
		out[t.UTC()] = true
	}
	return out
}

// waitOffered waits until the slot at h is offered (want true) or not.
func (e *env) waitOffered(h int, want bool, why string) {
	e.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for e.offered()[at(h)] != want {
		if time.Now().After(deadline) {
			e.t.Fatalf("%s: %02d:00 offered=%v, want %v", why, h, !want, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (e *env) book(h int, guest string) model.Booking {
	e.t.Helper()
	b, err := e.svc.Book(e.ctx, "anna", model.BookingRequest{Start: at(h).Format(time.RFC3339), Duration: 30, TimeZone: "Europe/Rome",
		Name: guest, Email: "guest@example.com"}, randomToken(), randomToken())
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (e *env) settings() model.CalendarSettings {
	e.t.Helper()
	s, err := e.sync.Settings(e.ctx, e.agent)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}
