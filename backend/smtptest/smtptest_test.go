package smtptest_test

import (
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/frontdesk/frontdesk/backend/smtptest"
)

// message is a hand-written MIME message shaped like an invitation: an
// alternative of quoted-printable text, base64 HTML and a calendar, plus
// the calendar again as an attachment.
const message = "From: Frontdesk <no-reply@frontdesk.test>\r\n" +
	"To: gus@example.org\r\n" +
	"Subject: =?UTF-8?q?Gr=C3=BC=C3=9Fe?= and a meeting\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=outer\r\n" +
	"\r\n" +
	"--outer\r\n" +
	"Content-Type: multipart/alternative; boundary=inner\r\n" +
	"\r\n" +
	"--inner\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"Gr=C3=BC=C3=9Fe, a very long line that is soft-=\r\nwrapped.\r\n\r\n" +
	"--inner\r\n" +
	"Content-Type: text/html; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"PHA+SGVsbG88L3A+\r\n" +
	"--inner\r\n" +
	"Content-Type: text/calendar; method=REQUEST; charset=UTF-8\r\n" +
	"\r\n" +
	"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n" +
	"--inner--\r\n" +
	"--outer\r\n" +
	"Content-Type: application/ics; name=\"invite.ics\"\r\n" +
	"Content-Disposition: attachment; filename=\"invite.ics\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"QkVHSU46VkNBTEVOREFSDQpF\r\nTkQ6VkNBTEVOREFSDQo=\r\n" +
	"--outer--\r\n"

// send delivers message over plain SMTP (go-smtp's SendMail insists on
// STARTTLS).
func send(addr string, to ...string) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.SendMail("no-reply@frontdesk.test", to, strings.NewReader(message))
}

func TestReceivesAndParses(t *testing.T) {
	s := smtptest.Start(t)
	if err := send(s.Addr(), "gus@example.org", "ada@example.com"); err != nil {
		t.Fatal(err)
	}
	got := s.WaitFor(t, 1, 5*time.Second)
	if len(got) != 1 {
		t.Fatalf("%d messages, want 1", len(got))
	}
	m := got[0]
	if m.ParseErr != nil {
		t.Fatal(m.ParseErr)
	}
	if m.From != "no-reply@frontdesk.test" || strings.Join(m.To, ",") != "gus@example.org,ada@example.com" {
		t.Errorf("envelope %q → %q", m.From, m.To)
	}
	if string(m.Data) != message {
		t.Errorf("Data is not the message as sent")
	}
	if m.Subject() != "Grüße and a meeting" {
		t.Errorf("Subject() = %q", m.Subject())
	}
	if m.Text() != "Grüße, a very long line that is soft-wrapped.\n" {
		t.Errorf("Text() = %q", m.Text())
	}
	if m.HTML() != "<p>Hello</p>" {
		t.Errorf("HTML() = %q", m.HTML())
	}
	cal, ok := m.Calendar()
	if !ok || cal.Params["method"] != "REQUEST" || string(cal.Body) != "BEGIN:VCALENDAR\r\nEND:VCALENDAR" {
		t.Errorf("Calendar() = %+v, %v", cal, ok)
	}
	if strings.Join(cal.Parents, " ") != "multipart/mixed multipart/alternative" {
		t.Errorf("calendar parents %v", cal.Parents)
	}
	att, ok := m.Attachment("invite.ics")
	if !ok || att.MediaType != "application/ics" || string(att.Body) != "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n" {
		t.Errorf("Attachment() = %+v, %v", att, ok)
	}
}

func TestStopAndRestart(t *testing.T) {
	s := smtptest.Start(t)
	addr := s.Addr()
	if err := send(addr, "gus@example.org"); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	if err := send(addr, "gus@example.org"); err == nil {
		t.Fatal("delivered to a stopped server")
	}
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if s.Addr() != addr {
		t.Errorf("restarted on %s, want %s", s.Addr(), addr)
	}
	if err := s.Restart(); err == nil {
		t.Error("restarted a running server")
	}
	if err := send(addr, "gus@example.org"); err != nil {
		t.Fatal(err)
	}
	if got := s.WaitFor(t, 2, 5*time.Second); len(got) != 2 {
		t.Errorf("%d messages, want 2", len(got))
	}
}

// Stopping right after starting, before the server goroutine has run,
// must not hang.
func TestStopAtOnce(t *testing.T) {
	for range 20 {
		s := smtptest.Start(t)
		s.Stop()
		if err := send(s.Addr(), "gus@example.org"); err == nil {
			t.Fatal("delivered to a stopped server")
		}
	}
}

func TestFailuresAndRejections(t *testing.T) {
	s := smtptest.Start(t)
	s.FailNext(2)
	s.Reject("Nobody@Example.org")
	tests := []struct {
		name     string
		to       string
		wantCode int
	}{
		{name: "first temporary failure", to: "gus@example.org", wantCode: 451},
		{name: "second temporary failure", to: "gus@example.org", wantCode: 451},
		{name: "recovered", to: "gus@example.org", wantCode: 0},
		{name: "rejected recipient, any case", to: "nobody@example.org", wantCode: 550},
	}
	for _, tt := range tests {
		err := send(s.Addr(), tt.to)
		var smtpErr *smtp.SMTPError
		switch {
		case tt.wantCode == 0 && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantCode != 0 && (!errors.As(err, &smtpErr) || smtpErr.Code != tt.wantCode):
			t.Errorf("%s: got %v, want code %d", tt.name, err, tt.wantCode)
		}
	}
	if got := s.Messages(); len(got) != 1 {
		t.Errorf("%d messages kept, want 1", len(got))
	}
}

func TestAuthAndTLS(t *testing.T) {
	tests := []struct {
		name    string
		opts    []smtptest.Option
		dial    func(s *smtptest.Server) (*smtp.Client, error)
		auth    sasl.Client
		wantErr bool
	}{
		{
			name: "auth required but not given",
			opts: []smtptest.Option{smtptest.WithAuth("u", "p")},
			dial: func(s *smtptest.Server) (*smtp.Client, error) { return smtp.Dial(s.Addr()) }, wantErr: true,
		},
		{
			name: "wrong password",
			opts: []smtptest.Option{smtptest.WithAuth("u", "p")},
			dial: func(s *smtptest.Server) (*smtp.Client, error) { return smtp.Dial(s.Addr()) },
			auth: sasl.NewPlainClient("", "u", "wrong"), wantErr: true,
		},
		{
			name: "right password",
			opts: []smtptest.Option{smtptest.WithAuth("u", "p")},
			dial: func(s *smtptest.Server) (*smtp.Client, error) { return smtp.Dial(s.Addr()) },
			auth: sasl.NewPlainClient("", "u", "p"),
		},
		{
			name: "STARTTLS with auth",
			opts: []smtptest.Option{smtptest.WithSTARTTLS(), smtptest.WithAuth("u", "p")},
			dial: func(s *smtptest.Server) (*smtp.Client, error) {
				return smtp.DialStartTLS(s.Addr(), s.ClientTLSConfig())
			},
			auth: sasl.NewPlainClient("", "u", "p"),
		},
		{
			name: "implicit TLS",
			opts: []smtptest.Option{smtptest.WithImplicitTLS()},
			dial: func(s *smtptest.Server) (*smtp.Client, error) { return smtp.DialTLS(s.Addr(), s.ClientTLSConfig()) },
		},
		{
			name: "implicit TLS, certificate not trusted",
			opts: []smtptest.Option{smtptest.WithImplicitTLS()},
			dial: func(s *smtptest.Server) (*smtp.Client, error) {
				return smtp.DialTLS(s.Addr(), &tls.Config{ServerName: "127.0.0.1"})
			},
			wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := smtptest.Start(t, tt.opts...)
			err := func() error {
				c, err := tt.dial(s)
				if err != nil {
					return err
				}
				defer c.Close()
				if tt.auth != nil {
					if err := c.Auth(tt.auth); err != nil {
						return err
					}
				}
				return c.SendMail("no-reply@frontdesk.test", []string{"gus@example.org"}, strings.NewReader(message))
			}()
			if tt.wantErr != (err != nil) {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if want := map[bool]int{true: 0, false: 1}[tt.wantErr]; len(s.Messages()) != want {
				t.Errorf("%d messages, want %d", len(s.Messages()), want)
			}
		})
	}
}
