package secret

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// EnvKey is the environment variable holding the base64 of the key.
const EnvKey = "FRONTDESK_SECRET_KEY"

// KeyFile is the file in the data folder that keeps a generated key when
// EnvKey is not set.
const KeyFile = "secret.key"

// FromEnv returns a Box keyed by EnvKey. When the variable is unset, it uses
// the key kept in dataDir/secret.key, generating it on first use, and warns:
// a key next to the data it protects is fine for a demo or a laptop, but
// production should set the variable (from a secret store) so that a copy of
// the data folder or a backup does not carry its own key.
func FromEnv(getenv func(string) string, dataDir string, log *slog.Logger) (*Box, error) {
	if v := strings.TrimSpace(getenv(EnvKey)); v != "" {
		key, err := decodeKey(v)
		if err != nil {
			return nil, fmt.Errorf("secret: %s: %w", EnvKey, err)
		}
		return withSource(New(key))(EnvKey)
	}
	if dataDir == "" {
		return nil, fmt.Errorf("secret: %s is not set and there is no data folder to keep a generated key in", EnvKey)
	}
	path := filepath.Join(dataDir, KeyFile)
	key, created, err := loadOrCreateKey(path)
	if err != nil {
		return nil, err
	}
	if log != nil {
		log.Warn("secret: "+EnvKey+" is not set; stored secrets are encrypted with a key kept in the data folder. "+
			"Production should set "+EnvKey+" to the base64 of 32 random bytes (openssl rand -base64 32).",
			"key_file", path, "generated", created)
	}
	return withSource(New(key))("the key in " + path + " (" + EnvKey + " is unset)")
}

func withSource(b *Box, err error) func(string) (*Box, error) {
	return func(source string) (*Box, error) {
		if err != nil {
			return nil, err
		}
		b.source = source
		return b, nil
	}
}

// decodeKey accepts standard or URL-safe base64, padded or not, since keys
// are pasted by hand into environment files.
func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			if len(key) != KeySize {
				return nil, fmt.Errorf("key is %d bytes, want %d", len(key), KeySize)
			}
			return key, nil
		}
	}
	return nil, errors.New("not base64")
}

// loadOrCreateKey reads the key at path or creates it. The new key is
// written to a temporary file and hard-linked into place, so a crash never
// leaves a half-written key and two instances starting together on the same
// folder end up with the same key.
func loadOrCreateKey(path string) (key []byte, created bool, err error) {
	key, err = readKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("secret: create key folder: %w", err)
	}
	key = make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, false, fmt.Errorf("secret: generate key: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".secret.key-*")
	if err != nil {
		return nil, false, fmt.Errorf("secret: write key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, false, fmt.Errorf("secret: write key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) { // another instance won the race
			key, err = readKey(path)
			return key, false, err
		}
		return nil, false, fmt.Errorf("secret: write key: %w", err)
	}
	return key, true, nil
}

func readKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secret: read key: %w", err)
	}
	key, err := decodeKey(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("secret: key file %s: %w", path, err)
	}
	return key, nil
}
