package api

import (
	"net/http"

	"github.com/frontdesk/frontdesk/backend/booking"
	"github.com/frontdesk/frontdesk/model"
)

// publicLinkRoutes are the personal link's endpoints beyond the card,
// slots, booking and chat ones in routes.
func (s *Server) publicLinkRoutes() {
	s.mux.Handle("GET /api/v1/public/links/{slug}/conversations/current", s.public(s.currentLinkConversation))
	s.mux.Handle("GET /api/v1/public/meetings/{token}/slots", s.public(s.rescheduleSlots))
}

// rescheduleSlots are the slots offered to a guest moving their meeting:
// the link's slots, except that the meeting's own time is free for it.
func (s *Server) rescheduleSlots(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.guestMeeting(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	duration, err := queryInt(r, "duration", 0, 24*60)
	if err != nil {
		return err
	}
	slots, err := s.booking.RescheduleSlots(r.Context(), rec, booking.SlotsQuery{
		From: q.Get("from"), To: q.Get("to"), Duration: int(duration), TimeZone: q.Get("tz"),
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, slots)
	return nil
}

// currentLinkConversation finds a visitor's chat on a personal link again,
// as .../widgets/{key}/conversations/current does for a widget: the page
// keeps only its visitor token, not the conversation's.
func (s *Server) currentLinkConversation(w http.ResponseWriter, r *http.Request) error {
	agent, err := s.booking.Agent(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	visitor := r.URL.Query().Get("visitor")
	if !tokenPattern.MatchString(visitor) {
		return (model.Fields{"visitor": "must be 22–64 URL-safe characters"}).Err()
	}
	a, err := s.db.LatestLinkConversation(r.Context(), agent.OrganizationID, agent.ID, visitor)
	if err != nil {
		return err
	}
	view, err := s.guestView(r, a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, view)
	return nil
}
