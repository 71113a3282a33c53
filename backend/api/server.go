// Package api is Frontdesk's HTTP interface: the JSON API under /api/v1,
// health and metrics endpoints, and the middleware every request passes
// through (recovery, logging, metrics, security headers, sign-in, CSRF).
package api

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/frontdesk/frontdesk/backend/accounts"
	"github.com/frontdesk/frontdesk/backend/attachments"
	"github.com/frontdesk/frontdesk/backend/booking"
	"github.com/frontdesk/frontdesk/backend/calsync"
	"github.com/frontdesk/frontdesk/backend/crmsync"
	"github.com/frontdesk/frontdesk/backend/guestdata"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/push"
	"github.com/frontdesk/frontdesk/backend/ratelimit"
	"github.com/frontdesk/frontdesk/backend/realtime"
	"github.com/frontdesk/frontdesk/model"
)

// Config is what the API needs to know about its deployment.
type Config struct {
	// BaseURL is the public URL of this server, e.g. https://frontdesk.example.com.
	BaseURL *url.URL
	// SessionTTL is how long a sign-in lasts.
	SessionTTL time.Duration
	// TrustProxy makes the client address come from X-Forwarded-For.
	TrustProxy bool
	// LoginPerIP and LoginPerAccount limit sign-in attempts (burst, then one
	// more per LoginEvery).
	LoginPerIP, LoginPerAccount int
	LoginEvery                  time.Duration
	// PublicBurst and PublicEvery limit guests' requests per address.
	PublicBurst int
	PublicEvery time.Duration
	// Limits shares the limits with the other instances; nil keeps them
	// per instance.
	Limits *ratelimit.Group
}

// DefaultConfig is a working configuration for local use.
func DefaultConfig() Config {
	u, _ := url.Parse("http://localhost:8080")
	return Config{
		BaseURL: u, SessionTTL: 14 * 24 * time.Hour,
		LoginPerIP: 20, LoginPerAccount: 10, LoginEvery: 30 * time.Second,
		PublicBurst: 60, PublicEvery: time.Second,
	}
}

// Server routes and serves every HTTP request.
type Server struct {
	cfg Config
	db  *postgres.DB
	log *slog.Logger
	mux *http.ServeMux

	loginIP, loginAccount, guests *ratelimit.Limiter

	hub       *realtime.Hub
	booking   *booking.Service
	calendars *calsync.Sync
	crm       *crmsync.Sync
	push      *push.Sender
	guestData *guestdata.Service
	files     *attachments.Service

	transcripts Transcripts
	accounts    *accounts.Service

	draining atomic.Bool // shutting down: /readyz says so

	invitesPerAdmin *ratelimit.Limiter

	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// New builds the server. Extra handlers (the PWA, static files, visitor
// pages) are added by the caller with Handle.
func New(cfg Config, db *postgres.DB, log *slog.Logger) *Server {
	s := &Server{
		cfg: cfg, db: db, log: log, mux: http.NewServeMux(),
		loginIP:      cfg.Limits.New("login_ip", cfg.LoginPerIP, cfg.LoginEvery),
		loginAccount: cfg.Limits.New("login_account", cfg.LoginPerAccount, cfg.LoginEvery),
		guests:       cfg.Limits.New("public", cfg.PublicBurst, cfg.PublicEvery),
		// 50 invitations at once, then one a minute.
		invitesPerAdmin: cfg.Limits.New("invites_admin", 50, time.Minute),
		registry:        prometheus.NewRegistry(),
		booking:         &booking.Service{DB: db, BaseURL: cfg.BaseURL},
	}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "frontdesk_http_requests_total", Help: "HTTP requests by route, method and status.",
	}, []string{"route", "method", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "frontdesk_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route"})
	ready := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "frontdesk_ready", Help: "1 when this instance would answer /readyz with 200 (database reachable, not shutting down).",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if s.draining.Load() || db.Ping(ctx) != nil {
			return 0
		}
		return 1
	})
	s.registry.MustRegister(s.requests, s.latency, ready,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	s.routes()
	return s
}

// SetHub connects the realtime hub (websockets).
func (s *Server) SetHub(h *realtime.Hub) { s.hub = h }

// Registry is where other parts of the server register their metrics.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// Handle adds a handler for pattern (net/http ServeMux syntax).
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Handler returns the server with its middleware around it.
func (s *Server) Handler() http.Handler {
	return s.recoverer(s.observe(securityHeaders(s.unreadableURL(s.mux))))
}

func (s *Server) routes() {
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.Handle("GET /readyz", s.handle(s.readyz))
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))

	// Signing in has no session yet: cross-origin protection stands in for
	// the CSRF token.
	s.mux.Handle("POST /api/v1/auth/login", crossOrigin(s.handle(s.login)))
	s.mux.Handle("GET /api/v1/auth/session", s.agentOnly(s.session))
	s.mux.Handle("POST /api/v1/auth/logout", s.agentOnly(s.logout))

	s.mux.Handle("GET /api/v1/organization", s.agentOnly(s.getOrganization))
	s.mux.Handle("PATCH /api/v1/organization", s.adminOnly(s.patchOrganization))

	s.mux.Handle("GET /api/v1/agents", s.agentOnly(s.listAgents))
	s.mux.Handle("POST /api/v1/agents", s.adminOnly(s.createAgent))
	s.mux.Handle("GET /api/v1/agents/{id}", s.agentOnly(s.getAgent))
	s.mux.Handle("PATCH /api/v1/agents/{id}", s.adminOnly(s.updateAgent))
	s.mux.Handle("DELETE /api/v1/agents/{id}", s.adminOnly(s.deactivateAgent))

	s.mux.Handle("GET /api/v1/services", s.agentOnly(s.listServices))
	s.mux.Handle("POST /api/v1/services", s.adminOnly(s.createService))
	s.mux.Handle("GET /api/v1/services/{id}", s.agentOnly(s.getService))
	s.mux.Handle("PATCH /api/v1/services/{id}", s.adminOnly(s.updateService))
	s.mux.Handle("DELETE /api/v1/services/{id}", s.adminOnly(s.deleteService))

	s.mux.Handle("GET /api/v1/widgets", s.agentOnly(s.listWidgets))
	s.mux.Handle("POST /api/v1/widgets", s.adminOnly(s.createWidget))
	s.mux.Handle("GET /api/v1/widgets/{id}", s.agentOnly(s.getWidget))
	s.mux.Handle("PATCH /api/v1/widgets/{id}", s.adminOnly(s.updateWidget))

	s.mux.Handle("GET /api/v1/conversations", s.agentOnly(s.listConversations))
	s.mux.Handle("GET /api/v1/conversations/{id}", s.agentOnly(s.getConversation))
	s.mux.Handle("PATCH /api/v1/conversations/{id}", s.agentOnly(s.patchConversation))
	s.mux.Handle("GET /api/v1/conversations/{id}/messages", s.agentOnly(s.listMessages))
	s.mux.Handle("POST /api/v1/conversations/{id}/messages", s.agentOnly(s.sendMessage))
	s.mux.Handle("POST /api/v1/conversations/{id}/read", s.agentOnly(s.markRead))
	s.mux.Handle("POST /api/v1/conversations/{id}/assign", s.agentOnly(s.assign))
	s.mux.Handle("GET /ws/agent", s.agentOnly(s.agentSocket))

	s.mux.Handle("GET /api/v1/meetings", s.agentOnly(s.listMeetings))
	s.mux.Handle("GET /api/v1/meetings/{id}", s.agentOnly(s.getMeeting))
	s.mux.Handle("PATCH /api/v1/meetings/{id}", s.agentOnly(s.changeMeeting))
	s.mux.Handle("DELETE /api/v1/meetings/{id}", s.agentOnly(s.cancelMeeting))
	s.mux.Handle("GET /api/v1/conversations/{id}/meeting", s.agentOnly(s.conversationMeeting))

	s.mux.Handle("GET /api/v1/push/key", s.agentOnly(s.pushKey))
	s.mux.Handle("POST /api/v1/push/subscriptions", s.agentOnly(s.pushSubscribe))
	s.mux.Handle("DELETE /api/v1/push/subscriptions", s.agentOnly(s.pushUnsubscribe))

	s.mux.Handle("GET /api/v1/crm", s.adminOnly(s.getCRM))
	s.mux.Handle("PUT /api/v1/crm", s.adminOnly(s.putCRM))
	s.mux.Handle("DELETE /api/v1/crm", s.adminOnly(s.deleteCRM))
	s.mux.Handle("POST /api/v1/crm/test", s.adminOnly(s.testCRM))
	s.mux.Handle("POST /api/v1/conversations/{id}/crm-lead", s.agentOnly(s.createLead))

	s.mux.Handle("GET /api/v1/me/calendar", s.agentOnly(s.getCalendar))
	s.mux.Handle("PUT /api/v1/me/calendar", s.agentOnly(s.putCalendar))
	s.mux.Handle("DELETE /api/v1/me/calendar", s.agentOnly(s.deleteCalendar))
	s.mux.Handle("POST /api/v1/me/calendar/feed", s.agentOnly(s.rotateFeed))
	s.mux.Handle("GET /feeds/{file}", s.public(s.feed))
	s.calendarRoutes()

	s.mux.Handle("GET /api/v1/me/availability", s.agentOnly(s.getAvailability))
	s.mux.Handle("PUT /api/v1/me/availability", s.agentOnly(s.putAvailability))
	s.mux.Handle("GET /api/v1/me/availability/preview", s.agentOnly(s.previewSlots))

	s.accountRoutes()

	s.mux.Handle("GET /api/v1/phonebook", s.agentOnly(s.listContacts))
	s.mux.Handle("GET /api/v1/phonebook.vcf", s.agentOnly(s.exportContacts))
	s.mux.Handle("POST /api/v1/phonebook", s.agentOnly(s.addContact))
	s.mux.Handle("PATCH /api/v1/phonebook/{id}", s.agentOnly(s.updateContact))

	// Guests: no session, capability tokens, rate limited per address.
	s.mux.Handle("GET /api/v1/public/widgets/{key}", s.public(s.widgetConfig))
	s.mux.Handle("POST /api/v1/public/widgets/{key}/conversations", s.public(s.startConversation))
	s.mux.Handle("GET /api/v1/public/widgets/{key}/conversations/current", s.public(s.currentConversation))
	s.mux.Handle("GET /api/v1/public/conversations/{token}", s.public(s.guestConversation))
	s.mux.Handle("GET /api/v1/public/conversations/{token}/messages", s.public(s.guestMessages))
	s.mux.Handle("POST /api/v1/public/conversations/{token}/messages", s.public(s.guestSend))
	s.mux.Handle("POST /api/v1/public/conversations/{token}/email", s.public(s.guestEmail))
	s.mux.Handle("GET /ws/guest", s.public(s.guestSocket))

	s.mux.Handle("GET /api/v1/public/links/{slug}", s.public(s.linkCard))
	s.mux.Handle("GET /api/v1/public/links/{slug}/slots", s.public(s.linkSlots))
	s.mux.Handle("POST /api/v1/public/links/{slug}/meetings", s.public(s.linkBook))
	s.mux.Handle("POST /api/v1/public/links/{slug}/conversations", s.public(s.linkChat))
	s.mux.Handle("GET /api/v1/public/meetings/{token}", s.public(s.guestGetMeeting))
	s.mux.Handle("PATCH /api/v1/public/meetings/{token}", s.public(s.guestChangeMeeting))
	s.mux.Handle("DELETE /api/v1/public/meetings/{token}", s.public(s.guestCancelMeeting))

	s.guestDataRoutes()
	s.publicLinkRoutes()
	s.inboxRoutes()

	// Anything else under /api answers in the API's own error shape.
	s.mux.Handle("/api/", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return &model.Error{Status: http.StatusNotFound, Code: model.CodeNotFound, Message: "No such API endpoint."}
	}))
}

// Drain makes /readyz answer 503 from now on: the instance is shutting
// down and load balancers should send its traffic elsewhere.
func (s *Server) Drain() { s.draining.Store(true) }

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if s.draining.Load() {
		// Connection: close, so the balancer's check does not hold a
		// keep-alive connection to an instance on its way out.
		w.Header().Set("Connection", "close")
		return &model.Error{Status: http.StatusServiceUnavailable, Code: model.CodeShuttingDown, Message: "This instance is shutting down; use another."}
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "readiness: database unreachable", "err", err)
		return &model.Error{Status: http.StatusServiceUnavailable, Code: model.CodeUnavailable, Message: "The database is not reachable."}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}

// public is a guest endpoint: rate limited per address.
func (s *Server) public(h handlerFunc) http.Handler { return s.Public(s.handle(h)) }
