package model

import "strings"

// slugLetter spells a Latin letter with an accent that names often
// have. (Unicode normalization would do it for every script, at the price
// of its tables in the WebAssembly; a slug is only a suggestion. A switch
// rather than a map: a package-level map is built at start by every
// binary that imports model, the widget's too.)
func slugLetter(r rune) (string, bool) {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å':
		return "a", true
	case 'æ':
		return "ae", true
	case 'ç', 'č', 'ć':
		return "c", true
	case 'è', 'é', 'ê', 'ë':
		return "e", true
	case 'ì', 'í', 'î', 'ï', 'ı':
		return "i", true
	case 'ñ':
		return "n", true
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø':
		return "o", true
	case 'œ':
		return "oe", true
	case 'ù', 'ú', 'û', 'ü':
		return "u", true
	case 'ý', 'ÿ':
		return "y", true
	case 'ß':
		return "ss", true
	case 'ł':
		return "l", true
	case 'ś', 'š':
		return "s", true
	case 'ž', 'ź', 'ż':
		return "z", true
	case 'ř':
		return "r", true
	case 'ğ':
		return "g", true
	}
	return "", false
}

// Slugify suggests a personal-link slug from a name: "Zoë O'Neill" →
// "zoe-oneill".
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		letters, ok := slugLetter(r)
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
