// Package validate checks what people type: names, emails, slugs, time zones,
// URLs. Each check adds a readable problem to a model.Fields, so a handler
// lists every check and returns all problems at once.
package validate

import (
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/frontdesk/frontdesk/backend/password"
	"github.com/frontdesk/frontdesk/model"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$`)

// Text validates a human-entered string: trimmed length in runes within
// [min, max] and no control characters.
func Text(f *model.Fields, field, v string, min, max int) {
	n := utf8.RuneCountInString(strings.TrimSpace(v))
	switch {
	case !utf8.ValidString(v):
		f.Add(field, "must be valid UTF-8")
	case n < min && min == 1:
		f.Add(field, "is required")
	case n < min:
		f.Add(field, "is too short")
	case utf8.RuneCountInString(v) > max:
		f.Add(field, "is too long")
	case strings.IndexFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0:
		f.Add(field, "must not contain control characters")
	}
}

func Email(f *model.Fields, field, v string) {
	if len(v) > 254 {
		f.Add(field, "is too long")
		return
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || !strings.Contains(v[strings.LastIndexByte(v, '@')+1:], ".") {
		f.Add(field, "must be an email address like name@example.com")
	}
}

func Slug(f *model.Fields, field, v string) {
	if !slugPattern.MatchString(v) {
		f.Add(field, "must be 1–64 lowercase letters, digits or dashes, not starting or ending with a dash")
	}
}

// TimeZone accepts IANA names only: "Local" and empty would silently
// mean the server's zone.
func TimeZone(f *model.Fields, field, v string) {
	if v == "" || v == "Local" || len(v) > 64 {
		f.Add(field, "must be an IANA time zone such as Europe/Berlin")
		return
	}
	if _, err := time.LoadLocation(v); err != nil {
		f.Add(field, "must be an IANA time zone such as Europe/Berlin")
	}
}

func URL(f *model.Fields, field, v string) {
	if v == "" {
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(v) > 2000 {
		f.Add(field, "must be an http(s) URL")
	}
}

// Password applies the password rules (package password): length and the
// list of common passwords.
func Password(f *model.Fields, field, v string) {
	if p := password.Check(v); p != password.OK {
		f.Add(field, p.Message())
	}
}

// Origin accepts a website origin such as https://www.example.com.
func Origin(f *model.Fields, field, v string) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil || len(v) > 300 {
		f.Add(field, "must be an origin like https://www.example.com")
	}
}
