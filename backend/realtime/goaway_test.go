package realtime_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/api"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/realtime"
	"github.com/frontdesk/frontdesk/model"
)

// hubServer is one instance whose hub the test holds.
func hubServer(t *testing.T) (*postgres.DB, *realtime.Hub, string) {
	t.Helper()
	db := pgtest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := api.New(api.DefaultConfig(), db, log)
	hub := realtime.New(db, log, nil)
	s.SetHub(hub)
	done := make(chan struct{})
	go func() { defer close(done); hub.Run(ctx) }()
	<-hub.Ready()
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		srv.Close()
		cancel()
		<-done
	})
	return db, hub, srv.URL
}

func guestSocket(t *testing.T, base, token string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws/guest?token="+token, nil)
}

func closedWith(t *testing.T, c *websocket.Conn) websocket.StatusCode {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		if _, _, err := c.Read(ctx); err != nil {
			return websocket.CloseStatus(err)
		}
	}
}

// A shutting-down instance tells its sockets to go elsewhere (4001, not an
// error), and refuses new ones with 503 shutting_down.
func TestGoAway(t *testing.T) {
	db, hub, base := hubServer(t)
	ctx := context.Background()
	org, _ := db.CreateOrganization(ctx, "Acme")
	a, _, err := db.StartConversation(ctx, postgres.NewConversation{OrganizationID: org.ID, Channel: model.ChannelWidget,
		AccessToken: "goawaygoawaygoawaygoaway", Guest: model.Guest{Name: "Gus"}})
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := guestSocket(t, base, a.Token)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	hub.GoAway()
	if code := closedWith(t, c); code != realtime.StatusGoAway {
		t.Fatalf("closed with %d, want %d", code, model.CloseGoAway)
	}
	_, res, err := guestSocket(t, base, a.Token)
	if err == nil || res == nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a socket asked for while shutting down: %v, %+v", err, res)
	}
	var body model.ErrorResponse
	json.NewDecoder(res.Body).Decode(&body) //nolint:errcheck
	if body.Error == nil || body.Error.Code != model.CodeShuttingDown {
		t.Fatalf("refusal %+v, want shutting_down", body.Error)
	}
}

// Erasing a guest closes their open socket: the token that opened it no
// longer exists.
func TestErasedGuestSocketIsClosed(t *testing.T) {
	db, _, base := hubServer(t)
	ctx := context.Background()
	org, _ := db.CreateOrganization(ctx, "Acme")
	a, _, err := db.StartConversation(ctx, postgres.NewConversation{OrganizationID: org.ID, Channel: model.ChannelWidget,
		AccessToken: "eraseeraseeraseeraseerase", Guest: model.Guest{Name: "Eve", Email: "eve@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := guestSocket(t, base, a.Token)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	err = db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		p, err := db.PersonOfGuest(ctx, tx, org.ID, a.Conversation.Guest.ID, true)
		if err != nil {
			return err
		}
		_, err = db.ErasePerson(ctx, tx, org.ID, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if code := closedWith(t, c); code != websocket.StatusPolicyViolation {
		t.Fatalf("closed with %d, want %d", code, websocket.StatusPolicyViolation)
	}
}
