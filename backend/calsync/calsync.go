// Package calsync keeps agents' connected calendars (CalDAV, Google
// Calendar, Microsoft 365) in step with their meetings, and keeps the
// calendars' busy time in Frontdesk's own store for the booking page. It
// joins the store (postgres), the sealed credentials (secret), OAuth
// (oauth), the provider clients (calendar/caldav, calendar/google,
// calendar/microsoft) and the job queue (jobs).
//
// Everything that talks to a provider runs as a River job: writing a
// meeting (queued in the transaction that booked, moved or cancelled it),
// reading a calendar's changes (queued by the providers' notifications, on
// connecting, and by a periodic sweep, since notifications can be lost),
// and opening or renewing notification channels. The booking page reads
// only the store, so a slow or failing provider never slows it down.
package calsync

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/calendar/caldav"
	"github.com/frontdesk/frontdesk/backend/calendar/google"
	"github.com/frontdesk/frontdesk/backend/calendar/microsoft"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/oauth"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/secret"
	"github.com/frontdesk/frontdesk/model"
)

// CodeCalendar is the API error code of a calendar that cannot be used.
const CodeCalendar = "calendar_unusable"

// Sync is the glue; one serves every agent.
type Sync struct {
	DB      *postgres.DB
	Box     *secret.Box
	BaseURL *url.URL
	Log     *slog.Logger
	// Queue is set once the job queue exists.
	Queue *jobs.Queue

	// The provider clients; their endpoints (login included) may point at
	// loopback fakes in tests.
	CalDAV    *caldav.Client
	Google    *google.Client
	Microsoft *microsoft.Client
	// OAuthHTTP carries token requests; nil for a default client.
	OAuthHTTP *http.Client

	// Periods of the sweep (defaults in parentheses): how often CalDAV
	// calendars are read (2 min), Google and Microsoft calendars with a
	// live notification channel (1 h) and without one (5 min).
	PollCalDAV, PollWatched, PollUnwatched time.Duration
	// Horizon is how far ahead busy time is kept (400 days).
	Horizon time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time

	tokens oauth.Tokens
}

func (s *Sync) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sync) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// OwnUID reports whether a calendar event UID is one of our meetings (see
// booking's UIDs: random@host).
func OwnUID(base *url.URL) func(uid string) bool {
	host := "frontdesk"
	if base != nil && base.Hostname() != "" {
		host = base.Hostname()
	}
	return func(uid string) bool { return strings.HasSuffix(uid, "@"+host) }
}

// link is an absolute URL on this server.
func (s *Sync) link(path string) string {
	return strings.TrimRight(s.BaseURL.String(), "/") + path
}

// RedirectURI is where a provider sends the browser back, to be
// registered with it.
func (s *Sync) RedirectURI(p calendar.Provider) string {
	return s.link("/oauth/" + string(p) + "/callback")
}

// hookURL is where a provider posts change notifications.
func (s *Sync) hookURL(p calendar.Provider) string { return s.link("/hooks/" + string(p)) }

// pushable reports whether providers can reach this server's hooks: they
// post only to https, and the loopback fakes of the tests to loopback.
func (s *Sync) pushable() bool {
	if s.BaseURL == nil {
		return false
	}
	if s.BaseURL.Scheme == "https" {
		return true
	}
	h := s.BaseURL.Hostname()
	return h == "127.0.0.1" || h == "::1" || h == "localhost"
}

func caldavSealContext(agentID int64) string { return "caldav:agent:" + strconv.FormatInt(agentID, 10) }
func refreshSealContext(agentID int64) string {
	return "calendar-oauth:agent:" + strconv.FormatInt(agentID, 10)
}
func appSealContext(orgID int64, p string) string {
	return "calendar-app:" + p + ":org:" + strconv.FormatInt(orgID, 10)
}

func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// connection is an agent's connected account, opened.
type connection struct {
	acct  postgres.CalendarAccount
	agent model.Agent
	conn  calendar.Conn
	// refresh is the plain refresh token (OAuth), to forget its access
	// token when the provider refuses it.
	refresh string
}

func (c *connection) provider() calendar.Provider { return calendar.Provider(c.acct.Provider) }

func (c *connection) watcher() (calendar.Watcher, bool) {
	w, ok := c.conn.(calendar.Watcher)
	return w, ok
}

// errNotConnected is returned by open for an agent with no connection.
var errNotConnected = errors.New("no calendar connected")

// open loads an agent's connection and readies its provider client. A
// connection that needs reconnecting opens too; callers that would call
// the provider check acct.NeedsReconnectAt first.
func (s *Sync) open(ctx context.Context, agentID int64) (*connection, error) {
	acct, ok, err := s.DB.Calendar(ctx, agentID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNotConnected
	}
	agent, err := s.DB.Agent(ctx, acct.OrganizationID, agentID)
	if err != nil {
		return nil, err
	}
	zone, err := time.LoadLocation(agent.TimeZone)
	if err != nil {
		zone = time.UTC
	}
	c := &connection{acct: acct, agent: agent}
	switch calendar.Provider(acct.Provider) {
	case calendar.CalDAV:
		pw, err := s.Box.Open(acct.PasswordSealed, caldavSealContext(agentID))
		if err != nil {
			return nil, fmt.Errorf("open calendar password of agent %d: %w", agentID, err)
		}
		c.conn = s.CalDAV.Conn(caldav.Account{URL: acct.URL, Username: acct.Username, Password: string(pw)}, agent.Email, zone)
	case calendar.Google, calendar.Microsoft:
		p := calendar.Provider(acct.Provider)
		app, err := s.oauthApp(ctx, acct.OrganizationID, p)
		if err != nil {
			return nil, err
		}
		rt, err := s.Box.Open(acct.RefreshTokenSealed, refreshSealContext(agentID))
		if err != nil {
			return nil, fmt.Errorf("open refresh token of agent %d: %w", agentID, err)
		}
		c.refresh = string(rt)
		ts := s.tokens.Source(context.WithoutCancel(ctx), tokenKey(acct), app, c.refresh, func(next string) error {
			sealed, err := s.Box.Seal([]byte(next), refreshSealContext(agentID))
			if err != nil {
				return err
			}
			return s.DB.ReplaceRefreshToken(context.WithoutCancel(ctx), agentID, acct.RefreshTokenSealed, sealed)
		})
		own := OwnUID(s.BaseURL)
		if p == calendar.Google {
			c.conn = s.Google.Conn(google.Account{Tokens: ts, Zone: zone, Own: own})
		} else {
			c.conn = s.Microsoft.Conn(microsoft.Account{Tokens: ts, Zone: zone, Own: own})
		}
	default:
		return nil, fmt.Errorf("agent %d: unknown calendar provider %q", agentID, acct.Provider)
	}
	return c, nil
}

// tokenKey names a grant for the access-token cache: the connection's
// time tells a reconnected account from the one it replaced.
func tokenKey(acct postgres.CalendarAccount) string {
	return acct.Provider + ":agent:" + strconv.FormatInt(acct.AgentID, 10) + ":" + strconv.FormatInt(acct.CreatedAt.UnixNano(), 10)
}

// oauthApp builds the organization's OAuth client for a provider.
func (s *Sync) oauthApp(ctx context.Context, orgID int64, p calendar.Provider) (*oauth.App, error) {
	app, ok, err := s.DB.CalendarApp(ctx, orgID, string(p))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeCalendarNotConfigured,
			Message: p.Title() + " is not set up for your organization yet. An admin can set it up in Settings → Integrations."}
	}
	sec, err := s.Box.Open(app.ClientSecretSealed, appSealContext(orgID, app.Provider))
	if err != nil {
		return nil, fmt.Errorf("open %s client secret of organization %d: %w", p, orgID, err)
	}
	if p == calendar.Google {
		return google.OAuth(app.ClientID, string(sec), s.RedirectURI(p), s.Google.Endpoints, s.OAuthHTTP), nil
	}
	return microsoft.OAuth(app.ClientID, string(sec), app.Tenant, s.RedirectURI(p), s.Microsoft.Endpoints, s.OAuthHTTP), nil
}

// Register adds the workers and the periodic sweep.
func (s *Sync) Register(workers *river.Workers) error {
	for _, add := range []func() error{
		func() error { return river.AddWorkerSafely(workers, &writeWorker{s: s}) },
		func() error { return river.AddWorkerSafely(workers, &busyWorker{s: s}) },
		func() error { return river.AddWorkerSafely(workers, &watchWorker{s: s}) },
		func() error { return river.AddWorkerSafely(workers, &unwatchWorker{s: s}) },
		func() error { return river.AddWorkerSafely(workers, &sweepWorker{s: s}) },
	} {
		if err := add(); err != nil {
			return fmt.Errorf("calsync: register: %w", err)
		}
	}
	return nil
}

// Periodic is the sweep, to be run by the queue every minute or so.
func (s *Sync) Periodic(every time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(every), func() (river.JobArgs, *river.InsertOpts) {
		return SweepArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: every}}
	}, &river.PeriodicJobOpts{RunOnStart: true})
}

// failed decides what a job does with a provider's error: retry after
// the provider's Retry-After (a snooze, which River does not count as an
// attempt), retry with backoff, mark the connection for the agent to
// reconnect, or give up on a request that cannot succeed.
func (s *Sync) failed(ctx context.Context, c *connection, what string, err error) error {
	e, ok := calendar.AsError(err)
	if !ok {
		return err
	}
	log := s.log().With("agent", c.acct.AgentID, "provider", c.acct.Provider, "what", what, "err", err)
	switch e.Kind {
	case calendar.Reconnect:
		if merr := s.markReconnect(ctx, c, e.Message); merr != nil {
			return merr
		}
		return river.JobCancel(err)
	case calendar.Unauthorized:
		if c.refresh != "" {
			s.tokens.Forget(tokenKey(c.acct))
		}
		log.Info("calsync: access token refused; refreshing")
		return err
	case calendar.RateLimited, calendar.Unavailable:
		if e.RetryAfter > 0 {
			log.Info("calsync: provider asked to wait", "retry_after", e.RetryAfter)
			return river.JobSnooze(e.RetryAfter)
		}
		return err
	case calendar.Malformed:
		log.Warn("calsync: the provider's answer could not be read")
		return err
	default: // Refused, NotFound
		log.Warn("calsync: the provider refused; giving up on this job")
		return river.JobCancel(err)
	}
}
