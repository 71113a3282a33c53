// Package blobstoretest checks blob stores against one contract and runs a
// real S3 implementation (gofakes3 over HTTP) on loopback for tests.
package blobstoretest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/frontdesk/frontdesk/backend/blobstore"
	"github.com/frontdesk/frontdesk/backend/blobstore/s3store"
)

// S3 serves an in-memory S3 on loopback for the length of t and returns the
// settings that reach it (bucket "frontdesk", created on first use by
// s3store.Open), with one attempt per request so failures show at once.
func S3(t testing.TB) s3store.Config {
	t.Helper()
	faker := gofakes3.New(s3mem.New(), gofakes3.WithoutVersioning())
	srv := httptest.NewServer(faker.Server())
	t.Cleanup(srv.Close)
	return s3store.Config{Endpoint: srv.URL, Bucket: "frontdesk", Region: "us-east-1", AccessKey: "test-access", SecretKey: "test-secret-key", MaxRetries: 1}
}

// Run checks what every Store must do.
func Run(t *testing.T, s blobstore.Store) {
	ctx := context.Background()
	get := func(t *testing.T, key string) []byte {
		t.Helper()
		rc, err := s.Get(ctx, key)
		if err != nil {
			t.Fatalf("Get %s: %v", key, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("read %s: %v", key, err)
		}
		return b
	}

	t.Run("put get delete", func(t *testing.T) {
		data := bytes.Repeat([]byte("frontdesk "), 100_000) // 1 MB: more than one read
		if err := s.Put(ctx, "o1/abc/file", bytes.NewReader(data), int64(len(data)), "text/plain"); err != nil {
			t.Fatal(err)
		}
		if got := get(t, "o1/abc/file"); !bytes.Equal(got, data) {
			t.Fatalf("read back %d bytes, want %d", len(got), len(data))
		}
		if err := s.Put(ctx, "o1/abc/file", strings.NewReader("new"), 3, "text/plain"); err != nil {
			t.Fatal(err)
		}
		if got := string(get(t, "o1/abc/file")); got != "new" {
			t.Fatalf("after replace: %q", got)
		}
		if err := s.Delete(ctx, "o1/abc/file"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, "o1/abc/file"); !errors.Is(err, blobstore.ErrNotFound) {
			t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
		}
		if err := s.Delete(ctx, "o1/abc/file"); err != nil {
			t.Fatalf("deleting nothing: %v", err)
		}
	})

	t.Run("missing", func(t *testing.T) {
		if _, err := s.Get(ctx, "o1/never"); !errors.Is(err, blobstore.ErrNotFound) {
			t.Fatalf("Get missing: %v, want ErrNotFound", err)
		}
	})

	t.Run("short body stores nothing", func(t *testing.T) {
		if err := s.Put(ctx, "o1/short", strings.NewReader("abc"), 10, "text/plain"); err == nil {
			t.Fatal("Put of 3 bytes announced as 10 succeeded")
		}
		if _, err := s.Get(ctx, "o1/short"); !errors.Is(err, blobstore.ErrNotFound) {
			t.Fatalf("after a failed Put: %v, want ErrNotFound", err)
		}
	})

	t.Run("bad keys", func(t *testing.T) {
		for _, key := range []string{"", "../etc/passwd", "a//b", "a/../b", "A/b", "a/b c", "/a", "a/"} {
			if err := s.Put(ctx, key, strings.NewReader("x"), 1, "text/plain"); err == nil {
				t.Errorf("Put %q accepted", key)
			}
			if _, err := s.Get(ctx, key); err == nil || errors.Is(err, blobstore.ErrNotFound) {
				t.Errorf("Get %q: %v, want a key error", key, err)
			}
		}
	})
}
