package app_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/frontdesk/frontdesk/app"
	"github.com/frontdesk/frontdesk/assets"
	"github.com/frontdesk/frontdesk/backend/web"
)

// newServer wires the app the way cmd/frontdesk does: backend/web at /web/,
// the go-app handler for everything else.
func newServer(t *testing.T) (*httptest.Server, *web.Static) {
	t.Helper()
	dir := t.TempDir()
	wasm := append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte("pwa"), 1000)...)
	var br, gz bytes.Buffer
	bw := brotli.NewWriter(&br)
	bw.Write(wasm)
	bw.Close()
	gw := gzip.NewWriter(&gz)
	gw.Write(wasm)
	gw.Close()
	for name, b := range map[string][]byte{"app.wasm": wasm, "app.wasm.br": br.Bytes(), "app.wasm.gz": gz.Bytes()} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	static, err := web.New(dir, assets.FS)
	if err != nil {
		t.Fatal(err)
	}

	app.Register()
	mux := http.NewServeMux()
	mux.Handle(web.Prefix, static)
	mux.Handle("/", app.NewHandler(app.HandlerOptions{Resources: static.Resolver(), Version: static.Version()}))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts, static
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// The server pre-renders each screen, so the page is usable (and testable)
// before the wasm arrives.
func TestPagesArePreRendered(t *testing.T) {
	ts, static := newServer(t)
	css := static.Resolver().Resolve("/web/app.css")
	if css == "/web/app.css" {
		t.Fatal("the stylesheet is not content-hashed")
	}
	tests := []struct {
		path string
		want []string
	}{
		{"/login", []string{
			"<title>Sign in · Frontdesk</title>",
			`class="login"`,
			`<label for="login-email"`, `id="login-email"`, `type="email"`, `autocomplete="username"`,
			`<label for="login-password"`, `id="login-password"`, `type="password"`,
			`id="login-error"`, `role="alert"`,
			`id="login-submit"`, `type="submit"`, `method="post"`,
			`<h1>Sign in</h1>`,
			`href="` + css + `"`,
		}},
		{"/", []string{
			"<title>Inbox · Frontdesk</title>",
			`<header class="topbar"`,
			`id="inbox"`,
			"Loading your inbox",
			`href="` + css + `"`,
		}},
		// A conversation's own address opens the inbox with it.
		{"/c/42", []string{
			"<title>Inbox · Frontdesk</title>",
			`id="inbox"`,
			`class="workspace has-open"`,
			"Loading your inbox",
		}},
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
			if strings.Contains(body, "raw.githubusercontent.com") {
				t.Error("page links go-app's default icon")
			}
		})
	}
}

func TestPWAFiles(t *testing.T) {
	ts, static := newServer(t)

	_, appJS := get(t, ts.URL+"/app.js")
	for _, want := range []string{static.WasmPath(), `"` + app.WasmContentLengthHeader + `"`, static.Version()} {
		if !strings.Contains(appJS, want) {
			t.Errorf("app.js lacks %s", want)
		}
	}

	_, worker := get(t, ts.URL+"/app-worker.js")
	if !strings.Contains(worker, static.WasmPath()) || strings.Contains(worker, `"/web/app.wasm"`) {
		t.Error("the service worker does not cache the content-hashed wasm")
	}

	res, manifestJSON := get(t, ts.URL+"/manifest.webmanifest")
	if res.StatusCode != 200 {
		t.Fatalf("manifest: %d", res.StatusCode)
	}
	var manifest struct {
		Name        string `json:"name"`
		ShortName   string `json:"short_name"`
		Description string `json:"description"`
		StartURL    string `json:"start_url"`
		ThemeColor  string `json:"theme_color"`
		Display     string `json:"display"`
		Icons       []struct{ Src, Type, Sizes, Purpose string }
	}
	if err := json.Unmarshal([]byte(manifestJSON), &manifest); err != nil {
		t.Fatal(err)
	}
	if manifest.Name != "Frontdesk" || manifest.ShortName == "" || manifest.StartURL != "/" || manifest.Display != "standalone" || manifest.ThemeColor != app.ThemeColor || manifest.Description == "" {
		t.Errorf("manifest = %+v", manifest)
	}
	if len(manifest.Icons) == 0 {
		t.Fatal("manifest has no icons")
	}
	for _, icon := range manifest.Icons {
		res, _ := get(t, ts.URL+icon.Src)
		if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("icon %s: %d %q, want a content-hashed URL", icon.Src, res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}

	res, _ = get(t, ts.URL+static.WasmPath())
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/wasm" {
		t.Errorf("wasm: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// go-app must leave /web/ to backend/web, and know only the app's routes.
func TestUnknownPaths(t *testing.T) {
	ts, _ := newServer(t)
	h := app.NewHandler(app.HandlerOptions{})
	for _, p := range []string{"/nope", "/web/nope.css", "/c/", "/c/0", "/c/4x", "/c/42/more"} {
		if res, _ := get(t, ts.URL+p); res.StatusCode != 404 {
			t.Errorf("GET %s = %d, want 404", p, res.StatusCode)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != 404 {
			t.Errorf("go-app handler alone: GET %s = %d, want 404", p, rec.Code)
		}
	}
}
