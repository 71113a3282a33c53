//go:build ignore

// genicons draws the PNG app icons from the same shapes as icon.svg, so the
// icons need no image editor to rebuild: `go generate ./assets`.
//
// The PNGs are full-bleed squares with the glyph inside the central 80 %
// circle, which makes them valid "maskable" icons as well as plain ones.
package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

// The design lives on a 512×512 canvas; see icon.svg for the same numbers.
var (
	background = color.NRGBA{0x1d, 0x4e, 0xd8, 0xff} // --brand in app.css
	foreground = color.NRGBA{0xff, 0xff, 0xff, 0xff}
)

func main() {
	for _, size := range []int{192, 512} {
		name := fmt.Sprintf("icon-%d.png", size)
		if err := write(name, draw(size)); err != nil {
			fmt.Fprintln(os.Stderr, "genicons:", err)
			os.Exit(1)
		}
		fmt.Println("wrote", name)
	}
}

func write(name string, img image.Image) error {
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("encode %s: %w", name, err)
	}
	return f.Close()
}

// draw renders the icon at size×size, antialiased by 4×4 supersampling.
func draw(size int) *image.NRGBA {
	const samples = 4
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	scale := 512 / float64(size)
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			covered := 0
			for sy := 0; sy < samples; sy++ {
				for sx := 0; sx < samples; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/samples) * scale
					y := (float64(py) + (float64(sy)+0.5)/samples) * scale
					if glyph(x, y) {
						covered++
					}
				}
			}
			img.SetNRGBA(px, py, mix(background, foreground, float64(covered)/(samples*samples)))
		}
	}
	return img
}

// glyph reports whether (x, y) is on the white speech bubble: a rounded
// rectangle with a tail, minus three "typing" dots.
func glyph(x, y float64) bool {
	for _, cx := range []float64{196, 256, 316} {
		if math.Hypot(x-cx, y-238) <= 18 {
			return false
		}
	}
	return roundedRect(x, y, 136, 150, 376, 326, 40) ||
		triangle(x, y, 176, 300, 240, 300, 166, 382)
}

func roundedRect(x, y, x0, y0, x1, y1, r float64) bool {
	cx := math.Max(x0+r, math.Min(x, x1-r))
	cy := math.Max(y0+r, math.Min(y, y1-r))
	return x >= x0 && x <= x1 && y >= y0 && y <= y1 && math.Hypot(x-cx, y-cy) <= r
}

func triangle(x, y, ax, ay, bx, by, cx, cy float64) bool {
	side := func(px, py, qx, qy float64) float64 { return (qx-px)*(y-py) - (qy-py)*(x-px) }
	d1, d2, d3 := side(ax, ay, bx, by), side(bx, by, cx, cy), side(cx, cy, ax, ay)
	neg := d1 < 0 || d2 < 0 || d3 < 0
	pos := d1 > 0 || d2 > 0 || d3 > 0
	return !(neg && pos)
}

func mix(a, b color.NRGBA, t float64) color.NRGBA {
	lerp := func(p, q uint8) uint8 { return uint8(math.Round(float64(p) + (float64(q)-float64(p))*t)) }
	return color.NRGBA{lerp(a.R, b.R), lerp(a.G, b.G), lerp(a.B, b.B), 0xff}
}
