package postgres

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/model"
)

// The store of package accounts: first-run setup tokens, organizations
// created with their first admin, emailed one-time tokens, invitations,
// profiles and sessions. Functions that take a bun.IDB run in the caller's
// transaction, so what accounts queues (the email, later an audit row)
// commits with the change or not at all.

// HashToken is how every token is stored: SHA-256 of its text. The tokens
// are 256 random bits, so a fast hash is enough (no password hashing).
func HashToken(token string) []byte { return hashToken(token) }

// orgCreationLock serialises "is there an organization yet?" with the
// creation of the first one (first-run setup, sign-up in "first" mode).
const orgCreationLock = 0x6f72_6731 // "org1"

// LockOrganizationCreation takes, in tx, the lock that first-run setup and
// first-only sign-up hold while they check that no organization exists.
func LockOrganizationCreation(ctx context.Context, tx bun.Tx) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", orgCreationLock); err != nil {
		return fmt.Errorf("lock organization creation: %w", err)
	}
	return nil
}

// HasOrganization reports whether any organization exists.
func HasOrganization(ctx context.Context, idb bun.IDB) (bool, error) {
	ok, err := idb.NewSelect().Table("organizations").Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("any organization: %w", err)
	}
	return ok, nil
}

// ReplaceSetupToken makes token the one first-run setup link, valid for
// ttl, unless an organization exists (then it reports false).
func (db *DB) ReplaceSetupToken(ctx context.Context, token string, ttl time.Duration) (bool, error) {
	created := false
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := LockOrganizationCreation(ctx, tx); err != nil {
			return err
		}
		exists, err := HasOrganization(ctx, tx)
		if err != nil || exists {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM setup_tokens"); err != nil {
			return fmt.Errorf("delete setup tokens: %w", err)
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, "INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES (?, ?, ?)",
			hashToken(token), now, now.Add(ttl)); err != nil {
			return fmt.Errorf("insert setup token: %w", err)
		}
		created = true
		return nil
	})
	return created, err
}

// SetupTokenLive reports, without using it, whether token is the live
// setup link; a used, replaced or expired one, or any once an organization
// exists (`frontdesk admin create` ran meanwhile), is not found.
func (db *DB) SetupTokenLive(ctx context.Context, token string) error {
	ok, err := db.Bun.NewSelect().Table("setup_tokens").
		Where("token_hash = ? AND expires_at > ?", hashToken(token), db.Now()).
		Where("NOT EXISTS (SELECT 1 FROM organizations)").Exists(ctx)
	if err != nil {
		return fmt.Errorf("select setup token: %w", err)
	}
	if !ok {
		return notFound("Setup link")
	}
	return nil
}

// UseSetupToken consumes the setup link in tx; a used, replaced or
// expired one is not found.
func (db *DB) UseSetupToken(ctx context.Context, tx bun.Tx, token string) error {
	res, err := tx.ExecContext(ctx, "DELETE FROM setup_tokens WHERE token_hash = ? AND expires_at > ?", hashToken(token), db.Now())
	if err != nil {
		return fmt.Errorf("use setup token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("Setup link")
	}
	return nil
}

// NewOrganization is a tenant to create with its first admin, a service
// with the admin in it and a website widget routed to the service.
type NewOrganization struct {
	Name, Language string
	// VerifyBy, when set, is when the public surfaces stop if the admin
	// has not verified their email by then.
	VerifyBy *time.Time
	Admin    NewAgent
	// ServiceName and WidgetName name the first service and widget;
	// WidgetKey is the widget's public key.
	ServiceName, WidgetName, WidgetKey string
}

// CreatedOrganization is what NewOrganization became.
type CreatedOrganization struct {
	Organization model.Organization
	Admin        model.Agent
	Service      model.Service
	Widget       model.Widget
}

// InsertOrganization creates an organization, its admin (under a free
// slug derived from in.Admin.Slug), its first service and widget, all in
// tx: an organization never exists without its admin.
func (db *DB) InsertOrganization(ctx context.Context, tx bun.Tx, in NewOrganization) (CreatedOrganization, error) {
	var out CreatedOrganization
	org := organizationRow{Name: in.Name, Language: in.Language, VerifyBy: in.VerifyBy, Onboarding: true}
	if org.Language == "" {
		org.Language = "en"
	}
	if _, err := tx.NewInsert().Model(&org).Returning("*").Exec(ctx); err != nil {
		return out, fmt.Errorf("insert organization: %w", translate(err))
	}
	out.Organization = org.model()
	slug, err := FreeSlug(ctx, tx, in.Admin.Slug)
	if err != nil {
		return out, err
	}
	in.Admin.Slug = slug
	if out.Admin, err = db.InsertAgent(ctx, tx, org.ID, in.Admin); err != nil {
		return out, err
	}
	svc := serviceRow{OrganizationID: org.ID, Name: in.ServiceName, Strategy: string(model.StrategyManual)}
	if _, err := tx.NewInsert().Model(&svc).Returning("*").Exec(ctx); err != nil {
		return out, fmt.Errorf("insert service: %w", translate(err))
	}
	if err := setMembers(ctx, tx, org.ID, svc.ID, []int64{out.Admin.ID}); err != nil {
		return out, err
	}
	if out.Service, err = service(ctx, tx, org.ID, svc.ID); err != nil {
		return out, err
	}
	w := widgetRow{
		OrganizationID: org.ID, PublicKey: in.WidgetKey, Name: in.WidgetName, Color: "#2563eb",
		ServiceID: &svc.ID, PreChatName: true, PreChatEmail: true, AllowedOrigins: []string{},
		Greetings: map[string]string{}, OfflineTexts: map[string]string{},
	}
	if _, err := tx.NewInsert().Model(&w).Returning("*").Exec(ctx); err != nil {
		return out, fmt.Errorf("insert widget: %w", translate(err))
	}
	out.Widget = w.model()
	return out, nil
}

// FreeSlug returns base, or base-2, base-3… whichever no agent has yet.
func FreeSlug(ctx context.Context, idb bun.IDB, base string) (string, error) {
	if base == "" {
		base = "agent"
	}
	if len(base) > 58 {
		base = strings.TrimRight(base[:58], "-")
	}
	var taken []string
	if err := idb.NewSelect().Table("agents").Column("slug").
		Where("slug = ? OR slug LIKE ?", base, base+"-%").Scan(ctx, &taken); err != nil {
		return "", fmt.Errorf("select slugs: %w", err)
	}
	used := make(map[string]bool, len(taken))
	for _, s := range taken {
		used[s] = true
	}
	slug := base
	for n := 2; used[slug]; n++ {
		slug = base + "-" + strconv.Itoa(n)
	}
	return slug, nil
}

// EmailTaken reports whether an agent signs in with email.
func EmailTaken(ctx context.Context, idb bun.IDB, email string) (bool, error) {
	ok, err := idb.NewSelect().Table("agents").Where("lower(email) = lower(?)", email).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("email taken: %w", err)
	}
	return ok, nil
}

// OrganizationTx loads a tenant in idb.
func OrganizationTx(ctx context.Context, idb bun.IDB, id int64) (model.Organization, error) {
	var row organizationRow
	if err := idb.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		if noRows(err) {
			return model.Organization{}, notFound("Organization")
		}
		return model.Organization{}, fmt.Errorf("select organization: %w", err)
	}
	return row.model(), nil
}

// SetOrganizationLanguage changes the language of an organization's
// emails.
func (db *DB) SetOrganizationLanguage(ctx context.Context, id int64, lang string) error {
	if _, err := db.Bun.NewUpdate().Table("organizations").Set("language = ?", lang).Where("id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("set organization language: %w", translate(err))
	}
	return nil
}

// Unavailable is the answer of an organization's public surfaces after its
// sign-up went unverified for too long.
func unavailable() error {
	return &model.Error{Status: http.StatusServiceUnavailable, Code: model.CodeUnavailable,
		Message: "This organization is temporarily unavailable."}
}

// suspendedOrgs is a condition on organization_id that holds for
// organizations whose sign-up verification ran out.
const suspendedOrgs = "organization_id IN (SELECT id FROM organizations WHERE verify_by < now())"

// suspended turns a "not found" of a public lookup into "temporarily
// unavailable" when the row exists in an organization whose sign-up went
// unverified: the lookup's hot path stays one query.
func suspended(ctx context.Context, idb bun.IDB, table, where string, args ...any) error {
	ok, err := idb.NewSelect().Table(table).Where(where, args...).Where(suspendedOrgs).Exists(ctx)
	if err != nil {
		return fmt.Errorf("check suspension: %w", err)
	}
	if ok {
		return unavailable()
	}
	return nil
}

// --- Emailed one-time tokens ------------------------------------------------

// Token purposes.
const (
	PurposeVerifyEmail   = "verify_email"
	PurposePasswordReset = "password_reset"
)

// AccountToken is a live emailed token.
type AccountToken struct {
	Purpose string
	Agent   model.Agent
	// Email is the address the link went to.
	Email     string
	CreatedAt time.Time
}

// InsertAccountToken stores an emailed token for agent, in tx.
func (db *DB) InsertAccountToken(ctx context.Context, idb bun.IDB, purpose string, agent model.Agent, email, token string, ttl time.Duration) error {
	now := db.Now()
	if _, err := idb.ExecContext(ctx, `INSERT INTO account_tokens
		(token_hash, purpose, organization_id, agent_id, email, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		hashToken(token), purpose, agent.OrganizationID, agent.ID, strings.ToLower(email), now, now.Add(ttl)); err != nil {
		return fmt.Errorf("insert %s token: %w", purpose, err)
	}
	return nil
}

// RecentTokens counts the tokens of purpose sent to agent since since:
// the durable, cluster-wide limit on reset emails per account.
func (db *DB) RecentTokens(ctx context.Context, idb bun.IDB, purpose string, agentID int64, since time.Time) (int, error) {
	n, err := idb.NewSelect().Table("account_tokens").
		Where("agent_id = ? AND purpose = ? AND created_at > ?", agentID, purpose, since).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count tokens: %w", err)
	}
	return int(n), nil
}

// UseAccountToken consumes a live token of purpose in tx, locking its
// agent's row. Wrong, used and expired tokens are all "not found".
func (db *DB) UseAccountToken(ctx context.Context, tx bun.Tx, purpose, token string) (AccountToken, error) {
	var t struct {
		OrganizationID int64
		AgentID        int64
		Email          string
		CreatedAt      time.Time
	}
	err := tx.NewRaw(`UPDATE account_tokens SET used_at = ?
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
		RETURNING organization_id, agent_id, email, created_at`, db.Now(), hashToken(token), purpose, db.Now()).Scan(ctx, &t)
	if noRows(err) {
		return AccountToken{}, notFound("Link")
	}
	if err != nil {
		return AccountToken{}, fmt.Errorf("use token: %w", err)
	}
	agent, err := agentForUpdate(ctx, tx, t.OrganizationID, t.AgentID)
	if err != nil {
		return AccountToken{}, err
	}
	return AccountToken{Purpose: purpose, Agent: agent, Email: t.Email, CreatedAt: t.CreatedAt}, nil
}

// AccountTokenLive reports, without using it, whether token is a live
// token of purpose.
func (db *DB) AccountTokenLive(ctx context.Context, purpose, token string) error {
	ok, err := db.Bun.NewSelect().Table("account_tokens").
		Where("token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?", hashToken(token), purpose, db.Now()).Exists(ctx)
	if err != nil {
		return fmt.Errorf("select token: %w", err)
	}
	if !ok {
		return notFound("Link")
	}
	return nil
}

// RetireAccountTokens marks the agent's other live tokens of purpose used:
// a new reset link, or a completed reset, voids the earlier links.
func (db *DB) RetireAccountTokens(ctx context.Context, idb bun.IDB, purpose string, agentID int64) error {
	if _, err := idb.ExecContext(ctx, "UPDATE account_tokens SET used_at = ? WHERE agent_id = ? AND purpose = ? AND used_at IS NULL",
		db.Now(), agentID, purpose); err != nil {
		return fmt.Errorf("retire tokens: %w", err)
	}
	return nil
}

// LockAgent loads an agent and locks its row until tx ends: checks that
// count an agent's recent tokens hold against concurrent jobs.
func LockAgent(ctx context.Context, tx bun.Tx, orgID, id int64) (model.Agent, error) {
	return agentForUpdate(ctx, tx, orgID, id)
}

func agentForUpdate(ctx context.Context, tx bun.Tx, orgID, id int64) (model.Agent, error) {
	var row agentRow
	if err := tx.NewSelect().Model(&row).Where("organization_id = ? AND id = ?", orgID, id).For("UPDATE").Scan(ctx); err != nil {
		if noRows(err) {
			return model.Agent{}, notFound("Agent")
		}
		return model.Agent{}, fmt.Errorf("select agent: %w", err)
	}
	return row.model(), nil
}

// AgentByEmail finds the agent who signs in with email, in idb.
func AgentByEmail(ctx context.Context, idb bun.IDB, email string) (model.Agent, error) {
	return agentBy(ctx, idb, "lower(email) = lower(?)", email)
}

// PasswordHash returns an agent's stored password hash ("" when they have
// none yet).
func (db *DB) PasswordHash(ctx context.Context, orgID, agentID int64) (string, error) {
	var hash string
	if err := db.Bun.NewSelect().Table("agents").Column("password_hash").
		Where("organization_id = ? AND id = ?", orgID, agentID).Scan(ctx, &hash); err != nil {
		if noRows(err) {
			return "", notFound("Agent")
		}
		return "", fmt.Errorf("select password: %w", err)
	}
	return hash, nil
}

// SetPassword stores an agent's new password hash in tx and ends their
// sessions but keep (0 for none); the agent's sockets close on every
// instance.
func (db *DB) SetPassword(ctx context.Context, tx bun.Tx, agent model.Agent, hash string, keep int64) error {
	if _, err := tx.ExecContext(ctx, "UPDATE agents SET password_hash = ?, updated_at = ? WHERE organization_id = ? AND id = ?",
		hash, db.Now(), agent.OrganizationID, agent.ID); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return EndSessions(ctx, tx, agent.OrganizationID, agent.ID, keep)
}

// MarkEmailVerified records that agent follows links sent to email: the
// sign-up address (which lifts the organization's verification deadline
// when the agent is its admin) or a new address, which becomes theirs.
func (db *DB) MarkEmailVerified(ctx context.Context, tx bun.Tx, agent model.Agent, email string) (model.Agent, error) {
	now := db.Now()
	if !strings.EqualFold(email, agent.Email) {
		if agent.PendingEmail == "" || !strings.EqualFold(email, agent.PendingEmail) {
			// A link to an address the agent has since replaced.
			return model.Agent{}, notFound("Link")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE agents SET email = ?, pending_email = NULL, email_verified_at = ?, updated_at = ? WHERE id = ?",
			strings.ToLower(email), now, now, agent.ID); err != nil {
			return model.Agent{}, fmt.Errorf("change email: %w", translate(err))
		}
	} else if _, err := tx.ExecContext(ctx, "UPDATE agents SET email_verified_at = coalesce(email_verified_at, ?) WHERE id = ?", now, agent.ID); err != nil {
		return model.Agent{}, fmt.Errorf("verify email: %w", err)
	}
	if agent.Role == model.RoleAdmin {
		if _, err := tx.ExecContext(ctx, "UPDATE organizations SET verify_by = NULL WHERE id = ?", agent.OrganizationID); err != nil {
			return model.Agent{}, fmt.Errorf("lift verification: %w", err)
		}
	}
	return agentBy(ctx, tx, "organization_id = ? AND id = ?", agent.OrganizationID, agent.ID)
}

// SetPendingEmail records a new address waiting for verification ("" to
// drop it).
func (db *DB) SetPendingEmail(ctx context.Context, idb bun.IDB, agent model.Agent, email string) error {
	var v any
	if email != "" {
		v = strings.ToLower(email)
	}
	if _, err := idb.ExecContext(ctx, "UPDATE agents SET pending_email = ? WHERE organization_id = ? AND id = ?", v, agent.OrganizationID, agent.ID); err != nil {
		return fmt.Errorf("set pending email: %w", err)
	}
	return nil
}

// ProfileUpdate is a validated change of an agent's own profile.
type ProfileUpdate struct {
	Name, Title, PhotoURL, TimeZone, Language *string
}

// UpdateProfile applies p to the agent.
func (db *DB) UpdateProfile(ctx context.Context, orgID, id int64, p ProfileUpdate) (model.Agent, error) {
	q := db.Bun.NewUpdate().Table("agents").Where("organization_id = ? AND id = ?", orgID, id).Set("updated_at = ?", db.Now())
	for col, v := range map[string]*string{"name": p.Name, "title": p.Title, "photo_url": p.PhotoURL, "time_zone": p.TimeZone, "language": p.Language} {
		if v != nil {
			q = q.Set("? = ?", bun.Ident(col), *v)
		}
	}
	if _, err := q.Exec(ctx); err != nil {
		return model.Agent{}, fmt.Errorf("update profile: %w", translate(err))
	}
	return db.Agent(ctx, orgID, id)
}

// --- Sessions ---------------------------------------------------------------

// EndSessions ends an agent's sessions but keep (0 for none), in idb, and
// tells every instance to close the agent's sockets once idb commits.
func EndSessions(ctx context.Context, idb bun.IDB, orgID, agentID, keep int64) error {
	q := idb.NewDelete().Table("sessions").Where("agent_id = ?", agentID)
	if keep != 0 {
		q = q.Where("id <> ?", keep)
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	return notify(ctx, idb, Notification{OrganizationID: orgID, Event: model.Event{Type: model.EventSignedOut, AgentID: agentID}})
}

// SessionRecord is a stored session as its agent lists it.
type SessionRecord struct {
	ID                            int64
	UserAgent, IP, Method         string
	CreatedAt, LastSeenAt, Expiry time.Time
}

// Sessions lists an agent's live sessions, most recently seen first.
func (db *DB) Sessions(ctx context.Context, orgID, agentID int64) ([]SessionRecord, error) {
	var rows []sessionRow
	if err := db.Bun.NewSelect().Model(&rows).Where("organization_id = ? AND agent_id = ? AND expires_at > ?", orgID, agentID, db.Now()).
		Order("last_seen_at DESC", "id DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("select sessions: %w", err)
	}
	out := make([]SessionRecord, len(rows))
	for i, r := range rows {
		out[i] = SessionRecord{ID: r.ID, UserAgent: r.UserAgent, IP: r.IP, Method: r.Method,
			CreatedAt: r.CreatedAt, LastSeenAt: r.LastSeenAt, Expiry: r.ExpiresAt}
	}
	return out, nil
}

// EndSession ends one of an agent's sessions by its id.
func (db *DB) EndSession(ctx context.Context, orgID, agentID, id int64) error {
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().Table("sessions").Where("organization_id = ? AND agent_id = ? AND id = ?", orgID, agentID, id).Exec(ctx)
		if err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Session")
		}
		return notify(ctx, tx, Notification{OrganizationID: orgID, Event: model.Event{Type: model.EventSignedOut, AgentID: agentID}})
	})
}

// EndOtherSessions ends every session of the agent but keep.
func (db *DB) EndOtherSessions(ctx context.Context, orgID, agentID, keep int64) error {
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return EndSessions(ctx, tx, orgID, agentID, keep)
	})
}

// --- Getting started --------------------------------------------------------

// OnboardingState is what the getting-started card is computed from.
type OnboardingState struct {
	Enabled, Dismissed, WidgetCopied bool
	HoursSet, CalendarConnected      bool
	Services, Agents, Invitations    int
	WidgetID                         int64
	WidgetKey                        string
}

// Onboarding reads an organization's getting-started state as admin sees
// it (hours and calendar are the admin's own).
func (db *DB) Onboarding(ctx context.Context, orgID, adminID int64) (OnboardingState, error) {
	var st OnboardingState
	err := db.Bun.NewRaw(`SELECT
		o.onboarding AS enabled,
		o.onboarding_dismissed_at IS NOT NULL AS dismissed,
		o.widget_copied_at IS NOT NULL AS widget_copied,
		EXISTS (SELECT 1 FROM availability WHERE agent_id = ?1) AS hours_set,
		EXISTS (SELECT 1 FROM agent_calendars WHERE agent_id = ?1) AS calendar_connected,
		(SELECT count(*) FROM services WHERE organization_id = o.id) AS services,
		(SELECT count(*) FROM agents WHERE organization_id = o.id) AS agents,
		(SELECT count(*) FROM invitations WHERE organization_id = o.id) AS invitations,
		coalesce((SELECT min(id) FROM widgets WHERE organization_id = o.id), 0) AS widget_id
		FROM organizations o WHERE o.id = ?0`, orgID, adminID).Scan(ctx, &st)
	if err != nil {
		if noRows(err) {
			return st, notFound("Organization")
		}
		return st, fmt.Errorf("select onboarding: %w", err)
	}
	if st.WidgetID != 0 {
		if err := db.Bun.NewSelect().Table("widgets").Column("public_key").Where("id = ?", st.WidgetID).Scan(ctx, &st.WidgetKey); err != nil {
			return st, fmt.Errorf("select widget key: %w", err)
		}
	}
	return st, nil
}

// MarkOnboarding records a step the store cannot see (the snippet was
// copied: "widget") or the card's dismissal ("dismissed").
func (db *DB) MarkOnboarding(ctx context.Context, orgID int64, what string) error {
	col := map[string]string{"widget": "widget_copied_at", "dismissed": "onboarding_dismissed_at"}[what]
	if col == "" {
		return notFound("Step")
	}
	if _, err := db.Bun.NewUpdate().Table("organizations").Set("? = coalesce(?, ?)", bun.Ident(col), bun.Ident(col), db.Now()).
		Where("id = ?", orgID).Exec(ctx); err != nil {
		return fmt.Errorf("mark onboarding: %w", err)
	}
	return nil
}

// --- Photos -----------------------------------------------------------------

// PhotoPath is where an agent's uploaded photo is served.
func PhotoPath(agentID int64, version string) string {
	return "/photos/" + strconv.FormatInt(agentID, 10) + "-" + version + ".jpg"
}

// SetPhoto stores an agent's photo (a JPEG made by package accounts) and
// points their photo_url at it.
func (db *DB) SetPhoto(ctx context.Context, agent model.Agent, version string, jpeg []byte) (model.Agent, error) {
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO agent_photos (agent_id, organization_id, version, data, updated_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (agent_id) DO UPDATE SET version = excluded.version, data = excluded.data, updated_at = excluded.updated_at`,
			agent.ID, agent.OrganizationID, version, jpeg, db.Now()); err != nil {
			return fmt.Errorf("store photo: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE agents SET photo_url = ?, updated_at = ? WHERE organization_id = ? AND id = ?",
			PhotoPath(agent.ID, version), db.Now(), agent.OrganizationID, agent.ID); err != nil {
			return fmt.Errorf("point at photo: %w", err)
		}
		return nil
	})
	if err != nil {
		return model.Agent{}, err
	}
	return db.Agent(ctx, agent.OrganizationID, agent.ID)
}

// DeletePhoto removes an agent's uploaded photo; their initials show.
func (db *DB) DeletePhoto(ctx context.Context, agent model.Agent) (model.Agent, error) {
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM agent_photos WHERE agent_id = ?", agent.ID); err != nil {
			return fmt.Errorf("delete photo: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE agents SET photo_url = '', updated_at = ? WHERE organization_id = ? AND id = ? AND photo_url LIKE '/photos/%'",
			db.Now(), agent.OrganizationID, agent.ID); err != nil {
			return fmt.Errorf("clear photo: %w", err)
		}
		return nil
	})
	if err != nil {
		return model.Agent{}, err
	}
	return db.Agent(ctx, agent.OrganizationID, agent.ID)
}

// Photo returns the JPEG of an agent's photo at version; any other version
// is not found (the URL names one photo for good).
func (db *DB) Photo(ctx context.Context, agentID int64, version string) ([]byte, error) {
	var data []byte
	err := db.Bun.NewSelect().Table("agent_photos").Column("data").
		Where("agent_id = ? AND version = ?", agentID, version).Scan(ctx, &data)
	if noRows(err) {
		return nil, notFound("Photo")
	}
	if err != nil {
		return nil, fmt.Errorf("select photo: %w", err)
	}
	return data, nil
}
