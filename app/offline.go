package app

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Offline: the service worker (serviceWorkerTemplate) keeps the app's files,
// so the app opens without a network. This file keeps its data. The API
// client's transport remembers the last answer to each read the screens
// need (the session, the inbox views, recent conversations and their
// messages, meetings, the phonebook…) in localStorage and, when a read
// fails for want of a network, answers it from there. The screens need not
// know: they show what they get, and the frame shows a banner saying the
// data is saved data (offlineStatus). The copy belongs to the session: a
// logout or an ended session erases it.

const (
	offlinePrefix    = "frontdesk.offline:"
	offlineRecentKey = "frontdesk.offline.recent"
	// maxOfflineBody skips answers too big to be worth a share of
	// localStorage's few megabytes.
	maxOfflineBody = 512 << 10
	// maxOfflineConversations bounds the conversations kept, most recently
	// fetched first.
	maxOfflineConversations = 20
)

// offlineReads are the GET paths worth keeping: what the screens show.
// The calendar (its feed URL is a secret), CRM and widget settings are left
// out; they are no use without a network anyway.
var offlineReads = regexp.MustCompile(`^/api/v1/(` +
	`auth/session|agents|services|meetings|organization|me/availability|phonebook|` +
	`conversations|conversations/[1-9][0-9]{0,17}(/messages|/meeting)?` +
	`)$`)

// conversationRead matches the reads about one conversation, which are
// evicted together.
var conversationRead = regexp.MustCompile(`^/api/v1/conversations/([1-9][0-9]{0,17})(/|$)`)

// offlineStatus is what the app knows about its connection.
type offlineStatus struct {
	// Offline is true when the last request failed for want of a network.
	Offline bool
	// SavedAt is when the oldest saved answer shown since was fetched;
	// zero when nothing saved was shown.
	SavedAt time.Time
}

// kvStore is where saved answers live: localStorage in the browser.
type kvStore interface {
	Get(key string) (string, bool)
	Set(key, value string) error
	Del(key string)
	Keys() []string
}

// offlineCache is an http.RoundTripper that saves the answers to the reads
// in offlineReads and replays them when the network fails.
type offlineCache struct {
	next  http.RoundTripper
	store kvStore
	// csrf returns the CSRF token the app holds in memory. A saved session
	// never contains one (it is no business of localStorage); a replayed
	// one carries the token in memory, so replaying does not erase it.
	csrf func() string
	now  func() time.Time

	mu        sync.Mutex
	status    offlineStatus
	listeners map[int]func(offlineStatus)
	nextID    int
}

func newOfflineCache(next http.RoundTripper, store kvStore, csrf func() string) *offlineCache {
	return &offlineCache{next: next, store: store, csrf: csrf, now: time.Now, listeners: map[int]func(offlineStatus){}}
}

// savedAnswer is one saved answer, as stored.
type savedAnswer struct {
	SavedAt time.Time       `json:"saved_at"`
	Body    json.RawMessage `json:"body"`
}

// offlineHeader marks a replayed answer with the time it was saved.
const offlineHeader = "X-Frontdesk-Saved-At"

func (c *offlineCache) RoundTrip(req *http.Request) (*http.Response, error) {
	key, keep := offlineKey(req)
	res, err := c.next.RoundTrip(req)
	if err != nil {
		if req.Context().Err() != nil {
			return nil, err // given up on, not offline
		}
		if keep {
			if saved, ok := c.load(key); ok {
				c.setStatus(true, saved.SavedAt)
				return c.replay(req, key, saved), nil
			}
		}
		c.setStatus(true, time.Time{})
		return nil, err
	}
	c.setStatus(false, time.Time{})

	switch {
	case res.StatusCode == http.StatusUnauthorized && req.URL.Path != "/api/v1/auth/login":
		c.clear() // the session has ended: so has its copy
	case req.Method == http.MethodPost && req.URL.Path == "/api/v1/auth/logout" && res.StatusCode < 300:
		c.clear()
	case keep && res.StatusCode == http.StatusOK:
		body, err := io.ReadAll(io.LimitReader(res.Body, maxOfflineBody+1))
		res.Body.Close()
		if err != nil {
			return nil, err
		}
		res.Body = io.NopCloser(bytes.NewReader(body))
		if len(body) <= maxOfflineBody {
			c.save(key, body)
		}
	}
	return res, nil
}

// offlineKey names the storage entry of a read worth keeping.
func offlineKey(req *http.Request) (string, bool) {
	if req.Method != http.MethodGet || !offlineReads.MatchString(req.URL.Path) {
		return "", false
	}
	q := req.URL.Query()
	// A phonebook search is not worth keeping; the whole list is.
	if req.URL.Path == "/api/v1/phonebook" && q.Get("q") != "" {
		return "", false
	}
	key := offlinePrefix + req.URL.Path
	if len(q) > 0 {
		key += "?" + q.Encode() // sorted, so one read has one key
	}
	return key, true
}

func (c *offlineCache) load(key string) (savedAnswer, bool) {
	raw, ok := c.store.Get(key)
	if !ok {
		return savedAnswer{}, false
	}
	var saved savedAnswer
	if json.Unmarshal([]byte(raw), &saved) != nil || len(saved.Body) == 0 {
		return savedAnswer{}, false
	}
	return saved, true
}

func (c *offlineCache) replay(req *http.Request, key string, saved savedAnswer) *http.Response {
	body := []byte(saved.Body)
	if isSessionKey(key) {
		body = withCSRF(body, c.csrf())
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set(offlineHeader, saved.SavedAt.UTC().Format(time.RFC3339))
	return &http.Response{
		Status: "200 OK", StatusCode: http.StatusOK,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
		Request: req,
	}
}

// save stores an answer, making room by forgetting the oldest
// conversations when there are too many or storage is full.
func (c *offlineCache) save(key string, body []byte) {
	if isSessionKey(key) {
		body = withCSRF(body, "")
	}
	entry, err := json.Marshal(savedAnswer{SavedAt: c.now(), Body: body})
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if conv, ok := conversationOf(key); ok {
		c.touchLocked(conv)
	}
	if c.store.Set(key, string(entry)) == nil {
		return
	}
	// Full: keep the lists, drop the conversations, and try once more.
	c.evictLocked(0)
	c.store.Set(key, string(entry)) //nolint:errcheck // then it is not kept; the app works without
}

// touchLocked records conv as the most recently fetched conversation and
// forgets the ones beyond maxOfflineConversations.
func (c *offlineCache) touchLocked(conv string) {
	recent := c.recentLocked()
	recent = slices.DeleteFunc(recent, func(s string) bool { return s == conv })
	recent = append([]string{conv}, recent...)
	c.setRecentLocked(recent)
	c.evictLocked(maxOfflineConversations)
}

// evictLocked forgets every conversation but the keep most recent ones.
func (c *offlineCache) evictLocked(keep int) {
	recent := c.recentLocked()
	if len(recent) <= keep {
		return
	}
	gone := map[string]bool{}
	for _, conv := range recent[keep:] {
		gone[conv] = true
	}
	for _, k := range c.store.Keys() {
		if conv, ok := conversationOf(k); ok && gone[conv] {
			c.store.Del(k)
		}
	}
	c.setRecentLocked(recent[:keep])
}

func (c *offlineCache) recentLocked() []string {
	raw, ok := c.store.Get(offlineRecentKey)
	if !ok {
		return nil
	}
	var recent []string
	json.Unmarshal([]byte(raw), &recent) //nolint:errcheck // unreadable: start afresh
	return recent
}

func (c *offlineCache) setRecentLocked(recent []string) {
	b, _ := json.Marshal(recent)
	c.store.Set(offlineRecentKey, string(b)) //nolint:errcheck // eviction is best effort
}

// clear forgets every saved answer.
func (c *offlineCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range c.store.Keys() {
		if strings.HasPrefix(k, offlinePrefix) || k == offlineRecentKey {
			c.store.Del(k)
		}
	}
}

// conversationOf returns the conversation a key is about.
func conversationOf(key string) (string, bool) {
	path, _, _ := strings.Cut(strings.TrimPrefix(key, offlinePrefix), "?")
	m := conversationRead.FindStringSubmatch(path)
	if m == nil {
		return "", false
	}
	return m[1], true
}

func isSessionKey(key string) bool { return key == offlinePrefix+"/api/v1/auth/session" }

// withCSRF sets (or, for "", removes) a session's csrf_token.
func withCSRF(session []byte, token string) []byte {
	var fields map[string]json.RawMessage
	if json.Unmarshal(session, &fields) != nil {
		return session
	}
	delete(fields, "csrf_token")
	if token != "" {
		fields["csrf_token"], _ = json.Marshal(token)
	}
	out, err := json.Marshal(fields)
	if err != nil {
		return session
	}
	return out
}

// remember saves v as the answer to GET path, for what the app learnt
// another way: the session a login returned.
func (c *offlineCache) remember(path string, v any) {
	req, err := http.NewRequest(http.MethodGet, path, nil)
	if err != nil {
		return
	}
	key, keep := offlineKey(req)
	if !keep {
		return
	}
	body, err := json.Marshal(v)
	if err != nil || len(body) > maxOfflineBody {
		return
	}
	c.save(key, body)
}

// Status returns what the app knows about its connection.
func (c *offlineCache) Status() offlineStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status
}

// setStatus records the outcome of a request: offline or not, and when
// the saved answer just shown was saved.
func (c *offlineCache) setStatus(offline bool, savedAt time.Time) {
	c.mu.Lock()
	next := offlineStatus{Offline: offline}
	if offline {
		next.SavedAt = c.status.SavedAt
		if !savedAt.IsZero() && (next.SavedAt.IsZero() || savedAt.Before(next.SavedAt)) {
			next.SavedAt = savedAt
		}
	}
	changed := next != c.status
	c.status = next
	listeners := make([]func(offlineStatus), 0, len(c.listeners))
	for _, l := range c.listeners {
		listeners = append(listeners, l)
	}
	c.mu.Unlock()
	if changed {
		for _, l := range listeners {
			l(next)
		}
	}
}

// watch calls f (from the request's goroutine) whenever the status
// changes, until the returned function is called.
func (c *offlineCache) watch(f func(offlineStatus)) (stop func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextID++
	id := c.nextID
	c.listeners[id] = f
	return func() {
		c.mu.Lock()
		delete(c.listeners, id)
		c.mu.Unlock()
	}
}

var (
	offlineOnce  sync.Once
	browserCache *offlineCache
)

// installOfflineCache puts the offline cache under the browser's API
// client, which is http.DefaultClient (api()); the wasm makes no other HTTP
// requests. Only call it in the browser.
func installOfflineCache() {
	offlineOnce.Do(func() {
		next := http.DefaultClient.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		browserCache = newOfflineCache(next, localStore{}, func() string { return api().csrfToken() })
		http.DefaultClient.Transport = browserCache
	})
}

// appOffline returns the browser's offline cache; nil before
// installOfflineCache, and on the server.
func appOffline() *offlineCache { return browserCache }

// localStore is the browser's localStorage, as strings. go-app's
// BrowserStorage would wrap each value in JSON once more.
type localStore struct{}

func (localStore) storage() goapp.Value { return goapp.Window().Get("localStorage") }

func (s localStore) Get(key string) (string, bool) {
	v := s.storage().Call("getItem", key)
	if v.IsNull() || v.IsUndefined() {
		return "", false
	}
	return v.String(), true
}

func (s localStore) Set(key, value string) (err error) {
	defer func() {
		// A full storage throws QuotaExceededError, a panic here.
		if r := recover(); r != nil {
			err = errStorageFull
		}
	}()
	s.storage().Call("setItem", key, value)
	return nil
}

func (s localStore) Del(key string) { s.storage().Call("removeItem", key) }

func (s localStore) Keys() []string {
	st := s.storage()
	n := st.Get("length").Int()
	keys := make([]string, 0, n)
	for i := range n {
		if k := st.Call("key", i); k.Truthy() {
			keys = append(keys, k.String())
		}
	}
	return keys
}

type storageError string

func (e storageError) Error() string { return string(e) }

const errStorageFull = storageError("local storage is full")

// savedAtLabel says when saved data is from: "14:05" today, "3 Jun, 14:05"
// before.
func savedAtLabel(t, now time.Time) string {
	t = t.In(now.Location())
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	if y1 == y2 && m1 == m2 && d1 == d2 {
		return t.Format("15:04")
	}
	return t.Format("2 Jan, 15:04")
}
