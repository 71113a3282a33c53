package app

import (
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/model"
)

func TestPreview(t *testing.T) {
	long := strings.Repeat("é", 150)
	tests := []struct{ in, want string }{
		{"  Hello\n\n  there\t!", "Hello there !"},
		{"", ""},
		{long, strings.Repeat("é", 140) + "…"},
		{strings.Repeat("a", 140), strings.Repeat("a", 140)},
	}
	for _, tt := range tests {
		if got := preview(tt.in); got != tt.want {
			t.Errorf("preview(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestInitials(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Maria Rossi", "MR"},
		{"élodie de la Tour", "ÉD"},
		{"Guest", "G"},
		{"  ", "?"},
		{"(Bob) Smith", "S"},
	}
	for _, tt := range tests {
		if got := initials(tt.in); got != tt.want {
			t.Errorf("initials(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestListTime(t *testing.T) {
	now := time.Date(2030, 6, 14, 15, 30, 0, 0, time.UTC) // a Friday
	tests := []struct {
		at   time.Time
		want string
	}{
		{now.Add(-2 * time.Hour), "13:30"},
		{now.Add(-26 * time.Hour), "Thu"},
		{now.Add(-10 * 24 * time.Hour), "4 Jun"},
		{time.Date(2029, 12, 31, 8, 0, 0, 0, time.UTC), "31 Dec 2029"},
		{time.Time{}, ""},
	}
	for _, tt := range tests {
		if got := listTime(tt.at, now); got != tt.want {
			t.Errorf("listTime(%v) = %q, want %q", tt.at, got, tt.want)
		}
	}
}

func TestGuestNameAndTags(t *testing.T) {
	c := model.Conversation{Tags: []model.Tag{{Kind: "company", Label: "Acme"}, {Kind: "service", Label: "Sales"}}}
	if guestName(c) != "Guest" || serviceTag(c) != "Sales" {
		t.Errorf("guestName %q, serviceTag %q", guestName(c), serviceTag(c))
	}
	c.Guest.Name = " Ana "
	if guestName(c) != "Ana" {
		t.Errorf("guestName = %q", guestName(c))
	}
}

func TestNewClientID(t *testing.T) {
	a, b := newClientID(), newClientID()
	if len(a) != 22 || a == b || strings.ContainsAny(a, "+/=") {
		t.Errorf("client ids %q, %q: want distinct 22-character base64url", a, b)
	}
}

func TestOpenConversation(t *testing.T) {
	tests := []struct {
		path string
		want int64
	}{
		{"/c/42", 42},
		{"/", 0},
		{"/c/", 0},
		{"/c/-1", 0},
		{"/c/x", 0},
		{conversationPath(9007199254740993), 9007199254740993},
	}
	for _, tt := range tests {
		if got := openConversation(tt.path); got != tt.want {
			t.Errorf("openConversation(%q) = %d, want %d", tt.path, got, tt.want)
		}
	}
}
