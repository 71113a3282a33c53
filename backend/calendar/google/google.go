// Package google connects agents' Google Calendars through the Google
// Calendar API v3, over plain REST: it lists the account's calendars,
// writes Frontdesk's meetings in place (event ids derived from the
// meeting's UID, sendUpdates=none so Google emails nobody), reads busy time
// incrementally with sync tokens (instances of recurring events expanded by
// Google with singleEvents=true), and subscribes to push notifications
// (events.watch) so changes reach Frontdesk within seconds.
//
// The official client (google.golang.org/api/calendar/v3) would bring
// gRPC, OpenTelemetry and Google's auth stack into the server for seven
// endpoints, and hides the Retry-After header the job queue honours; the
// requests here follow the API reference instead.
package google

import (
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/calendar/internal/rest"
	"github.com/frontdesk/frontdesk/backend/oauth"
)

// Endpoints are where Google's services answer; tests point them at a
// loopback fake.
type Endpoints struct {
	AuthURL  string // the consent screen
	TokenURL string
	APIURL   string // Calendar API v3 root, without a trailing slash
}

// Production are Google's real endpoints.
var Production = Endpoints{
	AuthURL:  "https://accounts.google.com/o/oauth2/v2/auth",
	TokenURL: "https://oauth2.googleapis.com/token",
	APIURL:   "https://www.googleapis.com/calendar/v3",
}

// The scopes Frontdesk asks for, the narrowest that do the job: events on
// the agent's calendars (write meetings, read busy time, watch changes)
// and the list of calendars, without the right to change calendars
// themselves or their sharing.
const (
	ScopeEvents       = "https://www.googleapis.com/auth/calendar.events"
	ScopeCalendarList = "https://www.googleapis.com/auth/calendar.calendarlist.readonly"

	scopeCalendar         = "https://www.googleapis.com/auth/calendar"
	scopeCalendarReadonly = "https://www.googleapis.com/auth/calendar.readonly"
)

// Scopes are asked for in the consent screen.
var Scopes = []string{ScopeEvents, ScopeCalendarList}

// MissingScopes lists the permissions a grant lacks. Google's consent
// screen lets the user untick each one, and a broader scope the account
// granted before counts for the narrower one.
func MissingScopes(granted []string) []string {
	has := func(s ...string) bool {
		return slices.ContainsFunc(s, func(x string) bool { return slices.Contains(granted, x) })
	}
	var missing []string
	if !has(ScopeEvents, scopeCalendar) {
		missing = append(missing, ScopeEvents)
	}
	if !has(ScopeCalendarList, scopeCalendarReadonly, scopeCalendar) {
		missing = append(missing, ScopeCalendarList)
	}
	return missing
}

// OAuth is the OAuth client an admin registered in the Google Cloud
// console, asking for offline access (a refresh token) and the consent
// screen every time, so that reconnecting yields a fresh refresh token.
func OAuth(clientID, clientSecret, redirectURL string, ep Endpoints, hc *http.Client) *oauth.App {
	return &oauth.App{
		Config: oauth2.Config{
			ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURL, Scopes: Scopes,
			Endpoint: oauth2.Endpoint{AuthURL: ep.AuthURL, TokenURL: ep.TokenURL, AuthStyle: oauth2.AuthStyleInParams},
		},
		AuthParams: map[string]string{"access_type": "offline", "prompt": "consent"},
		HTTP:       hc,
	}
}

// Client talks to the Calendar API; one serves every account.
type Client struct {
	Endpoints Endpoints
	// HTTP carries the requests; nil means one that follows no redirects.
	HTTP *http.Client
	// Timeout bounds one request; default 20 s.
	Timeout time.Duration
	Log     *slog.Logger
	Now     func() time.Time
}

// Account is one agent's grant.
type Account struct {
	Tokens oauth2.TokenSource
	// Zone places all-day events of calendars whose own zone is unknown;
	// the agent's zone.
	Zone *time.Location
	// Own reports whether an iCalendar UID is one of Frontdesk's meetings,
	// such as the copy Gmail makes of an invitation email; they are left
	// out of busy time.
	Own func(uid string) bool
}

// Conn is an account ready for calls; it implements calendar.Conn and
// calendar.Watcher.
type Conn struct {
	c    *Client
	acct Account
	rest *rest.Client
}

var (
	_ calendar.Conn    = (*Conn)(nil)
	_ calendar.Watcher = (*Conn)(nil)
)

// Conn opens an account.
func (c *Client) Conn(a Account) *Conn {
	if a.Zone == nil {
		a.Zone = time.UTC
	}
	if a.Own == nil {
		a.Own = func(string) bool { return false }
	}
	return &Conn{c: c, acct: a, rest: &rest.Client{
		Provider: calendar.Google, HTTP: c.HTTP, Tokens: a.Tokens, Timeout: c.Timeout, Refine: refine, Now: c.Now,
	}}
}

func (c *Client) log() *slog.Logger {
	if c.Log == nil {
		return slog.Default()
	}
	return c.Log
}

// api builds a Calendar API URL from path segments, each escaped.
func (cn *Conn) api(query url.Values, segments ...string) string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(cn.c.Endpoints.APIURL, "/"))
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	if len(query) > 0 {
		b.WriteByte('?')
		b.WriteString(query.Encode())
	}
	return b.String()
}
