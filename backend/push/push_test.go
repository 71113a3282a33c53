package push_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/push"
	"github.com/frontdesk/frontdesk/backend/push/pushtest"
	"github.com/frontdesk/frontdesk/backend/secret"
	"github.com/frontdesk/frontdesk/model"
)

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// fixture is two organizations: agents a1, a2 in the first, x1 in the other.
type fixture struct {
	db          *postgres.DB
	org, other  int64
	a1, a2, x1  int64
	sender      *push.Sender
	pushService *pushtest.Server
}

func setup(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := pgtest.Open(t)
	f := &fixture{db: db}
	agent := func(orgID int64, slug string) int64 {
		a, err := db.CreateAgent(ctx, orgID, postgres.NewAgent{
			Email: slug + "@example.com", Name: slug, Slug: slug, TimeZone: "UTC",
			Role: model.RoleAdmin, License: model.LicenseStandard, PasswordHash: "x",
		})
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	for _, o := range []struct {
		id   *int64
		name string
	}{{&f.org, "Acme"}, {&f.other, "Other"}} {
		org, err := db.CreateOrganization(ctx, o.name)
		if err != nil {
			t.Fatal(err)
		}
		*o.id = org.ID
	}
	f.a1, f.a2, f.x1 = agent(f.org, "ann"), agent(f.org, "bob"), agent(f.other, "xavier")
	f.sender = newSender(t, db)
	f.pushService = pushtest.Start(t)
	return f
}

func newSender(t *testing.T, db *postgres.DB) *push.Sender {
	t.Helper()
	s, err := push.New(context.Background(), db, testBox(t), "mailto:ops@example.com", testLogger(t), push.AllowLoopback())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// browser subscribes a new browser for an agent, bound to the sender's key
// as a real browser's subscription is.
func (f *fixture) browser(t *testing.T, orgID, agentID int64) pushtest.Subscription {
	t.Helper()
	sub := f.pushService.NewSubscriptionForKey(f.sender.PublicKey())
	f.subscribe(t, orgID, agentID, sub)
	return sub
}

func (f *fixture) subscribe(t *testing.T, orgID, agentID int64, sub pushtest.Subscription) {
	t.Helper()
	var s push.Subscription
	if err := json.Unmarshal(sub.JSON(), &s); err != nil {
		t.Fatal(err)
	}
	if err := f.sender.Subscribe(context.Background(), orgID, agentID, s, "Mozilla/5.0 test"); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
}

// endpoints lists the agents' stored subscriptions.
func (f *fixture) endpoints(t *testing.T, agentIDs ...int64) []string {
	t.Helper()
	subs, err := f.db.PushSubscriptions(context.Background(), agentIDs)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, s := range subs {
		out = append(out, s.Endpoint)
	}
	sort.Strings(out)
	return out
}

func sorted(s ...string) []string {
	sort.Strings(s)
	return s
}

func (f *fixture) stored(t *testing.T, agentID int64, endpoint string) postgres.PushSubscription {
	t.Helper()
	subs, err := f.db.PushSubscriptions(context.Background(), []int64{agentID})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		if s.Endpoint == endpoint {
			return s
		}
	}
	t.Fatalf("agent %d has no subscription %s", agentID, endpoint)
	return postgres.PushSubscription{}
}

func TestVAPIDKeysGeneratedOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.Open(t)
	s1, s2 := newSender(t, db), newSender(t, db)
	if s1.PublicKey() == "" || s1.PublicKey() != s2.PublicKey() {
		t.Fatalf("public keys %q and %q: want one stable key", s1.PublicKey(), s2.PublicKey())
	}
	pub, _, err := db.VAPIDKeys(ctx, testBox(t), func() (string, string, error) {
		t.Error("keys generated again although stored")
		return "", "", nil
	})
	if err != nil || pub != s1.PublicKey() {
		t.Fatalf("stored key = %q, %v; want %q", pub, err, s1.PublicKey())
	}
}

// TestVAPIDKeysRace starts many instances at once on an empty database:
// whoever stores first wins, and everyone uses the winner's keys.
func TestVAPIDKeysRace(t *testing.T) {
	t.Parallel()
	db := pgtest.Open(t)
	const n = 8
	got := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			pub, priv, err := db.VAPIDKeys(context.Background(), testBox(t), func() (string, string, error) {
				return fmt.Sprintf("pub%d", i), fmt.Sprintf("priv%d", i), nil
			})
			if err != nil {
				t.Error(err)
			}
			got[i] = pub + "/" + priv
		})
	}
	wg.Wait()
	if got[0] == "/" || !strings.HasPrefix(got[0], "pub") {
		t.Fatalf("got %q", got[0])
	}
	for i := range got {
		if got[i] != got[0] || strings.TrimPrefix(strings.Split(got[i], "/")[0], "pub") != strings.TrimPrefix(strings.Split(got[i], "/")[1], "priv") {
			t.Fatalf("instances got different or mixed keys: %q", got)
		}
	}
}

func TestNewRefusesBadSubject(t *testing.T) {
	t.Parallel()
	db := pgtest.Open(t)
	if _, err := push.New(context.Background(), db, testBox(t), "ops@example.com", testLogger(t)); err == nil {
		t.Fatal("a subject without mailto: was accepted")
	}
}

func TestSubscriptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t)
	a := f.browser(t, f.org, f.a1)
	b := f.browser(t, f.org, f.a1)

	if got, want := f.endpoints(t, f.a1), sorted(a.Endpoint, b.Endpoint); !reflect.DeepEqual(got, want) {
		t.Fatalf("a1's subscriptions = %v, want %v", got, want)
	}
	stored := f.stored(t, f.a1, a.Endpoint)
	if stored.OrganizationID != f.org || stored.P256dh != a.P256dh || stored.Auth != a.Auth || stored.UserAgent != "Mozilla/5.0 test" || stored.CreatedAt.IsZero() {
		t.Fatalf("stored %+v", stored)
	}

	// Saving again (the app does on every start) keeps one row.
	f.subscribe(t, f.org, f.a1, a)
	if got := f.endpoints(t, f.a1); len(got) != 2 {
		t.Fatalf("re-saving duplicated a subscription: %v", got)
	}

	// The browser of a is now signed in as a2: the endpoint moves.
	f.subscribe(t, f.org, f.a2, a)
	if got, want := f.endpoints(t, f.a1), []string{b.Endpoint}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after re-binding, a1's subscriptions = %v, want %v", got, want)
	}
	if got, want := f.endpoints(t, f.a2), []string{a.Endpoint}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after re-binding, a2's subscriptions = %v, want %v", got, want)
	}

	// a1 cannot delete a2's subscription, a2 can, twice.
	if err := f.sender.Unsubscribe(ctx, f.org, f.a1, a.Endpoint); err != nil {
		t.Fatal(err)
	}
	if got := f.endpoints(t, f.a2); len(got) != 1 {
		t.Fatalf("another agent deleted a2's subscription")
	}
	for range 2 {
		if err := f.sender.Unsubscribe(ctx, f.org, f.a2, a.Endpoint); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.endpoints(t, f.a2); len(got) != 0 {
		t.Fatalf("a2's subscriptions after unsubscribing = %v", got)
	}

	// An agent of another organization cannot be named under this one.
	var s push.Subscription
	if err := json.Unmarshal(f.pushService.NewSubscription().JSON(), &s); err != nil {
		t.Fatal(err)
	}
	if err := f.sender.Subscribe(ctx, f.org, f.x1, s, ""); err == nil {
		t.Fatal("subscribed an agent under another organization")
	}

	// Deactivated agents get no notifications.
	inactive := false
	if _, err := f.db.UpdateAgent(ctx, f.org, f.a1, postgres.AgentPatch{Active: &inactive}); err != nil {
		t.Fatal(err)
	}
	if got := f.endpoints(t, f.a1); len(got) != 0 {
		t.Fatalf("a deactivated agent still has subscriptions to push to: %v", got)
	}
}

func TestSubscriptionsCappedPerAgent(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var last string
	for range postgres.MaxPushSubscriptionsPerAgent + 3 {
		last = f.browser(t, f.org, f.a1).Endpoint
		time.Sleep(time.Millisecond) // distinct created_at
	}
	got := f.endpoints(t, f.a1)
	if len(got) != postgres.MaxPushSubscriptionsPerAgent {
		t.Fatalf("a1 has %d subscriptions, want %d", len(got), postgres.MaxPushSubscriptionsPerAgent)
	}
	if !strings.Contains(strings.Join(got, " "), last) {
		t.Fatal("the newest subscription was the one dropped")
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	f := setup(t)
	strict, err := push.New(context.Background(), f.db, testBox(t), "https://frontdesk.example.com", testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	good := f.pushService.NewSubscription()
	keys := push.SubscriptionKeys{P256dh: good.P256dh, Auth: good.Auth}
	tests := []struct {
		name   string
		sender *push.Sender
		sub    push.Subscription
		fields map[string]string // field → part of the problem; nil means valid
	}{
		{"browser JSON on loopback in tests", f.sender, push.Subscription{Endpoint: good.Endpoint, Keys: keys}, nil},
		{"public https", strict, push.Subscription{Endpoint: "https://fcm.googleapis.com/fcm/send/abc", Keys: keys}, nil},
		{"padded keys", strict, push.Subscription{Endpoint: "https://push.example/x", Keys: push.SubscriptionKeys{P256dh: good.P256dh + "=", Auth: good.Auth + "=="}}, nil},
		{"loopback outside tests", strict, push.Subscription{Endpoint: good.Endpoint, Keys: keys}, map[string]string{"endpoint": "internet"}},
		{"localhost outside tests", strict, push.Subscription{Endpoint: "https://localhost/push", Keys: keys}, map[string]string{"endpoint": "internet"}},
		{"plain http", strict, push.Subscription{Endpoint: "http://push.example/x", Keys: keys}, map[string]string{"endpoint": "https"}},
		{"private address", strict, push.Subscription{Endpoint: "https://10.0.0.5/x", Keys: keys}, map[string]string{"endpoint": "internet"}},
		{"metadata address", f.sender, push.Subscription{Endpoint: "https://169.254.169.254/latest", Keys: keys}, map[string]string{"endpoint": "internet"}},
		{"not a URL", strict, push.Subscription{Endpoint: "push.example", Keys: keys}, map[string]string{"endpoint": "URL"}},
		{"credentials in URL", strict, push.Subscription{Endpoint: "https://u:p@push.example/x", Keys: keys}, map[string]string{"endpoint": "URL"}},
		{"missing everything", strict, push.Subscription{}, map[string]string{"endpoint": "required", "keys.p256dh": "P-256", "keys.auth": "16 bytes"}},
		{"standard base64", strict, push.Subscription{Endpoint: "https://push.example/x", Keys: push.SubscriptionKeys{P256dh: "ab+/", Auth: good.Auth}}, map[string]string{"keys.p256dh": "base64url"}},
		{"key not on the curve", strict, push.Subscription{Endpoint: "https://push.example/x", Keys: push.SubscriptionKeys{P256dh: "B" + strings.Repeat("A", 86), Auth: good.Auth}}, map[string]string{"keys.p256dh": "P-256"}},
		{"short auth", strict, push.Subscription{Endpoint: "https://push.example/x", Keys: push.SubscriptionKeys{P256dh: good.P256dh, Auth: "AAAA"}}, map[string]string{"keys.auth": "16 bytes"}},
		{"endpoint too long", strict, push.Subscription{Endpoint: "https://push.example/" + strings.Repeat("x", 2000), Keys: keys}, map[string]string{"endpoint": "at most"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.sender.Validate(tt.sub)
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			e, ok := model.AsError(err)
			if !ok || e.Status != http.StatusUnprocessableEntity || e.Code != model.CodeValidation {
				t.Fatalf("Validate error = %v, want a 422 validation error", err)
			}
			if len(e.Fields) != len(tt.fields) {
				t.Errorf("fields = %v, want problems with %v", e.Fields, tt.fields)
			}
			for field, part := range tt.fields {
				if !strings.Contains(e.Fields[field], part) {
					t.Errorf("field %s: %q, want a problem containing %q", field, e.Fields[field], part)
				}
			}
		})
	}
}

// decoded reads the notifications a browser received.
func decoded(t *testing.T, msgs []pushtest.Message) []map[string]any {
	t.Helper()
	out := make([]map[string]any, len(msgs))
	for i, m := range msgs {
		if err := json.Unmarshal(m.Payload, &out[i]); err != nil {
			t.Fatalf("payload %q: %v", m.Payload, err)
		}
	}
	return out
}

func TestSendToEveryBrowserOfAnAgent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t)
	laptop, phone := f.browser(t, f.org, f.a1), f.browser(t, f.org, f.a1)
	colleague := f.browser(t, f.org, f.a2)

	p := push.Payload{Title: "Jane Guest", Body: "Hello, is anyone there?", Path: "/c/42", Tag: "conversation-42"}
	if err := f.sender.Send(ctx, []int64{f.a1}, p); err != nil {
		t.Fatalf("send: %v", err)
	}
	want := map[string]any{"title": "Jane Guest", "body": "Hello, is anyone there?", "path": "/c/42", "tag": "conversation-42"}
	for name, sub := range map[string]pushtest.Subscription{"laptop": laptop, "phone": phone} {
		msgs := f.pushService.Messages(sub)
		got := decoded(t, msgs)
		if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
			t.Fatalf("%s received %v, want one %v", name, got, want)
		}
		m := msgs[0]
		if m.TTL <= 0 || m.TTL > int(push.TTL.Seconds()) || m.Urgency != "high" || len(m.Topic) != 32 {
			t.Errorf("%s: TTL %d, urgency %q, topic %q", name, m.TTL, m.Urgency, m.Topic)
		}
		if m.Subject != "mailto:ops@example.com" || m.VAPIDKey != f.sender.PublicKey() {
			t.Errorf("%s: signed by %q with %q", name, m.Subject, m.VAPIDKey)
		}
		if s := f.stored(t, f.a1, sub.Endpoint); s.LastSuccessAt.IsZero() || s.Failures != 0 {
			t.Errorf("%s: stored %+v, want a recorded success", name, s)
		}
	}
	if got := f.pushService.Messages(colleague); len(got) != 0 {
		t.Fatalf("another agent's browser received %d notifications", len(got))
	}
	if rej := f.pushService.Rejections(); len(rej) != 0 {
		t.Fatalf("push service refused: %+v", rej)
	}
}

func TestSendForgetsGoneSubscriptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t)
	kept, gone, missing := f.browser(t, f.org, f.a1), f.browser(t, f.org, f.a1), f.browser(t, f.org, f.a1)
	f.pushService.Gone(gone)
	// A push service that never heard of the endpoint answers 404.
	f.subscribe(t, f.org, f.a1, pushtest.Subscription{Endpoint: f.pushService.URL + "/push/unknown", P256dh: missing.P256dh, Auth: missing.Auth})

	if err := f.sender.Send(ctx, []int64{f.a1}, push.Payload{Title: "x"}); err != nil {
		t.Fatalf("send: %v", err)
	}
	if got, want := f.endpoints(t, f.a1), sorted(kept.Endpoint, missing.Endpoint); !reflect.DeepEqual(got, want) {
		t.Fatalf("subscriptions after 410 and 404 = %v, want %v", got, want)
	}
	if n := len(f.pushService.Messages(kept)); n != 1 {
		t.Fatalf("kept subscription received %d, want 1", n)
	}
}

func TestSendCountsFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t)
	flaky := f.browser(t, f.org, f.a1)
	p := push.Payload{Title: "x"}

	f.pushService.Fail(flaky, http.StatusServiceUnavailable, 2)
	for i := 1; i <= 2; i++ {
		if err := f.sender.Send(ctx, []int64{f.a1}, p); err == nil || !strings.Contains(err.Error(), "503") {
			t.Fatalf("send %d: error = %v, want the 503", i, err)
		}
		if s := f.stored(t, f.a1, flaky.Endpoint); s.Failures != i {
			t.Fatalf("after %d failures, stored failures = %d", i, s.Failures)
		}
	}
	if err := f.sender.Send(ctx, []int64{f.a1}, p); err != nil {
		t.Fatalf("send after recovery: %v", err)
	}
	if s := f.stored(t, f.a1, flaky.Endpoint); s.Failures != 0 || s.LastSuccessAt.IsZero() {
		t.Fatalf("after a success, stored %+v", s)
	}
}

// A subscription made with another VAPID key (say, before the database was
// restored from elsewhere) is refused with 403 by the push service every
// time: it is forgotten after a few refusals instead of retried forever.
func TestSendForgetsRefusedSubscriptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t)
	otherDB := pgtest.Open(t)
	foreign := f.pushService.NewSubscriptionForKey(newSender(t, otherDB).PublicKey())
	f.subscribe(t, f.org, f.a1, foreign)

	for i := 1; i <= 5; i++ {
		if err := f.sender.Send(ctx, []int64{f.a1}, push.Payload{Title: "x"}); err != nil {
			t.Fatalf("send %d: a refusal is not worth retrying, got %v", i, err)
		}
		if got := len(f.endpoints(t, f.a1)); (i < 5) != (got == 1) {
			t.Fatalf("after %d refusals, %d subscriptions stored", i, got)
		}
	}
	if rej := f.pushService.Rejections(); len(rej) != 5 || rej[0].Status != http.StatusForbidden {
		t.Fatalf("rejections = %+v, want 5 × 403", rej)
	}
}

// startQueue runs a job queue with the push worker until the test ends.
func startQueue(t *testing.T, f *fixture) *jobs.Queue {
	t.Helper()
	workers := river.NewWorkers()
	if err := push.Register(workers, f.sender); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(f.db, workers, testLogger(t), jobs.ForTesting())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stopCtx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		q.Stop(stopCtx)
		cancel()
	})
	return q
}

func enqueue(t *testing.T, f *fixture, q *jobs.Queue, commit bool, agentIDs []int64, p push.Payload) {
	t.Helper()
	errRollback := fmt.Errorf("roll back on purpose")
	err := f.db.InTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
		if err := push.Enqueue(ctx, q, tx, agentIDs, p); err != nil {
			return err
		}
		if !commit {
			return errRollback
		}
		return nil
	})
	if commit && err != nil || !commit && err != errRollback {
		t.Fatalf("transaction: %v", err)
	}
}

func waitIdle(t *testing.T, q *jobs.Queue) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := q.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestJobSendsWhenCommitted(t *testing.T) {
	t.Parallel()
	f := setup(t)
	q := startQueue(t, f)
	sub := f.browser(t, f.org, f.a1)

	enqueue(t, f, q, false, []int64{f.a1}, push.Payload{Title: "rolled back"})
	enqueue(t, f, q, true, []int64{f.a1, f.a1}, push.Payload{Title: "committed", Path: "/c/7"})
	waitIdle(t, q)

	got := decoded(t, f.pushService.Messages(sub))
	want := []map[string]any{{"title": "committed", "path": "/c/7"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("browser received %v, want %v", got, want)
	}
}

func TestJobRetriesOnlyUnreachedBrowsers(t *testing.T) {
	t.Parallel()
	f := setup(t)
	q := startQueue(t, f)
	steady, flaky := f.browser(t, f.org, f.a1), f.browser(t, f.org, f.a1)
	f.pushService.Fail(flaky, http.StatusServiceUnavailable, 2)

	enqueue(t, f, q, true, []int64{f.a1}, push.Payload{Title: "hello"})
	waitIdle(t, q)

	for name, sub := range map[string]pushtest.Subscription{"steady": steady, "flaky": flaky} {
		if n := len(f.pushService.Messages(sub)); n != 1 {
			t.Errorf("%s browser received %d notifications, want exactly 1", name, n)
		}
	}
	if n := len(f.pushService.Rejections()); n != 2 {
		t.Errorf("push service refused %d pushes, want the 2 it was told to", n)
	}
}

func TestJobRetriesWhenNothingReached(t *testing.T) {
	t.Parallel()
	f := setup(t)
	q := startQueue(t, f)
	a, b := f.browser(t, f.org, f.a1), f.browser(t, f.org, f.a2)
	f.pushService.Fail(a, http.StatusInternalServerError, 1)
	f.pushService.Fail(b, http.StatusTooManyRequests, 1)

	enqueue(t, f, q, true, []int64{f.a1, f.a2}, push.Payload{Title: "hello"})
	waitIdle(t, q)

	for name, sub := range map[string]pushtest.Subscription{"a": a, "b": b} {
		if n := len(f.pushService.Messages(sub)); n != 1 {
			t.Errorf("browser %s received %d notifications, want exactly 1", name, n)
		}
	}
}

func TestJobDropsExpiredNotifications(t *testing.T) {
	t.Parallel()
	f := setup(t)
	q := startQueue(t, f)
	sub := f.browser(t, f.org, f.a1)
	err := f.db.InTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
		return q.InsertTx(ctx, tx, push.PushArgs{
			AgentIDs: []int64{f.a1}, Payload: push.Payload{Title: "stale"}, Expires: time.Now().Add(-time.Minute),
		}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	waitIdle(t, q)
	if n := len(f.pushService.Messages(sub)); n != 0 {
		t.Fatalf("an expired notification was sent %d times", n)
	}
}

func TestEnqueueRefusesBadPayload(t *testing.T) {
	t.Parallel()
	f := setup(t)
	q := startQueue(t, f)
	err := f.db.InTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
		return push.Enqueue(ctx, q, tx, []int64{f.a1}, push.Payload{Title: ""})
	})
	if e, ok := model.AsError(err); !ok || e.Fields["title"] == "" {
		t.Fatalf("enqueue error = %v, want a validation error on title", err)
	}
}

// An endpoint inside the network (here loopback, stored past validation)
// is never connected to by a production sender.
func TestSendRefusesInternalAddresses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t)
	strict, err := push.New(ctx, f.db, testBox(t), "mailto:ops@example.com", testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	sub := f.pushService.NewSubscription()
	if err := f.db.SavePushSubscription(ctx, f.org, f.a1, postgres.NewPushSubscription{Endpoint: sub.Endpoint, P256dh: sub.P256dh, Auth: sub.Auth}); err != nil {
		t.Fatal(err)
	}
	if err := strict.Send(ctx, []int64{f.a1}, push.Payload{Title: "x"}); err != nil {
		t.Fatalf("send: %v (a refused address is not worth retrying)", err)
	}
	if n := len(f.pushService.Messages(sub)) + len(f.pushService.Rejections()); n != 0 {
		t.Fatalf("the push service was reached %d times", n)
	}
	if s := f.stored(t, f.a1, sub.Endpoint); s.Failures != 1 {
		t.Fatalf("stored failures = %d, want 1", s.Failures)
	}
	// The test sender, allowed loopback, reaches it.
	if err := f.sender.Send(ctx, []int64{f.a1}, push.Payload{Title: "x"}); err != nil || len(f.pushService.Messages(sub)) != 1 {
		t.Fatalf("send with loopback allowed: %v, %d messages", err, len(f.pushService.Messages(sub)))
	}
}

// testBox seals with a fixed key, so every sender of a test opens what the
// others stored.
func testBox(t testing.TB) *secret.Box {
	t.Helper()
	box, err := secret.New(bytes.Repeat([]byte{7}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return box
}

// TestVAPIDPrivateKeySealed: the private key is never stored in clear, and
// one stored in clear by an earlier version is sealed on the next start.
func TestVAPIDPrivateKeySealed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	stored := func(db *postgres.DB) (plain, sealed string) {
		t.Helper()
		var s *string
		if err := db.Bun.QueryRowContext(ctx, `SELECT private_key, private_key_sealed FROM vapid_keys`).Scan(&plain, &s); err != nil {
			t.Fatal(err)
		}
		if s != nil {
			sealed = *s
		}
		return plain, sealed
	}

	db := pgtest.Open(t)
	_, priv, err := db.VAPIDKeys(ctx, testBox(t), func() (string, string, error) { return "pub-new", "priv-new", nil })
	if err != nil || priv != "priv-new" {
		t.Fatalf("VAPIDKeys = %q, %v", priv, err)
	}
	if plain, sealed := stored(db); plain != "" || sealed == "" || strings.Contains(sealed, "priv-new") {
		t.Fatalf("stored private_key %q, sealed %q: want only a sealed copy", plain, sealed)
	}

	old := pgtest.Open(t)
	if _, err := old.Bun.ExecContext(ctx, `INSERT INTO vapid_keys (public_key, private_key) VALUES ('pub-old', 'priv-old')`); err != nil {
		t.Fatal(err)
	}
	pub, priv, err := old.VAPIDKeys(ctx, testBox(t), func() (string, string, error) {
		t.Error("keys generated although stored")
		return "", "", nil
	})
	if err != nil || pub != "pub-old" || priv != "priv-old" {
		t.Fatalf("VAPIDKeys = %q/%q, %v; want the stored pair", pub, priv, err)
	}
	if plain, sealed := stored(old); plain != "" || sealed == "" {
		t.Fatalf("after start: private_key %q, sealed %q: want the clear copy gone", plain, sealed)
	}
	other, _ := secret.New(bytes.Repeat([]byte{8}, secret.KeySize))
	if _, _, err := old.VAPIDKeys(ctx, other, nil); err == nil {
		t.Fatal("another key opened the sealed private key")
	}
}
