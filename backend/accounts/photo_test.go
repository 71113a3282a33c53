package accounts_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/backend/accounts"
	"github.com/frontdesk/frontdesk/model"
)

func TestPhoto(t *testing.T) {
	f := setup(t, accounts.SignupClosed)
	link, _, _ := f.svc.PrepareSetup(f.ctx)
	created, err := f.svc.Setup(f.ctx, token(link), signupRequest("ada@acme.test"))
	if err != nil {
		t.Fatal(err)
	}
	ada := created.Admin

	// A wide picture, red on the left third, blue in the middle, with
	// transparent corners: the stored photo is its blue centre square.
	src := image.NewNRGBA(image.Rect(0, 0, 600, 200))
	for x := range 600 {
		for y := range 200 {
			c := color.NRGBA{R: 200, A: 255}
			if x >= 200 && x < 400 {
				c = color.NRGBA{B: 200, A: 255}
			}
			src.Set(x, y, c)
		}
	}
	var upload bytes.Buffer
	if err := png.Encode(&upload, src); err != nil {
		t.Fatal(err)
	}
	ada, err = f.svc.SetPhoto(f.ctx, ada, &upload)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ada.PhotoURL, "/photos/") || !strings.HasSuffix(ada.PhotoURL, ".jpg") {
		t.Fatalf("photo URL = %q", ada.PhotoURL)
	}
	file := ada.PhotoURL[len("/photos/"):]
	version := file[strings.IndexByte(file, '-')+1 : len(file)-len(".jpg")]
	data, err := f.db.Photo(f.ctx, ada.ID, version)
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != accounts.PhotoSize || b.Dy() != accounts.PhotoSize {
		t.Errorf("photo is %v, want %d square", b, accounts.PhotoSize)
	}
	if r, _, bl, _ := img.At(128, 128).RGBA(); bl < 0x8000 || r > 0x3000 {
		t.Errorf("the centre is not the picture's centre: %v", img.At(128, 128))
	}
	if _, err := f.db.Photo(f.ctx, ada.ID, "0000000000000000"); code(err) != model.CodeNotFound {
		t.Errorf("another version: %v", err)
	}

	for name, body := range map[string][]byte{
		"not a picture": []byte("<svg onload=alert(1)>"),
		"a huge canvas": pngHeader(20000, 20000),
		"empty":         nil,
	} {
		if _, err := f.svc.SetPhoto(f.ctx, ada, bytes.NewReader(body)); code(err) != accounts.CodeImageUnreadable {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := f.svc.SetPhoto(f.ctx, ada, bytes.NewReader(make([]byte, accounts.MaxPhotoBytes+1))); code(err) != model.CodeBodyTooLarge {
		t.Errorf("too large: %v", err)
	}

	ada, err = f.svc.DeletePhoto(f.ctx, ada)
	if err != nil || ada.PhotoURL != "" {
		t.Fatalf("after deleting: %+v, %v", ada, err)
	}
	if _, err := f.db.Photo(f.ctx, ada.ID, version); code(err) != model.CodeNotFound {
		t.Errorf("the deleted photo: %v", err)
	}
}

// pngHeader is the start of a PNG that claims a width × height canvas.
func pngHeader(width, height uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], width)
	binary.BigEndian.PutUint32(ihdr[4:], height)
	ihdr[8], ihdr[9] = 8, 6                               // 8-bit RGBA
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr))) //nolint:errcheck
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk)) //nolint:errcheck
	return b.Bytes()
}
