package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Sender sends messages through the configured SMTP server.
//
// Without an SMTP host it sends nothing: it logs each message's recipients
// and subject at info level and reports success, so that a development
// server (`make run`) works without SMTP and its queue does not fill with
// jobs that can never succeed.
type Sender struct {
	cfg     Config
	from    *netmail.Address
	tls     *tls.Config
	timeout time.Duration
	log     *slog.Logger
}

// SenderOption adjusts a Sender.
type SenderOption func(*Sender)

// WithTLSConfig sets the TLS client configuration, for instance to trust a
// private certificate authority. ServerName defaults to Config.Host.
func WithTLSConfig(c *tls.Config) SenderOption {
	return func(s *Sender) { s.tls = c.Clone() }
}

// WithTimeout bounds connecting and each SMTP command (default 30s).
func WithTimeout(d time.Duration) SenderOption {
	return func(s *Sender) { s.timeout = d }
}

// NewSender checks cfg and returns a Sender for it.
func NewSender(cfg Config, log *slog.Logger, opts ...SenderOption) (*Sender, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail: sender: %w", err)
	}
	if log == nil {
		log = slog.Default()
	}
	s := &Sender{cfg: cfg, from: from, timeout: 30 * time.Second, log: log}
	for _, opt := range opts {
		opt(s)
	}
	if s.tls == nil {
		s.tls = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if s.tls.ServerName == "" {
		s.tls.ServerName = cfg.Host
	}
	return s, nil
}

// Enabled reports whether messages really go out.
func (s *Sender) Enabled() bool { return s.cfg.Enabled() }

// Send delivers m. An error wrapping ErrInvalidMessage, or one for which
// IsPermanent is true, will fail again however often it is retried.
func (s *Sender) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if !s.Enabled() {
		s.log.InfoContext(ctx, "mail: SMTP is not configured; not sending",
			slog.String("to", recipients(m.To)), slog.String("subject", m.Subject))
		return nil
	}
	msg, err := s.build(m)
	if err != nil {
		return fmt.Errorf("mail: build: %w", err)
	}
	client, err := gomail.NewClient(s.cfg.Host, s.clientOptions()...)
	if err != nil {
		return fmt.Errorf("mail: client: %w", err)
	}
	conn, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("mail: connect to %s:%d: %w", s.cfg.Host, s.cfg.Port, err)
	}
	sendErr := client.SendWithSMTPClient(conn, msg)
	// Once the server has taken the message, a failed RSET or QUIT must
	// not make the job retry: that would deliver it twice.
	if closeErr := client.CloseWithSMTPClient(conn); closeErr != nil {
		s.log.DebugContext(ctx, "mail: close SMTP connection", slog.Any("err", closeErr))
	}
	if sendErr != nil && !msg.IsDelivered() {
		return fmt.Errorf("mail: send %q to %s: %w", m.Subject, recipients(m.To), sendErr)
	}
	s.log.InfoContext(ctx, "mail: sent", slog.String("to", recipients(m.To)),
		slog.String("subject", m.Subject), slog.String("message_id", msg.GetMessageID()))
	return nil
}

func (s *Sender) clientOptions() []gomail.Option {
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.timeout),
		gomail.WithTLSConfig(s.tls),
	}
	switch s.cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	}
	if s.cfg.Username != "" {
		// Without TLS only PLAIN makes sense, and go-mail sends it to a
		// loopback server only, never in clear text over a network.
		// Over TLS, go-mail picks the strongest mechanism offered.
		auth := gomail.SMTPAuthAutoDiscover
		if s.cfg.TLS == TLSNone {
			auth = gomail.SMTPAuthPlain
		}
		opts = append(opts,
			gomail.WithSMTPAuth(auth),
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password))
	}
	return opts
}

// build lays the message out as calendar invitations from the big
// providers are laid out, which every client understands:
//
//	multipart/mixed
//	├── multipart/alternative
//	│   ├── text/plain
//	│   ├── text/html
//	│   └── text/calendar; method=REQUEST
//	└── invite.ics (application/ics, attachment)
func (s *Sender) build(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	to := make([]*netmail.Address, len(m.To))
	for i, a := range m.To {
		to[i] = a.mailAddress()
	}
	msg.ToMailAddress(to...)
	if m.ReplyTo != nil {
		msg.ReplyToMailAddress(m.ReplyTo.mailAddress())
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	id := m.ID
	if id == "" {
		id = rand.Text() + "@" + domainOf(s.from.Address)
	}
	msg.SetMessageIDWithValue(id)
	// RFC 3834: automatic mail, so auto-responders stay quiet.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetUserAgent("Frontdesk")

	type part struct {
		contentType gomail.ContentType
		body        string
	}
	var parts []part
	if m.Text != "" {
		parts = append(parts, part{gomail.TypeTextPlain, m.Text})
	}
	if m.HTML != "" {
		parts = append(parts, part{gomail.TypeTextHTML, m.HTML})
	}
	if len(m.Calendar) > 0 {
		method, err := m.calendarMethod()
		if err != nil {
			return nil, err
		}
		// go-mail appends "; charset=UTF-8".
		parts = append(parts, part{gomail.ContentType("text/calendar; method=" + method), string(m.Calendar)})
		err = msg.AttachReader("invite.ics", bytes.NewReader(m.Calendar),
			gomail.WithFileContentType(gomail.ContentType("application/ics")))
		if err != nil {
			return nil, fmt.Errorf("attach invite: %w", err)
		}
	}
	msg.SetBodyString(parts[0].contentType, parts[0].body)
	for _, p := range parts[1:] {
		msg.AddAlternativeString(p.contentType, p.body)
	}
	return msg, nil
}

// IsPermanent reports whether err is a refusal that retrying cannot change:
// the message is invalid, or the server refused a recipient or the content
// with a 5xx reply. Connection, authentication and sender problems are not
// permanent: an administrator can fix them while the job waits.
func IsPermanent(err error) bool {
	if errors.Is(err, ErrInvalidMessage) {
		return true
	}
	var sendErr *gomail.SendError
	if !errors.As(err, &sendErr) || sendErr.IsTemp() || sendErr.ErrorCode() < 500 {
		return false
	}
	switch sendErr.Reason {
	case gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose:
		return true
	}
	return false
}

func recipients(to []Address) string {
	emails := make([]string, len(to))
	for i, a := range to {
		emails[i] = a.Email
	}
	return strings.Join(emails, ", ")
}

// domainOf is the domain of an address, for Message-IDs: the sender's
// domain says who made the ID, unlike the host name of a container.
func domainOf(address string) string {
	if _, d, ok := strings.Cut(address, "@"); ok && d != "" {
		return d
	}
	return "frontdesk.invalid"
}
