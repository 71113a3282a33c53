//go:build !js

package main

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/frontdesk/frontdesk/backend/browsertest"
	"github.com/frontdesk/frontdesk/backend/seed"
)

// armClickToReady makes the page time the visitor's next click on the
// launcher: window.__clickToReady resolves with the milliseconds from that
// click until the widget's first screen (pre-chat form or composer) is on
// screen, measured in the page itself.
const armClickToReady = `window.__clickToReady = new Promise(resolve => {
  document.addEventListener("click", () => {
    const t0 = performance.now();
    (function check() {
      const f = document.getElementById("fd-frame");
      const d = f && f.contentDocument;
      const el = d && (d.getElementById("prechat-name") || d.getElementById("composer"));
      const shown = f && document.getElementById("fd-widget").classList.contains("fd-open") && getComputedStyle(f).visibility === "visible";
      if (shown && el && el.offsetParent) { resolve(performance.now() - t0); return; }
      requestAnimationFrame(check);
    })();
  }, { capture: true, once: true });
}); true`

// Mobile network emulation for the click-to-ready bar (issue #18): 9 Mbit/s
// down and 60 ms round trip, DevTools' "Fast 4G" (its 1.5 Mbit/s up too).
const (
	emulatedLatencyMs = 60
	emulatedDown      = 9_000_000 / 8 // bytes per second
	emulatedUp        = 1_500_000 / 8
)

// emulateNetworkConditions is the Network.emulateNetworkConditions command
// (deprecated in the protocol, which cdproto therefore no longer lists, but
// Chromium still runs it; the issue names it).
var emulateNetworkConditions = cdp.Command[networkConditions, cdp.Empty]{Method: "Network.emulateNetworkConditions"}

type networkConditions struct {
	Offline            bool    `json:"offline"`
	Latency            float64 `json:"latency"`            // ms
	DownloadThroughput float64 `json:"downloadThroughput"` // bytes per second
	UploadThroughput   float64 `json:"uploadThroughput"`
}

func throttle(ctx context.Context, t *chromedp.Target) error {
	if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
		return err
	}
	_, err := cdp.Call(ctx, t, emulateNetworkConditions,
		networkConditions{Latency: emulatedLatencyMs, DownloadThroughput: emulatedDown, UploadThroughput: emulatedUp})
	return err
}

// openLikeAPerson opens the demo website, checks that nothing of the chat
// has loaded, moves the pointer onto the launcher, clicks 150 ms later (as
// a person does) and returns the milliseconds from the click to the
// widget's first screen.
func openLikeAPerson(b *testing.B, ctx context.Context, base string) float64 {
	b.Helper()
	if err := chromedp.Do(ctx,
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 5, 5),
		chromedp.Navigate(base+"/demo"),
		chromedp.WaitVisible(chromedp.ID("fd-launcher")),
	); err != nil {
		b.Fatal(err)
	}
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById("fd-frame") && !performance.getEntriesByType("resource").some(e => e.name.includes(".wasm"))`))
	if err != nil {
		b.Fatal(err)
	}
	if !loaded {
		b.Fatal("the chat loaded before the visitor reached for it")
	}
	box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.getElementById("fd-launcher").getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](armClickToReady)); err != nil {
		b.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, box[0], box[1]),
		chromedp.Sleep(150*time.Millisecond),
		chromedp.MouseClickXY(box[0], box[1]),
	); err != nil {
		b.Fatal(err)
	}
	ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.__clickToReady`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.Fatal(err)
	}
	return ms
}

// BenchmarkWidgetClickToReady is bar P1's click-to-ready: each iteration
// starts a browser with a fresh profile and opens the demo website twice as
// a visitor would — cold (empty cache) and warm (the second page view) —
// hovering the launcher 150 ms before clicking. On loopback (SPEC P1: cold
// ≤ 800 ms) and on a phone network, 9 Mbit/s down and 60 ms round trip
// (issue #18: cold ≤ 1,200 ms, warm ≤ 300 ms).
func BenchmarkWidgetClickToReady(b *testing.B) {
	m := startServer(b)
	for _, network := range []struct {
		name     string
		throttle bool
	}{{"loopback", false}, {"fast-4g", true}} {
		b.Run(network.name, func(b *testing.B) {
			var cold, warm []float64
			for b.Loop() {
				ctx := browsertest.New(b)
				if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 860)); err != nil {
					b.Fatal(err)
				}
				if network.throttle {
					if err := chromedp.Do(ctx, chromedp.Func(throttle)); err != nil {
						b.Fatal(err)
					}
				}
				cold = append(cold, openLikeAPerson(b, ctx, m.URL()))
				warm = append(warm, openLikeAPerson(b, ctx, m.URL()))
				chromedp.Cancel(ctx)
			}
			report := func(name string, ms []float64) {
				sum, worst := 0.0, 0.0
				for _, v := range ms {
					sum += v
					worst = max(worst, v)
				}
				b.ReportMetric(sum/float64(len(ms)), "ms/"+name)
				b.ReportMetric(worst, "ms/"+name+"-worst")
				b.Logf("%s click to ready (ms): %.0f", name, ms)
			}
			report("cold", cold)
			report("warm", warm)
		})
	}
}

// BenchmarkInboxSecondVisit is bar P2: a signed-in agent comes back to the
// app (service worker and caches warm); the time from navigation start to
// the inbox showing the agent's name.
func BenchmarkInboxSecondVisit(b *testing.B) {
	m := startServer(b)
	ctx := browsertest.New(b)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(m.URL()+"/login"),
		chromedp.WaitEnabled(chromedp.ID("login-submit")),
		chromedp.SendKeys(chromedp.ID("login-email"), "anna@demo.frontdesk.test"),
		chromedp.SendKeys(chromedp.ID("login-password"), seed.DemoPassword),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("agent-name")),
	); err != nil {
		b.Fatal(err)
	}
	// Let the service worker install and cache the app.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		b.Fatal(err)
	}
	time.Sleep(time.Second)
	var total, worst float64
	for b.Loop() {
		if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
			b.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(m.URL()+"/")); err != nil {
			b.Fatal(err)
		}
		// Navigation start to the agent's name rendered, from the page's
		// own clock.
		ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`new Promise(r => { (function c(){ const e = document.getElementById("agent-name"); if (e && e.textContent) r(performance.now()); else requestAnimationFrame(c); })(); })`, chromedp.EvalAwaitPromise))
		if err != nil {
			b.Fatal(err)
		}
		total += ms
		worst = max(worst, ms)
	}
	b.ReportMetric(total/float64(b.N), "ms/second-visit")
	b.ReportMetric(worst, "ms/worst")
}
