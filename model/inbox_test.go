package model

import (
	"slices"
	"testing"
)

func TestUnknownVariables(t *testing.T) {
	for _, tt := range []struct {
		body string
		want []string
	}{
		{"Hi {guest.first_name}, I am {agent.name}: {agent.link}", nil},
		{"Hi {guest.nickname} and {guest.nickname} {foo}", []string{"guest.nickname", "foo"}},
		{`JSON {"a": 1} and { spaced } and {} and {1abc} and {a..b} and {a.}`, nil},
		{"{agent.name}{guest.NAME}", []string{"guest.NAME"}},
		{"unclosed {guest.name", nil},
	} {
		if got := UnknownVariables(tt.body); !slices.Equal(got, tt.want) {
			t.Errorf("UnknownVariables(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestFillReply(t *testing.T) {
	vals := map[string]string{"guest.name": "Jürgen Müller", "guest.first_name": "Jürgen", "agent.name": "Anna", "agent.link": "https://x/l/anna", "secret": "no"}
	for _, tt := range []struct{ body, want string }{
		{"Hi {guest.first_name}!", "Hi Jürgen!"},
		{"{agent.name} ({agent.link}) for {guest.name}", "Anna (https://x/l/anna) for Jürgen Müller"},
		{"{secret} {unknown} {guest.first_name}", "{secret} {unknown} Jürgen"},
		{"no placeholders {", "no placeholders {"},
	} {
		if got := FillReply(tt.body, vals); got != tt.want {
			t.Errorf("FillReply(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestMentionedSlugs(t *testing.T) {
	for _, tt := range []struct {
		body string
		want []string
	}{
		{"@anna please look, cc @Ben-Carter.", []string{"anna", "ben-carter"}},
		{"mail ada@example.com or @ada", []string{"ada"}},
		{"@anna @anna (@chiara) x@y _@z .@w", []string{"anna", "chiara"}},
		{"@ alone, @- and @anna-", []string{"anna"}},
		{"", nil},
	} {
		if got := MentionedSlugs(tt.body); !slices.Equal(got, tt.want) {
			t.Errorf("MentionedSlugs(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestFileSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1 KB", 12_345: "12 KB", 3_449_999: "3.4 MB", 10 << 20: "10.5 MB"} {
		if got := FileSize(n); got != want {
			t.Errorf("FileSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestGuestURL(t *testing.T) {
	if got := GuestURL("/api/v1/files/3", "tok"); got != "/api/v1/files/3?token=tok" {
		t.Error(got)
	}
	if got := GuestURL("/a?x=1", "tok"); got != "/a?x=1&token=tok" {
		t.Error(got)
	}
	if GuestURL("", "tok") != "" {
		t.Error("empty URL gained a token")
	}
}
