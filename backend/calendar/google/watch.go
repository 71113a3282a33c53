package google

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/calendar/internal/rest"
)

// channel is Google's Channel resource.
type channel struct {
	ID         string            `json:"id"`
	Type       string            `json:"type,omitempty"`
	Address    string            `json:"address,omitempty"`
	Token      string            `json:"token,omitempty"`
	ResourceID string            `json:"resourceId,omitempty"`
	Expiration string            `json:"expiration,omitempty"` // ms since the epoch, as a string
	Params     map[string]string `json:"params,omitempty"`
}

// maxTTL is the longest channel Frontdesk asks for; Google may grant less.
const maxTTL = 7 * 24 * time.Hour

// newChannelID makes an id in Google's alphabet for channel ids.
func newChannelID() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "fd-" + base64.RawURLEncoding.EncodeToString(b), nil
}

// Watch opens a push channel on a calendar's events (events.watch): Google
// posts to ch.Address, with ch.Token, whenever an event changes.
func (cn *Conn) Watch(ctx context.Context, ch calendar.Channel) (calendar.Channel, error) {
	id, err := newChannelID()
	if err != nil {
		return calendar.Channel{}, fmt.Errorf("google: channel id: %w", err)
	}
	ttl := maxTTL
	if !ch.Expires.IsZero() {
		ttl = min(max(time.Until(ch.Expires), time.Hour), maxTTL)
	}
	req := channel{ID: id, Type: "web_hook", Address: ch.Address, Token: ch.Token,
		Params: map[string]string{"ttl": strconv.Itoa(int(ttl / time.Second))}}
	var resp channel
	if _, err := cn.rest.Do(ctx, rest.Request{Method: http.MethodPost, URL: cn.api(nil, "calendars", ch.CalendarID, "events", "watch"),
		Body: req, Out: &resp, What: "watch events"}); err != nil {
		return calendar.Channel{}, err
	}
	if resp.ID != id || resp.ResourceID == "" {
		return calendar.Channel{}, &calendar.Error{Provider: calendar.Google, Kind: calendar.Malformed,
			Message: "Google Calendar answered a watch request with another channel"}
	}
	out := ch
	out.ID, out.ResourceID = resp.ID, resp.ResourceID
	out.Expires = time.Now().Add(ttl)
	if ms, err := strconv.ParseInt(resp.Expiration, 10, 64); err == nil && ms > 0 {
		out.Expires = time.UnixMilli(ms)
	}
	return out, nil
}

// Renew opens a new channel: Google channels cannot be extended. The
// caller stops the old one once the new one is stored.
func (cn *Conn) Renew(ctx context.Context, ch calendar.Channel, until time.Time) (calendar.Channel, error) {
	next := ch
	next.Expires = until
	return cn.Watch(ctx, next)
}

// Unwatch stops a channel (channels.stop).
func (cn *Conn) Unwatch(ctx context.Context, ch calendar.Channel) error {
	_, err := cn.rest.Do(ctx, rest.Request{Method: http.MethodPost, URL: cn.api(nil, "channels", "stop"),
		Body: channel{ID: ch.ID, ResourceID: ch.ResourceID}, What: "stop channel"})
	if calendar.IsKind(err, calendar.NotFound) {
		return nil
	}
	return err
}

// Notification is one push message, read from its headers (Google sends
// no body).
type Notification struct {
	ChannelID  string
	Token      string
	ResourceID string
	// State is "sync" for the message that opens a channel, "exists" when
	// something changed, "not_exists" when the resource is gone.
	State         string
	MessageNumber int64
}

// ParseNotification reads a push message's headers. Anything malformed is
// an error: the caller ignores the message.
func ParseNotification(h http.Header) (Notification, error) {
	n := Notification{
		ChannelID:  strings.TrimSpace(h.Get("X-Goog-Channel-Id")),
		Token:      h.Get("X-Goog-Channel-Token"),
		ResourceID: strings.TrimSpace(h.Get("X-Goog-Resource-Id")),
		State:      strings.TrimSpace(h.Get("X-Goog-Resource-State")),
	}
	switch {
	case n.ChannelID == "" || len(n.ChannelID) > 64:
		return n, errors.New("missing or overlong X-Goog-Channel-ID")
	case n.ResourceID == "" || len(n.ResourceID) > 256:
		return n, errors.New("missing or overlong X-Goog-Resource-ID")
	case len(n.Token) > 256:
		return n, errors.New("overlong X-Goog-Channel-Token")
	}
	switch n.State {
	case "sync", "exists", "not_exists":
	default:
		return n, fmt.Errorf("unknown X-Goog-Resource-State %q", truncate(n.State, 40))
	}
	if v := h.Get("X-Goog-Message-Number"); v != "" {
		num, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return n, errors.New("unreadable X-Goog-Message-Number")
		}
		n.MessageNumber = num
	}
	return n, nil
}
