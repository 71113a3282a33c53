// Package app is the agent PWA, written with go-app v10.
//
// The same code runs on both sides: compiled to WebAssembly (cmd/frontdesk
// under GOOS=js) it is the app in the browser; compiled into the server it
// pre-renders the pages and describes the PWA (manifest, service worker,
// loader) through NewHandler. It must therefore stay free of backend code:
// TestWasmDependencies enforces that.
package app

import (
	"strconv"
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Paths of the app's screens. A conversation opens in the inbox at
// /c/{id}: the same component as /, so the list and the live connection
// stay as they are while the agent moves between conversations. The other
// screens' paths are beside them (PathPhonebook, PathMeetings,
// PathAvailability, PathSettings).
const (
	PathInbox = "/"
	PathLogin = "/login"

	pathConversationPrefix  = "/c/"
	pathConversationPattern = `^/c/[1-9][0-9]{0,17}$`
)

// WasmContentLengthHeader names the response header carrying the wasm's
// uncompressed size, which go-app's loader needs for its progress bar when
// the wasm travels compressed. backend/web sets it.
const WasmContentLengthHeader = "X-Wasm-Content-Length"

// ThemeColor is the brand colour (--brand in assets/app.css).
const ThemeColor = "#1d4ed8"

// Register declares the app's routes. Both the browser and the server call
// it before anything else: the server needs the routes to pre-render pages
// and to answer 404 for paths the app does not know.
//
// Every signed-in screen is a frame (the navigation around the screen), so
// moving between screens keeps the frame and replaces only the screen.
//
// In the browser, Register also puts the offline cache under the API
// client, before any request: the screens then open with saved data when
// the network is down (offline.go).
func Register() {
	if goapp.IsClient {
		installOfflineCache()
		keepEarlyInput()
	}
	at := func(s screen) func() goapp.Composer {
		return func() goapp.Composer { return &frame{Screen: s} }
	}
	goapp.Route(PathInbox, at(screenInbox))
	goapp.RouteWithRegexp(pathConversationPattern, at(screenInbox))
	goapp.Route(PathPhonebook, at(screenPhonebook))
	goapp.Route(PathMeetings, at(screenMeetings))
	goapp.Route(PathAvailability, at(screenAvailability))
	goapp.Route(PathSettings, at(screenSettings))
	goapp.RouteWithRegexp(settingsPattern, at(screenSettings))
	goapp.Route(PathLogin, func() goapp.Composer { return &login{} })
	goapp.Route(PathSignup, func() goapp.Composer { return &signup{} })
	goapp.RouteWithRegexp(pathSetupPattern, func() goapp.Composer { return &signup{} })
}

// conversationPath is where conversation id opens.
func conversationPath(id int64) string {
	return pathConversationPrefix + strconv.FormatInt(id, 10)
}

// openConversation is the conversation a path opens, 0 for none.
func openConversation(path string) int64 {
	s, ok := strings.CutPrefix(path, pathConversationPrefix)
	if !ok {
		return 0
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// HandlerOptions are what the server knows about the build it serves.
type HandlerOptions struct {
	// Resources resolves /web/ paths to the URLs they are served at; use
	// backend/web's (*Static).Resolver(). It must not be an http.Handler,
	// or go-app serves /web/ itself.
	Resources goapp.ResourceResolver

	// Version identifies the build; use (*Static).Version(). Installed apps
	// update when it changes. Empty means a new version on every start,
	// which is only right in development.
	Version string

	// BaseURL is the server's public URL. Links from the app to the
	// server's own pages (ServerPages) load them in full under it rather
	// than routing inside the app.
	BaseURL string
}

// ServerPages are the paths, under the app's origin, of pages the server
// renders itself (package accountpages): the app links to them but does
// not route them.
var ServerPages = []string{"/forgot", "/invite/", "/reset/", "/verify/", "/try/"}

// NewHandler returns the go-app handler for the pages (/, /c/{id}, /login
// and the other screens) and the PWA files at the root: /app.js,
// /app-worker.js, /wasm_exec.js, /manifest.webmanifest and /app.css
// (go-app's loader styles). Mount it as the server's fallback route; /web/
// belongs to backend/web.
func NewHandler(opts HandlerOptions) *goapp.Handler {
	resources := opts.Resources
	if resources == nil {
		resources = unchanged{}
	}
	worker, ok := serviceWorkerTemplate()
	if !ok {
		worker = "" // go-app's own: no offline shell for deep links, but a working app
	}
	return &goapp.Handler{
		Name:            "Frontdesk",
		ShortName:       "Frontdesk",
		Title:           "Frontdesk",
		Description:     "Answer your website visitors, personal-link guests and meeting bookings in one inbox.",
		Lang:            "en",
		ThemeColor:      ThemeColor,
		BackgroundColor: "#f5f6f8",
		LoadingLabel:    "Loading Frontdesk… {progress}%",
		Icon: goapp.Icon{
			Default: "/web/icon-192.png",
			Large:   "/web/icon-512.png",
			// The PNGs are full-bleed with the glyph in the safe zone.
			Maskable: "/web/icon-512.png",
			SVG:      "/web/icon.svg",
		},
		Styles:                  []string{"/web/app.css", "/web/accounts.css"},
		InternalURLs:            serverPageURLs(opts.BaseURL),
		Resources:               resources,
		Version:                 opts.Version,
		WasmContentLengthHeader: WasmContentLengthHeader,
		ServiceWorkerTemplate:   worker,
	}
}

// unchanged resolves every path to itself. Unlike go-app's default
// (LocalDir) it is not an http.Handler, so /web/ stays with the server.
type unchanged struct{}

func (unchanged) Resolve(location string) string {
	if location == "" {
		return "/"
	}
	return location
}

func serverPageURLs(base string) []string {
	if base == "" {
		return nil
	}
	urls := make([]string, len(ServerPages))
	for i, p := range ServerPages {
		urls[i] = strings.TrimRight(base, "/") + p
	}
	return urls
}
