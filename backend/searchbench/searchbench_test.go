package searchbench

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/backend/postgres"
)

// BenchmarkSearch measures P9: search over 1,000,000 messages in 100,000
// conversations of one organization. The data is generated once into its
// own database on DATABASE_URL's server (fdsearch_<schema>) and kept for
// the next run. Each iteration is one search from a fixed mix: common,
// middling and rare words, names typed without their accents, and two
// words. It reports the latency percentiles.
//
//	make bench-search
func BenchmarkSearch(b *testing.B) {
	base := os.Getenv("DATABASE_URL")
	if base == "" {
		b.Skip("DATABASE_URL is not set")
	}
	ctx := context.Background()
	db := benchDB(b, ctx, base)
	start := time.Now()
	d, err := Generate(ctx, db, Defaults)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("data ready in %s", time.Since(start).Round(time.Second))

	queries := Queries(d)
	for _, q := range queries { // warm the cache as a running server has it
		if _, err := db.Search(ctx, d.OrganizationID, q, "", 20); err != nil {
			b.Fatalf("%q: %v", q, err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	slowest := map[string]time.Duration{}
	hits := 0
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t := time.Now()
		res, err := db.Search(ctx, d.OrganizationID, queries[i%len(queries)], "", 20)
		lat = append(lat, time.Since(t))
		q := queries[i%len(queries)]
		slowest[q] = max(slowest[q], lat[len(lat)-1])
		if err != nil {
			b.Fatal(err)
		}
		hits += len(res)
	}
	b.StopTimer()
	worst := slices.SortedFunc(maps.Keys(slowest), func(a, b string) int { return int(slowest[b] - slowest[a]) })
	for _, q := range worst[:min(5, len(worst))] {
		b.Logf("slowest: %-24q %s", q, slowest[q].Round(time.Microsecond))
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(1), "max-ms")
	b.ReportMetric(float64(hits)/float64(len(lat)), "hits/op")
}

// Queries is the benchmark's mix, built from the generated words.
func Queries(d Data) []string {
	v := d.Vocabulary
	var qs []string
	for i := range 20 {
		qs = append(qs, v[i])                // the commonest words
		qs = append(qs, v[200+i*10])         // middling
		qs = append(qs, v[4000+i*700])       // rare
		qs = append(qs, v[i]+" "+v[300+i*5]) // two words
		qs = append(qs, v[50+i])             // frequent
	}
	for _, n := range d.LastNames {
		qs = append(qs, asciiOnly(n)) // "muller" for Müller
	}
	return qs
}

// benchDB opens (creating and migrating once) the benchmark's database.
func benchDB(b *testing.B, ctx context.Context, base string) *postgres.DB {
	name := "fdsearch_" + postgres.SchemaVersion()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		b.Fatal(err)
	}
	var exists bool
	conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			b.Fatal(err)
		}
	}
	conn.Close(ctx)
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	u.Path = "/" + name
	db, err := postgres.Open(ctx, u.String())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(fmt.Errorf("migrate %s: %w", name, err))
	}
	return db
}
