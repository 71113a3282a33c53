package microsoft

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/calendar/internal/rest"
)

// maxExpiry is the longest a subscription to Outlook events may last
// (10,080 minutes), less a margin for clock skew.
const maxExpiry = 10080*time.Minute - 10*time.Minute

type subscription struct {
	ID                       string `json:"id,omitempty"`
	ChangeType               string `json:"changeType,omitempty"`
	NotificationURL          string `json:"notificationUrl,omitempty"`
	LifecycleNotificationURL string `json:"lifecycleNotificationUrl,omitempty"`
	Resource                 string `json:"resource,omitempty"`
	ExpirationDateTime       string `json:"expirationDateTime"`
	ClientState              string `json:"clientState,omitempty"`
}

func (cn *Conn) expiry(until time.Time) time.Time {
	now := time.Now()
	if cn.c.Now != nil {
		now = cn.c.Now()
	}
	latest := now.Add(maxExpiry)
	if until.IsZero() || until.After(latest) {
		return latest.UTC().Truncate(time.Second)
	}
	return until.UTC().Truncate(time.Second)
}

// Watch subscribes to a calendar's events (POST /subscriptions). Graph
// first checks the notification URL with a validation request, which the
// server's hook answers, then posts changes there with ch.Token as
// clientState. Lifecycle events (renew, missed) go to the same URL.
func (cn *Conn) Watch(ctx context.Context, ch calendar.Channel) (calendar.Channel, error) {
	req := subscription{
		ChangeType: "created,updated,deleted", NotificationURL: ch.Address, LifecycleNotificationURL: ch.Address,
		Resource:           "me/calendars/" + ch.CalendarID + "/events",
		ExpirationDateTime: cn.expiry(ch.Expires).Format(time.RFC3339), ClientState: ch.Token,
	}
	var resp subscription
	if _, err := cn.rest.Do(ctx, rest.Request{Method: http.MethodPost, URL: cn.api(nil, "subscriptions"), Body: req, Out: &resp, What: "subscribe to changes"}); err != nil {
		return calendar.Channel{}, err
	}
	return cn.channel(ch, resp)
}

func (cn *Conn) channel(ch calendar.Channel, resp subscription) (calendar.Channel, error) {
	exp, err := time.Parse(time.RFC3339Nano, resp.ExpirationDateTime)
	if resp.ID == "" || err != nil {
		return calendar.Channel{}, malformed("Microsoft Graph answered a subscription without an id or expiry")
	}
	out := ch
	out.ID, out.Expires = resp.ID, exp
	return out, nil
}

// Renew extends a subscription in place (PATCH /subscriptions/{id}); one
// Graph no longer knows is made anew.
func (cn *Conn) Renew(ctx context.Context, ch calendar.Channel, until time.Time) (calendar.Channel, error) {
	var resp subscription
	_, err := cn.rest.Do(ctx, rest.Request{Method: http.MethodPatch, URL: cn.api(nil, "subscriptions", ch.ID),
		Body: subscription{ExpirationDateTime: cn.expiry(until).Format(time.RFC3339)}, Out: &resp, What: "renew subscription"})
	if calendar.IsKind(err, calendar.NotFound) {
		next := ch
		next.Expires = until
		return cn.Watch(ctx, next)
	}
	if err != nil {
		return calendar.Channel{}, err
	}
	return cn.channel(ch, resp)
}

// Unwatch deletes a subscription; one already gone is no error.
func (cn *Conn) Unwatch(ctx context.Context, ch calendar.Channel) error {
	_, err := cn.rest.Do(ctx, rest.Request{Method: http.MethodDelete, URL: cn.api(nil, "subscriptions", ch.ID), What: "delete subscription"})
	if calendar.IsKind(err, calendar.NotFound) {
		return nil
	}
	return err
}

// Notification is one item of a change or lifecycle notification.
type Notification struct {
	SubscriptionID string `json:"subscriptionId"`
	ClientState    string `json:"clientState"`
	ChangeType     string `json:"changeType"`
	// LifecycleEvent is set on lifecycle notifications:
	// reauthorizationRequired, subscriptionRemoved or missed.
	LifecycleEvent string `json:"lifecycleEvent"`
}

// maxNotifications bounds one delivery; Graph batches far fewer.
const maxNotifications = 1000

// ParseNotifications reads a notification delivery's body. A body that is
// not one is an error: the caller refuses it.
func ParseNotifications(body []byte) ([]Notification, error) {
	var d struct {
		Value *[]json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, fmt.Errorf("not a notification: %w", err)
	}
	if d.Value == nil {
		return nil, errors.New(`not a notification: no "value"`)
	}
	if len(*d.Value) > maxNotifications {
		return nil, fmt.Errorf("more than %d notifications in one delivery", maxNotifications)
	}
	out := make([]Notification, 0, len(*d.Value))
	for i, raw := range *d.Value {
		var n Notification
		if err := json.Unmarshal(raw, &n); err != nil {
			return nil, fmt.Errorf("notification %d: %w", i, err)
		}
		if n.SubscriptionID == "" || len(n.SubscriptionID) > 200 || len(n.ClientState) > 256 {
			return nil, fmt.Errorf("notification %d: missing or overlong subscriptionId or clientState", i)
		}
		out = append(out, n)
	}
	return out, nil
}

// ValidationToken is the token of a validation request, which the hook
// echoes as plain text, if r is one.
func ValidationToken(r *http.Request) (string, bool) {
	if !r.URL.Query().Has("validationToken") {
		return "", false
	}
	tok := r.URL.Query().Get("validationToken")
	if tok == "" || len(tok) > 2048 || strings.ContainsAny(tok, "\r\n") {
		return "", false
	}
	return tok, true
}
