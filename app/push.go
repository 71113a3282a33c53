package app

import (
	"context"
	"errors"
	"strings"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Web Push: with notifications on, the server pushes the agent's
// notifications (new guest messages, meeting reminders) to this browser,
// and go-app's service worker shows them even while the app is closed;
// clicking one opens its path. The browser's subscription is stored with
// the server under the signed-in agent; the endpoint is remembered here so
// that logging out can remove it (signOut).

// storagePushEndpoint remembers the endpoint this browser subscribed.
const storagePushEndpoint = "frontdesk.push.endpoint"

const (
	// pushNoteDuration is how long the toggle's note stays.
	pushNoteDuration = 6 * time.Second
	// pushSubscribeTimeout bounds the wait for the browser's push service,
	// which may never answer (browsers without one, such as headless
	// Chromium).
	pushSubscribeTimeout = 15 * time.Second
)

type pushState int

const (
	pushUnsupported pushState = iota
	pushOff
	pushOn
	pushBlocked
)

// pushToggle is the "Turn on notifications" control of the navigation.
type pushToggle struct {
	goapp.Compo

	state pushState
	busy  bool
	note  string
	notes int // counts notes, so an old timer does not hide a new one
}

func (p *pushToggle) OnMount(ctx goapp.Context) {
	p.state = currentPushState(ctx)
}

// currentPushState reads what the browser allows and what was subscribed.
func currentPushState(ctx goapp.Context) pushState {
	w := goapp.Window()
	if !w.Get("PushManager").Truthy() || !w.Get("navigator").Get("serviceWorker").Truthy() {
		return pushUnsupported
	}
	switch ctx.Notifications().Permission() {
	case goapp.NotificationNotSupported:
		return pushUnsupported
	case goapp.NotificationDenied:
		return pushBlocked
	case goapp.NotificationGranted:
		if savedPushEndpoint(ctx.LocalStorage()) != "" {
			return pushOn
		}
	}
	return pushOff
}

func (p *pushToggle) onClick(ctx goapp.Context, _ goapp.Event) {
	if p.busy {
		return
	}
	switch p.state {
	case pushBlocked:
		p.say(ctx, "Notifications are blocked for Frontdesk in this browser's site settings.")
	case pushOn:
		p.turnOff(ctx)
	case pushOff:
		p.turnOn(ctx)
	}
}

// turnOn asks the browser's permission, subscribes with the server's VAPID
// key and gives the subscription to the server. The permission prompt runs
// off the UI goroutine: go-app's calls wait for the browser's promise.
func (p *pushToggle) turnOn(ctx goapp.Context) {
	p.busy = true
	store := ctx.LocalStorage()
	notifications := ctx.Notifications()
	ctx.Async(func() {
		state, note := pushOff, ""
		switch perm := notifications.RequestPermission(); perm {
		case goapp.NotificationGranted:
			key, err := api().PushKey(ctx)
			if err != nil {
				note = userMessage(err)
				break
			}
			sub, err := subscribePush(notifications, key)
			if errors.Is(err, errPushTimeout) {
				note = "The browser's push service did not answer. Try again later."
				break
			}
			if err != nil {
				note = "This browser could not subscribe to notifications."
				break
			}
			var in PushSubscription
			in.Endpoint, in.Keys.P256dh, in.Keys.Auth = sub.Endpoint, sub.Keys.P256dh, sub.Keys.Auth
			if err := api().SubscribePush(ctx, in); err != nil {
				note = userMessage(err)
				break
			}
			store.Set(storagePushEndpoint, sub.Endpoint) //nolint:errcheck // then logging out cannot unsubscribe; the server drops dead endpoints
			state, note = pushOn, "Notifications are on for this browser."
		case goapp.NotificationDenied:
			state, note = pushBlocked, "Notifications are blocked for Frontdesk in this browser's site settings."
		default:
			note = "Notifications stay off."
		}
		ctx.Dispatch(func(ctx goapp.Context) {
			p.busy, p.state = false, state
			p.say(ctx, note)
		})
	})
}

func (p *pushToggle) turnOff(ctx goapp.Context) {
	p.busy = true
	store := ctx.LocalStorage()
	ctx.Async(func() {
		err := api().UnsubscribePush(ctx, savedPushEndpoint(store))
		ctx.Dispatch(func(ctx goapp.Context) {
			p.busy = false
			if err != nil {
				p.say(ctx, userMessage(err))
				return
			}
			store.Del(storagePushEndpoint)
			p.state = pushOff
			p.say(ctx, "Notifications are off for this browser.")
		})
	})
}

// say shows a note beside the toggle for a while.
func (p *pushToggle) say(ctx goapp.Context, note string) {
	p.notes++
	n := p.notes
	p.note = note
	ctx.After(pushNoteDuration, func(ctx goapp.Context) {
		if p.notes == n {
			p.note = ""
		}
	})
}

func (p *pushToggle) Render() goapp.UI {
	if p.state == pushUnsupported {
		return goapp.Div().Class("push-toggle")
	}
	// The visible label starts the accessible name (WCAG 2.5.3); the
	// rest says what the button does.
	short, action, svg, class := "Alerts off", "turn on notifications", iconBellOff, "nav-item nav-button"
	switch {
	case p.state == pushOn:
		short, action, svg, class = "Alerts on", "turn off notifications", iconBell, class+" push-on"
	case p.state == pushBlocked:
		short, action = "Blocked", "notifications are blocked in this browser"
	}
	return goapp.Div().Class("push-toggle").Body(
		goapp.Button().
			ID("push-toggle").
			Type("button").
			Class(class).
			Title(strings.ToUpper(action[:1])+action[1:]).
			Disabled(p.busy).
			OnClick(p.onClick).
			Body(
				goapp.Raw(icon(svg)),
				goapp.Span().Class("nav-label").Text(short),
				goapp.Span().Class("visually-hidden").Text(": "+action),
			),
		goapp.P().ID("push-note").Class("nav-note").Role("status").Text(p.note),
	)
}

// errPushTimeout says the browser's push service did not answer in time.
var errPushTimeout = errors.New("push subscription: the browser did not answer")

// subscribePush subscribes the browser with the VAPID key. When the
// browser does not answer in time, go-app's Subscribe stays blocked until
// it does, if ever: a goroutine the agent's later attempts do not wait
// for.
func subscribePush(n goapp.NotificationService, key string) (goapp.NotificationSubscription, error) {
	type result struct {
		sub goapp.NotificationSubscription
		err error
	}
	done := make(chan result, 1)
	go func() {
		sub, err := n.Subscribe(key)
		done <- result{sub, err}
	}()
	select {
	case r := <-done:
		return r.sub, r.err
	case <-time.After(pushSubscribeTimeout):
		return goapp.NotificationSubscription{}, errPushTimeout
	}
}

func savedPushEndpoint(store goapp.BrowserStorage) string {
	var endpoint string
	store.Get(storagePushEndpoint, &endpoint) //nolint:errcheck // none is none
	return endpoint
}

// signOut ends the agent's session. This browser's push subscription is
// removed first, while the session still allows it, so the next person
// to use the browser does not get the agent's notifications; the offline
// cache erases the saved data when the server confirms the logout.
//
// The inbox's Log out should call it too (see the report of this change).
func signOut(ctx context.Context, store goapp.BrowserStorage) error {
	if endpoint := savedPushEndpoint(store); endpoint != "" {
		if err := api().UnsubscribePush(ctx, endpoint); err == nil || isSignedOut(err) {
			store.Del(storagePushEndpoint)
		}
	}
	return api().Logout(ctx)
}
