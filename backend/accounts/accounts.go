// Package accounts is how people get and keep access to Frontdesk: the
// first-run setup link and `frontdesk admin create`, open sign-up with
// email verification, invitations, password reset, the agent's own
// profile and password, and their sessions.
//
// Every link it emails carries a token of 256 random bits that is stored
// only as its SHA-256, used once, and expires; a wrong, used, expired or
// malformed token is the same "not found". Emails are River jobs inserted
// in the transaction of the change that causes them, and each change that
// matters for security (an invitation sent, accepted or revoked, a
// password reset or changed, sessions ended) is one transaction, so an
// audit record can join it.
//
// Turning a verified identity into a session (the cookie) is the HTTP
// layer's: see (*api.Server).StartSession.
package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/mail"
	"github.com/frontdesk/frontdesk/backend/password"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/ratelimit"
	"github.com/frontdesk/frontdesk/model"
)

// SignupMode is FRONTDESK_SIGNUP: who may create an organization.
type SignupMode string

const (
	// SignupClosed: only the setup link (or `frontdesk admin create`)
	// creates organizations. The default.
	SignupClosed SignupMode = "closed"
	// SignupFirst: /signup works while no organization exists.
	SignupFirst SignupMode = "first"
	// SignupOpen: anyone may sign up (a hosted service).
	SignupOpen SignupMode = "open"
)

// ParseSignupMode reads FRONTDESK_SIGNUP; empty is closed.
func ParseSignupMode(s string) (SignupMode, error) {
	switch m := SignupMode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return SignupClosed, nil
	case SignupClosed, SignupFirst, SignupOpen:
		return m, nil
	}
	return "", fmt.Errorf("want closed, first or open, got %q", s)
}

// How long each kind of link lives.
const (
	SetupTTL        = 24 * time.Hour
	VerifyTTL       = 48 * time.Hour
	InvitationTTL   = 7 * 24 * time.Hour
	ResetTTL        = time.Hour
	SetPasswordTTL  = 24 * time.Hour // the link `frontdesk admin create` prints
	VerificationDue = 7 * 24 * time.Hour
)

// resetsPerHour caps the reset emails one account gets, across instances
// and restarts (the in-memory limits come first).
const resetsPerHour = 3

// Service carries out account operations. Set its fields, call Register
// before the job queue is built, then set Queue.
type Service struct {
	DB      *postgres.DB
	BaseURL *url.URL
	Mode    SignupMode
	Log     *slog.Logger
	// Queue sends the emails; set once the queue exists.
	Queue *jobs.Queue

	// Limits on password-reset requests, per client address and per
	// email address; and on sign-ups per client address. Zero values
	// get defaults from New.
	resetPerIP, resetPerEmail, signupPerIP *ratelimit.Limiter
}

// New returns a Service with its rate limits.
func New(db *postgres.DB, base *url.URL, mode SignupMode, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{
		DB: db, BaseURL: base, Mode: mode, Log: log,
		resetPerIP:    ratelimit.New(10, time.Minute),
		resetPerEmail: ratelimit.New(3, 5*time.Minute),
		signupPerIP:   ratelimit.New(5, 10*time.Minute),
	}
}

// ShareLimits counts the sign-up and password-reset limits with the other
// instances through g (see ratelimit.Group), instead of per instance.
func (s *Service) ShareLimits(g *ratelimit.Group) {
	s.resetPerIP = g.New("reset_ip", 10, time.Minute)
	s.resetPerEmail = g.New("reset_email", 3, 5*time.Minute)
	s.signupPerIP = g.New("signup_ip", 5, 10*time.Minute)
}

// Register adds the package's workers.
func (s *Service) Register(workers *river.Workers) error {
	if err := river.AddWorkerSafely(workers, &resetWorker{s: s}); err != nil {
		return fmt.Errorf("accounts: register: %w", err)
	}
	return nil
}

// LimitError says a request came too often; try again after Wait.
type LimitError struct{ Wait time.Duration }

func (e *LimitError) Error() string { return fmt.Sprintf("rate limited for %s", e.Wait) }

func (s *Service) now() time.Time { return s.DB.Now() }

// link is an absolute URL on this server.
func (s *Service) link(path string) string {
	return strings.TrimRight(s.BaseURL.String(), "/") + path
}

// newToken returns 256 random bits, base64url: what every emailed link
// carries.
func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenPattern is the shape of the tokens this package makes (and of
// older 128-bit-and-up ones); anything else is not looked up.
var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{22,64}$`)

// WellFormed reports whether token could be one of ours.
func WellFormed(token string) bool { return tokenPattern.MatchString(token) }

func linkNotFound() error {
	return &model.Error{Status: http.StatusNotFound, Code: model.CodeNotFound,
		Message: "This link is not valid: it may have expired or been used already."}
}

// notFoundIfMalformed stops malformed tokens before the database.
func notFoundIfMalformed(token string) error {
	if !WellFormed(token) {
		return linkNotFound()
	}
	return nil
}

// asLinkNotFound makes every "not found" of a token the same answer.
func asLinkNotFound(err error) error {
	if postgres.IsNotFound(err) {
		return linkNotFound()
	}
	return err
}

// PasswordError is the API's answer for a password that breaks a rule:
// 422 with the field, coded password_too_common for a common one.
func PasswordError(field string, p password.Problem) *model.Error {
	if p == password.TooCommon {
		return &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodePasswordTooCommon,
			Message: "This password is too common. Choose one that is harder to guess.", Fields: map[string]string{field: p.Message()}}
	}
	return &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeValidation,
		Message: "Some fields are not valid.", Fields: map[string]string{field: p.Message()}}
}

// checkPassword adds a password problem to f, or returns the coded error
// when it is the only problem.
func checkPassword(f *model.Fields, field, plain string, personal ...string) error {
	p := password.Check(plain, personal...)
	if p == password.OK {
		return f.Err()
	}
	if len(*f) == 0 {
		return PasswordError(field, p)
	}
	f.Add(field, p.Message())
	return f.Err()
}

// language is lang when supported, else fallback, else English.
func language(lang, fallback string) string {
	if model.SupportedLanguage(lang) {
		return lang
	}
	if model.SupportedLanguage(fallback) {
		return fallback
	}
	return "en"
}

// send queues one email in tx.
func (s *Service) send(ctx context.Context, tx bun.Tx, to mail.Address, subject string, paras []string, action *mail.Link) error {
	if s.Queue == nil {
		return fmt.Errorf("accounts: no job queue to send %q", subject)
	}
	return mail.Enqueue(ctx, s.Queue, tx, mail.Message{
		To: []mail.Address{to}, Subject: subject,
		Text: mail.TextBody(subject, paras, action), HTML: mail.HTMLBody(subject, paras, action),
	})
}
