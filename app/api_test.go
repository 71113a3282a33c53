package app

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/model"
)

// authServer speaks the auth contract of the API (POST login, GET session,
// POST logout with CSRF) for one agent, with a cookie session like the real
// server's. It lets the client be tested against real HTTP.
type authServer struct {
	mu       sync.Mutex
	sessions map[string]bool // cookie value -> alive
	logouts  []string        // CSRF tokens received by logout
}

const (
	testEmail    = "ada@example.com"
	testPassword = "correct horse"
	testCSRF     = "csrf-123"
)

var testSession = model.Session{
	Agent:        model.Agent{ID: 7, OrganizationID: 3, Email: testEmail, Name: "Ada Lovelace", Role: model.RoleAdmin, License: model.LicenseStandard, Active: true},
	Organization: model.Organization{ID: 3, Name: "Analytical Engines Ltd"},
	CSRFToken:    testCSRF,
	ExpiresAt:    time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC),
}

func (s *authServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	writeJSON := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	fail := func(status int, code, msg string, fields map[string]string) {
		writeJSON(status, model.ErrorResponse{Error: &model.Error{Code: code, Message: msg, Fields: fields}})
	}
	signedIn := func() (string, bool) {
		c, err := r.Cookie("fd_session")
		if err != nil {
			return "", false
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		return c.Value, s.sessions[c.Value]
	}

	switch r.Method + " " + r.URL.Path {
	case "POST /api/v1/auth/login":
		if r.Header.Get("Content-Type") != "application/json" {
			fail(415, model.CodeUnsupportedMedia, "Send JSON.", nil)
			return
		}
		var req model.LoginRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			fail(400, model.CodeInvalidJSON, "Bad JSON.", nil)
			return
		}
		switch {
		case req.Email == "":
			fail(422, model.CodeValidation, "Some fields are not valid.", map[string]string{"email": "Enter your email."})
		case req.Email == "slow@example.com":
			fail(429, model.CodeRateLimited, "Too many attempts. Try again in a minute.", nil)
		case req.Email != testEmail || req.Password != testPassword:
			fail(401, model.CodeInvalidCredential, "Wrong email or password.", nil)
		default:
			s.mu.Lock()
			s.sessions["sess-1"] = true
			s.mu.Unlock()
			http.SetCookie(w, &http.Cookie{Name: "fd_session", Value: "sess-1", Path: "/", HttpOnly: true})
			writeJSON(200, testSession)
		}
	case "GET /api/v1/auth/session":
		if _, ok := signedIn(); !ok {
			fail(401, model.CodeUnauthenticated, "Sign in first.", nil)
			return
		}
		writeJSON(200, testSession)
	case "POST /api/v1/auth/logout":
		id, ok := signedIn()
		if !ok {
			fail(401, model.CodeUnauthenticated, "Sign in first.", nil)
			return
		}
		token := r.Header.Get(model.CSRFHeader)
		s.mu.Lock()
		s.logouts = append(s.logouts, token)
		s.mu.Unlock()
		if token != testCSRF {
			fail(403, model.CodeCSRF, "Reload the page.", nil)
			return
		}
		s.mu.Lock()
		delete(s.sessions, id)
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case "GET /broken":
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte("<html>bad gateway</html>"))
	default:
		fail(404, model.CodeNotFound, "No such endpoint.", nil)
	}
}

// newTestClient returns a client with a cookie jar, as a browser has.
func newTestClient(t *testing.T) (*Client, *authServer) {
	t.Helper()
	srv := &authServer{sessions: map[string]bool{}}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return NewClient(ts.URL+"/", &http.Client{Jar: jar, Timeout: 10 * time.Second}), srv
}

func TestClientLoginSessionLogout(t *testing.T) {
	c, srv := newTestClient(t)
	ctx := context.Background()

	if _, err := c.Session(ctx); !isSignedOut(err) {
		t.Fatalf("Session before login: err = %v, want unauthenticated", err)
	}

	got, err := c.Login(ctx, model.LoginRequest{Email: testEmail, Password: testPassword})
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if got.Agent.Name != "Ada Lovelace" || got.Organization.Name != "Analytical Engines Ltd" || !got.ExpiresAt.Equal(testSession.ExpiresAt) {
		t.Errorf("Login session = %+v", got)
	}

	if s, err := c.Session(ctx); err != nil || s.Agent.ID != 7 {
		t.Fatalf("Session after login = %+v, %v", s, err)
	}

	if err := c.Logout(ctx); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if len(srv.logouts) != 1 || srv.logouts[0] != testCSRF {
		t.Errorf("logout CSRF headers = %q, want [%q]", srv.logouts, testCSRF)
	}
	if _, err := c.Session(ctx); !isSignedOut(err) {
		t.Fatalf("Session after logout: err = %v, want unauthenticated", err)
	}
}

// A client created after a reload learns the CSRF token from Session.
func TestClientLearnsCSRFFromSession(t *testing.T) {
	c, srv := newTestClient(t)
	ctx := context.Background()
	if _, err := c.Login(ctx, model.LoginRequest{Email: testEmail, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	reloaded := NewClient(c.base, c.http)
	if err := reloaded.Logout(ctx); err == nil {
		t.Fatal("logout without a token succeeded")
	} else if e, ok := model.AsError(err); !ok || e.Code != model.CodeCSRF || e.Status != 403 {
		t.Fatalf("logout without a token: %v", err)
	}
	if _, err := reloaded.Session(ctx); err != nil {
		t.Fatal(err)
	}
	if err := reloaded.Logout(ctx); err != nil {
		t.Fatalf("logout after Session: %v", err)
	}
	if want := []string{"", testCSRF}; strings.Join(srv.logouts, ",") != strings.Join(want, ",") {
		t.Errorf("logout CSRF headers = %q, want %q", srv.logouts, want)
	}
}

func TestClientErrors(t *testing.T) {
	tests := []struct {
		name        string
		call        func(context.Context, *Client) error
		wantStatus  int
		wantCode    string
		wantMessage string
		wantFields  map[string]string
		signedOut   bool
	}{
		{
			name: "wrong password",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Login(ctx, model.LoginRequest{Email: testEmail, Password: "nope"})
				return err
			},
			wantStatus: 401, wantCode: model.CodeInvalidCredential, wantMessage: "Wrong email or password.", signedOut: true,
		},
		{
			name: "rate limited",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Login(ctx, model.LoginRequest{Email: "slow@example.com", Password: "x"})
				return err
			},
			wantStatus: 429, wantCode: model.CodeRateLimited, wantMessage: "Too many attempts. Try again in a minute.",
		},
		{
			name: "validation",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Login(ctx, model.LoginRequest{Password: "x"})
				return err
			},
			wantStatus: 422, wantCode: model.CodeValidation, wantMessage: "Some fields are not valid.",
			wantFields: map[string]string{"email": "Enter your email."},
		},
		{
			name:       "not the API's envelope",
			call:       func(ctx context.Context, c *Client) error { return c.do(ctx, "GET", "/broken", nil, nil) },
			wantStatus: 502, wantCode: model.CodeUnavailable, wantMessage: "The server answered 502 Bad Gateway.",
		},
		{
			name:       "unknown endpoint",
			call:       func(ctx context.Context, c *Client) error { return c.do(ctx, "GET", "/api/v1/nope", nil, nil) },
			wantStatus: 404, wantCode: model.CodeNotFound, wantMessage: "No such endpoint.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t)
			err := tt.call(context.Background(), c)
			e, ok := model.AsError(err)
			if !ok {
				t.Fatalf("err = %v (%T), want *model.Error", err, err)
			}
			if e.Status != tt.wantStatus || e.Code != tt.wantCode || e.Message != tt.wantMessage {
				t.Errorf("err = %d %s %q, want %d %s %q", e.Status, e.Code, e.Message, tt.wantStatus, tt.wantCode, tt.wantMessage)
			}
			if len(e.Fields) != len(tt.wantFields) {
				t.Errorf("fields = %v, want %v", e.Fields, tt.wantFields)
			}
			for k, v := range tt.wantFields {
				if e.Fields[k] != v {
					t.Errorf("field %s = %q, want %q", k, e.Fields[k], v)
				}
			}
			if got := userMessage(err); got != tt.wantMessage {
				t.Errorf("userMessage = %q, want the API's message", got)
			}
			if got := isSignedOut(err); got != tt.signedOut {
				t.Errorf("isSignedOut = %v, want %v", got, tt.signedOut)
			}
		})
	}
}

func TestClientNetworkError(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	ts.Close() // nothing listens any more
	c := NewClient(ts.URL, nil)

	_, err := c.Session(context.Background())
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	if _, ok := model.AsError(err); ok {
		t.Errorf("a transport failure came back as an API error: %v", err)
	}
	if !strings.Contains(err.Error(), "GET /api/v1/auth/session") {
		t.Errorf("err = %v, want the request in it", err)
	}
	if isSignedOut(err) {
		t.Error("a network failure must not sign the agent out")
	}
	if got := userMessage(err); !strings.Contains(got, "Could not reach Frontdesk") {
		t.Errorf("userMessage = %q", got)
	}
}

func TestClientCanceled(t *testing.T) {
	c, _ := newTestClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Session(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := userMessage(err); got != "" {
		t.Errorf("userMessage = %q, want nothing for a request the app gave up on", got)
	}
}

// The conversation calls send what the API contract (docs/API.md) asks
// for, with the CSRF token on the unsafe ones, and decode its answers.
func TestClientConversationCalls(t *testing.T) {
	type request struct {
		method, uri, csrf, body string
	}
	var got request
	answers := map[string]string{
		"GET /api/v1/conversations":             `[{"id":4,"status":"open","guest":{"name":"Maria"},"tags":[{"kind":"service","label":"Sales"}],"unread":2}]`,
		"GET /api/v1/conversations/4":           `{"id":4,"status":"open","unread":2}`,
		"GET /api/v1/conversations/4/messages":  `[{"seq":3,"body":"hi","author_kind":"guest"}]`,
		"POST /api/v1/conversations/4/messages": `{"seq":4,"client_id":"c1","body":"hello","author_kind":"agent"}`,
		"PATCH /api/v1/conversations/4":         `{"id":4,"status":"resolved"}`,
		"GET /api/v1/agents":                    `[{"id":7,"name":"Ada"}]`,
		"GET /api/v1/services":                  `[{"id":1,"name":"Sales","member_ids":[7]}]`,
		"POST /api/v1/auth/login":               `{"csrf_token":"tok"}`,
		"POST /api/v1/conversations/4/read":     ``,
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := new(strings.Builder)
		if r.Body != nil {
			io.Copy(b, r.Body)
		}
		got = request{r.Method, r.URL.RequestURI(), r.Header.Get(model.CSRFHeader), strings.TrimSpace(b.String())}
		answer, ok := answers[r.Method+" "+r.URL.Path]
		switch {
		case !ok:
			w.WriteHeader(http.StatusNotFound)
		case answer == "":
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, answer)
		}
	}))
	t.Cleanup(ts.Close)
	c := NewClient(ts.URL, nil)
	ctx := context.Background()
	if _, err := c.Login(ctx, model.LoginRequest{Email: "a@b.c", Password: "x"}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		call  func() (any, error)
		want  request
		check func(any) bool
	}{
		{"list a view", func() (any, error) { return c.Conversations(ctx, "unassigned") },
			request{"GET", "/api/v1/conversations?view=unassigned", "", ""},
			func(v any) bool {
				l := v.([]model.Conversation)
				return len(l) == 1 && l[0].Unread == 2 && l[0].Guest.Name == "Maria" && serviceTag(l[0]) == "Sales"
			}},
		{"one conversation", func() (any, error) { return c.Conversation(ctx, 4) },
			request{"GET", "/api/v1/conversations/4", "", ""},
			func(v any) bool { return v.(model.Conversation).ID == 4 }},
		{"messages after a seq", func() (any, error) { return c.Messages(ctx, 4, 2, 200) },
			request{"GET", "/api/v1/conversations/4/messages?after=2&limit=200", "", ""},
			func(v any) bool { m := v.([]model.Message); return len(m) == 1 && m[0].Seq == 3 }},
		{"send", func() (any, error) {
			return c.SendMessage(ctx, 4, model.SendMessage{ClientID: "c1", Body: "hello"})
		},
			request{"POST", "/api/v1/conversations/4/messages", "tok", `{"client_id":"c1","body":"hello"}`},
			func(v any) bool { return v.(model.Message).Seq == 4 }},
		{"resolve", func() (any, error) { return c.SetStatus(ctx, 4, model.StatusResolved) },
			request{"PATCH", "/api/v1/conversations/4", "tok", `{"status":"resolved"}`},
			func(v any) bool { return v.(model.Conversation).Status == model.StatusResolved }},
		{"mark read", func() (any, error) { return nil, c.MarkRead(ctx, 4, 3) },
			request{"POST", "/api/v1/conversations/4/read", "tok", `{"seq":3}`},
			func(any) bool { return true }},
		{"agents", func() (any, error) { return c.Agents(ctx) },
			request{"GET", "/api/v1/agents", "", ""},
			func(v any) bool { a := v.([]model.Agent); return len(a) == 1 && a[0].Name == "Ada" }},
		{"services", func() (any, error) { return c.Services(ctx) },
			request{"GET", "/api/v1/services", "", ""},
			func(v any) bool { s := v.([]model.Service); return len(s) == 1 && s[0].MemberIDs[0] == 7 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := tt.call()
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("request = %+v, want %+v", got, tt.want)
			}
			if !tt.check(v) {
				t.Errorf("answer = %+v", v)
			}
		})
	}
}
