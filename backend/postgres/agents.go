package postgres

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/model"
)

type organizationRow struct {
	bun.BaseModel         `bun:"table:organizations"`
	ID                    int64 `bun:",pk,autoincrement"`
	Name                  string
	Language              string `bun:",nullzero,default:'en'"`
	VerifyBy              *time.Time
	Onboarding            bool
	OnboardingDismissedAt *time.Time
	WidgetCopiedAt        *time.Time
	CreatedAt             time.Time `bun:",nullzero,default:now()"`
}

func (r organizationRow) model() model.Organization {
	return model.Organization{ID: r.ID, Name: r.Name, Language: r.Language, VerifyBy: r.VerifyBy}
}

type agentRow struct {
	bun.BaseModel   `bun:"table:agents,alias:a"`
	ID              int64 `bun:",pk,autoincrement"`
	OrganizationID  int64
	Email           string
	Name            string
	Title           string
	PhotoURL        string
	Slug            string
	TimeZone        string
	Role            string
	License         string
	PasswordHash    string
	Active          bool
	FeedToken       *string
	Language        string `bun:",nullzero,default:'en'"`
	EmailVerifiedAt *time.Time
	PendingEmail    *string
	CreatedAt       time.Time `bun:",nullzero,default:now()"`
	UpdatedAt       time.Time `bun:",nullzero,default:now()"`
}

func (r agentRow) model() model.Agent {
	return model.Agent{
		ID: r.ID, OrganizationID: r.OrganizationID, Email: r.Email, Name: r.Name, Title: r.Title,
		PhotoURL: r.PhotoURL, Slug: r.Slug, TimeZone: r.TimeZone, Role: model.Role(r.Role),
		License: model.License(r.License), Active: r.Active, CreatedAt: r.CreatedAt,
		Language: r.Language, EmailVerified: r.EmailVerifiedAt != nil, PendingEmail: deref(r.PendingEmail),
	}
}

// CreateOrganization adds a tenant.
func (db *DB) CreateOrganization(ctx context.Context, name string) (model.Organization, error) {
	row := organizationRow{Name: name}
	if _, err := db.Bun.NewInsert().Model(&row).Returning("*").Exec(ctx); err != nil {
		return model.Organization{}, fmt.Errorf("insert organization: %w", translate(err))
	}
	return row.model(), nil
}

// Organization loads a tenant.
func (db *DB) Organization(ctx context.Context, id int64) (model.Organization, error) {
	var row organizationRow
	if err := db.Bun.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		if noRows(err) {
			return model.Organization{}, notFound("Organization")
		}
		return model.Organization{}, fmt.Errorf("select organization: %w", err)
	}
	return row.model(), nil
}

// OrganizationByName finds a tenant by its exact name.
func (db *DB) OrganizationByName(ctx context.Context, name string) (model.Organization, error) {
	var row organizationRow
	if err := db.Bun.NewSelect().Model(&row).Where("name = ?", name).Order("id").Limit(1).Scan(ctx); err != nil {
		if noRows(err) {
			return model.Organization{}, notFound("Organization")
		}
		return model.Organization{}, fmt.Errorf("select organization: %w", err)
	}
	return row.model(), nil
}

// NewAgent is a validated agent to create.
type NewAgent struct {
	Email, Name, Title, PhotoURL, Slug, TimeZone string
	Role                                         model.Role
	License                                      model.License
	// PasswordHash is empty for an agent who has not chosen a password
	// yet (`frontdesk admin create`): they cannot sign in until they do.
	PasswordHash string
	// Language defaults to English.
	Language string
	// Unverified leaves the email unverified (open sign-up); everyone
	// else arrives through a link sent to their address or is vouched for
	// by an admin.
	Unverified bool
}

// CreateAgent adds an agent to an organization.
func (db *DB) CreateAgent(ctx context.Context, orgID int64, in NewAgent) (model.Agent, error) {
	return db.InsertAgent(ctx, db.Bun, orgID, in)
}

// InsertAgent adds an agent in idb (a transaction that does more).
func (db *DB) InsertAgent(ctx context.Context, idb bun.IDB, orgID int64, in NewAgent) (model.Agent, error) {
	row := agentRow{
		OrganizationID: orgID, Email: strings.ToLower(in.Email), Name: in.Name, Title: in.Title,
		PhotoURL: in.PhotoURL, Slug: in.Slug, TimeZone: in.TimeZone, Role: string(in.Role),
		License: string(in.License), PasswordHash: in.PasswordHash, Active: true, Language: in.Language,
	}
	if row.Language == "" {
		row.Language = "en"
	}
	if !in.Unverified {
		now := db.Now()
		row.EmailVerifiedAt = &now
	}
	if _, err := idb.NewInsert().Model(&row).Returning("*").Exec(ctx); err != nil {
		return model.Agent{}, fmt.Errorf("insert agent: %w", translate(err))
	}
	return row.model(), nil
}

// Agent loads one agent of an organization.
func (db *DB) Agent(ctx context.Context, orgID, id int64) (model.Agent, error) {
	return agentBy(ctx, db.Bun, "organization_id = ? AND id = ?", orgID, id)
}

// AgentBySlug loads the agent behind a personal link. An agent of an
// organization whose sign-up went unverified for too long is "temporarily
// unavailable".
func (db *DB) AgentBySlug(ctx context.Context, slug string) (model.Agent, error) {
	a, err := agentBy(ctx, db.Bun, "slug = ? AND NOT "+suspendedOrgs, slug)
	if IsNotFound(err) {
		if err := suspended(ctx, db.Bun, "agents", "slug = ?", slug); err != nil {
			return a, err
		}
	}
	return a, err
}

func agentBy(ctx context.Context, idb bun.IDB, where string, args ...any) (model.Agent, error) {
	var row agentRow
	if err := idb.NewSelect().Model(&row).Where(where, args...).Scan(ctx); err != nil {
		if noRows(err) {
			return model.Agent{}, notFound("Agent")
		}
		return model.Agent{}, fmt.Errorf("select agent: %w", err)
	}
	return row.model(), nil
}

// Credentials returns the agent signing in with email and its password hash.
func (db *DB) Credentials(ctx context.Context, email string) (model.Agent, string, error) {
	var row agentRow
	err := db.Bun.NewSelect().Model(&row).Where("lower(email) = lower(?)", email).Scan(ctx)
	if err != nil {
		if noRows(err) {
			return model.Agent{}, "", notFound("Agent")
		}
		return model.Agent{}, "", fmt.Errorf("select credentials: %w", err)
	}
	return row.model(), row.PasswordHash, nil
}

// Agents lists an organization's agents by name.
func (db *DB) Agents(ctx context.Context, orgID int64) ([]model.Agent, error) {
	var rows []agentRow
	if err := db.Bun.NewSelect().Model(&rows).Where("organization_id = ?", orgID).Order("name", "id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("select agents: %w", err)
	}
	out := make([]model.Agent, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}

// AgentPatch is a validated partial update; nil fields stay unchanged.
type AgentPatch struct {
	Email, Name, Title, PhotoURL, Slug, TimeZone *string
	Role                                         *model.Role
	License                                      *model.License
	Active                                       *bool
	PasswordHash                                 *string
}

// UpdateAgent applies patch to one agent. It refuses to leave the
// organization without an active admin.
func (db *DB) UpdateAgent(ctx context.Context, orgID, id int64, p AgentPatch) (model.Agent, error) {
	var out model.Agent
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// Lock the organization's admins so two concurrent demotions cannot
		// both pass the last-admin check.
		var admins []int64
		if err := tx.NewSelect().Table("agents").Column("id").
			Where("organization_id = ? AND role = 'admin' AND active", orgID).
			For("UPDATE").Scan(ctx, &admins); err != nil {
			return fmt.Errorf("lock admins: %w", err)
		}
		var row agentRow
		if err := tx.NewSelect().Model(&row).Where("organization_id = ? AND id = ?", orgID, id).For("UPDATE").Scan(ctx); err != nil {
			if noRows(err) {
				return notFound("Agent")
			}
			return fmt.Errorf("select agent: %w", err)
		}
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&row.Email, p.Email)
		row.Email = strings.ToLower(row.Email)
		set(&row.Name, p.Name)
		set(&row.Title, p.Title)
		set(&row.PhotoURL, p.PhotoURL)
		set(&row.Slug, p.Slug)
		set(&row.TimeZone, p.TimeZone)
		set(&row.PasswordHash, p.PasswordHash)
		if p.Role != nil {
			row.Role = string(*p.Role)
		}
		if p.License != nil {
			row.License = string(*p.License)
		}
		if p.Active != nil {
			row.Active = *p.Active
		}
		stillAdmin := row.Role == string(model.RoleAdmin) && row.Active
		if !stillAdmin && len(admins) == 1 && admins[0] == id {
			return &model.Error{Status: http.StatusConflict, Code: model.CodeLastAdmin, Message: "The organization must keep at least one active admin."}
		}
		row.UpdatedAt = db.Now()
		if _, err := tx.NewUpdate().Model(&row).WherePK().Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("update agent: %w", translate(err))
		}
		if !row.Active || p.PasswordHash != nil {
			// A deactivated agent, or one whose password changed, is signed
			// out everywhere, sockets included.
			if err := EndSessions(ctx, tx, orgID, id, 0); err != nil {
				return err
			}
		}
		out = row.model()
		return nil
	})
	return out, err
}

// RenameOrganization changes a tenant's name.
func (db *DB) RenameOrganization(ctx context.Context, id int64, name string) error {
	res, err := db.Bun.NewUpdate().Table("organizations").Set("name = ?", name).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("rename organization: %w", translate(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("Organization")
	}
	return nil
}

// DeleteOrganizationsNamed deletes tenants by name, with all their rows.
func (db *DB) DeleteOrganizationsNamed(ctx context.Context, name string) error {
	if _, err := db.Bun.NewDelete().Table("organizations").Where("name = ?", name).Exec(ctx); err != nil {
		return fmt.Errorf("delete organization: %w", err)
	}
	return nil
}
