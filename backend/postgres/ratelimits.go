package postgres

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/frontdesk/frontdesk/backend/ratelimit"
)

// SettleRateLimits subtracts what one instance handed out from the shared
// token buckets of limit name and returns what each bucket has left (see
// backend/ratelimit). One statement for all keys; rows are locked in key
// order, so instances settling the same keys at once never deadlock.
func (db *DB) SettleRateLimits(ctx context.Context, name string, burst int, perSecond float64, takes []ratelimit.Take) ([]float64, error) {
	type row struct {
		hash []byte
		n    int
		i    int
	}
	rows := make([]row, len(takes))
	for i, t := range takes {
		rows[i] = row{hash: limitKey(name, t.Key), n: t.N, i: i}
	}
	slices.SortFunc(rows, func(a, b row) int { return bytes.Compare(a.hash, b.hash) })
	hashes := make([][]byte, len(rows))
	counts := make([]int32, len(rows))
	for i, r := range rows {
		hashes[i], counts[i] = r.hash, int32(r.n)
	}
	q, err := db.Pool.Query(ctx, `
		INSERT INTO rate_limits AS r (name, key_hash, tokens, burst, per_second, updated_at)
		SELECT $1, t.k, greatest(-$2::float8, $2::float8 - t.n), $2, $3, now()
		FROM unnest($4::bytea[], $5::int[]) WITH ORDINALITY AS t(k, n, o)
		ORDER BY t.o
		ON CONFLICT (name, key_hash) DO UPDATE SET
			tokens = greatest(-EXCLUDED.burst::float8,
				least(EXCLUDED.burst::float8, r.tokens + extract(epoch FROM now() - r.updated_at)::float8 * EXCLUDED.per_second)
				- (EXCLUDED.burst::float8 - EXCLUDED.tokens)),
			burst = EXCLUDED.burst, per_second = EXCLUDED.per_second, updated_at = now()
		RETURNING key_hash, tokens`, name, burst, perSecond, hashes, counts)
	if err != nil {
		return nil, fmt.Errorf("settle rate limits: %w", err)
	}
	defer q.Close()
	byHash := make(map[string]float64, len(rows))
	for q.Next() {
		var h []byte
		var tokens float64
		if err := q.Scan(&h, &tokens); err != nil {
			return nil, fmt.Errorf("settle rate limits: %w", err)
		}
		byHash[string(h)] = tokens
	}
	if err := q.Err(); err != nil {
		return nil, fmt.Errorf("settle rate limits: %w", err)
	}
	left := make([]float64, len(takes))
	for _, r := range rows {
		left[r.i] = byHash[string(r.hash)]
	}
	return left, nil
}

// ForgetIdleRateLimits deletes buckets that have been full for a while.
func (db *DB) ForgetIdleRateLimits(ctx context.Context) error {
	_, err := db.Pool.Exec(ctx, `DELETE FROM rate_limits
		WHERE updated_at < now() - interval '10 minutes'
		  AND tokens + extract(epoch FROM now() - updated_at)::float8 * per_second >= burst`)
	if err != nil {
		return fmt.Errorf("forget idle rate limits: %w", err)
	}
	return nil
}

// limitKey hashes a key (an address, an email) so the table holds none.
func limitKey(name, key string) []byte {
	h := sha256.Sum256([]byte(name + "\x00" + key))
	return h[:16]
}
