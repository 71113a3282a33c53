//go:build !js

package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/backend/attachments"
	"github.com/frontdesk/frontdesk/backend/blobstore"
	"github.com/frontdesk/frontdesk/backend/blobstore/s3store"
	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/postgres"
)

// openFiles builds the attachments service: S3-compatible storage when
// FRONTDESK_S3_ENDPOINT is set, else a folder under the data directory. It
// registers the cleanup worker and returns the queue option that schedules
// it.
func (m *Main) openFiles(ctx context.Context, db *postgres.DB, workers *river.Workers) (*attachments.Service, jobs.Option, error) {
	max, err := parseSize(m.getenv("FRONTDESK_MAX_UPLOAD"), attachments.DefaultMaxSize)
	if err != nil {
		return nil, nil, fmt.Errorf("FRONTDESK_MAX_UPLOAD: %w", err)
	}
	var store blobstore.Store
	s3cfg, useS3, err := s3store.ConfigFromEnv(m.getenv)
	switch {
	case err != nil:
		return nil, nil, err
	case useS3:
		if store, err = s3store.Open(ctx, s3cfg); err != nil {
			return nil, nil, err
		}
		m.Log.Info("files in S3", "endpoint", s3cfg.Endpoint, "bucket", s3cfg.Bucket)
	default:
		dir := filepath.Join(m.Config.DataDir, "files")
		if store, err = blobstore.NewDir(dir); err != nil {
			return nil, nil, err
		}
		m.Log.Info("files on disk", "dir", dir)
	}
	svc := &attachments.Service{DB: db, Store: store, MaxSize: max, BaseURL: m.Config.BaseURL, Log: m.Log}
	if err := svc.Register(workers); err != nil {
		return nil, nil, err
	}
	return svc, jobs.WithPeriodicJobs(attachments.PeriodicJob()), nil
}

// parseSize reads a size in bytes, or with a unit: 512KB, 10MB, 1GB
// (binary multiples, as file managers mean them).
func parseSize(s string, def int64) (int64, error) {
	s = strings.TrimSpace(strings.ToUpper(s))
	if s == "" {
		return def, nil
	}
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"B", 1}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(n), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("want a size such as 10MB, got %q", s)
	}
	return n * mult, nil
}
