package app

import (
	"math"
	"strconv"
	"strings"
)

// minTextContrast is WCAG 2.1 AA's contrast for body text.
const minTextContrast = 4.5

// parseHexColor reads "#rrggbb" (or "#rgb") into its channels.
func parseHexColor(s string) (r, g, b uint8, ok bool) {
	s, found := strings.CutPrefix(strings.TrimSpace(s), "#")
	if !found {
		return 0, 0, 0, false
	}
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	if len(s) != 6 {
		return 0, 0, 0, false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return 0, 0, 0, false
	}
	return uint8(v >> 16), uint8(v >> 8), uint8(v), true
}

// relativeLuminance is WCAG's relative luminance of an sRGB colour.
func relativeLuminance(r, g, b uint8) float64 {
	channel := func(c uint8) float64 {
		v := float64(c) / 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(r) + 0.7152*channel(g) + 0.0722*channel(b)
}

// contrastWithWhite is the WCAG contrast ratio of white text on colour
// (from 1 to 21); ok is false when colour is not a hex colour.
func contrastWithWhite(colour string) (ratio float64, ok bool) {
	r, g, b, ok := parseHexColor(colour)
	if !ok {
		return 0, false
	}
	return 1.05 / (relativeLuminance(r, g, b) + 0.05), true
}
