package api

import (
	"net/http"
	"strings"

	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/validate"
	"github.com/frontdesk/frontdesk/model"
)

func (s *Server) listServices(w http.ResponseWriter, r *http.Request) error {
	services, err := s.db.Services(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, services)
	return nil
}

func (s *Server) getService(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	svc, err := s.db.Service(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, svc)
	return nil
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

func (s *Server) createService(w http.ResponseWriter, r *http.Request) error {
	var in model.ServiceInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	spec, err := validateService(in, true)
	if err != nil {
		return err
	}
	svc, err := s.db.CreateService(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, spec)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, svc)
	return nil
}

func (s *Server) updateService(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in model.ServiceInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	spec, err := validateService(in, false)
	if err != nil {
		return err
	}
	svc, err := s.db.UpdateService(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, id, spec)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, svc)
	return nil
}

func (s *Server) deleteService(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.db.DeleteService(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) getOrganization(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, sessionFrom(r.Context()).Organization)
	return nil
}

// patchOrganization renames the organization (admins).
func (s *Server) patchOrganization(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name *string `json:"name"`
		// Language is that of the organization's invitation emails.
		Language *string `json:"language"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var f model.Fields
	if in.Name != nil || in.Language == nil {
		name := ""
		if in.Name != nil {
			name = strings.TrimSpace(*in.Name)
		}
		in.Name = &name
		validate.Text(&f, "name", name, 1, 200)
	}
	if in.Language != nil && !model.SupportedLanguage(*in.Language) {
		f.Add("language", "must be one of en, de, fr, it, es")
	}
	if err := f.Err(); err != nil {
		return err
	}
	org := sessionFrom(r.Context()).Organization
	if in.Name != nil {
		if err := s.db.RenameOrganization(r.Context(), org.ID, *in.Name); err != nil {
			return err
		}
		org.Name = *in.Name
	}
	if in.Language != nil {
		if err := s.db.SetOrganizationLanguage(r.Context(), org.ID, *in.Language); err != nil {
			return err
		}
		org.Language = *in.Language
	}
	writeJSON(w, http.StatusOK, org)
	return nil
}
