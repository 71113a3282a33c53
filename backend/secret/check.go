package secret

import (
	"context"
	"errors"
	"fmt"
)

// checkContext is what the check value is sealed for.
const checkContext = "secret_key_check"

// KeyStore remembers which key sealed a database's secrets
// (backend/postgres).
type KeyStore interface {
	// SecretKeyCheck stores keyID and sealed unless the database already
	// has a check, and returns the check the database keeps.
	SecretKeyCheck(ctx context.Context, keyID, sealed string) (storedID, storedSealed string, err error)
}

// ErrWrongKey means the database's secrets were sealed with another key.
var ErrWrongKey = errors.New("secret: wrong key")

// CheckKey makes sure b's key is the one the database's secrets were
// sealed with. The first start with a database records a value sealed with
// the key; every later start must open it. A server started with another
// key (a backup restored elsewhere, a mistyped FRONTDESK_SECRET_KEY) stops
// with an error that names the key, instead of failing on every calendar,
// CRM and push credential later.
func CheckKey(ctx context.Context, b *Box, store KeyStore) error {
	sealed, err := b.Seal([]byte(b.id), checkContext)
	if err != nil {
		return err
	}
	storedID, storedSealed, err := store.SecretKeyCheck(ctx, b.id, sealed)
	if err != nil {
		return fmt.Errorf("secret: key check: %w", err)
	}
	if plain, err := b.Open(storedSealed, checkContext); err == nil && string(plain) == storedID {
		return nil
	}
	if storedID != b.id {
		return fmt.Errorf("%w: the secrets stored in this database were sealed with key %s, but %s is key %s. "+
			"Set %s to the key of the installation this database comes from; stored calendar passwords, "+
			"CRM tokens and push keys cannot be read with another", ErrWrongKey, storedID, b.source, b.id, EnvKey)
	}
	return fmt.Errorf("%w: the key check stored in this database does not open with %s (key %s): it was changed", ErrWrongKey, b.source, b.id)
}
