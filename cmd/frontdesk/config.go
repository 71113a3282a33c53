//go:build !js

package main

import (
	"fmt"
	"log/slog"
	"net/url"
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

	// Signup is FRONTDESK_SIGNUP: who may create an organization.
	Signup accounts.SignupMode
}

func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		Addr:        envOr(getenv, "FRONTDESK_ADDR", "127.0.0.1:8080"),
		DatabaseURL: getenv("DATABASE_URL"),
		DataDir:     envOr(getenv, "FRONTDESK_DATA_DIR", ".data"),
		WebDir:      envOr(getenv, "FRONTDESK_WEB_DIR", "build/web"),
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
	if c.Signup, err = accounts.ParseSignupMode(getenv("FRONTDESK_SIGNUP")); err != nil {
		fail("FRONTDESK_SIGNUP", err)
	}

	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
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
