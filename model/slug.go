package model

import "strings"

// slugLetters spell the Latin letters with accents that names often have.
// (Unicode normalization would do it for every script, at the price of
// its tables in the wasm; a slug is only a suggestion.)
var slugLetters = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae", 'ç': "c",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i",
	'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'œ': "oe",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'ß': "ss",
	'ł': "l", 'ś': "s", 'š': "s", 'ž': "z", 'ź': "z", 'ż': "z", 'č': "c", 'ć': "c", 'ř': "r", 'ğ': "g", 'ı': "i",
}

// Slugify suggests a personal-link slug from a name: "Zoë O'Neill" →
// "zoe-oneill".
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		letters, ok := slugLetters[r]
		if !ok && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			letters, ok = string(r), true
		}
		switch {
		case r == '\'' || r == '’':
			// apostrophes vanish: O'Neill is oneill
		case ok:
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteString(letters)
			dash = false
		default:
			dash = true
		}
	}
	s := b.String()
	if len(s) > 64 {
		s = strings.TrimRight(s[:64], "-")
	}
	return s
}
