package api

import (
	"net/http"
	"time"

	"github.com/frontdesk/frontdesk/backend/booking"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// SetBooking connects the meeting scheduler.
func (s *Server) SetBooking(b *booking.Service) { s.booking = b }

func (s *Server) linkCard(w http.ResponseWriter, r *http.Request) error {
	card, err := s.booking.Card(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, card)
	return nil
}

func (s *Server) linkSlots(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	duration, err := queryInt(r, "duration", 0, 24*60)
	if err != nil {
		return err
	}
	slots, err := s.booking.Slots(r.Context(), r.PathValue("slug"), booking.SlotsQuery{
		From: q.Get("from"), To: q.Get("to"), Duration: int(duration), TimeZone: q.Get("tz"),
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, slots)
	return nil
}

func (s *Server) linkBook(w http.ResponseWriter, r *http.Request) error {
	var in model.BookingRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Language == "" {
		in.Language = languageOf("", r)
	}
	b, err := s.booking.Book(r.Context(), r.PathValue("slug"), in, randomToken(24), randomToken(24))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

// linkChat starts a chat from a personal link; it is assigned to the
// link's agent.
func (s *Server) linkChat(w http.ResponseWriter, r *http.Request) error {
	agent, err := s.booking.Agent(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	var in model.StartConversation
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := validateStart(&in, model.Widget{PreChatName: true}); err != nil {
		return err
	}
	s.openConversation(w, r, newConversation(agent.OrganizationID, model.ChannelPersonalLink, in, r, func(nc *postgres.NewConversation) {
		nc.AssigneeID = &agent.ID
	}))
	return nil
}

// agentMeeting loads {id} for the signed-in agent: the meeting's own agent
// or an admin of the organization.
func (s *Server) agentMeeting(r *http.Request) (postgres.MeetingRecord, error) {
	id, err := pathID(r)
	if err != nil {
		return postgres.MeetingRecord{}, err
	}
	a := sessionFrom(r.Context()).Agent
	rec, err := s.db.Meeting(r.Context(), a.OrganizationID, id)
	if err != nil {
		return rec, err
	}
	if rec.Meeting.AgentID != a.ID && a.Role != model.RoleAdmin {
		return rec, &model.Error{Status: http.StatusForbidden, Code: model.CodeForbidden, Message: "Only the meeting's agent or an admin can change it."}
	}
	return rec, nil
}

func (s *Server) listMeetings(w http.ResponseWriter, r *http.Request) error {
	a := sessionFrom(r.Context()).Agent
	list, err := s.db.AgentMeetings(r.Context(), a.OrganizationID, a.ID, time.Now().Add(-24*time.Hour), r.URL.Query().Get("cancelled") == "true")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) getMeeting(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.agentMeeting(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rec.Meeting)
	return nil
}

func (s *Server) conversationMeeting(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rec, err := s.db.MeetingOfConversation(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rec.Meeting)
	return nil
}

func (s *Server) changeMeeting(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.agentMeeting(r)
	if err != nil {
		return err
	}
	var in model.MeetingChange
	if err := decode(w, r, &in); err != nil {
		return err
	}
	out, err := s.booking.Change(r.Context(), rec, in, booking.Who{Name: sessionFrom(r.Context()).Agent.Name})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out.Meeting)
	return nil
}

func (s *Server) cancelMeeting(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.agentMeeting(r)
	if err != nil {
		return err
	}
	out, err := s.booking.Cancel(r.Context(), rec, booking.Who{Name: sessionFrom(r.Context()).Agent.Name})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out.Meeting)
	return nil
}

// guestMeeting opens a meeting by the manage token from the guest's emails.
func (s *Server) guestMeeting(r *http.Request) (postgres.MeetingRecord, error) {
	token := r.PathValue("token")
	if !tokenPattern.MatchString(token) {
		return postgres.MeetingRecord{}, &model.Error{Status: http.StatusNotFound, Code: model.CodeNotFound, Message: "Meeting not found."}
	}
	return s.db.MeetingByManageToken(r.Context(), token)
}

func (s *Server) guestMeetingView(w http.ResponseWriter, r *http.Request, rec postgres.MeetingRecord) error {
	av, err := s.db.Availability(r.Context(), rec.Agent.OrganizationID, rec.Agent.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, model.GuestMeeting{Meeting: rec.Meeting, AgentName: rec.Agent.Name, AgentSlug: rec.Agent.Slug, Durations: av.Durations})
	return nil
}

func (s *Server) guestGetMeeting(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.guestMeeting(r)
	if err != nil {
		return err
	}
	return s.guestMeetingView(w, r, rec)
}

func (s *Server) guestChangeMeeting(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.guestMeeting(r)
	if err != nil {
		return err
	}
	var in model.MeetingChange
	if err := decode(w, r, &in); err != nil {
		return err
	}
	out, err := s.booking.Change(r.Context(), rec, in, booking.Who{Name: guestName(rec.Meeting.Guest), Guest: true})
	if err != nil {
		return err
	}
	return s.guestMeetingView(w, r, out)
}

func (s *Server) guestCancelMeeting(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.guestMeeting(r)
	if err != nil {
		return err
	}
	out, err := s.booking.Cancel(r.Context(), rec, booking.Who{Name: guestName(rec.Meeting.Guest), Guest: true})
	if err != nil {
		return err
	}
	return s.guestMeetingView(w, r, out)
}

func guestName(g model.Guest) string {
	if g.Name != "" {
		return g.Name
	}
	return "The guest"
}
