package app

import (
	"math"
	"testing"
)

func TestContrastWithWhite(t *testing.T) {
	tests := []struct {
		colour string
		want   float64 // published ratios (WebAIM's contrast checker)
		ok     bool
	}{
		{"#ffffff", 1, true},
		{"#000000", 21, true},
		{"#2563eb", 5.17, true}, // the demo widget's blue
		{"#1d4ed8", 6.70, true}, // the app's brand
		{"#767676", 4.54, true}, // the lightest grey that passes
		{"#777777", 4.48, true}, // and the first that fails
		{"#f59e0b", 2.15, true},
		{"#FFF", 1, true},
		{" #000 ", 21, true},
		{"2563eb", 0, false},
		{"#12345", 0, false},
		{"#gggggg", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := contrastWithWhite(tt.colour)
		if ok != tt.ok || math.Abs(got-tt.want) > 0.01 {
			t.Errorf("contrastWithWhite(%q) = %.2f, %v; want %.2f, %v", tt.colour, got, ok, tt.want, tt.ok)
		}
	}
	// The warning's threshold sits between the two greys.
	pass, _ := contrastWithWhite("#767676")
	fail, _ := contrastWithWhite("#777777")
	if pass < minTextContrast || fail >= minTextContrast {
		t.Errorf("#767676 = %.3f, #777777 = %.3f: the AA threshold %.1f is not between them", pass, fail, minTextContrast)
	}
}
