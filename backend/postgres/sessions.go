package postgres

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/model"
)

type sessionRow struct {
	bun.BaseModel  `bun:"table:sessions"`
	TokenHash      []byte `bun:",pk"`
	ID             int64  `bun:",nullzero"`
	OrganizationID int64
	AgentID        int64
	CSRFToken      string `bun:"csrf_token"`
	UserAgent      string
	IP             string `bun:"ip"`
	Method         string
	CreatedAt      time.Time `bun:",nullzero,default:now()"`
	LastSeenAt     time.Time `bun:",nullzero,default:now()"`
	ExpiresAt      time.Time
}

// lastSeenEvery is how stale a session's last_seen_at may get before a
// request refreshes it: one write a minute per session, not one per
// request.
const lastSeenEvery = time.Minute

// NewSession is a session to record for an agent who has proved who they
// are.
type NewSession struct {
	Agent model.Agent
	// Token is the cookie's value; only its hash is stored.
	Token, CSRF string
	TTL         time.Duration
	// UserAgent and IP describe the browser, for the agent's list of
	// sessions.
	UserAgent, IP string
	// Method is how the agent proved it: password, setup, signup,
	// invitation, password_reset.
	Method string
}

// Only a hash of the session token is stored, so a leaked database does not
// leak live sessions.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateSession records a signed-in agent under its token.
func (db *DB) CreateSession(ctx context.Context, in NewSession) (model.Session, error) {
	now := db.Now()
	method := in.Method
	if method == "" {
		method = "password"
	}
	row := sessionRow{
		TokenHash: hashToken(in.Token), OrganizationID: in.Agent.OrganizationID, AgentID: in.Agent.ID,
		CSRFToken: in.CSRF, UserAgent: truncate(in.UserAgent, 512), IP: truncate(in.IP, 64), Method: method,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(in.TTL),
	}
	if _, err := db.Bun.NewInsert().Model(&row).Returning("id").Exec(ctx); err != nil {
		return model.Session{}, fmt.Errorf("insert session: %w", err)
	}
	org, err := db.Organization(ctx, in.Agent.OrganizationID)
	if err != nil {
		return model.Session{}, err
	}
	return model.Session{ID: row.ID, Agent: in.Agent, Organization: org, CSRFToken: in.CSRF, ExpiresAt: row.ExpiresAt}, nil
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
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
	if now := db.Now(); now.Sub(row.LastSeenAt) > lastSeenEvery {
		if _, err := db.Bun.NewUpdate().Table("sessions").Set("last_seen_at = ?", now).
			Where("token_hash = ?", row.TokenHash).Exec(ctx); err != nil {
			return model.Session{}, fmt.Errorf("touch session: %w", err)
		}
	}
	return model.Session{ID: row.ID, Agent: agent, Organization: org, CSRFToken: row.CSRFToken, ExpiresAt: row.ExpiresAt}, nil
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
