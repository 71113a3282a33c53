package api

import (
	"net/http"
	"time"

	"github.com/frontdesk/frontdesk/backend/booking"
	"github.com/frontdesk/frontdesk/model"
)

func (s *Server) getAvailability(w http.ResponseWriter, r *http.Request) error {
	a := sessionFrom(r.Context()).Agent
	av, err := s.db.Availability(r.Context(), a.OrganizationID, a.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, av)
	return nil
}

// putAvailability replaces the signed-in agent's availability. The time
// zone is the agent's own (changed on the agent), so it is not taken from
// the body.
func (s *Server) putAvailability(w http.ResponseWriter, r *http.Request) error {
	a := sessionFrom(r.Context()).Agent
	var in model.Availability
	if err := decode(w, r, &in); err != nil {
		return err
	}
	in.TimeZone = a.TimeZone
	var f model.Fields
	if len(in.Rules) > 50 {
		f.Add("rules", "has too many rules")
	}
	if len(in.Overrides) > 400 {
		f.Add("overrides", "has too many dates")
	}
	if in.StepMinutes <= 0 {
		f.Add("step_minutes", "must be positive")
	}
	if in.HorizonDays < 1 || in.HorizonDays > 365 {
		f.Add("horizon_days", "must be from 1 to 365")
	}
	if in.MinNoticeMinutes < 0 || in.BufferBeforeMinutes < 0 || in.BufferAfterMinutes < 0 {
		f.Add("min_notice_minutes", "minutes cannot be negative")
	}
	if err := f.Err(); err != nil {
		return err
	}
	if _, err := booking.Compile(in); err != nil {
		return err
	}
	if in.Overrides == nil {
		in.Overrides = []model.AvailabilityOverride{}
	}
	if err := s.db.SetAvailability(r.Context(), a.OrganizationID, a.ID, in); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

// previewSlots shows the agent their own free slots, as guests see them,
// for the next days in their zone.
func (s *Server) previewSlots(w http.ResponseWriter, r *http.Request) error {
	a := sessionFrom(r.Context()).Agent
	if a.License != model.LicenseStandard {
		return &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeForbidden, Message: "Only agents with a Standard license have a booking page."}
	}
	days, err := queryInt(r, "days", 7, 62)
	if err != nil {
		return err
	}
	duration, err := queryInt(r, "duration", 30, 24*60)
	if err != nil {
		return err
	}
	loc, _ := time.LoadLocation(a.TimeZone)
	today := time.Now().In(loc)
	slots, err := s.booking.Slots(r.Context(), a.Slug, booking.SlotsQuery{
		From: today.Format(time.DateOnly), To: today.AddDate(0, 0, int(max(days, 1))-1).Format(time.DateOnly),
		Duration: int(duration), TimeZone: a.TimeZone,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, slots)
	return nil
}
