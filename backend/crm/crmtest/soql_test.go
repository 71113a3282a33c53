package crmtest

import "testing"

func TestParseSOQL(t *testing.T) {
	tests := []struct {
		q   string
		err string // "" for a valid query, else the error code
	}{
		{"SELECT Id FROM Lead", ""},
		{"select Id, Account.Name from Contact where Email = 'a@b.com' order by CreatedDate desc limit 5", ""},
		{`SELECT Id FROM Lead WHERE Email = 'o\'brien@acme.com' AND IsConverted = false`, ""},
		{`SELECT Id FROM Account WHERE Name LIKE '50\% off\_%'`, ""},
		{`SELECT Id FROM Account WHERE Name = 'tab\there \u00e9 \\ \"q\"'`, ""},
		{"SELECT Id FROM Lead WHERE Email = 'o'brien@acme.com'", "MALFORMED_QUERY"}, // unescaped quote
		{`SELECT Id FROM Account WHERE Name = '50\% off'`, "MALFORMED_QUERY"},       // \% outside LIKE
		{`SELECT Id FROM Account WHERE Name = 'a\_b'`, "MALFORMED_QUERY"},           // \_ outside LIKE
		{`SELECT Id FROM Account WHERE Name = 'a\qb'`, "MALFORMED_QUERY"},           // unknown escape
		{`SELECT Id FROM Account WHERE Name = 'open`, "MALFORMED_QUERY"},            // unterminated
		{`SELECT Id FROM Account WHERE Name = 'end\'`, "MALFORMED_QUERY"},           // escaped closing quote
		{"SELECT Id FROM Lead WHERE Email = 'a' OR Email = 'b'", "MALFORMED_QUERY"}, // beyond the subset
		{"SELECT Id FROM Lead WHERE Email = 'a'; DELETE", "MALFORMED_QUERY"},
		{"SELECT Id FROM Lead LIMIT 0", "MALFORMED_QUERY"},
		{"SELECT Id FROM Lead WHERE IsConverted LIKE true", "MALFORMED_QUERY"},
	}
	for _, tt := range tests {
		_, err := parseSOQL(tt.q)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("parseSOQL(%q) = %v, want valid", tt.q, err)
		case tt.err != "" && (err == nil || err.(*soqlError).code != tt.err):
			t.Errorf("parseSOQL(%q) = %v, want %s", tt.q, err, tt.err)
		}
	}
}

func TestLikeMatching(t *testing.T) {
	tests := []struct {
		pattern, value string
		want           bool
	}{
		{"%acme.com%", "https://www.ACME.com/en", true},
		{"%acme.com%", "https://acmeXcom.net", false}, // '.' is no wildcard
		{"a_c", "abc", true},
		{`a\_c`, "abc", false},
		{`a\_c`, "a_c", true},
		{`50\%`, "50%", true},
		{`50\%`, "500", false},
		{"50%", "500 and more", true},
	}
	for _, tt := range tests {
		_, re, err := decodeLiteral(tt.pattern, true)
		if err != nil {
			t.Fatalf("decodeLiteral(%q): %v", tt.pattern, err)
		}
		if got := re.MatchString(tt.value); got != tt.want {
			t.Errorf("%q LIKE %q = %v, want %v", tt.value, tt.pattern, got, tt.want)
		}
	}
}
