package api

import (
	"net/http"
	"strings"

	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/validate"
	"github.com/frontdesk/frontdesk/model"
)

func (s *Server) listServices(w http.ResponseWriter, r *http.Request) {
	services, err := s.db.Services(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, services)
}

func (s *Server) getService(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	svc, err := s.db.Service(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, svc)
}

func validateService(in model.ServiceInput, creating bool) (postgres.ServiceSpec, error) {
	var f model.Fields
	if in.Name == nil {
		if creating {
			f.Add("name", "is required")
		}
	} else {
		validate.Text(&f, "name", *in.Name, 1, 100)
		name := strings.TrimSpace(*in.Name)
		in.Name = &name
	}
	if in.Strategy != nil && !in.Strategy.Valid() {
		f.Add("strategy", "must be manual, round_robin or least_busy")
	}
	if in.MemberIDs != nil && len(*in.MemberIDs) > 500 {
		f.Add("member_ids", "has too many members")
	}
	return postgres.ServiceSpec{Name: in.Name, Strategy: in.Strategy, MemberIDs: in.MemberIDs}, f.Err()
}

func (s *Server) createService(w http.ResponseWriter, r *http.Request) {
	var in model.ServiceInput
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	spec, err := validateService(in, true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	svc, err := s.db.CreateService(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, spec)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, svc)
}

func (s *Server) updateService(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in model.ServiceInput
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	spec, err := validateService(in, false)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	svc, err := s.db.UpdateService(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, id, spec)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, svc)
}

func (s *Server) deleteService(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.db.DeleteService(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getOrganization(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, sessionFrom(r.Context()).Organization)
}

// patchOrganization renames the organization (admins).
func (s *Server) patchOrganization(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	var f model.Fields
	in.Name = strings.TrimSpace(in.Name)
	validate.Text(&f, "name", in.Name, 1, 200)
	if err := f.Err(); err != nil {
		s.writeError(w, r, err)
		return
	}
	org := sessionFrom(r.Context()).Organization
	if err := s.db.RenameOrganization(r.Context(), org.ID, in.Name); err != nil {
		s.writeError(w, r, err)
		return
	}
	org.Name = in.Name
	writeJSON(w, http.StatusOK, org)
}
