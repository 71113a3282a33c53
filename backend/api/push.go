package api

import (
	"net/http"

	"github.com/frontdesk/frontdesk/backend/push"
	"github.com/frontdesk/frontdesk/model"
)

// SetPush connects Web Push.
func (s *Server) SetPush(p *push.Sender) { s.push = p }

func (s *Server) pushReady(w http.ResponseWriter, r *http.Request) bool {
	if s.push == nil {
		s.writeError(w, r, &model.Error{Status: http.StatusServiceUnavailable, Code: model.CodeUnavailable, Message: "Push notifications are not available on this server."})
		return false
	}
	return true
}

// pushKey gives the app the VAPID public key to subscribe with.
func (s *Server) pushKey(w http.ResponseWriter, r *http.Request) {
	if !s.pushReady(w, r) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"public_key": s.push.PublicKey()})
}

func (s *Server) pushSubscribe(w http.ResponseWriter, r *http.Request) {
	if !s.pushReady(w, r) {
		return
	}
	var in push.Subscription
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	a := sessionFrom(r.Context()).Agent
	if err := s.push.Subscribe(r.Context(), a.OrganizationID, a.ID, in, r.UserAgent()); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) pushUnsubscribe(w http.ResponseWriter, r *http.Request) {
	if !s.pushReady(w, r) {
		return
	}
	var in struct {
		Endpoint string `json:"endpoint"`
	}
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	a := sessionFrom(r.Context()).Agent
	if err := s.push.Unsubscribe(r.Context(), a.OrganizationID, a.ID, in.Endpoint); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
