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

// benchConversations is how many conversations the messages are spread
// over (SPEC P4: ≥ 3,000 messages/s persisted across 1,000 conversations).
const benchConversations = 1000

// BenchmarkAppendMessage is bar P4: messages persisted (committed, with
// their sequence number and notification) across 1,000 conversations by 32
// concurrent writers. Each message is its own transaction, as a guest's
// message over the websocket is.
//
// The figure depends on the server more than on this code: fsync and
// synchronous_commit (the private test cluster runs with both off), TLS
// on the connection (sslmode), and two cores shared with this process.
// docs/PERFORMANCE.md has the figures.
func BenchmarkAppendMessage(b *testing.B) {
	db := pgtest.Open(b)
	org, convs := benchConversationsOf(b, db)
	appendConcurrently(b, db, org, convs, 32)
}

// BenchmarkAppendMessageWriters shows how the rate depends on the number of
// concurrent writers; the pool has 16 connections.
func BenchmarkAppendMessageWriters(b *testing.B) {
	db := pgtest.Open(b)
	org, convs := benchConversationsOf(b, db)
	for _, writers := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			appendConcurrently(b, db, org, convs, writers)
		})
	}
}

// benchConversationsOf creates an organization with benchConversations
// open conversations.
func benchConversationsOf(b *testing.B, db *postgres.DB) (int64, []int64) {
	b.Helper()
	ctx := context.Background()
	org, err := db.CreateOrganization(ctx, "Bench")
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, benchConversations)
	for i := range ids {
		ga, _, err := db.StartConversation(ctx, postgres.NewConversation{OrganizationID: org.ID, Channel: model.ChannelWidget,
			AccessToken: fmt.Sprintf("bench-token-%06d-xxxxxxxxxx", i)})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = ga.Conversation.ID
	}
	return org.ID, ids
}

// benchRuns numbers the calls of appendConcurrently: the testing package
// runs a benchmark several times with a growing b.N, and a client id used
// before would take AppendMessage's cheaper duplicate path.
var benchRuns atomic.Int64

// appendConcurrently appends b.N guest messages from the given number of
// goroutines, each message to the next conversation in turn, and reports
// messages per second.
func appendConcurrently(b *testing.B, db *postgres.DB, org int64, convs []int64, writers int) {
	ctx := context.Background()
	author := postgres.Author{Kind: model.AuthorGuest, Name: "G"}
	run := benchRuns.Add(1)
	var next atomic.Int64
	b.ResetTimer()
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				id := fmt.Sprintf("r%d-%d", run, n)
				res, err := db.AppendMessage(ctx, org, convs[n%int64(len(convs))], author, id, "Hello, is anyone there?")
				if err == nil && res.Duplicate {
					err = fmt.Errorf("message %s was taken for a retry", id)
				}
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
