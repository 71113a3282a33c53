package api

import (
	"net/http"

	"github.com/frontdesk/frontdesk/backend/crmsync"
	"github.com/frontdesk/frontdesk/model"
)

// SetCRM connects the CRM integration.
func (s *Server) SetCRM(c *crmsync.Sync) { s.crm = c }

func (s *Server) crmReady() error {
	if s.crm == nil {
		return &model.Error{Status: http.StatusServiceUnavailable, Code: model.CodeUnavailable, Message: "The CRM integration is not available on this server."}
	}
	return nil
}

func (s *Server) getCRM(w http.ResponseWriter, r *http.Request) error {
	if err := s.crmReady(); err != nil {
		return err
	}
	settings, err := s.crm.Settings(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, settings)
	return nil
}

func (s *Server) putCRM(w http.ResponseWriter, r *http.Request) error {
	if err := s.crmReady(); err != nil {
		return err
	}
	var in model.CRMInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	settings, err := s.crm.Configure(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, settings)
	return nil
}

func (s *Server) deleteCRM(w http.ResponseWriter, r *http.Request) error {
	if err := s.db.DeleteCRM(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, model.CRMSettings{})
	return nil
}

func (s *Server) testCRM(w http.ResponseWriter, r *http.Request) error {
	if err := s.crmReady(); err != nil {
		return err
	}
	if err := s.crm.Test(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// createLead queues "Create CRM lead"; it answers 202 with the lead's state
// (pending, or done when it was created before).
func (s *Server) createLead(w http.ResponseWriter, r *http.Request) error {
	if err := s.crmReady(); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	lead, err := s.crm.RequestLead(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, lead)
	return nil
}
