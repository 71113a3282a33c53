package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"

	"github.com/frontdesk/frontdesk/model"
)

// loopbackURL parses the server's base URL and refuses anything but this
// machine: a load test pointed at someone else's server is an attack.
func loopbackURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("-url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("-url: want http or https, got %q", raw)
	}
	switch u.Hostname() {
	case "127.0.0.1", "localhost", "::1":
	default:
		return nil, fmt.Errorf("-url: refusing %q: only 127.0.0.1, localhost or ::1 may be load tested", u.Hostname())
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, fmt.Errorf("-url: want a bare base URL like http://127.0.0.1:8099, got %q", raw)
	}
	u.Path = ""
	return u, nil
}

// loopbackDB refuses a database URL that is not on this machine.
func loopbackDB(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("-ceiling-db: want a postgres:// URL")
	}
	switch u.Hostname() {
	case "127.0.0.1", "localhost", "::1", "":
		return nil
	}
	return fmt.Errorf("-ceiling-db: refusing %q: only a PostgreSQL on this machine", u.Hostname())
}

// server is the HTTP side of the server under test.
type server struct {
	base   *url.URL
	origin string // what browsers would send; the server checks it on websockets
	http   *http.Client
}

func newServer(base *url.URL, parallel int) *server {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = parallel
	return &server{
		base:   base,
		origin: base.Scheme + "://" + base.Host,
		http:   &http.Client{Transport: tr},
	}
}

func (s *server) url(path string) string { return s.base.String() + path }

// wsURL is path on the server's websocket scheme.
func (s *server) wsURL(path string) string {
	scheme := "ws"
	if s.base.Scheme == "https" {
		scheme = "wss"
	}
	return scheme + "://" + s.base.Host + path
}

// do sends a JSON request and decodes a JSON answer into out, turning the
// API's error shape into a Go error.
func (s *server) do(ctx context.Context, c *http.Client, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.url(path), body)
	if err != nil {
		return err
	}
	req.Header.Set("Origin", s.origin)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		var e model.ErrorResponse
		if json.Unmarshal(data, &e) == nil && e.Error != nil {
			return fmt.Errorf("%s %s: %d %s: %s", method, path, resp.StatusCode, e.Error.Code, e.Error.Message)
		}
		return fmt.Errorf("%s %s: %s: %.200s", method, path, resp.Status, data)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	return nil
}

// startConversations opens n widget conversations, each for a new visitor,
// parallel at a time, and returns their guest access tokens.
func (s *server) startConversations(ctx context.Context, widget string, n, parallel int) ([]string, error) {
	tokens := make([]string, n)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(parallel, n) {
		wg.Go(func() {
			for i := range jobs {
				in := model.StartConversation{
					VisitorToken: randomToken(),
					Name:         fmt.Sprintf("Load guest %d", i),
					Email:        fmt.Sprintf("load-guest-%d@example.com", i),
					Language:     "en",
				}
				var out model.GuestConversation
				if err := s.do(ctx, s.http, http.MethodPost, "/api/v1/public/widgets/"+url.PathEscape(widget)+"/conversations", in, &out); err != nil {
					cancel(fmt.Errorf("start conversation %d: %w", i, err))
					continue
				}
				tokens[i] = out.Token
			}
		})
	}
feed:
	for i := range n {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return tokens, nil
}

// login signs the agent in and returns a client that carries the session
// cookie.
func (s *server) login(ctx context.Context, email, password string) (*http.Client, model.Session, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, model.Session{}, err
	}
	c := &http.Client{Transport: s.http.Transport, Jar: jar}
	var sess model.Session
	if err := s.do(ctx, c, http.MethodPost, "/api/v1/auth/login", model.LoginRequest{Email: email, Password: password}, &sess); err != nil {
		return nil, model.Session{}, fmt.Errorf("sign in as %s: %w", email, err)
	}
	return c, sess, nil
}

// randomToken is a visitor token as the widget makes one: 128 random bits,
// base64url (22 characters).
func randomToken() string {
	b := make([]byte, 16)
	rand.Read(b) //nolint:errcheck // never fails on Linux
	return strings.TrimRight(base64.RawURLEncoding.EncodeToString(b), "=")
}

// metrics reads the server's Prometheus metrics.
func (s *server) metrics(ctx context.Context) (metrics, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url("/metrics"), nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET /metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	return parseMetrics(io.LimitReader(resp.Body, 16<<20))
}
