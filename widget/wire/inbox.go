package wire

// Attachment is a file in a message (model.Attachment). Its URLs need the
// conversation's token added (?token=) before the visitor can open them.
type Attachment struct {
	ID           int64
	Name         string
	Size         int64
	Type         string
	URL          string
	ThumbnailURL string
	Width        int64
	Height       int64
}

func (a *Attachment) Decode(v Value) {
	a.ID = v.Get("id").Int()
	a.Name = v.Get("name").Str()
	a.Size = v.Get("size").Int()
	a.Type = v.Get("type").Str()
	a.URL = v.Get("url").Str()
	a.ThumbnailURL = v.Get("thumbnail_url").Str()
	a.Width = v.Get("width").Int()
	a.Height = v.Get("height").Int()
}

// IsImage reports whether the file is a raster image shown inline
// (model.InlineImageType).
func (a Attachment) IsImage() bool {
	switch a.Type {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return a.ThumbnailURL != ""
	}
	return false
}

// Rating is the guest's satisfaction with a resolved conversation
// (model.Rating).
type Rating struct {
	Score     int64
	Comment   string
	UpdatedAt string // RFC 3339
}

func (r *Rating) Decode(v Value) {
	r.Score = v.Get("score").Int()
	r.Comment = v.Get("comment").Str()
	r.UpdatedAt = v.Get("updated_at").Str()
}

// RatingInput rates a conversation (model.RatingInput).
type RatingInput struct {
	Score   int64
	Comment string
}

func (r RatingInput) Encode() map[string]any {
	return map[string]any{"score": r.Score, "comment": r.Comment}
}

// TranscriptRequest asks for the transcript by email
// (model.TranscriptRequest); an empty Email uses the one the guest gave.
type TranscriptRequest struct {
	Email string
}

func (r TranscriptRequest) Encode() map[string]any { return map[string]any{"email": r.Email} }

// PageContext says where the visitor is on the host site
// (model.PageContext).
type PageContext struct {
	PageURL   string
	PageTitle string
	StartURL  string
	Referrer  string
	TimeZone  string
	Language  string
}

func (p PageContext) Encode() map[string]any {
	obj := map[string]any{"page_url": p.PageURL, "page_title": p.PageTitle}
	set(obj, "start_url", p.StartURL)
	set(obj, "referrer", p.Referrer)
	set(obj, "time_zone", p.TimeZone)
	set(obj, "language", p.Language)
	return obj
}

// Error codes of files (model.CodeFileTooLarge…).
const (
	CodeFileTooLarge    = "file_too_large"
	CodeFileTypeRefused = "file_type_refused"
)
