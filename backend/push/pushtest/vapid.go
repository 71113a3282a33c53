package pushtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// maxTokenLifetime is how far in the future a VAPID token may expire
// (RFC 8292 section 2).
const maxTokenLifetime = 24 * time.Hour

// verifyVAPID checks an Authorization header of the form
// "vapid t=<JWT>, k=<public key>" (RFC 8292 section 3) for a push service at
// origin, and returns the token's subject and the verified public key.
func verifyVAPID(header, origin string, now time.Time) (subject string, key []byte, err error) {
	scheme, params, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "vapid") {
		return "", nil, errors.New("authorization scheme is not vapid")
	}
	var token, k string
	for _, p := range strings.Split(params, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
		switch strings.ToLower(name) {
		case "t":
			token = value
		case "k":
			k = value
		}
	}
	if token == "" || k == "" {
		return "", nil, errors.New("authorization lacks t or k")
	}
	key, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(k, "="))
	if err != nil {
		return "", nil, fmt.Errorf("k is not base64url: %w", err)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), key)
	if err != nil {
		return "", nil, fmt.Errorf("k is not a P-256 public key: %w", err)
	}

	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", nil, errors.New("t is not a JWT")
	}
	var jose struct {
		Alg string `json:"alg"`
	}
	if err := decodeSegment(parts[0], &jose); err != nil {
		return "", nil, fmt.Errorf("jwt header: %w", err)
	}
	if jose.Alg != "ES256" {
		return "", nil, fmt.Errorf("jwt alg %q, want ES256", jose.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return "", nil, errors.New("jwt signature is not 64 bytes of base64url")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	if !ecdsa.Verify(pub, digest[:], r, s) {
		return "", nil, errors.New("jwt signature does not verify with k")
	}

	var claims struct {
		Aud string      `json:"aud"`
		Exp json.Number `json:"exp"`
		Sub string      `json:"sub"`
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return "", nil, fmt.Errorf("jwt claims: %w", err)
	}
	if claims.Aud != origin {
		return "", nil, fmt.Errorf("jwt aud %q, want %q", claims.Aud, origin)
	}
	exp, err := claims.Exp.Int64()
	if err != nil {
		return "", nil, fmt.Errorf("jwt exp %q is not a number", claims.Exp)
	}
	switch expires := time.Unix(exp, 0); {
	case !expires.After(now):
		return "", nil, fmt.Errorf("jwt expired at %s", expires.UTC().Format(time.RFC3339))
	case expires.After(now.Add(maxTokenLifetime)):
		return "", nil, fmt.Errorf("jwt expires more than %s ahead", maxTokenLifetime)
	}
	if !strings.HasPrefix(claims.Sub, "mailto:") && !strings.HasPrefix(claims.Sub, "https:") {
		return "", nil, fmt.Errorf("jwt sub %q is not a mailto: or https: contact", claims.Sub)
	}
	return claims.Sub, key, nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return fmt.Errorf("not base64url: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return nil
}
