package radicaletest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestStart(t *testing.T) {
	s := Start(t)

	const ics = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//radicaletest//EN
BEGIN:VEVENT
UID:hello@test
DTSTAMP:20300101T000000Z
DTSTART:20300101T090000Z
DTEND:20300101T100000Z
SUMMARY:Hello
END:VEVENT
END:VCALENDAR
`
	s.PutRaw(t, "hello.ics", ics)
	objs := s.Objects(t)
	if len(objs) != 1 || !strings.Contains(objs["hello.ics"], "UID:hello@test") {
		t.Fatalf("Objects = %v", objs)
	}

	for _, tc := range []struct {
		name, password string
		want           int
	}{
		{"right password", s.Password, http.StatusOK},
		{"wrong password", s.Password + "x", http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, s.CalendarURL+"hello.ics", nil)
			req.SetBasicAuth(s.User, tc.password)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("GET = %s, want %d", resp.Status, tc.want)
			}
			if tc.want == http.StatusOK && !strings.Contains(string(body), "SUMMARY:Hello") {
				t.Errorf("GET body = %s", body)
			}
		})
	}
}
