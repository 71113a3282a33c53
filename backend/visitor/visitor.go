// Package visitor serves what guests load from Frontdesk: the loader script
// a company pastes into its website (/widget.js), the chat page that runs
// in its iframe (/widget/frame), the WebAssembly and the Go runtime glue
// for it (/widget/...), the pages guests reach by link (pages.go: an
// agent's personal link, the booking page, the guest's meeting page, a
// conversation by link), and a demo company website (/demo).
//
// The loader and the pages are embedded in the binary; the WebAssembly is
// read from the build directory at start, with the brotli and gzip copies
// `make build` writes next to it, and served under its content hash so
// browsers cache it for good.
package visitor

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/frontdesk/frontdesk/backend/booking"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

//go:embed files
var files embed.FS

// WidgetLookup finds a widget by the public key in the site owner's snippet.
// A missing widget is a *model.Error with Code model.CodeNotFound
// (*postgres.DB satisfies it).
type WidgetLookup interface {
	WidgetByKey(ctx context.Context, key string) (model.Widget, error)
}

// Options configure a Handler.
type Options struct {
	// BaseURL is the server's public URL; the demo page loads the widget
	// from it, as a customer's site would.
	BaseURL *url.URL
	// BuildDir holds widget.wasm with widget.wasm.br and widget.wasm.gz.
	BuildDir string
	// Widgets finds a widget's settings for its frame page.
	Widgets WidgetLookup
	// Links finds agents' cards for their personal links. When nil and
	// Widgets is a *postgres.DB, a booking.Service on that database is
	// used (reading cards needs nothing else of it).
	Links LinkLookup
	// DemoWidgetKey is the public key of the widget on /demo; when empty,
	// /demo is not served.
	DemoWidgetKey string
	// Limit, when set, wraps the routes that read the database (the frame
	// page and the personal-link pages): (*api.Server).Public rate-limits
	// them per address like the public API.
	Limit func(http.Handler) http.Handler
	Log   *slog.Logger
}

// Handler serves the visitor side of the widget. Create it with New and
// add its routes to a mux with Register.
type Handler struct {
	opts Options
	log  *slog.Logger

	loader   *asset            // /widget.js
	static   map[string]*asset // by file name under /widget/
	wasmPath string            // /widget/widget.<hash>.wasm
	execPath string            // /widget/wasm_exec.<hash>.js

	frame     *template.Template
	frameCSS  string
	cspStatic string // the CSP of pages that run the wasm, before style and frame-ancestors
	pages     *template.Template
	pagesCSS  string
	demo      []byte

	catalogs map[string]*catalog // by language (lang.go)
}

// WasmFile is the build output of ./widget in BuildDir, the one
// WebAssembly of every visitor page that runs one (the widget, the chats
// by link, the booking and manage pages); `make build` writes it with its
// .br and .gz copies.
const WasmFile = "widget.wasm"

// execFile is the Go runtime's JavaScript half, embedded from the toolchain
// (files/wasm_exec.js; TestWasmExecMatchesToolchain keeps it current).
const execFile = "wasm_exec.js"

// New loads the widget's files and prepares the pages.
func New(opts Options) (*Handler, error) {
	if opts.BaseURL == nil || opts.Widgets == nil {
		return nil, errors.New("visitor: Options need BaseURL and Widgets")
	}
	if opts.Links == nil {
		db, ok := opts.Widgets.(*postgres.DB)
		if !ok {
			return nil, errors.New("visitor: Options need Links")
		}
		opts.Links = &booking.Service{DB: db, BaseURL: opts.BaseURL}
	}
	h := &Handler{opts: opts, log: opts.Log, static: map[string]*asset{}}
	if h.log == nil {
		h.log = slog.Default()
	}

	var err error
	if h.catalogs, err = loadCatalogs(); err != nil {
		return nil, err
	}
	loader, err := files.ReadFile("files/widget.js")
	if err != nil {
		return nil, fmt.Errorf("visitor: %w", err)
	}
	if loader, err = withLoaderText(stripLoader(loader), h.catalogs); err != nil {
		return nil, err
	}
	if h.loader, err = newAsset("text/javascript; charset=utf-8", cacheLoader, loader); err != nil {
		return nil, fmt.Errorf("visitor: widget.js: %w", err)
	}

	wasmFile := filepath.Join(opts.BuildDir, WasmFile)
	wasm, err := loadPrecompressed(wasmFile, "application/wasm", cacheImmutable)
	if err != nil {
		return nil, notBuilt(wasmFile, err)
	}
	// wasm_exec.js must come from the toolchain that built the wasm; the
	// embedded copy is checked against this toolchain by a test.
	execJS, err := files.ReadFile("files/" + execFile)
	if err != nil {
		return nil, fmt.Errorf("visitor: %w", err)
	}
	execAsset, err := newAsset("text/javascript; charset=utf-8", cacheImmutable, execJS)
	if err != nil {
		return nil, fmt.Errorf("visitor: wasm_exec.js: %w", err)
	}
	h.wasmPath = h.addStatic(WasmFile, wasm)
	h.execPath = h.addStatic(execFile, execAsset)

	if err := h.prepareFrame(); err != nil {
		return nil, err
	}
	if err := h.preparePages(); err != nil {
		return nil, err
	}
	if opts.DemoWidgetKey != "" {
		if h.demo, err = renderDemo(opts.BaseURL, opts.DemoWidgetKey); err != nil {
			return nil, err
		}
	}
	return h, nil
}

func (h *Handler) addStatic(name string, a *asset) string {
	hashed := a.hashedName(name)
	h.static[hashed] = a
	return "/widget/" + hashed
}

// WasmPath is the URL path of the widget's WebAssembly, which changes with
// every build.
func (h *Handler) WasmPath() string { return h.wasmPath }

// Register adds the visitor routes to mux (net/http ServeMux patterns;
// *api.Server and *http.ServeMux both fit).
func (h *Handler) Register(mux interface{ Handle(string, http.Handler) }) {
	limit := func(f http.HandlerFunc) http.Handler {
		if h.opts.Limit != nil {
			return h.opts.Limit(f)
		}
		return f
	}
	mux.Handle("GET /widget.js", http.HandlerFunc(h.serveLoader))
	mux.Handle("GET /widget/frame", limit(h.serveFrame))
	mux.Handle("GET /widget/{file}", http.HandlerFunc(h.serveStatic))
	mux.Handle("GET /l/{slug}", limit(h.serveCard))
	mux.Handle("GET /l/{slug}/chat", limit(h.serveLinkChat))
	mux.Handle("GET /l/{slug}/book", limit(h.serveBook))
	mux.Handle("GET /m/{token}", http.HandlerFunc(h.serveManage))
	mux.Handle("GET /chat/{token}", http.HandlerFunc(h.serveConversation))
	if h.demo != nil {
		mux.Handle("GET /demo", http.HandlerFunc(h.serveDemo))
	}
}

func (h *Handler) serveLoader(w http.ResponseWriter, r *http.Request) {
	// Customers' pages load it cross-origin; let those that isolate
	// themselves (COEP) do so too.
	w.Header().Set("Cross-Origin-Resource-Policy", "cross-origin")
	h.loader.ServeHTTP(w, r)
}

func (h *Handler) serveStatic(w http.ResponseWriter, r *http.Request) {
	a, ok := h.static[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	a.ServeHTTP(w, r)
}

func (h *Handler) serveDemo(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", cachePage)
	w.Write(h.demo) //nolint:errcheck // the client went away
}

// origin is the scheme://host[:port] of u.
func origin(u *url.URL) string {
	return strings.ToLower(u.Scheme + "://" + u.Host)
}
