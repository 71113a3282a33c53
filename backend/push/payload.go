package push

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/frontdesk/frontdesk/model"
)

// Payload is one notification, in the JSON shape go-app v10's service worker
// (app-worker.js) expects on a push event. The worker parses event.data as
// JSON and calls
//
//	registration.showNotification(title || "Notification", {
//	  body, icon, badge, actions,
//	  data: {goapp: {path, actions}},
//	})
//
// and a click on the notification focuses an open window of the app and
// navigates it to path, or opens path in a new one. The field names are
// those of go-app's app.Notification; the worker ignores its other fields.
type Payload struct {
	Title string `json:"title"`
	Body  string `json:"body,omitempty"`
	// Path is where a click leads, within the app ("/c/42"); "/" when empty.
	Path string `json:"path"`
	// Icon and Badge are image URLs ("/web/icon-192.png").
	Icon  string `json:"icon,omitempty"`
	Badge string `json:"badge,omitempty"`
	// Tag names what the notification is about ("conversation-42"). go-app's
	// stock worker does not pass it on to showNotification, but the sender
	// also derives the push Topic from it, so a device that was offline gets
	// only the latest of the pushes with one tag.
	Tag string `json:"tag,omitempty"`
}

// Size limits. A push service takes 4096 bytes, of which webpush-go's
// encryption header, padding delimiter and tag leave 3993 for the JSON; a
// notification shows a few lines anyway, so long text is cut well before.
const (
	maxPayloadBytes = 3072
	maxTitleRunes   = 120
	maxBodyRunes    = 400
	maxURLBytes     = 1000
	maxTagBytes     = 200
)

// Validate reports what is wrong with p, as per-field problems.
func (p Payload) Validate() error {
	var f model.Fields
	if strings.TrimSpace(p.Title) == "" {
		f.Add("title", "required")
	}
	if p.Path != "" && (!strings.HasPrefix(p.Path, "/") || strings.HasPrefix(p.Path, "//")) {
		f.Add("path", "must be a path within the app, such as /c/42")
	}
	for field, v := range map[string]string{"path": p.Path, "icon": p.Icon, "badge": p.Badge} {
		if len(v) > maxURLBytes {
			f.Add(field, fmt.Sprintf("at most %d bytes", maxURLBytes))
		}
	}
	if len(p.Tag) > maxTagBytes {
		f.Add("tag", fmt.Sprintf("at most %d bytes", maxTagBytes))
	}
	return f.Err()
}

// encode returns the JSON to encrypt: long text is shortened (with an
// ellipsis) rather than refused, since a cut-off preview is still a useful
// notification.
func (p Payload) encode() ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("push: payload: %w", err)
	}
	if p.Path == "" {
		p.Path = "/"
	}
	p.Title = truncate(p.Title, maxTitleRunes)
	p.Body = truncate(p.Body, maxBodyRunes)
	for {
		b, err := json.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("push: encode payload: %w", err)
		}
		if len(b) <= maxPayloadBytes {
			return b, nil
		}
		if p.Body == "" {
			return nil, fmt.Errorf("push: payload of %d bytes exceeds %d even without a body", len(b), maxPayloadBytes)
		}
		// Escaping can make a short text long in JSON; halve until it fits.
		p.Body = truncate(p.Body, utf8.RuneCountInString(p.Body)/2)
	}
}

// topic is the push Topic header for tag: at most 32 characters of the
// base64url alphabet (RFC 8030 section 5.4), which a hash always is. It is
// empty without a tag.
func topic(tag string) string {
	if tag == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(tag))
	return base64.RawURLEncoding.EncodeToString(sum[:])[:32]
}

// truncate shortens s to at most n runes, ending it with an ellipsis when
// it was cut.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return ""
	}
	i, count := 0, 0
	for i = range s {
		if count == n-1 {
			break
		}
		count++
	}
	return strings.TrimRightFunc(s[:i], func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' }) + "…"
}
