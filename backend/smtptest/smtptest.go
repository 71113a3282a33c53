// Package smtptest runs a real SMTP server on loopback for tests: it speaks
// the protocol with github.com/emersion/go-smtp, keeps every message it
// accepts, and parses their MIME structure so tests can read the text, HTML
// and calendar parts a person's mail client would show.
//
// It can be stopped and restarted on the same port to play an SMTP server
// that goes down and comes back, told to fail the next deliveries with a
// temporary error, and told to refuse a recipient for good.
package smtptest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Server is an SMTP server listening on 127.0.0.1.
type Server struct {
	addr     string
	auth     *credentials
	tls      tlsMode
	cert     *certificate
	maxBytes int64

	mu       sync.Mutex
	srv      *smtp.Server // nil while stopped
	listener net.Listener
	done     chan struct{}
	received []Received
	arrived  chan struct{} // closed and replaced whenever a message arrives
	failNext int
	rejected map[string]bool
	delay    time.Duration
}

type credentials struct{ username, password string }

type tlsMode int

const (
	tlsNone tlsMode = iota
	tlsStartTLS
	tlsImplicit
)

// Option configures a Server.
type Option func(*Server)

// WithAuth makes the server require AUTH PLAIN with these credentials
// before it accepts a message.
func WithAuth(username, password string) Option {
	return func(s *Server) { s.auth = &credentials{username, password} }
}

// WithSTARTTLS makes the server offer STARTTLS with a self-signed
// certificate; clients trust it through ClientTLSConfig.
func WithSTARTTLS() Option { return func(s *Server) { s.tls = tlsStartTLS } }

// WithImplicitTLS makes the server speak TLS from the first byte, as on
// port 465, with a self-signed certificate; clients trust it through
// ClientTLSConfig.
func WithImplicitTLS() Option { return func(s *Server) { s.tls = tlsImplicit } }

// WithMaxMessageBytes makes the server refuse larger messages.
func WithMaxMessageBytes(n int64) Option { return func(s *Server) { s.maxBytes = n } }

// WithDelay makes the server take d to accept each recipient, as a busy
// relay does: deliveries are then in flight long enough for a test to cut
// the sender off in the middle. A sender that disappears before the
// message's end is not delivered.
func WithDelay(d time.Duration) Option { return func(s *Server) { s.delay = d } }

// Start runs a server on a free loopback port until t ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		arrived:  make(chan struct{}),
		rejected: make(map[string]bool),
		maxBytes: 25 << 20,
	}
	for _, opt := range opts {
		opt(s)
	}
	if s.tls != tlsNone {
		cert, err := newCertificate()
		if err != nil {
			t.Fatalf("smtptest: %v", err)
		}
		s.cert = cert
	}
	if err := s.listen("127.0.0.1:0"); err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Addr is the server's host:port; it stays the same across Restart.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Host is the server's IP address.
func (s *Server) Host() string {
	host, _, _ := net.SplitHostPort(s.Addr())
	return host
}

// Port is the server's TCP port.
func (s *Server) Port() int {
	_, port, _ := net.SplitHostPort(s.Addr())
	n, _ := strconv.Atoi(port)
	return n
}

// ClientTLSConfig trusts the server's certificate; nil without TLS.
func (s *Server) ClientTLSConfig() *tls.Config {
	if s.cert == nil {
		return nil
	}
	return &tls.Config{RootCAs: s.cert.pool, ServerName: s.Host(), MinVersion: tls.VersionTLS12}
}

// Stop closes the listener and every connection, as a crashed server
// would; clients then get "connection refused". Messages received so far
// are kept.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, l, done := s.srv, s.listener, s.done
	s.srv, s.listener = nil, nil
	s.mu.Unlock()
	if srv == nil {
		return
	}
	// Close the listener ourselves too: go-smtp only closes listeners
	// that Serve has registered, and Serve may not have run yet.
	srv.Close()
	l.Close()
	<-done
}

// Restart serves again on the same address after Stop.
func (s *Server) Restart() error {
	s.mu.Lock()
	running := s.srv != nil
	s.mu.Unlock()
	if running {
		return errors.New("smtptest: restart: server is running")
	}
	return s.listen(s.Addr())
}

// FailNext makes the next n deliveries fail with a temporary error (451)
// after the client has sent the whole message, the way an overloaded
// server does.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = n
}

// Reject makes the server refuse a recipient address permanently (550).
func (s *Server) Reject(address string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejected[strings.ToLower(address)] = true
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// WaitFor waits until at least n messages have arrived and returns all of
// them; it fails t after timeout.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, arrived := len(s.received), s.arrived
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-arrived:
		case <-deadline.C:
			t.Fatalf("smtptest: %d messages after %s, want %d", got, timeout, n)
			return nil
		}
	}
}

func (s *Server) listen(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Domain = "smtptest.localhost"
	srv.AllowInsecureAuth = true // loopback only
	srv.MaxMessageBytes = s.maxBytes
	srv.MaxRecipients = 100
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	// Connections torn down by Stop are expected; keep them out of test
	// output.
	srv.ErrorLog = log.New(io.Discard, "", 0)
	switch s.tls {
	case tlsStartTLS:
		srv.TLSConfig = s.cert.server
	case tlsImplicit:
		l = tls.NewListener(l, s.cert.server)
	}

	done := make(chan struct{})
	s.mu.Lock()
	s.addr = l.Addr().String()
	s.srv = srv
	s.listener = l
	s.done = done
	s.mu.Unlock()
	go func() {
		defer close(done)
		srv.Serve(l) //nolint:errcheck // returns when Stop closes the listener
	}()
	return nil
}

func (s *Server) deliver(r Received) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext > 0 {
		s.failNext--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "smtptest: try again later"}
	}
	s.received = append(s.received, r)
	close(s.arrived)
	s.arrived = make(chan struct{})
	return nil
}

func (s *Server) isRejected(address string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected[strings.ToLower(address)]
}

// session is one SMTP connection's transaction state.
type session struct {
	server *Server
	authed bool
	from   string
	to     []string
}

func (s *Server) newSession(*smtp.Conn) (smtp.Session, error) {
	return &session{server: s}, nil
}

func (ss *session) AuthMechanisms() []string {
	if ss.server.auth == nil {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	creds := ss.server.auth
	if creds == nil || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != creds.username || password != creds.password {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.server.auth != nil && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	time.Sleep(ss.server.delay)
	if ss.server.isRejected(to) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "smtptest: no such user"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return ss.server.deliver(newReceived(ss.from, ss.to, data))
}

func (ss *session) Reset() {
	ss.from = ""
	ss.to = nil
}

func (ss *session) Logout() error { return nil }
