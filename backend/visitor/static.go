package visitor

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/andybalholm/brotli"
)

// Cache lifetimes. Content-addressed URLs never change meaning; the loader's
// URL is in every customer's pages, so a new loader must reach them within
// the hour.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheLoader    = "public, max-age=3600"
	cachePage      = "no-cache"
)

// asset is one file held in memory with each encoding it can be sent in.
type asset struct {
	contentType  string
	cacheControl string
	hash         string    // hex of the first 8 bytes of the body's SHA-256
	variants     []variant // identity first, then smallest last
}

type variant struct {
	encoding string // "" for identity
	etag     string
	body     []byte
}

// newAsset compresses body once with brotli and gzip at their best
// settings; it is for small files, where that takes milliseconds.
func newAsset(contentType, cacheControl string, body []byte) (*asset, error) {
	a := base(contentType, cacheControl, body)
	for _, enc := range []struct {
		name  string
		write func(io.Writer) io.WriteCloser
	}{
		{"gzip", func(w io.Writer) io.WriteCloser { zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression); return zw }},
		{"br", func(w io.Writer) io.WriteCloser { return brotli.NewWriterLevel(w, brotli.BestCompression) }},
	} {
		var buf bytes.Buffer
		zw := enc.write(&buf)
		if _, err := zw.Write(body); err != nil {
			return nil, fmt.Errorf("compress: %w", err)
		}
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("compress: %w", err)
		}
		a.add(enc.name, buf.Bytes())
	}
	return a, nil
}

// loadPrecompressed reads file and the .br and .gz copies `go run
// ./cmd/precompress` writes next to it (large files are compressed at build
// time, not at every start). The copies must decompress to the file: stale
// ones would send an old build under the new build's hash.
func loadPrecompressed(file, contentType, cacheControl string) (*asset, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	a := base(contentType, cacheControl, raw)
	for _, enc := range []struct {
		name, ext string
		decode    func(io.Reader) (io.Reader, error)
	}{
		{"gzip", ".gz", func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
		{"br", ".br", func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }},
	} {
		body, err := os.ReadFile(file + enc.ext)
		if err != nil {
			return nil, err
		}
		r, err := enc.decode(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("%s%s: %w", file, enc.ext, err)
		}
		decoded, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("%s%s: %w", file, enc.ext, err)
		}
		if !bytes.Equal(decoded, raw) {
			return nil, fmt.Errorf("%s%s is not a copy of %s: %w", file, enc.ext, filepath.Base(file), errStale)
		}
		a.add(enc.name, body)
	}
	return a, nil
}

var errStale = errors.New("stale compressed copy")

func base(contentType, cacheControl string, body []byte) *asset {
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:8])
	return &asset{
		contentType: contentType, cacheControl: cacheControl, hash: hash,
		variants: []variant{{etag: `"` + hash + `"`, body: body}},
	}
}

// add keeps an encoded copy if it is smaller than every one so far, so the
// last variant is always the smallest.
func (a *asset) add(encoding string, body []byte) {
	if len(body) >= len(a.variants[len(a.variants)-1].body) {
		return
	}
	a.variants = append(a.variants, variant{encoding: encoding, etag: `"` + a.hash + "-" + encoding + `"`, body: body})
}

// hashedName inserts the content hash before the extension:
// widget.wasm → widget.0123456789abcdef.wasm.
func (a *asset) hashedName(name string) string {
	ext := filepath.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + a.hash + ext
}

func (a *asset) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v := a.negotiate(r.Header.Get("Accept-Encoding"))
	h := w.Header()
	if len(a.variants) > 1 {
		h.Add("Vary", "Accept-Encoding")
	}
	h.Set("Cache-Control", a.cacheControl)
	h.Set("ETag", v.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, v.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", a.contentType)
	if v.encoding != "" {
		h.Set("Content-Encoding", v.encoding)
	}
	h.Set("Content-Length", strconv.Itoa(len(v.body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(v.body) //nolint:errcheck // the client went away
}

// negotiate picks the smallest variant the client accepts. Clients that
// refuse identity outright are vanishingly rare; they get it anyway.
func (a *asset) negotiate(acceptEncoding string) variant {
	for i := len(a.variants) - 1; i > 0; i-- {
		if accepts(acceptEncoding, a.variants[i].encoding) {
			return a.variants[i]
		}
	}
	return a.variants[0]
}

// accepts reports whether an Accept-Encoding header allows coding with a
// non-zero weight (explicitly or through "*").
func accepts(header, coding string) bool {
	star := false
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != coding && name != "*" && !(coding == "gzip" && name == "x-gzip") {
			continue
		}
		ok := !zeroWeight(params)
		if name == "*" {
			star = ok
			continue
		}
		return ok
	}
	return star
}

func zeroWeight(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		k, v, found := strings.Cut(strings.TrimSpace(p), "=")
		if found && strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return err != nil || q <= 0
		}
	}
	return false
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

// notBuilt explains a missing build output.
func notBuilt(file string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("visitor: %s not found: build the widget with `make build` (%w)", file, err)
	}
	return fmt.Errorf("visitor: load %s: %w", file, err)
}
