//go:build !js

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/browsertest"
)

// lighthouseCLI is where `make deps-lighthouse` installs Lighthouse
// (npm lighthouse@12.2.3, pinned in the Makefile), from this package's
// directory.
const lighthouseCLI = "../../.cache/lighthouse/node_modules/lighthouse/cli/index.js"

// lighthouseFlags are Chromium's flags for Lighthouse's runs: the house
// list (backend/browsertest), a fresh profile added per run.
var lighthouseFlags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
}

// hostRun is what one Lighthouse run says about a page (its default mobile
// preset: a mid-range phone on a simulated slow 4G network).
type hostRun struct {
	Bytes    float64 // total-byte-weight: bytes transferred
	TBT      float64 // total-blocking-time, ms
	TTI      float64 // interactive, ms
	Score    float64 // the performance category, 0–100
	Requests []string
}

// lighthouse runs Lighthouse on url and reads its JSON report.
func lighthouse(b *testing.B, url string) hostRun {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out := filepath.Join(b.TempDir(), "report.json")
	flags := append(slices.Clone(lighthouseFlags), "--user-data-dir="+b.TempDir())
	cmd := exec.CommandContext(ctx, "node", lighthouseCLI, url,
		"--only-categories=performance", "--output=json", "--output-path="+out, "--quiet",
		"--chrome-flags="+strings.Join(flags, " "))
	cmd.Env = append(os.Environ(), "CHROME_PATH="+browsertest.ExecPath())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("lighthouse %s: %v\n%s", url, err, stderr.Bytes())
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	var report struct {
		Categories struct {
			Performance struct{ Score float64 } `json:"performance"`
		} `json:"categories"`
		Audits map[string]struct {
			NumericValue float64 `json:"numericValue"`
			Details      struct {
				Items []struct {
					URL          string  `json:"url"`
					TransferSize float64 `json:"transferSize"`
				} `json:"items"`
			} `json:"details"`
		} `json:"audits"`
		RuntimeError *struct{ Code, Message string } `json:"runtimeError"`
	}
	if err := json.Unmarshal(raw, &report); err != nil {
		b.Fatalf("lighthouse report: %v", err)
	}
	if report.RuntimeError != nil {
		b.Fatalf("lighthouse %s: %s: %s", url, report.RuntimeError.Code, report.RuntimeError.Message)
	}
	r := hostRun{
		Bytes: report.Audits["total-byte-weight"].NumericValue,
		TBT:   report.Audits["total-blocking-time"].NumericValue,
		TTI:   report.Audits["interactive"].NumericValue,
		Score: report.Categories.Performance.Score * 100,
	}
	for _, it := range report.Audits["network-requests"].Details.Items {
		r.Requests = append(r.Requests, fmt.Sprintf("%s (%.0f B)", it.URL, it.TransferSize))
	}
	return r
}

// snippetTag is the widget's script tag in the demo page.
var snippetTag = regexp.MustCompile(`<script src="[^"]*/widget\.js"[^>]*></script>\n?`)

// BenchmarkHostPage is issue #18's "host page unchanged": Lighthouse 12.2.3
// (mobile preset, simulated throttling) on the demo website as served, and
// on the same page with the widget's tag taken out. Both are served from
// one loopback server so that only the tag differs; the tag loads the
// widget from the Frontdesk server under test. `make bench-host` runs it
// (three runs of each); it prints every run (to stdout: a benchmark's log
// is cut at ten lines), the medians and the bars:
// total bytes within +15 KB, Total Blocking Time within +20 ms, the same
// performance score.
func BenchmarkHostPage(b *testing.B) {
	if _, err := os.Stat(lighthouseCLI); err != nil {
		b.Fatalf("Lighthouse is not installed (%v): run `make deps-lighthouse`", err)
	}
	m := startServer(b)
	resp, err := http.Get(m.URL() + "/demo")
	if err != nil {
		b.Fatal(err)
	}
	with, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	without := snippetTag.ReplaceAll(with, nil)
	if len(snippetTag.FindAll(with, -1)) != 1 {
		b.Fatal("the demo page does not have exactly one widget tag")
	}
	pages := map[string][]byte{"/with": with, "/without": without}
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(page) //nolint:errcheck // the browser went away
	}))
	b.Cleanup(site.Close)

	runs := map[string][]hostRun{}
	for b.Loop() {
		for _, variant := range []string{"without", "with"} {
			r := lighthouse(b, site.URL+"/"+variant)
			runs[variant] = append(runs[variant], r)
			fmt.Printf("%-7s widget: %6.0f B, TBT %4.0f ms, TTI %5.0f ms, score %3.0f\n", variant, r.Bytes, r.TBT, r.TTI, r.Score)
		}
	}
	fmt.Printf("requests with the widget (last run):\n\t%s\n", strings.Join(runs["with"][len(runs["with"])-1].Requests, "\n\t"))

	median := func(variant string, field func(hostRun) float64) float64 {
		var v []float64
		for _, r := range runs[variant] {
			v = append(v, field(r))
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	bytesOf := func(r hostRun) float64 { return r.Bytes }
	tbtOf := func(r hostRun) float64 { return r.TBT }
	ttiOf := func(r hostRun) float64 { return r.TTI }
	scoreOf := func(r hostRun) float64 { return r.Score }
	for _, variant := range []string{"without", "with"} {
		fmt.Printf("median, %-7s widget: %6.0f B, TBT %4.0f ms, TTI %5.0f ms, score %3.0f\n", variant,
			median(variant, bytesOf), median(variant, tbtOf), median(variant, ttiOf), median(variant, scoreOf))
	}
	dBytes := median("with", bytesOf) - median("without", bytesOf)
	dTBT := median("with", tbtOf) - median("without", tbtOf)
	dScore := median("with", scoreOf) - median("without", scoreOf)
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT MET"
	}
	fmt.Printf("the widget adds %+.0f B (bar +15,000: %s), TBT %+.0f ms (bar +20: %s), score %+.0f (bar 0: %s)\n",
		dBytes, verdict(dBytes <= 15_000), dTBT, verdict(dTBT <= 20), dScore, verdict(dScore >= 0))
	b.ReportMetric(dBytes, "B/added")
	b.ReportMetric(dTBT, "ms-TBT/added")
	b.ReportMetric(dScore, "score/added")
}
