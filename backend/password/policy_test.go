package password

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name, plain string
		personal    []string
		want        Problem
	}{
		{"long enough", "correct horse battery", nil, OK},
		{"any characters", "日本語のパスワードです", nil, OK},
		{"spaces only count", "          ", nil, TooCommon},
		{"nine characters", "abcdefgh1", nil, TooShort},
		{"ten runes of two bytes", "éééééééééé", nil, TooCommon},
		{"empty", "", nil, TooShort},
		{"too long", strings.Repeat("ab", 129), nil, TooLong},
		{"at the limit", strings.Repeat("ab", 128), nil, OK},
		{"on the list", "password123", nil, TooCommon},
		{"on the list, other case", "PassWord123", nil, TooCommon},
		{"qwertyuiop", "qwertyuiop", nil, TooCommon},
		{"the email", "ada@example.com", []string{"Ada@Example.com"}, TooCommon},
		{"the email's local part", "ada.lovelace", []string{"ada.lovelace@example.com"}, TooCommon},
		{"the name", "Ada Lovelace", []string{"", "ada lovelace"}, TooCommon},
		{"containing the name is fine", "Ada Lovelace likes tea", []string{"Ada Lovelace"}, OK},
		{"no composition rules", "longlowercasephrase", nil, OK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Check(tt.plain, tt.personal...); got != tt.want {
				t.Errorf("Check(%q) = %v, want %v", tt.plain, got, tt.want)
			}
		})
	}
}

func TestCommonListIsSorted(t *testing.T) {
	list := common()
	if len(list) != 112130 {
		t.Errorf("the list has %d entries, want 112130", len(list))
	}
	for i := 1; i < len(list); i++ {
		if list[i-1] >= list[i] {
			t.Fatalf("entries %d and %d are out of order: %q, %q", i-1, i, list[i-1], list[i])
		}
		if len(list[i]) < MinLength || strings.ToLower(list[i]) != list[i] {
			t.Fatalf("entry %q is shorter than %d or not lower-case", list[i], MinLength)
		}
	}
}
