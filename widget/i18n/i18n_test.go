package i18n

import (
	"slices"
	"testing"
)

func TestAcceptLanguage(t *testing.T) {
	tests := []struct {
		header string
		want   []string
	}{
		{"", nil},
		{"de-CH", []string{"de-CH"}},
		{"fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", []string{"fr-CH", "fr", "en", "de"}},
		{"en;q=0.5, it", []string{"it", "en"}},          // by weight
		{"es, pt;q=0, en;q=0.1", []string{"es", "en"}},  // q=0 is a refusal
		{" nl ;q=0.8 , sv;q=0.8", []string{"nl", "sv"}}, // equal weights keep their order
		{"da;q=bad", []string{"da"}},                    // an unreadable weight counts as 1
		{",,;q=1,", nil},
	}
	for _, tt := range tests {
		if got := AcceptLanguage(tt.header); !slices.Equal(got, tt.want) {
			t.Errorf("AcceptLanguage(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

func TestChoose(t *testing.T) {
	tests := []struct {
		override string
		browser  []string
		want     string
	}{
		{"", nil, "en"},
		{"", []string{"de-AT", "en"}, "de"},
		{"", []string{"pt-BR", "es-419", "en"}, "es"}, // the first one we speak
		{"", []string{"ja", "zh"}, "en"},
		{"it", []string{"de"}, "it"}, // the site owner's choice wins
		{"IT-ch", []string{"de"}, "it"},
		{"xx", []string{"fr_FR"}, "fr"}, // an override we do not speak is ignored
	}
	for _, tt := range tests {
		if got := Choose(tt.override, tt.browser); got != tt.want {
			t.Errorf("Choose(%q, %q) = %q, want %q", tt.override, tt.browser, got, tt.want)
		}
	}
}

func TestPrimary(t *testing.T) {
	for in, want := range map[string]string{"de-CH": "de", "pt_BR": "pt", " EN ": "en", "": "", "zh-Hant-TW": "zh"} {
		if got := Primary(in); got != want {
			t.Errorf("Primary(%q) = %q, want %q", in, got, want)
		}
	}
}
