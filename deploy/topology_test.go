// Package deploy_test runs what deploy/ describes: three frontdesk
// processes (the real binary, built here) behind HAProxy with this
// directory's haproxy.cfg, on one PostgreSQL, with the outside world (SMTP,
// CalDAV, HubSpot) on loopback. It kills and restarts instances under
// traffic, restores backups, runs the image's start-up as an unprivileged
// user, and checks the dashboard and alerts against /metrics.
package deploy_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const haproxyBin = "/usr/sbin/haproxy"

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// frontdeskBinary builds cmd/frontdesk once per test run, into a folder
// anyone may read (the unprivileged test runs it as nobody), with the
// built web files next to it as in the container image.
func frontdeskBinary(t testing.TB) string {
	t.Helper()
	web, err := filepath.Abs("../build/web")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(web, "app.wasm.br")); err != nil {
		t.Fatalf("the web files are not built (%v): run `make build` or `make test`", err)
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "frontdesk-deploy-")
		if buildErr != nil {
			return
		}
		if buildErr = os.Chmod(buildDir, 0o755); buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(buildDir, "frontdesk"), "../cmd/frontdesk")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		buildErr = os.Symlink(web, filepath.Join(buildDir, "web"))
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(buildDir, "frontdesk")
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// syncBuffer collects a process's output.
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

// instance is one frontdesk process; restarted, it keeps its port.
type instance struct {
	name string
	port int
	env  []string
	out  *syncBuffer
	dir  string              // working directory; the test's when empty
	cred *syscall.Credential // run as another user

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	err    error // how the last process ended
}

func (in *instance) url() string { return "http://127.0.0.1:" + strconv.Itoa(in.port) }

// start runs a new process and waits until it answers /readyz.
func (in *instance) start(bin string, extra ...string) error {
	cmd := exec.Command(bin)
	cmd.Env = append(append([]string{}, in.env...), extra...)
	cmd.Stdout, cmd.Stderr = in.out, in.out
	cmd.Dir = in.dir
	if in.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: in.cred}
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: start: %w", in.name, err)
	}
	exited := make(chan struct{})
	in.mu.Lock()
	in.cmd, in.exited = cmd, exited
	in.mu.Unlock()
	go func() {
		err := cmd.Wait()
		in.mu.Lock()
		in.err = err
		in.mu.Unlock()
		close(exited)
	}()
	if err := waitReady(in.url(), exited, 60*time.Second); err != nil {
		return fmt.Errorf("%s: %w\n%s", in.name, err, in.out.String())
	}
	return nil
}

// signal sends sig and waits for the process to end; it returns how.
func (in *instance) stop(t testing.TB, sig syscall.Signal, within time.Duration) error {
	t.Helper()
	in.mu.Lock()
	cmd, exited := in.cmd, in.exited
	in.mu.Unlock()
	if cmd == nil {
		return nil
	}
	if err := cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatalf("%s: signal: %v", in.name, err)
	}
	select {
	case <-exited:
	case <-time.After(within):
		cmd.Process.Kill() //nolint:errcheck
		<-exited
		t.Fatalf("%s: still running %s after %v\n%s", in.name, within, sig, in.out.String())
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	in.cmd = nil
	return in.err
}

func waitReady(url string, exited <-chan struct{}, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: time.Second}
	for {
		select {
		case <-exited:
			return errors.New("exited before it was ready")
		default:
		}
		res, err := client.Get(url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %v (last: %v)", timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// balancer is HAProxy running deploy/haproxy.cfg on loopback.
type balancer struct {
	url string
	cmd *exec.Cmd
	out *syncBuffer
}

// haproxyConfig turns deploy/haproxy.cfg into the same topology on
// loopback: the instances' ports instead of container names, no Docker
// DNS, and health checks five times as frequent to keep the test short
// (three failures in a row still take a server out: a loaded test machine
// answers a check late now and then).
func haproxyConfig(t testing.TB, port int, backends []int) string {
	t.Helper()
	src, err := os.ReadFile("haproxy.cfg")
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(src)
	replace := func(re, with string) {
		t.Helper()
		r := regexp.MustCompile(re)
		if !r.MatchString(cfg) {
			t.Fatalf("haproxy.cfg has no %q any more: update the test", re)
		}
		cfg = r.ReplaceAllString(cfg, with)
	}
	replace(`(?m)^resolvers docker\n(?:[ \t]+.*\n)*`, "")
	replace(`init-addr last,libc,none resolvers docker`, "")
	replace(`(?m)^(\s*)bind :8080$`, "${1}bind 127.0.0.1:"+strconv.Itoa(port))
	replace(`inter 1s fall 2 rise 2`, "inter 200ms fall 3 rise 1")
	// A test machine may not grant the file descriptors 20,000 need.
	replace(`(?m)^(\s*)maxconn 20000$`, "${1}maxconn 2000")
	for i, p := range backends {
		replace(fmt.Sprintf(`(?m)^(\s*server frontdesk%d) frontdesk%d:8080$`, i+1, i+1), "${1} 127.0.0.1:"+strconv.Itoa(p))
	}
	return cfg
}

func startBalancer(t testing.TB, backends []int) *balancer {
	t.Helper()
	if _, err := os.Stat(haproxyBin); err != nil {
		t.Fatalf("%s is missing (%v): `make deps-haproxy` installs Debian's haproxy", haproxyBin, err)
	}
	port := freePort(t)
	path := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(path, []byte(haproxyConfig(t, port, backends)), 0o644); err != nil {
		t.Fatal(err)
	}
	b := &balancer{url: "http://127.0.0.1:" + strconv.Itoa(port), out: &syncBuffer{}}
	b.cmd = exec.Command(haproxyBin, "-db", "-f", path)
	b.cmd.Stdout, b.cmd.Stderr = b.out, b.out
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		b.cmd.Process.Kill() //nolint:errcheck
		b.cmd.Wait()         //nolint:errcheck
	})
	return b
}

// waitServing waits until every backend is in service behind the balancer:
// n readiness checks in a row through it succeed.
func (b *balancer) waitServing(t testing.TB, n int) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	ok := 0
	for ok < n {
		res, err := client.Get(b.url + "/readyz")
		if err == nil {
			res.Body.Close()
		}
		if err == nil && res.StatusCode == 200 {
			ok++
			continue
		}
		ok = 0
		if time.Now().After(deadline) {
			t.Fatalf("balancer not serving: %v\n%s", err, b.out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// cluster is the whole topology.
type cluster struct {
	t         *testing.T
	bin       string
	instances []*instance
	lb        *balancer
}

// testSecretKey is the installation's key in these tests.
const testSecretKey = "S2V5IGZvciB0aGUgZGVwbG95IHRlc3RzIG9ubHkgISE="

// startCluster runs three instances on dsn (the first seeds the demo
// organization) and HAProxy in front of them. env adds settings.
func startCluster(t *testing.T, dsn string, env ...string) *cluster {
	t.Helper()
	c := &cluster{t: t, bin: frontdeskBinary(t)}
	ports := []int{freePort(t), freePort(t), freePort(t)}
	c.lb = startBalancer(t, ports)
	for i, p := range ports {
		in := &instance{name: fmt.Sprintf("frontdesk%d", i+1), port: p, out: &syncBuffer{}}
		in.env = append([]string{
			"PATH=" + os.Getenv("PATH"),
			"DATABASE_URL=" + dsn,
			"FRONTDESK_ADDR=127.0.0.1:" + strconv.Itoa(p),
			"FRONTDESK_BASE_URL=" + c.lb.url,
			"FRONTDESK_SECRET_KEY=" + testSecretKey,
			"FRONTDESK_TRUST_PROXY=true",
			"FRONTDESK_LOG_LEVEL=warn",
			// HAProxy takes a server out after three failed checks 200 ms
			// apart: out of service before the listener closes.
			"FRONTDESK_DRAIN_DELAY=1s",
			"FRONTDESK_SHUTDOWN_TIMEOUT=10s",
			"FRONTDESK_INSTANCE_TIMEOUT=2s",
			// Every guest of the test comes from 127.0.0.1.
			"FRONTDESK_PUBLIC_BURST=1000000",
		}, env...)
		c.instances = append(c.instances, in)
	}
	t.Cleanup(func() {
		for _, in := range c.instances {
			in.stop(t, syscall.SIGKILL, 10*time.Second) //nolint:errcheck
		}
		if t.Failed() {
			for _, in := range c.instances {
				t.Logf("%s output:\n%s", in.name, tail(in.out.String(), 4000))
			}
			t.Logf("haproxy output:\n%s", tail(c.lb.out.String(), 4000))
		}
	})
	// The first instance migrates and seeds; the others find it done.
	if err := c.instances[0].start(c.bin, "FRONTDESK_DEMO=true"); err != nil {
		t.Fatal(err)
	}
	errs := make([]error, len(c.instances))
	var wg sync.WaitGroup
	for i, in := range c.instances[1:] {
		wg.Go(func() { errs[i] = in.start(c.bin) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	c.lb.waitServing(t, 6)
	return c
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// ctx is a context bounded by the test's deadline, minus room to report.
func testContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// shortName is for log lines.
func shortName(s string) string { return strings.TrimPrefix(s, "frontdesk") }
