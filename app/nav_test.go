package app_test

import (
	"regexp"
	"strings"
	"testing"
)

// Every screen is pre-rendered inside the frame, with the navigation, so
// it is usable (and testable) before the wasm arrives.
func TestScreensArePreRendered(t *testing.T) {
	ts, _ := newServer(t)
	tests := []struct {
		path string
		nav  string
		want []string
	}{
		{"/", "/", []string{`id="app-nav"`, `aria-label="Main"`, `id="nav-inbox"`, `aria-current="page"`, `id="inbox"`, `id="offline-status"`}},
		{"/phonebook", "/phonebook", []string{"<title>Phonebook · Frontdesk</title>", `id="nav-phonebook"`, `<header class="topbar"`}},
		{"/meetings", "/meetings", []string{"<title>Meetings · Frontdesk</title>", `id="nav-meetings"`}},
		{"/availability", "/availability", []string{"<title>My availability · Frontdesk</title>"}},
		// Settings is everyone's (their profile), so it is listed even
		// before the session is known.
		{"/settings", "/settings", []string{"<title>Settings · Frontdesk</title>"}},
		{"/settings/widgets", "/settings", []string{"<title>Settings · Frontdesk</title>"}},
		{"/settings/profile", "/settings", []string{"<title>Settings · Frontdesk</title>"}},
		// Creating an organization: the sign-up and first-run setup screens.
		{"/signup", "", []string{"<title>Create your organization · Frontdesk</title>", `id="signup-form"`, `id="su-lang"`}},
		{"/setup/" + strings.Repeat("A", 43), "", []string{"<title>Set up Frontdesk</title>", `id="signup-form"`}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, body := get(t, ts.URL+tt.path)
			if res.StatusCode != 200 {
				t.Fatalf("status = %d", res.StatusCode)
			}
			for _, want := range tt.want {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %s", want)
				}
			}
			// The screen's own entry, and only it, is the current page.
			current := regexp.MustCompile(`<a [^>]*class="nav-item"[^>]*aria-current="page"[^>]*>|<a [^>]*aria-current="page"[^>]*class="nav-item"[^>]*>`).FindAllString(body, -1)
			if tt.nav == "" && len(current) != 0 || tt.nav != "" && (len(current) != 1 || !strings.Contains(current[0], `href="`+tt.nav+`"`)) {
				t.Errorf("current entries = %q, want the one to %s", current, tt.nav)
			}
		})
	}
	for _, p := range []string{"/settings/nope", "/settings/agents/1", "/phonebook/1", "/setup/short", "/setup/"} {
		if res, _ := get(t, ts.URL+p); res.StatusCode != 404 {
			t.Errorf("GET %s = %d, want 404", p, res.StatusCode)
		}
	}
}

// The service worker is the app's: it waits for its cache and serves the
// shell for any page offline, and keeps go-app's push handling.
func TestServiceWorkerIsTheApps(t *testing.T) {
	ts, _ := newServer(t)
	_, worker := get(t, ts.URL+"/app-worker.js")
	for _, want := range []string{`caches.match("/")`, "event.waitUntil", `addEventListener("push"`} {
		if !strings.Contains(worker, want) {
			t.Errorf("app-worker.js lacks %s", want)
		}
	}
	if strings.Contains(worker, "{{.Version}}") {
		t.Error("app-worker.js still has template placeholders")
	}
}
