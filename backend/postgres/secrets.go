package postgres

import (
	"context"
	"fmt"
)

// SecretKeyCheck stores the secret key's check unless there is one, and
// returns the stored one (see secret.CheckKey).
func (db *DB) SecretKeyCheck(ctx context.Context, keyID, sealed string) (storedID, storedSealed string, err error) {
	if _, err := db.Bun.ExecContext(ctx, `INSERT INTO secret_key_check (key_id, sealed) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, keyID, sealed); err != nil {
		return "", "", fmt.Errorf("store key check: %w", err)
	}
	if err := db.Bun.QueryRowContext(ctx, `SELECT key_id, sealed FROM secret_key_check WHERE id`).Scan(&storedID, &storedSealed); err != nil {
		return "", "", fmt.Errorf("load key check: %w", err)
	}
	return storedID, storedSealed, nil
}
