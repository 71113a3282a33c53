package deploy_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/seed"
	"github.com/frontdesk/frontdesk/model"
)

// metricName finds metric names in PromQL: Frontdesk's own, and the Go
// and process collectors' the server registers.
var metricName = regexp.MustCompile(`\b((?:frontdesk|go|process)_[a-zA-Z0-9_]+)\b`)

// selector finds every name PromQL uses as a series selector (name{…} or
// name[…]), to catch a metric outside the prefixes above.
var selector = regexp.MustCompile(`\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[{\[]`)

// synthesized are series Prometheus makes itself, not the server.
var synthesized = map[string]bool{"up": true}

// TestDashboardAndAlertsUseExportedMetrics: every metric the Grafana
// dashboard and the alert rules name is one a running server exports.
func TestDashboardAndAlertsUseExportedMetrics(t *testing.T) {
	var exprs []string
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	raw, err := os.ReadFile("grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("grafana-dashboard.json: %v", err)
	}
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	alerts, err := os.ReadFile("alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rules := alertExprs(string(alerts))
	if len(rules) < 8 {
		t.Fatalf("found %d alert expressions in alerts.yaml", len(rules))
	}
	exprs = append(exprs, rules...)
	named := map[string]bool{}
	for _, e := range exprs {
		for _, m := range metricName.FindAllStringSubmatch(e, -1) {
			named[m[1]] = true
		}
		for _, m := range selector.FindAllStringSubmatch(e, -1) {
			if n := m[1]; !synthesized[n] && !metricName.MatchString(n) && !promQLWord(n) {
				t.Errorf("%q is used as a metric but is none the server exports", n)
			}
		}
	}
	for _, want := range []string{"frontdesk_ready", "frontdesk_jobs_oldest_due_seconds", "frontdesk_ws_delivery_seconds_bucket", "frontdesk_job_attempts_total"} {
		if !named[want] {
			t.Errorf("the dashboard and alerts do not watch %s", want)
		}
	}

	exported := exportedMetrics(t)
	var missing []string
	for n := range named {
		if !exported[n] {
			missing = append(missing, n)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("named in deploy/ but not exported by /metrics: %v", missing)
	}
	t.Logf("%d metrics named, all exported", len(named))
}

// alertExprs returns the expr: values of Prometheus rules, written on one
// line or as an indented block after "expr: |".
func alertExprs(yaml string) []string {
	var out []string
	lines := strings.Split(yaml, "\n")
	for i := 0; i < len(lines); i++ {
		key, v, ok := strings.Cut(strings.TrimSpace(lines[i]), "expr:")
		if !ok || key != "" {
			continue
		}
		v = strings.TrimSpace(v)
		if v != "|" {
			out = append(out, v)
			continue
		}
		indent := len(lines[i]) - len(strings.TrimLeft(lines[i], " "))
		var block []string
		for i+1 < len(lines) && (strings.TrimSpace(lines[i+1]) == "" || len(lines[i+1])-len(strings.TrimLeft(lines[i+1], " ")) > indent) {
			i++
			block = append(block, lines[i])
		}
		out = append(out, strings.Join(block, "\n"))
	}
	return out
}

// promQLWord is a PromQL function or keyword followed by ( … — never by
// { or [, but histogram_quantile(…[5m]) style text can confuse the
// selector pattern.
func promQLWord(s string) bool {
	switch s {
	case "by", "without", "on", "ignoring", "group_left", "group_right", "offset":
		return true
	}
	return false
}

// exportedMetrics starts the server, uses it a little (a guest's chat, a
// socket, a job) so that every labelled metric has a series, and returns
// the names /metrics lists.
func exportedMetrics(t *testing.T) map[string]bool {
	t.Helper()
	bin := frontdeskBinary(t)
	port := freePort(t)
	in := &instance{name: "frontdesk", port: port, out: &syncBuffer{}, env: []string{
		"PATH=" + os.Getenv("PATH"),
		"DATABASE_URL=" + pgtest.DSN(t),
		"FRONTDESK_ADDR=127.0.0.1:" + strconv.Itoa(port),
		"FRONTDESK_SECRET_KEY=" + testSecretKey,
		"FRONTDESK_LOG_LEVEL=warn",
		"FRONTDESK_DEMO=true",
	}}
	if err := in.start(bin); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.stop(t, 9, 10*time.Second) }) //nolint:errcheck
	ctx := testContext(t, time.Minute)

	var tolerate atomic.Bool
	j := newJournal()
	admin := newAPI(in.url(), j, &tolerate)
	must(t, admin.signIn(ctx, "admin@demo.frontdesk.test", seed.DemoPassword))
	var widgets []model.Widget
	_, err := admin.do(ctx, "GET", "/api/v1/widgets", nil, &widgets)
	must(t, err)
	guest := newAPI(in.url(), j, &tolerate)
	var gc model.GuestConversation
	_, err = guest.do(ctx, "POST", "/api/v1/public/widgets/"+widgets[0].PublicKey+"/conversations",
		model.StartConversation{VisitorToken: "metrics-visitor-0123456789abcdef", Name: "Mia", Email: "mia@example.com"}, &gc)
	must(t, err)
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(in.url(), "http")+"/ws/guest?token="+gc.Token, nil)
	must(t, err)
	defer conn.CloseNow()
	// A guest's message queues a push to the offline agents: a job.
	_, err = guest.do(ctx, "POST", "/api/v1/public/conversations/"+gc.Token+"/messages", model.SendMessage{ClientID: "m1", Body: "Hello"}, nil)
	must(t, err)

	var names map[string]bool
	deadline := time.Now().Add(30 * time.Second)
	for {
		names = scrape(t, in.url())
		if names["frontdesk_job_attempts_total"] && names["frontdesk_ws_delivery_seconds_count"] {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no job attempt or delivery measured within 30 s; have %d metrics", len(names))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(j.errors()) > 0 {
		t.Fatalf("errors: %v", j.errors())
	}
	return names
}

// scrape lists the metric names of /metrics (text exposition format).
func scrape(t *testing.T, base string) map[string]bool {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("/metrics: %d %s", res.StatusCode, b)
	}
	names := map[string]bool{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name := line
		if i := strings.IndexAny(line, "{ "); i >= 0 {
			name = line[:i]
		}
		names[name] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(fmt.Errorf("/metrics: %w", err))
	}
	return names
}
