package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// queryInt reads a non-negative integer query parameter.
func queryInt(r *http.Request, name string, def, max int64) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > max {
		return 0, &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeValidation, Message: "Invalid query parameter " + name + ".",
			Fields: map[string]string{name: "must be a whole number from 0 to " + strconv.FormatInt(max, 10)}}
	}
	return n, nil
}

func (s *Server) listConversations(w http.ResponseWriter, r *http.Request) error {
	sess := sessionFrom(r.Context())
	view := postgres.View(r.URL.Query().Get("view"))
	if view == "" {
		view = postgres.ViewOpen
	}
	service, err := queryInt(r, "service", 0, 1<<53)
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 100, 500)
	if err != nil {
		return err
	}
	list, err := s.db.Conversations(r.Context(), sess.Agent, view, service, int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) getConversation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sess := sessionFrom(r.Context())
	c, err := s.db.Conversation(r.Context(), sess.Agent.OrganizationID, id, sess.Agent.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// conversationMessages answers GET …/messages?after=SEQ&limit=N for agents
// and guests alike once the conversation is known; read is what the caller
// may see (guests: no private notes).
func (s *Server) conversationMessages(w http.ResponseWriter, r *http.Request, orgID, convID int64,
	read func(ctx context.Context, orgID, convID, after int64, limit int) ([]model.Message, error)) error {
	after, err := queryInt(r, "after", 0, 1<<53)
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 200, 1000)
	if err != nil {
		return err
	}
	msgs, err := read(r.Context(), orgID, convID, after, int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, msgs)
	return nil
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sess := sessionFrom(r.Context())
	if _, err := s.db.Conversation(r.Context(), sess.Agent.OrganizationID, id, sess.Agent.ID); err != nil {
		return err
	}
	return s.conversationMessages(w, r, sess.Agent.OrganizationID, id, s.db.Messages)
}

// postMessage stores a message and answers 201, or 200 with the stored
// message when the client id was used before.
func (s *Server) postMessage(w http.ResponseWriter, r *http.Request, orgID, convID int64, author postgres.Author) error {
	var in model.SendMessage
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Private && author.Kind != model.AuthorAgent {
		return (model.Fields{"private": "guests cannot write private notes"}).Err()
	}
	res, err := s.db.Post(r.Context(), orgID, convID, postgres.NewMessage{
		Author: author, ClientID: in.ClientID, Body: in.Body, AttachmentIDs: in.AttachmentIDs, Private: in.Private})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if res.Duplicate {
		status = http.StatusOK
	}
	writeJSON(w, status, res.Message)
	return nil
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a := sessionFrom(r.Context()).Agent
	return s.postMessage(w, r, a.OrganizationID, id, postgres.Author{Kind: model.AuthorAgent, ID: &a.ID, Name: a.Name})
}

func (s *Server) patchConversation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in model.ConversationPatch
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Status == nil || !in.Status.Valid() {
		return (model.Fields{"status": "must be open, pending or resolved"}).Err()
	}
	c, err := s.db.SetStatus(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, id, *in.Status)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) markRead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in model.ReadMarker
	if err := decode(w, r, &in); err != nil {
		return err
	}
	sess := sessionFrom(r.Context())
	if _, err := s.db.Conversation(r.Context(), sess.Agent.OrganizationID, id, sess.Agent.ID); err != nil {
		return err
	}
	if err := s.db.MarkRead(r.Context(), sess.Agent.OrganizationID, id, sess.Agent.ID, in.Seq); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) agentSocket(w http.ResponseWriter, r *http.Request) error {
	if s.hub == nil {
		return &model.Error{Status: http.StatusServiceUnavailable, Code: model.CodeUnavailable, Message: "Live updates are not available."}
	}
	s.hub.ServeAgent(w, r, sessionFrom(r.Context()))
	return nil
}

func (s *Server) assign(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in model.AssignRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	sess := sessionFrom(r.Context())
	c, err := s.db.Assign(r.Context(), postgres.Assignment{
		OrganizationID: sess.Agent.OrganizationID, ConversationID: id, By: sess.Agent,
		ServiceID: in.ServiceID, AssigneeID: in.AssigneeID, Leave: in.Leave,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
