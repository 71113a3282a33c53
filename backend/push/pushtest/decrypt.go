package pushtest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
)

// decrypt opens an aes128gcm push message (RFC 8188) the way the browser
// holding uaKey and authSecret does (RFC 8291 section 3.4).
func decrypt(body []byte, uaKey *ecdh.PrivateKey, authSecret []byte) ([]byte, error) {
	// Header: salt (16) | record size (4) | key id length (1) | key id.
	const headerLen = 16 + 4 + 1
	if len(body) < headerLen {
		return nil, errors.New("body shorter than the aes128gcm header")
	}
	salt := body[:16]
	rs := binary.BigEndian.Uint32(body[16:20])
	idLen := int(body[20])
	if rs < 18 {
		return nil, fmt.Errorf("record size %d below the minimum of 18", rs)
	}
	if len(body) < headerLen+idLen {
		return nil, errors.New("body shorter than its key id")
	}
	// In Web Push the key id is the sender's ephemeral ECDH public key.
	asPublic := body[headerLen : headerLen+idLen]
	ciphertext := body[headerLen+idLen:]
	// A push message is a single record (RFC 8291 section 4).
	if uint32(len(ciphertext)) > rs {
		return nil, fmt.Errorf("%d bytes of ciphertext exceed the record size %d: more than one record", len(ciphertext), rs)
	}

	asKey, err := ecdh.P256().NewPublicKey(asPublic)
	if err != nil {
		return nil, fmt.Errorf("key id is not a P-256 public key: %w", err)
	}
	ecdhSecret, err := uaKey.ECDH(asKey)
	if err != nil {
		return nil, fmt.Errorf("ecdh: %w", err)
	}
	// IKM = HKDF(salt=auth_secret, ikm=ecdh_secret,
	//            info="WebPush: info" 0x00 ua_public as_public, 32)
	keyInfo := "WebPush: info\x00" + string(uaKey.PublicKey().Bytes()) + string(asPublic)
	ikm, err := hkdf.Key(sha256.New, ecdhSecret, authSecret, keyInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("derive ikm: %w", err)
	}
	prk, err := hkdf.Extract(sha256.New, ikm, salt)
	if err != nil {
		return nil, fmt.Errorf("derive prk: %w", err)
	}
	cek, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, fmt.Errorf("derive content key: %w", err)
	}
	nonce, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, fmt.Errorf("derive nonce: %w", err)
	}

	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, fmt.Errorf("aes: %w", err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("gcm: %w", err)
	}
	// The only record is record 0, whose nonce is NONCE itself.
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, fmt.Errorf("open record: %w", err)
	}
	// Plaintext: data | delimiter | zero padding; the last record's
	// delimiter is 0x02.
	end := len(plain) - 1
	for end >= 0 && plain[end] == 0 {
		end--
	}
	if end < 0 || plain[end] != 2 {
		return nil, errors.New("record lacks the last-record delimiter 0x02")
	}
	return plain[:end], nil
}
