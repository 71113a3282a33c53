// Package browsertest runs headless Chromium for tests, through chromedp.
//
// A test calls New for a tab in a fresh browser, and NewContext for a tab
// that shares nothing with it (cookies, storage, cache, service workers), as
// a second person on another computer would. Each tab records its console;
// when the test fails, the console is logged and a screenshot of each tab is
// saved, so a red browser test explains itself.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// DefaultChromium is where Debian's chromium package puts the browser.
// $CHROMIUM overrides it.
const DefaultChromium = "/usr/bin/chromium"

// Timeout bounds a whole browser session: however a test hangs, its browser
// is gone after this long (or shortly before the test binary's own deadline,
// if that comes first).
const Timeout = 2 * time.Minute

// flags are the browser's command line, all of it: chromedp's defaults are
// not used, so what runs in CI is exactly this list.
var flags = []string{
	"headless",
	"no-sandbox",
	"disable-gpu",
	"disable-quic",
	"no-first-run",
	"disable-background-networking",
	"disable-component-update",
	"disable-sync",
}

// ArtifactsDirEnv names the variable that chooses where failure screenshots
// go; by default a new directory under the system's temporary directory,
// which, unlike t.TempDir, outlives the test.
const ArtifactsDirEnv = "BROWSERTEST_ARTIFACTS"

// New starts a headless Chromium with a fresh profile and returns the context
// of its first tab, ready for chromedp.Run and chromedp.Do. The browser stops
// when the test ends. It fails the test if Chromium is missing or will not
// start.
func New(t testing.TB) context.Context {
	t.Helper()
	path := ExecPath()
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("browsertest: Chromium not found at %s (%v): install it with `apt-get install -y chromium` (`make deps` does), or point $CHROMIUM at a Chromium binary", path, err)
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
	}
	for _, f := range flags {
		opts = append(opts, chromedp.Flag(f, true))
	}

	ctx, cancel := context.WithTimeout(context.Background(), timeout(t))
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc) // waits for the process to exit and its files to go

	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelTab)
	// The first Do starts the browser; its context must be the long-lived
	// one, or the browser dies with a per-call timeout.
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("browsertest: start %s: %v", path, err)
	}
	return record(t, tabCtx, "tab")
}

// NewContext opens a tab in a new browser context of parent's browser: like
// an incognito window, it shares no cookies, storage, cache or service
// workers with parent or any other tab. parent must come from New.
func NewContext(t testing.TB, parent context.Context) context.Context {
	t.Helper()
	if chromedp.FromContext(parent) == nil || chromedp.FromContext(parent).Browser == nil {
		t.Fatal("browsertest: NewContext needs a context from New")
	}
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browsertest: open a new browser context: %v", err)
	}
	return record(t, ctx, fmt.Sprintf("context%d", contexts.Add(1)))
}

// ExecPath is the Chromium binary New starts: $CHROMIUM, or DefaultChromium.
func ExecPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return DefaultChromium
}

// Console returns what the tab of ctx has written to its console so far,
// one message a line ("error: ...", "log: ..."), including uncaught
// exceptions. ctx must come from New or NewContext.
func Console(ctx context.Context) []string {
	r, ok := ctx.Value(recorderKey{}).(*recorder)
	if !ok {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.lines...)
}

// timeout is Timeout, or less when the test binary must end sooner: the
// browser should die before `go test -timeout` kills everything, so the
// failure is reported with its console.
func timeout(t testing.TB) time.Duration {
	d := Timeout
	if dt, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if deadline, ok := dt.Deadline(); ok {
			if left := time.Until(deadline) - 10*time.Second; left > 0 && left < d {
				d = left
			}
		}
	}
	return d
}

type recorderKey struct{}

// recorder keeps a tab's console messages.
type recorder struct {
	mu    sync.Mutex
	lines []string
}

// record starts collecting the console of the tab of ctx and registers the
// dump that runs if the test fails. Cleanups run last-in first-out, so the
// dump runs while the tab is still open.
func record(t testing.TB, ctx context.Context, name string) context.Context {
	r := &recorder{}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return // the tab is gone
			}
			line := m.String()
			if m.URL != "" {
				line += fmt.Sprintf(" (%s:%d)", m.URL, m.Line+1)
			}
			r.mu.Lock()
			r.lines = append(r.lines, line)
			r.mu.Unlock()
		}
	}()
	ctx = context.WithValue(ctx, recorderKey{}, r)
	t.Cleanup(func() {
		if t.Failed() {
			dump(t, ctx, name)
		}
	})
	return ctx
}

// dump logs the tab's console and saves a screenshot of it.
func dump(t testing.TB, ctx context.Context, name string) {
	lines := Console(ctx)
	if len(lines) == 0 {
		t.Logf("browsertest: %s console: (empty)", name)
	} else {
		t.Logf("browsertest: %s console:\n\t%s", name, strings.Join(lines, "\n\t"))
	}

	shotCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	png, err := chromedp.Run(shotCtx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Logf("browsertest: %s screenshot: %v", name, err)
		return
	}
	dir, err := artifactsDir()
	if err != nil {
		t.Logf("browsertest: %s screenshot: %v", name, err)
		return
	}
	file := filepath.Join(dir, safeName(t.Name())+"-"+name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Logf("browsertest: %s screenshot: %v", name, err)
		return
	}
	t.Logf("browsertest: %s screenshot: %s", name, file)
}

var (
	artifactsOnce sync.Once
	artifacts     string
	artifactsErr  error
)

func artifactsDir() (string, error) {
	artifactsOnce.Do(func() {
		if dir := os.Getenv(ArtifactsDirEnv); dir != "" {
			artifacts, artifactsErr = dir, os.MkdirAll(dir, 0o755)
			return
		}
		artifacts, artifactsErr = os.MkdirTemp("", "browsertest-")
	})
	if artifactsErr != nil {
		return "", fmt.Errorf("artifacts directory: %w", artifactsErr)
	}
	return artifacts, nil
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeName(s string) string { return unsafeChars.ReplaceAllString(s, "_") }

// contexts numbers the tabs of NewContext, to name their screenshots.
var contexts atomic.Int64
