// Package pushtest runs a Web Push service on loopback for tests, standing in
// for the browsers' push services (FCM, Mozilla autopush, Apple), which tests
// cannot reach.
//
// It checks what a real push service checks: the VAPID authorization
// (RFC 8292: an ES256 JWT signed by the key it names, for this service's
// origin, not expired, with a contact), the TTL header (RFC 8030) and the
// size limit. Unlike a real push service it also plays the browser: it
// creates each subscription's key pair and authentication secret itself, so
// it can decrypt every aes128gcm message (RFC 8188, RFC 8291) and keep the
// JSON the service worker would have received.
//
// It can be told to answer 410 Gone for a subscription, as a push service
// does once the browser unsubscribed, or to fail the next pushes with any
// status.
package pushtest

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// MaxMessageBytes is the largest push body the service accepts, the limit
// RFC 8291 section 4 sets and every real push service enforces.
const MaxMessageBytes = 4096

// Server is a push service listening on 127.0.0.1 until the test ends.
type Server struct {
	// URL is the service's origin, the audience VAPID tokens must name.
	URL string

	t   testing.TB
	srv *httptest.Server
	now func() time.Time

	mu         sync.Mutex
	subs       map[string]*state
	rejections []Rejection
}

// Subscription is what the browser's PushSubscription.toJSON() would hold
// for a subscription made on this service.
type Subscription struct {
	ID       string
	Endpoint string
	// P256dh is the browser's P-256 public key and Auth its 16-byte
	// authentication secret, both unpadded base64url as browsers give them.
	P256dh string
	Auth   string
}

// JSON returns the subscription exactly as a browser serialises it.
func (s Subscription) JSON() []byte {
	b, _ := json.Marshal(map[string]any{ // a map of strings cannot fail to marshal
		"endpoint":       s.Endpoint,
		"expirationTime": nil,
		"keys":           map[string]string{"p256dh": s.P256dh, "auth": s.Auth},
	})
	return b
}

// Message is one push the service accepted, decrypted.
type Message struct {
	// Payload is the decrypted body: what the service worker's push event
	// would read with event.data.
	Payload []byte
	TTL     int
	Urgency string // empty when the sender set none
	Topic   string
	// Subject is the JWT's sub claim (the sender's contact) and VAPIDKey
	// the public key it was verified with, base64url.
	Subject  string
	VAPIDKey string
	Received time.Time
}

// Rejection is a push the service refused, and why.
type Rejection struct {
	SubscriptionID string
	Status         int
	Reason         string
}

// state is the service's and the browser's side of one subscription.
type state struct {
	key          *ecdh.PrivateKey
	authSecret   []byte
	appServerKey []byte // the VAPID key the subscription is bound to; nil accepts any
	gone         bool
	failNext     []int
	messages     []Message
}

// Start runs a push service until t ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, now: time.Now, subs: make(map[string]*state)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /push/{id}", s.handlePush)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// NewSubscription creates a subscription that accepts pushes signed with
// any VAPID key.
func (s *Server) NewSubscription() Subscription {
	s.t.Helper()
	return s.newSubscription(nil)
}

// NewSubscriptionForKey creates a subscription bound to one VAPID public key
// (base64url), as browsers do with applicationServerKey: pushes signed with
// another key get 403 Forbidden.
func (s *Server) NewSubscriptionForKey(vapidPublicKey string) Subscription {
	s.t.Helper()
	k, err := base64.RawURLEncoding.DecodeString(vapidPublicKey)
	if err != nil {
		s.t.Fatalf("pushtest: vapid public key: %v", err)
	}
	return s.newSubscription(k)
}

func (s *Server) newSubscription(appServerKey []byte) Subscription {
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		s.t.Fatalf("pushtest: generate subscription key: %v", err)
	}
	secret := make([]byte, 16)
	rand.Read(secret)
	idBytes := make([]byte, 16)
	rand.Read(idBytes)
	id := hex.EncodeToString(idBytes)

	s.mu.Lock()
	s.subs[id] = &state{key: key, authSecret: secret, appServerKey: appServerKey}
	s.mu.Unlock()
	return Subscription{
		ID:       id,
		Endpoint: s.URL + "/push/" + id,
		P256dh:   base64.RawURLEncoding.EncodeToString(key.PublicKey().Bytes()),
		Auth:     base64.RawURLEncoding.EncodeToString(secret),
	}
}

// Gone makes the service answer 410 Gone to every later push to sub, as
// when the browser unsubscribed.
func (s *Server) Gone(sub Subscription) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.subs[sub.ID]; st != nil {
		st.gone = true
	}
}

// Fail makes the service answer status to the next n pushes to sub (that
// pass authorization), then accept again.
func (s *Server) Fail(sub Subscription, status, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.subs[sub.ID]; st != nil {
		for range n {
			st.failNext = append(st.failNext, status)
		}
	}
}

// Messages returns the pushes accepted for sub, oldest first.
func (s *Server) Messages(sub Subscription) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.subs[sub.ID]; st != nil {
		return append([]Message(nil), st.messages...)
	}
	return nil
}

// Rejections returns every push the service refused, oldest first.
func (s *Server) Rejections() []Rejection {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Rejection(nil), s.rejections...)
}

// refusal is a push the service answers with an error status.
type refusal struct {
	status int
	reason string
}

func (r *refusal) Error() string { return r.reason }

func refuse(status int, format string, args ...any) error {
	return &refusal{status: status, reason: fmt.Sprintf(format, args...)}
}

func (s *Server) handlePush(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	n, err := s.accept(r, id)
	if err != nil {
		status := http.StatusBadRequest
		var ref *refusal
		if errors.As(err, &ref) {
			status = ref.status
		}
		s.mu.Lock()
		s.rejections = append(s.rejections, Rejection{SubscriptionID: id, Status: status, Reason: err.Error()})
		s.mu.Unlock()
		http.Error(w, err.Error(), status)
		return
	}
	w.Header().Set("Location", s.URL+"/message/"+id+"/"+strconv.Itoa(n))
	w.WriteHeader(http.StatusCreated)
}

// accept checks a push request in the order a push service does (who is
// it for, who sent it, is it well-formed), records it and returns its
// number among the subscription's messages.
func (s *Server) accept(r *http.Request, id string) (int, error) {
	s.mu.Lock()
	st := s.subs[id]
	s.mu.Unlock()
	if st == nil {
		return 0, refuse(http.StatusNotFound, "no such subscription")
	}

	subject, vapidKey, err := verifyVAPID(r.Header.Get("Authorization"), s.URL, s.now())
	if err != nil {
		return 0, refuse(http.StatusUnauthorized, "vapid: %v", err)
	}
	if st.appServerKey != nil && string(vapidKey) != string(st.appServerKey) {
		return 0, refuse(http.StatusForbidden, "vapid: key differs from the subscription's applicationServerKey")
	}

	s.mu.Lock()
	gone := st.gone
	var failWith int
	if !gone && len(st.failNext) > 0 {
		failWith, st.failNext = st.failNext[0], st.failNext[1:]
	}
	s.mu.Unlock()
	if gone {
		return 0, refuse(http.StatusGone, "subscription expired or unsubscribed")
	}
	if failWith != 0 {
		return 0, refuse(failWith, "failing on request")
	}

	msg := Message{Subject: subject, VAPIDKey: base64.RawURLEncoding.EncodeToString(vapidKey), Received: s.now()}
	if msg.TTL, err = strconv.Atoi(r.Header.Get("TTL")); err != nil || msg.TTL < 0 {
		return 0, refuse(http.StatusBadRequest, "missing or invalid TTL header %q", r.Header.Get("TTL"))
	}
	msg.Urgency = r.Header.Get("Urgency")
	switch msg.Urgency {
	case "", "very-low", "low", "normal", "high":
	default:
		return 0, refuse(http.StatusBadRequest, "invalid Urgency header %q", msg.Urgency)
	}
	msg.Topic = r.Header.Get("Topic")
	if len(msg.Topic) > 32 || !isBase64URL(msg.Topic) {
		return 0, refuse(http.StatusBadRequest, "invalid Topic header %q", msg.Topic)
	}
	if enc := r.Header.Get("Content-Encoding"); enc != "aes128gcm" {
		return 0, refuse(http.StatusUnsupportedMediaType, "content encoding %q, want aes128gcm", enc)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxMessageBytes+1))
	if err != nil {
		return 0, refuse(http.StatusBadRequest, "read body: %v", err)
	}
	if len(body) > MaxMessageBytes {
		return 0, refuse(http.StatusRequestEntityTooLarge, "body larger than %d bytes", MaxMessageBytes)
	}
	if msg.Payload, err = decrypt(body, st.key, st.authSecret); err != nil {
		return 0, refuse(http.StatusBadRequest, "decrypt: %v", err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st.messages = append(st.messages, msg)
	return len(st.messages), nil
}

func isBase64URL(s string) bool {
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
