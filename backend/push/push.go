// Package push sends Web Push notifications to agents' browsers, so an agent
// hears about a new conversation or message while the app is closed.
//
// The installation signs its pushes with one VAPID key pair (RFC 8292),
// generated on first start and kept in the database; the app subscribes
// with its public key (Sender.PublicKey) and hands the browser's
// subscription to the server (Sender.Subscribe). Pushes are encrypted for
// each browser (RFC 8291) by github.com/SherClockHolmes/webpush-go.
//
// Notifications are sent by a River job (kind "web_push") queued in the
// transaction that causes them (Enqueue), so a committed message always
// notifies and a rolled-back one never does.
package push

import (
	"context"
	"crypto/ecdh"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"

	"github.com/frontdesk/frontdesk/backend/postgres"
)

// TTL is how long a push service keeps trying to reach a device that is
// offline: a "new message" notification half a day old is noise.
const TTL = 12 * time.Hour

const (
	defaultTimeout = 10 * time.Second
	// parallel bounds the pushes one Send has in flight.
	parallel = 8
	// maxRefusals is how many refusals in a row (statuses that retrying
	// does not change, such as 403 for a subscription made with another
	// key) make a subscription be forgotten.
	maxRefusals = 5
)

// Sender sends notifications to the subscribed browsers of agents.
type Sender struct {
	db            *postgres.DB
	subscriber    string // the VAPID contact, as webpush-go wants it
	pub, priv     string
	client        *http.Client
	timeout       time.Duration
	allowLoopback bool
	log           *slog.Logger
}

// Option adjusts a Sender.
type Option func(*Sender)

// WithTimeout bounds one push request (default 10s).
func WithTimeout(d time.Duration) Option { return func(s *Sender) { s.timeout = d } }

// AllowLoopback lets subscriptions point at push services on loopback, over
// http or https. Only tests want it: their push service (pushtest) runs
// there, and in production such an endpoint would reach the server itself.
func AllowLoopback() Option { return func(s *Sender) { s.allowLoopback = true } }

// New returns a Sender signing with the installation's VAPID keys, which it
// generates and stores on first use, the private key sealed by box.
// subject is the contact push services may use about abuse or problems:
// "mailto:ops@example.com" or an https URL.
func New(ctx context.Context, db *postgres.DB, box postgres.Sealer, subject string, log *slog.Logger, opts ...Option) (*Sender, error) {
	subscriber, err := parseSubject(subject)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	pub, priv, err := db.VAPIDKeys(ctx, box, generateKeys)
	if err != nil {
		return nil, fmt.Errorf("push: vapid keys: %w", err)
	}
	if err := checkKeyPair(pub, priv); err != nil {
		return nil, fmt.Errorf("push: stored vapid keys: %w", err)
	}
	s := &Sender{db: db, subscriber: subscriber, pub: pub, priv: priv, timeout: defaultTimeout, log: log}
	for _, opt := range opts {
		opt(s)
	}
	dialer := &net.Dialer{
		Timeout: s.timeout,
		Control: func(network, address string, _ syscall.RawConn) error { return s.dialGuard(network, address) },
	}
	s.client = &http.Client{
		Timeout: s.timeout,
		Transport: &http.Transport{
			DialContext:         dialer.DialContext,
			TLSHandshakeTimeout: s.timeout,
			ForceAttemptHTTP2:   true,
			MaxIdleConnsPerHost: parallel,
			IdleConnTimeout:     90 * time.Second,
		},
		// Push services answer; they do not redirect. Following a redirect
		// would let an endpoint send the server somewhere else.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return s, nil
}

// PublicKey is the VAPID public key (base64url) the app passes to
// pushManager.subscribe as applicationServerKey.
func (s *Sender) PublicKey() string { return s.pub }

// Send pushes p to every subscribed browser of the given agents now. A
// subscription the push service no longer knows is forgotten. It returns
// the failures worth retrying, joined; callers that need retries queue a
// job with Enqueue instead.
func (s *Sender) Send(ctx context.Context, agentIDs []int64, p Payload) error {
	res, err := s.send(ctx, agentIDs, nil, p, TTL)
	if err != nil {
		return err
	}
	return res.err
}

// result is how one send went: how many subscriptions are settled
// (delivered, or dropped for good) and which may succeed if tried again.
type result struct {
	settled int
	retry   []int64 // subscription ids
	err     error   // why those failed, joined
}

// outcome is how one push went.
type outcome int

const (
	delivered outcome = iota // the push service accepted it
	dropped                  // it will never be accepted: gone, refused, too large
	failed                   // trying again may work
)

// send pushes p to the subscriptions of agentIDs, only to those in only
// when it is not empty.
func (s *Sender) send(ctx context.Context, agentIDs, only []int64, p Payload, ttl time.Duration) (result, error) {
	body, err := p.encode()
	if err != nil {
		return result{}, err
	}
	subs, err := s.db.PushSubscriptions(ctx, agentIDs)
	if err != nil {
		return result{}, fmt.Errorf("push: %w", err)
	}
	if len(only) > 0 {
		subs = keep(subs, only)
	}
	opts := webpush.Options{
		HTTPClient:      s.client,
		Subscriber:      s.subscriber,
		TTL:             int(math.Ceil(ttl.Seconds())),
		Topic:           topic(p.Tag),
		Urgency:         webpush.UrgencyHigh, // someone is waiting for an answer
		VAPIDPublicKey:  s.pub,
		VAPIDPrivateKey: s.priv,
	}

	outcomes := make([]outcome, len(subs))
	errs := make([]error, len(subs))
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, sub := range subs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			outcomes[i], errs[i] = s.push(ctx, sub, body, opts)
		})
	}
	wg.Wait()

	var res result
	for i, o := range outcomes {
		if o == failed {
			res.retry = append(res.retry, subs[i].ID)
		} else {
			res.settled++
		}
	}
	res.err = errors.Join(errs...)
	return res, nil
}

// push sends one encrypted push and records how it went.
func (s *Sender) push(ctx context.Context, sub postgres.PushSubscription, body []byte, opts webpush.Options) (outcome, error) {
	host := endpointHost(sub.Endpoint)
	log := s.log.With(slog.Int64("agent_id", sub.AgentID), slog.Int64("subscription_id", sub.ID), slog.String("push_service", host))
	// webpush-go appends padding to the message in place; capping the
	// capacity makes it copy, so concurrent pushes can share body.
	resp, err := webpush.SendNotificationWithContext(ctx, body[:len(body):len(body)], &webpush.Subscription{
		Endpoint: sub.Endpoint,
		Keys:     webpush.Keys{P256dh: sub.P256dh, Auth: sub.Auth},
	}, &opts)
	if err != nil {
		var urlErr *url.Error
		if errors.Is(err, errNotPublic) {
			log.WarnContext(ctx, "push: endpoint resolves to an address that is not public", slog.Any("err", err))
			s.refused(ctx, sub, log)
			return dropped, nil
		}
		if errors.As(err, &urlErr) { // the request did not get an answer
			s.countFailure(ctx, sub, log)
			return failed, fmt.Errorf("push to %s: %w", host, err)
		}
		// Encrypting for the stored keys failed; that will not change.
		log.WarnContext(ctx, "push: cannot encrypt for subscription", slog.Any("err", err))
		s.refused(ctx, sub, log)
		return dropped, nil
	}
	defer resp.Body.Close()
	detail, _ := io.ReadAll(io.LimitReader(resp.Body, 512))

	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		if err := s.db.PushDelivered(ctx, sub.Endpoint); err != nil {
			log.WarnContext(ctx, "push: record delivery", slog.Any("err", err))
		}
		return delivered, nil
	case code == http.StatusNotFound || code == http.StatusGone:
		// The browser unsubscribed or the subscription expired.
		if err := s.db.PushGone(ctx, sub.Endpoint); err != nil {
			log.WarnContext(ctx, "push: forget gone subscription", slog.Any("err", err))
		}
		log.InfoContext(ctx, "push: subscription gone", slog.Int("status", code))
		return dropped, nil
	case code == http.StatusRequestEntityTooLarge:
		log.ErrorContext(ctx, "push: payload too large", slog.Int("bytes", len(body)))
		return dropped, nil
	case code == http.StatusTooManyRequests || code >= 500:
		s.countFailure(ctx, sub, log)
		return failed, fmt.Errorf("push to %s: %s: %s", host, resp.Status, strings.TrimSpace(string(detail)))
	default:
		log.WarnContext(ctx, "push: refused", slog.Int("status", code), slog.String("detail", string(detail)))
		s.refused(ctx, sub, log)
		return dropped, nil
	}
}

func (s *Sender) countFailure(ctx context.Context, sub postgres.PushSubscription, log *slog.Logger) int {
	n, err := s.db.PushFailed(ctx, sub.Endpoint)
	if err != nil {
		log.WarnContext(ctx, "push: record failure", slog.Any("err", err))
	}
	return n
}

// refused counts a refusal and forgets the subscription after maxRefusals
// in a row: it is broken for good, and every push to it is wasted.
func (s *Sender) refused(ctx context.Context, sub postgres.PushSubscription, log *slog.Logger) {
	if s.countFailure(ctx, sub, log) < maxRefusals {
		return
	}
	if err := s.db.PushGone(ctx, sub.Endpoint); err != nil {
		log.WarnContext(ctx, "push: forget refused subscription", slog.Any("err", err))
		return
	}
	log.WarnContext(ctx, "push: forgot a subscription refused too often", slog.Int("refusals", maxRefusals))
}

func keep(subs []postgres.PushSubscription, ids []int64) []postgres.PushSubscription {
	want := make(map[int64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	out := subs[:0]
	for _, s := range subs {
		if want[s.ID] {
			out = append(out, s)
		}
	}
	return out
}

// endpointHost names a push service in logs; the full endpoint is a
// capability to push to one browser and stays out of them.
func endpointHost(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil {
		return u.Host
	}
	return "?"
}

// parseSubject checks the VAPID contact and returns it as webpush-go wants
// it: webpush-go prefixes "mailto:" to anything that is not an https URL,
// so an email address goes without it.
func parseSubject(subject string) (string, error) {
	if addr, ok := strings.CutPrefix(subject, "mailto:"); ok {
		if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr {
			return "", fmt.Errorf("push: subject %q is not a mailto: address", subject)
		}
		return addr, nil
	}
	if u, err := url.Parse(subject); err == nil && u.Scheme == "https" && u.Host != "" {
		return subject, nil
	}
	return "", fmt.Errorf("push: subject %q is neither a mailto: address nor an https URL", subject)
}

// generateKeys makes a VAPID key pair, in the order the store takes it.
func generateKeys() (pub, priv string, err error) {
	priv, pub, err = webpush.GenerateVAPIDKeys()
	return pub, priv, err
}

// checkKeyPair verifies that priv is a P-256 private key whose public key is
// pub, both base64url, so a damaged row fails at start-up rather than at
// every push.
func checkKeyPair(pub, priv string) error {
	d, err := decodeKey(priv)
	if err != nil {
		return fmt.Errorf("private key: %w", err)
	}
	key, err := ecdh.P256().NewPrivateKey(d)
	if err != nil {
		return fmt.Errorf("private key: %w", err)
	}
	p, err := decodeKey(pub)
	if err != nil {
		return fmt.Errorf("public key: %w", err)
	}
	if string(key.PublicKey().Bytes()) != string(p) {
		return errors.New("public key does not belong to the private key")
	}
	return nil
}
