package pushtest

import (
	"crypto/ecdh"
	"encoding/base64"
	"strings"
	"testing"
)

// The example of RFC 8291 section 5 (its keys in appendix A): an
// independent check that decrypt follows the RFC rather than agreeing with
// whatever the sender under test does.
const (
	rfcUAPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
	rfcUAPublic  = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
	rfcAuth      = "BTBZMqHH6r4Tts7J_aSIgg"
	rfcBody      = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
	rfcPlain     = "When I grow up, I want to be a watermelon"
)

func b64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	return b
}

func TestDecryptRFC8291Example(t *testing.T) {
	key, err := ecdh.P256().NewPrivateKey(b64(t, rfcUAPrivate))
	if err != nil {
		t.Fatal(err)
	}
	if got := base64.RawURLEncoding.EncodeToString(key.PublicKey().Bytes()); got != rfcUAPublic {
		t.Fatalf("ua public key = %s, want %s", got, rfcUAPublic)
	}
	body := b64(t, rfcBody)
	auth := b64(t, rfcAuth)

	plain, err := decrypt(body, key, auth)
	if err != nil {
		t.Fatalf("decrypt: %v", err)
	}
	if string(plain) != rfcPlain {
		t.Fatalf("plaintext = %q, want %q", plain, rfcPlain)
	}

	tests := []struct {
		name   string
		mutate func(body, auth []byte) ([]byte, []byte)
		want   string
	}{
		{"flipped ciphertext byte", func(b, a []byte) ([]byte, []byte) { b[len(b)-1] ^= 1; return b, a }, "open record"},
		{"flipped salt byte", func(b, a []byte) ([]byte, []byte) { b[0] ^= 1; return b, a }, "open record"},
		{"other auth secret", func(b, a []byte) ([]byte, []byte) { a[0] ^= 1; return b, a }, "open record"},
		{"key id not a point", func(b, a []byte) ([]byte, []byte) { b[22] ^= 1; return b, a }, "not a P-256 public key"},
		{"truncated header", func(b, a []byte) ([]byte, []byte) { return b[:10], a }, "shorter than the aes128gcm header"},
		{"record size below minimum", func(b, a []byte) ([]byte, []byte) { b[16], b[17], b[18], b[19] = 0, 0, 0, 17; return b, a }, "below the minimum"},
		{"two records", func(b, a []byte) ([]byte, []byte) { b[16], b[17], b[18], b[19] = 0, 0, 0, 18; return b, a }, "more than one record"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, a := tt.mutate(append([]byte(nil), body...), append([]byte(nil), auth...))
			_, err := decrypt(b, key, a)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("decrypt error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
