package mail_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/backend/mail"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		vars    map[string]string
		want    mail.Config
		wantErr string
	}{
		{
			name: "nothing set: disabled",
			vars: nil,
			want: mail.Config{Port: 587, TLS: "starttls", From: "Frontdesk <no-reply@localhost>"},
		},
		{
			name: "full",
			vars: map[string]string{
				"FRONTDESK_SMTP_HOST": "smtp.example.com", "FRONTDESK_SMTP_PORT": "2525",
				"FRONTDESK_SMTP_USERNAME": "u", "FRONTDESK_SMTP_PASSWORD": "p",
				"FRONTDESK_SMTP_FROM": "Frontdesk <no-reply@example.com>", "FRONTDESK_SMTP_TLS": "STARTTLS",
			},
			want: mail.Config{Host: "smtp.example.com", Port: 2525, Username: "u", Password: "p",
				From: "Frontdesk <no-reply@example.com>", TLS: "starttls"},
		},
		{
			name: "implicit TLS defaults to 465",
			vars: map[string]string{"FRONTDESK_SMTP_HOST": "h", "FRONTDESK_SMTP_FROM": "a@b.c", "FRONTDESK_SMTP_TLS": "tls"},
			want: mail.Config{Host: "h", Port: 465, From: "a@b.c", TLS: "tls"},
		},
		{
			name: "no TLS defaults to 25",
			vars: map[string]string{"FRONTDESK_SMTP_HOST": "h", "FRONTDESK_SMTP_FROM": "a@b.c", "FRONTDESK_SMTP_TLS": "none"},
			want: mail.Config{Host: "h", Port: 25, From: "a@b.c", TLS: "none"},
		},
		{
			// README promises a default sender: it must hold with SMTP on.
			name: "host without sender: the default, on the public host",
			vars: map[string]string{"FRONTDESK_SMTP_HOST": "h", "FRONTDESK_BASE_URL": "https://frontdesk.example.com/"},
			want: mail.Config{Host: "h", Port: 587, From: "Frontdesk <no-reply@frontdesk.example.com>", TLS: "starttls"},
		},
		{
			name: "host without sender on a local server",
			vars: map[string]string{"FRONTDESK_SMTP_HOST": "h"},
			want: mail.Config{Host: "h", Port: 587, From: "Frontdesk <no-reply@localhost>", TLS: "starttls"},
		},
		{
			name:    "bad sender",
			vars:    map[string]string{"FRONTDESK_SMTP_HOST": "h", "FRONTDESK_SMTP_FROM": "Frontdesk"},
			wantErr: "sender",
		},
		{
			name:    "port not a number",
			vars:    map[string]string{"FRONTDESK_SMTP_HOST": "h", "FRONTDESK_SMTP_FROM": "a@b.c", "FRONTDESK_SMTP_PORT": "smtp"},
			wantErr: "FRONTDESK_SMTP_PORT",
		},
		{
			name:    "port out of range",
			vars:    map[string]string{"FRONTDESK_SMTP_HOST": "h", "FRONTDESK_SMTP_FROM": "a@b.c", "FRONTDESK_SMTP_PORT": "70000"},
			wantErr: "out of range",
		},
		{
			name:    "unknown TLS mode",
			vars:    map[string]string{"FRONTDESK_SMTP_HOST": "h", "FRONTDESK_SMTP_FROM": "a@b.c", "FRONTDESK_SMTP_TLS": "ssl"},
			wantErr: "TLS mode",
		},
		{
			name:    "password without username",
			vars:    map[string]string{"FRONTDESK_SMTP_HOST": "h", "FRONTDESK_SMTP_FROM": "a@b.c", "FRONTDESK_SMTP_PASSWORD": "p"},
			wantErr: "username",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mail.ConfigFromEnv(env(tt.vars))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
			if got.Enabled() != (tt.want.Host != "") {
				t.Errorf("Enabled() = %v", got.Enabled())
			}
		})
	}
}

func TestConfigLogHidesPassword(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	log.Info("smtp", "config", mail.Config{Host: "h", Username: "u", Password: "hunter2", From: "a@b.c"})
	if strings.Contains(buf.String(), "hunter2") {
		t.Errorf("password logged: %s", buf.String())
	}
	if !strings.Contains(buf.String(), "config.host=h") {
		t.Errorf("config not logged: %s", buf.String())
	}
}
