package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/model"
)

// memStore is a kvStore in memory, with an optional size limit standing
// in for localStorage's quota.
type memStore struct {
	mu    sync.Mutex
	m     map[string]string
	limit int // total bytes; 0 for none
}

func (s *memStore) Get(k string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	return v, ok
}

func (s *memStore) Set(k, v string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limit > 0 {
		size := len(k) + len(v)
		for key, val := range s.m {
			if key != k {
				size += len(key) + len(val)
			}
		}
		if size > s.limit {
			return errStorageFull
		}
	}
	s.m[k] = v
	return nil
}

func (s *memStore) Del(k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, k)
}

func (s *memStore) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.m))
	for k := range s.m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// network is the wire between the app and a test API: it can be cut.
type network struct {
	down atomic.Bool
}

func (n *network) RoundTrip(req *http.Request) (*http.Response, error) {
	if n.down.Load() {
		return nil, errors.New("fetch() failed: TypeError: Failed to fetch")
	}
	return http.DefaultTransport.RoundTrip(req)
}

// offlineAPI answers a few reads with bodies that say which call they were,
// the session with a CSRF token, logout, and 401 once told to.
type offlineAPI struct {
	calls  atomic.Int64
	signed atomic.Bool
}

func (a *offlineAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := a.calls.Add(1)
	w.Header().Set("Content-Type", "application/json")
	if !a.signed.Load() && r.URL.Path != "/api/v1/auth/login" {
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(model.ErrorResponse{Error: &model.Error{Code: model.CodeUnauthenticated, Message: "Sign in."}})
		return
	}
	switch r.URL.Path {
	case "/api/v1/auth/session":
		json.NewEncoder(w).Encode(model.Session{Agent: model.Agent{ID: 7, Name: "Anna"}, CSRFToken: "server-token"})
	case "/api/v1/auth/logout":
		w.WriteHeader(http.StatusNoContent)
	case "/api/v1/agents":
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"error":{"code":"internal_error","message":"Oops."}}`)
	default:
		fmt.Fprintf(w, `{"path":%q,"query":%q,"call":%d}`, r.URL.Path, r.URL.RawQuery, n)
	}
}

type offlineRig struct {
	t      *testing.T
	url    string
	net    *network
	api    *offlineAPI
	store  *memStore
	cache  *offlineCache
	client *http.Client
	seen   []offlineStatus
	mu     sync.Mutex
}

func newOfflineRig(t *testing.T) *offlineRig {
	api := &offlineAPI{}
	api.signed.Store(true)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	r := &offlineRig{t: t, url: srv.URL, net: &network{}, api: api, store: &memStore{m: map[string]string{}}}
	r.cache = newOfflineCache(r.net, r.store, func() string { return "memory-token" })
	clock := time.Date(2026, 6, 3, 14, 5, 0, 0, time.UTC)
	r.cache.now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	r.cache.watch(func(s offlineStatus) {
		r.mu.Lock()
		r.seen = append(r.seen, s)
		r.mu.Unlock()
	})
	r.client = &http.Client{Transport: r.cache}
	return r
}

// get returns the body of GET path, or the error.
func (r *offlineRig) get(path string) (string, http.Header, error) {
	r.t.Helper()
	res, err := r.client.Get(r.url + path)
	if err != nil {
		return "", nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	return string(b), res.Header, nil
}

func (r *offlineRig) post(path string) int {
	r.t.Helper()
	res, err := r.client.Post(r.url+path, "application/json", strings.NewReader("{}"))
	if err != nil {
		r.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestOfflineCacheReplaysReads(t *testing.T) {
	r := newOfflineRig(t)
	online, _, err := r.get("/api/v1/conversations?view=open")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.get("/api/v1/conversations/42/messages?limit=200&after=0"); err != nil {
		t.Fatal(err)
	}

	r.net.down.Store(true)
	offline, h, err := r.get("/api/v1/conversations?view=open")
	if err != nil {
		t.Fatalf("offline read of a saved answer: %v", err)
	}
	if offline != online {
		t.Errorf("replayed %s, want the saved %s", offline, online)
	}
	if got := h.Get(offlineHeader); got != "2026-06-03T14:06:00Z" {
		t.Errorf("%s = %q", offlineHeader, got)
	}
	// The same read with its query in another order is the same read.
	if _, _, err := r.get("/api/v1/conversations/42/messages?after=0&limit=200"); err != nil {
		t.Errorf("messages with the query reordered: %v", err)
	}
	// What was never fetched, and what is never kept, fail as the network does.
	for _, path := range []string{"/api/v1/conversations?view=mine", "/api/v1/conversations/43", "/api/v1/me/calendar", "/api/v1/phonebook?q=ann"} {
		if _, _, err := r.get(path); err == nil {
			t.Errorf("GET %s offline succeeded", path)
		}
	}
	if st := r.cache.Status(); !st.Offline || !st.SavedAt.Equal(time.Date(2026, 6, 3, 14, 6, 0, 0, time.UTC)) {
		t.Errorf("status offline = %+v, want offline with the oldest saved answer's time", st)
	}

	// Back: the network answers, and the status says so.
	r.net.down.Store(false)
	fresh, _, err := r.get("/api/v1/conversations?view=open")
	if err != nil || fresh == online {
		t.Errorf("online again: %q, %v; want a new answer", fresh, err)
	}
	if st := r.cache.Status(); st.Offline || !st.SavedAt.IsZero() {
		t.Errorf("status online = %+v", st)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.seen) != 2 || !r.seen[0].Offline || r.seen[1].Offline {
		t.Errorf("the listener saw %+v, want offline then online", r.seen)
	}
}

func TestOfflineCacheKeepsOnlySuccess(t *testing.T) {
	r := newOfflineRig(t)
	if _, _, err := r.get("/api/v1/agents"); err != nil { // a 500
		t.Fatal(err)
	}
	r.net.down.Store(true)
	if _, _, err := r.get("/api/v1/agents"); err == nil {
		t.Error("an error answer was saved and replayed")
	}
}

// The session is kept without its CSRF token, and replayed with the token
// the app holds in memory.
func TestOfflineCacheSession(t *testing.T) {
	r := newOfflineRig(t)
	if _, _, err := r.get("/api/v1/auth/session"); err != nil {
		t.Fatal(err)
	}
	raw, _ := r.store.Get(offlinePrefix + "/api/v1/auth/session")
	if strings.Contains(raw, "server-token") || strings.Contains(raw, "csrf") {
		t.Errorf("saved session = %s, want no CSRF token", raw)
	}
	r.net.down.Store(true)
	body, _, err := r.get("/api/v1/auth/session")
	if err != nil {
		t.Fatal(err)
	}
	var s model.Session
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatal(err)
	}
	if s.Agent.Name != "Anna" || s.CSRFToken != "memory-token" {
		t.Errorf("replayed session = %+v", s)
	}

	// remember stores a session the app got another way (a login).
	r.cache.remember("/api/v1/auth/session", model.Session{Agent: model.Agent{ID: 8, Name: "Ben"}, CSRFToken: "login-token"})
	raw, _ = r.store.Get(offlinePrefix + "/api/v1/auth/session")
	if !strings.Contains(raw, "Ben") || strings.Contains(raw, "login-token") {
		t.Errorf("remembered session = %s", raw)
	}
}

func TestOfflineCacheForgetsOnSignOut(t *testing.T) {
	for _, end := range []string{"logout", "expired"} {
		t.Run(end, func(t *testing.T) {
			r := newOfflineRig(t)
			r.get("/api/v1/auth/session")
			r.get("/api/v1/conversations/5")
			r.store.Set("frontdesk.view", `"open"`) // the app's own preference stays
			if len(r.store.Keys()) < 3 {
				t.Fatalf("stored %v", r.store.Keys())
			}
			switch end {
			case "logout":
				if st := r.post("/api/v1/auth/logout"); st != http.StatusNoContent {
					t.Fatalf("logout: %d", st)
				}
			case "expired":
				r.api.signed.Store(false)
				r.get("/api/v1/conversations?view=mine")
			}
			if keys := r.store.Keys(); !slices.Equal(keys, []string{"frontdesk.view"}) {
				t.Errorf("after %s, storage holds %v", end, keys)
			}
		})
	}
}

func TestOfflineCacheBoundsConversations(t *testing.T) {
	r := newOfflineRig(t)
	r.get("/api/v1/conversations?view=open")
	read := func(id int) {
		r.get(fmt.Sprintf("/api/v1/conversations/%d", id))
		r.get(fmt.Sprintf("/api/v1/conversations/%d/messages?after=0", id))
	}
	for id := 1; id <= maxOfflineConversations; id++ {
		read(id)
	}
	// Reading conversation 1 again makes it the most recent; three more
	// push out the three least recent: 2, 3 and 4.
	read(1)
	for id := maxOfflineConversations + 1; id <= maxOfflineConversations+3; id++ {
		read(id)
	}
	r.net.down.Store(true)
	for id := 1; id <= maxOfflineConversations+3; id++ {
		_, _, err := r.get(fmt.Sprintf("/api/v1/conversations/%d/messages?after=0", id))
		kept := id == 1 || id > 4
		if kept != (err == nil) {
			t.Errorf("conversation %d kept = %v, want %v", id, err == nil, kept)
		}
	}
	if _, _, err := r.get("/api/v1/conversations?view=open"); err != nil {
		t.Errorf("the view was evicted: %v", err)
	}
}

// A full storage drops the conversations to make room for what is saved.
func TestOfflineCacheFullStorage(t *testing.T) {
	r := newOfflineRig(t)
	for id := 1; id <= 5; id++ {
		r.get(fmt.Sprintf("/api/v1/conversations/%d", id))
	}
	used := 0
	for _, k := range r.store.Keys() {
		v, _ := r.store.Get(k)
		used += len(k) + len(v)
	}
	r.store.limit = used + 50 // too little for another answer
	r.get("/api/v1/conversations?view=open")
	r.net.down.Store(true)
	if _, _, err := r.get("/api/v1/conversations?view=open"); err != nil {
		t.Errorf("the view was not saved: %v", err)
	}
	if _, _, err := r.get("/api/v1/conversations/5"); err == nil {
		t.Error("the conversations were kept in a full storage")
	}
}

func TestOfflineKey(t *testing.T) {
	tests := []struct {
		method, url string
		key         string
	}{
		{"GET", "http://x/api/v1/conversations?view=open", offlinePrefix + "/api/v1/conversations?view=open"},
		{"GET", "http://x/api/v1/conversations?view=open&service=3", offlinePrefix + "/api/v1/conversations?service=3&view=open"},
		{"GET", "http://x/api/v1/conversations/9/messages?limit=200&after=0", offlinePrefix + "/api/v1/conversations/9/messages?after=0&limit=200"},
		{"GET", "http://x/api/v1/conversations/9/meeting", offlinePrefix + "/api/v1/conversations/9/meeting"},
		{"GET", "http://x/api/v1/phonebook", offlinePrefix + "/api/v1/phonebook"},
		{"GET", "http://x/api/v1/phonebook?q=", offlinePrefix + "/api/v1/phonebook?q="},
		{"GET", "http://x/api/v1/phonebook?q=ann", ""},
		{"GET", "http://x/api/v1/me/calendar", ""},
		{"GET", "http://x/api/v1/crm", ""},
		{"GET", "http://x/api/v1/integrations/calendars", ""},
		{"GET", "http://x/api/v1/conversations/9/read", ""},
		{"GET", "http://x/api/v1/conversations/0", ""},
		{"POST", "http://x/api/v1/conversations/9/messages", ""},
		{"GET", "http://x/feeds/abc.ics", ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, tt.url, nil)
		key, ok := offlineKey(req)
		if key != tt.key || ok != (tt.key != "") {
			t.Errorf("%s %s: key %q, %v; want %q", tt.method, tt.url, key, ok, tt.key)
		}
	}
}

func TestSavedAtLabel(t *testing.T) {
	now := time.Date(2026, 6, 3, 18, 0, 0, 0, time.UTC)
	if got := savedAtLabel(time.Date(2026, 6, 3, 9, 5, 0, 0, time.UTC), now); got != "09:05" {
		t.Errorf("today: %q", got)
	}
	if got := savedAtLabel(time.Date(2026, 6, 1, 9, 5, 0, 0, time.UTC), now); got != "1 Jun, 09:05" {
		t.Errorf("before: %q", got)
	}
}

func TestServiceWorkerTemplate(t *testing.T) {
	tmpl, ok := serviceWorkerTemplate()
	if !ok {
		t.Fatal("go-app's worker template no longer has its push section where expected")
	}
	for _, want := range []string{
		"event.waitUntil", `caches.match("/")`, `request.mode === "navigate"`, `startsWith("/api/")`,
		`addEventListener("push"`, `addEventListener("notificationclick"`, "{{.Version}}", "{{.ResourcesToCache}}",
	} {
		if !strings.Contains(tmpl, want) {
			t.Errorf("the worker lacks %s", want)
		}
	}
	if strings.Count(tmpl, `addEventListener("fetch"`) != 1 || strings.Count(tmpl, `addEventListener("install"`) != 1 {
		t.Error("the worker handles fetch or install twice")
	}
}
