// Package crmsync connects conversations to the organization's CRM: it
// keeps the connection settings (secrets sealed), looks up the guest's
// company for the Company tag, and files leads — all off the request path,
// as durable jobs that respect the CRM's rate limits.
package crmsync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/crm"
	"github.com/frontdesk/frontdesk/backend/crm/hubspot"
	"github.com/frontdesk/frontdesk/backend/crm/salesforce"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/secret"
	"github.com/frontdesk/frontdesk/model"
)

// Sync is the glue; one serves every organization.
type Sync struct {
	DB      *postgres.DB
	Box     *secret.Box
	BaseURL *url.URL
	Queue   *jobs.Queue // set once the queue exists
	// HTTPClient reaches the CRMs; nil for the providers' defaults. Tests
	// point the providers at loopback fakes through the settings' URLs.
	HTTPClient *http.Client
	// HubSpotBaseURL overrides HubSpot's API address (tests).
	HubSpotBaseURL string
	// CacheFor is how long a company lookup is reused; default 10 minutes.
	CacheFor time.Duration
}

func sealContext(orgID int64) string { return "crm:org:" + strconv.FormatInt(orgID, 10) }

func notConfigured() error {
	return &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeCRMNotConfigured,
		Message: "No CRM is connected. An admin can connect HubSpot or Salesforce in the settings."}
}

// Settings returns the organization's CRM settings without secrets.
func (s *Sync) Settings(ctx context.Context, orgID int64) (model.CRMSettings, error) {
	c, ok, err := s.DB.CRM(ctx, orgID)
	if err != nil || !ok {
		return model.CRMSettings{}, err
	}
	return model.CRMSettings{Provider: c.Provider, SalesforceInstanceURL: c.Settings["instance_url"],
		SalesforceClientID: c.Settings["client_id"], SecretSet: c.SecretSealed != ""}, nil
}

// Configure validates and stores a connection. An empty secret keeps the
// stored one, so admins can change a URL without retyping a token.
func (s *Sync) Configure(ctx context.Context, orgID int64, in model.CRMInput) (model.CRMSettings, error) {
	var f model.Fields
	old, hadOld, err := s.DB.CRM(ctx, orgID)
	if err != nil {
		return model.CRMSettings{}, err
	}
	conn := postgres.CRMConnection{OrganizationID: orgID, Provider: in.Provider, Settings: map[string]string{}}
	var plain string
	switch in.Provider {
	case "hubspot":
		plain = strings.TrimSpace(in.HubSpotToken)
	case "salesforce":
		conn.Settings["instance_url"] = strings.TrimRight(strings.TrimSpace(in.SalesforceInstanceURL), "/")
		conn.Settings["client_id"] = strings.TrimSpace(in.SalesforceClientID)
		if u, err := url.Parse(conn.Settings["instance_url"]); err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname()))) {
			f.Add("salesforce_instance_url", "must be your Salesforce My Domain URL, like https://acme.my.salesforce.com")
		}
		if conn.Settings["client_id"] == "" {
			f.Add("salesforce_client_id", "is required")
		}
		plain = strings.TrimSpace(in.SalesforceClientSecret)
	default:
		f.Add("provider", "must be hubspot or salesforce")
	}
	if len(plain) > 4096 {
		f.Add("secret", "is too long")
	}
	switch {
	case plain != "":
		if conn.SecretSealed, err = s.Box.Seal([]byte(plain), sealContext(orgID)); err != nil {
			return model.CRMSettings{}, err
		}
	case hadOld && old.Provider == in.Provider:
		conn.SecretSealed = old.SecretSealed
	default:
		if in.Provider == "hubspot" {
			f.Add("hubspot_token", "is required")
		} else {
			f.Add("salesforce_client_secret", "is required")
		}
	}
	if err := f.Err(); err != nil {
		return model.CRMSettings{}, err
	}
	if err := s.DB.SetCRM(ctx, conn); err != nil {
		return model.CRMSettings{}, err
	}
	return s.Settings(ctx, orgID)
}

// provider builds the organization's CRM client.
func (s *Sync) provider(ctx context.Context, orgID int64) (crm.Provider, error) {
	c, ok, err := s.DB.CRM(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notConfigured()
	}
	plain, err := s.Box.Open(c.SecretSealed, sealContext(orgID))
	if err != nil {
		return nil, fmt.Errorf("open crm secret of organization %d: %w", orgID, err)
	}
	switch c.Provider {
	case "hubspot":
		return hubspot.New(hubspot.Config{AccessToken: string(plain), BaseURL: s.HubSpotBaseURL, HTTPClient: s.HTTPClient})
	case "salesforce":
		return salesforce.New(salesforce.Config{InstanceURL: c.Settings["instance_url"], ClientID: c.Settings["client_id"],
			ClientSecret: string(plain), HTTPClient: s.HTTPClient})
	}
	return nil, notConfigured()
}

// APIError turns a CRM failure into what the agent reads, with a code.
func APIError(err error) error {
	e, ok := crm.AsError(err)
	if !ok {
		return err
	}
	msg := e.Message
	switch e.Kind {
	case crm.NotConfigured:
		return &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeCRMNotConfigured, Message: msg}
	case crm.Unauthorized:
		return &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeCRMUnauthorized, Message: msg}
	case crm.RateLimited:
		return &model.Error{Status: http.StatusTooManyRequests, Code: model.CodeRateLimited, Message: msg}
	case crm.Validation:
		field := e.Field
		if field == "" {
			field = "crm"
		}
		return &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeValidation, Message: msg, Fields: map[string]string{field: msg}}
	default:
		return &model.Error{Status: http.StatusServiceUnavailable, Code: model.CodeCRMUnavailable, Message: msg}
	}
}

// Test checks the stored connection ("Test connection").
func (s *Sync) Test(ctx context.Context, orgID int64) error {
	p, err := s.provider(ctx, orgID)
	if err != nil {
		return APIError(err)
	}
	return APIError(p.Check(ctx))
}

// EnqueueLookup is the store's guest-email hook: look the company up in
// the background.
func (s *Sync) EnqueueLookup(ctx context.Context, tx bun.Tx, orgID, convID int64) error {
	if s.Queue == nil {
		return nil
	}
	if ok, err := tx.NewSelect().Table("organization_crm").Where("organization_id = ?", orgID).Exists(ctx); err != nil || !ok {
		return err
	}
	return s.Queue.InsertTx(ctx, tx, LookupArgs{OrganizationID: orgID, ConversationID: convID},
		&river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Minute}})
}

// RequestLead queues "Create CRM lead" for a conversation, once: while one
// is pending or done, asking again returns its state.
func (s *Sync) RequestLead(ctx context.Context, orgID, convID int64) (model.CRMLead, error) {
	conv, err := s.DB.Conversation(ctx, orgID, convID, 0)
	if err != nil {
		return model.CRMLead{}, err
	}
	if conv.Guest.Email == "" {
		return model.CRMLead{}, &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeGuestWithoutEmail,
			Message: "This guest has no email address yet; a CRM lead needs one. Ask for it in the conversation or add it to the phonebook."}
	}
	c, ok, err := s.DB.CRM(ctx, orgID)
	if err != nil {
		return model.CRMLead{}, err
	}
	if !ok {
		return model.CRMLead{}, notConfigured()
	}
	var st postgres.LeadState
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var fresh bool
		var err error
		st, fresh, err = s.DB.ClaimLead(ctx, tx, orgID, convID, c.Provider)
		if err != nil || !fresh {
			return err
		}
		return s.Queue.InsertTx(ctx, tx, LeadArgs{OrganizationID: orgID, ConversationID: convID}, nil)
	})
	if err != nil {
		return model.CRMLead{}, err
	}
	return model.CRMLead{Provider: st.Provider, Status: st.Status, RecordID: st.RecordID, URL: st.URL, Error: st.Error, Code: st.Code}, nil
}

// Register adds the workers.
func (s *Sync) Register(workers *river.Workers) error {
	if err := river.AddWorkerSafely(workers, &lookupWorker{s: s}); err != nil {
		return err
	}
	return river.AddWorkerSafely(workers, &leadWorker{s: s})
}

// LookupArgs finds the company of a conversation's guest.
type LookupArgs struct {
	OrganizationID int64 `json:"organization_id"`
	ConversationID int64 `json:"conversation_id"`
}

// Kind names the job.
func (LookupArgs) Kind() string { return "crm_company_lookup" }

type lookupWorker struct {
	river.WorkerDefaults[LookupArgs]
	s *Sync
}

// retryLater turns a temporary CRM failure into a snooze for as long as
// the CRM asked (rate limits), or an error for River's backoff.
func retryLater(err error) error {
	if e, ok := crm.AsError(err); ok && e.Kind == crm.RateLimited && e.RetryAfter > 0 {
		return river.JobSnooze(e.RetryAfter)
	}
	return err
}

func (w *lookupWorker) Work(ctx context.Context, job *river.Job[LookupArgs]) error {
	s, a := w.s, job.Args
	conv, err := s.DB.Conversation(ctx, a.OrganizationID, a.ConversationID, 0)
	if err != nil || conv.Guest.Email == "" {
		if postgres.IsNotFound(err) {
			return nil
		}
		return err
	}
	email := strings.ToLower(conv.Guest.Email)
	ttl := s.CacheFor
	if ttl == 0 {
		ttl = 10 * time.Minute
	}
	if c, ok, err := s.DB.CachedCompanyOf(ctx, a.OrganizationID, email); err != nil {
		return err
	} else if ok && time.Since(c.CheckedAt) < ttl {
		return s.DB.SetConversationCompany(ctx, a.OrganizationID, a.ConversationID, email, c)
	}
	p, err := s.provider(ctx, a.OrganizationID)
	if err != nil {
		var me *model.Error
		if errors.As(err, &me) && me.Code == model.CodeCRMNotConfigured {
			return nil // disconnected since: nothing to look up
		}
		return err
	}
	company, err := p.LookupCompany(ctx, email)
	if err != nil {
		if crm.IsTemporary(err) {
			return retryLater(err)
		}
		// Refused credentials: no tag until an admin fixes them.
		return river.JobCancel(err)
	}
	var c postgres.CachedCompany
	if company != nil {
		c = postgres.CachedCompany{Name: company.Name, URL: company.RecordURL}
	}
	return s.DB.SetConversationCompany(ctx, a.OrganizationID, a.ConversationID, email, c)
}

// LeadArgs files a conversation's guest as a lead.
type LeadArgs struct {
	OrganizationID int64 `json:"organization_id"`
	ConversationID int64 `json:"conversation_id"`
}

// Kind names the job.
func (LeadArgs) Kind() string { return "crm_create_lead" }

type leadWorker struct {
	river.WorkerDefaults[LeadArgs]
	s *Sync
}

// Work files the lead with an idempotency key per conversation, so retries
// (ours or River's) never make a second one. Temporary failures are
// retried and shown as pending with the reason; permanent ones end as
// failed with the CRM's message, for the agent to fix and retry.
func (w *leadWorker) Work(ctx context.Context, job *river.Job[LeadArgs]) error {
	s, a := w.s, job.Args
	conv, err := s.DB.Conversation(ctx, a.OrganizationID, a.ConversationID, 0)
	if err != nil {
		if postgres.IsNotFound(err) {
			return nil
		}
		return err
	}
	provider := ""
	fail := func(err error) error {
		code := model.CodeCRMUnavailable
		if me, ok := model.AsError(APIError(err)); ok {
			code = me.Code
		}
		msg := err.Error()
		if e, ok := crm.AsError(err); ok {
			msg = e.Message
		}
		if crm.IsTemporary(err) {
			if serr := s.DB.SetLead(ctx, a.OrganizationID, a.ConversationID, postgres.LeadState{Provider: provider, Status: "pending", Error: msg, Code: code}); serr != nil {
				return serr
			}
			return retryLater(err)
		}
		if serr := s.DB.SetLead(ctx, a.OrganizationID, a.ConversationID, postgres.LeadState{Provider: provider, Status: "failed", Error: msg, Code: code}); serr != nil {
			return serr
		}
		return river.JobCancel(err)
	}
	p, err := s.provider(ctx, a.OrganizationID)
	if err != nil {
		if me, ok := model.AsError(err); ok {
			_ = s.DB.SetLead(ctx, a.OrganizationID, a.ConversationID, postgres.LeadState{Status: "failed", Error: me.Message, Code: me.Code})
			return river.JobCancel(err)
		}
		return err
	}
	provider = p.Name()
	link := strings.TrimRight(s.BaseURL.String(), "/") + "/c/" + strconv.FormatInt(conv.ID, 10)
	rec, err := p.CreateLead(ctx, crm.Lead{
		Name: conv.Guest.Name, Email: conv.Guest.Email, Phone: conv.Guest.Phone, Company: conv.Guest.Company,
		ConversationURL: link,
	}, fmt.Sprintf("conv-%d-lead", conv.ID))
	if err != nil {
		return fail(err)
	}
	return s.DB.SetLead(ctx, a.OrganizationID, a.ConversationID, postgres.LeadState{Provider: provider, Status: "done", RecordID: rec.ID, URL: rec.URL})
}

// loopback hosts may be reached over plain http (test CRMs).
func loopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
