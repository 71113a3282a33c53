package api

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/frontdesk/frontdesk/backend/password"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// SessionCookie holds the agent's session token.
const SessionCookie = "fd_session"

type sessionKey struct{}

// sessionFrom returns the signed-in agent's session; agentOnly guarantees it.
func sessionFrom(ctx context.Context) model.Session {
	s, _ := ctx.Value(sessionKey{}).(model.Session)
	return s
}

// randomToken returns n random bytes, base64url encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// dummyHash is verified against when the email is unknown, so a wrong email
// and a wrong password take the same time.
var dummyHash, _ = password.Hash("not a real password")

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var in model.LoginRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var f model.Fields
	if strings.TrimSpace(in.Email) == "" {
		f.Add("email", "is required")
	}
	if in.Password == "" {
		f.Add("password", "is required")
	}
	if len(in.Email) > 254 || len(in.Password) > 256 {
		f.Add("password", "is too long")
	}
	if err := f.Err(); err != nil {
		return err
	}
	if ok, wait := s.loginIP.Allow(s.clientIP(r)); !ok {
		s.rateLimited(w, r, wait)
		return nil
	}
	if ok, wait := s.loginAccount.Allow(strings.ToLower(in.Email)); !ok {
		s.rateLimited(w, r, wait)
		return nil
	}

	invalid := &model.Error{Status: http.StatusUnauthorized, Code: model.CodeInvalidCredential, Message: "The email or password is not correct."}
	agent, hash, err := s.db.Credentials(r.Context(), in.Email)
	if postgres.IsNotFound(err) || (err == nil && hash == "") {
		// No such account, or one whose password was never chosen
		// (`frontdesk admin create`): the same answer in the same time.
		password.Verify(dummyHash, in.Password) //nolint:errcheck // timing only
		return invalid
	}
	if err != nil {
		return err
	}
	ok, err := password.Verify(hash, in.Password)
	if err != nil {
		return err
	}
	if !ok {
		return invalid
	}
	if !agent.Active {
		return &model.Error{Status: http.StatusForbidden, Code: model.CodeAccountDisabled, Message: "This account has been deactivated. Ask an admin to reactivate it."}
	}

	return s.passwordVerified(w, r, agent)
}

// passwordVerified answers a sign-in whose password was right. A second
// factor, when the agent has one, is asked for here, before any session
// exists.
func (s *Server) passwordVerified(w http.ResponseWriter, r *http.Request, agent model.Agent) error {
	sess, err := s.StartSession(w, r, agent, "password")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sess)
	return nil
}

// StartSession signs agent in on the requesting browser: a session row
// (with the browser's user agent and address, for the agent's list of
// sessions) and its HttpOnly cookie. It is the one place where an agent
// whose identity has been checked — by password, or by a link that reached
// their mailbox — gets a session; method says which.
func (s *Server) StartSession(w http.ResponseWriter, r *http.Request, agent model.Agent, method string) (model.Session, error) {
	token := randomToken(32)
	sess, err := s.db.CreateSession(r.Context(), postgres.NewSession{
		Agent: agent, Token: token, CSRF: randomToken(32), TTL: s.cfg.SessionTTL,
		UserAgent: r.UserAgent(), IP: s.clientIP(r), Method: method,
	})
	if err != nil {
		return model.Session{}, err
	}
	http.SetCookie(w, s.sessionCookie(r, token, int(s.cfg.SessionTTL.Seconds())))
	return sess, nil
}

func (s *Server) sessionCookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: SessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: r.TLS != nil || s.cfg.BaseURL.Scheme == "https",
	}
}

func (s *Server) session(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, sessionFrom(r.Context()))
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	c, _ := r.Cookie(SessionCookie)
	if err := s.db.DeleteSession(r.Context(), c.Value); err != nil {
		return err
	}
	http.SetCookie(w, s.sessionCookie(r, "", -1))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// agentOnly resolves the session cookie and, for state-changing methods,
// checks the CSRF token and the request's origin.
func (s *Server) agentOnly(h handlerFunc) http.Handler {
	return crossOrigin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.Authenticate(r)
		if err != nil {
			if e, ok := model.AsError(err); ok && e.Status == http.StatusUnauthorized {
				http.SetCookie(w, s.sessionCookie(r, "", -1))
			}
			s.writeError(w, r, err)
			return
		}
		if !safeMethod(r.Method) {
			got := r.Header.Get(model.CSRFHeader)
			if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRFToken)) != 1 {
				s.writeError(w, r, &model.Error{Status: http.StatusForbidden, Code: model.CodeCSRF, Message: "Missing or wrong " + model.CSRFHeader + " header."})
				return
			}
		}
		s.handle(h)(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess)))
	}))
}

// Authenticate resolves the request's session cookie. The websocket hub
// uses it too.
func (s *Server) Authenticate(r *http.Request) (model.Session, error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return model.Session{}, &model.Error{Status: http.StatusUnauthorized, Code: model.CodeUnauthenticated, Message: "Please sign in."}
	}
	return s.db.Session(r.Context(), c.Value)
}

// adminOnly is agentOnly for admins.
func (s *Server) adminOnly(h handlerFunc) http.Handler {
	return s.agentOnly(func(w http.ResponseWriter, r *http.Request) error {
		if sessionFrom(r.Context()).Agent.Role != model.RoleAdmin {
			return &model.Error{Status: http.StatusForbidden, Code: model.CodeForbidden, Message: "Only admins can do this."}
		}
		return h(w, r)
	})
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
