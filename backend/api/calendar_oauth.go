package api

import (
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/frontdesk/frontdesk/backend/calendar/google"
	"github.com/frontdesk/frontdesk/backend/calendar/microsoft"
	"github.com/frontdesk/frontdesk/backend/calsync"
	"github.com/frontdesk/frontdesk/model"
)

// calendarRoutes are Google Calendar and Microsoft 365: the admins' OAuth
// apps, the agents' connection flow and calendar choices, and the
// providers' change notifications.
func (s *Server) calendarRoutes() {
	s.mux.Handle("GET /api/v1/integrations/calendars", s.adminOnly(s.getCalendarApps))
	s.mux.Handle("PUT /api/v1/integrations/calendars/{provider}", s.adminOnly(s.putCalendarApp))
	s.mux.Handle("DELETE /api/v1/integrations/calendars/{provider}", s.adminOnly(s.deleteCalendarApp))

	s.mux.Handle("POST /api/v1/me/calendar/oauth/{provider}", s.agentOnly(s.startCalendarOAuth))
	s.mux.Handle("PUT /api/v1/me/calendar/choices", s.agentOnly(s.chooseCalendars))
	s.mux.Handle("GET /oauth/{provider}/callback", http.HandlerFunc(s.calendarCallback))

	s.mux.Handle("POST /hooks/google", s.handle(s.googleHook))
	s.mux.Handle("POST /hooks/microsoft", s.handle(s.microsoftHook))
}

func (s *Server) calendarSync() (*calsync.Sync, error) {
	if s.calendars == nil {
		return nil, &model.Error{Status: http.StatusServiceUnavailable, Code: model.CodeUnavailable, Message: "Calendar sync is not configured on this server."}
	}
	return s.calendars, nil
}

func (s *Server) getCalendarApps(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.calendarSync()
	if err != nil {
		return err
	}
	apps, err := cs.Apps(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apps)
	return nil
}

func (s *Server) putCalendarApp(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.calendarSync()
	if err != nil {
		return err
	}
	p, err := calsync.ParseProvider(r.PathValue("provider"))
	if err != nil {
		return err
	}
	var in model.CalendarAppInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	apps, err := cs.SetApp(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apps)
	return nil
}

func (s *Server) deleteCalendarApp(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.calendarSync()
	if err != nil {
		return err
	}
	p, err := calsync.ParseProvider(r.PathValue("provider"))
	if err != nil {
		return err
	}
	apps, err := cs.DeleteApp(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apps)
	return nil
}

// startCalendarOAuth answers the consent screen's URL; the app sends the
// browser there.
func (s *Server) startCalendarOAuth(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.calendarSync()
	if err != nil {
		return err
	}
	p, err := calsync.ParseProvider(r.PathValue("provider"))
	if err != nil {
		return err
	}
	u, err := cs.StartOAuth(r.Context(), sessionFrom(r.Context()).Agent, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, model.OAuthStart{URL: u})
	return nil
}

func (s *Server) chooseCalendars(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.calendarSync()
	if err != nil {
		return err
	}
	var in model.CalendarChoices
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if len(in.BusyCalendarIDs) > 200 {
		return &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeValidation, Message: "Too many calendars.",
			Fields: map[string]string{"busy_calendar_ids": "at most 200"}}
	}
	if err := cs.Choose(r.Context(), sessionFrom(r.Context()).Agent, in); err != nil {
		return err
	}
	return s.getCalendar(w, r)
}

// calendarCallback is where the provider sends the browser back. It is a
// page, not an API call: whatever happens, the browser is redirected into
// the app's calendar settings, which say how it went (?calendar=connected,
// or ?calendar_error=<code>). It needs the session of the agent who
// started the flow; the state ties the two.
func (s *Server) calendarCallback(w http.ResponseWriter, r *http.Request) {
	back := func(key, value string) {
		http.Redirect(w, r, "/availability?"+url.Values{key: {value}}.Encode()+"#calendar", http.StatusSeeOther)
	}
	w.Header().Set("Cache-Control", "no-store")
	p, err := calsync.ParseProvider(r.PathValue("provider"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cs, err := s.calendarSync()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sess, err := s.Authenticate(r)
	if err != nil {
		s.log.InfoContext(r.Context(), "calendar callback without a session", "provider", p)
		back("calendar_error", model.CodeUnauthenticated)
		return
	}
	if err := cs.FinishOAuth(r.Context(), sess.Agent, p, r.URL.Query()); err != nil {
		e, ok := model.AsError(err)
		if !ok {
			s.log.ErrorContext(r.Context(), "calendar callback failed", "provider", p, "err", err)
			back("calendar_error", model.CodeInternal)
			return
		}
		back("calendar_error", e.Code)
		return
	}
	back("calendar", "connected")
}

// maxHookBody bounds a notification delivery; Graph batches are small.
const maxHookBody = 1 << 20

// googleHook receives Google's push messages: headers only.
func (s *Server) googleHook(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.calendarSync()
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxHookBody))
	n, err := google.ParseNotification(r.Header)
	if err != nil {
		s.log.InfoContext(r.Context(), "calendar hook: not a Google notification", "err", err)
		return &model.Error{Status: http.StatusBadRequest, Code: model.CodeNotification, Message: "Not a Google Calendar notification."}
	}
	if err := cs.GoogleNotification(r.Context(), n); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// microsoftHook answers Graph's validation requests by echoing the token,
// and receives its change and lifecycle notifications.
func (s *Server) microsoftHook(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.calendarSync()
	if err != nil {
		return err
	}
	if tok, ok := microsoft.ValidationToken(r); ok {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, tok)
		return nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxHookBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &model.Error{Status: http.StatusRequestEntityTooLarge, Code: model.CodeBodyTooLarge, Message: "The notification is too large."}
		}
		return &model.Error{Status: http.StatusBadRequest, Code: model.CodeNotification, Message: "The notification could not be read."}
	}
	ns, err := microsoft.ParseNotifications(body)
	if err != nil {
		s.log.InfoContext(r.Context(), "calendar hook: not a Graph notification", "err", err)
		return &model.Error{Status: http.StatusBadRequest, Code: model.CodeNotification, Message: "Not a Microsoft Graph notification."}
	}
	if err := cs.MicrosoftNotifications(r.Context(), ns); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}
