package visitor

import (
	"math"
	"strconv"
)

const defaultBrand = "#2563eb"

// brandColor returns c when it is a #rrggbb colour, else the default.
func brandColor(c string) string {
	if len(c) != 7 || c[0] != '#' {
		return defaultBrand
	}
	if _, err := strconv.ParseUint(c[1:], 16, 32); err != nil {
		return defaultBrand
	}
	return c
}

// textOn picks black or white for text on background bg (#rrggbb),
// whichever contrasts more. One of the two always reaches at least 4.58:1,
// so any brand colour yields readable text (WCAG 2.1 AA asks 4.5:1).
func textOn(bg string) string {
	l := luminance(bg)
	if (l+0.05)/0.05 >= 1.05/(l+0.05) {
		return "#000000"
	}
	return "#ffffff"
}

// luminance is WCAG 2.1's relative luminance of a #rrggbb colour.
func luminance(c string) float64 {
	v, _ := strconv.ParseUint(c[1:], 16, 32)
	channel := func(shift uint) float64 {
		s := float64((v>>shift)&0xff) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(16) + 0.7152*channel(8) + 0.0722*channel(0)
}
