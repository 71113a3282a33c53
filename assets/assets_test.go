package assets_test

import (
	"encoding/xml"
	"image/png"
	"io/fs"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/assets"
)

// The manifest and the page name these files; a rename here must be a
// rename there too.
func TestIcons(t *testing.T) {
	tests := []struct {
		name string
		size int
	}{
		{"icon-192.png", 192},
		{"icon-512.png", 512},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := assets.FS.Open(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cfg, err := png.DecodeConfig(f)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if cfg.Width != tt.size || cfg.Height != tt.size {
				t.Errorf("size = %dx%d, want %dx%d", cfg.Width, cfg.Height, tt.size, tt.size)
			}
		})
	}
}

func TestSVGIconIsWellFormed(t *testing.T) {
	b, err := fs.ReadFile(assets.FS, "icon.svg")
	if err != nil {
		t.Fatal(err)
	}
	var root struct {
		XMLName xml.Name
		ViewBox string `xml:"viewBox,attr"`
	}
	if err := xml.Unmarshal(b, &root); err != nil {
		t.Fatalf("parse: %v", err)
	}
	if root.XMLName.Local != "svg" || root.ViewBox != "0 0 512 512" {
		t.Errorf("root = %s viewBox %q, want svg 0 0 512 512", root.XMLName.Local, root.ViewBox)
	}
}

// The page and the manifest name these files; the generator must stay out.
func TestEmbeddedFiles(t *testing.T) {
	want := map[string]bool{"app.css": true, "icon-192.png": true, "icon-512.png": true, "icon.svg": true, "robots.txt": true}
	err := fs.WalkDir(assets.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(path, ".go") {
			t.Errorf("source file %s is embedded", path)
		}
		delete(want, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range want {
		t.Errorf("missing %s", name)
	}
}
