//go:build !js

package main

import (
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/backend/accounts"
)

// config is read from the environment; every variable is documented in
// README.md.
type config struct {
	Addr        string
	BaseURL     *url.URL
	DatabaseURL string
	DataDir     string
	WebDir      string
	Demo        bool
	LogLevel    slog.Level
	LogJSON     bool
	TrustProxy  bool
	// PushSubject identifies us to push services (mailto: or https URL).
	PushSubject string
	// PushLoopback lets push subscriptions point at loopback (tests).
	PushLoopback bool

	LoginPerIP, LoginPerAccount int
	LoginEvery                  time.Duration
	PublicBurst                 int
	PublicEvery                 time.Duration

	// Running several instances (docs/OPERATIONS.md).
	//
	// ShutdownTimeout bounds finishing in-flight requests and jobs after a
	// signal; DrainDelay is how long /readyz reports unready on SIGTERM
	// before the listener closes, so the balancer stops sending first.
	ShutdownTimeout time.Duration
	DrainDelay      time.Duration
	// InstanceTimeout is how long an instance may miss heartbeats before
	// the others take over its running jobs.
	InstanceTimeout time.Duration
	// LimitSync is how often rate-limit counts are settled with the other
	// instances; 0 keeps them per instance.
	LimitSync time.Duration
	// HubSpotURL points the HubSpot client elsewhere (tests' loopback
	// HubSpot); empty is HubSpot's own API.
	HubSpotURL string
	// Signup is FRONTDESK_SIGNUP: who may create an organization.
	Signup accounts.SignupMode
}

func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		Addr:        envOr(getenv, "FRONTDESK_ADDR", "127.0.0.1:8080"),
		DatabaseURL: getenv("DATABASE_URL"),
		DataDir:     envOr(getenv, "FRONTDESK_DATA_DIR", ".data"),
		WebDir:      envOr(getenv, "FRONTDESK_WEB_DIR", defaultWebDir()),
	}
	var errs []string
	fail := func(name string, err error) { errs = append(errs, fmt.Sprintf("%s: %v", name, err)) }

	base := getenv("FRONTDESK_BASE_URL")
	if base == "" {
		host := c.Addr
		if strings.HasPrefix(host, ":") || strings.HasPrefix(host, "0.0.0.0:") || strings.HasPrefix(host, "127.0.0.1:") {
			host = "localhost:" + host[strings.LastIndexByte(host, ':')+1:]
		}
		base = "http://" + host
	}
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fail("FRONTDESK_BASE_URL", fmt.Errorf("want an absolute http(s) URL, got %q", base))
	}
	c.BaseURL = u

	boolean := func(name string, def bool) bool {
		v := getenv(name)
		if v == "" {
			return def
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			fail(name, err)
		}
		return b
	}
	integer := func(name string, def int) int {
		v := getenv(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			fail(name, fmt.Errorf("want a whole number ≥ 0, got %q", v))
		}
		return n
	}
	duration := func(name string, def time.Duration) time.Duration {
		v := getenv(name)
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			fail(name, fmt.Errorf("want a positive duration like 30s, got %q", v))
		}
		return d
	}
	nonNegative := func(name string, def time.Duration) time.Duration {
		v := getenv(name)
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			fail(name, fmt.Errorf("want a duration like 5s (0 for none), got %q", v))
		}
		return d
	}
	c.Demo = boolean("FRONTDESK_DEMO", false)
	c.LogJSON = boolean("FRONTDESK_LOG_JSON", false)
	c.TrustProxy = boolean("FRONTDESK_TRUST_PROXY", false)
	c.PushLoopback = boolean("FRONTDESK_PUSH_ALLOW_LOOPBACK", false)
	c.PushSubject = envOr(getenv, "FRONTDESK_PUSH_SUBJECT", "mailto:push@"+hostOf(c.BaseURL))
	if err := c.LogLevel.UnmarshalText([]byte(envOr(getenv, "FRONTDESK_LOG_LEVEL", "info"))); err != nil {
		fail("FRONTDESK_LOG_LEVEL", err)
	}
	c.LoginPerIP = integer("FRONTDESK_LOGIN_BURST_PER_IP", 20)
	c.LoginPerAccount = integer("FRONTDESK_LOGIN_BURST_PER_ACCOUNT", 10)
	c.LoginEvery = duration("FRONTDESK_LOGIN_REFILL", 30*time.Second)
	c.PublicBurst = integer("FRONTDESK_PUBLIC_BURST", 60)
	c.PublicEvery = duration("FRONTDESK_PUBLIC_REFILL", time.Second)
	c.ShutdownTimeout = duration("FRONTDESK_SHUTDOWN_TIMEOUT", 30*time.Second)
	c.DrainDelay = nonNegative("FRONTDESK_DRAIN_DELAY", 5*time.Second)
	c.InstanceTimeout = duration("FRONTDESK_INSTANCE_TIMEOUT", 10*time.Second)
	c.LimitSync = nonNegative("FRONTDESK_LIMIT_SYNC", 100*time.Millisecond)
	c.HubSpotURL = getenv("FRONTDESK_HUBSPOT_URL")
	if c.Signup, err = accounts.ParseSignupMode(getenv("FRONTDESK_SIGNUP")); err != nil {
		fail("FRONTDESK_SIGNUP", err)
	}

	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// defaultWebDir is where the built WebAssembly files are when
// FRONTDESK_WEB_DIR is unset: the web folder next to the binary (the
// container image's /app/frontdesk and /app/web, make's build/frontdesk and
// build/web), else build/web in the working directory (go run).
func defaultWebDir() string {
	if exe, err := os.Executable(); err == nil {
		dir := filepath.Join(filepath.Dir(exe), "web")
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
	}
	return "build/web"
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

func hostOf(u *url.URL) string {
	if u == nil || u.Hostname() == "" || u.Hostname() == "localhost" {
		return "frontdesk.invalid"
	}
	return u.Hostname()
}
