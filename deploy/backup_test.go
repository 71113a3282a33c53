package deploy_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/backend/crm/crmtest"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/seed"
	"github.com/frontdesk/frontdesk/model"
)

// TestBackupRestores follows docs/OPERATIONS.md: a database filled through
// the API is dumped with pg_dump, restored with pg_restore into a new
// database, and a server started on the copy with the same secret key finds
// the same conversations and meetings and can still use the sealed CRM
// token. Started with another key, the server refuses to run and says which
// key it needs.
func TestBackupRestores(t *testing.T) {
	bin := frontdeskBinary(t)
	hubspot := crmtest.NewHubSpot(t)
	ctx := testContext(t, 2*time.Minute)
	server := func(dsn, key string, extra ...string) *instance {
		port := freePort(t)
		return &instance{name: "frontdesk", port: port, out: &syncBuffer{}, env: append([]string{
			"DATABASE_URL=" + dsn,
			"FRONTDESK_ADDR=127.0.0.1:" + strconv.Itoa(port),
			"FRONTDESK_SECRET_KEY=" + key,
			"FRONTDESK_LOG_LEVEL=warn",
			"FRONTDESK_HUBSPOT_URL=" + hubspot.URL(),
		}, extra...)}
	}

	// The original installation, used a little.
	source := pgtest.DSN(t)
	orig := server(source, testSecretKey, "FRONTDESK_DEMO=true")
	must(t, orig.start(bin))
	var tolerate atomic.Bool
	j := newJournal()
	admin := newAPI(orig.url(), j, &tolerate)
	must(t, admin.signIn(ctx, "admin@demo.frontdesk.test", seed.DemoPassword))
	_, err := admin.do(ctx, "PUT", "/api/v1/crm", model.CRMInput{Provider: "hubspot", HubSpotToken: hubspot.Token}, nil)
	must(t, err)
	var widgets []model.Widget
	_, err = admin.do(ctx, "GET", "/api/v1/widgets", nil, &widgets)
	must(t, err)
	guest := newAPI(orig.url(), j, &tolerate)
	var gc model.GuestConversation
	_, err = guest.do(ctx, "POST", "/api/v1/public/widgets/"+widgets[0].PublicKey+"/conversations",
		model.StartConversation{VisitorToken: "backup-visitor-0123456789abcdef", Name: "Bea", Email: "bea@example.com"}, &gc)
	must(t, err)
	_, err = guest.do(ctx, "POST", "/api/v1/public/conversations/"+gc.Token+"/messages", model.SendMessage{ClientID: "b1", Body: "Please keep this safe"}, nil)
	must(t, err)
	var slots model.SlotList
	day := time.Now().UTC()
	_, err = guest.do(ctx, "GET", "/api/v1/public/links/anna/slots?from="+day.Format("2006-01-02")+"&to="+day.AddDate(0, 0, 13).Format("2006-01-02")+"&duration=30&tz=UTC", nil, &slots)
	must(t, err)
	var booked model.Booking
	_, err = guest.do(ctx, "POST", "/api/v1/public/links/anna/meetings", model.BookingRequest{Start: slots.Slots[0], Duration: 30, TimeZone: "UTC", Name: "Bea", Email: "bea@example.com"}, &booked)
	must(t, err)
	if err := orig.stop(t, syscall.SIGINT, 30*time.Second); err != nil {
		t.Fatalf("stop: %v", err)
	}

	// Back up, restore into a new database.
	dump := filepath.Join(t.TempDir(), "frontdesk.dump")
	run(t, "pg_dump", "--format=custom", "--file="+dump, "--dbname="+source)
	restored := newDatabase(t)
	run(t, "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname="+restored, dump)

	// Same key: everything is there.
	copyServer := server(restored, testSecretKey)
	must(t, copyServer.start(bin))
	admin = newAPI(copyServer.url(), j, &tolerate)
	must(t, admin.signIn(ctx, "admin@demo.frontdesk.test", seed.DemoPassword))
	var msgs []model.Message
	_, err = admin.do(ctx, "GET", "/api/v1/conversations/"+strconv.FormatInt(gc.ID, 10)+"/messages", nil, &msgs)
	must(t, err)
	if len(msgs) != 1 || msgs[0].Body != "Please keep this safe" {
		t.Errorf("restored messages %+v", msgs)
	}
	var meeting model.Meeting
	_, err = admin.do(ctx, "GET", "/api/v1/meetings/"+strconv.FormatInt(booked.Meeting.ID, 10), nil, &meeting)
	must(t, err)
	if !meeting.Start.Equal(booked.Meeting.Start) || meeting.Guest.Email != "bea@example.com" {
		t.Errorf("restored meeting %+v, want %+v", meeting, booked.Meeting)
	}
	// The sealed HubSpot token opens: the CRM answers to it.
	before := hubspot.Count("GET", "/account-info")
	_, err = admin.do(ctx, "POST", "/api/v1/crm/test", nil, nil)
	must(t, err)
	if hubspot.Count("GET", "/account-info") != before+1 {
		t.Error("the CRM test did not reach HubSpot with the restored token")
	}
	if len(j.errors()) > 0 {
		t.Fatalf("errors: %v", j.errors())
	}
	if err := copyServer.stop(t, syscall.SIGINT, 30*time.Second); err != nil {
		t.Fatalf("stop: %v", err)
	}

	// Another key: the server stops at once and names the key it needs.
	wrong := server(restored, "QW5vdGhlciBrZXksIG5vdCB0aGUgb25lIHVzZWQgISE=")
	err = wrong.start(bin)
	if err == nil {
		wrong.stop(t, syscall.SIGKILL, 5*time.Second) //nolint:errcheck
		t.Fatal("a server with another secret key started on the restored database")
	}
	out := wrong.out.String()
	for _, want := range []string{"FRONTDESK_SECRET_KEY", "sealed with key", "is key"} {
		if !strings.Contains(out, want) {
			t.Errorf("the refusal does not say %q:\n%s", want, out)
		}
	}
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
}

// newDatabase creates an empty database next to pgtest's, dropped when t
// ends.
func newDatabase(t *testing.T) string {
	t.Helper()
	base := os.Getenv("DATABASE_URL")
	b := make([]byte, 6)
	rand.Read(b) //nolint:errcheck
	name := "fdrestore_" + hex.EncodeToString(b)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), base)
		if err != nil {
			return
		}
		defer conn.Close(context.Background())
		conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") //nolint:errcheck
	})
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" {
		return base + " dbname=" + name
	}
	u.Path = "/" + name
	return u.String()
}
