package attachments

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/frontdesk/frontdesk/backend/blobstore"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// Serve writes a file, or its thumbnail, to a reader the caller has
// authorised. Raster images are shown in the page; everything else is
// downloaded (Content-Disposition: attachment), and nothing is ever
// interpreted by the browser: nosniff, and a sandboxing CSP in case a file
// is opened directly.
func (s *Service) Serve(w http.ResponseWriter, r *http.Request, f postgres.AttachmentFile, thumb bool) error {
	key, ctype := f.BlobKey, f.Type
	if thumb {
		if f.ThumbKey == "" {
			return &model.Error{Status: http.StatusNotFound, Code: model.CodeNotFound, Message: "This file has no thumbnail."}
		}
		key, ctype = f.ThumbKey, "image/jpeg"
		if f.Type == "image/png" || f.Type == "image/gif" {
			ctype = "image/png"
		}
	}
	rc, err := s.Store.Get(r.Context(), key)
	if errors.Is(err, blobstore.ErrNotFound) {
		return &model.Error{Status: http.StatusNotFound, Code: model.CodeNotFound, Message: "File not found."}
	}
	if err != nil {
		return err
	}
	defer rc.Close()

	disposition := "attachment"
	if model.InlineImageType(ctype) {
		disposition = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	// A file never changes; only its reader's right to it may, so it is
	// kept in the reader's own cache only.
	h.Set("Cache-Control", "private, max-age=86400")
	if rs, ok := rc.(io.ReadSeeker); ok {
		http.ServeContent(w, r, "", time.Time{}, rs) // ranges for video and large PDFs
		return nil
	}
	if !thumb {
		h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	}
	_, err = io.Copy(w, rc)
	if err != nil {
		s.log().Debug("send file", "attachment", f.ID, "err", err)
	}
	return nil
}
