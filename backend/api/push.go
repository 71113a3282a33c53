package api

import (
	"net/http"

	"github.com/frontdesk/frontdesk/backend/push"
	"github.com/frontdesk/frontdesk/model"
)

// SetPush connects Web Push.
func (s *Server) SetPush(p *push.Sender) { s.push = p }

func (s *Server) pushReady() error {
	if s.push == nil {
		return &model.Error{Status: http.StatusServiceUnavailable, Code: model.CodeUnavailable, Message: "Push notifications are not available on this server."}
	}
	return nil
}

// pushKey gives the app the VAPID public key to subscribe with.
func (s *Server) pushKey(w http.ResponseWriter, r *http.Request) error {
	if err := s.pushReady(); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"public_key": s.push.PublicKey()})
	return nil
}

func (s *Server) pushSubscribe(w http.ResponseWriter, r *http.Request) error {
	if err := s.pushReady(); err != nil {
		return err
	}
	var in push.Subscription
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a := sessionFrom(r.Context()).Agent
	if err := s.push.Subscribe(r.Context(), a.OrganizationID, a.ID, in, r.UserAgent()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) pushUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	if err := s.pushReady(); err != nil {
		return err
	}
	var in struct {
		Endpoint string `json:"endpoint"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a := sessionFrom(r.Context()).Agent
	if err := s.push.Unsubscribe(r.Context(), a.OrganizationID, a.ID, in.Endpoint); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
