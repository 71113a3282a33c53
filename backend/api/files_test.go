package api_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/attachments"
	"github.com/frontdesk/frontdesk/backend/blobstore"
	"github.com/frontdesk/frontdesk/backend/blobstore/blobstoretest"
	"github.com/frontdesk/frontdesk/backend/blobstore/s3store"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

const testMaxUpload = 256 << 10

// withFiles connects uploads on store (a folder under t.TempDir when nil).
func (e *env) withFiles(store blobstore.Store) *attachments.Service {
	e.t.Helper()
	if store == nil {
		d, err := blobstore.NewDir(filepath.Join(e.t.TempDir(), "files"))
		if err != nil {
			e.t.Fatal(err)
		}
		store = d
	}
	svc := &attachments.Service{DB: e.db, Store: store, MaxSize: testMaxUpload}
	e.server.SetAttachments(svc)
	return svc
}

// guestConversation opens a conversation in acme as a widget guest and
// returns its token and id.
func (e *env) guestConversation(name string) (string, int64) {
	e.t.Helper()
	ga, _, err := e.db.StartConversation(context.Background(), postgres.NewConversation{OrganizationID: e.acme.ID,
		Channel: model.ChannelWidget, AccessToken: "tok" + strings.Repeat(strings.ToLower(name[:1]), 10) + itoa(time.Now().UnixNano()),
		Guest: model.Guest{Name: name, Email: strings.ToLower(name) + "@guest.test"}})
	if err != nil {
		e.t.Fatal(err)
	}
	return ga.Token, ga.Conversation.ID
}

// upload posts a multipart form with the field "file" and decodes the
// answer into out.
func (c *client) upload(path, field, name string, data []byte, out any) int {
	c.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	// CreateFormFile would escape the name; write the header raw so the
	// server sees exactly what a hostile client sends.
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="` + field + `"; filename="` + name + `"`}
	if enc, ok := strings.CutPrefix(name, "*="); ok { // an RFC 2231 encoded name
		h["Content-Disposition"] = []string{`form-data; name="` + field + `"; filename*=` + enc}
	}
	h["Content-Type"] = []string{"application/octet-stream"}
	pw, _ := mw.CreatePart(h)
	pw.Write(data)
	mw.Close()
	return c.doWith("POST", path, buf.Bytes(), out, map[string]string{"Content-Type": mw.FormDataContentType()})
}

func (c *client) get(path string) (*http.Response, []byte) {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	res, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func pngBytes(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

var pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func TestFilesBothWays(t *testing.T) {
	for _, backend := range []string{"disk", "s3"} {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t)
			var store blobstore.Store
			if backend == "s3" {
				s, err := s3store.Open(context.Background(), blobstoretest.S3(t))
				if err != nil {
					t.Fatal(err)
				}
				store = s
			}
			e.withFiles(store)
			token, conv := e.guestConversation("Gina")
			agent := e.login("agent@acme.test")
			guest := e.client()

			// The agent attaches a PDF, named as if it were something else.
			var pdf model.Attachment
			if st := agent.upload("/api/v1/conversations/"+itoa(conv)+"/files", "file", "Offer 2026.png", pdfBytes, &pdf); st != 201 {
				t.Fatalf("agent upload: %d", st)
			}
			if pdf.Type != "application/pdf" || pdf.Name != "Offer 2026.png.pdf" || pdf.Size != int64(len(pdfBytes)) || pdf.ThumbnailURL != "" || pdf.URL != model.FilePath(pdf.ID) {
				t.Fatalf("pdf %+v", pdf)
			}
			// Before it is sent, the guest cannot have it.
			if res, _ := guest.get(model.GuestURL(pdf.URL, token)); res.StatusCode != 404 {
				t.Fatalf("unsent file for the guest: %d", res.StatusCode)
			}
			var msg model.Message
			if st := agent.do("POST", "/api/v1/conversations/"+itoa(conv)+"/messages", model.SendMessage{ClientID: "c1", Body: "Here is the offer", AttachmentIDs: []int64{pdf.ID}}, &msg); st != 201 {
				t.Fatalf("send: %d", st)
			}
			if len(msg.Attachments) != 1 || msg.Attachments[0].ID != pdf.ID || len(msg.AttachmentIDs) != 1 {
				t.Fatalf("message %+v", msg)
			}
			// Sent again with the same client id: the same message, once.
			var again model.Message
			if st := agent.do("POST", "/api/v1/conversations/"+itoa(conv)+"/messages", model.SendMessage{ClientID: "c1", Body: "Here is the offer", AttachmentIDs: []int64{pdf.ID}}, &again); st != 200 || again.Seq != msg.Seq {
				t.Fatalf("retry: %d seq %d", st, again.Seq)
			}
			// The guest reads it and downloads the file with the token.
			var msgs []model.Message
			guest.do("GET", "/api/v1/public/conversations/"+token+"/messages", nil, &msgs)
			if len(msgs) != 1 || len(msgs[0].Attachments) != 1 {
				t.Fatalf("guest messages %+v", msgs)
			}
			res, body := guest.get(model.GuestURL(msgs[0].Attachments[0].URL, token))
			if res.StatusCode != 200 || !bytes.Equal(body, pdfBytes) {
				t.Fatalf("guest download: %d %q", res.StatusCode, body)
			}
			if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "Offer 2026.png.pdf") {
				t.Errorf("Content-Disposition %q", cd)
			}
			if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Content-Type") != "application/pdf" {
				t.Errorf("headers %v", res.Header)
			}

			// The guest pastes a screenshot: a thumbnail is made.
			var shot model.Attachment
			if st := guest.upload("/api/v1/public/conversations/"+token+"/files", "file", "image.png", pngBytes(1200, 600), &shot); st != 201 {
				t.Fatalf("guest upload: %d", st)
			}
			if shot.Type != "image/png" || shot.Width != 1200 || shot.Height != 600 || !strings.Contains(shot.ThumbnailURL, "token="+token) {
				t.Fatalf("screenshot %+v", shot)
			}
			var gm model.Message
			if st := guest.do("POST", "/api/v1/public/conversations/"+token+"/messages", model.SendMessage{ClientID: "g1", AttachmentIDs: []int64{shot.ID}}, &gm); st != 201 || gm.Body != "" {
				t.Fatalf("guest send files only: %d %+v", st, gm)
			}
			res, body = agent.get(model.ThumbnailPath(shot.ID))
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "inline") {
				t.Fatalf("thumbnail: %d %v", res.StatusCode, res.Header)
			}
			cfg, err := png.DecodeConfig(bytes.NewReader(body))
			if err != nil || cfg.Width != 480 || cfg.Height != 240 {
				t.Fatalf("thumbnail %dx%d %v", cfg.Width, cfg.Height, err)
			}
			if res, body := agent.get(model.FilePath(shot.ID)); res.StatusCode != 200 || len(body) != int(shot.Size) {
				t.Fatalf("agent full image: %d", res.StatusCode)
			}
			var convs []model.Conversation
			agent.do("GET", "/api/v1/conversations?view=open", nil, &convs)
			if len(convs) != 1 || convs[0].LastMessage != "📎 image.png" {
				t.Errorf("list preview %q", convs[0].LastMessage)
			}
		})
	}
}

func TestFilesBadInput(t *testing.T) {
	e := newEnv(t)
	root := filepath.Join(t.TempDir(), "files")
	d, _ := blobstore.NewDir(root)
	e.withFiles(d)
	token, conv := e.guestConversation("Gina")
	otherToken, otherConv := e.guestConversation("Otto")
	agent := e.login("agent@acme.test")
	alien := e.login("alien@other.test")
	guest := e.client()
	agentPath := "/api/v1/conversations/" + itoa(conv) + "/files"
	guestPath := "/api/v1/public/conversations/" + token + "/files"

	for _, tt := range []struct {
		name, file string
		data       []byte
		status     int
		code       string
	}{
		{"over the limit", "big.txt", bytes.Repeat([]byte("a"), testMaxUpload+1), 413, model.CodeFileTooLarge},
		{"refused type", "tool.exe", append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 64)...), 415, model.CodeFileTypeRefused},
		{"lying extension", "photo.png", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"), 415, model.CodeFileTypeRefused},
		{"svg", "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), 415, model.CodeFileTypeRefused},
		{"html", "page.html", []byte("<html><head><title>x</title></head></html>"), 415, model.CodeFileTypeRefused},
		{"png header, not an image", "broken.png", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...), 415, model.CodeFileTypeRefused},
		{"zero bytes", "empty.txt", nil, 422, model.CodeFileEmpty},
		{"slash in name", "../../etc/passwd.txt", []byte("hello"), 422, model.CodeFileNameInvalid},
		{"backslash in name", `C:\Users\me\notes.txt`, []byte("hello"), 422, model.CodeFileNameInvalid},
		{"control character in name", "a\x01b.txt", []byte("hello"), 400, model.CodeValidation}, // not even a valid header
		{"encoded control character in name", "*=UTF-8''a%01b.txt", []byte("hello"), 422, model.CodeFileNameInvalid},
		{"direction override in name", "invoice\u202Efdp.exe", []byte("hello"), 422, model.CodeFileNameInvalid},
		{"no name", "", []byte("hello"), 422, model.CodeFileNameInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range []struct {
				who  *client
				path string
			}{{agent, agentPath}, {guest, guestPath}} {
				var er model.ErrorResponse
				if st := c.who.upload(c.path, "file", tt.file, tt.data, &er); st != tt.status || er.Error == nil || er.Error.Code != tt.code {
					t.Errorf("%s: %d %+v, want %d %s", c.path, st, er.Error, tt.status, tt.code)
				}
			}
		})
	}
	t.Run("not multipart", func(t *testing.T) {
		agent.wantError("POST", agentPath, map[string]string{"file": "x"}, 415, model.CodeUnsupportedMedia)
	})
	t.Run("no file field", func(t *testing.T) {
		var er model.ErrorResponse
		if st := agent.upload(agentPath, "document", "a.txt", []byte("hi"), &er); st != 422 || er.Error.Code != model.CodeValidation {
			t.Errorf("%d %+v", st, er.Error)
		}
	})
	// Nothing was stored, in the database or on disk.
	var n int
	e.db.Bun.NewSelect().Table("attachments").ColumnExpr("count(*)").Scan(context.Background(), &n)
	if n != 0 {
		t.Errorf("%d attachment rows after refusals", n)
	}
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("file left on disk: %s", p)
		}
		return nil
	})

	// A real upload, then everyone who must not have it.
	var doc model.Attachment
	if st := agent.upload(agentPath, "file", "notes.txt", []byte("secret notes"), &doc); st != 201 {
		t.Fatalf("upload: %d", st)
	}
	agent.do("POST", "/api/v1/conversations/"+itoa(conv)+"/messages", model.SendMessage{ClientID: "m1", Body: "see file", AttachmentIDs: []int64{doc.ID}}, nil)
	for name, res := range map[string]*http.Response{
		"another conversation's token": first(guest.get(model.GuestURL(doc.URL, otherToken))),
		"a made-up token":              first(guest.get(model.GuestURL(doc.URL, strings.Repeat("x", 32)))),
		"another organization":         first(alien.get(doc.URL)),
	} {
		if res.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", name, res.StatusCode)
		}
	}
	if res, _ := guest.get(doc.URL); res.StatusCode != 401 {
		t.Errorf("no token, no session: %d, want 401", res.StatusCode)
	}

	// Messages naming files they may not carry.
	var other model.Attachment
	agent.upload("/api/v1/conversations/"+itoa(otherConv)+"/files", "file", "other.txt", []byte("other"), &other)
	var agentOwn model.Attachment
	agent.upload(agentPath, "file", "mine.txt", []byte("mine"), &agentOwn)
	for name, send := range map[string]func() (int, *model.ErrorResponse){
		"unknown id": func() (int, *model.ErrorResponse) {
			var er model.ErrorResponse
			return agent.do("POST", "/api/v1/conversations/"+itoa(conv)+"/messages", model.SendMessage{ClientID: "x1", AttachmentIDs: []int64{999999}}, &er), &er
		},
		"another conversation's file": func() (int, *model.ErrorResponse) {
			var er model.ErrorResponse
			return agent.do("POST", "/api/v1/conversations/"+itoa(conv)+"/messages", model.SendMessage{ClientID: "x2", AttachmentIDs: []int64{other.ID}}, &er), &er
		},
		"already sent": func() (int, *model.ErrorResponse) {
			var er model.ErrorResponse
			return agent.do("POST", "/api/v1/conversations/"+itoa(conv)+"/messages", model.SendMessage{ClientID: "x3", AttachmentIDs: []int64{doc.ID}}, &er), &er
		},
		"the agent's upload, by the guest": func() (int, *model.ErrorResponse) {
			var er model.ErrorResponse
			return guest.do("POST", "/api/v1/public/conversations/"+token+"/messages", model.SendMessage{ClientID: "x4", AttachmentIDs: []int64{agentOwn.ID}}, &er), &er
		},
	} {
		if st, er := send(); st != 422 || er.Error == nil || er.Error.Code != model.CodeAttachmentNotFound {
			t.Errorf("%s: %d %+v", name, st, er.Error)
		}
	}
	var msgs []model.Message
	agent.do("GET", "/api/v1/conversations/"+itoa(conv)+"/messages", nil, &msgs)
	if len(msgs) != 1 {
		t.Errorf("%d messages after refusals, want 1", len(msgs))
	}
}

func first(res *http.Response, _ []byte) *http.Response { return res }

func TestFilesCleanup(t *testing.T) {
	e := newEnv(t)
	root := filepath.Join(t.TempDir(), "files")
	d, _ := blobstore.NewDir(root)
	svc := e.withFiles(d)
	_, conv := e.guestConversation("Gina")
	_, gone := e.guestConversation("Gert")
	agent := e.login("agent@acme.test")
	ctx := context.Background()

	var sent, unsent, erased model.Attachment
	agent.upload("/api/v1/conversations/"+itoa(conv)+"/files", "file", "sent.png", pngBytes(40, 40), &sent)
	agent.upload("/api/v1/conversations/"+itoa(conv)+"/files", "file", "unsent.txt", []byte("never sent"), &unsent)
	agent.upload("/api/v1/conversations/"+itoa(gone)+"/files", "file", "erased.txt", []byte("erased"), &erased)
	agent.do("POST", "/api/v1/conversations/"+itoa(conv)+"/messages", model.SendMessage{ClientID: "s", AttachmentIDs: []int64{sent.ID}}, nil)
	agent.do("POST", "/api/v1/conversations/"+itoa(gone)+"/messages", model.SendMessage{ClientID: "e", AttachmentIDs: []int64{erased.ID}}, nil)
	if n := countFiles(root); n != 4 { // sent + its thumbnail, unsent, erased
		t.Fatalf("%d files on disk, want 4", n)
	}

	// Within a day nothing goes.
	if up, blobs, err := svc.Cleanup(ctx, time.Now()); err != nil || up != 0 || blobs != 0 {
		t.Fatalf("early cleanup: %d %d %v", up, blobs, err)
	}
	// Erasing a guest's conversation (as GDPR erasure does) is all it
	// takes for its files to go at the next cleanup.
	if _, err := e.db.Bun.ExecContext(ctx, "DELETE FROM conversations WHERE id = ?", gone); err != nil {
		t.Fatal(err)
	}
	up, blobs, err := svc.Cleanup(ctx, time.Now().Add(attachments.UnsentAfter+time.Minute))
	if err != nil || up != 1 || blobs != 2 {
		t.Fatalf("cleanup: uploads %d blobs %d err %v, want 1 and 2", up, blobs, err)
	}
	if n := countFiles(root); n != 2 {
		t.Errorf("%d files left, want the sent image and its thumbnail", n)
	}
	if res, _ := agent.get(model.FilePath(sent.ID)); res.StatusCode != 200 {
		t.Errorf("sent file: %d", res.StatusCode)
	}
	if res, _ := agent.get(model.FilePath(unsent.ID)); res.StatusCode != 404 {
		t.Errorf("removed upload: %d", res.StatusCode)
	}
}

func countFiles(root string) int {
	n := 0
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// TestGuestFilesGoWithTheirData: a guest's export lists the files of their
// conversations; erasing the guest deletes the files they sent (rows,
// names in their messages, and the blobs at the next cleanup), and keeps
// the agent's.
func TestGuestFilesGoWithTheirData(t *testing.T) {
	e := newEnv(t)
	root := filepath.Join(t.TempDir(), "files")
	d, _ := blobstore.NewDir(root)
	svc := e.withFiles(d)
	token, conv := e.guestConversation("Gina")
	agent := e.login("agent@acme.test")
	guest := e.client()
	var mine, theirs model.Attachment
	guest.upload("/api/v1/public/conversations/"+token+"/files", "file", "id-card.png", pngBytes(60, 40), &mine)
	guest.do("POST", "/api/v1/public/conversations/"+token+"/messages", model.SendMessage{ClientID: "g", AttachmentIDs: []int64{mine.ID}}, nil)
	agent.upload("/api/v1/conversations/"+itoa(conv)+"/files", "file", "contract.pdf", pdfBytes, &theirs)
	agent.do("POST", "/api/v1/conversations/"+itoa(conv)+"/messages", model.SendMessage{ClientID: "a", AttachmentIDs: []int64{theirs.ID}}, nil)

	ctx := context.Background()
	c, err := e.db.Conversation(ctx, e.acme.ID, conv, 0)
	if err != nil {
		t.Fatal(err)
	}
	person := postgres.Person{GuestIDs: []int64{c.Guest.ID}}
	var ex model.GuestExport
	if err := svc.Export(ctx, e.acme.ID, person, &ex); err != nil || len(ex.Files) != 2 || ex.Files[0].Name != "id-card.png" {
		t.Fatalf("export: %+v %v", ex.Files, err)
	}
	var rep model.ErasureReport
	err = e.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error { return svc.Erase(ctx, tx, e.acme.ID, person, &rep) })
	if err != nil || rep.Files != 1 {
		t.Fatalf("erase: %d files, %v", rep.Files, err)
	}
	if _, blobs, err := svc.Cleanup(ctx, time.Now()); err != nil || blobs != 2 { // the image and its thumbnail
		t.Fatalf("cleanup: %d blobs, %v", blobs, err)
	}
	if n := countFiles(root); n != 1 {
		t.Errorf("%d files left, want the agent's contract", n)
	}
	var msgs []model.Message
	agent.do("GET", "/api/v1/conversations/"+itoa(conv)+"/messages", nil, &msgs)
	if len(msgs) != 2 || len(msgs[0].Attachments) != 0 || len(msgs[1].Attachments) != 1 {
		t.Errorf("messages after erasure: %+v", msgs)
	}
}
