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

type invitationRow struct {
	bun.BaseModel   `bun:"table:invitations,alias:i"`
	ID              int64 `bun:",pk,autoincrement"`
	OrganizationID  int64
	Email           string
	Name            string
	Role            string
	License         string
	ServiceIDs      []int64 `bun:"service_ids,array"`
	TokenHash       []byte
	InvitedBy       *int64
	CreatedAt       time.Time `bun:",nullzero,default:now()"`
	SentAt          time.Time `bun:",nullzero,default:now()"`
	ExpiresAt       time.Time
	AcceptedAt      *time.Time
	AcceptedAgentID *int64
	RevokedAt       *time.Time

	InviterName  string `bun:"inviter_name,scanonly"`
	Organization string `bun:"organization_name,scanonly"`
}

func (r invitationRow) model(now time.Time) model.Invitation {
	ids := r.ServiceIDs
	if ids == nil {
		ids = []int64{}
	}
	return model.Invitation{
		ID: r.ID, Email: r.Email, Name: r.Name, Role: model.Role(r.Role), License: model.License(r.License),
		ServiceIDs: ids, InvitedBy: r.InviterName, Status: r.status(now),
		CreatedAt: r.CreatedAt, SentAt: r.SentAt, ExpiresAt: r.ExpiresAt,
	}
}

func (r invitationRow) status(now time.Time) model.InvitationStatus {
	switch {
	case r.AcceptedAt != nil:
		return model.InvitationAccepted
	case r.RevokedAt != nil:
		return model.InvitationRevoked
	case !now.Before(r.ExpiresAt):
		return model.InvitationExpired
	}
	return model.InvitationPending
}

// invitationQuery selects invitations with the inviter's and the
// organization's names.
func invitationQuery(idb bun.IDB, rows any) *bun.SelectQuery {
	return idb.NewSelect().Model(rows).
		ColumnExpr("i.*").
		ColumnExpr("coalesce(a.name, '') AS inviter_name").
		ColumnExpr("o.name AS organization_name").
		Join("LEFT JOIN agents AS a ON a.id = i.invited_by").
		Join("JOIN organizations AS o ON o.id = i.organization_id")
}

// NewInvitation is a validated invitation to store.
type NewInvitation struct {
	Email, Name string
	Role        model.Role
	License     model.License
	ServiceIDs  []int64
	InvitedBy   int64
	Token       string
	TTL         time.Duration
}

// InsertInvitation stores an invitation in tx. An address that already
// has an account is email_taken; one with an open invitation here,
// already_invited. Service ids must be the organization's.
func (db *DB) InsertInvitation(ctx context.Context, tx bun.Tx, orgID int64, in NewInvitation) (model.Invitation, error) {
	if taken, err := EmailTaken(ctx, tx, in.Email); err != nil {
		return model.Invitation{}, err
	} else if taken {
		return model.Invitation{}, &model.Error{Status: http.StatusConflict, Code: model.CodeEmailTaken,
			Message: "Someone already has an account with this email.", Fields: map[string]string{"email": "already has an account"}}
	}
	if len(in.ServiceIDs) > 0 {
		n, err := tx.NewSelect().Table("services").Where("organization_id = ? AND id IN (?)", orgID, bun.In(in.ServiceIDs)).Count(ctx)
		if err != nil {
			return model.Invitation{}, fmt.Errorf("check services: %w", err)
		}
		if n != int64(len(in.ServiceIDs)) {
			return model.Invitation{}, &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeValidation,
				Message: "A service does not exist.", Fields: map[string]string{"service_ids": "unknown service"}}
		}
	}
	now := db.Now()
	row := invitationRow{
		OrganizationID: orgID, Email: strings.ToLower(in.Email), Name: in.Name, Role: string(in.Role),
		License: string(in.License), ServiceIDs: in.ServiceIDs, TokenHash: hashToken(in.Token), InvitedBy: &in.InvitedBy,
		CreatedAt: now, SentAt: now, ExpiresAt: now.Add(in.TTL),
	}
	if row.ServiceIDs == nil {
		row.ServiceIDs = []int64{}
	}
	if _, err := tx.NewInsert().Model(&row).Returning("id").Exec(ctx); err != nil {
		if violates(err, "invitations_open_key") {
			return model.Invitation{}, &model.Error{Status: http.StatusConflict, Code: model.CodeAlreadyInvited,
				Message: "This address is already invited. Resend the invitation instead.", Fields: map[string]string{"email": "already invited"}}
		}
		return model.Invitation{}, fmt.Errorf("insert invitation: %w", translate(err))
	}
	return invitationByID(ctx, tx, orgID, row.ID, now)
}

func invitationByID(ctx context.Context, idb bun.IDB, orgID, id int64, now time.Time) (model.Invitation, error) {
	var row invitationRow
	if err := invitationQuery(idb, &row).Where("i.organization_id = ? AND i.id = ?", orgID, id).Scan(ctx); err != nil {
		if noRows(err) {
			return model.Invitation{}, notFound("Invitation")
		}
		return model.Invitation{}, fmt.Errorf("select invitation: %w", err)
	}
	return row.model(now), nil
}

// Invitations lists an organization's open invitations (pending or
// expired), newest first.
func (db *DB) Invitations(ctx context.Context, orgID int64) ([]model.Invitation, error) {
	var rows []invitationRow
	if err := invitationQuery(db.Bun, &rows).
		Where("i.organization_id = ? AND i.accepted_at IS NULL AND i.revoked_at IS NULL", orgID).
		Order("i.created_at DESC", "i.id DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("select invitations: %w", err)
	}
	now := db.Now()
	out := make([]model.Invitation, len(rows))
	for i, r := range rows {
		out[i] = r.model(now)
	}
	return out, nil
}

// RenewInvitation gives an open invitation a new token and expiry, in tx
// (resend): the link sent before stops working.
func (db *DB) RenewInvitation(ctx context.Context, tx bun.Tx, orgID, id int64, token string, ttl time.Duration) (model.Invitation, string, error) {
	now := db.Now()
	res, err := tx.ExecContext(ctx, `UPDATE invitations SET token_hash = ?, sent_at = ?, expires_at = ?
		WHERE organization_id = ? AND id = ? AND accepted_at IS NULL AND revoked_at IS NULL`,
		hashToken(token), now, now.Add(ttl), orgID, id)
	if err != nil {
		return model.Invitation{}, "", fmt.Errorf("renew invitation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.Invitation{}, "", notFound("Invitation")
	}
	inv, err := invitationByID(ctx, tx, orgID, id, now)
	if err != nil {
		return model.Invitation{}, "", err
	}
	org, err := OrganizationTx(ctx, tx, orgID)
	return inv, org.Name, err
}

// RevokeInvitation withdraws an open invitation, in tx.
func (db *DB) RevokeInvitation(ctx context.Context, tx bun.Tx, orgID, id int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE invitations SET revoked_at = ?
		WHERE organization_id = ? AND id = ? AND accepted_at IS NULL AND revoked_at IS NULL`, db.Now(), orgID, id)
	if err != nil {
		return fmt.Errorf("revoke invitation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("Invitation")
	}
	return nil
}

// InvitationByToken is an invitation found by its token, whatever its
// status, with its organization's name and language.
type InvitationByToken struct {
	Invitation       model.Invitation
	OrganizationID   int64
	Organization     string
	OrganizationLang string
}

// InvitationByTokenHash finds the invitation a token opens, in any status
// (the invitee's page says which); an unknown token is not found.
func (db *DB) InvitationByToken(ctx context.Context, idb bun.IDB, token string, lock bool) (InvitationByToken, error) {
	var row invitationRow
	q := invitationQuery(idb, &row).Where("i.token_hash = ?", hashToken(token))
	if lock {
		q = q.For("UPDATE OF i")
	}
	if err := q.Scan(ctx); err != nil {
		if noRows(err) {
			return InvitationByToken{}, notFound("Invitation")
		}
		return InvitationByToken{}, fmt.Errorf("select invitation: %w", err)
	}
	org, err := OrganizationTx(ctx, idb, row.OrganizationID)
	if err != nil {
		return InvitationByToken{}, err
	}
	return InvitationByToken{Invitation: row.model(db.Now()), OrganizationID: row.OrganizationID,
		Organization: row.Organization, OrganizationLang: org.Language}, nil
}

// AcceptInvitation turns a pending invitation into an agent in tx: the
// agent, their services (those still there), the invitation marked.
func (db *DB) AcceptInvitation(ctx context.Context, tx bun.Tx, inv InvitationByToken, agent NewAgent) (model.Agent, error) {
	if taken, err := EmailTaken(ctx, tx, inv.Invitation.Email); err != nil {
		return model.Agent{}, err
	} else if taken {
		return model.Agent{}, &model.Error{Status: http.StatusConflict, Code: model.CodeEmailTaken,
			Message: "Someone already has an account with this email.", Fields: map[string]string{"email": "already has an account"}}
	}
	slug, err := FreeSlug(ctx, tx, agent.Slug)
	if err != nil {
		return model.Agent{}, err
	}
	agent.Slug, agent.Email = slug, inv.Invitation.Email
	agent.Role, agent.License = inv.Invitation.Role, inv.Invitation.License
	a, err := db.InsertAgent(ctx, tx, inv.OrganizationID, agent)
	if err != nil {
		return model.Agent{}, err
	}
	if len(inv.Invitation.ServiceIDs) > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_members (organization_id, service_id, agent_id)
			SELECT ?, id, ? FROM services WHERE organization_id = ? AND id IN (?) ON CONFLICT DO NOTHING`,
			inv.OrganizationID, a.ID, inv.OrganizationID, bun.In(inv.Invitation.ServiceIDs)); err != nil {
			return model.Agent{}, fmt.Errorf("join services: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE invitations SET accepted_at = ?, accepted_agent_id = ? WHERE id = ?",
		db.Now(), a.ID, inv.Invitation.ID); err != nil {
		return model.Agent{}, fmt.Errorf("mark invitation accepted: %w", err)
	}
	return a, nil
}
