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

// BenchmarkAppendMessage is bar P4: messages persisted (committed, with
// their sequence number and notification) across 1,000 conversations by 32
// concurrent writers.
func BenchmarkAppendMessage(b *testing.B) {
	db := pgtest.Open(b)
	ctx := context.Background()
	org, _ := db.CreateOrganization(ctx, "Bench")
	const conversations, writers = 1000, 32
	ids := make([]int64, conversations)
	for i := range ids {
		ga, _, err := db.StartConversation(ctx, postgres.NewConversation{OrganizationID: org.ID, Channel: model.ChannelWidget,
			AccessToken: fmt.Sprintf("bench-token-%06d-xxxxxxxxxx", i)})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = ga.Conversation.ID
	}
	author := postgres.Author{Kind: model.AuthorGuest, Name: "G"}
	var next atomic.Int64
	b.ResetTimer()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				conv := ids[(int(n)*7+w)%conversations]
				if _, err := db.AppendMessage(ctx, org.ID, conv, author, fmt.Sprintf("c%d", n), "Hello, is anyone there?"); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
