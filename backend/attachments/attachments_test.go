package attachments

import (
	"mime"
	"testing"

	"github.com/frontdesk/frontdesk/model"
)

func TestCheckName(t *testing.T) {
	for _, tt := range []struct {
		name, want string
		ok         bool
	}{
		{"report.pdf", "report.pdf", true},
		{"  Müller – Angebot.pdf ", "Müller – Angebot.pdf", true},
		{"", "", false},
		{"a/b.txt", "", false},
		{`a\b.txt`, "", false},
		{"..", "", false},
		{"a\x00b", "", false},
		{"a\x1fb", "", false},
		{"a\u202eexe.pdf", "", false},
		{"a\u200bb", "", false}, // zero-width space: format character
		{string([]byte{0xff, 0xfe}), "", false},
		{string(make([]byte, 256)), "", false},
	} {
		got, err := CheckName(tt.name)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("CheckName(%q) = %q, %v", tt.name, got, err)
		}
		if err != nil {
			if e, ok := model.AsError(err); !ok || e.Code != model.CodeFileNameInvalid || e.Status != 422 {
				t.Errorf("CheckName(%q): error %v", tt.name, err)
			}
		}
	}
}

// The multipart header a hostile client may send decodes to a name that
// CheckName refuses.
func TestEncodedNameIsChecked(t *testing.T) {
	_, params, err := mime.ParseMediaType(`form-data; name="file"; filename*=UTF-8''a%01b%2F..%2Fc.txt`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CheckName(params["filename"]); err == nil {
		t.Fatalf("%q accepted", params["filename"])
	}
}

func TestWithExtension(t *testing.T) {
	for _, tt := range []struct {
		name string
		exts []string
		want string
	}{
		{"photo.JPG", allowed["image/jpeg"], "photo.JPG"},
		{"photo.jpeg", allowed["image/jpeg"], "photo.jpeg"},
		{"invoice.png", allowed["application/pdf"], "invoice.png.pdf"},
		{"README", allowed["text/plain"], "README.txt"},
	} {
		if got := withExtension(tt.name, tt.exts); got != tt.want {
			t.Errorf("withExtension(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
