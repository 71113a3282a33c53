package mail

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
)

// TLS modes of Config.TLS.
const (
	// TLSNone sends in clear text; meant for a relay on the same host or
	// network. Credentials are then only sent to a loopback server.
	TLSNone = "none"
	// TLSStartTLS upgrades the connection with STARTTLS and refuses to
	// send when the server does not offer it (usually port 587).
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the first byte (usually port 465).
	TLSImplicit = "tls"
)

// defaultFrom is the sender when FRONTDESK_SMTP_FROM is unset: no-reply at
// the server's public host name, or at localhost for a local server.
func defaultFrom(baseURL string) string {
	host := "localhost"
	if u, err := url.Parse(strings.TrimSpace(baseURL)); err == nil && u.Hostname() != "" && net.ParseIP(u.Hostname()) == nil {
		host = u.Hostname()
	}
	return "Frontdesk <no-reply@" + host + ">"
}

// Config says how to reach the SMTP server that relays Frontdesk's mail.
// An empty Host disables sending: see Sender.
type Config struct {
	Host     string
	Port     int
	Username string
	Password string
	// From is the sender of every message, such as
	// "Frontdesk <no-reply@example.com>".
	From string
	// TLS is TLSNone, TLSStartTLS or TLSImplicit.
	TLS string
}

// ConfigFromEnv reads FRONTDESK_SMTP_HOST, FRONTDESK_SMTP_PORT,
// FRONTDESK_SMTP_USERNAME, FRONTDESK_SMTP_PASSWORD, FRONTDESK_SMTP_FROM and
// FRONTDESK_SMTP_TLS through getenv (os.Getenv in production). TLS defaults
// to starttls, the port to the one usual for the TLS mode, and the sender
// to no-reply at the host of FRONTDESK_BASE_URL.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Host:     strings.TrimSpace(getenv("FRONTDESK_SMTP_HOST")),
		Username: getenv("FRONTDESK_SMTP_USERNAME"),
		Password: getenv("FRONTDESK_SMTP_PASSWORD"),
		From:     strings.TrimSpace(getenv("FRONTDESK_SMTP_FROM")),
		TLS:      strings.ToLower(strings.TrimSpace(getenv("FRONTDESK_SMTP_TLS"))),
	}
	if p := strings.TrimSpace(getenv("FRONTDESK_SMTP_PORT")); p != "" {
		port, err := strconv.Atoi(p)
		if err != nil {
			return Config{}, fmt.Errorf("FRONTDESK_SMTP_PORT %q is not a number", p)
		}
		c.Port = port
	}
	if c.From == "" {
		c.From = defaultFrom(getenv("FRONTDESK_BASE_URL"))
	}
	c = c.withDefaults()
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

func (c Config) withDefaults() Config {
	if c.TLS == "" {
		c.TLS = TLSStartTLS
	}
	if c.Port == 0 {
		switch c.TLS {
		case TLSNone:
			c.Port = 25
		case TLSImplicit:
			c.Port = 465
		default:
			c.Port = 587
		}
	}
	if c.From == "" && !c.Enabled() {
		c.From = defaultFrom("")
	}
	return c
}

// Enabled reports whether mail goes out at all.
func (c Config) Enabled() bool { return c.Host != "" }

// Validate reports the first problem with c.
func (c Config) Validate() error {
	switch c.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return fmt.Errorf("SMTP TLS mode %q: want none, starttls or tls", c.TLS)
	}
	if c.Port < 1 || c.Port > 65535 {
		return fmt.Errorf("SMTP port %d is out of range", c.Port)
	}
	if c.From == "" {
		return errors.New("SMTP sender (FRONTDESK_SMTP_FROM) is required when SMTP is configured")
	}
	if _, err := netmail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("SMTP sender %q: %w", c.From, err)
	}
	if c.Password != "" && c.Username == "" {
		return errors.New("SMTP password given without a username")
	}
	return nil
}

// LogValue keeps the password out of logs.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("host", c.Host),
		slog.Int("port", c.Port),
		slog.String("tls", c.TLS),
		slog.String("username", c.Username),
		slog.String("from", c.From),
	)
}
