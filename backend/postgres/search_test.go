package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

func snippetText(h model.SearchHit) (all, marked string) {
	for _, p := range h.Snippet {
		all += p.Text
		if p.Match {
			marked += "[" + p.Text + "]"
		}
	}
	return all, marked
}

func TestSearch(t *testing.T) {
	db := pgtest.Open(t)
	ctx := context.Background()
	acme, _ := db.CreateOrganization(ctx, "Acme")
	other, _ := db.CreateOrganization(ctx, "Other")
	agent, err := db.CreateAgent(ctx, acme.ID, newAgent("a@acme.test", "anna"))
	if err != nil {
		t.Fatal(err)
	}
	start := func(org int64, token string, g model.Guest) int64 {
		t.Helper()
		ga, _, err := db.StartConversation(ctx, postgres.NewConversation{OrganizationID: org, Channel: model.ChannelWidget,
			AccessToken: token + strings.Repeat("x", 24), Guest: g})
		if err != nil {
			t.Fatal(err)
		}
		return ga.Conversation.ID
	}
	say := func(org, conv int64, body string, private bool) {
		t.Helper()
		kind := model.AuthorGuest
		var id *int64
		if private {
			kind, id = model.AuthorAgent, &agent.ID
		}
		if _, err := db.Post(ctx, org, conv, postgres.NewMessage{Author: postgres.Author{Kind: kind, ID: id, Name: "X"}, Body: body, Private: private}); err != nil {
			t.Fatal(err)
		}
	}
	name := "Buchhaltung"
	svc, err := db.CreateService(ctx, acme.ID, postgres.ServiceSpec{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	jurgen := start(acme.ID, "a", model.Guest{Name: "Jürgen Müller", Email: "j.mueller@example.com", Phone: "+49 30 1234567"})
	if _, err := db.Bun.ExecContext(ctx, "UPDATE conversations SET service_id = ? WHERE id = ?", svc.ID, jurgen); err != nil {
		t.Fatal(err)
	}
	say(acme.ID, jurgen, "Hallo, ich habe eine Frage zur Rechnung", false)
	say(acme.ID, jurgen, "Herr Müller braucht eine Gutschrift, bitte prüfen", true)
	cafe := start(acme.ID, "b", model.Guest{Name: "Zoë"})
	say(acme.ID, cafe, "The café on the corner sells Müller's yoghurt", false)
	alien := start(other.ID, "c", model.Guest{Name: "Otto Müller"})
	say(other.ID, alien, "Müller Müller Müller", false)

	t.Run("accents typed without them, newest first, only this organization", func(t *testing.T) {
		hits, err := db.Search(ctx, acme.ID, "Muller", "", 20)
		if err != nil {
			t.Fatal(err)
		}
		// Zoë's message (newest), the note, and Jürgen's conversation by
		// his name.
		if len(hits) != 3 {
			t.Fatalf("%d hits: %+v", len(hits), hits)
		}
		if hits[0].ConversationID != cafe || hits[0].Seq != 1 || hits[1].ConversationID != jurgen || !hits[1].Private || hits[1].Seq != 2 {
			t.Errorf("order: %+v", hits)
		}
		if hits[2].ConversationID != jurgen || hits[2].Seq != 0 || hits[2].GuestName != "Jürgen Müller" {
			t.Errorf("guest hit: %+v", hits[2])
		}
		for _, h := range hits {
			if all, marked := snippetText(h); !strings.Contains(marked, "Müller") {
				t.Errorf("snippet %q marks %q", all, marked)
			}
			if h.At.IsZero() || h.Cursor == "" {
				t.Errorf("hit without time or cursor: %+v", h)
			}
		}
	})

	t.Run("pages follow the cursor", func(t *testing.T) {
		var seen []string
		before := ""
		for range 5 {
			hits, err := db.Search(ctx, acme.ID, "muller", before, 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 {
				break
			}
			seen = append(seen, hits[0].Cursor)
			before = hits[0].Cursor
		}
		if len(seen) != 3 {
			t.Errorf("paged through %d hits, want 3: %v", len(seen), seen)
		}
	})

	for _, tt := range []struct {
		q    string
		want int
	}{
		{"cafe", 1},                // é typed as e
		{"CAFÉ corner", 1},         // all words
		{`"on the corner"`, 1},     // a phrase
		{`"corner the on"`, 0},     // not that phrase
		{"Rechnung -Frage", 0},     // not
		{"Rechnung or yoghurt", 2}, // either
		{"Gutschrift", 1},
		{"Gutsch", 0},  // whole words
		{"mueller", 1}, // the email's parts
		{"j.mueller@example.com", 1},
		{"1234567", 1}, // phone digits
		{"+49 30 1234567", 1},
		{"Müller & | ! <-> :*", 3},        // operators are words, never errors
		{"Otto", 0},                       // another organization's guest
		{"https://x.test/a?b=1&c='d'", 0}, // quotes and question marks are words too
	} {
		hits, err := db.Search(ctx, acme.ID, tt.q, "", 20)
		if err != nil {
			t.Errorf("%q: %v", tt.q, err)
			continue
		}
		if len(hits) != tt.want {
			t.Errorf("%q: %d hits, want %d: %+v", tt.q, len(hits), tt.want, hits)
		}
	}

	for _, tt := range []struct{ q, before, code string }{
		{strings.Repeat("word ", 2000), "", model.CodeSearchQueryInvalid}, // 10,000 characters
		{"!!&&|(():*<->", "", model.CodeSearchQueryInvalid},               // operators only
		{"   ", "", model.CodeSearchQueryInvalid},
		{"a\x00b", "", model.CodeSearchQueryInvalid},
		{"muller", "yesterday", model.CodeValidation},
		{"muller", "123.x5", model.CodeValidation},
	} {
		_, err := db.Search(ctx, acme.ID, tt.q, tt.before, 20)
		if e, ok := model.AsError(err); !ok || e.Code != tt.code || e.Status != 422 {
			t.Errorf("%.30q before %q: %v, want 422 %s", tt.q, tt.before, err, tt.code)
		}
	}
	_ = time.Now
}
