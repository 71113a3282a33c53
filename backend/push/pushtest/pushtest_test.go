package pushtest_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"

	"github.com/frontdesk/frontdesk/backend/push/pushtest"
)

// vapid is a key pair in webpush-go's encoding, with the key itself for
// signing tokens by hand.
type vapid struct {
	pub, priv string
	key       *ecdsa.PrivateKey
}

func newVAPID(t *testing.T) vapid {
	t.Helper()
	priv, pub, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		t.Fatal(err)
	}
	d, err := base64.RawURLEncoding.DecodeString(priv)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
	if err != nil {
		t.Fatal(err)
	}
	return vapid{pub: pub, priv: priv, key: key}
}

// sign makes an ES256 JWT with claims, as RFC 7515 lays it out.
func (v vapid) sign(t *testing.T, header string, claims map[string]any) string {
	t.Helper()
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	input := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString(c)
	digest := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, v.key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// tamperClient lets a test change webpush-go's request before it is sent.
type tamperClient func(*http.Request)

func (f tamperClient) Do(r *http.Request) (*http.Response, error) {
	if f != nil {
		f(r)
	}
	return http.DefaultClient.Do(r)
}

func setBody(r *http.Request, b []byte) {
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
}

func readBody(t *testing.T, r *http.Request) []byte {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// authParts splits "vapid t=…, k=…".
func authParts(r *http.Request) (token, key string) {
	_, params, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	for _, p := range strings.Split(params, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
		switch name {
		case "t":
			token = value
		case "k":
			key = value
		}
	}
	return token, key
}

func send(t *testing.T, sub pushtest.Subscription, v vapid, payload []byte, tamper tamperClient) int {
	t.Helper()
	resp, err := webpush.SendNotificationWithContext(context.Background(), payload,
		&webpush.Subscription{Endpoint: sub.Endpoint, Keys: webpush.Keys{P256dh: sub.P256dh, Auth: sub.Auth}},
		&webpush.Options{
			HTTPClient: tamper, Subscriber: "ops@example.com", TTL: 60, Urgency: webpush.UrgencyHigh, Topic: "conv-1",
			VAPIDPublicKey: v.pub, VAPIDPrivateKey: v.priv,
		})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	defer resp.Body.Close()
	return resp.StatusCode
}

func TestServerAcceptsAndDecrypts(t *testing.T) {
	srv := pushtest.Start(t)
	sub := srv.NewSubscription()
	v := newVAPID(t)
	payload := []byte(`{"title":"New message","body":"Hello"}`)

	if got := send(t, sub, v, payload, nil); got != http.StatusCreated {
		t.Fatalf("status = %d, want 201; rejections: %+v", got, srv.Rejections())
	}
	msgs := srv.Messages(sub)
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if string(m.Payload) != string(payload) {
		t.Errorf("payload = %q, want %q", m.Payload, payload)
	}
	if m.TTL != 60 || m.Urgency != "high" || m.Topic != "conv-1" {
		t.Errorf("TTL, Urgency, Topic = %d, %q, %q; want 60, high, conv-1", m.TTL, m.Urgency, m.Topic)
	}
	if m.Subject != "mailto:ops@example.com" || m.VAPIDKey != v.pub {
		t.Errorf("subject, key = %q, %q; want mailto:ops@example.com, %s", m.Subject, m.VAPIDKey, v.pub)
	}
	// The browser-side JSON is what a handler receives.
	var js struct {
		Endpoint string
		Keys     struct{ P256dh, Auth string }
	}
	if err := json.Unmarshal(sub.JSON(), &js); err != nil || js.Endpoint != sub.Endpoint || js.Keys.P256dh != sub.P256dh || js.Keys.Auth != sub.Auth {
		t.Errorf("JSON() = %s (%v)", sub.JSON(), err)
	}
}

// TestServerRejects tampers with a valid push in every way a push service
// must notice.
func TestServerRejects(t *testing.T) {
	srv := pushtest.Start(t)
	v := newVAPID(t)
	other := newVAPID(t)
	header := `{"typ":"JWT","alg":"ES256"}`
	claims := func(aud string, exp time.Time, sub string) map[string]any {
		c := map[string]any{"aud": aud, "exp": exp.Unix()}
		if sub != "" {
			c["sub"] = sub
		}
		return c
	}
	setToken := func(r *http.Request, token, key string) {
		r.Header.Set("Authorization", "vapid t="+token+", k="+key)
	}
	later := time.Now().Add(time.Hour)

	tests := []struct {
		name   string
		tamper func(t *testing.T, r *http.Request)
		want   int
		reason string
	}{
		{"signature tampered", func(t *testing.T, r *http.Request) {
			token, key := authParts(r)
			dot := strings.LastIndex(token, ".")
			sig, err := base64.RawURLEncoding.DecodeString(token[dot+1:])
			if err != nil {
				t.Fatal(err)
			}
			sig[5] ^= 0x01
			setToken(r, token[:dot+1]+base64.RawURLEncoding.EncodeToString(sig), key)
		}, http.StatusUnauthorized, "signature does not verify"},
		{"signed by another key", func(t *testing.T, r *http.Request) {
			setToken(r, other.sign(t, header, claims(srv.URL, later, "mailto:ops@example.com")), v.pub)
		}, http.StatusUnauthorized, "signature does not verify"},
		{"k names another key", func(t *testing.T, r *http.Request) {
			token, _ := authParts(r)
			setToken(r, token, other.pub)
		}, http.StatusUnauthorized, "signature does not verify"},
		{"audience of another service", func(t *testing.T, r *http.Request) {
			setToken(r, v.sign(t, header, claims("https://push.example", later, "mailto:ops@example.com")), v.pub)
		}, http.StatusUnauthorized, "jwt aud"},
		{"expired", func(t *testing.T, r *http.Request) {
			setToken(r, v.sign(t, header, claims(srv.URL, time.Now().Add(-time.Minute), "mailto:ops@example.com")), v.pub)
		}, http.StatusUnauthorized, "jwt expired"},
		{"expires beyond 24h", func(t *testing.T, r *http.Request) {
			setToken(r, v.sign(t, header, claims(srv.URL, time.Now().Add(25*time.Hour), "mailto:ops@example.com")), v.pub)
		}, http.StatusUnauthorized, "more than 24h0m0s ahead"},
		{"no contact", func(t *testing.T, r *http.Request) {
			setToken(r, v.sign(t, header, claims(srv.URL, later, "")), v.pub)
		}, http.StatusUnauthorized, "jwt sub"},
		{"alg none", func(t *testing.T, r *http.Request) {
			token := v.sign(t, `{"typ":"JWT","alg":"none"}`, claims(srv.URL, later, "mailto:ops@example.com"))
			setToken(r, token, v.pub)
		}, http.StatusUnauthorized, "want ES256"},
		{"no authorization", func(t *testing.T, r *http.Request) { r.Header.Del("Authorization") }, http.StatusUnauthorized, "not vapid"},
		{"no TTL", func(t *testing.T, r *http.Request) { r.Header.Del("TTL") }, http.StatusBadRequest, "TTL header"},
		{"bad urgency", func(t *testing.T, r *http.Request) { r.Header.Set("Urgency", "urgent") }, http.StatusBadRequest, "Urgency header"},
		{"old encoding", func(t *testing.T, r *http.Request) { r.Header.Set("Content-Encoding", "aesgcm") }, http.StatusUnsupportedMediaType, "want aes128gcm"},
		{"ciphertext tampered", func(t *testing.T, r *http.Request) {
			b := readBody(t, r)
			b[len(b)-1] ^= 1
			setBody(r, b)
		}, http.StatusBadRequest, "decrypt: open record"},
		{"too large", func(t *testing.T, r *http.Request) {
			setBody(r, append(readBody(t, r), make([]byte, 100)...))
		}, http.StatusRequestEntityTooLarge, "larger than 4096"},
		{"unknown subscription", func(t *testing.T, r *http.Request) {
			r.URL.Path = "/push/0000"
		}, http.StatusNotFound, "no such subscription"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := srv.NewSubscription()
			got := send(t, sub, v, []byte(`{"title":"x"}`), func(r *http.Request) { tt.tamper(t, r) })
			if got != tt.want {
				t.Fatalf("status = %d, want %d; rejections: %+v", got, tt.want, srv.Rejections())
			}
			rej := srv.Rejections()
			if last := rej[len(rej)-1]; !strings.Contains(last.Reason, tt.reason) {
				t.Fatalf("refused because %q, want a reason containing %q", last.Reason, tt.reason)
			}
			if n := len(srv.Messages(sub)); n != 0 {
				t.Fatalf("%d messages recorded for a refused push", n)
			}
		})
	}

	// The untampered push still goes through: the cases above fail for
	// their tampering, not for the way they were sent.
	sub := srv.NewSubscription()
	if got := send(t, sub, v, []byte(`{"title":"x"}`), nil); got != http.StatusCreated {
		t.Fatalf("untampered push: status = %d, want 201", got)
	}
	if n := len(srv.Rejections()); n != len(tests) {
		t.Errorf("%d rejections recorded, want %d", n, len(tests))
	}
}

func TestServerWrongAuthSecret(t *testing.T) {
	srv := pushtest.Start(t)
	sub := srv.NewSubscription()
	sub.Auth = base64.RawURLEncoding.EncodeToString([]byte("0123456789abcdef"))
	if got := send(t, sub, newVAPID(t), []byte(`{}`), nil); got != http.StatusBadRequest {
		t.Fatalf("status = %d, want 400", got)
	}
}

func TestServerGoneAndFail(t *testing.T) {
	srv := pushtest.Start(t)
	v := newVAPID(t)
	gone, flaky := srv.NewSubscription(), srv.NewSubscription()
	srv.Gone(gone)
	srv.Fail(flaky, http.StatusServiceUnavailable, 2)

	for i, want := range []int{http.StatusGone, http.StatusGone} {
		if got := send(t, gone, v, []byte(`{}`), nil); got != want {
			t.Errorf("gone push %d: status = %d, want %d", i, got, want)
		}
	}
	for i, want := range []int{http.StatusServiceUnavailable, http.StatusServiceUnavailable, http.StatusCreated} {
		if got := send(t, flaky, v, []byte(`{}`), nil); got != want {
			t.Errorf("flaky push %d: status = %d, want %d", i, got, want)
		}
	}
	if n := len(srv.Messages(flaky)); n != 1 {
		t.Errorf("flaky subscription has %d messages, want 1", n)
	}
}

func TestServerBoundKey(t *testing.T) {
	srv := pushtest.Start(t)
	v, other := newVAPID(t), newVAPID(t)
	sub := srv.NewSubscriptionForKey(v.pub)
	if got := send(t, sub, other, []byte(`{}`), nil); got != http.StatusForbidden {
		t.Errorf("push signed with another key: status = %d, want 403", got)
	}
	if got := send(t, sub, v, []byte(`{}`), nil); got != http.StatusCreated {
		t.Errorf("push signed with the bound key: status = %d, want 201", got)
	}
}
