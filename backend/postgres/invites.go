package postgres

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
)

// InviteInOrder sends a meeting's calendar invite (version sequence of uid)
// to recipient unless that version or a newer one has been sent to them,
// and records it once send succeeds. The row stays locked while sending, so
// two versions racing for the same person go out oldest first or not at
// all (see mail.InOrder).
func (db *DB) InviteInOrder(ctx context.Context, uid, recipient string, sequence int, send func(context.Context) error) (bool, error) {
	h := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(recipient))))
	sent := false
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO invite_versions_sent (uid, recipient_hash, sequence) VALUES (?, ?, ?)
			ON CONFLICT (uid, recipient_hash) DO UPDATE SET sequence = EXCLUDED.sequence, sent_at = now()
			WHERE invite_versions_sent.sequence < EXCLUDED.sequence`, uid, h[:], sequence)
		if err != nil {
			return fmt.Errorf("claim invite version: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // this version, or a newer one, already went
		}
		if err := send(ctx); err != nil {
			return err
		}
		sent = true
		return nil
	})
	return sent, err
}
