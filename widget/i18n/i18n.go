// Package i18n is what the visitor pages need to speak the visitor's
// language: the languages Frontdesk has catalogs for, the choice of one
// from the browser's preferences, and the sentences of the visitor
// WebAssembly (Widget), which the server hands to it in the page.
//
// The catalogs themselves are JSON files of backend/visitor, one per
// language: the server renders its pages from them and embeds the Widget
// part in each page that runs the WebAssembly, so the binary every visitor
// downloads carries no translations at all. It holds no browser code and
// no server code, so both sides share it and plain `go test` covers it.
package i18n

import (
	"slices"
	"strconv"
	"strings"
)

// Fallback is the language of visitors whose browser asks for none that
// Frontdesk speaks.
const Fallback = "en"

// Languages are those with a catalog, Fallback first.
var Languages = []string{"en", "de", "fr", "it", "es"}

// Supported reports whether lang (a bare primary tag) has a catalog.
func Supported(lang string) bool { return slices.Contains(Languages, lang) }

// Primary is the lower-case primary subtag of a BCP 47 tag ("de-CH" →
// "de", "pt_BR" → "pt").
func Primary(tag string) string {
	tag = Lower(strings.TrimSpace(tag))
	for i := range len(tag) {
		if tag[i] == '-' || tag[i] == '_' {
			return tag[:i]
		}
	}
	return tag
}

// Lower lowers the ASCII letters of a language tag (tags are ASCII; the
// visitor WebAssembly does without strings.ToLower's Unicode tables).
func Lower(tag string) string {
	b := []byte(tag)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Match picks the first of the visitor's preferred languages (BCP 47
// tags, most preferred first) that has a catalog; "" when none has.
func Match(prefs ...string) string {
	for _, p := range prefs {
		if l := Primary(p); Supported(l) {
			return l
		}
	}
	return ""
}

// AcceptLanguage lists the tags of an Accept-Language header, most
// preferred first; tags with q=0 are left out.
func AcceptLanguage(header string) []string {
	type pref struct {
		tag string
		q   float64
	}
	var prefs []pref
	for part := range strings.SplitSeq(header, ",") {
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.TrimSpace(tag)
		if tag == "" || tag == "*" {
			continue
		}
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.TrimSpace(k) == "q" {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		if q > 0 {
			prefs = append(prefs, pref{tag, q})
		}
	}
	// Stable: equal weights keep the order the browser sent.
	slices.SortStableFunc(prefs, func(a, b pref) int {
		switch {
		case a.q > b.q:
			return -1
		case a.q < b.q:
			return 1
		}
		return 0
	})
	tags := make([]string, len(prefs))
	for i, p := range prefs {
		tags[i] = p.tag
	}
	return tags
}

// Choose is the language of a visitor page: override (a site owner's or a
// link's explicit choice) when it has a catalog, else the first of the
// browser's languages that has one, else Fallback.
func Choose(override string, browser []string) string {
	if l := Primary(override); Supported(l) {
		return l
	}
	if l := Match(browser...); l != "" {
		return l
	}
	return Fallback
}
