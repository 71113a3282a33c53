package calsync

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/calendar/google"
	"github.com/frontdesk/frontdesk/backend/calendar/microsoft"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

const (
	// channelLife is how long a channel is asked for; providers grant up
	// to about a week.
	channelLife = 7 * 24 * time.Hour
	// renewBefore: a channel expiring sooner is renewed by the sweep.
	renewBefore = 24 * time.Hour
)

func newChannelToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// GoogleNotification handles one push message. It calls no provider: a
// genuine message queues a sync of its calendar. A message for a channel
// Frontdesk does not know (stopped, replaced, disconnected) is ignored;
// one whose token or resource does not match is refused with
// invalid_channel_token. Nothing is written for either.
func (s *Sync) GoogleNotification(ctx context.Context, n google.Notification) error {
	ch, ok, err := s.DB.Channel(ctx, n.ChannelID)
	if err != nil {
		return err
	}
	if !ok || ch.Provider != string(calendar.Google) {
		s.log().Info("calsync: Google notification for an unknown channel ignored", "channel", n.ChannelID, "state", n.State)
		return nil
	}
	if subtle.ConstantTimeCompare(hashToken(n.Token), ch.TokenHash) != 1 || n.ResourceID != ch.ResourceID {
		s.log().Warn("calsync: Google notification with a wrong channel token or resource refused", "channel", n.ChannelID)
		return &model.Error{Status: http.StatusForbidden, Code: model.CodeChannelToken, Message: "The channel token does not match."}
	}
	if n.State == "sync" {
		return nil // the channel's first message: nothing changed yet
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return s.queueSync(ctx, tx, ch.AgentID, ch.CalendarID)
	})
}

// MicrosoftNotifications handles a delivery of change and lifecycle
// notifications. Items for unknown subscriptions or with a wrong
// clientState are ignored, each with a log line; the others queue a sync,
// or a renewal when Graph asks for one. It calls no provider.
func (s *Sync) MicrosoftNotifications(ctx context.Context, ns []microsoft.Notification) error {
	for _, n := range ns {
		ch, ok, err := s.DB.Channel(ctx, n.SubscriptionID)
		if err != nil {
			return err
		}
		if !ok || ch.Provider != string(calendar.Microsoft) {
			s.log().Info("calsync: Graph notification for an unknown subscription ignored", "subscription", n.SubscriptionID)
			continue
		}
		if subtle.ConstantTimeCompare(hashToken(n.ClientState), ch.TokenHash) != 1 {
			s.log().Warn("calsync: Graph notification with a wrong clientState ignored", "subscription", n.SubscriptionID)
			continue
		}
		err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			switch n.LifecycleEvent {
			case "", "missed":
				return s.queueSync(ctx, tx, ch.AgentID, ch.CalendarID)
			case "reauthorizationRequired":
				return s.queueRenew(ctx, tx, ch.AgentID, ch.CalendarID)
			case "subscriptionRemoved":
				if _, err := tx.NewDelete().Model((*postgres.CalendarChannel)(nil)).Where("id = ?", ch.ID).Exec(ctx); err != nil {
					return err
				}
				return s.queueWatch(ctx, tx, ch.AgentID, ch.CalendarID)
			}
			s.log().Info("calsync: unknown Graph lifecycle event ignored", "event", n.LifecycleEvent)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// WatchArgs opens a calendar's notification channel, or renews it.
type WatchArgs struct {
	AgentID    int64  `json:"agent_id"`
	CalendarID string `json:"calendar_id"`
	// Renew renews even a channel that does not expire soon (Graph's
	// reauthorizationRequired).
	Renew bool `json:"renew,omitempty"`
}

// Kind names the job.
func (WatchArgs) Kind() string { return "calendar_watch" }

// oneAtATime keeps a single watch job per calendar waiting or running;
// finished ones do not count.
var oneAtATime = &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateScheduled, rivertype.JobStateRetryable,
}}}

func (s *Sync) queueWatch(ctx context.Context, tx bun.Tx, agentID int64, calendarID string) error {
	if s.Queue == nil || !s.pushable() {
		return nil
	}
	return s.Queue.InsertTx(ctx, tx, WatchArgs{AgentID: agentID, CalendarID: calendarID}, oneAtATime)
}

func (s *Sync) queueRenew(ctx context.Context, tx bun.Tx, agentID int64, calendarID string) error {
	if s.Queue == nil {
		return nil
	}
	return s.Queue.InsertTx(ctx, tx, WatchArgs{AgentID: agentID, CalendarID: calendarID, Renew: true}, oneAtATime)
}

type watchWorker struct {
	river.WorkerDefaults[WatchArgs]
	s *Sync
}

// Work makes sure the calendar has a channel that lives at least another
// day: it opens one, or renews the one that is expiring (in place with
// Graph; with Google by a new channel, after which the old is stopped).
func (w *watchWorker) Work(ctx context.Context, job *river.Job[WatchArgs]) error {
	s, a := w.s, job.Args
	c, err := s.open(ctx, a.AgentID)
	if errors.Is(err, errNotConnected) {
		return nil
	}
	if err != nil {
		return err
	}
	watcher, ok := c.watcher()
	if !ok || c.acct.NeedsReconnectAt != nil {
		return nil
	}
	cals, err := s.DB.ConnectedCalendars(ctx, a.AgentID)
	if err != nil {
		return err
	}
	busy := false
	for _, cal := range cals {
		busy = busy || cal.CalendarID == a.CalendarID && cal.Busy
	}
	if !busy {
		return nil
	}
	chans, err := s.DB.Channels(ctx, a.AgentID, a.CalendarID)
	if err != nil {
		return err
	}
	now := s.now()
	if len(chans) > 0 && chans[0].ExpiresAt.After(now.Add(renewBefore)) && !a.Renew {
		return nil
	}
	token, err := newChannelToken()
	if err != nil {
		return err
	}
	p := c.provider()
	want := calendar.Channel{CalendarID: a.CalendarID, Address: s.hookURL(p), Token: token, Expires: now.Add(channelLife)}
	if len(chans) == 0 {
		next, err := watcher.Watch(ctx, want)
		if err != nil {
			return s.failed(ctx, c, "open notification channel", err)
		}
		return s.keepChannel(ctx, c, watcher, next, hashToken(token))
	}
	old := chans[0]
	renew := want
	renew.ID, renew.ResourceID = old.ID, old.ResourceID
	next, err := watcher.Renew(ctx, renew, want.Expires)
	if err != nil {
		return s.failed(ctx, c, "renew notification channel", err)
	}
	if next.ID == old.ID { // renewed in place; the clientState stays
		old.ExpiresAt = next.Expires
		return s.DB.SaveChannel(ctx, old)
	}
	if err := s.keepChannel(ctx, c, watcher, next, hashToken(token)); err != nil {
		return err
	}
	s.stopChannel(ctx, c, watcher, old)
	return nil
}

// keepChannel stores a new channel; if it cannot be stored (the calendar
// was disconnected meanwhile), the channel is stopped again.
func (s *Sync) keepChannel(ctx context.Context, c *connection, w calendar.Watcher, ch calendar.Channel, tokenHash []byte) error {
	err := s.DB.SaveChannel(ctx, postgres.CalendarChannel{ID: ch.ID, AgentID: c.acct.AgentID, CalendarID: ch.CalendarID,
		Provider: c.acct.Provider, ResourceID: ch.ResourceID, TokenHash: tokenHash, ExpiresAt: ch.Expires})
	if err != nil {
		s.log().Warn("calsync: a new channel could not be stored; stopping it", "agent", c.acct.AgentID, "err", err)
		if uerr := w.Unwatch(ctx, ch); uerr != nil {
			s.log().Warn("calsync: stopping an unstored channel failed", "agent", c.acct.AgentID, "channel", ch.ID, "err", uerr)
		}
		return nil
	}
	return nil
}

// stopChannel stops a channel at the provider and forgets it; a failure
// is logged only (the channel expires on its own, and its notifications
// are ignored once it is forgotten).
func (s *Sync) stopChannel(ctx context.Context, c *connection, w calendar.Watcher, ch postgres.CalendarChannel) {
	err := w.Unwatch(ctx, calendar.Channel{ID: ch.ID, ResourceID: ch.ResourceID, CalendarID: ch.CalendarID})
	if err != nil {
		s.log().Warn("calsync: stopping a channel failed; it will expire", "agent", c.acct.AgentID, "channel", ch.ID, "err", err)
	}
	if err := s.DB.DeleteChannel(ctx, ch.ID); err != nil {
		s.log().Warn("calsync: forgetting a channel failed", "channel", ch.ID, "err", err)
	}
}

// UnwatchArgs stops the channels of a calendar that no longer counts as
// busy.
type UnwatchArgs struct {
	AgentID    int64  `json:"agent_id"`
	CalendarID string `json:"calendar_id"`
}

// Kind names the job.
func (UnwatchArgs) Kind() string { return "calendar_unwatch" }

type unwatchWorker struct {
	river.WorkerDefaults[UnwatchArgs]
	s *Sync
}

func (w *unwatchWorker) Work(ctx context.Context, job *river.Job[UnwatchArgs]) error {
	s, a := w.s, job.Args
	c, err := s.open(ctx, a.AgentID)
	if errors.Is(err, errNotConnected) {
		return nil
	}
	if err != nil {
		return err
	}
	watcher, ok := c.watcher()
	if !ok {
		return nil
	}
	chans, err := s.DB.Channels(ctx, a.AgentID, a.CalendarID)
	if err != nil {
		return err
	}
	for _, ch := range chans {
		s.stopChannel(ctx, c, watcher, ch)
	}
	return nil
}

// stopAll stops every channel of an agent's connection before it is
// replaced or removed, within a few seconds; what does not stop in time
// expires on its own and is ignored meanwhile.
func (s *Sync) stopAll(ctx context.Context, agentID int64) {
	c, err := s.open(ctx, agentID)
	if err != nil {
		return
	}
	watcher, ok := c.watcher()
	if !ok {
		return
	}
	chans, err := s.DB.Channels(ctx, agentID, "")
	if err != nil || len(chans) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	for _, ch := range chans {
		s.stopChannel(ctx, c, watcher, ch)
	}
}
