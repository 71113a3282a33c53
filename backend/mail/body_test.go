package mail_test

import (
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/backend/mail"
)

func TestHTMLBody(t *testing.T) {
	tests := []struct {
		name       string
		title      string
		paragraphs []string
		action     *mail.Link
		want       []string
		wantNot    []string
	}{
		{
			name:       "plain",
			title:      "Meeting booked",
			paragraphs: []string{"Gus booked a meeting.", "Tuesday\r\n10:00"},
			action:     &mail.Link{Text: "Open conversation", URL: "https://frontdesk.test/c/abc?x=1&y=2"},
			want: []string{
				"<title>Meeting booked</title>", "<h1", ">Meeting booked</h1>",
				">Gus booked a meeting.</p>", ">Tuesday<br>10:00</p>",
				`href="https://frontdesk.test/c/abc?x=1&amp;y=2"`, ">Open conversation</a>",
			},
		},
		{
			name:       "user text is escaped",
			title:      `<script>alert("t")</script>`,
			paragraphs: []string{`Gus <b>"the guest"</b> & co`},
			action:     &mail.Link{Text: "<img src=x onerror=alert(1)>", URL: "https://x.test/\"><script>"},
			want: []string{
				"&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;",
				"Gus &lt;b&gt;&#34;the guest&#34;&lt;/b&gt; &amp; co",
				"&lt;img src=x onerror=alert(1)&gt;",
			},
			wantNot: []string{"<script>", "<b>", "<img"},
		},
		{
			name:    "unsafe link scheme is neutralised",
			title:   "t",
			action:  &mail.Link{Text: "click", URL: "javascript:alert(1)"},
			want:    []string{`href="#ZgotmplZ"`},
			wantNot: []string{"javascript:"},
		},
		{
			name:    "no action, no button",
			title:   "t",
			wantNot: []string{"<a "},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mail.HTMLBody(tt.title, tt.paragraphs, tt.action)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in\n%s", w, got)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(got, w) {
					t.Errorf("found %q in\n%s", w, got)
				}
			}
		})
	}
}

func TestTextBody(t *testing.T) {
	got := mail.TextBody("Meeting booked", []string{"Gus booked.", "Tuesday\r\n10:00"},
		&mail.Link{Text: "Open conversation", URL: "https://frontdesk.test/c/abc"})
	want := "Meeting booked\n\nGus booked.\n\nTuesday\n10:00\n\nOpen conversation: https://frontdesk.test/c/abc\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got := mail.TextBody("Title", nil, nil); got != "Title\n" {
		t.Errorf("title only: %q", got)
	}
}
