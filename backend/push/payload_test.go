package push

import (
	"encoding/json"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// TestPayloadIsGoAppNotification checks the JSON against go-app's own
// app.Notification, whose field names its service worker reads.
func TestPayloadIsGoAppNotification(t *testing.T) {
	p := Payload{Title: "New message", Body: "Hello", Path: "/c/42", Icon: "/web/icon-192.png", Badge: "/web/badge.png", Tag: "conversation-42"}
	ours, err := p.encode()
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := json.Marshal(app.Notification{Title: p.Title, Body: p.Body, Path: p.Path, Icon: p.Icon, Badge: p.Badge, Tag: p.Tag})
	if err != nil {
		t.Fatal(err)
	}
	var got, want map[string]any
	if err := json.Unmarshal(ours, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(theirs, &want); err != nil {
		t.Fatal(err)
	}
	for k, v := range want {
		if v == nil {
			delete(want, k) // app.Notification's "data": null
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("payload JSON\n got %s\nwant %s", ours, theirs)
	}
}

func TestPayloadEncode(t *testing.T) {
	tests := []struct {
		name    string
		in      Payload
		check   func(t *testing.T, p Payload, raw []byte)
		wantErr string
	}{
		{"empty path opens the app", Payload{Title: "Hi"}, func(t *testing.T, p Payload, _ []byte) {
			if p.Path != "/" {
				t.Errorf("path = %q, want /", p.Path)
			}
		}, ""},
		{"long text is cut with an ellipsis", Payload{Title: strings.Repeat("t", 500), Body: strings.Repeat("b", 5000), Path: "/c/1"}, func(t *testing.T, p Payload, _ []byte) {
			if n := utf8.RuneCountInString(p.Title); n != maxTitleRunes || !strings.HasSuffix(p.Title, "…") {
				t.Errorf("title has %d runes (%q…), want %d ending in an ellipsis", n, p.Title[:10], maxTitleRunes)
			}
			if n := utf8.RuneCountInString(p.Body); n != maxBodyRunes || !strings.HasSuffix(p.Body, "…") {
				t.Errorf("body has %d runes, want %d ending in an ellipsis", n, maxBodyRunes)
			}
		}, ""},
		{"escaping-heavy text still fits", Payload{Title: strings.Repeat("<", 500), Body: strings.Repeat("\x01", 5000), Path: "/" + strings.Repeat("p", 990)}, func(t *testing.T, p Payload, raw []byte) {
			if len(raw) > maxPayloadBytes {
				t.Errorf("payload is %d bytes, want at most %d", len(raw), maxPayloadBytes)
			}
			if p.Body == "" || utf8.RuneCountInString(p.Body) >= maxBodyRunes {
				t.Errorf("body has %d runes; want it shortened but kept", utf8.RuneCountInString(p.Body))
			}
		}, ""},
		{"multibyte text is cut on a rune boundary", Payload{Title: "x", Body: strings.Repeat("ü", 1000)}, func(t *testing.T, p Payload, _ []byte) {
			if !utf8.ValidString(p.Body) {
				t.Errorf("body is not valid UTF-8")
			}
		}, ""},
		{"title required", Payload{Title: "  "}, nil, "title: required"},
		{"absolute URL path refused", Payload{Title: "x", Path: "https://evil.example/"}, nil, "path: must be a path"},
		{"protocol-relative path refused", Payload{Title: "x", Path: "//evil.example/"}, nil, "path: must be a path"},
		{"huge icon refused", Payload{Title: "x", Icon: "/" + strings.Repeat("i", maxURLBytes)}, nil, "icon: at most"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := tt.in.encode()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("encode error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			var p Payload
			if err := json.Unmarshal(raw, &p); err != nil {
				t.Fatal(err)
			}
			tt.check(t, p, raw)
		})
	}
}

func TestTopic(t *testing.T) {
	a, b := topic("conversation-1"), topic("conversation-2")
	if len(a) != 32 || a == b || a != topic("conversation-1") {
		t.Fatalf("topics %q, %q: want stable, distinct, 32 characters", a, b)
	}
	if strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
		t.Fatalf("topic %q has characters outside base64url", a)
	}
	if topic("") != "" {
		t.Fatalf("an untagged payload must have no topic")
	}
}

func TestParseSubject(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"mailto:ops@example.com", "ops@example.com", true},
		{"https://frontdesk.example.com/contact", "https://frontdesk.example.com/contact", true},
		{"ops@example.com", "", false},
		{"mailto:not an address", "", false},
		{"mailto:Ops <ops@example.com>", "", false},
		{"http://frontdesk.example.com", "", false},
		{"https://", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, err := parseSubject(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseSubject(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestIsPublic(t *testing.T) {
	tests := map[string]bool{
		"142.250.74.110":   true,
		"2a00:1450:4001::": true,
		"127.0.0.1":        false,
		"::1":              false,
		"10.1.2.3":         false,
		"172.16.0.1":       false,
		"192.168.1.1":      false,
		"169.254.169.254":  false, // cloud metadata
		"100.64.0.1":       false,
		"0.0.0.0":          false,
		"::ffff:10.0.0.1":  false,
		"fd00::1":          false,
		"fe80::1":          false,
		"224.0.0.1":        false,
	}
	for addr, want := range tests {
		if got := isPublic(netip.MustParseAddr(addr)); got != want {
			t.Errorf("isPublic(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestCheckKeyPair(t *testing.T) {
	pub, priv, err := generateKeys()
	if err != nil {
		t.Fatal(err)
	}
	if err := checkKeyPair(pub, priv); err != nil {
		t.Fatalf("fresh pair: %v", err)
	}
	otherPub, _, err := generateKeys()
	if err != nil {
		t.Fatal(err)
	}
	if err := checkKeyPair(otherPub, priv); err == nil {
		t.Fatal("a public key of another pair passed")
	}
	if err := checkKeyPair(pub, "not-a-key"); err == nil {
		t.Fatal("a damaged private key passed")
	}
}
