package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// CRMConnection is an organization's stored CRM settings.
type CRMConnection struct {
	bun.BaseModel  `bun:"table:organization_crm"`
	OrganizationID int64 `bun:",pk"`
	Provider       string
	Settings       map[string]string `bun:",type:jsonb"`
	SecretSealed   string
	UpdatedAt      time.Time `bun:",nullzero,default:now()"`
}

// SetCRM stores an organization's CRM connection.
func (db *DB) SetCRM(ctx context.Context, c CRMConnection) error {
	_, err := db.Bun.NewInsert().Model(&c).On("CONFLICT (organization_id) DO UPDATE").
		Set("provider = EXCLUDED.provider, settings = EXCLUDED.settings, secret_sealed = EXCLUDED.secret_sealed, updated_at = now()").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("set crm: %w", translate(err))
	}
	// Cached lookups came from the previous connection.
	if _, err := db.Bun.NewDelete().Table("crm_companies").Where("organization_id = ?", c.OrganizationID).Exec(ctx); err != nil {
		return fmt.Errorf("clear crm cache: %w", err)
	}
	return nil
}

// CRM returns an organization's CRM connection; ok is false without one.
func (db *DB) CRM(ctx context.Context, orgID int64) (CRMConnection, bool, error) {
	var c CRMConnection
	err := db.Bun.NewSelect().Model(&c).Where("organization_id = ?", orgID).Scan(ctx)
	if noRows(err) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("select crm: %w", err)
	}
	return c, true, nil
}

// DeleteCRM disconnects the organization's CRM.
func (db *DB) DeleteCRM(ctx context.Context, orgID int64) error {
	if _, err := db.Bun.NewDelete().Model((*CRMConnection)(nil)).Where("organization_id = ?", orgID).Exec(ctx); err != nil {
		return fmt.Errorf("delete crm: %w", err)
	}
	return nil
}

// CachedCompany is a company lookup result (Name empty: the CRM knew none).
type CachedCompany struct {
	Name, URL string
	CheckedAt time.Time
}

// CachedCompanyOf returns a cached lookup for an email, if any.
func (db *DB) CachedCompanyOf(ctx context.Context, orgID int64, email string) (CachedCompany, bool, error) {
	var c CachedCompany
	err := db.Bun.NewSelect().Table("crm_companies").Column("name", "url", "checked_at").
		Where("organization_id = ? AND email = lower(?)", orgID, email).Scan(ctx, &c.Name, &c.URL, &c.CheckedAt)
	if noRows(err) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("select cached company: %w", err)
	}
	return c, true, nil
}

// SetConversationCompany caches a lookup and puts the company on the
// conversation, notifying it.
func (db *DB) SetConversationCompany(ctx context.Context, orgID, convID int64, email string, c CachedCompany) error {
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO crm_companies (organization_id, email, name, url, checked_at) VALUES (?, lower(?), ?, ?, now())
			ON CONFLICT (organization_id, email) DO UPDATE SET name = EXCLUDED.name, url = EXCLUDED.url, checked_at = now()`,
			orgID, email, c.Name, c.URL); err != nil {
			return fmt.Errorf("cache company: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO conversation_crm (conversation_id, organization_id, company_name, company_url) VALUES (?, ?, ?, ?)
			ON CONFLICT (conversation_id) DO UPDATE SET company_name = EXCLUDED.company_name, company_url = EXCLUDED.company_url, updated_at = now()`,
			convID, orgID, c.Name, c.URL); err != nil {
			return fmt.Errorf("set conversation company: %w", translate(err))
		}
		return db.TouchConversation(ctx, tx, orgID, convID)
	})
}

// LeadState is a conversation's CRM lead bookkeeping.
type LeadState struct {
	Provider, Status, RecordID, URL, Error, Code string
}

// ClaimLead marks a conversation's lead pending for provider unless it is
// pending or done already (then it returns that state and false): a double
// click or a retry never queues a second creation. Runs in tx so the job is
// queued with it.
func (db *DB) ClaimLead(ctx context.Context, tx bun.Tx, orgID, convID int64, provider string) (LeadState, bool, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO conversation_crm (conversation_id, organization_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, convID, orgID); err != nil {
		return LeadState{}, false, fmt.Errorf("claim lead: %w", translate(err))
	}
	var st LeadState
	if err := tx.NewSelect().Table("conversation_crm").
		Column("lead_provider", "lead_status", "lead_record_id", "lead_url", "lead_error", "lead_code").
		Where("conversation_id = ? AND organization_id = ?", convID, orgID).For("UPDATE").
		Scan(ctx, &st.Provider, &st.Status, &st.RecordID, &st.URL, &st.Error, &st.Code); err != nil {
		return LeadState{}, false, fmt.Errorf("lock lead: %w", err)
	}
	if st.Status == "pending" || (st.Status == "done" && st.Provider == provider) {
		return st, false, nil
	}
	st = LeadState{Provider: provider, Status: "pending"}
	if _, err := tx.NewUpdate().Table("conversation_crm").
		Set("lead_provider = ?, lead_status = 'pending', lead_error = '', lead_code = '', updated_at = now()", provider).
		Where("conversation_id = ?", convID).Exec(ctx); err != nil {
		return LeadState{}, false, fmt.Errorf("mark lead pending: %w", err)
	}
	return st, true, db.TouchConversation(ctx, tx, orgID, convID)
}

// SetLead records the outcome of a lead creation attempt and notifies it.
func (db *DB) SetLead(ctx context.Context, orgID, convID int64, st LeadState) error {
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewUpdate().Table("conversation_crm").
			Set("lead_status = ?, lead_record_id = ?, lead_url = ?, lead_error = ?, lead_code = ?, updated_at = now()",
				st.Status, st.RecordID, st.URL, st.Error, st.Code).
			Where("organization_id = ? AND conversation_id = ?", orgID, convID).Exec(ctx); err != nil {
			return fmt.Errorf("set lead: %w", err)
		}
		return db.TouchConversation(ctx, tx, orgID, convID)
	})
}
