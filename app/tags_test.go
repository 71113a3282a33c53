package app

import (
	"testing"

	"github.com/frontdesk/frontdesk/model"
)

func TestCompanyTag(t *testing.T) {
	c := model.Conversation{Tags: []model.Tag{
		{Kind: "service", Label: "Sales"},
		{Kind: "company", Label: "Acme", URL: "https://app.hubspot.com/contacts/1/company/2"},
	}}
	tag, ok := companyTag(c)
	if !ok || tag.Label != "Acme" || tag.URL == "" {
		t.Errorf("companyTag = %+v, %v; want Acme with its link", tag, ok)
	}
	if serviceTag(c) != "Sales" {
		t.Errorf("serviceTag = %q", serviceTag(c))
	}
	if _, ok := companyTag(model.Conversation{Tags: []model.Tag{{Kind: "service", Label: "Sales"}}}); ok {
		t.Error("a conversation without a company has a company tag")
	}
}

func TestWebURL(t *testing.T) {
	tests := []struct {
		url  string
		want bool
	}{
		{"https://app.hubspot.com/contacts/1/record/0-1/2", true},
		{"http://crm.example/lead/1", true},
		{"javascript:alert(1)", false},
		{"JavaScript:alert(1)", false},
		{"data:text/html,hi", false},
		{"/relative/path", false},
		{"https://", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := webURL(tt.url); got != tt.want {
			t.Errorf("webURL(%q) = %v, want %v", tt.url, got, tt.want)
		}
	}
}
