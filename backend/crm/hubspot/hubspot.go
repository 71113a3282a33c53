// Package hubspot is the HubSpot CRM provider: it finds a guest's company
// through the CRM v3 objects and v4 associations APIs and files leads as
// contacts with a note that links back to the conversation.
//
// It authenticates with a private app access token (Bearer). The private app
// needs the scopes crm.objects.contacts.read/write and
// crm.objects.companies.read; notes are covered by the contacts scopes.
//
// Idempotency: HubSpot has no idempotency keys. The contact is upserted by
// email, which is idempotent by nature. The note carries the key in its body
// (crm.KeyMarker), and before creating a note the client reads the notes
// already associated with the contact and looks for the marker. It reads
// associations rather than using the search API because search is
// eventually consistent: a note created seconds ago may not be found by
// search yet, while associations are read from the record itself.
package hubspot

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/frontdesk/frontdesk/backend/crm"
	"github.com/frontdesk/frontdesk/backend/crm/internal/crmhttp"
)

const (
	name    = "hubspot"
	display = "HubSpot"

	// DefaultBaseURL is HubSpot's API host.
	DefaultBaseURL = "https://api.hubapi.com"
	// defaultAppDomain is where records open when the account does not say.
	defaultAppDomain = "app.hubspot.com"
	// portalRetry is how long a failed account-info lookup is remembered
	// before it is tried again; record links stay empty meanwhile.
	portalRetry = 10 * time.Minute
)

// Config configures a Client.
type Config struct {
	AccessToken string // private app access token; required
	BaseURL     string // default DefaultBaseURL; tests point it at a fake
	// PortalID and AppDomain build links to records. When PortalID is zero
	// the client asks GET /account-info/v3/details once and caches it.
	PortalID  int64
	AppDomain string // e.g. "app-eu1.hubspot.com"; default from the account
	// HTTPClient defaults to one that does not follow redirects.
	HTTPClient *http.Client
	Timeout    time.Duration    // per request; default 15s
	Now        func() time.Time // default time.Now; tests move the clock
}

// Client talks to one HubSpot account. It is safe for concurrent use.
type Client struct {
	token   string
	base    string
	http    *http.Client
	timeout time.Duration
	now     func() time.Time

	mu        sync.Mutex
	portalID  int64
	appDomain string
	failedAt  time.Time // last failed account-info lookup
}

var _ crm.Provider = (*Client)(nil)

// New returns a client, or a NotConfigured error when the token is missing
// or the base URL is not an absolute URL.
func New(cfg Config) (*Client, error) {
	token := strings.TrimSpace(cfg.AccessToken)
	if token == "" {
		return nil, crm.Errorf(name, crm.NotConfigured, "Enter a HubSpot private app access token in the CRM settings.")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, ok := crmhttp.BaseURL(cfg.BaseURL)
	if !ok {
		return nil, crm.Errorf(name, crm.NotConfigured, "The HubSpot API URL must be an https address.")
	}
	c := &Client{
		token:     token,
		base:      base,
		http:      cfg.HTTPClient,
		timeout:   cfg.Timeout,
		now:       cfg.Now,
		portalID:  cfg.PortalID,
		appDomain: cfg.AppDomain,
	}
	if c.http == nil {
		c.http = crmhttp.NewClient()
	}
	if c.timeout <= 0 {
		c.timeout = crmhttp.DefaultTimeout
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.appDomain == "" && c.portalID != 0 {
		c.appDomain = defaultAppDomain
	}
	return c, nil
}

// Name returns "hubspot".
func (c *Client) Name() string { return name }

// Check verifies that the token is accepted and may read contacts and
// companies, by listing one of each. It also loads the portal for record
// links, best effort: an account that does not share its details still
// works, its records just get no link.
func (c *Client) Check(ctx context.Context) error {
	for _, objectType := range []string{"contacts", "companies"} {
		var list struct {
			Results []object `json:"results"`
		}
		if err := c.call(ctx, http.MethodGet, "/crm/v3/objects/"+objectType, url.Values{"limit": {"1"}}, nil, &list); err != nil {
			return err
		}
	}
	c.mu.Lock()
	known := c.portalID != 0
	c.mu.Unlock()
	if !known {
		_ = c.loadPortal(ctx) // failure is remembered in failedAt
	}
	return nil
}

// recordURL links to a record in HubSpot's web app, or returns "" when the
// portal is unknown: a lead without a link beats a failed lead.
func (c *Client) recordURL(ctx context.Context, kind, id string) string {
	c.mu.Lock()
	known := c.portalID != 0
	recent := !c.failedAt.IsZero() && c.now().Sub(c.failedAt) < portalRetry
	c.mu.Unlock()
	if !known && !recent {
		_ = c.loadPortal(ctx) // failure is remembered in failedAt
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.portalID == 0 {
		return ""
	}
	return "https://" + c.appDomain + "/contacts/" + strconv.FormatInt(c.portalID, 10) + "/" + kind + "/" + url.PathEscape(id)
}

// loadPortal fetches the portal id and UI domain of the account.
func (c *Client) loadPortal(ctx context.Context) error {
	var info struct {
		PortalID int64  `json:"portalId"`
		UIDomain string `json:"uiDomain"`
	}
	err := c.call(ctx, http.MethodGet, "/account-info/v3/details", nil, nil, &info)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.failedAt = c.now()
		return err
	}
	if info.PortalID <= 0 {
		c.failedAt = c.now()
		return crmhttp.Unreadable(name, display, nil)
	}
	c.portalID = info.PortalID
	if c.appDomain == "" {
		c.appDomain = defaultAppDomain
		if validAppDomain(info.UIDomain) {
			c.appDomain = info.UIDomain
		}
	}
	return nil
}

// validAppDomain accepts only HubSpot's own UI hosts, so a record link can
// never point elsewhere whatever the API answers.
func validAppDomain(d string) bool {
	return crm.EmailDomain("x@"+d) == d && (d == "hubspot.com" || strings.HasSuffix(d, ".hubspot.com"))
}
