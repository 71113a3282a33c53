package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/frontdesk/frontdesk/model"
)

// Search finds what an agent of orgID may see: messages (notes included:
// agents see them) and conversations whose guest (name, email, phone,
// company) or tags (service, CRM company) match q, newest first. q is
// read as a web search box reads it ("quoted phrases", or, -not), whole
// words, accents and case not mattering. before continues after a hit's Cursor.
func (db *DB) Search(ctx context.Context, orgID int64, q, before string, limit int) ([]model.SearchHit, error) {
	if err := checkSearch(q); err != nil {
		return nil, err
	}
	cur, err := parseCursor(before)
	if err != nil {
		return nil, err
	}
	// The query is made first and then written into the search as a
	// constant: the planner must see the words to choose between walking
	// back in time (common words) and the word index (rare ones).
	var tsq string
	if err := db.Bun.NewRaw(`SELECT websearch_to_tsquery('frontdesk_search', ?)::text`, q).Scan(ctx, &tsq); err != nil {
		return nil, fmt.Errorf("search query: %w", err)
	}
	if tsq == "" {
		return nil, &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeSearchQueryInvalid,
			Message: "The search has no words to look for.", Fields: map[string]string{"q": "has no words to look for"}}
	}
	lit := "'" + strings.ReplaceAll(tsq, "'", "''") + "'::tsquery"
	var rows []searchRow
	// One short read-only transaction without parallel workers: a search
	// touches a few pages, and starting workers costs more than it saves.
	err = db.Bun.RunInTx(ctx, &sql.TxOptions{ReadOnly: true}, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SET LOCAL max_parallel_workers_per_gather = 0"); err != nil {
			return err
		}
		var err error
		rows, err = db.search(ctx, tx, orgID, lit, cur, limit)
		return err
	})
	if err != nil {
		return nil, err
	}
	hits := make([]model.SearchHit, len(rows))
	for i, r := range rows {
		hits[i] = model.SearchHit{ConversationID: r.ConversationID, Seq: r.Seq, GuestName: r.GuestName, Status: model.Status(r.Status),
			AuthorName: r.AuthorName, Private: r.Private, Snippet: snippetParts(r.Snippet), At: r.At,
			Cursor: cursor{at: r.At, kind: r.Kind, id: r.ID}.String()}
	}
	return hits, nil
}

func (db *DB) search(ctx context.Context, tx bun.Tx, orgID int64, lit string, cur cursor, limit int) ([]searchRow, error) {
	msgAt, msgID := cur.bound(1)
	found, err := db.searchMessages(ctx, tx, orgID, lit, msgAt, msgID, limit)
	if err != nil {
		return nil, err
	}
	ids, ats := make([]int64, len(found)), make([]time.Time, len(found))
	for i, f := range found {
		ids[i], ats[i] = f.ID, f.At
	}
	// The services are few: their ids are looked up first and written in,
	// so the planner knows whether any conversation can match by one.
	services := []int64{}
	if err := db.rawScan(ctx, tx, db.Bun.QueryGen().FormatQuery("SELECT id FROM services WHERE organization_id = ?", orgID)+
		" AND frontdesk_tag_doc(name) @@ "+lit, &services); err != nil {
		return nil, fmt.Errorf("search services: %w", err)
	}
	convAt, convID := cur.bound(0)
	query := db.Bun.QueryGen().FormatQuery(searchSQL,
		pgdialect.Array(ids), pgdialect.Array(ats), // msg
		orgID, convAt, convID, limit, // by_guest
		orgID, pgdialect.Array(services), convAt, convID, limit, // by_service
		orgID, convAt, convID, limit, // by_company
		limit)
	// Written in after formatting, so no "?" in the words is taken for a
	// placeholder.
	var rows []searchRow
	if err := db.rawScan(ctx, tx, strings.ReplaceAll(query, "{{q}}", lit), &rows); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return rows, nil
}

type searchRow struct {
	Kind           int // 1 message, 0 conversation: the tie-break between the two at one instant
	ID             int64
	ConversationID int64
	Seq            int64
	At             time.Time
	Private        bool
	AuthorName     string
	GuestName      string
	Status         string
	Snippet        string
}

// searchSQL finds the conversations whose guest or tags match, each kind
// by its own index, merges them with the message hits, and highlights
// only the page.
const searchSQL = `
WITH msg AS (
	SELECT 1 AS kind, id, at FROM unnest(?::bigint[], ?::timestamptz[]) AS f(id, at)
),
by_guest AS (
	SELECT c.id, c.updated_at FROM conversations c
	WHERE c.guest_id = ANY(ARRAY(SELECT g.id FROM guests g WHERE g.organization_id = ?
		AND frontdesk_guest_doc(g.name, g.company, g.email, g.phone) @@ {{q}}))
	  AND (c.updated_at, c.id) < (?, ?)
	ORDER BY c.updated_at DESC, c.id DESC LIMIT ?
),
by_service AS (
	SELECT c.id, c.updated_at FROM conversations c
	WHERE c.organization_id = ? AND c.service_id = ANY(?::bigint[])
	  AND (c.updated_at, c.id) < (?, ?)
	ORDER BY c.updated_at DESC, c.id DESC LIMIT ?
),
by_company AS (
	SELECT c.id, c.updated_at FROM conversations c
	WHERE c.id = ANY(ARRAY(SELECT cc.conversation_id FROM conversation_crm cc WHERE cc.organization_id = ?
		AND frontdesk_tag_doc(cc.company_name) @@ {{q}}))
	  AND (c.updated_at, c.id) < (?, ?)
	ORDER BY c.updated_at DESC, c.id DESC LIMIT ?
),
page AS (
	SELECT * FROM msg
	UNION ALL
	SELECT 0, id, updated_at FROM (SELECT * FROM by_guest UNION SELECT * FROM by_service UNION SELECT * FROM by_company) conv
	ORDER BY at DESC, kind DESC, id DESC
	LIMIT ?
)
SELECT p.kind, p.id, coalesce(m.conversation_id, p.id) AS conversation_id, coalesce(m.seq, 0) AS seq, p.at,
	coalesce(m.private, false) AS private, coalesce(m.author_name, '') AS author_name, g.name AS guest_name, c.status,
	ts_headline('frontdesk_search', translate(CASE WHEN p.kind = 1 THEN m.body ELSE
			concat_ws(' · ', nullif(g.name, ''), nullif(g.email, ''), nullif(g.phone, ''), nullif(g.company, ''),
				s.name, nullif(cc.company_name, '')) END, E'\uE000\uE001', ''), {{q}},
		'StartSel=' || E'\uE000' || ', StopSel=' || E'\uE001' ||
		', MaxWords=24, MinWords=10, ShortWord=1, MaxFragments=2, FragmentDelimiter=" … "') AS snippet
FROM page p
LEFT JOIN messages m ON p.kind = 1 AND m.id = p.id
JOIN conversations c ON c.id = coalesce(m.conversation_id, p.id)
JOIN guests g ON g.id = c.guest_id
LEFT JOIN services s ON s.id = c.service_id
LEFT JOIN conversation_crm cc ON cc.conversation_id = c.id
ORDER BY p.at DESC, p.kind DESC, p.id DESC`

// wordIndexCap bounds how many matches the word index is asked for. Up to
// it, the matches are all there is and the newest are picked from them;
// beyond it the words are common, and walking back in time finds a page
// of them sooner.
const wordIndexCap = 2000

type messageHit struct {
	ID int64     `bun:"message_id"`
	At time.Time `bun:"created_at"`
}

// searchMessages returns the newest limit messages matching the tsquery
// literal before (at, id). The planner cannot tell a rare word from an
// unknown one and may walk a million rows for it, so the word index is
// asked first, capped; only words too common for the cap are searched by
// walking back in time.
func (db *DB) searchMessages(ctx context.Context, tx bun.Tx, orgID int64, lit string, at time.Time, id int64, limit int) ([]messageHit, error) {
	where := db.Bun.QueryGen().FormatQuery("ms.organization_id = ? AND (ms.created_at, ms.message_id) < (?, ?)", orgID, at, id) +
		" AND ms.doc @@ " + lit
	var hits []messageHit
	// OFFSET 0 keeps the planner from pulling the ORDER BY into the
	// capped scan.
	if err := db.rawScan(ctx, tx, fmt.Sprintf(`SELECT message_id, created_at FROM
		(SELECT ms.message_id, ms.created_at FROM message_search ms WHERE %s LIMIT %d OFFSET 0) f`, where, wordIndexCap), &hits); err != nil {
		return nil, fmt.Errorf("search messages: %w", err)
	}
	if len(hits) < wordIndexCap {
		slices.SortFunc(hits, func(a, b messageHit) int {
			if c := b.At.Compare(a.At); c != 0 {
				return c
			}
			return cmp.Compare(b.ID, a.ID)
		})
		return hits[:min(limit, len(hits))], nil
	}
	hits = hits[:0]
	if err := db.rawScan(ctx, tx, fmt.Sprintf(`SELECT ms.message_id, ms.created_at FROM message_search ms WHERE %s
		ORDER BY ms.created_at DESC, ms.message_id DESC LIMIT %d`, where, limit), &hits); err != nil {
		return nil, fmt.Errorf("search messages: %w", err)
	}
	return hits, nil
}

// rawScan runs SQL that is already formatted: bun would take a "?" inside
// a search's words for a placeholder.
func (db *DB) rawScan(ctx context.Context, tx bun.Tx, query string, dest any) error {
	rows, err := tx.Tx.QueryContext(ctx, query) // the raw *sql.Tx: no formatting
	if err != nil {
		return err
	}
	return db.Bun.ScanRows(ctx, rows, dest)
}

// checkSearch refuses queries that cannot be searched: too long, not
// text, or without a single letter or digit.
func checkSearch(q string) error {
	bad := func(msg string) error {
		return &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeSearchQueryInvalid,
			Message: "The search " + msg + ".", Fields: map[string]string{"q": msg}}
	}
	switch {
	case !utf8.ValidString(q) || strings.ContainsRune(q, 0):
		return bad("must be text")
	case len(q) > model.MaxSearchQuery:
		return bad(fmt.Sprintf("is longer than %d characters", model.MaxSearchQuery))
	case !strings.ContainsFunc(q, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }):
		return bad("has no words to look for")
	}
	return nil
}

// cursor is a hit's place in the order: time, kind, id.
type cursor struct {
	at   time.Time
	kind int
	id   int64
}

func (c cursor) String() string {
	k := "c"
	if c.kind == 1 {
		k = "m"
	}
	return strconv.FormatInt(c.at.UnixMicro(), 10) + "." + k + strconv.FormatInt(c.id, 10)
}

// bound is where hits of a kind must be below, as (time, id) < bound: the
// order is time, then messages before conversations, then id, all
// descending.
func (c cursor) bound(kind int) (time.Time, int64) {
	switch {
	case c.kind == kind:
		return c.at, c.id
	case kind < c.kind:
		return c.at, math.MaxInt64 // the same instant still comes after
	default:
		return c.at, 0 // only earlier instants
	}
}

// parseCursor reads ?before=; empty is the start (after every hit).
func parseCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{at: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), kind: 2}, nil
	}
	bad := &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeValidation, Message: "Invalid search cursor.",
		Fields: map[string]string{"before": "must be a cursor from an earlier search hit"}}
	ts, rest, ok := strings.Cut(s, ".")
	if !ok || len(rest) < 2 || (rest[0] != 'm' && rest[0] != 'c') {
		return cursor{}, bad
	}
	micros, err1 := strconv.ParseInt(ts, 10, 64)
	id, err2 := strconv.ParseInt(rest[1:], 10, 64)
	if err1 != nil || err2 != nil || id <= 0 {
		return cursor{}, bad
	}
	c := cursor{at: time.UnixMicro(micros).UTC(), id: id}
	if rest[0] == 'm' {
		c.kind = 1
	}
	return c, nil
}

// snippetParts splits ts_headline's output at its private-use markers.
func snippetParts(s string) []model.SnippetPart {
	var parts []model.SnippetPart
	match := false
	for s != "" {
		sep := "\uE000"
		if match {
			sep = "\uE001"
		}
		text, rest, found := strings.Cut(s, sep)
		if text != "" {
			parts = append(parts, model.SnippetPart{Text: text, Match: match})
		}
		s = rest
		if found {
			match = !match
		}
	}
	if parts == nil {
		parts = []model.SnippetPart{}
	}
	return parts
}
