package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/push"
	"github.com/frontdesk/frontdesk/model"
)

// TestMentionPushesTheColleague: a note naming @anna reaches Anna's closed
// app as a Web Push (verified and decrypted on loopback), and the guest
// gets no email for it.
func TestMentionPushesTheColleague(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	org := f.agent.OrganizationID
	ben, err := f.db.CreateAgent(ctx, org, postgres.NewAgent{Email: "ben@acme.test", Name: "Ben", Slug: "ben", TimeZone: "UTC", Role: model.RoleAgent, License: model.LicenseStandard, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	sub := f.push.NewSubscription()
	var in push.Subscription
	if err := json.Unmarshal(sub.JSON(), &in); err != nil {
		t.Fatal(err)
	}
	if err := f.pusher.Subscribe(ctx, org, f.agent.ID, in, "test"); err != nil {
		t.Fatal(err)
	}
	ga, _, err := f.db.StartConversation(ctx, postgres.NewConversation{OrganizationID: org, Channel: model.ChannelWidget,
		AccessToken: "mentionmentionmentionmention", Guest: model.Guest{Name: "Gina", Email: "gina@guest.test"}})
	if err != nil {
		t.Fatal(err)
	}
	note, err := f.db.Post(ctx, org, ga.Conversation.ID, postgres.NewMessage{Author: postgres.Author{Kind: model.AuthorAgent, ID: &ben.ID, Name: "Ben"},
		ClientID: "n1", Body: "@anna can you call her back?", Private: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(note.Message.Mentions) != 1 || note.Message.Mentions[0] != f.agent.ID {
		t.Fatalf("mentions %v", note.Message.Mentions)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(f.push.Messages(sub)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no push arrived; rejections: %+v", f.push.Rejections())
		}
		time.Sleep(20 * time.Millisecond)
	}
	var p struct{ Title, Body, Path string }
	json.Unmarshal(f.push.Messages(sub)[0].Payload, &p)
	if p.Title != "Ben mentioned you" || p.Body != "@anna can you call her back?" || p.Path != fmt.Sprintf("/c/%d", ga.Conversation.ID) {
		t.Fatalf("push payload %+v", p)
	}
	f.newQ().WaitIdle(ctx)
	if msgs := f.smtp.Messages(); len(msgs) != 0 {
		t.Fatalf("a note sent %d emails: %v", len(msgs), msgs[0].Subject())
	}
}
