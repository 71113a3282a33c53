package api

import (
	"net/http"

	"github.com/frontdesk/frontdesk/backend/crmsync"
	"github.com/frontdesk/frontdesk/model"
)

// SetCRM connects the CRM integration.
func (s *Server) SetCRM(c *crmsync.Sync) { s.crm = c }

func (s *Server) crmReady(w http.ResponseWriter, r *http.Request) bool {
	if s.crm == nil {
		s.writeError(w, r, &model.Error{Status: http.StatusServiceUnavailable, Code: model.CodeUnavailable, Message: "The CRM integration is not available on this server."})
		return false
	}
	return true
}

func (s *Server) getCRM(w http.ResponseWriter, r *http.Request) {
	if !s.crmReady(w, r) {
		return
	}
	settings, err := s.crm.Settings(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, settings)
}

func (s *Server) putCRM(w http.ResponseWriter, r *http.Request) {
	if !s.crmReady(w, r) {
		return
	}
	var in model.CRMInput
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	settings, err := s.crm.Configure(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, settings)
}

func (s *Server) deleteCRM(w http.ResponseWriter, r *http.Request) {
	if err := s.db.DeleteCRM(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, model.CRMSettings{})
}

func (s *Server) testCRM(w http.ResponseWriter, r *http.Request) {
	if !s.crmReady(w, r) {
		return
	}
	if err := s.crm.Test(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// createLead queues "Create CRM lead"; it answers 202 with the lead's state
// (pending, or done when it was created before).
func (s *Server) createLead(w http.ResponseWriter, r *http.Request) {
	if !s.crmReady(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	lead, err := s.crm.RequestLead(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, lead)
}
