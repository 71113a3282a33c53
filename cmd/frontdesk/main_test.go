//go:build !js

package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/frontdesk/frontdesk/backend/browsertest"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/seed"
)

// startServer runs the real server, wired as in production, on a fresh
// database with the demo organization.
func startServer(t testing.TB, tweaks ...func(*Main)) *Main {
	t.Helper()
	webDir, err := filepath.Abs("../../build/web")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(webDir, "app.wasm.br")); err != nil {
		t.Fatalf("the PWA is not built (%v): run `make build` or `make test`", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	env := map[string]string{
		"DATABASE_URL":        pgtest.DSN(t),
		"FRONTDESK_ADDR":      addr,
		"FRONTDESK_BASE_URL":  "http://" + addr,
		"FRONTDESK_WEB_DIR":   webDir,
		"FRONTDESK_DEMO":      "true",
		"FRONTDESK_LOG_LEVEL": "warn",
	}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	m := &Main{Config: cfg, Stdout: &syncWriter{w: &out}, JobOptions: []jobs.Option{jobs.ForTesting()}}
	for _, tweak := range tweaks {
		tweak(m)
	}
	if err := m.Open(context.Background()); err != nil {
		m.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return m
}

func TestDemoIsPrinted(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	out := m.Stdout.(*syncWriter).String()
	for _, want := range []string{"Agent app:", "/demo", "/l/anna", "anna@demo.frontdesk.test", seed.DemoPassword} {
		if !strings.Contains(out, want) {
			t.Errorf("start-up output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "/l/dan") {
		t.Error("a Basic agent's personal link is printed")
	}
}

// TestAgentSignsIn is the first user journey: open the app, sign in as a
// demo agent, see the inbox with the agent's name; a wrong password is
// refused with a readable message.
func TestAgentSignsIn(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	ctx := browsertest.New(t)
	step(t, ctx,
		chromedp.Navigate(m.URL()+"/"),
		// The form works once the app runs (its button is enabled); typing
		// into the server-rendered page before that would be lost.
		chromedp.WaitEnabled(chromedp.ID("login-submit")),
		chromedp.SendKeys(chromedp.ID("login-email"), "anna@demo.frontdesk.test"),
		chromedp.SendKeys(chromedp.ID("login-password"), "wrong password"),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("login-error")),
	)
	if msg := text(t, ctx, "login-error"); !strings.Contains(msg, "not correct") {
		t.Fatalf("wrong-password message = %q", msg)
	}
	step(t, ctx,
		// A fresh form, as a person retyping would have.
		chromedp.Navigate(m.URL()+"/login"),
		chromedp.WaitEnabled(chromedp.ID("login-submit")),
		chromedp.SendKeys(chromedp.ID("login-email"), "anna@demo.frontdesk.test"),
		chromedp.SendKeys(chromedp.ID("login-password"), seed.DemoPassword),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("agent-name")),
	)
	if name := text(t, ctx, "agent-name"); name != "Anna Schmidt" {
		t.Fatalf("inbox shows agent %q", name)
	}
	// Logging out returns to the login screen.
	step(t, ctx,
		chromedp.Click(chromedp.ID("logout")),
		chromedp.WaitVisible(chromedp.ID("login-email")),
	)
}

// step runs browser actions with a deadline of their own.
func step(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// text reads an element's visible text.
func text(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(s)
}

// syncWriter lets the server log while the test reads.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}
