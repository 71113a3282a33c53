package mail_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/invite"
	"github.com/frontdesk/frontdesk/backend/mail"
	"github.com/frontdesk/frontdesk/backend/smtptest"
)

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// senderFor returns a Sender for srv, in clear text unless cfg says
// otherwise.
func senderFor(t *testing.T, srv *smtptest.Server, cfg mail.Config) *mail.Sender {
	t.Helper()
	cfg.Host, cfg.Port = srv.Host(), srv.Port()
	if cfg.TLS == "" {
		cfg.TLS = mail.TLSNone
	}
	if cfg.From == "" {
		cfg.From = "Frontdesk <no-reply@frontdesk.test>"
	}
	var opts []mail.SenderOption
	if tc := srv.ClientTLSConfig(); tc != nil {
		opts = append(opts, mail.WithTLSConfig(tc))
	}
	s, err := mail.NewSender(cfg, testLogger(t), append(opts, mail.WithTimeout(5*time.Second))...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func meeting(t *testing.T, seq int) invite.Event {
	t.Helper()
	return invite.Event{
		UID:         "m-1@frontdesk.test",
		Sequence:    seq,
		Start:       time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
		End:         time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC),
		Summary:     "Meeting with Ada, about: the offer; soon",
		Description: "Notes from Gus:\nbring the contract",
		Organizer:   invite.Person{Name: "Ada Agent", Email: "ada@example.com"},
		Attendees:   []invite.Attendee{{Name: "Gus Guest", Email: "gus@example.org"}},
	}
}

func inviteMessage(t *testing.T, seq int) mail.Message {
	t.Helper()
	cal, err := invite.Request(meeting(t, seq))
	if err != nil {
		t.Fatal(err)
	}
	link := &mail.Link{Text: "Open conversation", URL: "https://frontdesk.test/c/abc"}
	paras := []string{"Your meeting with <Ada> is booked."}
	return mail.Message{
		To:       []mail.Address{{Name: "Gus Güst", Email: "gus@example.org"}},
		ReplyTo:  &mail.Address{Name: "Ada Agent", Email: "ada@example.com"},
		Subject:  "Meeting booked — Tuesday",
		Text:     mail.TextBody("Meeting booked", paras, link),
		HTML:     mail.HTMLBody("Meeting booked", paras, link),
		Calendar: cal,
	}
}

// The message is laid out so that mail clients show an invitation: every
// part is where clients look for it and survives the transfer encodings.
func TestSendLayout(t *testing.T) {
	srv := smtptest.Start(t)
	s := senderFor(t, srv, mail.Config{})
	m := inviteMessage(t, 0)
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, 1, 5*time.Second)[0]
	if got.ParseErr != nil {
		t.Fatal(got.ParseErr)
	}

	if got.From != "no-reply@frontdesk.test" || strings.Join(got.To, ",") != "gus@example.org" {
		t.Errorf("envelope %s → %v", got.From, got.To)
	}
	headers := map[string]string{
		"From":           `"Frontdesk" <no-reply@frontdesk.test>`,
		"Auto-Submitted": "auto-generated",
	}
	for k, want := range headers {
		if v := got.Header.Get(k); v != want {
			t.Errorf("%s: %q, want %q", k, v, want)
		}
	}
	if to, err := got.Header.AddressList("To"); err != nil || len(to) != 1 || to[0].Name != "Gus Güst" || to[0].Address != "gus@example.org" {
		t.Errorf("To: %v, %v", to, err)
	}
	if rt, err := got.Header.AddressList("Reply-To"); err != nil || len(rt) != 1 || rt[0].Address != "ada@example.com" {
		t.Errorf("Reply-To: %v, %v", rt, err)
	}
	if got.Subject() != m.Subject {
		t.Errorf("Subject %q, want %q", got.Subject(), m.Subject)
	}
	if id := got.Header.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@frontdesk.test>") {
		t.Errorf("Message-ID %q, want one in the sender's domain", id)
	}
	if _, err := got.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}

	// Mail adds a line end to each part.
	if strings.TrimRight(got.Text(), "\n") != strings.TrimRight(m.Text, "\n") {
		t.Errorf("text part %q, want %q", got.Text(), m.Text)
	}
	if strings.TrimRight(got.HTML(), "\n") != strings.TrimRight(m.HTML, "\n") || !strings.Contains(got.HTML(), "&lt;Ada&gt;") {
		t.Errorf("html part differs:\n%s", got.HTML())
	}
	cal, ok := got.Calendar()
	if !ok {
		t.Fatalf("no text/calendar part in %+v", got.Parts)
	}
	if cal.Params["method"] != "REQUEST" || !strings.EqualFold(cal.Params["charset"], "UTF-8") {
		t.Errorf("calendar params %v", cal.Params)
	}
	if strings.Join(cal.Parents, " ") != "multipart/mixed multipart/alternative" {
		t.Errorf("calendar part inside %v", cal.Parents)
	}
	if !bytes.Equal(cal.Body, m.Calendar) {
		t.Errorf("calendar part changed in transit:\n%q\nwant\n%q", cal.Body, m.Calendar)
	}
	att, ok := got.Attachment("invite.ics")
	if !ok || att.MediaType != "application/ics" || !bytes.Equal(att.Body, m.Calendar) {
		t.Errorf("invite.ics attachment: %+v, %v", att, ok)
	}
	// The alternatives are in order of preference, richest last.
	var order []string
	for _, p := range got.Parts {
		order = append(order, p.MediaType)
	}
	if want := "text/plain text/html text/calendar application/ics"; strings.Join(order, " ") != want {
		t.Errorf("parts %v, want %s", order, want)
	}

	method, ev, err := invite.Parse(cal.Body)
	if err != nil {
		t.Fatal(err)
	}
	if method != invite.MethodRequest || ev.UID != "m-1@frontdesk.test" || ev.Summary != meeting(t, 0).Summary {
		t.Errorf("parsed %s %+v", method, ev)
	}
}

func TestSendWithoutCalendarOrHTML(t *testing.T) {
	srv := smtptest.Start(t)
	s := senderFor(t, srv, mail.Config{})
	m := mail.Message{To: []mail.Address{{Email: "gus@example.org"}}, Subject: "Reply from Ada", Text: "Hello Gus"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, 1, 5*time.Second)[0]
	if len(got.Parts) != 1 || got.Text() != "Hello Gus\n" {
		t.Errorf("parts %+v", got.Parts)
	}
}

func TestSendAuthAndTLS(t *testing.T) {
	tests := []struct {
		name    string
		opts    []smtptest.Option
		cfg     mail.Config
		wantErr bool
	}{
		{name: "plain, no auth"},
		{name: "plain with auth on loopback",
			opts: []smtptest.Option{smtptest.WithAuth("agent", "s3cret")},
			cfg:  mail.Config{Username: "agent", Password: "s3cret"}},
		{name: "wrong password",
			opts: []smtptest.Option{smtptest.WithAuth("agent", "s3cret")},
			cfg:  mail.Config{Username: "agent", Password: "nope"}, wantErr: true},
		{name: "auth required, none configured",
			opts:    []smtptest.Option{smtptest.WithAuth("agent", "s3cret")},
			wantErr: true},
		{name: "STARTTLS with auth",
			opts: []smtptest.Option{smtptest.WithSTARTTLS(), smtptest.WithAuth("agent", "s3cret")},
			cfg:  mail.Config{TLS: mail.TLSStartTLS, Username: "agent", Password: "s3cret"}},
		{name: "STARTTLS required but not offered",
			cfg: mail.Config{TLS: mail.TLSStartTLS}, wantErr: true},
		{name: "implicit TLS",
			opts: []smtptest.Option{smtptest.WithImplicitTLS()},
			cfg:  mail.Config{TLS: mail.TLSImplicit}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, tt.opts...)
			s := senderFor(t, srv, tt.cfg)
			err := s.Send(context.Background(), inviteMessage(t, 0))
			if tt.wantErr {
				if err == nil {
					t.Fatal("sent")
				}
				if mail.IsPermanent(err) {
					t.Errorf("configuration problem treated as permanent: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n := len(srv.WaitFor(t, 1, 5*time.Second)); n != 1 {
				t.Errorf("%d messages", n)
			}
		})
	}
}

func TestSendFailures(t *testing.T) {
	tests := []struct {
		name          string
		setup         func(*smtptest.Server)
		wantPermanent bool
	}{
		{name: "server down", setup: func(s *smtptest.Server) { s.Stop() }},
		{name: "temporary failure", setup: func(s *smtptest.Server) { s.FailNext(1) }},
		{name: "recipient refused", setup: func(s *smtptest.Server) { s.Reject("gus@example.org") }, wantPermanent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t)
			s := senderFor(t, srv, mail.Config{})
			tt.setup(srv)
			err := s.Send(context.Background(), inviteMessage(t, 0))
			if err == nil {
				t.Fatal("sent")
			}
			if mail.IsPermanent(err) != tt.wantPermanent {
				t.Errorf("IsPermanent(%v) = %v", err, !tt.wantPermanent)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("%d messages received", n)
			}
		})
	}
}

func TestSendDisabledLogs(t *testing.T) {
	var buf bytes.Buffer
	s, err := mail.NewSender(mail.Config{}, slog.New(slog.NewTextHandler(&buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if s.Enabled() {
		t.Fatal("sender without host is enabled")
	}
	if err := s.Send(context.Background(), inviteMessage(t, 0)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"level=INFO", "gus@example.org", "Meeting booked — Tuesday"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log lacks %q: %s", want, buf.String())
		}
	}
	// Even disabled, an invalid message is an error.
	if err := s.Send(context.Background(), mail.Message{}); !errors.Is(err, mail.ErrInvalidMessage) {
		t.Errorf("invalid message: %v", err)
	}
}

func TestMessageValidate(t *testing.T) {
	ok := func() mail.Message {
		return mail.Message{To: []mail.Address{{Name: "Gus", Email: "gus@example.org"}}, Subject: "s", Text: "t"}
	}
	cal, err := invite.Cancel(meeting(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		edit    func(*mail.Message)
		wantErr bool
	}{
		{name: "valid", edit: func(*mail.Message) {}},
		{name: "html only", edit: func(m *mail.Message) { m.Text, m.HTML = "", "<p>t</p>" }},
		{name: "calendar, method read from it", edit: func(m *mail.Message) { m.Calendar = cal }},
		{name: "no recipient", edit: func(m *mail.Message) { m.To = nil }, wantErr: true},
		{name: "bad recipient", edit: func(m *mail.Message) { m.To[0].Email = "gus" }, wantErr: true},
		{name: "recipient with display part", edit: func(m *mail.Message) { m.To[0].Email = "Gus <gus@example.org>" }, wantErr: true},
		{name: "name injecting a header", edit: func(m *mail.Message) { m.To[0].Name = "Gus\r\nBcc: x@y.z" }, wantErr: true},
		{name: "bad reply-to", edit: func(m *mail.Message) { m.ReplyTo = &mail.Address{Email: "@"} }, wantErr: true},
		{name: "no subject", edit: func(m *mail.Message) { m.Subject = " " }, wantErr: true},
		{name: "subject injecting a header", edit: func(m *mail.Message) { m.Subject = "hi\r\nBcc: x@y.z" }, wantErr: true},
		{name: "no body", edit: func(m *mail.Message) { m.Text = "" }, wantErr: true},
		{name: "calendar that does not parse", edit: func(m *mail.Message) { m.Calendar = []byte("nope") }, wantErr: true},
		{name: "unknown calendar method", edit: func(m *mail.Message) { m.Calendar, m.CalendarMethod = cal, "REFRESH;x=y" }, wantErr: true},
		{name: "malformed ID", edit: func(m *mail.Message) { m.ID = "<a@b>" }, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ok()
			tt.edit(&m)
			err := m.Validate()
			if tt.wantErr != (err != nil) {
				t.Fatalf("Validate() = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, mail.ErrInvalidMessage) {
				t.Errorf("error does not wrap ErrInvalidMessage: %v", err)
			}
		})
	}
}
