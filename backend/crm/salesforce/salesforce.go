// Package salesforce is the Salesforce CRM provider: it finds a guest's
// company with SOQL (Contact → Account, then Lead.Company, then an Account
// whose website is the email's domain) and files leads as Lead records.
//
// It signs in with the OAuth 2.0 client credentials flow of a connected app.
// Setup in Salesforce: a connected app (or external client app) with OAuth
// enabled, the "api" scope, "Enable Client Credentials Flow" checked and a
// Run As user who may read Contacts/Accounts/Leads and create and edit
// Leads; the consumer key and secret go into Frontdesk's CRM settings with
// the org's My Domain URL (https://acme.my.salesforce.com; the flow is not
// served on login.salesforce.com).
//
// Idempotency: before creating, the client queries the Leads with the
// guest's email (SELECT ... WHERE Email = '...') and looks for the key's
// marker (crm.KeyMarker) in their Description. It filters on Email and
// checks Description in Go because Description is a long text area, which
// SOQL cannot filter on ("field 'Description' can not be filtered in a
// query call"), so WHERE Description LIKE '%key%' fails in a real org. An
// External ID field would avoid reading descriptions but needs a custom
// field in every customer's org; matching by email needs no setup.
package salesforce

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/frontdesk/frontdesk/backend/crm"
	"github.com/frontdesk/frontdesk/backend/crm/internal/crmhttp"
)

const (
	name    = "salesforce"
	display = "Salesforce"

	// DefaultAPIVersion is the REST API version the client speaks.
	DefaultAPIVersion = "v60.0"
	// DefaultLeadSource is a value of the standard LeadSource picklist in
	// every org; "Frontdesk" would need the admin to add it.
	DefaultLeadSource = "Web"
	// DefaultTokenTTL is how long an access token is used before a new one
	// is fetched. The token response does not say when the session ends
	// (the Run As user's session timeout does, 15 minutes at the least), so
	// the client renews well before and also on INVALID_SESSION_ID.
	DefaultTokenTTL = 14 * time.Minute
)

// Config configures a Client.
type Config struct {
	InstanceURL  string // My Domain URL, e.g. https://acme.my.salesforce.com; required
	ClientID     string // connected app consumer key; required
	ClientSecret string // connected app consumer secret; required
	APIVersion   string // default DefaultAPIVersion
	LeadSource   string // default DefaultLeadSource
	TokenTTL     time.Duration
	HTTPClient   *http.Client // default: one that does not follow redirects
	Timeout      time.Duration
	Now          func() time.Time
}

// Client talks to one Salesforce org. It is safe for concurrent use.
type Client struct {
	instance     string
	version      string
	clientID     string
	clientSecret string
	leadSource   string
	tokenTTL     time.Duration
	http         *http.Client
	timeout      time.Duration
	now          func() time.Time

	mu      sync.Mutex // held while a token is fetched, so callers share one
	token   string
	expires time.Time
}

var _ crm.Provider = (*Client)(nil)

var versionPattern = regexp.MustCompile(`^v[1-9][0-9]\.0$`)

// New returns a client, or a NotConfigured error naming what is missing.
func New(cfg Config) (*Client, error) {
	instance, ok := crmhttp.BaseURL(cfg.InstanceURL)
	if !ok {
		return nil, crm.Errorf(name, crm.NotConfigured, "Enter the org's https My Domain URL (like https://acme.my.salesforce.com) in the CRM settings.")
	}
	if strings.TrimSpace(cfg.ClientID) == "" || strings.TrimSpace(cfg.ClientSecret) == "" {
		return nil, crm.Errorf(name, crm.NotConfigured, "Enter the connected app's consumer key and secret in the CRM settings.")
	}
	c := &Client{
		instance:     instance,
		version:      cfg.APIVersion,
		clientID:     strings.TrimSpace(cfg.ClientID),
		clientSecret: strings.TrimSpace(cfg.ClientSecret),
		leadSource:   cfg.LeadSource,
		tokenTTL:     cfg.TokenTTL,
		http:         cfg.HTTPClient,
		timeout:      cfg.Timeout,
		now:          cfg.Now,
	}
	if c.version == "" {
		c.version = DefaultAPIVersion
	}
	if !versionPattern.MatchString(c.version) {
		return nil, crm.Errorf(name, crm.NotConfigured, "The Salesforce API version must look like %s.", DefaultAPIVersion)
	}
	if c.leadSource == "" {
		c.leadSource = DefaultLeadSource
	}
	if c.tokenTTL <= 0 {
		c.tokenTTL = DefaultTokenTTL
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
	return c, nil
}

// Name returns "salesforce".
func (c *Client) Name() string { return name }

// Check signs in afresh and runs a query on Lead, which proves the
// credentials, the flow's Run As user and its access to leads.
func (c *Client) Check(ctx context.Context) error {
	c.mu.Lock()
	c.token = ""
	c.mu.Unlock()
	var res struct {
		Records []struct {
			ID string `json:"Id"`
		} `json:"records"`
	}
	return c.query(ctx, "SELECT Id FROM Lead LIMIT 1", &res)
}

// recordURL links to a record in Lightning Experience.
func (c *Client) recordURL(object, id string) string {
	return c.instance + "/lightning/r/" + object + "/" + id + "/view"
}

// idPattern is a Salesforce record id, 15 or 18 characters.
var idPattern = regexp.MustCompile(`^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$`)

// validID accepts record ids only, so nothing an API returns can reshape
// the paths and links built from it.
func validID(id string) bool { return idPattern.MatchString(id) }
