package api

import (
	"fmt"
	"net/http"

	"github.com/frontdesk/frontdesk/backend/guestdata"
	"github.com/frontdesk/frontdesk/model"
)

// guestDataRoutes are guests' GDPR rights, answered by admins: export
// (art. 15) and erasure (art. 17) from a conversation's guest or a
// phonebook entry, and the organization's retention of resolved
// conversations.
func (s *Server) guestDataRoutes() {
	s.mux.Handle("GET /api/v1/guests/{id}/export", s.adminOnly(s.exportGuest))
	s.mux.Handle("POST /api/v1/guests/{id}/erase", s.adminOnly(s.eraseGuest))
	s.mux.Handle("GET /api/v1/phonebook/{id}/export", s.adminOnly(s.exportContact))
	s.mux.Handle("POST /api/v1/phonebook/{id}/erase", s.adminOnly(s.eraseContact))
	s.mux.Handle("GET /api/v1/organization/retention", s.agentOnly(s.getRetention))
	s.mux.Handle("PUT /api/v1/organization/retention", s.adminOnly(s.putRetention))
}

// SetGuestData connects the export and erasure service.
func (s *Server) SetGuestData(g *guestdata.Service) { s.guestData = g }

func (s *Server) guestDataService() (*guestdata.Service, error) {
	if s.guestData == nil {
		return nil, &model.Error{Status: http.StatusServiceUnavailable, Code: model.CodeUnavailable, Message: "Guest data requests are not available."}
	}
	return s.guestData, nil
}

func (s *Server) exportGuest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.export(w, r, guestdata.Subject{GuestID: id}, fmt.Sprintf("guest-%d", id))
}

func (s *Server) exportContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.export(w, r, guestdata.Subject{ContactID: id}, fmt.Sprintf("contact-%d", id))
}

// export answers the JSON as a download.
func (s *Server) export(w http.ResponseWriter, r *http.Request, sub guestdata.Subject, name string) error {
	g, err := s.guestDataService()
	if err != nil {
		return err
	}
	out, err := g.Export(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, sub)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="frontdesk-`+name+`.json"`)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) eraseGuest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.erase(w, r, guestdata.Subject{GuestID: id})
}

func (s *Server) eraseContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.erase(w, r, guestdata.Subject{ContactID: id})
}

func (s *Server) erase(w http.ResponseWriter, r *http.Request, sub guestdata.Subject) error {
	g, err := s.guestDataService()
	if err != nil {
		return err
	}
	a := sessionFrom(r.Context()).Agent
	rep, err := g.Erase(r.Context(), a.OrganizationID, sub, a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) getRetention(w http.ResponseWriter, r *http.Request) error {
	ret, err := s.db.Retention(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ret)
	return nil
}

func (s *Server) putRetention(w http.ResponseWriter, r *http.Request) error {
	var in model.Retention
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if d := in.DeleteResolvedAfterDays; d != nil && (*d < 1 || *d > 3650) {
		return (model.Fields{"delete_resolved_after_days": "must be between 1 and 3650 days, or null to keep conversations"}).Err()
	}
	if err := s.db.SetRetention(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, in); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}
