package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// MaxPushSubscriptionsPerAgent bounds the browsers one agent can have
// notified, so that a misbehaving client cannot make every push fan out to
// thousands of endpoints. Saving one more forgets the stalest.
const MaxPushSubscriptionsPerAgent = 10

// Sealer seals secrets before they are stored and opens them after
// (secret.Box).
type Sealer interface {
	Seal(plaintext []byte, context string) (string, error)
	Open(sealed, context string) ([]byte, error)
}

// vapidContext binds the sealed VAPID private key to its column.
const vapidContext = "vapid_keys:private_key"

// VAPIDKeys returns the installation's VAPID key pair (base64url public and
// private key), creating it with generate the first time. The private key
// is stored sealed by box; one stored in clear by an earlier version is
// sealed now. Instances starting at once may each generate a pair, but only
// the first one stored is kept and every caller gets that one: a
// subscription made with a public key that later changed would be refused
// by the push service.
func (db *DB) VAPIDKeys(ctx context.Context, box Sealer, generate func() (pub, priv string, err error)) (pub, priv string, err error) {
	pub, plain, sealed, err := db.vapidKeys(ctx)
	switch {
	case err == nil && sealed != "":
		return openVAPID(box, pub, sealed)
	case err == nil:
		// Kept in clear before keys were sealed: seal it, blank the clear
		// copy. Another instance may be doing the same; either wins.
		s, err := box.Seal([]byte(plain), vapidContext)
		if err != nil {
			return "", "", err
		}
		if _, err := db.Bun.ExecContext(ctx, `UPDATE vapid_keys SET private_key_sealed = ?, private_key = ''
			WHERE id AND private_key_sealed IS NULL`, s); err != nil {
			return "", "", fmt.Errorf("seal vapid key: %w", err)
		}
	case !noRows(err):
		return "", "", err
	default:
		newPub, newPriv, err := generate()
		if err != nil {
			return "", "", fmt.Errorf("generate vapid keys: %w", err)
		}
		s, err := box.Seal([]byte(newPriv), vapidContext)
		if err != nil {
			return "", "", err
		}
		if _, err := db.Bun.ExecContext(ctx, `INSERT INTO vapid_keys (public_key, private_key, private_key_sealed) VALUES (?, '', ?)
			ON CONFLICT (id) DO NOTHING`, newPub, s); err != nil {
			return "", "", fmt.Errorf("insert vapid keys: %w", err)
		}
	}
	if pub, _, sealed, err = db.vapidKeys(ctx); err != nil {
		return "", "", err
	}
	return openVAPID(box, pub, sealed)
}

func openVAPID(box Sealer, pub, sealed string) (string, string, error) {
	priv, err := box.Open(sealed, vapidContext)
	if err != nil {
		return "", "", fmt.Errorf("open vapid private key: %w", err)
	}
	return pub, string(priv), nil
}

// vapidKeys loads the stored pair; sql.ErrNoRows (wrapped) means none yet.
func (db *DB) vapidKeys(ctx context.Context) (pub, plain, sealed string, err error) {
	var s *string
	err = db.Bun.QueryRowContext(ctx, `SELECT public_key, private_key, private_key_sealed FROM vapid_keys WHERE id`).Scan(&pub, &plain, &s)
	if err != nil {
		return "", "", "", fmt.Errorf("select vapid keys: %w", err)
	}
	if s != nil {
		sealed = *s
	}
	return pub, plain, sealed, nil
}

// NewPushSubscription is a validated browser subscription to store: the
// endpoint the push service gave the browser and the browser's P-256 public
// key and authentication secret, both base64url.
type NewPushSubscription struct {
	Endpoint, P256dh, Auth string
	UserAgent              string
}

// PushSubscription is one browser that shows an agent's notifications.
type PushSubscription struct {
	ID             int64
	OrganizationID int64
	AgentID        int64
	Endpoint       string
	P256dh, Auth   string
	UserAgent      string
	CreatedAt      time.Time
	LastSuccessAt  time.Time // zero until a push got through
	Failures       int       // consecutive failed deliveries
}

type pushSubscriptionRow struct {
	bun.BaseModel  `bun:"table:push_subscriptions,alias:ps"`
	ID             int64 `bun:",pk,autoincrement"`
	OrganizationID int64
	AgentID        int64
	Endpoint       string
	P256dh         string `bun:"p256dh"`
	Auth           string
	UserAgent      string
	CreatedAt      time.Time
	LastSuccessAt  time.Time `bun:",nullzero"`
	Failures       int
}

func (r pushSubscriptionRow) model() PushSubscription {
	return PushSubscription{
		ID: r.ID, OrganizationID: r.OrganizationID, AgentID: r.AgentID, Endpoint: r.Endpoint,
		P256dh: r.P256dh, Auth: r.Auth, UserAgent: r.UserAgent, CreatedAt: r.CreatedAt,
		LastSuccessAt: r.LastSuccessAt, Failures: r.Failures,
	}
}

// SavePushSubscription stores s for an agent. An endpoint already stored is
// bound to this agent instead: it is the same browser, now signed in as
// someone else, and must stop showing the previous agent's notifications.
func (db *DB) SavePushSubscription(ctx context.Context, orgID, agentID int64, s NewPushSubscription) error {
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// A re-save by the same agent (the app re-sends its subscription on
		// every start) keeps its history; a re-bound one starts afresh.
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO push_subscriptions AS ps (organization_id, agent_id, endpoint, p256dh, auth, user_agent)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (endpoint) DO UPDATE SET
				created_at      = CASE WHEN ps.agent_id = EXCLUDED.agent_id THEN ps.created_at ELSE now() END,
				last_success_at = CASE WHEN ps.agent_id = EXCLUDED.agent_id THEN ps.last_success_at END,
				organization_id = EXCLUDED.organization_id,
				agent_id        = EXCLUDED.agent_id,
				p256dh          = EXCLUDED.p256dh,
				auth            = EXCLUDED.auth,
				user_agent      = EXCLUDED.user_agent,
				failures        = 0`,
			orgID, agentID, s.Endpoint, s.P256dh, s.Auth, s.UserAgent); err != nil {
			return fmt.Errorf("save push subscription: %w", translate(err))
		}
		if _, err := tx.ExecContext(ctx, `
			DELETE FROM push_subscriptions WHERE agent_id = ? AND id NOT IN (
				SELECT id FROM push_subscriptions WHERE agent_id = ?
				ORDER BY coalesce(last_success_at, created_at) DESC, id DESC LIMIT ?)`,
			agentID, agentID, MaxPushSubscriptionsPerAgent); err != nil {
			return fmt.Errorf("trim push subscriptions: %w", err)
		}
		return nil
	})
}

// DeletePushSubscription forgets an agent's subscription, as when the agent
// signs out or turns notifications off. Deleting one that is not there (or
// is another agent's) does nothing, so unsubscribing twice is harmless.
func (db *DB) DeletePushSubscription(ctx context.Context, orgID, agentID int64, endpoint string) error {
	if _, err := db.Bun.ExecContext(ctx, `DELETE FROM push_subscriptions
		WHERE organization_id = ? AND agent_id = ? AND endpoint = ?`, orgID, agentID, endpoint); err != nil {
		return fmt.Errorf("delete push subscription: %w", err)
	}
	return nil
}

// PushSubscriptions lists the subscriptions of the given agents that are
// still active; deactivated agents get no notifications.
func (db *DB) PushSubscriptions(ctx context.Context, agentIDs []int64) ([]PushSubscription, error) {
	if len(agentIDs) == 0 {
		return nil, nil
	}
	var rows []pushSubscriptionRow
	err := db.Bun.NewSelect().Model(&rows).
		Join("JOIN agents AS a ON a.organization_id = ps.organization_id AND a.id = ps.agent_id").
		Where("ps.agent_id IN (?) AND a.active", bun.In(agentIDs)).
		Order("ps.agent_id", "ps.id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("select push subscriptions: %w", err)
	}
	out := make([]PushSubscription, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}

// PushGone deletes a subscription the push service no longer knows (it
// answered 404 or 410): the browser unsubscribed or the subscription
// expired, and it never comes back.
func (db *DB) PushGone(ctx context.Context, endpoint string) error {
	if _, err := db.Bun.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE endpoint = ?`, endpoint); err != nil {
		return fmt.Errorf("delete gone push subscription: %w", err)
	}
	return nil
}

// PushDelivered records that the push service accepted a push.
func (db *DB) PushDelivered(ctx context.Context, endpoint string) error {
	if _, err := db.Bun.ExecContext(ctx, `UPDATE push_subscriptions SET last_success_at = now(), failures = 0
		WHERE endpoint = ?`, endpoint); err != nil {
		return fmt.Errorf("record push delivery: %w", err)
	}
	return nil
}

// PushFailed counts a failed delivery and returns how many failed in a row;
// 0 means the subscription is gone.
func (db *DB) PushFailed(ctx context.Context, endpoint string) (int, error) {
	var n int
	err := db.Bun.QueryRowContext(ctx, `UPDATE push_subscriptions SET failures = failures + 1
		WHERE endpoint = ? RETURNING failures`, endpoint).Scan(&n)
	if err != nil {
		if noRows(err) {
			return 0, nil
		}
		return 0, fmt.Errorf("record push failure: %w", err)
	}
	return n, nil
}
