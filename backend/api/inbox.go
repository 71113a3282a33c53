package api

import (
	"context"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/useragent"
	"github.com/frontdesk/frontdesk/backend/validate"
	"github.com/frontdesk/frontdesk/model"
)

// Transcripts queues a conversation's transcript for the guest's email.
type Transcripts interface {
	EnqueueTranscript(ctx context.Context, tx bun.Tx, convID int64, email string) error
}

// SetTranscripts connects transcripts by email.
func (s *Server) SetTranscripts(t Transcripts) { s.transcripts = t }

// inboxRoutes are the agent's daily tools: files, search, saved replies,
// guest context, ratings and transcripts.
func (s *Server) inboxRoutes() {
	s.fileRoutes()

	s.mux.Handle("GET /api/v1/search", s.agentOnly(s.search))

	s.mux.Handle("GET /api/v1/saved-replies", s.agentOnly(s.listSavedReplies))
	s.mux.Handle("POST /api/v1/saved-replies", s.agentOnly(s.createSavedReply))
	s.mux.Handle("PUT /api/v1/saved-replies/{id}", s.agentOnly(s.updateSavedReply))
	s.mux.Handle("DELETE /api/v1/saved-replies/{id}", s.agentOnly(s.deleteSavedReply))

	s.mux.Handle("GET /api/v1/conversations/{id}/context", s.agentOnly(s.conversationContext))
	s.mux.Handle("PUT /api/v1/public/conversations/{token}/context", s.public(s.guestPage))

	s.mux.Handle("POST /api/v1/public/conversations/{token}/rating", s.public(s.guestRate))
	s.mux.Handle("POST /api/v1/public/conversations/{token}/transcript", s.public(s.guestTranscript))
	s.mux.Handle("GET /api/v1/reports/satisfaction", s.adminOnly(s.satisfactionReport))
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := queryInt(r, "limit", 20, 100)
	if err != nil {
		return err
	}
	if limit == 0 {
		limit = 20
	}
	hits, err := s.db.Search(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, q.Get("q"), q.Get("before"), int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, hits)
	return nil
}

// Saved replies: everyone keeps their own; admins keep the organization's.

func (s *Server) listSavedReplies(w http.ResponseWriter, r *http.Request) error {
	a := sessionFrom(r.Context()).Agent
	list, err := s.db.SavedReplies(r.Context(), a.OrganizationID, a.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func checkSavedReply(in *model.SavedReplyInput) error {
	var f model.Fields
	in.Title = strings.TrimSpace(in.Title)
	validate.Text(&f, "title", in.Title, 1, 80)
	if strings.TrimSpace(in.Body) == "" {
		f.Add("body", "is required")
	} else if len(in.Body) > model.MaxMessageBytes || !utf8.ValidString(in.Body) || strings.ContainsRune(in.Body, 0) {
		f.Add("body", "must be text of at most 8 KB")
	}
	if err := f.Err(); err != nil {
		return err
	}
	if unknown := model.UnknownVariables(in.Body); len(unknown) > 0 {
		return &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeUnknownVariable,
			Message: "Unknown variable {" + strings.Join(unknown, "}, {") + "}. Use {" + strings.Join(model.ReplyVariables, "}, {") + "}.",
			Fields:  map[string]string{"body": "unknown variable {" + unknown[0] + "}"}}
	}
	return nil
}

// mayKeep refuses organization-wide replies to agents who are not admins.
func mayKeep(a model.Agent, personal bool) error {
	if !personal && a.Role != model.RoleAdmin {
		return &model.Error{Status: http.StatusForbidden, Code: model.CodeForbidden, Message: "Only admins keep the organization's saved replies."}
	}
	return nil
}

func (s *Server) createSavedReply(w http.ResponseWriter, r *http.Request) error {
	var in model.SavedReplyInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a := sessionFrom(r.Context()).Agent
	if err := mayKeep(a, in.Personal); err != nil {
		return err
	}
	if err := checkSavedReply(&in); err != nil {
		return err
	}
	sr, err := s.db.SaveReply(r.Context(), a.OrganizationID, a.ID, 0, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sr)
	return nil
}

func (s *Server) updateSavedReply(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in model.SavedReplyInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a := sessionFrom(r.Context()).Agent
	old, err := s.db.SavedReply(r.Context(), a.OrganizationID, a.ID, id)
	if err != nil {
		return err
	}
	if err := mayKeep(a, old.Personal); err != nil {
		return err
	}
	if err := mayKeep(a, in.Personal); err != nil {
		return err
	}
	if err := checkSavedReply(&in); err != nil {
		return err
	}
	sr, err := s.db.SaveReply(r.Context(), a.OrganizationID, a.ID, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sr)
	return nil
}

func (s *Server) deleteSavedReply(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a := sessionFrom(r.Context()).Agent
	old, err := s.db.SavedReply(r.Context(), a.OrganizationID, a.ID, id)
	if err != nil {
		return err
	}
	if err := mayKeep(a, old.Personal); err != nil {
		return err
	}
	if err := s.db.DeleteSavedReply(r.Context(), a.OrganizationID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Guest context.

func (s *Server) conversationContext(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a := sessionFrom(r.Context()).Agent
	rec, err := s.db.GuestContext(r.Context(), a.OrganizationID, id)
	if err != nil {
		return err
	}
	out := rec.GuestContext
	out.Browser, out.OS = useragent.Parse(rec.UserAgent)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// guestPage records where the visitor is; the widget sends it when the
// conversation starts and whenever the visitor moves to another page.
func (s *Server) guestPage(w http.ResponseWriter, r *http.Request) error {
	acc, err := s.guestAccess(r)
	if err != nil {
		return err
	}
	var in model.PageContext
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var f model.Fields
	validate.URL(&f, "page_url", in.PageURL)
	validate.URL(&f, "start_url", in.StartURL)
	validate.URL(&f, "referrer", in.Referrer)
	validate.Text(&f, "page_title", in.PageTitle, 0, 300)
	if in.PageURL == "" {
		f.Add("page_url", "is required")
	}
	if in.TimeZone != "" {
		validate.TimeZone(&f, "time_zone", in.TimeZone)
	}
	if len(in.Language) > 35 || strings.ContainsFunc(in.Language, func(r rune) bool {
		return !(r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		f.Add("language", "must be a language tag such as de-CH")
	}
	if err := f.Err(); err != nil {
		return err
	}
	ua := r.UserAgent()
	if len(ua) > 512 {
		ua = ua[:512]
	}
	c := acc.Conversation
	if err := s.db.SetPageContext(r.Context(), c.OrganizationID, c.ID, postgres.PageVisit{PageContext: in, UserAgent: strings.ToValidUTF8(ua, "")}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// After resolve: rating and transcript, as the conversation's widget
// offers them.

func (s *Server) widgetOffers(r *http.Request, acc postgres.GuestAccess) (rating, transcript bool) {
	if acc.WidgetID == nil {
		return false, false
	}
	wd, err := s.db.Widget(r.Context(), acc.Conversation.OrganizationID, *acc.WidgetID)
	if err != nil {
		return false, false
	}
	return wd.RatingEnabled, wd.TranscriptEnabled
}

func (s *Server) guestRate(w http.ResponseWriter, r *http.Request) error {
	acc, err := s.guestAccess(r)
	if err != nil {
		return err
	}
	var in model.RatingInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if rating, _ := s.widgetOffers(r, acc); !rating {
		return &model.Error{Status: http.StatusConflict, Code: model.CodeRatingNotAvailable, Message: "This conversation cannot be rated."}
	}
	var f model.Fields
	if in.Score < 1 || in.Score > 5 {
		f.Add("score", "must be a whole number from 1 to 5")
	}
	in.Comment = strings.TrimSpace(in.Comment)
	validate.Text(&f, "comment", in.Comment, 0, model.MaxRatingComment)
	if err := f.Err(); err != nil {
		return err
	}
	rt, err := s.db.Rate(r.Context(), acc.Conversation.OrganizationID, acc.Conversation.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rt)
	return nil
}

func (s *Server) guestTranscript(w http.ResponseWriter, r *http.Request) error {
	acc, err := s.guestAccess(r)
	if err != nil {
		return err
	}
	var in model.TranscriptRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if _, transcript := s.widgetOffers(r, acc); !transcript || s.transcripts == nil {
		return &model.Error{Status: http.StatusConflict, Code: model.CodeTranscriptNotOffered, Message: "A transcript is not offered for this conversation."}
	}
	email := strings.TrimSpace(in.Email)
	if email == "" {
		email = acc.Conversation.Guest.Email
	}
	var f model.Fields
	if email == "" {
		f.Add("email", "is required")
	} else {
		validate.Email(&f, "email", email)
	}
	if err := f.Err(); err != nil {
		return err
	}
	err = s.db.InTx(r.Context(), func(ctx context.Context, tx bun.Tx) error {
		return s.transcripts.EnqueueTranscript(ctx, tx, acc.Conversation.ID, email)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

func (s *Server) satisfactionReport(w http.ResponseWriter, r *http.Request) error {
	days, err := queryInt(r, "days", 30, 365)
	if err != nil {
		return err
	}
	if days == 0 {
		days = 30
	}
	rep, err := s.db.SatisfactionReport(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, int(days))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}
