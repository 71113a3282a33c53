package api

import (
	"errors"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/frontdesk/frontdesk/backend/accounts"
	"github.com/frontdesk/frontdesk/model"
)

// SetAccounts connects the accounts service (setup, sign-up, invitations,
// password reset, profile and sessions).
func (s *Server) SetAccounts(a *accounts.Service) { s.accounts = a }

// accountRoutes: first-run setup, sign-up, password reset, email
// verification, invitations, the agent's profile, password and sessions,
// and the getting-started card.
func (s *Server) accountRoutes() {
	// No session yet: cross-origin protection stands in for the CSRF
	// token, and the per-address guest limit applies.
	open := func(h handlerFunc) http.Handler { return crossOrigin(s.public(h)) }
	s.mux.Handle("GET /api/v1/signup", s.public(s.signupStatus))
	s.mux.Handle("POST /api/v1/signup", open(s.signup))
	s.mux.Handle("GET /api/v1/setup/{token}", s.public(s.setupLive))
	s.mux.Handle("POST /api/v1/setup/{token}", open(s.setup))
	s.mux.Handle("POST /api/v1/auth/password-reset", open(s.requestReset))
	s.mux.Handle("GET /api/v1/auth/password-reset/{token}", s.public(s.resetLive))
	s.mux.Handle("POST /api/v1/auth/password-reset/{token}", open(s.resetPassword))
	s.mux.Handle("POST /api/v1/verify/{token}", open(s.verifyEmail))
	s.mux.Handle("GET /api/v1/public/invitations/{token}", s.public(s.previewInvitation))
	s.mux.Handle("POST /api/v1/public/invitations/{token}", open(s.acceptInvitation))

	s.mux.Handle("GET /api/v1/me", s.agentOnly(s.getMe))
	s.mux.Handle("PATCH /api/v1/me", s.agentOnly(s.patchMe))
	s.mux.Handle("PUT /api/v1/me/photo", s.agentOnly(s.putPhoto))
	s.mux.Handle("DELETE /api/v1/me/photo", s.agentOnly(s.deletePhoto))
	s.mux.Handle("GET /photos/{file}", s.public(s.photo))
	s.mux.Handle("POST /api/v1/me/password", s.agentOnly(s.changePassword))
	s.mux.Handle("POST /api/v1/me/verification", s.agentOnly(s.resendVerification))
	s.mux.Handle("GET /api/v1/me/sessions", s.agentOnly(s.listSessions))
	s.mux.Handle("DELETE /api/v1/me/sessions", s.agentOnly(s.endOtherSessions))
	s.mux.Handle("DELETE /api/v1/me/sessions/{id}", s.agentOnly(s.endSession))

	s.mux.Handle("GET /api/v1/invitations", s.adminOnly(s.listInvitations))
	s.mux.Handle("POST /api/v1/invitations", s.adminOnly(s.invite))
	s.mux.Handle("POST /api/v1/invitations/{id}/resend", s.adminOnly(s.resendInvitation))
	s.mux.Handle("DELETE /api/v1/invitations/{id}", s.adminOnly(s.revokeInvitation))

	s.mux.Handle("GET /api/v1/onboarding", s.agentOnly(s.getOnboarding))
	s.mux.Handle("POST /api/v1/onboarding/{step}", s.adminOnly(s.markOnboarding))
}

// accountError turns the service's rate limit into 429 with Retry-After.
func (s *Server) accountError(w http.ResponseWriter, r *http.Request, err error) error {
	var limit *accounts.LimitError
	if errors.As(err, &limit) {
		s.rateLimited(w, r, limit.Wait)
		return nil
	}
	return err
}

func (s *Server) signupStatus(w http.ResponseWriter, r *http.Request) error {
	open, err := s.accounts.SignupAllowed(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, model.SignupStatus{Open: open})
	return nil
}

func (s *Server) signup(w http.ResponseWriter, r *http.Request) error {
	var in model.SignupRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	created, err := s.accounts.Signup(r.Context(), in, s.clientIP(r))
	if err != nil {
		return s.accountError(w, r, err)
	}
	return s.writeNewSession(w, r, created.Admin, "signup")
}

func (s *Server) setupLive(w http.ResponseWriter, r *http.Request) error {
	if err := s.accounts.SetupLive(r.Context(), r.PathValue("token")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	// A bad link is "not found" whatever the body says.
	if err := s.accounts.SetupLive(r.Context(), r.PathValue("token")); err != nil {
		return err
	}
	var in model.SignupRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	created, err := s.accounts.Setup(r.Context(), r.PathValue("token"), in)
	if err != nil {
		return err
	}
	return s.writeNewSession(w, r, created.Admin, "setup")
}

// writeNewSession signs in an agent who just proved who they are and
// answers 201 with the session.
func (s *Server) writeNewSession(w http.ResponseWriter, r *http.Request, agent model.Agent, method string) error {
	sess, err := s.StartSession(w, r, agent, method)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sess)
	return nil
}

func (s *Server) requestReset(w http.ResponseWriter, r *http.Request) error {
	var in model.PasswordResetRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.accounts.RequestPasswordReset(r.Context(), in.Email, s.clientIP(r), in.Language); err != nil {
		return s.accountError(w, r, err)
	}
	writeJSON(w, http.StatusAccepted, model.PasswordResetAccepted{Message: accounts.ResetAccepted})
	return nil
}

func (s *Server) resetLive(w http.ResponseWriter, r *http.Request) error {
	if err := s.accounts.ResetLive(r.Context(), r.PathValue("token")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	if err := s.accounts.ResetLive(r.Context(), r.PathValue("token")); err != nil {
		return err
	}
	var in model.NewPassword
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if _, err := s.accounts.ResetPassword(r.Context(), r.PathValue("token"), in.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) verifyEmail(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.accounts.Verify(r.Context(), r.PathValue("token")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) previewInvitation(w http.ResponseWriter, r *http.Request) error {
	p, err := s.accounts.PreviewInvitation(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.accounts.PreviewInvitation(r.Context(), r.PathValue("token")); err != nil {
		return err
	}
	var in model.AcceptInvitation
	if err := decode(w, r, &in); err != nil {
		return err
	}
	agent, err := s.accounts.AcceptInvitation(r.Context(), r.PathValue("token"), in)
	if err != nil {
		return err
	}
	return s.writeNewSession(w, r, agent, "invitation")
}

func (s *Server) getMe(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, sessionFrom(r.Context()).Agent)
	return nil
}

func (s *Server) patchMe(w http.ResponseWriter, r *http.Request) error {
	var in model.ProfilePatch
	if err := decode(w, r, &in); err != nil {
		return err
	}
	agent, err := s.accounts.UpdateProfile(r.Context(), sessionFrom(r.Context()).Agent, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, agent)
	return nil
}

// putPhoto takes the picture as the raw body (image/png, image/jpeg or
// image/webp).
func (s *Server) putPhoto(w http.ResponseWriter, r *http.Request) error {
	switch mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt {
	case "image/png", "image/jpeg", "image/webp":
	default:
		return &model.Error{Status: http.StatusUnsupportedMediaType, Code: model.CodeUnsupportedMedia,
			Message: "Send the picture as image/png, image/jpeg or image/webp."}
	}
	agent, err := s.accounts.SetPhoto(r.Context(), sessionFrom(r.Context()).Agent, http.MaxBytesReader(w, r.Body, accounts.MaxPhotoBytes+1))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &model.Error{Status: http.StatusRequestEntityTooLarge, Code: model.CodeBodyTooLarge, Message: "The picture is larger than 5 MB."}
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, agent)
	return nil
}

func (s *Server) deletePhoto(w http.ResponseWriter, r *http.Request) error {
	agent, err := s.accounts.DeletePhoto(r.Context(), sessionFrom(r.Context()).Agent)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, agent)
	return nil
}

// photoFile is an agent's photo's file name: {agent id}-{version}.jpg.
var photoFile = regexp.MustCompile(`^([1-9][0-9]{0,17})-([0-9a-f]{16})\.jpg$`)

// photo serves an agent's uploaded photo. Guests see it on personal links,
// so it is public; its address changes with every upload, so it is cached
// for good.
func (s *Server) photo(w http.ResponseWriter, r *http.Request) error {
	m := photoFile.FindStringSubmatch(r.PathValue("file"))
	if m == nil {
		return &model.Error{Status: http.StatusNotFound, Code: model.CodeNotFound, Message: "Photo not found."}
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	data, err := s.db.Photo(r.Context(), id, m[2])
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "image/jpeg")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	h.Set("Content-Security-Policy", "default-src 'none'")
	w.Write(data) //nolint:errcheck // the client went away
	return nil
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	var in model.PasswordChange
	if err := decode(w, r, &in); err != nil {
		return err
	}
	sess := sessionFrom(r.Context())
	// Guessing the current password here counts against the sign-in
	// limit of the account.
	if ok, wait := s.loginAccount.Allow(strings.ToLower(sess.Agent.Email)); !ok {
		s.rateLimited(w, r, wait)
		return nil
	}
	if err := s.accounts.ChangePassword(r.Context(), sess.Agent, sess.ID, in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) resendVerification(w http.ResponseWriter, r *http.Request) error {
	agent := sessionFrom(r.Context()).Agent
	if ok, wait := s.loginAccount.Allow("verify:" + strings.ToLower(agent.Email)); !ok {
		s.rateLimited(w, r, wait)
		return nil
	}
	if err := s.accounts.ResendVerification(r.Context(), agent); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

func (s *Server) listSessions(w http.ResponseWriter, r *http.Request) error {
	sess := sessionFrom(r.Context())
	list, err := s.accounts.Sessions(r.Context(), sess.Agent, sess.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sess := sessionFrom(r.Context())
	if err := s.accounts.EndSession(r.Context(), sess.Agent, id); err != nil {
		return err
	}
	if id == sess.ID {
		http.SetCookie(w, s.sessionCookie(r, "", -1))
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) endOtherSessions(w http.ResponseWriter, r *http.Request) error {
	sess := sessionFrom(r.Context())
	if err := s.accounts.EndOtherSessions(r.Context(), sess.Agent, sess.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listInvitations(w http.ResponseWriter, r *http.Request) error {
	list, err := s.accounts.Invitations(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) invite(w http.ResponseWriter, r *http.Request) error {
	var in model.InvitationInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	me := sessionFrom(r.Context()).Agent
	// Invitations are emails to outside addresses: bounded per admin.
	if ok, wait := s.invitesPerAdmin.Allow(me.Email); !ok {
		s.rateLimited(w, r, wait)
		return nil
	}
	inv, err := s.accounts.Invite(r.Context(), me, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, inv)
	return nil
}

func (s *Server) resendInvitation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	me := sessionFrom(r.Context()).Agent
	if ok, wait := s.invitesPerAdmin.Allow(me.Email); !ok {
		s.rateLimited(w, r, wait)
		return nil
	}
	inv, err := s.accounts.ResendInvitation(r.Context(), me.OrganizationID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, inv)
	return nil
}

func (s *Server) revokeInvitation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.accounts.RevokeInvitation(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) getOnboarding(w http.ResponseWriter, r *http.Request) error {
	card, key, err := s.accounts.Onboarding(r.Context(), sessionFrom(r.Context()).Agent)
	if err != nil {
		return err
	}
	if card.Show && key != "" {
		card.Snippet = s.Snippet(model.Widget{PublicKey: key})
		card.TryURL = s.cfg.BaseURL.String() + "/try/" + key
	}
	writeJSON(w, http.StatusOK, card)
	return nil
}

func (s *Server) markOnboarding(w http.ResponseWriter, r *http.Request) error {
	if err := s.accounts.MarkOnboarding(r.Context(), sessionFrom(r.Context()).Agent, r.PathValue("step")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ClientIP is the request's client address as rate limits and logs see
// it (X-Forwarded-For only with TrustProxy).
func (s *Server) ClientIP(r *http.Request) string { return s.clientIP(r) }
