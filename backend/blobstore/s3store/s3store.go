// Package s3store keeps blobs in S3-compatible object storage (AWS S3,
// MinIO, Ceph, Garage, R2…) through minio-go.
package s3store

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/frontdesk/frontdesk/backend/blobstore"
)

// Config says where the bucket is.
type Config struct {
	// Endpoint is the service's URL, e.g. https://s3.eu-central-1.amazonaws.com
	// or http://127.0.0.1:9000; its scheme decides TLS.
	Endpoint  string
	Bucket    string
	Region    string
	AccessKey string
	SecretKey string
	// Prefix is put before every key, so one bucket can serve several
	// installations.
	Prefix string
	// MaxRetries bounds attempts per request; 0 keeps minio-go's default (10).
	MaxRetries int
}

// ConfigFromEnv reads FRONTDESK_S3_*; ok is false when no endpoint is set
// (files then stay on local disk).
func ConfigFromEnv(getenv func(string) string) (cfg Config, ok bool, err error) {
	cfg = Config{
		Endpoint:  getenv("FRONTDESK_S3_ENDPOINT"),
		Bucket:    getenv("FRONTDESK_S3_BUCKET"),
		Region:    getenv("FRONTDESK_S3_REGION"),
		AccessKey: getenv("FRONTDESK_S3_ACCESS_KEY"),
		SecretKey: getenv("FRONTDESK_S3_SECRET_KEY"),
		Prefix:    strings.Trim(getenv("FRONTDESK_S3_PREFIX"), "/"),
	}
	if cfg.Endpoint == "" {
		if cfg.Bucket != "" || cfg.AccessKey != "" {
			return cfg, false, fmt.Errorf("FRONTDESK_S3_ENDPOINT is required when other FRONTDESK_S3_* settings are set")
		}
		return cfg, false, nil
	}
	if cfg.Bucket == "" || cfg.AccessKey == "" || cfg.SecretKey == "" {
		return cfg, false, fmt.Errorf("FRONTDESK_S3_BUCKET, FRONTDESK_S3_ACCESS_KEY and FRONTDESK_S3_SECRET_KEY are required with FRONTDESK_S3_ENDPOINT")
	}
	return cfg, true, nil
}

// Store is a bucket.
type Store struct {
	client *minio.Client
	bucket string
	prefix string
}

var _ blobstore.Store = (*Store)(nil)

// Open connects to the bucket, creating it when the service allows.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("s3store: endpoint must be an http(s) URL, got %q", cfg.Endpoint)
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:      credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:     u.Scheme == "https",
		Region:     cfg.Region,
		MaxRetries: cfg.MaxRetries,
	})
	if err != nil {
		return nil, fmt.Errorf("s3store: %w", err)
	}
	exists, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("s3store: bucket %s: %w", cfg.Bucket, err)
	}
	if !exists {
		if err := client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region}); err != nil {
			return nil, fmt.Errorf("s3store: create bucket %s: %w", cfg.Bucket, err)
		}
	}
	return &Store{client: client, bucket: cfg.Bucket, prefix: cfg.Prefix}, nil
}

func (s *Store) object(key string) (string, error) {
	if err := blobstore.CheckKey(key); err != nil {
		return "", err
	}
	if s.prefix == "" {
		return key, nil
	}
	return s.prefix + "/" + key, nil
}

// Put uploads the blob; S3 makes it visible only once complete.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	name, err := s.object(key)
	if err != nil {
		return err
	}
	if _, err := s.client.PutObject(ctx, s.bucket, name, r, size, minio.PutObjectOptions{ContentType: contentType}); err != nil {
		return fmt.Errorf("s3store: put %s: %w", key, err)
	}
	return nil
}

// Get opens the object; its metadata is read first so a missing key is
// ErrNotFound here rather than an error on the first Read.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	name, err := s.object(key)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("s3store: get %s: %w", key, err)
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if isNotFound(err) {
			return nil, blobstore.ErrNotFound
		}
		return nil, fmt.Errorf("s3store: get %s: %w", key, err)
	}
	return obj, nil
}

// Delete removes the object; S3 answers success for a missing one.
func (s *Store) Delete(ctx context.Context, key string) error {
	name, err := s.object(key)
	if err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{}); err != nil && !isNotFound(err) {
		return fmt.Errorf("s3store: delete %s: %w", key, err)
	}
	return nil
}

func isNotFound(err error) bool {
	code := minio.ToErrorResponse(err).Code
	return code == "NoSuchKey" || code == "NotFound"
}
