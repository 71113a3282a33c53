package secret

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// memKeys is a KeyStore in memory.
type memKeys struct{ id, sealed string }

func (m *memKeys) SecretKeyCheck(_ context.Context, id, sealed string) (string, string, error) {
	if m.id == "" {
		m.id, m.sealed = id, sealed
	}
	return m.id, m.sealed, nil
}

func TestCheckKey(t *testing.T) {
	ctx := context.Background()
	first, _ := New(bytes.Repeat([]byte{1}, KeySize))
	same, _ := New(bytes.Repeat([]byte{1}, KeySize))
	other, _ := FromEnv(env(map[string]string{EnvKey: "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI="}), t.TempDir(), nil)
	store := &memKeys{}
	if err := CheckKey(ctx, first, store); err != nil {
		t.Fatalf("first start: %v", err)
	}
	if err := CheckKey(ctx, same, store); err != nil {
		t.Fatalf("same key: %v", err)
	}
	err := CheckKey(ctx, other, store)
	if !errors.Is(err, ErrWrongKey) {
		t.Fatalf("another key: err = %v, want ErrWrongKey", err)
	}
	for _, want := range []string{EnvKey, first.KeyID(), other.KeyID()} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if first.KeyID() == other.KeyID() || len(first.KeyID()) != 8 {
		t.Errorf("key ids %q and %q", first.KeyID(), other.KeyID())
	}

	// A check value that was tampered with is refused too.
	store.sealed = strings.Replace(store.sealed, "v1:", "v1:A", 1)
	if err := CheckKey(ctx, first, store); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("tampered check: err = %v", err)
	}
}
