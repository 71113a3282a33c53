package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// benchConversations is how many conversations the messages of
// BenchmarkAppendMessage are spread over (SPEC P4: ≥ 3,000 messages/s
// persisted across 1,000 conversations).
const benchConversations = 1000

// BenchmarkAppendMessage measures committed messages per second: each
// AppendMessage is its own transaction (lock the conversation, check the
// client id, insert, advance the conversation, pg_notify, commit), as a
// guest's message over the websocket is. Writers take conversations round
// robin, so two writers rarely wait on the same conversation row.
//
// The figure depends on the server's durability settings far more than on
// this code: run it against a server with synchronous_commit=on (production)
// as well as the test cluster, which runs with fsync=off. See
// docs/PERFORMANCE.md.
func BenchmarkAppendMessage(b *testing.B) {
	db := pgtest.Open(b)
	ctx := context.Background()
	convs := benchSetup(b, db, benchConversations)

	for _, writers := range []int{1, 16, 32, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			var next atomic.Int64 // message number, shared by all writers
			jobs := make(chan struct{})
			errs := make(chan error, writers)
			var wg sync.WaitGroup
			for range writers {
				wg.Go(func() {
					for range jobs {
						n := next.Add(1)
						conv := convs[n%int64(len(convs))]
						id := fmt.Sprintf("w%d-%d", writers, n)
						if _, err := db.AppendMessage(ctx, conv.org, conv.id, postgres.Author{Kind: model.AuthorGuest, Name: "G"}, id, "Hello, is anyone there? "+id); err != nil {
							errs <- err
							return
						}
					}
				})
			}
			b.ResetTimer()
			for range b.N {
				select {
				case jobs <- struct{}{}:
				case err := <-errs:
					close(jobs)
					wg.Wait()
					b.Fatalf("append: %v", err)
				}
			}
			close(jobs)
			wg.Wait()
			b.StopTimer()
			select {
			case err := <-errs:
				b.Fatalf("append: %v", err)
			default:
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

type benchConv struct{ org, id int64 }

// benchSetup creates an organization with n open conversations.
func benchSetup(b *testing.B, db *postgres.DB, n int) []benchConv {
	b.Helper()
	ctx := context.Background()
	org, err := db.CreateOrganization(ctx, "Bench")
	if err != nil {
		b.Fatalf("create organization: %v", err)
	}
	convs := make([]benchConv, n)
	for i := range convs {
		a, _, err := db.StartConversation(ctx, postgres.NewConversation{
			OrganizationID: org.ID, Channel: model.ChannelWidget,
			AccessToken: fmt.Sprintf("bench-access-token-%06d", i), Guest: model.Guest{Name: "G"},
		})
		if err != nil {
			b.Fatalf("start conversation %d: %v", i, err)
		}
		convs[i] = benchConv{org: org.ID, id: a.Conversation.ID}
	}
	return convs
}
