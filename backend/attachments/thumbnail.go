package attachments

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // decoders for image.DecodeConfig
	_ "image/jpeg"
	"image/png"
	"io"
	"net/http"
	"os"

	"github.com/disintegration/imaging"
	_ "golang.org/x/image/webp" // WebP screenshots and photos

	"github.com/frontdesk/frontdesk/model"
)

const (
	// thumbSize bounds a thumbnail's width and height: sharp at twice the
	// size the apps show them.
	thumbSize = 480
	// maxPixels refuses images that would take too much memory to decode
	// (a few KB of PNG can claim to be 100,000 × 100,000).
	maxPixels = 40_000_000
)

type thumbnail struct {
	data          []byte
	contentType   string
	width, height int // the original's, as shown (after EXIF orientation)
}

// makeThumbnail reads an image and makes its thumbnail: PNG for PNG and GIF
// (screenshots keep crisp text), JPEG otherwise. An image that cannot be
// decoded is refused: its content only looked like an image.
func makeThumbnail(f *os.File, ctype string) (*thumbnail, error) {
	unreadable := &model.Error{Status: http.StatusUnsupportedMediaType, Code: model.CodeFileTypeRefused,
		Message: "The image could not be read; it may be damaged."}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	cfg, _, err := image.DecodeConfig(f)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, unreadable
	}
	if cfg.Width*cfg.Height > maxPixels {
		return nil, &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeFileTypeRefused,
			Message: fmt.Sprintf("The image is too large (%d × %d pixels).", cfg.Width, cfg.Height)}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	img, err := imaging.Decode(f, imaging.AutoOrientation(true))
	if err != nil {
		return nil, unreadable
	}
	b := img.Bounds()
	t := &thumbnail{width: b.Dx(), height: b.Dy()}
	small := imaging.Fit(img, thumbSize, thumbSize, imaging.CatmullRom)

	var buf bytes.Buffer
	if ctype == "image/png" || ctype == "image/gif" {
		t.contentType = "image/png"
		err = imaging.Encode(&buf, small, imaging.PNG, imaging.PNGCompressionLevel(png.BestSpeed))
	} else {
		t.contentType = "image/jpeg"
		// JPEG has no transparency: flatten onto white, not black.
		bg := imaging.New(small.Bounds().Dx(), small.Bounds().Dy(), color.White)
		err = imaging.Encode(&buf, imaging.Overlay(bg, small, image.Point{}, 1), imaging.JPEG, imaging.JPEGQuality(82))
	}
	if err != nil {
		return nil, fmt.Errorf("attachments: encode thumbnail: %w", err)
	}
	t.data = buf.Bytes()
	return t, nil
}
