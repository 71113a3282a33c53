package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/backend/calendar/caldav"
	"github.com/frontdesk/frontdesk/backend/calsync"
	"github.com/frontdesk/frontdesk/backend/invite"
	"github.com/frontdesk/frontdesk/backend/validate"
	"github.com/frontdesk/frontdesk/model"
)

// SetCalendars connects calendar sync (CalDAV, Google, Microsoft).
func (s *Server) SetCalendars(c *calsync.Sync) { s.calendars = c }

func (s *Server) feedURL(r *http.Request, rotate bool) (string, error) {
	a := sessionFrom(r.Context()).Agent
	token, err := s.db.FeedToken(r.Context(), a.OrganizationID, a.ID, randomToken(24), rotate)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(s.cfg.BaseURL.String(), "/") + "/feeds/" + token + ".ics", nil
}

func (s *Server) getCalendar(w http.ResponseWriter, r *http.Request) error {
	a := sessionFrom(r.Context()).Agent
	feed, err := s.feedURL(r, false)
	if err != nil {
		return err
	}
	settings := model.CalendarSettings{Available: []string{}}
	if s.calendars != nil {
		if settings, err = s.calendars.Settings(r.Context(), a); err != nil {
			return err
		}
	}
	settings.FeedURL = feed
	writeJSON(w, http.StatusOK, settings)
	return nil
}

func (s *Server) putCalendar(w http.ResponseWriter, r *http.Request) error {
	if s.calendars == nil {
		return &model.Error{Status: http.StatusServiceUnavailable, Code: model.CodeUnavailable, Message: "Calendar sync is not configured on this server."}
	}
	var in model.CalendarInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var f model.Fields
	in.URL = strings.TrimSpace(in.URL)
	if in.URL == "" {
		f.Add("url", "is required")
	}
	validate.URL(&f, "url", in.URL)
	validate.Text(&f, "username", in.Username, 1, 254)
	validate.Text(&f, "password", in.Password, 1, 256)
	if err := f.Err(); err != nil {
		return err
	}
	a := sessionFrom(r.Context()).Agent
	if err := s.calendars.Connect(r.Context(), a, caldav.Account{URL: in.URL, Username: in.Username, Password: in.Password}); err != nil {
		return err
	}
	return s.getCalendar(w, r)
}

func (s *Server) deleteCalendar(w http.ResponseWriter, r *http.Request) error {
	a := sessionFrom(r.Context()).Agent
	if s.calendars == nil {
		if err := s.db.DeleteCalendar(r.Context(), a.OrganizationID, a.ID); err != nil {
			return err
		}
	} else if err := s.calendars.Disconnect(r.Context(), a); err != nil {
		return err
	}
	return s.getCalendar(w, r)
}

func (s *Server) rotateFeed(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.feedURL(r, true); err != nil {
		return err
	}
	return s.getCalendar(w, r)
}

// feed serves an agent's meetings as a subscribable iCalendar feed; the
// unguessable token in the URL is the only key.
func (s *Server) feed(w http.ResponseWriter, r *http.Request) error {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || !tokenPattern.MatchString(token) {
		return &model.Error{Status: http.StatusNotFound, Code: model.CodeNotFound, Message: "No such feed."}
	}
	agentID, orgID, err := s.db.AgentByFeedToken(r.Context(), token)
	if err != nil {
		return err
	}
	agent, err := s.db.Agent(r.Context(), orgID, agentID)
	if err != nil {
		return err
	}
	meetings, err := s.db.AgentMeetings(r.Context(), orgID, agentID, time.Now().AddDate(0, -3, 0), false)
	if err != nil {
		return err
	}
	base := strings.TrimRight(s.cfg.BaseURL.String(), "/")
	events := make([]invite.Event, len(meetings))
	for i, m := range meetings {
		guest := m.Guest.Name
		if guest == "" {
			guest = m.Guest.Email
		}
		link := base + "/c/" + strconv.FormatInt(m.ConversationID, 10)
		events[i] = invite.Event{UID: m.UID, Sequence: m.Sequence, Start: m.Start, End: m.End(), TimeZone: m.TimeZone,
			Summary: "Meeting with " + guest, Description: "Conversation: " + link, URL: link,
			Status: invite.StatusConfirmed, Organizer: invite.Person{Name: agent.Name, Email: agent.Email}}
	}
	body, err := invite.Feed(events)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Write(body) //nolint:errcheck // the client went away
	return nil
}
