package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

func TestMigrateIsIdempotentAndConcurrent(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := context.Background()
	// The template is already migrated; start three "instances" at once and
	// each must find nothing to do, without error.
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := postgres.Open(ctx, dsn)
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			errs <- db.Migrate(ctx)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
}

func newAgent(email, slug string) postgres.NewAgent {
	return postgres.NewAgent{Email: email, Name: "N " + slug, Slug: slug, TimeZone: "UTC", Role: model.RoleAgent, License: model.LicenseStandard, PasswordHash: "x"}
}

func TestAgentConstraints(t *testing.T) {
	db := pgtest.Open(t)
	ctx := context.Background()
	org, err := db.CreateOrganization(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateAgent(ctx, org.ID, newAgent("a@x.test", "a")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   postgres.NewAgent
		code string
	}{
		{"duplicate email, other case", newAgent("A@X.test", "b"), model.CodeEmailTaken},
		{"duplicate slug", newAgent("b@x.test", "a"), model.CodeSlugTaken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.CreateAgent(ctx, org.ID, tt.in)
			var e *model.Error
			if !errors.As(err, &e) || e.Code != tt.code {
				t.Fatalf("got %v, want code %s", err, tt.code)
			}
		})
	}
}

func TestServiceMembersStayInTheirOrganization(t *testing.T) {
	db := pgtest.Open(t)
	ctx := context.Background()
	acme, _ := db.CreateOrganization(ctx, "Acme")
	other, _ := db.CreateOrganization(ctx, "Other")
	stranger, err := db.CreateAgent(ctx, other.ID, newAgent("s@o.test", "s"))
	if err != nil {
		t.Fatal(err)
	}
	name := "Sales"
	ids := []int64{stranger.ID}
	_, err = db.CreateService(ctx, acme.ID, postgres.ServiceSpec{Name: &name, MemberIDs: &ids})
	var e *model.Error
	if !errors.As(err, &e) || e.Code != model.CodeValidation {
		t.Fatalf("got %v, want validation error", err)
	}
	services, err := db.Services(ctx, acme.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(services) != 0 {
		t.Fatalf("half-written service left behind: %+v", services)
	}
}

func TestServiceAssignableNeedsActiveStandardMember(t *testing.T) {
	db := pgtest.Open(t)
	ctx := context.Background()
	org, _ := db.CreateOrganization(ctx, "Acme")
	basic := newAgent("b@x.test", "b")
	basic.License = model.LicenseBasic
	b, _ := db.CreateAgent(ctx, org.ID, basic)
	s, _ := db.CreateAgent(ctx, org.ID, newAgent("s@x.test", "s"))
	name := "Billing"
	ids := []int64{b.ID}
	svc, err := db.CreateService(ctx, org.ID, postgres.ServiceSpec{Name: &name, MemberIDs: &ids})
	if err != nil {
		t.Fatal(err)
	}
	if svc.Assignable {
		t.Fatal("service with only a Basic member is assignable")
	}
	ids = []int64{b.ID, s.ID}
	svc, err = db.UpdateService(ctx, org.ID, svc.ID, postgres.ServiceSpec{MemberIDs: &ids})
	if err != nil {
		t.Fatal(err)
	}
	if !svc.Assignable {
		t.Fatal("service with a Standard member is not assignable")
	}
	off := false
	if _, err := db.UpdateAgent(ctx, org.ID, s.ID, postgres.AgentPatch{Active: &off}); err != nil {
		t.Fatal(err)
	}
	if svc, _ = db.Service(ctx, org.ID, svc.ID); svc.Assignable {
		t.Fatal("service whose Standard member was deactivated is still assignable")
	}
}

func TestLastAdminCannotBeDemoted(t *testing.T) {
	db := pgtest.Open(t)
	ctx := context.Background()
	org, _ := db.CreateOrganization(ctx, "Acme")
	in := newAgent("boss@x.test", "boss")
	in.Role = model.RoleAdmin
	admin, _ := db.CreateAgent(ctx, org.ID, in)
	role := model.RoleAgent
	_, err := db.UpdateAgent(ctx, org.ID, admin.ID, postgres.AgentPatch{Role: &role})
	var e *model.Error
	if !errors.As(err, &e) || e.Code != model.CodeLastAdmin {
		t.Fatalf("got %v, want last_admin", err)
	}
}

func TestRoutingStrategies(t *testing.T) {
	db := pgtest.Open(t)
	ctx := context.Background()
	org, _ := db.CreateOrganization(ctx, "Acme")
	var ids []int64
	for _, s := range []string{"a", "b", "c"} {
		a, err := db.CreateAgent(ctx, org.ID, newAgent(s+"@x.test", s))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	online := func(id int64) {
		if err := db.SetPresence(ctx, "i1", org.ID, id, true); err != nil {
			t.Fatal(err)
		}
	}
	mkService := func(name string, s model.Strategy) *int64 {
		svc, err := db.CreateService(ctx, org.ID, postgres.ServiceSpec{Name: &name, Strategy: &s, MemberIDs: &ids})
		if err != nil {
			t.Fatal(err)
		}
		return &svc.ID
	}
	route := func(svc *int64) int64 {
		got, err := db.Route(ctx, org.ID, svc)
		if err != nil {
			t.Fatal(err)
		}
		if got == nil {
			return 0
		}
		return *got
	}
	rr := mkService("RR", model.StrategyRoundRobin)
	if got := route(rr); got != 0 {
		t.Fatalf("nobody online: routed to %d, want the queue", got)
	}
	online(ids[0])
	online(ids[2]) // b stays offline
	var order []int64
	for range 4 {
		order = append(order, route(rr))
	}
	if want := []int64{ids[0], ids[2], ids[0], ids[2]}; fmt.Sprint(order) != fmt.Sprint(want) {
		t.Fatalf("round robin %v, want %v", order, want)
	}
	if got := route(mkService("Manual", model.StrategyManual)); got != 0 {
		t.Fatalf("manual routed to %d", got)
	}
	lb := mkService("LB", model.StrategyLeastBusy)
	// a holds two open conversations, c none: c is least busy.
	for i := range 2 {
		if _, _, err := db.StartConversation(ctx, postgres.NewConversation{OrganizationID: org.ID, Channel: model.ChannelWidget,
			AssigneeID: &ids[0], AccessToken: fmt.Sprintf("token-%d-xxxxxxxxxxxxxxxxxxxx", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if got := route(lb); got != ids[2] {
		t.Fatalf("least busy routed to %d, want %d", got, ids[2])
	}
}

// TestConcurrentRetriesOfOneMessage: the same agent message sent at once
// from two places (a resend on another instance while the first is being
// committed) is stored once, and both senders get it back — also on the
// path that runs in a transaction because a MessageHook queues jobs.
func TestConcurrentRetriesOfOneMessage(t *testing.T) {
	for _, hook := range []bool{false, true} {
		t.Run(fmt.Sprintf("hook=%v", hook), func(t *testing.T) {
			db := pgtest.Open(t)
			ctx := context.Background()
			org, _ := db.CreateOrganization(ctx, "Acme")
			agent, err := db.CreateAgent(ctx, org.ID, newAgent("a@x.test", "a"))
			if err != nil {
				t.Fatal(err)
			}
			if hook {
				db.MessageHook = func(context.Context, bun.Tx, int64, model.Message) error { return nil }
			}
			conv, _, err := db.StartConversation(ctx, postgres.NewConversation{OrganizationID: org.ID, Channel: model.ChannelWidget,
				AccessToken: "retry-token-xxxxxxxxxxxxxxxxxxxxx"})
			if err != nil {
				t.Fatal(err)
			}
			author := postgres.Author{Kind: model.AuthorAgent, ID: &agent.ID, Name: agent.Name}
			for round := range 20 {
				clientID := fmt.Sprintf("retry-%d", round)
				var wg sync.WaitGroup
				results := make([]postgres.AppendResult, 4)
				errs := make([]error, 4)
				for i := range results {
					wg.Go(func() {
						results[i], errs[i] = db.AppendMessage(ctx, org.ID, conv.Conversation.ID, author, clientID, "hello")
					})
				}
				wg.Wait()
				stored := 0
				for i, err := range errs {
					if err != nil {
						t.Fatalf("round %d sender %d: %v", round, i, err)
					}
					if !results[i].Duplicate {
						stored++
					}
					if results[i].Message.Seq != results[0].Message.Seq {
						t.Fatalf("round %d: senders got seqs %d and %d", round, results[0].Message.Seq, results[i].Message.Seq)
					}
				}
				if stored != 1 {
					t.Fatalf("round %d: stored %d times", round, stored)
				}
			}
		})
	}
}
