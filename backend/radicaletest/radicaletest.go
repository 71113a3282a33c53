// Package radicaletest runs Debian's radicale, a real CalDAV server, on
// loopback for tests: one user with a password and one empty calendar.
//
// radicale is a Debian package (apt-get install radicale); the Makefile
// installs it. A test that needs it fails, rather than skips, when it is
// missing, so CI cannot pass without exercising the calendar code.
package radicaletest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Server is a running radicale.
type Server struct {
	// URL is the server root, e.g. "http://127.0.0.1:41234".
	URL string
	// User and Password log in with HTTP basic authentication.
	User, Password string
	// PrincipalURL is the user's principal, which radicale also uses as
	// the calendar home: discovery starts here.
	PrincipalURL string
	// CalendarURL is the pre-created calendar collection (VEVENT only),
	// ending in a slash.
	CalendarURL string

	calendarDir string
}

// Calendar is the name of the pre-created calendar collection.
const Calendar = "work"

const startTimeout = 15 * time.Second

// Start runs radicale for the test and stops it on cleanup.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("radicale")
	if err != nil {
		t.Fatalf("radicaletest: Debian's radicale is not installed (apt-get install radicale, or make deps-radicale): %v", err)
	}
	dir := t.TempDir()
	s := &Server{User: "agent", Password: randomHex(t, 12)}
	if err := os.WriteFile(filepath.Join(dir, "users"), []byte(s.User+":"+s.Password+"\n"), 0o600); err != nil {
		t.Fatalf("radicaletest: %v", err)
	}
	// radicale's filesystem storage: a collection is a folder with a
	// .Radicale.props file; the principal folder is created on first login.
	s.calendarDir = filepath.Join(dir, "collections", "collection-root", s.User, Calendar)
	if err := os.MkdirAll(s.calendarDir, 0o700); err != nil {
		t.Fatalf("radicaletest: %v", err)
	}
	props := `{"tag": "VCALENDAR", "D:displayname": "Work", "C:supported-calendar-component-set": "VEVENT"}`
	if err := os.WriteFile(filepath.Join(s.calendarDir, ".Radicale.props"), []byte(props), 0o600); err != nil {
		t.Fatalf("radicaletest: %v", err)
	}

	// The port is picked by listening and closing, so another process can
	// take it in between: try a few times.
	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			t.Fatalf("radicaletest: %v", err)
		}
		s.URL = fmt.Sprintf("http://127.0.0.1:%d", port)
		s.PrincipalURL = s.URL + "/" + s.User + "/"
		s.CalendarURL = s.PrincipalURL + Calendar + "/"
		if lastErr = s.run(t, bin, dir, port); lastErr == nil {
			return s
		}
	}
	t.Fatalf("radicaletest: %v", lastErr)
	return nil
}

// run starts radicale and waits until it answers HTTP.
func (s *Server) run(t testing.TB, bin, dir string, port int) error {
	config := fmt.Sprintf(`[server]
hosts = 127.0.0.1:%d
[auth]
type = htpasswd
htpasswd_filename = %s
htpasswd_encryption = plain
# no sleep after a wrong password, so tests of it stay fast
delay = 0
[rights]
type = owner_only
[storage]
filesystem_folder = %s
[web]
type = none
[logging]
level = warning
`, port, filepath.Join(dir, "users"), filepath.Join(dir, "collections"))
	configPath := filepath.Join(dir, "config")
	if err := os.WriteFile(configPath, []byte(config), 0o600); err != nil {
		return err
	}

	var out syncBuffer
	// -C replaces Debian's /etc/radicale/config, which asks for a proxy's
	// REMOTE_USER instead of passwords.
	cmd := exec.Command(bin, "-C", configPath)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start radicale: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for {
		if err := ping(ctx, s.URL); err == nil {
			break
		}
		select {
		case err := <-exited:
			return fmt.Errorf("radicale exited (%v) before answering:\n%s", err, out.String())
		case <-ctx.Done():
			stop()
			return fmt.Errorf("radicale did not answer on %s within %s:\n%s", s.URL, startTimeout, out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() && out.Len() > 0 {
			t.Logf("radicale output:\n%s", out.String())
		}
	})
	return nil
}

func ping(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodOptions, url+"/", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// PutRaw stores an iCalendar object as name (e.g. "standup.ics") in the
// calendar exactly as given, the way another calendar client would.
func (s *Server) PutRaw(t testing.TB, name, ics string) {
	t.Helper()
	// iCalendar requires CRLF; test sources are easier to write with LF.
	body := strings.ReplaceAll(strings.ReplaceAll(ics, "\r\n", "\n"), "\n", "\r\n")
	req, err := http.NewRequest(http.MethodPut, s.CalendarURL+name, strings.NewReader(body))
	if err != nil {
		t.Fatalf("radicaletest: %v", err)
	}
	req.SetBasicAuth(s.User, s.Password)
	req.Header.Set("Content-Type", "text/calendar; charset=utf-8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("radicaletest: put %s: %v", name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		var msg bytes.Buffer
		_, _ = msg.ReadFrom(resp.Body)
		t.Fatalf("radicaletest: put %s: %s %s", name, resp.Status, msg.String())
	}
}

// Objects returns the calendar's stored objects, file name to iCalendar
// text, read from radicale's storage: what the server really holds,
// independent of the CalDAV client under test.
func (s *Server) Objects(t testing.TB) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(s.calendarDir)
	if err != nil {
		t.Fatalf("radicaletest: %v", err)
	}
	objects := make(map[string]string)
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(s.calendarDir, e.Name()))
		if err != nil {
			t.Fatalf("radicaletest: %v", err)
		}
		objects[e.Name()] = string(b)
	}
	return objects
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("find a free port: not a TCP address")
	}
	return addr.Port, nil
}

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("radicaletest: %v", err)
	}
	return hex.EncodeToString(b)
}

// syncBuffer collects radicale's output, written by exec's copying
// goroutine and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}
