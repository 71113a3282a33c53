package web_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"

	"github.com/frontdesk/frontdesk/app"
	"github.com/frontdesk/frontdesk/assets"
	"github.com/frontdesk/frontdesk/backend/web"
)

// fakeWasm is a valid wasm header followed by compressible filler, big enough
// that both compressed copies are clearly smaller.
var fakeWasm = append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte("frontdesk wasm body "), 4096)...)

var testAssets = fstest.MapFS{
	"app.css":      {Data: []byte(strings.Repeat("body { color: black; }\n", 50))},
	"icon-192.png": {Data: []byte("\x89PNG\r\n\x1a\nnot really a png")},
	"robots.txt":   {Data: []byte("User-agent: *\nDisallow: /\n")},
}

// writeBuild lays out a build directory the way `make build` does.
func writeBuild(t testing.TB, dir string, raw []byte) {
	t.Helper()
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app.wasm", raw)
	write("app.wasm.br", compress(t, raw, func(w io.Writer) io.WriteCloser { return brotli.NewWriterLevel(w, 5) }))
	write("app.wasm.gz", compress(t, raw, func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) }))
}

func compress(t testing.TB, b []byte, newWriter func(io.Writer) io.WriteCloser) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := newWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func newStatic(t testing.TB) *web.Static {
	t.Helper()
	dir := t.TempDir()
	writeBuild(t, dir, fakeWasm)
	s, err := web.New(dir, testAssets)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func hash16(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

func decode(t *testing.T, encoding string, body []byte) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(body)
	switch encoding {
	case "br":
		r = brotli.NewReader(r)
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	case "":
	default:
		t.Fatalf("unexpected encoding %q", encoding)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode %s: %v", encoding, err)
	}
	return b
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
	}{
		{"no build", func(*testing.T, string) {}, "make build"},
		{"not wasm", func(t *testing.T, dir string) { writeBuild(t, dir, []byte("<html>oops</html>")) }, "not a WebAssembly binary"},
		{"no brotli copy", func(t *testing.T, dir string) {
			writeBuild(t, dir, fakeWasm)
			os.Remove(filepath.Join(dir, "app.wasm.br"))
		}, "app.wasm.br not found"},
		{"no gzip copy", func(t *testing.T, dir string) {
			writeBuild(t, dir, fakeWasm)
			os.Remove(filepath.Join(dir, "app.wasm.gz"))
		}, "app.wasm.gz not found"},
		{"stale gzip copy", func(t *testing.T, dir string) {
			writeBuild(t, dir, fakeWasm)
			old := compress(t, append(fakeWasm[:len(fakeWasm):len(fakeWasm)], 'x'), func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) })
			os.WriteFile(filepath.Join(dir, "app.wasm.gz"), old, 0o644)
		}, "app.wasm.gz does not match"},
		{"corrupt brotli copy", func(t *testing.T, dir string) {
			writeBuild(t, dir, fakeWasm)
			os.WriteFile(filepath.Join(dir, "app.wasm.br"), []byte("garbage"), 0o644)
		}, "app.wasm.br does not match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, dir)
			_, err := web.New(dir, testAssets)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestServeWasm(t *testing.T) {
	s := newStatic(t)
	wasmPath := "/web/app." + hash16(fakeWasm) + ".wasm"
	if got := s.WasmPath(); got != wasmPath {
		t.Fatalf("WasmPath = %s, want %s", got, wasmPath)
	}

	tests := []struct {
		name           string
		method, path   string
		acceptEncoding string
		wantStatus     int
		wantEncoding   string
		wantCache      string
	}{
		{"brotli preferred", "GET", wasmPath, "gzip, deflate, br, zstd", 200, "br", "public, max-age=31536000, immutable"},
		{"gzip only", "GET", wasmPath, "gzip", 200, "gzip", "public, max-age=31536000, immutable"},
		{"x-gzip alias", "GET", wasmPath, "x-gzip", 200, "gzip", "public, max-age=31536000, immutable"},
		{"weights win over size", "GET", wasmPath, "br;q=0.4, gzip;q=0.5", 200, "gzip", "public, max-age=31536000, immutable"},
		{"brotli refused", "GET", wasmPath, "br;q=0, gzip", 200, "gzip", "public, max-age=31536000, immutable"},
		{"wildcard", "GET", wasmPath, "*", 200, "br", "public, max-age=31536000, immutable"},
		{"no header", "GET", wasmPath, "", 200, "", "public, max-age=31536000, immutable"},
		{"unknown coding", "GET", wasmPath, "zstd", 200, "", "public, max-age=31536000, immutable"},
		{"malformed weight", "GET", wasmPath, "br;q=high, gzip", 200, "gzip", "public, max-age=31536000, immutable"},
		{"nothing acceptable", "GET", wasmPath, "identity;q=0, zstd", 406, "", ""},
		{"star refused", "GET", wasmPath, "*;q=0", 406, "", ""},
		{"head", "HEAD", wasmPath, "br", 200, "br", "public, max-age=31536000, immutable"},
		{"plain path revalidates", "GET", "/web/app.wasm", "br", 200, "br", "no-cache"},
		{"old build", "GET", "/web/app.0000000000000000.wasm", "br", 404, "", ""},
		{"post", "POST", wasmPath, "br", 405, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			if tt.acceptEncoding != "" {
				req.Header.Set("Accept-Encoding", tt.acceptEncoding)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			res := rec.Result()

			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus == 405 && res.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow = %q", res.Header.Get("Allow"))
			}
			if tt.wantStatus == 405 || tt.wantStatus == 404 {
				return
			}
			// Caches must key on Accept-Encoding, also for a 406.
			if res.Header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("Vary = %q, want Accept-Encoding", res.Header.Get("Vary"))
			}
			if tt.wantStatus != 200 {
				return
			}
			h := res.Header
			if got := h.Get("Content-Encoding"); got != tt.wantEncoding {
				t.Errorf("Content-Encoding = %q, want %q", got, tt.wantEncoding)
			}
			if got := h.Get("Content-Type"); got != "application/wasm" {
				t.Errorf("Content-Type = %q", got)
			}
			if got := h.Get("Cache-Control"); got != tt.wantCache {
				t.Errorf("Cache-Control = %q, want %q", got, tt.wantCache)
			}
			if got := h.Get(web.WasmContentLengthHeader); got != strconv.Itoa(len(fakeWasm)) {
				t.Errorf("%s = %q, want %d", web.WasmContentLengthHeader, got, len(fakeWasm))
			}
			body := rec.Body.Bytes()
			if tt.method == "HEAD" {
				if len(body) != 0 {
					t.Errorf("HEAD sent %d body bytes", len(body))
				}
				if n, _ := strconv.Atoi(h.Get("Content-Length")); n == 0 || n >= len(fakeWasm) {
					t.Errorf("HEAD Content-Length = %s, want the compressed size", h.Get("Content-Length"))
				}
				return
			}
			if got := h.Get("Content-Length"); got != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length = %s, body has %d bytes", got, len(body))
			}
			if tt.wantEncoding != "" && len(body) >= len(fakeWasm) {
				t.Errorf("%s body is %d bytes, raw is %d", tt.wantEncoding, len(body), len(fakeWasm))
			}
			if !bytes.Equal(decode(t, tt.wantEncoding, body), fakeWasm) {
				t.Error("body does not decode to the wasm")
			}
		})
	}
}

func TestConditionalGet(t *testing.T) {
	s := newStatic(t)
	get := func(encoding, etag string) *http.Response {
		req := httptest.NewRequest("GET", s.WasmPath(), nil)
		req.Header.Set("Accept-Encoding", encoding)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec.Result()
	}
	br := get("br", "")
	gz := get("gzip", "")
	if br.Header.Get("ETag") == gz.Header.Get("ETag") {
		t.Fatalf("br and gzip share ETag %s; each representation needs its own", br.Header.Get("ETag"))
	}
	if res := get("br", br.Header.Get("ETag")); res.StatusCode != http.StatusNotModified {
		t.Errorf("same representation: status = %d, want 304", res.StatusCode)
	}
	if res := get("gzip", br.Header.Get("ETag")); res.StatusCode != http.StatusOK {
		t.Errorf("other representation: status = %d, want 200", res.StatusCode)
	}
	for _, header := range []string{`W/` + br.Header.Get("ETag"), `"nope", ` + br.Header.Get("ETag"), "*"} {
		if res := get("br", header); res.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match %s: status = %d, want 304", header, res.StatusCode)
		}
	}
	if res := get("br", `"nope"`); res.StatusCode != http.StatusOK {
		t.Errorf("If-None-Match other: status = %d, want 200", res.StatusCode)
	}
}

func TestServeAssets(t *testing.T) {
	s := newStatic(t)
	css := testAssets["app.css"].Data
	cssHashed := "/web/app." + hash16(css) + ".css"
	png := testAssets["icon-192.png"].Data
	pngHashed := "/web/icon-192." + hash16(png) + ".png"

	tests := []struct {
		name, path, acceptEncoding string
		wantStatus                 int
		wantType, wantEncoding     string
		wantCache                  string
		wantBody                   []byte
	}{
		{"css plain", "/web/app.css", "", 200, "text/css; charset=utf-8", "", "no-cache", css},
		{"css hashed", cssHashed, "", 200, "text/css; charset=utf-8", "", "public, max-age=31536000, immutable", css},
		{"css brotli", cssHashed, "br, gzip", 200, "text/css; charset=utf-8", "br", "public, max-age=31536000, immutable", css},
		{"css gzip", "/web/app.css", "gzip", 200, "text/css; charset=utf-8", "gzip", "no-cache", css},
		{"png not compressed", pngHashed, "br, gzip", 200, "image/png", "", "public, max-age=31536000, immutable", png},
		{"robots at root", "/robots.txt", "", 200, "text/plain; charset=utf-8", "", "no-cache", testAssets["robots.txt"].Data},
		{"absent root file", "/sitemap.xml", "", 404, "", "", "", nil},
		{"stale hash", "/web/app.0000000000000000.css", "", 404, "", "", "", nil},
		{"unknown", "/web/nope.js", "", 404, "", "", "", nil},
		{"directory", "/web/", "", 404, "", "", "", nil},
		{"traversal", "/web/../go.mod", "", 404, "", "", "", nil},
		{"outside prefix", "/app.css", "", 404, "", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tt.path, nil)
			if tt.acceptEncoding != "" {
				req.Header.Set("Accept-Encoding", tt.acceptEncoding)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			res := rec.Result()
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus != 200 {
				return
			}
			for header, want := range map[string]string{
				"Content-Type":           tt.wantType,
				"Content-Encoding":       tt.wantEncoding,
				"Cache-Control":          tt.wantCache,
				"X-Content-Type-Options": "nosniff",
			} {
				if got := res.Header.Get(header); got != want {
					t.Errorf("%s = %q, want %q", header, got, want)
				}
			}
			if res.Header.Get("ETag") == "" {
				t.Error("no ETag")
			}
			if !bytes.Equal(decode(t, tt.wantEncoding, rec.Body.Bytes()), tt.wantBody) {
				t.Error("wrong body")
			}
		})
	}
}

func TestResolver(t *testing.T) {
	s := newStatic(t)
	r := s.Resolver()
	if _, ok := r.(http.Handler); ok {
		t.Fatal("the resolver implements http.Handler, so go-app would serve /web/ itself")
	}
	cssHashed := "/web/app." + hash16(testAssets["app.css"].Data) + ".css"
	tests := []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"/web", "/web"},
		{"/web/app.wasm", s.WasmPath()},
		{"/web/app.css", cssHashed},
		{"web/app.css", cssHashed},
		{"/web/unknown.js", "/web/unknown.js"},
		{"/app.js", "/app.js"},
		{"/app-worker.js", "/app-worker.js"},
		{"/login", "/login"},
		{"https://cdn.example/web/app.css", "https://cdn.example/web/app.css"},
	}
	for _, tt := range tests {
		if got := r.Resolve(tt.in); got != tt.want {
			t.Errorf("Resolve(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestVersion(t *testing.T) {
	build := func(wasm []byte, assets fstest.MapFS) string {
		dir := t.TempDir()
		writeBuild(t, dir, wasm)
		s, err := web.New(dir, assets)
		if err != nil {
			t.Fatal(err)
		}
		return s.Version()
	}
	base := build(fakeWasm, testAssets)
	if base == "" {
		t.Fatal("empty version")
	}
	if again := build(fakeWasm, testAssets); again != base {
		t.Errorf("same inputs gave versions %s and %s", base, again)
	}
	otherWasm := append(fakeWasm[:len(fakeWasm):len(fakeWasm)], 0)
	if v := build(otherWasm, testAssets); v == base {
		t.Error("version did not change with the wasm")
	}
	otherAssets := fstest.MapFS{}
	for k, v := range testAssets {
		otherAssets[k] = v
	}
	otherAssets["app.css"] = &fstest.MapFile{Data: []byte("body{}")}
	if v := build(fakeWasm, otherAssets); v == base {
		t.Error("version did not change with an asset")
	}
}

// The real assets must load: a file type we cannot serve properly should
// fail here rather than in production.
func TestRealAssets(t *testing.T) {
	dir := t.TempDir()
	writeBuild(t, dir, fakeWasm)
	s, err := web.New(dir, assets.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/web/app.css", "/web/icon.svg", "/web/icon-192.png", "/web/icon-512.png", "/robots.txt"} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != 200 {
			t.Errorf("GET %s: %d", p, rec.Code)
		}
	}
}

// The app tells go-app which header to read; this package sets it.
func TestWasmHeaderMatchesApp(t *testing.T) {
	if web.WasmContentLengthHeader != app.WasmContentLengthHeader {
		t.Fatalf("web sends %q but the app reads %q", web.WasmContentLengthHeader, app.WasmContentLengthHeader)
	}
}

func BenchmarkServeWasm(b *testing.B) {
	s := newStatic(b)
	req := httptest.NewRequest("GET", s.WasmPath(), nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	b.ReportAllocs()
	for b.Loop() {
		s.ServeHTTP(httptest.NewRecorder(), req)
	}
}
