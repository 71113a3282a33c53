package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/frontdesk/frontdesk/backend/password"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/validate"
	"github.com/frontdesk/frontdesk/model"
)

// pathID parses the {id} wildcard; a malformed id is simply not found.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, &model.Error{Status: http.StatusNotFound, Code: model.CodeNotFound, Message: "Not found."}
	}
	return id, nil
}

func (s *Server) listAgents(w http.ResponseWriter, r *http.Request) error {
	orgID := sessionFrom(r.Context()).Agent.OrganizationID
	agents, err := s.db.Agents(r.Context(), orgID)
	if err != nil {
		return err
	}
	online, err := s.db.OnlineAgents(r.Context(), orgID)
	if err != nil {
		return err
	}
	for i := range agents {
		agents[i].Online = online[agents[i].ID]
	}
	writeJSON(w, http.StatusOK, agents)
	return nil
}

func (s *Server) getAgent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	agent, err := s.db.Agent(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, agent)
	return nil
}

// validateAgent checks an agent input; creating requires every mandatory
// field, patching only checks what is present.
func validateAgent(in model.AgentInput, creating bool) error {
	var f model.Fields
	required := func(field string, v *string) bool {
		if v == nil {
			if creating {
				f.Add(field, "is required")
			}
			return false
		}
		return true
	}
	if required("email", in.Email) {
		validate.Email(&f, "email", *in.Email)
	}
	if required("name", in.Name) {
		validate.Text(&f, "name", *in.Name, 1, 200)
	}
	if in.Title != nil {
		validate.Text(&f, "title", *in.Title, 0, 200)
	}
	if in.PhotoURL != nil {
		validate.URL(&f, "photo_url", *in.PhotoURL)
	}
	if required("slug", in.Slug) {
		validate.Slug(&f, "slug", *in.Slug)
	}
	if required("time_zone", in.TimeZone) {
		validate.TimeZone(&f, "time_zone", *in.TimeZone)
	}
	if required("password", in.Password) {
		validate.Password(&f, "password", *in.Password)
	}
	if in.Role != nil && !in.Role.Valid() {
		f.Add("role", "must be agent or admin")
	}
	if in.License != nil && !in.License.Valid() {
		f.Add("license", "must be basic or standard")
	}
	if creating && in.Active != nil && !*in.Active {
		f.Add("active", "a new agent starts active")
	}
	return f.Err()
}

func (s *Server) createAgent(w http.ResponseWriter, r *http.Request) error {
	var in model.AgentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := validateAgent(in, true); err != nil {
		return err
	}
	hash, err := password.Hash(*in.Password)
	if err != nil {
		return err
	}
	na := postgres.NewAgent{
		Email: strings.ToLower(*in.Email), Name: strings.TrimSpace(*in.Name), Slug: *in.Slug, TimeZone: *in.TimeZone,
		Role: model.RoleAgent, License: model.LicenseStandard, PasswordHash: hash,
	}
	if in.Title != nil {
		na.Title = *in.Title
	}
	if in.PhotoURL != nil {
		na.PhotoURL = *in.PhotoURL
	}
	if in.Role != nil {
		na.Role = *in.Role
	}
	if in.License != nil {
		na.License = *in.License
	}
	agent, err := s.db.CreateAgent(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, na)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, agent)
	return nil
}

func (s *Server) updateAgent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in model.AgentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := validateAgent(in, false); err != nil {
		return err
	}
	p := postgres.AgentPatch{
		Email: in.Email, Name: in.Name, Title: in.Title, PhotoURL: in.PhotoURL, Slug: in.Slug,
		TimeZone: in.TimeZone, Role: in.Role, License: in.License, Active: in.Active,
	}
	if in.Password != nil {
		hash, err := password.Hash(*in.Password)
		if err != nil {
			return err
		}
		p.PasswordHash = &hash
	}
	return s.writeAgentUpdate(w, r, id, p)
}

func (s *Server) deactivateAgent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	off := false
	return s.writeAgentUpdate(w, r, id, postgres.AgentPatch{Active: &off})
}

func (s *Server) writeAgentUpdate(w http.ResponseWriter, r *http.Request, id int64, p postgres.AgentPatch) error {
	agent, err := s.db.UpdateAgent(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, id, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, agent)
	return nil
}
