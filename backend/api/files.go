package api

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/frontdesk/frontdesk/backend/attachments"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// SetAttachments connects file uploads and downloads.
func (s *Server) SetAttachments(a *attachments.Service) { s.files = a }

func (s *Server) fileRoutes() {
	s.mux.Handle("POST /api/v1/conversations/{id}/files", s.agentOnly(s.agentUpload))
	s.mux.Handle("POST /api/v1/public/conversations/{token}/files", s.public(s.guestUpload))
	// Agents download with their session, guests with ?token=: one URL
	// for both, so a message reads the same on either side.
	s.mux.Handle("GET /api/v1/files/{id}", s.handle(s.download(false)))
	s.mux.Handle("GET /api/v1/files/{id}/thumbnail", s.handle(s.download(true)))
}

func (s *Server) agentUpload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a := sessionFrom(r.Context()).Agent
	if _, err := s.db.Conversation(r.Context(), a.OrganizationID, id, a.ID); err != nil {
		return err
	}
	att, err := s.upload(w, r, a.OrganizationID, id, postgres.Author{Kind: model.AuthorAgent, ID: &a.ID, Name: a.Name})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, att)
	return nil
}

func (s *Server) guestUpload(w http.ResponseWriter, r *http.Request) error {
	acc, err := s.guestAccess(r)
	if err != nil {
		return err
	}
	c := acc.Conversation
	att, err := s.upload(w, r, c.OrganizationID, c.ID, postgres.Author{Kind: model.AuthorGuest, Name: c.Guest.Name})
	if err != nil {
		return err
	}
	att.URL, att.ThumbnailURL = model.GuestURL(att.URL, acc.Token), model.GuestURL(att.ThumbnailURL, acc.Token)
	writeJSON(w, http.StatusCreated, att)
	return nil
}

// upload reads the multipart field "file" and stores it. The part is
// streamed: nothing larger than the limit is ever held.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, orgID, convID int64, by postgres.Author) (model.Attachment, error) {
	if s.files == nil {
		return model.Attachment{}, &model.Error{Status: http.StatusServiceUnavailable, Code: model.CodeUnavailable, Message: "File uploads are not available."}
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "multipart/form-data" {
		return model.Attachment{}, &model.Error{Status: http.StatusUnsupportedMediaType, Code: model.CodeUnsupportedMedia,
			Message: "Send the file as multipart/form-data in the field \"file\"."}
	}
	max := s.files.MaxSize
	if max <= 0 {
		max = attachments.DefaultMaxSize
	}
	if r.ContentLength > max+64<<10 {
		return model.Attachment{}, attachments.TooLarge(max)
	}
	r.Body = http.MaxBytesReader(w, r.Body, max+64<<10) // the file and the form around it
	mr, err := r.MultipartReader()
	if err != nil {
		return model.Attachment{}, &model.Error{Status: http.StatusBadRequest, Code: model.CodeValidation, Message: "The upload is not a valid multipart form."}
	}
	for {
		part, err := mr.NextPart()
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return model.Attachment{}, attachments.TooLarge(max)
		case errors.Is(err, io.EOF):
			return model.Attachment{}, &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeValidation,
				Message: "Send the file in the field \"file\".", Fields: map[string]string{"file": "is required"}}
		case err != nil:
			return model.Attachment{}, &model.Error{Status: http.StatusBadRequest, Code: model.CodeValidation,
				Message: "The upload is not a valid multipart form."}
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		// The name exactly as sent: Part.FileName would quietly drop a
		// path, which CheckName refuses instead.
		_, params, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		att, err := s.files.Upload(r.Context(), orgID, convID, by, params["filename"], part)
		part.Close()
		return att, err
	}
}

// download serves a file to an agent of its organization, or to a guest
// holding its conversation's token. Everyone else gets the same 404.
func (s *Server) download(thumb bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.files == nil {
			return &model.Error{Status: http.StatusNotFound, Code: model.CodeNotFound, Message: "File not found."}
		}
		id, err := pathID(r)
		if err != nil {
			return err
		}
		notFound := &model.Error{Status: http.StatusNotFound, Code: model.CodeNotFound, Message: "File not found."}
		var f postgres.AttachmentFile
		if r.URL.Query().Has("token") {
			if ok, wait := s.guests.Allow(s.clientIP(r)); !ok {
				s.rateLimited(w, r, wait)
				return nil
			}
			acc, err := s.guestAccess(r)
			if err != nil {
				return notFound
			}
			if f, err = s.db.AttachmentFileAnyOrg(r.Context(), id); err != nil {
				return notFound
			}
			if f.ConversationID != acc.Conversation.ID {
				return notFound
			}
			if ok, err := s.db.GuestMayRead(r.Context(), f); err != nil || !ok {
				return notFound
			}
		} else {
			sess, err := s.Authenticate(r)
			if err != nil {
				return err
			}
			if f, err = s.db.AttachmentFile(r.Context(), sess.Agent.OrganizationID, id); err != nil {
				return err
			}
		}
		return s.files.Serve(w, r, f, thumb)
	}
}
