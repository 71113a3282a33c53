package postgres

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"time"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/model"
)

type sessionRow struct {
	bun.BaseModel  `bun:"table:sessions"`
	TokenHash      []byte `bun:",pk"`
	OrganizationID int64
	AgentID        int64
	CSRFToken      string    `bun:"csrf_token"`
	CreatedAt      time.Time `bun:",nullzero,default:now()"`
	ExpiresAt      time.Time
}

// Only a hash of the session token is stored, so a leaked database does not
// leak live sessions.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateSession records a signed-in agent under token.
func (db *DB) CreateSession(ctx context.Context, agent model.Agent, token, csrf string, ttl time.Duration) (model.Session, error) {
	now := db.Now()
	row := sessionRow{
		TokenHash: hashToken(token), OrganizationID: agent.OrganizationID, AgentID: agent.ID,
		CSRFToken: csrf, CreatedAt: now, ExpiresAt: now.Add(ttl),
	}
	if _, err := db.Bun.NewInsert().Model(&row).Exec(ctx); err != nil {
		return model.Session{}, fmt.Errorf("insert session: %w", err)
	}
	org, err := db.Organization(ctx, agent.OrganizationID)
	if err != nil {
		return model.Session{}, err
	}
	return model.Session{Agent: agent, Organization: org, CSRFToken: csrf, ExpiresAt: row.ExpiresAt}, nil
}

// Session resolves a session token. An unknown token is unauthenticated; a
// known but expired one says so, so the app can tell the agent why.
func (db *DB) Session(ctx context.Context, token string) (model.Session, error) {
	var row sessionRow
	if err := db.Bun.NewSelect().Model(&row).Where("token_hash = ?", hashToken(token)).Scan(ctx); err != nil {
		if noRows(err) {
			return model.Session{}, &model.Error{Status: http.StatusUnauthorized, Code: model.CodeUnauthenticated, Message: "Please sign in."}
		}
		return model.Session{}, fmt.Errorf("select session: %w", err)
	}
	if !db.Now().Before(row.ExpiresAt) {
		return model.Session{}, &model.Error{Status: http.StatusUnauthorized, Code: model.CodeSessionExpired, Message: "Your session has expired. Please sign in again."}
	}
	agent, err := db.Agent(ctx, row.OrganizationID, row.AgentID)
	if err != nil {
		return model.Session{}, err
	}
	if !agent.Active {
		return model.Session{}, &model.Error{Status: http.StatusUnauthorized, Code: model.CodeAccountDisabled, Message: "This account has been deactivated."}
	}
	org, err := db.Organization(ctx, row.OrganizationID)
	if err != nil {
		return model.Session{}, err
	}
	return model.Session{Agent: agent, Organization: org, CSRFToken: row.CSRFToken, ExpiresAt: row.ExpiresAt}, nil
}

// DeleteSession signs a token out.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	if _, err := db.Bun.NewDelete().Model((*sessionRow)(nil)).Where("token_hash = ?", hashToken(token)).Exec(ctx); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions that ended before now.
func (db *DB) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res, err := db.Bun.NewDelete().Model((*sessionRow)(nil)).Where("expires_at < ?", db.Now()).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
