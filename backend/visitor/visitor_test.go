package visitor_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/visitor"
	"github.com/frontdesk/frontdesk/model"
	"github.com/frontdesk/frontdesk/widget/i18n"
)

var base, _ = url.Parse("https://frontdesk.example.com")

// env is a visitor handler on a real database holding two widgets and
// agents with personal links (testAgents).
type env struct {
	srv    *httptest.Server
	open   model.Widget // no allowed origins
	locked model.Widget // allowed on two sites
}

// testAgents have personal links; only an active Standard agent's is
// public.
var testAgents = []struct {
	agent  postgres.NewAgent
	active bool
}{
	{postgres.NewAgent{Email: "ada@acme.test", Name: "Ada Admin", Slug: "ada", TimeZone: "Europe/Berlin", Role: model.RoleAdmin, License: model.LicenseStandard}, true},
	{postgres.NewAgent{Email: "anna@acme.test", Name: `Anna <i>"Schmidt"</i>`, Title: "Sales & Marketing", Slug: "anna",
		PhotoURL: "https://cdn.example.com/anna.jpg?s=96&x=1", TimeZone: "Europe/Berlin", Role: model.RoleAgent, License: model.LicenseStandard}, true},
	{postgres.NewAgent{Email: "dan@acme.test", Name: "Dan Basic", Slug: "dan", TimeZone: "Europe/London", Role: model.RoleAgent, License: model.LicenseBasic}, true},
	{postgres.NewAgent{Email: "gone@acme.test", Name: "Gone Away", Slug: "gone", TimeZone: "Europe/London", Role: model.RoleAgent, License: model.LicenseStandard}, false},
}

var testWidgets = []model.Widget{
	{PublicKey: "wk_open", Name: `Acme <b>"Support"</b>`, Color: "#fde047", Greeting: "Hi!", PreChatName: true, AllowedOrigins: []string{}},
	{PublicKey: "wk_locked", Name: "Locked", Color: "#1e3a8a", AllowedOrigins: []string{"https://shop.example.org", "http://localhost:3000"}},
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := pgtest.Open(t)
	ctx := context.Background()
	org, err := db.CreateOrganization(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range testAgents {
		agent, err := db.CreateAgent(ctx, org.ID, a.agent)
		if err != nil {
			t.Fatal(err)
		}
		if !a.active {
			inactive := false
			if _, err := db.UpdateAgent(ctx, org.ID, agent.ID, postgres.AgentPatch{Active: &inactive}); err != nil {
				t.Fatal(err)
			}
		}
	}
	var made []model.Widget
	for _, w := range testWidgets {
		wd, err := db.CreateWidget(ctx, org.ID, w)
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, wd)
	}
	h := newHandlerOn(t, fakeBuild(t), db)
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{srv: srv, open: made[0], locked: made[1]}
}

func newHandler(t *testing.T, buildDir string) *visitor.Handler {
	return newHandlerOn(t, buildDir, pgtest.Open(t))
}

func newHandlerOn(t *testing.T, buildDir string, db *postgres.DB) *visitor.Handler {
	t.Helper()
	h, err := visitor.New(visitor.Options{
		BaseURL: base, BuildDir: buildDir, Widgets: db, DemoWidgetKey: "wk_open",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// fakeBuild writes a stand-in widget.wasm with its compressed copies, so
// the handler tests need not build the real one (TestWidgetWasmSize does).
func fakeBuild(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	raw := append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte("frontdesk widget "), 500)...)
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("widget.wasm", raw)
	write("widget.wasm.br", compress(t, raw, func(w io.Writer) io.WriteCloser { return brotli.NewWriter(w) }))
	write("widget.wasm.gz", compress(t, raw, func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) }))
	return dir
}

func compress(t *testing.T, b []byte, newWriter func(io.Writer) io.WriteCloser) []byte {
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

func get(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Set by hand, Accept-Encoding keeps the transport from decoding.
	req.Header.Set("Accept-Encoding", "identity")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func decodeBody(t *testing.T, encoding string, body []byte) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(body)
	switch encoding {
	case "br":
		r = brotli.NewReader(r)
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode %s: %v", encoding, err)
	}
	return out
}

func TestLoader(t *testing.T) {
	e := newEnv(t)
	want, err := os.ReadFile(filepath.Join("files", "widget.js"))
	if err != nil {
		t.Fatal(err)
	}
	want = visitor.StripLoader(want)
	tests := []struct {
		accept, encoding string
	}{
		{"identity", ""},
		{"gzip, deflate", "gzip"},
		{"gzip, deflate, br, zstd", "br"},
		{"br;q=0, gzip", "gzip"},
		{"*", "br"},
		{"*, br;q=0", "gzip"},
	}
	var etags []string
	for _, tt := range tests {
		resp, body := get(t, e.srv.URL+"/widget.js", "Accept-Encoding", tt.accept)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", tt.accept, resp.StatusCode)
		}
		if got := resp.Header.Get("Content-Encoding"); got != tt.encoding {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tt.accept, got, tt.encoding)
		}
		if got := decodeBody(t, tt.encoding, body); !loaderMatches(t, got, want) {
			t.Errorf("Accept-Encoding %q: body does not decode to widget.js with its sentences", tt.accept)
		}
		for k, v := range map[string]string{
			"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=3600",
			"Cross-Origin-Resource-Policy": "cross-origin", "Vary": "Accept-Encoding",
		} {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("%s: %q, want %q", k, got, v)
			}
		}
		etags = append(etags, resp.Header.Get("ETag"))
	}
	if etags[0] == etags[1] || etags[1] == etags[2] {
		t.Errorf("encodings share an ETag: %v", etags)
	}
	resp, body := get(t, e.srv.URL+"/widget.js", "Accept-Encoding", "br", "If-None-Match", etags[2])
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("revalidation: status %d, %d bytes", resp.StatusCode, len(body))
	}
}

// loaderMatches reports whether got is the loader file want with every
// language's sentences in place of its /*FD_TEXT*/{} mark.
func loaderMatches(t *testing.T, got, want []byte) bool {
	t.Helper()
	before, after, ok := bytes.Cut(want, []byte("/*FD_TEXT*/{}"))
	if !ok || !bytes.HasPrefix(got, before) || !bytes.HasSuffix(got, after) || len(got) < len(before)+len(after) {
		return false
	}
	var texts map[string]map[string]string
	if err := json.Unmarshal(got[len(before):len(got)-len(after)], &texts); err != nil {
		t.Errorf("the loader's sentences: %v", err)
		return false
	}
	for _, lang := range i18n.Languages {
		if texts[lang]["Open"] == "" || texts[lang]["Unread"] == "" {
			t.Errorf("the loader has no %s sentences: %v", lang, texts[lang])
			return false
		}
	}
	return true
}

// TestLoaderBudget holds the loader to P1's 4 KB brotli, as served.
func TestLoaderBudget(t *testing.T) {
	e := newEnv(t)
	resp, body := get(t, e.srv.URL+"/widget.js", "Accept-Encoding", "br")
	if resp.Header.Get("Content-Encoding") != "br" {
		t.Fatal("no brotli variant")
	}
	t.Logf("widget.js: %d B brotli (budget %d B)", len(body), loaderBudget)
	if len(body) > loaderBudget {
		t.Errorf("widget.js is %d B brotli, over the %d B budget", len(body), loaderBudget)
	}
}

func TestFrame(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name      string
		widget    model.Widget
		ancestors string
		brand     string
		onBrand   string
	}{
		{"no allowed origins: any site", e.open, "frame-ancestors *", "#fde047", "#000000"},
		{"allowed origins and Frontdesk", e.locked,
			"frame-ancestors 'self' https://frontdesk.example.com https://shop.example.org http://localhost:3000", "#1e3a8a", "#ffffff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, e.srv.URL+"/widget/frame?key="+tt.widget.PublicKey)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			page := string(body)
			csp := resp.Header.Get("Content-Security-Policy")
			if !strings.HasSuffix(csp, "; "+tt.ancestors) {
				t.Errorf("CSP %q does not end with %q", csp, tt.ancestors)
			}
			checkInlineHashes(t, page, csp)
			if want := "--fd-brand:" + tt.brand + ";--fd-on-brand:" + tt.onBrand; !strings.Contains(page, want) {
				t.Errorf("page lacks %q", want)
			}
			// The page's own script and the wasm are served, at the URLs
			// the page names.
			for _, re := range []*regexp.Regexp{
				regexp.MustCompile(`<script src="(/widget/wasm_exec\.[0-9a-f]{16}\.js)">`),
				regexp.MustCompile(`data-wasm="(/widget/widget\.[0-9a-f]{16}\.wasm)"`),
			} {
				m := re.FindStringSubmatch(page)
				if m == nil {
					t.Fatalf("page lacks %s", re)
				}
				resp, _ := get(t, e.srv.URL+m[1], "Accept-Encoding", "br")
				if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
					t.Errorf("%s: status %d, Cache-Control %q", m[1], resp.StatusCode, resp.Header.Get("Cache-Control"))
				}
			}
		})
	}
}

// checkInlineHashes: every inline script and style of page must be allowed
// by its hash in csp, or the browser refuses it and the page never starts.
func checkInlineHashes(t *testing.T, page, csp string) {
	t.Helper()
	styles := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllStringSubmatch(page, -1)
	if len(styles) == 0 {
		t.Fatal("no inline style in page")
	}
	scripts := regexp.MustCompile(`(?s)<script data-wasm="[^"]*" data-failed="[^"]*">(.*?)</script>`).FindAllStringSubmatch(page, -1)
	if strings.Contains(page, "data-wasm=") && len(scripts) != 1 {
		t.Fatalf("found %d boot scripts in a page that loads the wasm", len(scripts))
	}
	for _, m := range append(styles, scripts...) {
		sum := sha256.Sum256([]byte(m[1]))
		if h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, h) {
			t.Errorf("CSP %q lacks %s for %.40q…", csp, h, m[1])
		}
	}
	if strings.Contains(page, "<script") != strings.Contains(csp, "script-src") {
		t.Errorf("page runs script: %v, but CSP %q", strings.Contains(page, "<script"), csp)
	}
}

// TestFrameEscapesWidgetName: the name is the site owner's text and reaches
// the page only as escaped text.
func TestFrameEscapesWidgetName(t *testing.T) {
	e := newEnv(t)
	_, body := get(t, e.srv.URL+"/widget/frame?key="+e.open.PublicKey)
	page := string(body)
	if strings.Contains(page, "<b>") {
		t.Error("the widget name's markup reached the page")
	}
	if !strings.Contains(page, `<h1 id="title">Acme &lt;b&gt;&#34;Support&#34;&lt;/b&gt;</h1>`) {
		t.Error("the escaped widget name is missing from the page")
	}
}

func TestNotFound(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{
		"/widget/frame?key=wk_nope",
		"/widget/frame",
		"/widget/frame?key=" + strings.Repeat("k", 200),
		"/widget/widget.wasm",                  // only the hashed name is served
		"/widget/widget.0000000000000000.wasm", // an old build
	} {
		resp, _ := get(t, e.srv.URL+path)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, resp.StatusCode)
		}
	}
}

func TestDemo(t *testing.T) {
	e := newEnv(t)
	resp, body := get(t, e.srv.URL+"/demo")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	snippet := `<script src="https://frontdesk.example.com/widget.js" data-frontdesk-widget="wk_open" async></script>`
	if !strings.Contains(string(body), snippet) {
		t.Errorf("demo page lacks the snippet %s", snippet)
	}
}

func TestNewNeedsTheBuild(t *testing.T) {
	db := pgtest.Open(t)
	dir := fakeBuild(t)
	if err := os.WriteFile(filepath.Join(dir, "widget.wasm.br"), compress(t, []byte("an older build"), func(w io.Writer) io.WriteCloser { return brotli.NewWriter(w) }), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, dir := range map[string]string{"missing": t.TempDir(), "stale copy": dir} {
		_, err := visitor.New(visitor.Options{BaseURL: base, BuildDir: dir, Widgets: db})
		if err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}

// TestLimitWrapsDatabasePages: the pages that read the database (the frame
// and the personal link's) are rate-limited with the public API; static
// files, and pages that only carry a token to the API, are not.
func TestLimitWrapsDatabasePages(t *testing.T) {
	db := pgtest.Open(t)
	refuse := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "slow down", http.StatusTooManyRequests)
		})
	}
	h, err := visitor.New(visitor.Options{BaseURL: base, BuildDir: fakeBuild(t), Widgets: db, Limit: refuse})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for path, want := range map[string]int{
		"/widget/frame?key=wk_open":              http.StatusTooManyRequests,
		"/l/anna":                                http.StatusTooManyRequests,
		"/l/anna/book":                           http.StatusTooManyRequests,
		"/l/anna/chat":                           http.StatusTooManyRequests,
		"/widget.js":                             http.StatusOK,
		h.WasmPath():                             http.StatusOK,
		"/m/hrumfLVSPPxf7rkwng79cIwkdpTwPJRi":    http.StatusOK,
		"/chat/hrumfLVSPPxf7rkwng79cIwkdpTwPJRi": http.StatusOK,
		"/demo":                                  http.StatusNotFound, // no DemoWidgetKey
	} {
		if resp, _ := get(t, srv.URL+path); resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d", path, resp.StatusCode, want)
		}
	}
}
