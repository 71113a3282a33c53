// Package natstest runs Debian's nats-server on loopback for tests, on a
// port of its own (never the machine's shared 4222).
//
// nats-server is a Debian package (apt-get install nats-server); the
// Makefile installs it. A test that needs it fails, rather than skips,
// when it is missing, so CI cannot pass without exercising the NATS bus.
package natstest

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Binary is Debian's nats-server.
const Binary = "/usr/sbin/nats-server"

const startTimeout = 10 * time.Second

// Server is a running (or stopped) nats-server.
type Server struct {
	// URL is nats://127.0.0.1:<port>; it stays the same across Stop and
	// Start.
	URL  string
	port int
	t    testing.TB

	mu  sync.Mutex
	cmd *exec.Cmd
}

// Start runs nats-server for the test on a free loopback port and stops it
// on cleanup.
func Start(t testing.TB) *Server {
	t.Helper()
	if _, err := exec.LookPath(Binary); err != nil {
		t.Fatalf("natstest: Debian's nats-server is not installed (apt-get install nats-server, or make deps-nats): %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("natstest: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &Server{URL: fmt.Sprintf("nats://127.0.0.1:%d", port), port: port, t: t}
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// Start (re)starts a stopped server on the same port.
func (s *Server) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return
	}
	cmd := exec.Command(Binary, "-a", "127.0.0.1", "-p", strconv.Itoa(s.port), "--no_advertise")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("natstest: start nats-server: %v", err)
	}
	s.cmd = cmd
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for {
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", fmt.Sprintf("127.0.0.1:%d", s.port))
		if err == nil {
			c.Close()
			return
		}
		if ctx.Err() != nil {
			s.t.Fatalf("natstest: nats-server did not come up on port %d", s.port)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the server, as a crash would.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill() //nolint:errcheck // it may have exited
	s.cmd.Wait()         //nolint:errcheck // killed
	s.cmd = nil
}
