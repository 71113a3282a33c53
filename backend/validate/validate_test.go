package validate

import (
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/model"
)

func TestChecks(t *testing.T) {
	tests := []struct {
		name  string
		check func(*model.Fields)
		ok    bool
	}{
		{"name", func(f *model.Fields) { Text(f, "x", "Anna", 1, 200) }, true},
		{"blank name", func(f *model.Fields) { Text(f, "x", "   ", 1, 200) }, false},
		{"long name", func(f *model.Fields) { Text(f, "x", strings.Repeat("é", 201), 1, 200) }, false},
		{"control character", func(f *model.Fields) { Text(f, "x", "a\x00b", 1, 200) }, false},
		{"newline allowed", func(f *model.Fields) { Text(f, "x", "a\nb", 0, 200) }, true},
		{"invalid UTF-8", func(f *model.Fields) { Text(f, "x", "a\xffb", 0, 200) }, false},
		{"email", func(f *model.Fields) { Email(f, "x", "anna@example.com") }, true},
		{"email with name", func(f *model.Fields) { Email(f, "x", "Anna <anna@example.com>") }, false},
		{"email without dot", func(f *model.Fields) { Email(f, "x", "anna@localhost") }, false},
		{"slug", func(f *model.Fields) { Slug(f, "x", "anna-2") }, true},
		{"slug upper", func(f *model.Fields) { Slug(f, "x", "Anna") }, false},
		{"slug dash end", func(f *model.Fields) { Slug(f, "x", "anna-") }, false},
		{"zone", func(f *model.Fields) { TimeZone(f, "x", "Asia/Kolkata") }, true},
		{"zone local", func(f *model.Fields) { TimeZone(f, "x", "Local") }, false},
		{"zone unknown", func(f *model.Fields) { TimeZone(f, "x", "Mars/Base") }, false},
		{"url", func(f *model.Fields) { URL(f, "x", "https://example.com/a.png") }, true},
		{"url javascript", func(f *model.Fields) { URL(f, "x", "javascript:alert(1)") }, false},
		{"password", func(f *model.Fields) { Password(f, "x", "long enough secret") }, true},
		{"short password", func(f *model.Fields) { Password(f, "x", "short") }, false},
		{"origin", func(f *model.Fields) { Origin(f, "x", "https://www.example.com") }, true},
		{"origin with path", func(f *model.Fields) { Origin(f, "x", "https://www.example.com/shop") }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f model.Fields
			tt.check(&f)
			if ok := f.Err() == nil; ok != tt.ok {
				t.Fatalf("ok = %v, want %v (%v)", ok, tt.ok, f)
			}
		})
	}
}
