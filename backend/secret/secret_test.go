package secret

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func newBox(t *testing.T) *Box {
	t.Helper()
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	b, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestNewKeySize(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := New(make([]byte, n)); err == nil {
			t.Errorf("New(%d-byte key) succeeded", n)
		}
	}
	if _, err := New(make([]byte, KeySize)); err != nil {
		t.Errorf("New(32-byte key): %v", err)
	}
}

func TestRoundTrip(t *testing.T) {
	b := newBox(t)
	for _, tc := range []struct {
		name      string
		plaintext []byte
		context   string
	}{
		{"empty", []byte{}, "caldav:agent:1"},
		{"app password", []byte("abcd-efgh-ijkl-mnop"), "caldav:agent:42"},
		{"unicode", []byte("pässwörd ✓"), "crm:org:7"},
		{"binary 4 KiB", bytes.Repeat([]byte{0, 255, 7}, 1366), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sealed, err := b.Seal(tc.plaintext, tc.context)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(sealed, "v1:") {
				t.Errorf("sealed %q lacks the version prefix", sealed)
			}
			if len(tc.plaintext) > 3 && strings.Contains(sealed, string(tc.plaintext)) {
				t.Errorf("sealed value contains the plaintext")
			}
			got, err := b.Open(sealed, tc.context)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.plaintext) {
				t.Errorf("Open = %q, want %q", got, tc.plaintext)
			}
		})
	}
}

func TestSealUsesFreshNonce(t *testing.T) {
	b := newBox(t)
	one, _ := b.Seal([]byte("same"), "ctx")
	two, _ := b.Seal([]byte("same"), "ctx")
	if one == two {
		t.Fatalf("two seals of the same plaintext are equal: %q", one)
	}
}

func TestOpenRefuses(t *testing.T) {
	b := newBox(t)
	const ctx = "caldav:agent:42"
	sealed, err := b.Seal([]byte("app-password"), ctx)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(sealed, "v1:"))
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) string {
		c := bytes.Clone(raw)
		c[i] ^= 1
		return "v1:" + base64.RawStdEncoding.EncodeToString(c)
	}

	for _, tc := range []struct {
		name    string
		box     *Box
		sealed  string
		context string
		want    error
	}{
		{"wrong context", b, sealed, "caldav:agent:43", ErrOpen},
		{"empty context", b, sealed, "", ErrOpen},
		{"wrong key", newBox(t), sealed, ctx, ErrOpen},
		{"nonce flipped", b, flip(0), ctx, ErrOpen},
		{"ciphertext flipped", b, flip(13), ctx, ErrOpen},
		{"tag flipped", b, flip(len(raw) - 1), ctx, ErrOpen},
		{"truncated", b, "v1:" + base64.RawStdEncoding.EncodeToString(raw[:len(raw)-1]), ctx, ErrOpen},
		{"too short", b, "v1:" + base64.RawStdEncoding.EncodeToString(raw[:20]), ctx, ErrMalformed},
		{"extended", b, "v1:" + base64.RawStdEncoding.EncodeToString(append(bytes.Clone(raw), 0)), ctx, ErrOpen},
		{"not base64", b, "v1:!!!!", ctx, ErrMalformed},
		{"no version", b, strings.TrimPrefix(sealed, "v1:"), ctx, ErrMalformed},
		{"empty", b, "", ctx, ErrMalformed},
		{"future version", b, "v2:" + strings.TrimPrefix(sealed, "v1:"), ctx, ErrUnsupported},
		{"plaintext stored by mistake", b, "app-password", ctx, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.box.Open(tc.sealed, tc.context)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Open = %q, %v; want error %v", got, err, tc.want)
			}
			if strings.Contains(err.Error(), "app-password") {
				t.Errorf("error %q reveals the plaintext", err)
			}
		})
	}
}

func BenchmarkSealOpen(b *testing.B) {
	box, err := New(make([]byte, KeySize))
	if err != nil {
		b.Fatal(err)
	}
	pw := []byte("abcd-efgh-ijkl-mnop")
	for b.Loop() {
		s, err := box.Seal(pw, "caldav:agent:42")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := box.Open(s, "caldav:agent:42"); err != nil {
			b.Fatal(err)
		}
	}
}
