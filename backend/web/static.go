// Package web serves the agent PWA's static files under /web/: the
// WebAssembly binary from the build directory, precompressed and
// content-addressed, and the embedded assets (stylesheet, icons).
//
// Everything is read once, when the server starts. The URL of a file carries
// the hash of the bytes read, so a file rebuilt on disk while the server
// runs can never be served under the hash of its predecessor, and browsers
// may cache the hashed URLs forever.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/andybalholm/brotli"
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"
)

// WasmContentLengthHeader carries the uncompressed size of the wasm. The
// go-app loader reads it to draw its progress bar: it counts decoded bytes,
// which Content-Length (the compressed size) cannot be compared with.
const WasmContentLengthHeader = "X-Wasm-Content-Length"

// DefaultBuildDir is where `make build` writes app.wasm and its compressed
// copies, relative to the working directory of the server.
const DefaultBuildDir = "build/web"

const (
	// Prefix is the URL path under which Static serves; mount it there
	// without stripping the prefix.
	Prefix = "/web/"

	wasmName = "app.wasm"

	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
)

// rootFiles may be asked for at the site root by crawlers. go-app's handler
// would try to proxy them with an HTTP request to itself, so the server mounts
// Static for these paths too.
var rootFiles = []string{"robots.txt", "sitemap.xml", "ads.txt"}

// Static serves the PWA's files. Create it with New.
type Static struct {
	routes   map[string]route  // by request path
	resolved map[string]string // plain /web/ path -> content-hashed path
	version  string
}

type route struct {
	content      *content
	cacheControl string
}

// content is one file with each representation we can send.
type content struct {
	contentType string
	rawLength   int
	wasm        bool
	variants    []variant // identity first, then largest to smallest (see sortVariants)
}

type variant struct {
	encoding string // "" for identity
	etag     string
	body     []byte
}

// New reads buildDir/app.wasm with its precompressed copies app.wasm.br and
// app.wasm.gz, and every file of assets, and returns a Static serving them.
// The compressed copies must decompress to app.wasm: stale ones would send
// an old build under the new build's hash.
func New(buildDir string, assets fs.FS) (*Static, error) {
	s := &Static{routes: map[string]route{}, resolved: map[string]string{}}
	versionHash := sha256.New()

	wasm, sum, err := loadWasm(buildDir)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(versionHash, "%s\x00%x\x00", wasmName, sum)
	if err := s.add(wasmName, wasm, sum); err != nil {
		return nil, err
	}

	err = fs.WalkDir(assets, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		body, err := fs.ReadFile(assets, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		c, err := newAsset(name, body, sum)
		if err != nil {
			return err
		}
		fmt.Fprintf(versionHash, "%s\x00%x\x00", name, sum)
		return s.add(name, c, sum)
	})
	if err != nil {
		return nil, fmt.Errorf("web: load assets: %w", err)
	}

	for _, name := range rootFiles {
		if rt, ok := s.routes[Prefix+name]; ok {
			s.routes["/"+name] = rt
		}
	}
	s.version = hex.EncodeToString(versionHash.Sum(nil))[:16]
	return s, nil
}

// add routes name at its plain path (revalidated on each use) and at its
// content-hashed path (cached for a year).
func (s *Static) add(name string, c *content, sum [sha256.Size]byte) error {
	plain := Prefix + name
	if _, dup := s.routes[plain]; dup {
		return fmt.Errorf("two files are served at %s", plain)
	}
	ext := path.Ext(name)
	hashed := Prefix + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:8]) + ext
	s.routes[plain] = route{content: c, cacheControl: cacheRevalidate}
	s.routes[hashed] = route{content: c, cacheControl: cacheImmutable}
	s.resolved[plain] = hashed
	return nil
}

// Version identifies the build being served: it changes when the wasm or any
// asset changes. go-app uses it to name the service worker's cache, so a new
// version makes installed apps fetch everything again.
func (s *Static) Version() string { return s.version }

// WasmPath is the content-hashed URL path of the wasm, e.g.
// /web/app.0123456789abcdef.wasm.
func (s *Static) WasmPath() string { return s.resolved[Prefix+wasmName] }

// Resolver returns the go-app ResourceResolver that points the page, the
// manifest and the service worker at the content-hashed URLs.
//
// It deliberately does not implement http.Handler: go-app would then serve
// /web/ itself instead of leaving it to Static.
func (s *Static) Resolver() goapp.ResourceResolver { return resolver(s.resolved) }

type resolver map[string]string

// Resolve maps a known /web/ file to its hashed URL and leaves everything
// else alone. "/web" itself stays as is: go-app hands it to the wasm as the
// base of the paths it resolves in the browser, which reach the plain URLs.
func (r resolver) Resolve(location string) string {
	switch {
	case location == "" || location == "/":
		return "/"
	case strings.HasPrefix(location, "https://"), strings.HasPrefix(location, "http://"):
		return location
	case location == "web" || strings.HasPrefix(location, "web/"):
		location = "/" + location
	}
	if hashed, ok := r[location]; ok {
		return hashed
	}
	return location
}

// ServeHTTP serves GET and HEAD for /web/... and the root files.
func (s *Static) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rt, ok := s.routes[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	rt.serve(w, r)
}

func (rt route) serve(w http.ResponseWriter, r *http.Request) {
	c := rt.content
	h := w.Header()
	if len(c.variants) > 1 {
		h.Add("Vary", "Accept-Encoding")
	}
	v, ok := c.negotiate(r.Header.Get("Accept-Encoding"))
	if !ok {
		http.Error(w, "no acceptable content-coding", http.StatusNotAcceptable)
		return
	}
	h.Set("Content-Type", c.contentType)
	h.Set("Cache-Control", rt.cacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", v.etag)
	if v.encoding != "" {
		h.Set("Content-Encoding", v.encoding)
	}
	if c.wasm {
		h.Set(WasmContentLengthHeader, strconv.Itoa(c.rawLength))
	}
	// Not http.ServeContent: it leaves Content-Length out whenever
	// Content-Encoding is set. Ranges are not offered (no Accept-Ranges).
	if etagMatches(r.Header.Get("If-None-Match"), v.etag) {
		h.Del("Content-Type")
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(v.body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(v.body) //nolint:errcheck // the client went away; nothing to do
	}
}

// etagMatches applies If-None-Match's weak comparison (RFC 9110 §13.1.2).
func etagMatches(header, etag string) bool {
	for candidate := range strings.SplitSeq(header, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == "*" || candidate == etag {
			return true
		}
	}
	return false
}

// negotiate picks the representation for an Accept-Encoding value: the
// highest q-value wins, ties go to the smaller encoding (variants are in
// order of preference). No header means identity (RFC 9110 §12.5.3 allows
// any coding, but an unknown client is safest with none).
func (c *content) negotiate(header string) (variant, bool) {
	if strings.TrimSpace(header) == "" {
		return c.variants[0], true
	}
	accepted := parseAcceptEncoding(header)
	best, bestQ := -1, 0.0
	for i, v := range c.variants {
		q := accepted.q(v.encoding)
		if q > 0 && q >= bestQ { // >=: on a tie the later, smaller body wins
			best, bestQ = i, q
		}
	}
	if best < 0 {
		return variant{}, false
	}
	return c.variants[best], true
}

type acceptEncoding map[string]float64

func parseAcceptEncoding(header string) acceptEncoding {
	a := acceptEncoding{}
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding == "" {
			continue
		}
		if coding == "x-gzip" {
			coding = "gzip"
		}
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil || f < 0 || f > 1 {
				f = 0 // a malformed weight must not make a coding preferred
			}
			q = f
		}
		a[coding] = q
	}
	return a
}

// q is the weight of coding; "" stands for identity, which is acceptable
// unless refused by name or by "*;q=0".
func (a acceptEncoding) q(coding string) float64 {
	name := coding
	if name == "" {
		name = "identity"
	}
	if q, ok := a[name]; ok {
		return q
	}
	if q, ok := a["*"]; ok {
		return q
	}
	if coding == "" {
		return 0.001 // acceptable, but never preferred over a listed coding
	}
	return 0
}

// loadWasm reads app.wasm and its compressed copies from dir.
func loadWasm(dir string) (*content, [sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	file := filepath.Join(dir, wasmName)
	raw, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, sum, fmt.Errorf("web: %s not found: build the agent app first with `make build`", file)
	}
	if err != nil {
		return nil, sum, fmt.Errorf("web: read wasm: %w", err)
	}
	if !bytes.HasPrefix(raw, []byte("\x00asm")) {
		return nil, sum, fmt.Errorf("web: %s is not a WebAssembly binary: rebuild it with `make build`", file)
	}
	sum = sha256.Sum256(raw)
	etag := hex.EncodeToString(sum[:8])

	c := &content{
		contentType: "application/wasm",
		rawLength:   len(raw),
		wasm:        true,
		variants:    []variant{{etag: `"` + etag + `"`, body: raw}},
	}
	for _, enc := range []struct {
		name, ext string
		decode    func(io.Reader) (io.Reader, error)
	}{
		{"br", ".br", func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }},
		{"gzip", ".gz", func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
	} {
		name := file + enc.ext
		body, err := os.ReadFile(name)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, sum, fmt.Errorf("web: %s not found: `make build` precompresses the wasm (go run ./cmd/precompress %s)", name, file)
		}
		if err != nil {
			return nil, sum, fmt.Errorf("web: read compressed wasm: %w", err)
		}
		if err := sameContent(body, enc.decode, sum); err != nil {
			return nil, sum, fmt.Errorf("web: %s does not match %s (%w): run `make build`", name, file, err)
		}
		c.variants = append(c.variants, variant{encoding: enc.name, etag: `"` + etag + "-" + enc.name + `"`, body: body})
	}
	c.sortVariants()
	return c, sum, nil
}

// sameContent checks that compressed decodes to the bytes hashed as want.
func sameContent(compressed []byte, decode func(io.Reader) (io.Reader, error), want [sha256.Size]byte) error {
	r, err := decode(bytes.NewReader(compressed))
	if err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return err
	}
	if !bytes.Equal(h.Sum(nil), want[:]) {
		return errors.New("stale copy")
	}
	return nil
}

// newAsset prepares an embedded file, compressing the text ones once here
// rather than on each request.
func newAsset(name string, body []byte, sum [sha256.Size]byte) (*content, error) {
	etag := hex.EncodeToString(sum[:8])
	c := &content{
		contentType: contentType(name, body),
		rawLength:   len(body),
		variants:    []variant{{etag: `"` + etag + `"`, body: body}},
	}
	if !compressible(c.contentType) {
		return c, nil
	}
	for _, enc := range []struct {
		name string
		new  func(io.Writer) io.WriteCloser
	}{
		{"br", func(w io.Writer) io.WriteCloser { return brotli.NewWriterLevel(w, brotli.BestCompression) }},
		{"gzip", func(w io.Writer) io.WriteCloser { zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression); return zw }},
	} {
		var buf bytes.Buffer
		zw := enc.new(&buf)
		if _, err := zw.Write(body); err != nil {
			return nil, fmt.Errorf("compress %s: %w", name, err)
		}
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("compress %s: %w", name, err)
		}
		if buf.Len() < len(body) {
			c.variants = append(c.variants, variant{encoding: enc.name, etag: `"` + etag + "-" + enc.name + `"`, body: buf.Bytes()})
		}
	}
	c.sortVariants()
	return c, nil
}

// sortVariants keeps identity first and orders the codings largest first,
// so that negotiate's tie-break ("later wins") picks the smallest body.
func (c *content) sortVariants() {
	slices.SortStableFunc(c.variants[1:], func(a, b variant) int { return len(b.body) - len(a.body) })
}

// contentType fixes the types that matter here rather than trusting the
// host's mime tables, which differ between machines.
func contentType(name string, body []byte) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".json":
		return "application/json"
	case ".webmanifest":
		return "application/manifest+json"
	case ".woff2":
		return "font/woff2"
	case ".ico":
		return "image/x-icon"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return http.DetectContentType(body)
}

func compressible(contentType string) bool {
	mediaType, _, _ := strings.Cut(contentType, ";")
	switch mediaType {
	case "image/svg+xml", "application/json", "application/manifest+json", "application/xml":
		return true
	}
	return strings.HasPrefix(mediaType, "text/")
}
