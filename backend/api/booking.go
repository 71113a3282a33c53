package api

import (
	"net/http"

	"github.com/frontdesk/frontdesk/backend/booking"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// SetBooking connects the meeting scheduler.
func (s *Server) SetBooking(b *booking.Service) { s.booking = b }

func (s *Server) linkCard(w http.ResponseWriter, r *http.Request) {
	card, err := s.booking.Card(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, card)
}

func (s *Server) linkSlots(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	duration, err := queryInt(r, "duration", 0, 24*60)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	slots, err := s.booking.Slots(r.Context(), r.PathValue("slug"), booking.SlotsQuery{
		From: q.Get("from"), To: q.Get("to"), Duration: int(duration), TimeZone: q.Get("tz"),
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, slots)
}

func (s *Server) linkBook(w http.ResponseWriter, r *http.Request) {
	var in model.BookingRequest
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if in.Language == "" {
		in.Language = languageOf("", r)
	}
	b, err := s.booking.Book(r.Context(), r.PathValue("slug"), in, randomToken(24))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, b)
}

// linkChat starts a chat from a personal link; it is assigned to the
// link's agent.
func (s *Server) linkChat(w http.ResponseWriter, r *http.Request) {
	agent, err := s.booking.Agent(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in model.StartConversation
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := validateStart(&in, model.Widget{PreChatName: true}); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.openConversation(w, r, newConversation(agent.OrganizationID, model.ChannelPersonalLink, in, r, func(nc *postgres.NewConversation) {
		nc.AssigneeID = &agent.ID
	}))
}
