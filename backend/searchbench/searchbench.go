// Package searchbench generates a large organization to measure search on:
// by default 1,000,000 messages in 100,000 conversations, with guests,
// services and companies, written with COPY. It is used by its benchmark
// (make bench-search), never by the test suite.
package searchbench

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/backend/postgres"
)

// Options size the data.
type Options struct {
	Conversations int
	Messages      int
	// Seed makes the data (and so the figures) repeatable.
	Seed uint64
}

// Defaults are the sizes of the P9 bar.
var Defaults = Options{Conversations: 100_000, Messages: 1_000_000, Seed: 9}

// Data is what was generated, for building queries.
type Data struct {
	OrganizationID int64
	Vocabulary     []string // by frequency, most common first
	LastNames      []string
}

// Generate fills db (already migrated) with one organization of the given
// size, unless it is there already; it returns the organization and the
// words it used.
func Generate(ctx context.Context, db *postgres.DB, opt Options) (Data, error) {
	r := rand.New(rand.NewPCG(opt.Seed, opt.Seed*7+1))
	d := Data{Vocabulary: vocabulary(r, 20_000), LastNames: lastNames}
	name := fmt.Sprintf("Search bench %d/%d/%d", opt.Conversations, opt.Messages, opt.Seed)
	var orgID int64
	err := db.Bun.NewSelect().Table("organizations").Column("id").Where("name = ?", name).Scan(ctx, &orgID)
	if err == nil {
		d.OrganizationID = orgID
		return d, nil
	}
	// One transaction: a run that stops half way leaves nothing to reuse.
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		return d, err
	}
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return d, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // after Commit, a no-op
	if err := tx.QueryRow(ctx, "INSERT INTO organizations (name) VALUES ($1) RETURNING id", name).Scan(&orgID); err != nil {
		return d, fmt.Errorf("create organization: %w", err)
	}
	d.OrganizationID = orgID
	var services []int64
	for _, s := range []string{"Sales", "Support", "Billing"} {
		var id int64
		if err := tx.QueryRow(ctx, "INSERT INTO services (organization_id, name) VALUES ($1, $2) RETURNING id", orgID, s).Scan(&id); err != nil {
			return d, fmt.Errorf("create service: %w", err)
		}
		services = append(services, id)
	}

	var guestBase, convBase, msgBase int64
	if err := tx.QueryRow(ctx, `SELECT
		(SELECT coalesce(max(id), 0) FROM guests), (SELECT coalesce(max(id), 0) FROM conversations), (SELECT coalesce(max(id), 0) FROM messages)`).
		Scan(&guestBase, &convBase, &msgBase); err != nil {
		return d, err
	}

	now := time.Now().UTC()
	n := opt.Conversations
	perConv := opt.Messages / n
	guests := make([][]any, n)
	convs := make([][]any, n)
	for i := range n {
		first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		email := strings.ToLower(asciiOnly(first) + "." + asciiOnly(last) + strconv.Itoa(i) + "@example.com")
		company := ""
		if r.IntN(3) == 0 {
			company = companies[r.IntN(len(companies))]
		}
		phone := fmt.Sprintf("+49 30 %07d", r.IntN(10_000_000))
		guests[i] = []any{guestBase + int64(i) + 1, orgID, first + " " + last, email, phone, company, "en"}
		started := now.Add(-time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
		status := "resolved"
		if r.IntN(10) == 0 {
			status = "open"
		}
		convs[i] = []any{convBase + int64(i) + 1, orgID, "widget", status, guestBase + int64(i) + 1, services[r.IntN(len(services))],
			"bench" + strconv.FormatInt(orgID, 10) + "x" + strconv.Itoa(i) + strings.Repeat("t", 16), int64(perConv), started, started.Add(time.Duration(perConv) * time.Minute)}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"guests"}, []string{"id", "organization_id", "name", "email", "phone", "company", "language"}, pgx.CopyFromRows(guests)); err != nil {
		return d, fmt.Errorf("copy guests: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"conversations"}, []string{"id", "organization_id", "channel", "status", "guest_id", "service_id",
		"access_token", "last_seq", "created_at", "updated_at"}, pgx.CopyFromRows(convs)); err != nil {
		return d, fmt.Errorf("copy conversations: %w", err)
	}
	zipf := rand.NewZipf(r, 1.07, 2, uint64(len(d.Vocabulary)-1))
	msgID := msgBase
	var rows iter.Seq[[]any] = func(yield func([]any) bool) {
		for i := range n {
			started := convs[i][8].(time.Time)
			guestName := guests[i][2].(string)
			for seq := 1; seq <= perConv; seq++ {
				msgID++
				words := make([]string, 4+r.IntN(20))
				for w := range words {
					words[w] = d.Vocabulary[zipf.Uint64()]
				}
				if r.IntN(25) == 0 { // now and then, a name in the text
					words[r.IntN(len(words))] = lastNames[r.IntN(len(lastNames))]
				}
				kind, author := "guest", guestName
				if seq%2 == 0 {
					kind, author = "agent", "Anna Agent"
				}
				if c := words[0][0]; c >= 'a' && c <= 'z' {
					words[0] = string(c-'a'+'A') + words[0][1:]
				}
				if !yield([]any{msgID, orgID, convs[i][0], int64(seq), kind, author, strings.Join(words, " ") + ".",
					started.Add(time.Duration(seq) * time.Minute)}) {
					return
				}
			}
		}
	}
	next, stop := iter.Pull(rows)
	defer stop()
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"messages"}, []string{"id", "organization_id", "conversation_id", "seq", "author_kind", "author_name", "body", "created_at"},
		&rowSource{next: next}); err != nil {
		return d, fmt.Errorf("copy messages: %w", err)
	}
	for _, t := range []string{"guests", "conversations", "messages"} {
		if _, err := tx.Exec(ctx, fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT max(id) FROM %s))", t, t)); err != nil {
			return d, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return d, err
	}
	// Statistics for every table (message_search above all), as autovacuum
	// would gather them after such a load.
	if _, err := conn.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		return d, err
	}
	return d, nil
}

// rowSource feeds CopyFrom from an iterator without holding every row.
type rowSource struct {
	next func() ([]any, bool)
	row  []any
}

func (s *rowSource) Next() bool {
	var ok bool
	s.row, ok = s.next()
	return ok
}

func (s *rowSource) Values() ([]any, error) { return s.row, nil }
func (s *rowSource) Err() error             { return nil }

// vocabulary makes n pronounceable words, a few with accents, so that
// unaccented queries are exercised.
func vocabulary(r *rand.Rand, n int) []string {
	onsets := []string{"b", "br", "c", "ch", "d", "f", "g", "gr", "k", "l", "m", "n", "p", "pr", "r", "s", "st", "t", "tr", "v", "w", "z", "sch"}
	vowels := []string{"a", "e", "i", "o", "u", "ei", "au", "ä", "ö", "ü", "é"}
	codas := []string{"", "n", "r", "s", "t", "l", "m", "ng", "ck", "ss"}
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var b strings.Builder
		for range 1 + r.IntN(3) {
			v := vowels[r.IntN(5)]
			if r.IntN(12) == 0 {
				v = vowels[5+r.IntN(len(vowels)-5)]
			}
			b.WriteString(onsets[r.IntN(len(onsets))] + v + codas[r.IntN(len(codas))])
		}
		if w := b.String(); len(w) >= 3 && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

func asciiOnly(s string) string {
	return strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "é", "e", "è", "e", "ë", "e", "ç", "c", "ñ", "n", "ø", "o", "å", "a").Replace(strings.ToLower(s))
}

var (
	firstNames = []string{"Anna", "Jürgen", "Zoë", "François", "Chiara", "José", "Ingrid", "Mehmet", "Søren", "Beatriz", "Lukas", "Émilie", "Noah", "Olivia", "Mia", "Luca", "Matteo", "Sofía", "Björn", "Agnès"}
	lastNames  = []string{"Müller", "Schmidt", "Rossi", "García", "Dubois", "Jensen", "Nowak", "Öztürk", "Lefèvre", "Brontë", "Fernández", "Weiß", "Håkansson", "Nuñez", "Conti", "Bauer", "Martin", "Smith", "Kowalski", "Petit"}
	companies  = []string{"Acme GmbH", "Café Müller", "Northwind", "Globex", "Initech", "Umbrella", "Stark Industries", "Wayne Enterprises", "Hooli", "Société Générale"}
)
