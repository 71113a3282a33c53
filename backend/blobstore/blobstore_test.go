package blobstore_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/frontdesk/frontdesk/backend/blobstore"
	"github.com/frontdesk/frontdesk/backend/blobstore/blobstoretest"
	"github.com/frontdesk/frontdesk/backend/blobstore/s3store"
)

func TestDir(t *testing.T) {
	root := t.TempDir()
	d, err := blobstore.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	blobstoretest.Run(t, d)
	// No temporary files are left behind, even by the failed Put.
	filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			t.Errorf("left behind: %s", p)
		}
		return nil
	})
}

func TestS3(t *testing.T) {
	s, err := s3store.Open(context.Background(), blobstoretest.S3(t))
	if err != nil {
		t.Fatal(err)
	}
	blobstoretest.Run(t, s)
}

func TestS3Prefix(t *testing.T) {
	cfg := blobstoretest.S3(t)
	cfg.Prefix = "install-a"
	s, err := s3store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	blobstoretest.Run(t, s)
}

func TestS3ConfigFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if _, ok, err := s3store.ConfigFromEnv(env(nil)); ok || err != nil {
		t.Errorf("empty env: ok %v err %v, want local disk", ok, err)
	}
	if _, _, err := s3store.ConfigFromEnv(env(map[string]string{"FRONTDESK_S3_BUCKET": "b"})); err == nil {
		t.Error("bucket without endpoint accepted")
	}
	if _, _, err := s3store.ConfigFromEnv(env(map[string]string{"FRONTDESK_S3_ENDPOINT": "http://x"})); err == nil {
		t.Error("endpoint without bucket and keys accepted")
	}
	cfg, ok, err := s3store.ConfigFromEnv(env(map[string]string{"FRONTDESK_S3_ENDPOINT": "https://s3.example", "FRONTDESK_S3_BUCKET": "b",
		"FRONTDESK_S3_ACCESS_KEY": "a", "FRONTDESK_S3_SECRET_KEY": "s", "FRONTDESK_S3_PREFIX": "/p/"}))
	if !ok || err != nil || cfg.Prefix != "p" || cfg.Bucket != "b" {
		t.Errorf("full env: %+v ok %v err %v", cfg, ok, err)
	}
}
