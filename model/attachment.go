package model

import (
	"strconv"
	"strings"
)

// Attachment is a file or image sent in a conversation. URL downloads it:
// agents with their session, guests by adding ?token= with the
// conversation's access token. Images have a thumbnail made on the server.
type Attachment struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Size int64  `json:"size"`
	// Type is the media type found in the file's content, never the one
	// its name or the uploader claimed.
	Type         string `json:"type"`
	URL          string `json:"url"`
	ThumbnailURL string `json:"thumbnail_url,omitempty"`
	Width        int    `json:"width,omitempty"`
	Height       int    `json:"height,omitempty"`
}

// IsImage reports whether the file is a raster image shown inline.
func (a Attachment) IsImage() bool { return InlineImageType(a.Type) }

// InlineImageType reports whether files of media type t may be shown in the
// page: raster images only, never SVG (which can carry script) or HTML.
func InlineImageType(t string) bool {
	switch t {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}

// FilePath is where attachment id is downloaded.
func FilePath(id int64) string { return "/api/v1/files/" + strconv.FormatInt(id, 10) }

// ThumbnailPath is where attachment id's thumbnail is.
func ThumbnailPath(id int64) string { return FilePath(id) + "/thumbnail" }

// GuestURL is u for a guest holding the conversation's access token.
func GuestURL(u, token string) string {
	if u == "" {
		return ""
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + "token=" + token
}

// FileSize formats a size for people: "950 B", "12 KB", "3.4 MB".
func FileSize(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1000*1000:
		return strconv.FormatInt((n+500)/1000, 10) + " KB"
	default:
		tenths := (n + 50_000) / 100_000
		return strconv.FormatInt(tenths/10, 10) + "." + strconv.FormatInt(tenths%10, 10) + " MB"
	}
}

// MaxAttachmentsPerMessage bounds the files one message carries.
const MaxAttachmentsPerMessage = 10
