package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/frontdesk/frontdesk/model"
)

// maxBodyBytes bounds every JSON request body; larger ones get 413.
const maxBodyBytes = 64 << 10

// writeJSON sends v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if v == nil {
		return
	}
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Debug("write response", "err", err)
	}
}

// handlerFunc is an HTTP handler that returns its failure instead of
// writing it; handle writes it in the API's one error shape.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts a handlerFunc to net/http.
func (s *Server) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	}
}

// writeError sends err as the API's error envelope. Errors that are not a
// *model.Error are our fault: they are logged and reported as a bare 500
// so internals never reach the client.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := model.AsError(err)
	if !ok {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		e = &model.Error{Status: http.StatusInternalServerError, Code: model.CodeInternal, Message: "Something went wrong on our side. Please try again."}
	}
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, model.ErrorResponse{Error: e})
}

// decode reads one JSON object into dst, strictly: right media type, bounded
// size, no unknown fields, nothing after the object.
func decode(w http.ResponseWriter, r *http.Request, dst any) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return &model.Error{Status: http.StatusUnsupportedMediaType, Code: model.CodeUnsupportedMedia, Message: "Send the request body as application/json."}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return &model.Error{Status: http.StatusBadRequest, Code: model.CodeInvalidJSON, Message: "The request body must hold a single JSON object."}
	}
	return nil
}

func decodeError(err error) error {
	var (
		tooBig *http.MaxBytesError
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooBig):
		return &model.Error{Status: http.StatusRequestEntityTooLarge, Code: model.CodeBodyTooLarge, Message: fmt.Sprintf("The request body is larger than %d bytes.", tooBig.Limit)}
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &model.Error{Status: http.StatusBadRequest, Code: model.CodeInvalidJSON, Message: "The request body is not valid JSON."}
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return &model.Error{Status: http.StatusBadRequest, Code: model.CodeInvalidJSON, Message: fmt.Sprintf("Field %q has the wrong type: expected %s.", field, typ.Type), Fields: map[string]string{field: "expected " + typ.Type.String()}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &model.Error{Status: http.StatusBadRequest, Code: model.CodeUnknownField, Message: fmt.Sprintf("Unknown field %q.", field), Fields: map[string]string{field: "unknown field"}}
	default:
		return &model.Error{Status: http.StatusBadRequest, Code: model.CodeInvalidJSON, Message: "The request body is not valid JSON."}
	}
}
