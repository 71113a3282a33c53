package visitor

import (
	"fmt"
	"net/url"
	"testing"
)

// contrast is WCAG 2.1's contrast ratio between two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func TestTextOnReadableOnAnyBrand(t *testing.T) {
	tests := []struct{ bg, want string }{
		{"#2563eb", "#ffffff"},
		{"#fde047", "#000000"},
		{"#000000", "#ffffff"},
		{"#ffffff", "#000000"},
		{"#767676", "#000000"}, // mid grey: black wins, narrowly
	}
	for _, tt := range tests {
		if got := textOn(tt.bg); got != tt.want {
			t.Errorf("textOn(%s) = %s, want %s", tt.bg, got, tt.want)
		}
	}
	// Every colour on a 17-step grid per channel (4,913 colours) gets text
	// of at least AA's 4.5:1.
	worst, worstBg := 21.0, ""
	for r := 0; r <= 255; r += 15 {
		for g := 0; g <= 255; g += 15 {
			for b := 0; b <= 255; b += 15 {
				bg := fmt.Sprintf("#%02x%02x%02x", r, g, b)
				if c := contrast(bg, textOn(bg)); c < worst {
					worst, worstBg = c, bg
				}
			}
		}
	}
	if worst < 4.5 {
		t.Errorf("text on %s has contrast %.2f:1, below 4.5:1", worstBg, worst)
	}
}

func TestBrandColor(t *testing.T) {
	for in, want := range map[string]string{
		"#1e3a8a": "#1e3a8a", "#ABCDEF": "#ABCDEF", "": defaultBrand, "red": defaultBrand,
		"#12345": defaultBrand, "#1234567": defaultBrand, "#12345g": defaultBrand, "#1234;}": defaultBrand,
	} {
		if got := brandColor(in); got != want {
			t.Errorf("brandColor(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFrameAncestors(t *testing.T) {
	base, _ := url.Parse("https://Frontdesk.example.com:8443/")
	tests := []struct {
		name    string
		allowed []string
		want    string
	}{
		{"none listed: anywhere", nil, "frame-ancestors *"},
		{"listed", []string{"https://shop.example.org", "http://localhost:3000/"},
			"frame-ancestors 'self' https://frontdesk.example.com:8443 https://shop.example.org http://localhost:3000"},
		{"wildcard subdomain", []string{"https://*.example.org"},
			"frame-ancestors 'self' https://frontdesk.example.com:8443 https://*.example.org"},
		// Entries that would change the policy are dropped, and a list of
		// nothing valid still locks the frame to Frontdesk.
		{"injection dropped", []string{"https://a.example; script-src *", "https://b.example *", "javascript:alert(1)", "https://x.*.example"},
			"frame-ancestors 'self' https://frontdesk.example.com:8443"},
	}
	for _, tt := range tests {
		if got := frameAncestors(base, tt.allowed); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestAccepts(t *testing.T) {
	tests := []struct {
		header, coding string
		want           bool
	}{
		{"gzip, br", "br", true},
		{"gzip", "br", false},
		{"br;q=0", "br", false},
		{"br; q=0.5", "br", true},
		{"*", "br", true},
		{"*;q=0, gzip", "br", false},
		{"x-gzip", "gzip", true},
		{"BR", "br", true},
		{"br;q=abc", "br", false},
		{"", "gzip", false},
	}
	for _, tt := range tests {
		if got := accepts(tt.header, tt.coding); got != tt.want {
			t.Errorf("accepts(%q, %q) = %v, want %v", tt.header, tt.coding, got, tt.want)
		}
	}
}

func TestStripLoader(t *testing.T) {
	src := "/* head\n * more */\n(function () {\n  // a comment\n  var a = \"http://x/*y*/\"; // kept: not a line of its own\n\n  /* one line */\n  var TEXT = /*FD_TEXT*/{};\n})();\n"
	want := "(function () {\nvar a = \"http://x/*y*/\"; // kept: not a line of its own\nvar TEXT = /*FD_TEXT*/{};\n})();\n"
	if got := string(stripLoader([]byte(src))); got != want {
		t.Errorf("stripLoader =\n%s\nwant\n%s", got, want)
	}
}
