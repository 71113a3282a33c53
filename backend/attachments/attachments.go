// Package attachments takes files and images into conversations: it checks
// an upload (size, name, type by content), makes thumbnails of images,
// keeps the bytes in a blobstore.Store and the description in PostgreSQL,
// serves them back, and removes files nobody sent.
//
// An upload is recorded before its blob is written and marked stored after,
// so a crash at any point leaves a row the cleanup job finds; a message
// claims its files in the transaction that stores it (postgres.PostTx), so
// a message is committed only once its files are stored. Rows deleted for
// any reason — never sent, a conversation or guest erased — put their blob
// keys in a trash table that the cleanup job empties from the store.
package attachments

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"

	"github.com/frontdesk/frontdesk/backend/blobstore"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// DefaultMaxSize is the largest file taken when FRONTDESK_MAX_UPLOAD is unset.
const DefaultMaxSize = 10 << 20

// UnsentAfter is how long an upload may wait for its message before the
// cleanup job removes it.
const UnsentAfter = 24 * time.Hour

// Service stores and serves attachments.
type Service struct {
	DB    *postgres.DB
	Store blobstore.Store
	// MaxSize bounds one file, in bytes; DefaultMaxSize when 0.
	MaxSize int64
	// TempDir holds uploads while they are checked; the system's when empty.
	TempDir string
	// BaseURL makes the links of exports absolute.
	BaseURL *url.URL
	Log     *slog.Logger
}

func (s *Service) maxSize() int64 {
	if s.MaxSize > 0 {
		return s.MaxSize
	}
	return DefaultMaxSize
}

// allowed are the types taken, found by content, with the extensions a
// name may end in (the first is added to names that end otherwise).
// Everything else — HTML, SVG, scripts, executables, unknown binaries — is
// refused.
var allowed = map[string][]string{
	"image/png":        {".png"},
	"image/jpeg":       {".jpg", ".jpeg", ".jpe"},
	"image/gif":        {".gif"},
	"image/webp":       {".webp"},
	"application/pdf":  {".pdf"},
	"text/plain":       {".txt", ".log", ".md", ".text"},
	"text/csv":         {".csv"},
	"application/json": {".json"},
	"application/zip":  {".zip"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   {".docx"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         {".xlsx"},
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": {".pptx"},
	"application/vnd.oasis.opendocument.text":                                   {".odt"},
	"application/vnd.oasis.opendocument.spreadsheet":                            {".ods"},
	"application/vnd.oasis.opendocument.presentation":                           {".odp"},
	"application/msword":            {".doc"},
	"application/vnd.ms-excel":      {".xls"},
	"application/vnd.ms-powerpoint": {".ppt"},
	"audio/mpeg":                    {".mp3"},
	"audio/wav":                     {".wav"},
	"audio/ogg":                     {".ogg", ".oga"},
	"video/mp4":                     {".mp4", ".m4v"},
	"video/quicktime":               {".mov"},
	"video/webm":                    {".webm"},
}

// Upload checks a file and stores it for conversation convID of orgID. It
// returns the stored attachment, to be sent with a message; errors the
// uploader caused are *model.Error with codes file_too_large (413),
// file_type_refused (415), file_empty and file_name_invalid (422).
func (s *Service) Upload(ctx context.Context, orgID, convID int64, by postgres.Author, name string, r io.Reader) (model.Attachment, error) {
	name, err := CheckName(name)
	if err != nil {
		return model.Attachment{}, err
	}
	tmp, size, err := s.spool(r)
	if err != nil {
		return model.Attachment{}, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()

	mtype, err := mimetype.DetectReader(tmp)
	if err != nil {
		return model.Attachment{}, fmt.Errorf("attachments: detect type: %w", err)
	}
	ctype, exts := typeOf(mtype)
	if exts == nil {
		return model.Attachment{}, &model.Error{Status: http.StatusUnsupportedMediaType, Code: model.CodeFileTypeRefused,
			Message: fmt.Sprintf("Files of this type (%s) cannot be sent. Send images, PDF, text or office documents.", mtype.String())}
	}
	name = withExtension(name, exts)

	var thumb *thumbnail
	if model.InlineImageType(ctype) {
		if thumb, err = makeThumbnail(tmp, ctype); err != nil {
			return model.Attachment{}, err
		}
	}

	key := blobKey(orgID, convID)
	in := postgres.NewAttachment{OrganizationID: orgID, ConversationID: convID, Uploader: by, Name: name,
		ContentType: ctype, Size: size, BlobKey: key}
	if thumb != nil {
		in.ThumbKey, in.Width, in.Height = key+"-thumb", thumb.width, thumb.height
	}
	att, err := s.DB.AddAttachment(ctx, in)
	if err != nil {
		return model.Attachment{}, err
	}
	if err := s.put(ctx, tmp, size, in, thumb); err != nil {
		// The row goes, and its keys to the trash: the cleanup job removes
		// whatever part of the blobs was written.
		if derr := s.DB.DeleteAttachment(context.WithoutCancel(ctx), orgID, att.ID); derr != nil {
			s.log().Error("forget failed upload", "attachment", att.ID, "err", derr)
		}
		return model.Attachment{}, err
	}
	if err := s.DB.StoredAttachment(ctx, orgID, att.ID); err != nil {
		return model.Attachment{}, err
	}
	return att, nil
}

func (s *Service) put(ctx context.Context, f *os.File, size int64, in postgres.NewAttachment, thumb *thumbnail) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("attachments: %w", err)
	}
	if err := s.Store.Put(ctx, in.BlobKey, f, size, in.ContentType); err != nil {
		return err
	}
	if thumb != nil {
		if err := s.Store.Put(ctx, in.ThumbKey, bytes.NewReader(thumb.data), int64(len(thumb.data)), thumb.contentType); err != nil {
			return err
		}
	}
	return nil
}

// spool copies the upload to a temporary file, refusing empty and
// oversized ones before storing anything.
func (s *Service) spool(r io.Reader) (*os.File, int64, error) {
	f, err := os.CreateTemp(s.TempDir, "frontdesk-upload-*")
	if err != nil {
		return nil, 0, fmt.Errorf("attachments: %w", err)
	}
	max := s.maxSize()
	n, err := io.Copy(f, io.LimitReader(r, max+1))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig) || n > max:
		err = TooLarge(max)
	case err != nil:
		err = &model.Error{Status: http.StatusBadRequest, Code: model.CodeValidation, Message: "The upload was interrupted. Please try again."}
	case n == 0:
		err = &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeFileEmpty, Message: "The file is empty.",
			Fields: map[string]string{"file": "is empty"}}
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, 0, err
	}
	return f, n, nil
}

// TooLarge is the error for a file over max bytes.
func TooLarge(max int64) error {
	return &model.Error{Status: http.StatusRequestEntityTooLarge, Code: model.CodeFileTooLarge,
		Message: fmt.Sprintf("The file is larger than %s.", model.FileSize(max))}
}

// typeOf is the allowed type mtype is (itself or, for subtypes the
// detector knows more precisely, the nearest allowed parent) and its
// extensions; nil extensions when it is not allowed.
func typeOf(mtype *mimetype.MIME) (string, []string) {
	for m := mtype; m != nil; m = m.Parent() {
		base, _, _ := strings.Cut(m.String(), ";")
		if exts, ok := allowed[base]; ok {
			return base, exts
		}
		// Only plain-text refinements may fall back to a parent: a text
		// format that is not allowed (HTML, SVG, scripts) is refused, not
		// taken as text.
		if base != "text/plain" && strings.HasPrefix(base, "text/") || strings.Contains(base, "xml") || strings.Contains(base, "html") {
			return "", nil
		}
	}
	return "", nil
}

// withExtension makes name end in one of exts, so it opens with the right
// program whatever the uploader called it.
func withExtension(name string, exts []string) string {
	ext := strings.ToLower(path.Ext(name))
	for _, e := range exts {
		if ext == e {
			return name
		}
	}
	if len(name)+len(exts[0]) > 255 {
		name = truncateUTF8(name, 255-len(exts[0]))
	}
	return name + exts[0]
}

// CheckName validates a file's name as sent by the browser and returns it
// trimmed. Names with path separators, control or direction-changing
// characters are refused rather than cleaned: a browser never sends them.
func CheckName(name string) (string, error) {
	bad := func(msg string) error {
		return &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeFileNameInvalid,
			Message: "The file name " + msg + ".", Fields: map[string]string{"file": "name " + msg}}
	}
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", bad("is missing")
	case !utf8.ValidString(name):
		return "", bad("is not valid text")
	case len(name) > 255:
		return "", bad("is longer than 255 bytes")
	case strings.ContainsAny(name, `/\`):
		return "", bad("must not contain / or \\")
	case name == "." || name == "..":
		return "", bad("is not a file name")
	case strings.ContainsFunc(name, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }):
		return "", bad("must not contain control characters")
	}
	return name, nil
}

func truncateUTF8(s string, n int) string {
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// blobKey is a fresh random key, grouped by organization and conversation
// so an operator can find a tenant's files.
func blobKey(orgID, convID int64) string {
	b := make([]byte, 16)
	rand.Read(b) //nolint:errcheck // never fails on Linux
	return fmt.Sprintf("o%d/c%d/%s", orgID, convID, hex.EncodeToString(b))
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}
