package caldav_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/calendar/caldav"
	"github.com/frontdesk/frontdesk/backend/radicaletest"
)

func account(s *radicaletest.Server, url string) caldav.Account {
	return caldav.Account{URL: url, Username: s.User, Password: s.Password}
}

func meeting(uid string, seq int, start time.Time) caldav.Event {
	return caldav.Event{
		UID:            uid,
		Sequence:       seq,
		Start:          start,
		End:            start.Add(30 * time.Minute),
		Summary:        "Meeting with Guest; \"quoted\", comma",
		Description:    "Booked on the website.\nSecond line.",
		URL:            "https://frontdesk.example/app/conversations/7",
		OrganizerName:  "Ada Agent",
		OrganizerEmail: "ada@example.com",
		Attendees:      []caldav.Attendee{{Name: `Gus "G" Guest`, Email: "gus@example.org"}},
	}
}

func TestPutUpdateDelete(t *testing.T) {
	srv := radicaletest.Start(t)
	ctx := context.Background()
	c := caldav.New(caldav.Options{})
	acct := account(srv, srv.CalendarURL)
	const uid = "meeting-42@frontdesk.example"

	first := meeting(uid, 0, time.Date(2031, 5, 6, 9, 0, 0, 0, time.UTC))
	if err := c.Put(ctx, acct, first); err != nil {
		t.Fatal(err)
	}
	got, err := c.Get(ctx, acct, uid)
	if err != nil {
		t.Fatal(err)
	}
	assertEvent(t, got, first)
	objs := srv.Objects(t)
	if len(objs) != 1 {
		t.Fatalf("calendar holds %d objects after the first put, want 1", len(objs))
	}
	for name, ics := range objs {
		for _, want := range []string{"UID:" + uid, "SEQUENCE:0", "SCHEDULE-AGENT=CLIENT", "PARTSTAT=ACCEPTED", "mailto:gus@example.org"} {
			if !strings.Contains(ics, want) {
				t.Errorf("stored %s lacks %q:\n%s", name, want, ics)
			}
		}
		if strings.Contains(ics, "METHOD:") {
			t.Errorf("stored object has a METHOD, which CalDAV forbids:\n%s", ics)
		}
	}

	moved := meeting(uid, 1, time.Date(2031, 5, 7, 14, 30, 0, 0, time.UTC))
	moved.End = moved.Start.Add(time.Hour)
	if err := c.Put(ctx, acct, moved); err != nil {
		t.Fatal(err)
	}
	got, err = c.Get(ctx, acct, uid)
	if err != nil {
		t.Fatal(err)
	}
	assertEvent(t, got, moved)
	objs = srv.Objects(t)
	if len(objs) != 1 {
		t.Fatalf("calendar holds %d objects after the update, want the one event moved", len(objs))
	}
	for _, ics := range objs {
		if !strings.Contains(ics, "SEQUENCE:1") || !strings.Contains(ics, "DTSTART:20310507T143000Z") {
			t.Errorf("stored event was not replaced:\n%s", ics)
		}
	}

	cancelled := moved
	cancelled.Sequence, cancelled.Cancelled = 2, true
	if err := c.Put(ctx, acct, cancelled); err != nil {
		t.Fatal(err)
	}
	if got, err = c.Get(ctx, acct, uid); err != nil || !got.Cancelled {
		t.Fatalf("Get after cancelling = %+v, %v", got, err)
	}

	if err := c.Delete(ctx, acct, uid); err != nil {
		t.Fatal(err)
	}
	if objs := srv.Objects(t); len(objs) != 0 {
		t.Fatalf("calendar still holds %v after delete", objs)
	}
	if _, err := c.Get(ctx, acct, uid); !errors.Is(err, caldav.ErrNotFound) {
		t.Fatalf("Get after delete: %v, want ErrNotFound", err)
	}
	if err := c.Delete(ctx, acct, uid); err != nil {
		t.Fatalf("deleting a deleted event: %v", err)
	}
}

func assertEvent(t *testing.T, got, want caldav.Event) {
	t.Helper()
	if got.UID != want.UID || got.Sequence != want.Sequence || !got.Start.Equal(want.Start) || !got.End.Equal(want.End) ||
		got.Summary != want.Summary || got.Description != want.Description || got.URL != want.URL ||
		got.OrganizerName != want.OrganizerName || got.OrganizerEmail != want.OrganizerEmail || got.Cancelled != want.Cancelled {
		t.Errorf("read back\n%+v\nwant\n%+v", got, want)
	}
	if len(got.Attendees) != 1 || got.Attendees[0].Email != want.Attendees[0].Email || got.Attendees[0].Name != `Gus 'G' Guest` {
		t.Errorf("attendees = %+v", got.Attendees)
	}
}

func TestPutRefusesBadEvents(t *testing.T) {
	c := caldav.New(caldav.Options{})
	acct := caldav.Account{URL: "http://127.0.0.1:1/", Username: "u", Password: "p"}
	start := time.Date(2031, 1, 1, 9, 0, 0, 0, time.UTC)
	for name, e := range map[string]caldav.Event{
		"no UID":         {Start: start, End: start.Add(time.Hour)},
		"UID with break": {UID: "a\nb", Start: start, End: start.Add(time.Hour)},
		"ends at start":  {UID: "x", Start: start, End: start},
		"no times":       {UID: "x"},
	} {
		if err := c.Put(context.Background(), acct, e); err == nil || errors.Is(err, caldav.ErrUnreachable) {
			t.Errorf("%s: Put = %v, want a validation error before any request", name, err)
		}
	}
}

func TestDiscovery(t *testing.T) {
	srv := radicaletest.Start(t)
	ctx := context.Background()
	start := time.Date(2031, 6, 2, 8, 0, 0, 0, time.UTC)
	for i, url := range []string{
		srv.CalendarURL,
		strings.TrimSuffix(srv.CalendarURL, "/"),
		srv.PrincipalURL,
		srv.URL,
		srv.URL + "/",
	} {
		t.Run(url, func(t *testing.T) {
			c := caldav.New(caldav.Options{})
			acct := account(srv, url)
			if err := c.Check(ctx, acct); err != nil {
				t.Fatalf("Check: %v", err)
			}
			uid := "discovery-" + string(rune('a'+i))
			if err := c.Put(ctx, acct, meeting(uid, 0, start)); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, ics := range srv.Objects(t) {
				found = found || strings.Contains(ics, "UID:"+uid)
			}
			if !found {
				t.Fatalf("event put through %s is not in the calendar %s", url, srv.CalendarURL)
			}
		})
	}
}

func TestCheckErrors(t *testing.T) {
	srv := radicaletest.Start(t)
	closed := closedPort(t)
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) }) // runs first: lets Close return
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>a web page</html>"))
	}))
	t.Cleanup(web.Close)

	for _, tc := range []struct {
		name    string
		acct    caldav.Account
		want    error
		message string
	}{
		{"wrong password", caldav.Account{URL: srv.CalendarURL, Username: srv.User, Password: "wrong-" + srv.Password}, caldav.ErrUnauthorized, "the calendar refused the username or app password"},
		{"wrong user", caldav.Account{URL: srv.PrincipalURL, Username: "mallory", Password: srv.Password}, caldav.ErrUnauthorized, "the calendar refused the username or app password"},
		{"no such calendar", account(srv, srv.CalendarURL+"nope/"), caldav.ErrNotFound, "no calendar at this URL"},
		{"another user's calendar", account(srv, srv.URL+"/someone/work/"), caldav.ErrForbidden, ""},
		{"not a WebDAV server", account(srv, web.URL), caldav.ErrNotFound, "no calendar at this URL"},
		{"nothing listening", account(srv, "http://"+closed+"/"), caldav.ErrUnreachable, "could not be reached"},
		{"no answer in time", account(srv, slow.URL), caldav.ErrUnreachable, "could not be reached"},
		{"password in URL", caldav.Account{URL: "https://" + srv.User + ":" + srv.Password + "@example.com/", Username: srv.User, Password: srv.Password}, caldav.ErrBadAccount, ""},
		{"not http", account(srv, "caldav.icloud.com"), caldav.ErrBadAccount, ""},
		{"no password", caldav.Account{URL: srv.CalendarURL, Username: srv.User}, caldav.ErrBadAccount, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := caldav.New(caldav.Options{Timeout: 300 * time.Millisecond})
			err := c.Check(context.Background(), tc.acct)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Check = %v, want %v", err, tc.want)
			}
			t.Log(err)
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("Check = %q, want it to say %q", err, tc.message)
			}
			if strings.Contains(err.Error(), srv.Password) {
				t.Errorf("error %q reveals the password", err)
			}
		})
	}
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
