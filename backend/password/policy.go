package password

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// The password rules of NIST SP 800-63B (5.1.1.2): a length window, a check
// against passwords known to be common, and nothing else — no composition
// rules, no expiry.
const (
	MinLength = 10  // characters
	MaxLength = 256 // bytes, so a hash input stays bounded
)

// Problem is what is wrong with a chosen password; OK when nothing.
type Problem int

const (
	OK Problem = iota
	TooShort
	TooLong
	TooCommon
)

// common-passwords.txt.gz holds the passwords of 10 to 256 characters
// among the top million of SecLists' "10 million password list"
// (Passwords/Common-Credentials/10-million-password-list-top-1000000.txt,
// from Mark Burnett's corpus of leaked passwords; OWASP SecLists, CC BY-SA
// 3.0), lower-cased, sorted and de-duplicated: 112,130 entries. Shorter
// entries of that list are refused by the length rule already.
//
//go:embed common-passwords.txt.gz
var commonGz []byte

// common is the sorted list, loaded on first use (about 1.3 MB).
var common = sync.OnceValue(func() []string {
	r, err := gzip.NewReader(bytes.NewReader(commonGz))
	if err != nil {
		panic("password: embedded list: " + err.Error())
	}
	b, err := io.ReadAll(r)
	if err != nil {
		panic("password: embedded list: " + err.Error())
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
})

// Check applies the rules to a new password. personal are words that
// must not be the whole password either (the agent's email, its local
// part, their name): a guesser tries those first.
func Check(plain string, personal ...string) Problem {
	switch {
	case utf8.RuneCountInString(plain) < MinLength:
		return TooShort
	case len(plain) > MaxLength:
		return TooLong
	case IsCommon(plain):
		return TooCommon
	}
	lower := strings.ToLower(plain)
	for _, p := range personal {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		if lower == p || (strings.Contains(p, "@") && lower == p[:strings.IndexByte(p, '@')]) {
			return TooCommon
		}
	}
	return OK
}

// IsCommon reports whether plain is on the embedded list (ignoring case)
// or is one character repeated.
func IsCommon(plain string) bool {
	lower := strings.ToLower(plain)
	if r, _ := utf8.DecodeRuneInString(lower); strings.Count(lower, string(r)) == utf8.RuneCountInString(lower) {
		return true
	}
	_, found := slices.BinarySearch(common(), lower)
	return found
}

// Message is the English sentence for a field's problem; "" for OK.
func (p Problem) Message() string {
	switch p {
	case TooShort:
		return "must have at least 10 characters"
	case TooLong:
		return "is too long (at most 256 bytes)"
	case TooCommon:
		return "is too common: choose one that is harder to guess"
	}
	return ""
}
