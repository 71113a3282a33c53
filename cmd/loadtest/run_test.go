package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/natstest"
	"github.com/frontdesk/frontdesk/backend/pgtest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// serverBinary builds the server once for the package's tests.
func serverBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			buildErr = err
			return
		}
		dir, err := os.MkdirTemp("", "loadtest-server-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "frontdesk")
		if out, err := exec.Command(goTool, "build", "-o", binPath, "github.com/frontdesk/frontdesk/cmd/frontdesk").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build the server: %v", buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// startFrontdesk builds and runs the real server with the demo
// organization on a fresh database, as an operator would, and returns its
// base URL and process id.
func startFrontdesk(t *testing.T) (string, int) {
	return startInstance(t, pgtest.DSN(t), "FRONTDESK_DEMO=true")
}

// startInstance runs the server on dsn with more settings.
func startInstance(t *testing.T, dsn string, env ...string) (string, int) {
	t.Helper()
	webDir, err := filepath.Abs("../../build/web")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(webDir, "app.wasm.br")); err != nil {
		t.Fatalf("the PWA is not built (%v): run `make build` or `make test`", err)
	}
	bin := serverBinary(t)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+dsn,
		"FRONTDESK_ADDR="+addr,
		"FRONTDESK_BASE_URL=http://"+addr,
		"FRONTDESK_WEB_DIR="+webDir,
		"FRONTDESK_DATA_DIR="+t.TempDir(),
		"FRONTDESK_PUBLIC_BURST=1000000",
		"FRONTDESK_LOG_LEVEL=warn",
	)
	cmd.Env = append(cmd.Env, env...)
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the server: %v", err)
	}
	// exited is closed when the server has exited, waitErr then says how.
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt) //nolint:errcheck // it may have exited
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill() //nolint:errcheck
			<-exited
		}
	})

	base := "http://" + addr
	deadline := time.Now().Add(90 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("the server exited: %v\n%s", waitErr, out.String())
		default:
		}
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, cmd.Process.Pid
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not become ready:\n%s", out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRunAgainstServer runs a small load test against the real server:
// every message must be acknowledged and reach the agent exactly once, and
// the memory readings must see the sockets.
func TestRunAgainstServer(t *testing.T) {
	base, pid := startFrontdesk(t)
	cfg, err := parseFlags([]string{"-url", base, "-clients", "40", "-conversations", "20", "-rate", "40",
		"-duration", "2s", "-grace", "10s", "-settle", "200ms", "-pid", "0"}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	cfg.PID = pid
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var log bytes.Buffer
	rep, err := Run(ctx, cfg, &log)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	var text strings.Builder
	rep.Print(&text)
	t.Log(text.String())

	o := rep.Outcome
	if o.Sent != 80 {
		t.Errorf("sent %d messages, want 80 (40/s for 2 s)", o.Sent)
	}
	if o.Ack.Count != o.Sent || o.Delivery.Count != o.Sent {
		t.Errorf("%d sent, %d acknowledged, %d delivered", o.Sent, o.Ack.Count, o.Delivery.Count)
	}
	if o.AckLost+o.DeliveryLost+o.AckDup+o.DeliveryDup+o.Refused+o.WriteErrors != 0 || o.Foreign != 0 {
		t.Errorf("outcome has losses, duplicates or errors: %+v", o)
	}
	if o.Ack.P50 <= 0 || o.Ack.P50 > o.Ack.P99 || o.Ack.P99 > o.Ack.Max {
		t.Errorf("ack latencies are not ordered: %+v", o.Ack)
	}
	if rep.Opened != 40 || rep.After.GuestSockets != 40 {
		t.Errorf("opened %d sockets, the server counts %v", rep.Opened, rep.After.GuestSockets)
	}
	if rep.After.Goroutines <= rep.Before.Goroutines || rep.Before.VmRSS == 0 || rep.After.RSS == 0 {
		t.Errorf("memory readings missing: before %+v, after %+v", rep.Before, rep.After)
	}
	if rep.GuestsLost+rep.AgentsLost != 0 {
		t.Errorf("the server closed sockets: %v", rep.CloseReasons)
	}
	if rep.CPU.Server < 0 {
		t.Error("server CPU not measured")
	}
}

// TestRunAcrossInstances runs the load test over two instances on the NATS
// bus, guests on both and the agent on the second, after measuring the
// ceiling: deliveries that crossed the bus are reported apart, and the run
// is reported as a share of the ceiling.
func TestRunAcrossInstances(t *testing.T) {
	nats := natstest.Start(t)
	dsn := pgtest.DSN(t)
	key := "FRONTDESK_SECRET_KEY=" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)) // one installation
	a, _ := startInstance(t, dsn, key, "FRONTDESK_DEMO=true", "FRONTDESK_NATS_URL="+nats.URL)
	b, _ := startInstance(t, dsn, key, "FRONTDESK_NATS_URL="+nats.URL)
	cfg, err := parseFlags([]string{"-url", a, "-guest-urls", a + "," + b, "-agent-url", b, "-clients", "20", "-rate", "40",
		"-duration", "1s", "-grace", "10s", "-settle", "100ms", "-ceiling-db", dsn, "-ceiling-duration", "1s"}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var log bytes.Buffer
	rep, err := Run(ctx, cfg, &log)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	var text strings.Builder
	rep.Print(&text)
	t.Log(text.String())
	o := rep.Outcome
	if o.Delivery.Count != o.Sent || o.AckLost+o.DeliveryLost+o.AckDup+o.DeliveryDup != 0 {
		t.Errorf("outcome has losses or duplicates: %+v", o)
	}
	if o.Cross.Count != o.Sent/2 {
		t.Errorf("%d of %d deliveries crossed instances, want half", o.Cross.Count, o.Sent)
	}
	if rep.Ceiling <= 0 || !strings.Contains(text.String(), "Ceiling: the bare message write") {
		t.Errorf("no ceiling in the report (%v)", rep.Ceiling)
	}
}

func TestRunRefusesRemoteServer(t *testing.T) {
	cfg := Config{URL: "http://192.0.2.1:8099", Clients: 1, Conversations: 1, Rate: 1, Duration: time.Second,
		DialParallel: 1, Widget: "w", AgentEmail: "a@b.c"}
	_, err := Run(context.Background(), cfg, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("Run against a remote host: %v", err)
	}
}
