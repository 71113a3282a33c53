//go:build !js

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/frontdesk/frontdesk/backend/smtptest"
	"github.com/frontdesk/frontdesk/model"
)

// TestNoteNeverReachesGuest: a private note with a mention is looked for
// in everything the guest can fetch — the guest API, the guest socket
// (live and replayed), the offline-reply email, the transcript email — and
// found nowhere, while the reply and file around it are.
func TestNoteNeverReachesGuest(t *testing.T) {
	smtp := smtptest.Start(t)
	mailEnv := map[string]string{"FRONTDESK_SMTP_HOST": smtp.Host(), "FRONTDESK_SMTP_PORT": strconv.Itoa(smtp.Port()),
		"FRONTDESK_SMTP_TLS": "none", "FRONTDESK_SMTP_FROM": "frontdesk@example.com"}
	m := startServer(t, func(m *Main) {
		m.Getenv = func(k string) string { return mailEnv[k] }
		m.OfflineDelay = 300 * time.Millisecond
	})
	base := m.URL()
	const secret = "NOTE-7f3a: she may get 20% off"
	admin := panelAPI(t, base, "admin@demo.frontdesk.test")
	anna := panelAPI(t, base, "anna@demo.frontdesk.test")

	// The demo widget offers the transcript.
	widgets, err := admin.Widgets(context.Background())
	if err != nil || len(widgets) == 0 {
		t.Fatalf("widgets: %v", err)
	}
	on := true
	if _, err := admin.UpdateWidget(context.Background(), widgets[0].ID, model.WidgetInput{TranscriptEnabled: &on, RatingEnabled: &on}); err != nil {
		t.Fatal(err)
	}
	var gc model.GuestConversation
	publicPost(t, base+"/api/v1/public/widgets/"+widgets[0].PublicKey+"/conversations",
		model.StartConversation{VisitorToken: strings.Repeat("n", 30), Name: "Nora Guest", Email: "nora@guest.test"}, &gc)

	// The guest's socket records every frame.
	var mu sync.Mutex
	var frames []string
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws/guest?after=0&token="+gc.Token,
		&websocket.DialOptions{HTTPHeader: http.Header{"Origin": {base}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	go func() {
		for {
			_, b, err := ws.Read(ctx)
			if err != nil {
				return
			}
			mu.Lock()
			frames = append(frames, string(b))
			mu.Unlock()
		}
	}()

	// Anna replies, leaves a note mentioning Ada, and sends a PDF.
	send := func(in model.SendMessage) model.Message {
		t.Helper()
		msg, err := anna.SendMessage(context.Background(), gc.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		return msg
	}
	send(model.SendMessage{ClientID: "r1", Body: "Hello Nora, let me check."})
	note := send(model.SendMessage{ClientID: "n1", Body: secret + " @ada", Private: true})
	if len(note.Mentions) != 1 {
		t.Fatalf("note mentions %v", note.Mentions)
	}
	pdf := uploadAs(t, anna, gc.ID, "offer.pdf", []byte("%PDF-1.4\n%%EOF\n"))
	send(model.SendMessage{ClientID: "r2", Body: "Here is your offer.", AttachmentIDs: []int64{pdf.ID}})

	offline := waitMailTo(t, smtp, "nora@guest.test")
	if !strings.Contains(offline.Text(), "offer.pdf") || !strings.Contains(offline.HTML(), model.GuestURL(pdf.URL, gc.Token)) {
		t.Errorf("offline email has no link to the file:\n%s", offline.Text())
	}

	// Resolved: the guest asks for the transcript.
	if _, err := anna.SetStatus(context.Background(), gc.ID, model.StatusResolved); err != nil {
		t.Fatal(err)
	}
	if res, err := http.Post(base+"/api/v1/public/conversations/"+gc.Token+"/transcript", "application/json", strings.NewReader("{}")); err != nil || res.StatusCode != 202 {
		t.Fatalf("transcript: %v %v", res, err)
	}
	var transcript smtptest.Received
	deadline := time.Now().Add(30 * time.Second)
	for transcript.Subject() != "Your conversation transcript" && time.Now().Before(deadline) {
		for _, r := range smtp.Messages() {
			if r.Subject() == "Your conversation transcript" {
				transcript = r
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(transcript.Text(), "Here is your offer.") || !strings.Contains(transcript.Text(), "offer.pdf") {
		t.Fatalf("transcript:\n%s", transcript.Text())
	}

	// Everything the guest could fetch.
	fetched := map[string]string{"offline email": offline.Text() + offline.HTML(), "transcript": transcript.Text() + transcript.HTML()}
	for _, path := range []string{"", "/messages", "/messages?after=1"} {
		fetched["GET "+path] = guestGet(t, base+"/api/v1/public/conversations/"+gc.Token+path)
	}
	fetched["file"] = guestGet(t, base+model.GuestURL(pdf.URL, gc.Token))
	fetched["note as a file"] = guestGetStatus(t, base+model.GuestURL(model.FilePath(note.ID), gc.Token))
	replay, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws/guest?after=0&token="+gc.Token,
		&websocket.DialOptions{HTTPHeader: http.Header{"Origin": {base}}})
	if err != nil {
		t.Fatal(err)
	}
	defer replay.CloseNow()
	for range 2 { // the two messages the guest may see
		rctx, rcancel := context.WithTimeout(ctx, 5*time.Second)
		_, b, err := replay.Read(rctx)
		rcancel()
		if err != nil {
			t.Fatal(err)
		}
		fetched["replay"] += string(b)
	}
	mu.Lock()
	fetched["live socket"] = strings.Join(frames, "\n")
	mu.Unlock()
	if !strings.Contains(fetched["live socket"], "Here is your offer.") {
		t.Errorf("the live socket missed the reply: %s", fetched["live socket"])
	}
	for where, body := range fetched {
		if strings.Contains(body, "NOTE-7f3a") || strings.Contains(body, "20% off") {
			t.Errorf("the note reached the guest through %s", where)
		}
	}
	for _, r := range smtp.Messages() {
		if strings.Contains(r.Text()+r.HTML(), "NOTE-7f3a") && !strings.Contains(strings.Join(r.To, ","), "demo.frontdesk.test") {
			t.Errorf("an email to %v carries the note", r.To)
		}
	}
}

func uploadAs(t *testing.T, a *panelAgent, conv int64, name string, data []byte) model.Attachment {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", a.base+"/api/v1/conversations/"+strconv.FormatInt(conv, 10)+"/files", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set(model.CSRFHeader, a.session.CSRFToken)
	res, err := a.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var att model.Attachment
	if err := json.NewDecoder(res.Body).Decode(&att); err != nil || res.StatusCode != 201 {
		t.Fatalf("upload: %d %v", res.StatusCode, err)
	}
	return att
}

func guestGet(t *testing.T, u string) string {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", u, res.StatusCode, b)
	}
	return string(b)
}

func guestGetStatus(t *testing.T, u string) string {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.Status + string(b)
}
