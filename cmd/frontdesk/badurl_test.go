//go:build !js

package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// routePattern finds the routes the server registers: "METHOD /path" in
// the sources of the packages that add them.
var routePattern = regexp.MustCompile(`Handle(?:Func)?\("((?:GET|POST|PUT|PATCH|DELETE) /[^"]*)"`)

func registeredRoutes(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	for _, dir := range []string{"../../backend/api", "../../backend/visitor"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range routePattern.FindAllStringSubmatch(string(src), -1) {
				seen[m[1]] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Strings(out)
	if len(out) < 50 {
		t.Fatalf("found only %d routes: has the registration changed shape?", len(out))
	}
	return out
}

// TestUnreadableURLs: a NUL byte, or bytes that are not UTF-8, in any path
// segment or query parameter of any route is a 404 like any unknown slug,
// never a 500 (PostgreSQL refuses such text).
func TestUnreadableURLs(t *testing.T) {
	m := startServer(t)
	wildcard := regexp.MustCompile(`\{[^}]+\}`)
	check := func(method, path string) {
		t.Helper()
		var body io.Reader
		if method != "GET" {
			body = strings.NewReader("{}")
		}
		req, err := http.NewRequest(method, m.URL()+path, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s: %d %s, want 404", method, path, res.StatusCode, raw)
		}
		if strings.HasPrefix(path, "/api/") && !strings.Contains(string(raw), `"not_found"`) {
			t.Errorf("%s %s: body %s, want code not_found", method, path, raw)
		}
	}
	for _, route := range registeredRoutes(t) {
		method, pattern, _ := strings.Cut(route, " ")
		pattern = strings.TrimSuffix(pattern, "{$}")
		for _, bad := range []string{"%00", "%FF", "a%00b"} {
			// Each wildcard in turn, the others plausible.
			for _, loc := range wildcard.FindAllStringIndex(pattern, -1) {
				path := pattern[:loc[0]] + bad + pattern[loc[1]:]
				path = wildcard.ReplaceAllString(path, "1")
				check(method, path)
			}
			plain := wildcard.ReplaceAllString(pattern, "1")
			check(method, plain+"?q="+bad)
			check(method, plain+"?"+bad+"=1")
		}
	}
	// The reports from a newcomer's run, by name.
	for _, p := range []string{"/api/v1/public/links/%00", "/api/v1/public/widgets/%00", "/l/%00"} {
		check("GET", p)
	}
}
