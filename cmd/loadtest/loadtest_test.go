package main

import (
	"strings"
	"testing"
	"time"
)

func TestLoopbackURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:8099", true},
		{"http://localhost:8080/", true},
		{"http://[::1]:8099", true},
		{"https://127.0.0.1", true},
		{"http://127.0.0.2:8099", false},
		{"http://10.0.0.1:8099", false},
		{"http://example.com", false},
		{"http://localhost.example.com", false},
		{"http://127.0.0.1.nip.io", false},
		{"ws://127.0.0.1:8099", false},
		{"http://user:pw@127.0.0.1:8099", false},
		{"http://127.0.0.1:8099/api", false},
		{"127.0.0.1:8099", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, err := loopbackURL(tt.url)
			if (err == nil) != tt.ok {
				t.Errorf("loopbackURL(%q) error = %v, want ok=%v", tt.url, err, tt.ok)
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // error substring; "" for success
	}{
		{"defaults", nil, ""},
		{"conversations default to clients", []string{"-clients", "7"}, ""},
		{"remote server", []string{"-url", "http://192.168.1.5:8099"}, "refusing"},
		{"duration cap", []string{"-duration", "11m"}, "-duration"},
		{"zero duration", []string{"-duration", "0s"}, "-duration"},
		{"rate cap", []string{"-rate", "1e9"}, "-rate"},
		{"no rate", []string{"-rate", "0"}, "-rate"},
		{"more conversations than sockets", []string{"-clients", "10", "-conversations", "11"}, "-conversations"},
		{"too many clients", []string{"-clients", "1000000"}, "-clients"},
		{"grace cap", []string{"-grace", "2h"}, "-grace"},
		{"stray argument", []string{"now"}, "unexpected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr strings.Builder
			cfg, err := parseFlags(tt.args, &stderr)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("parseFlags(%q): %v", tt.args, err)
				}
				if cfg.Conversations < 1 || cfg.Conversations > cfg.Clients {
					t.Errorf("conversations = %d with %d clients", cfg.Conversations, cfg.Clients)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parseFlags(%q) error = %v, want it to mention %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestParseMetrics(t *testing.T) {
	const text = `# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 10123
go_memstats_heap_inuse_bytes 1.2582912e+08
frontdesk_ws_connections{audience="agent"} 1
frontdesk_ws_connections{audience="guest"} 10000
go_info{version="go 1.26 (custom)"} 1
process_resident_memory_bytes 4.0960e+08 1700000000000
`
	m, err := parseMetrics(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		"go_goroutines":                              10123,
		"go_memstats_heap_inuse_bytes":               125829120,
		`frontdesk_ws_connections{audience="guest"}`: 10000,
		`frontdesk_ws_connections{audience="agent"}`: 1,
		`go_info{version="go 1.26 (custom)"}`:        1,
		"process_resident_memory_bytes":              409600000,
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if len(m) != len(want) {
		t.Errorf("got %d series, want %d: %v", len(m), len(want), m)
	}

	for _, bad := range []string{"go_goroutines\n", "go_goroutines many\n", `x{a="b"}` + "\n"} {
		if _, err := parseMetrics(strings.NewReader(bad)); err == nil {
			t.Errorf("parseMetrics(%q) succeeded", bad)
		}
	}
}

func TestStatusField(t *testing.T) {
	const status = "Name:\tfrontdesk\nVmPeak:\t  900000 kB\nVmRSS:\t  123456 kB\nThreads:\t9\n"
	got, err := statusField(strings.NewReader(status), "VmRSS")
	if err != nil || got != 123456<<10 {
		t.Errorf("VmRSS = %d, %v; want %d", got, err, 123456<<10)
	}
	if _, err := statusField(strings.NewReader(status), "VmSwap"); err == nil {
		t.Error("a missing field was found")
	}
	if _, err := statusField(strings.NewReader(status), "Threads"); err == nil {
		t.Error("a field without kB was read as memory")
	}
}

func TestParseStat(t *testing.T) {
	// The command name may hold spaces and parentheses.
	line := "4242 (post (gres) x) S 1 4242 4242 0 -1 4194560 2306 0 0 0 1234 567 89 10 20 0 1 0 100 0 0"
	got, err := parseStat(line)
	if err != nil {
		t.Fatal(err)
	}
	if want := (procStat{comm: "post (gres) x", self: 1234 + 567, children: 89 + 10}); got != want {
		t.Errorf("parseStat = %+v, want %+v", got, want)
	}
	for _, bad := range []string{"4242 (short) S 1 2", "4242 no name", "4242 (x) S 1 4242 4242 0 -1 4194560 2306 0 0 0 12x 567 89 10 20"} {
		if _, err := parseStat(bad); err == nil {
			t.Errorf("parseStat(%q) succeeded", bad)
		}
	}
}

func TestParseCPULine(t *testing.T) {
	got, err := parseCPULine("cpu  100 5 50 800 40 3 2 0 0 0\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := (cpuTimes{busy: 160, total: 1000}); got != want {
		t.Errorf("parseCPULine = %+v, want %+v", got, want)
	}
	if _, err := parseCPULine("intr 1 2 3"); err == nil {
		t.Error("a non-cpu line was accepted")
	}
}

func TestSummarize(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	got := summarize(ds)
	want := Latency{Count: 100, Mean: 50500 * time.Microsecond, P50: 50 * time.Millisecond, P90: 90 * time.Millisecond,
		P99: 99 * time.Millisecond, Max: 100 * time.Millisecond}
	if got != want {
		t.Errorf("summarize = %+v, want %+v", got, want)
	}
	if got := summarize(nil); got != (Latency{}) {
		t.Errorf("summarize(nil) = %+v", got)
	}
	if got := summarize([]time.Duration{7}); got.P50 != 7 || got.P99 != 7 || got.Max != 7 {
		t.Errorf("summarize of one = %+v", got)
	}
}

func TestRecorderOutcome(t *testing.T) {
	r := newRecorder("ltXYZ-", 6)
	for i := range 6 {
		r.sent(i)
	}
	// 0: acked and delivered; 1: acked twice; 2: delivered, never acked;
	// 3: delivered twice; 4: refused by the server; 5: the write failed.
	for _, id := range []string{"ltXYZ-0", "ltXYZ-1", "ltXYZ-1", "ltXYZ-3"} {
		r.acked(id)
	}
	for _, id := range []string{"ltXYZ-0", "ltXYZ-1", "ltXYZ-2", "ltXYZ-3", "ltXYZ-3"} {
		r.delivered(id)
	}
	r.refusedWith("ltXYZ-4", "rate_limited")
	r.failedWrite(5)
	r.acked("other-1")
	r.delivered("ltXYZ-99")
	r.delivered("")

	if n := r.outstanding(6); n != 1 {
		t.Errorf("outstanding = %d, want 1 (message 2 has no ack)", n)
	}
	o := r.outcome(6)
	check := func(name string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	check("sent", o.Sent, 6)
	check("acks", o.Ack.Count, 3)
	check("deliveries", o.Delivery.Count, 4)
	check("ack lost", o.AckLost, 1)
	check("delivery lost", o.DeliveryLost, 0)
	check("ack dup", o.AckDup, 1)
	check("delivery dup", o.DeliveryDup, 1)
	check("refused", o.Refused, 1)
	check("write errors", o.WriteErrors, 1)
	check("foreign", int(o.Foreign), 3)
	check("rate_limited refusals", o.Refusals["rate_limited"], 1)

	// Messages never sent are not counted.
	if o := r.outcome(0); o.Sent != 0 || o.Ack.Count != 0 {
		t.Errorf("outcome(0) = %+v", o)
	}
}

func TestClientIDRoundTrip(t *testing.T) {
	r := newRecorder("lt"+randomToken()[:8]+"-", 1000)
	for _, i := range []int{0, 1, 999} {
		id := r.clientID(i)
		if len(id) > 64 {
			t.Errorf("client id %q is longer than the server allows", id)
		}
		if got, ok := r.index(id); !ok || got != i {
			t.Errorf("index(%q) = %d, %v; want %d", id, got, ok, i)
		}
	}
	for _, id := range []string{r.clientID(1000), r.prefix + "-1", r.prefix + "x", "x" + r.clientID(1)} {
		if _, ok := r.index(id); ok {
			t.Errorf("index(%q) accepted an id this run never made", id)
		}
	}
}

func TestMessageFrame(t *testing.T) {
	got := string(messageFrame("lt1-5", `say "hi" <b>`))
	want := `{"type":"message","client_id":"lt1-5","message":{"body":"say \"hi\" \u003cb\u003e"}}`
	if got != want {
		t.Errorf("messageFrame = %s\nwant           %s", got, want)
	}
}

func TestRandomToken(t *testing.T) {
	a, b := randomToken(), randomToken()
	if len(a) < 22 || a == b || strings.ContainsAny(a, "+/=") {
		t.Errorf("randomToken gave %q and %q", a, b)
	}
}
