// Package secret seals small secrets, such as CalDAV app passwords and CRM
// tokens, before they are stored, so that a copy of the database alone does
// not give them away.
//
// A Box encrypts with AES-256-GCM under a key from configuration. Every
// sealed value is bound to a context string, such as "caldav:agent:42", that
// names the row and column it belongs to: the context is GCM's additional
// data, so a value copied into another row does not open there.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of a Box key in bytes (AES-256).
const KeySize = 32

// version prefixes every sealed value so that the format, the algorithm or
// the key can change later while old values still open.
const version = "v1:"

var (
	// ErrMalformed means the sealed value is not something Seal produced.
	ErrMalformed = errors.New("secret: malformed sealed value")
	// ErrUnsupported means the value was sealed by a newer format.
	ErrUnsupported = errors.New("secret: unsupported sealed value version")
	// ErrOpen means authentication failed: a different key, a different
	// context or a value that was changed after sealing. GCM cannot tell
	// these apart, and neither should an attacker.
	ErrOpen = errors.New("secret: cannot open sealed value (wrong key, wrong context or tampered)")
)

// Box seals and opens secrets under one key. It is safe for concurrent use.
type Box struct {
	aead   cipher.AEAD
	id     string
	source string // where the key came from, for error messages
}

// New returns a Box for a KeySize-byte key.
func New(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secret: key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	fp := sha256.Sum256(append([]byte("frontdesk secret key id\x00"), key...))
	return &Box{aead: aead, id: hex.EncodeToString(fp[:4]), source: "the configured key"}, nil
}

// KeyID is a short fingerprint of the key: it tells keys apart in messages
// and logs without revealing anything of them.
func (b *Box) KeyID() string { return b.id }

// Seal encrypts plaintext for the given context and returns printable text
// to store: "v1:" followed by the base64 of a random nonce and the
// ciphertext with its tag.
func (b *Box) Seal(plaintext []byte, context string) (string, error) {
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(plaintext)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("secret: nonce: %w", err)
	}
	sealed := b.aead.Seal(nonce, nonce, plaintext, additionalData(context))
	return version + base64.RawStdEncoding.EncodeToString(sealed), nil
}

// Open decrypts a value from Seal. It fails with ErrOpen unless the key and
// the context are the ones it was sealed with and the value is unchanged.
func (b *Box) Open(sealed, context string) ([]byte, error) {
	rest, ok := strings.CutPrefix(sealed, version)
	if !ok {
		if v, _, found := strings.Cut(sealed, ":"); found && len(v) > 1 && v[0] == 'v' {
			return nil, fmt.Errorf("%w: %q", ErrUnsupported, v)
		}
		return nil, ErrMalformed
	}
	raw, err := base64.RawStdEncoding.DecodeString(rest)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	n := b.aead.NonceSize()
	if len(raw) < n+b.aead.Overhead() {
		return nil, fmt.Errorf("%w: too short", ErrMalformed)
	}
	plaintext, err := b.aead.Open(nil, raw[:n], raw[n:], additionalData(context))
	if err != nil {
		return nil, ErrOpen
	}
	return plaintext, nil
}

// additionalData binds the format version as well as the context, so a
// future format cannot be fed an old value under a different meaning.
func additionalData(context string) []byte {
	return []byte(version + context)
}
