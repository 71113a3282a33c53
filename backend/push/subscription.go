package push

import (
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"

	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// Subscription is a browser's push subscription as PushSubscription.toJSON()
// (and go-app's NotificationService.Subscribe) gives it:
//
//	{"endpoint": "https://…", "expirationTime": null,
//	 "keys": {"p256dh": "…", "auth": "…"}}
type Subscription struct {
	Endpoint string `json:"endpoint"`
	// ExpirationTime is accepted so the browser's JSON decodes strictly,
	// and ignored: push services answer 410 once a subscription expired.
	ExpirationTime *float64         `json:"expirationTime,omitempty"`
	Keys           SubscriptionKeys `json:"keys"`
}

// SubscriptionKeys are the browser's P-256 public key and its 16-byte
// authentication secret, base64url.
type SubscriptionKeys struct {
	P256dh string `json:"p256dh"`
	Auth   string `json:"auth"`
}

const (
	maxEndpointBytes = 2000
	maxUserAgent     = 500
)

// Validate reports what is wrong with a subscription an agent's browser
// sent, as per-field problems (a 422 model.Error). The endpoint must be an
// https URL of a public host: the server will POST to it, so it must not
// reach inside the network. Senders built with AllowLoopback also accept
// http and https endpoints on loopback, where tests run their push service.
func (s *Sender) Validate(sub Subscription) error {
	var f model.Fields
	if err := s.checkEndpoint(sub.Endpoint); err != "" {
		f.Add("endpoint", err)
	}
	if b, err := decodeKey(sub.Keys.P256dh); err != nil {
		f.Add("keys.p256dh", "must be base64url")
	} else if _, err := ecdh.P256().NewPublicKey(b); err != nil {
		f.Add("keys.p256dh", "must be an uncompressed P-256 public key (65 bytes)")
	}
	if b, err := decodeKey(sub.Keys.Auth); err != nil {
		f.Add("keys.auth", "must be base64url")
	} else if len(b) != 16 {
		f.Add("keys.auth", "must be 16 bytes")
	}
	return f.Err()
}

// Subscribe validates sub and stores it for an agent, re-binding it if the
// browser was subscribed for another agent. userAgent (the request's
// User-Agent) only helps an agent recognise their devices.
func (s *Sender) Subscribe(ctx context.Context, orgID, agentID int64, sub Subscription, userAgent string) error {
	if err := s.Validate(sub); err != nil {
		return err
	}
	err := s.db.SavePushSubscription(ctx, orgID, agentID, postgres.NewPushSubscription{
		Endpoint:  sub.Endpoint,
		P256dh:    sub.Keys.P256dh,
		Auth:      sub.Keys.Auth,
		UserAgent: truncate(userAgent, maxUserAgent),
	})
	if err != nil {
		return fmt.Errorf("push: subscribe: %w", err)
	}
	return nil
}

// Unsubscribe forgets an agent's subscription; forgetting one that is not
// there is not an error.
func (s *Sender) Unsubscribe(ctx context.Context, orgID, agentID int64, endpoint string) error {
	if err := s.db.DeletePushSubscription(ctx, orgID, agentID, endpoint); err != nil {
		return fmt.Errorf("push: unsubscribe: %w", err)
	}
	return nil
}

// checkEndpoint returns what is wrong with endpoint, or "".
func (s *Sender) checkEndpoint(endpoint string) string {
	if endpoint == "" {
		return "required"
	}
	if len(endpoint) > maxEndpointBytes {
		return fmt.Sprintf("at most %d bytes", maxEndpointBytes)
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		return "must be a push service URL"
	}
	loopback := isLoopbackHost(u.Hostname())
	switch {
	case loopback && !s.allowLoopback:
		return "must be a push service on the internet"
	case u.Scheme == "https", u.Scheme == "http" && loopback:
	default:
		return "must be an https URL"
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil && !loopback && !isPublic(ip) {
		return "must be a push service on the internet"
	}
	return ""
}

// decodeKey reads base64url with or without padding, as browsers and
// libraries variously write it.
func decodeKey(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// cgnat is the shared address space of carrier-grade NAT (RFC 6598), not
// reachable from the internet either.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// isPublic reports whether ip is an internet address: not loopback,
// private, link-local (where cloud metadata services live), multicast or
// unspecified.
func isPublic(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsGlobalUnicast() && !ip.IsPrivate() && !cgnat.Contains(ip)
}

// dialGuard refuses connections to addresses that are not public (or, with
// AllowLoopback, loopback). It runs after name resolution, so a push
// endpoint whose name resolves inside the network is refused too.
func (s *Sender) dialGuard(network, address string) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("push: dial %s: %w", address, err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("push: dial %s: %w", address, err)
	}
	if isPublic(ip) || s.allowLoopback && ip.Unmap().IsLoopback() {
		return nil
	}
	return fmt.Errorf("push: refusing to connect to %s: %w", address, errNotPublic)
}

// errNotPublic is why dialGuard refused a connection.
var errNotPublic = errors.New("not a public address")
