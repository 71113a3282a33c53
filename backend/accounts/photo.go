package accounts

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // decoders of the formats agents upload
	"io"
	"net/http"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"

	"github.com/frontdesk/frontdesk/model"
)

// Photos: an agent uploads a picture of themselves; what is stored and
// served is a JPEG the server draws from its pixels, square, PhotoSize on
// each side. Re-encoding drops metadata (location, camera) and anything in
// the file that is not an image.
const (
	// PhotoSize is the side of the stored photo, in pixels: sharp at the
	// sizes the app and the personal link show, in a few tens of KB.
	PhotoSize = 256
	// MaxPhotoBytes bounds an upload.
	MaxPhotoBytes = 5 << 20
	// maxPhotoPixels refuses images that would take too much memory to
	// decode (a small file can claim a huge canvas).
	maxPhotoPixels = 40_000_000
)

// CodeImageUnreadable is the error code of an upload that is not a PNG,
// JPEG or WebP picture.
const CodeImageUnreadable = "image_unreadable"

func unreadable() error {
	return &model.Error{Status: http.StatusUnprocessableEntity, Code: CodeImageUnreadable,
		Message: "This file is not a picture Frontdesk can read. Upload a PNG, JPEG or WebP image."}
}

// SetPhoto makes the agent's photo from an uploaded image (PNG, JPEG or
// WebP, at most MaxPhotoBytes): the centre square, scaled to PhotoSize.
func (s *Service) SetPhoto(ctx context.Context, me model.Agent, upload io.Reader) (model.Agent, error) {
	raw, err := io.ReadAll(io.LimitReader(upload, MaxPhotoBytes+1))
	if err != nil {
		return model.Agent{}, fmt.Errorf("read photo: %w", err)
	}
	if len(raw) > MaxPhotoBytes {
		return model.Agent{}, &model.Error{Status: http.StatusRequestEntityTooLarge, Code: model.CodeBodyTooLarge,
			Message: fmt.Sprintf("The picture is larger than %d MB.", MaxPhotoBytes>>20)}
	}
	jpg, err := squarePhoto(raw)
	if err != nil {
		return model.Agent{}, err
	}
	sum := sha256.Sum256(jpg)
	return s.DB.SetPhoto(ctx, me, hex.EncodeToString(sum[:8]), jpg)
}

// DeletePhoto removes the agent's uploaded photo.
func (s *Service) DeletePhoto(ctx context.Context, me model.Agent) (model.Agent, error) {
	return s.DB.DeletePhoto(ctx, me)
}

// squarePhoto decodes an image and draws its centre square at PhotoSize
// as a JPEG.
func squarePhoto(raw []byte) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, unreadable()
	}
	if cfg.Width*cfg.Height > maxPhotoPixels {
		return nil, &model.Error{Status: http.StatusUnprocessableEntity, Code: CodeImageUnreadable,
			Message: "This picture has too many pixels. Upload one of at most 40 megapixels."}
	}
	src, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, unreadable()
	}
	b := src.Bounds()
	side := min(b.Dx(), b.Dy())
	crop := image.Rect(0, 0, side, side).Add(image.Pt(b.Min.X+(b.Dx()-side)/2, b.Min.Y+(b.Dy()-side)/2))
	dst := image.NewRGBA(image.Rect(0, 0, PhotoSize, PhotoSize))
	// White under transparent pixels: JPEG has no alpha.
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, crop, draw.Over, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 85}); err != nil {
		return nil, errors.Join(errors.New("encode photo"), err)
	}
	return out.Bytes(), nil
}
