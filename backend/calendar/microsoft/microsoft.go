// Package microsoft connects agents' Microsoft 365 (Outlook) calendars
// through Microsoft Graph v1.0, over plain REST: it lists the account's
// calendars, writes Frontdesk's meetings in place (created once, with a
// transactionId derived from the meeting's UID so a retried create is not
// doubled), reads busy time incrementally with calendarView/delta
// (occurrences of recurring events expanded by Exchange), and subscribes
// to change notifications, answering their validation handshake and
// checking their clientState.
//
// Exchange emails every attendee of an event it creates or changes, and
// Graph has no switch to prevent it. Frontdesk's own emails are the
// invitations, so the event names the guest in its text instead of listing
// them as attendees.
package microsoft

import (
	"encoding/json"
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

// Endpoints are where Microsoft's services answer; tests point them at a
// loopback fake.
type Endpoints struct {
	// LoginURL is the Microsoft identity platform's root; the tenant and
	// /oauth2/v2.0/authorize or /token follow it.
	LoginURL string
	// GraphURL is Graph's v1.0 root, without a trailing slash.
	GraphURL string
}

// Production are Microsoft's real endpoints (global cloud).
var Production = Endpoints{
	LoginURL: "https://login.microsoftonline.com",
	GraphURL: "https://graph.microsoft.com/v1.0",
}

// The scopes Frontdesk asks for: the agent's calendars (read and write),
// and offline access for a refresh token. Nothing else of the mailbox.
const (
	ScopeCalendars = "https://graph.microsoft.com/Calendars.ReadWrite"
	ScopeOffline   = "offline_access"
)

// Scopes are asked for in the consent screen.
var Scopes = []string{ScopeOffline, ScopeCalendars}

// MissingScopes lists the permissions a grant lacks. The token endpoint
// names Graph scopes with or without their resource prefix; offline
// access shows as the refresh token itself, which the caller checks.
func MissingScopes(granted []string) []string {
	for _, g := range granted {
		name := strings.TrimPrefix(strings.ToLower(g), "https://graph.microsoft.com/")
		if name == "calendars.readwrite" || name == "calendars.readwrite.shared" {
			return nil
		}
	}
	return []string{ScopeCalendars}
}

// DefaultTenant lets work, school and personal Microsoft accounts sign in.
const DefaultTenant = "common"

// ValidTenant reports whether s can be a tenant in the login URLs: a
// tenant id (GUID), a verified domain, or common/organizations/consumers.
func ValidTenant(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	return !strings.HasPrefix(s, ".") && !strings.Contains(s, "..")
}

// OAuth is the application an admin registered in Microsoft Entra, for one
// tenant or "common". The account picker always shows, so an agent signed
// in to several accounts chooses the one with their calendar.
func OAuth(clientID, clientSecret, tenant, redirectURL string, ep Endpoints, hc *http.Client) *oauth.App {
	if tenant == "" {
		tenant = DefaultTenant
	}
	root := strings.TrimRight(ep.LoginURL, "/") + "/" + url.PathEscape(tenant) + "/oauth2/v2.0"
	return &oauth.App{
		Config: oauth2.Config{
			ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURL, Scopes: Scopes,
			Endpoint: oauth2.Endpoint{AuthURL: root + "/authorize", TokenURL: root + "/token", AuthStyle: oauth2.AuthStyleInParams},
		},
		AuthParams: map[string]string{"prompt": "select_account"},
		HTTP:       hc,
	}
}

// Client talks to Graph; one serves every account.
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
	// Zone places all-day events, which Exchange keeps as dates; the
	// agent's zone.
	Zone *time.Location
	// Own reports whether an iCalendar UID is one of Frontdesk's meetings,
	// such as the copy Outlook makes of an invitation email.
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
		Provider: calendar.Microsoft, HTTP: c.HTTP, Tokens: a.Tokens, Timeout: c.Timeout, Refine: refine, Now: c.Now,
	}}
}

func (c *Client) log() *slog.Logger {
	if c.Log == nil {
		return slog.Default()
	}
	return c.Log
}

// api builds a Graph URL from path segments, each escaped.
func (cn *Conn) api(query url.Values, segments ...string) string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(cn.c.Endpoints.GraphURL, "/"))
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	if len(query) > 0 {
		b.WriteByte('?')
		// Graph's OData parameters keep their $ unescaped.
		b.WriteString(strings.ReplaceAll(query.Encode(), "%24", "$"))
	}
	return b.String()
}

// onGraph reports whether a link Graph handed back (a next or delta link)
// points at Graph itself: the bearer token goes wherever it points.
func (cn *Conn) onGraph(link string) bool {
	base, err := url.Parse(cn.c.Endpoints.GraphURL)
	if err != nil {
		return false
	}
	u, err := url.Parse(link)
	return err == nil && u.Scheme == base.Scheme && u.Host == base.Host && u.User == nil &&
		strings.HasPrefix(u.Path, strings.TrimRight(base.Path, "/")+"/")
}

// errorBody is Graph's error answer.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func refine(e *calendar.Error, body []byte) {
	var b errorBody
	if json.Unmarshal(body, &b) != nil {
		return
	}
	if b.Error.Message != "" {
		e.Message += ": " + truncate(b.Error.Message, 300)
	}
	if slices.Contains([]string{"ApplicationThrottled", "TooManyRequests", "activityLimitReached"}, b.Error.Code) {
		e.Kind = calendar.RateLimited
	}
}
