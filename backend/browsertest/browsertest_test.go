package browsertest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/frontdesk/frontdesk/backend/browsertest"
)

const page = `<!doctype html>
<html lang="en">
<head><title>browsertest</title></head>
<body>
<main>
  <h1 id="status">waiting</h1>
  <button id="go" type="button">Go</button>
  <p id="cookie"></p>
</main>
<script>
  document.getElementById("go").addEventListener("click", () => {
    document.getElementById("status").textContent = "clicked";
    console.log("button clicked");
  });
  document.getElementById("cookie").textContent = document.cookie || "none";
</script>
</body>
</html>`

func newPageServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})
	mux.HandleFunc("GET /set", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "who", Value: "first", Path: "/"})
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

// step runs actions with a deadline of its own, as browser tests should:
// the browser lives on if one step times out.
func step(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(s)
}

func TestClickAndConsole(t *testing.T) {
	ts := newPageServer(t)
	ctx := browsertest.New(t)

	step(t, ctx,
		chromedp.Navigate(ts.URL),
		chromedp.WaitVisible(chromedp.ID("go")),
	)
	if got := text(t, ctx, "status"); got != "waiting" {
		t.Fatalf("status before click = %q", got)
	}
	step(t, ctx, chromedp.Click(chromedp.ID("go")))
	if got := text(t, ctx, "status"); got != "clicked" {
		t.Errorf("status after click = %q, want clicked", got)
	}

	// Console messages arrive asynchronously.
	deadline := time.Now().Add(5 * time.Second)
	for !slices.ContainsFunc(browsertest.Console(ctx), func(l string) bool { return strings.HasPrefix(l, "log: button clicked") }) {
		if time.Now().After(deadline) {
			t.Fatalf("console = %q, want the click's log line", browsertest.Console(ctx))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A second context is another person: the first one's cookie is not there.
func TestNewContextIsIsolated(t *testing.T) {
	ts := newPageServer(t)
	first := browsertest.New(t)
	second := browsertest.NewContext(t, first)

	step(t, first, chromedp.Navigate(ts.URL+"/set"), chromedp.WaitVisible(chromedp.ID("go")))
	if got := text(t, first, "cookie"); got != "who=first" {
		t.Fatalf("first context cookie = %q, want who=first", got)
	}
	step(t, second, chromedp.Navigate(ts.URL), chromedp.WaitVisible(chromedp.ID("go")))
	if got := text(t, second, "cookie"); got != "none" {
		t.Errorf("second context sees cookie %q; contexts must not share state", got)
	}
}
