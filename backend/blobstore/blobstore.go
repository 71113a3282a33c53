// Package blobstore keeps the bytes of uploaded files: in a folder on the
// server's disk by default, or in S3-compatible object storage (package
// s3store). Callers name each blob with a key they choose; what the bytes
// mean (type, owner, which conversation) is kept in PostgreSQL.
package blobstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotFound is returned by Get for a key that holds nothing.
var ErrNotFound = errors.New("blobstore: not found")

// Store keeps blobs by key. Implementations are safe for concurrent use.
type Store interface {
	// Put stores size bytes from r under key, replacing what was there.
	// Nothing is visible under key until Put has returned nil.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Get opens the blob under key; ErrNotFound when there is none.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes the blob under key; deleting nothing is not an error.
	Delete(ctx context.Context, key string) error
}

// CheckKey refuses keys that could escape a folder or confuse an object
// store: keys are slash-separated segments of [a-z0-9_-].
func CheckKey(key string) error {
	if key == "" || len(key) > 512 {
		return fmt.Errorf("blobstore: invalid key %q", key)
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" {
			return fmt.Errorf("blobstore: invalid key %q", key)
		}
		for _, r := range seg {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
				return fmt.Errorf("blobstore: invalid key %q", key)
			}
		}
	}
	return nil
}

// Dir stores blobs as files under a folder.
type Dir struct {
	root string
}

// NewDir uses root, creating it if needed.
func NewDir(root string) (*Dir, error) {
	if err := os.MkdirAll(root, 0o750); err != nil {
		return nil, fmt.Errorf("blobstore: %w", err)
	}
	return &Dir{root: root}, nil
}

func (d *Dir) path(key string) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	return filepath.Join(d.root, filepath.FromSlash(key)), nil
}

// Put writes to a temporary file beside the target and renames it into
// place, so a reader never sees half a file and a crash leaves none.
func (d *Dir) Put(ctx context.Context, key string, r io.Reader, size int64, _ string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return fmt.Errorf("blobstore: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return fmt.Errorf("blobstore: %w", err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("blobstore: put %s: %w", key, err)
	}
	n, err := io.Copy(f, contextReader{ctx, r})
	if err != nil {
		return fail(err)
	}
	if n != size {
		return fail(fmt.Errorf("wrote %d bytes, want %d", n, size))
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("blobstore: put %s: %w", key, err)
	}
	return nil
}

// Get opens the file under key.
func (d *Dir) Get(_ context.Context, key string) (io.ReadCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("blobstore: %w", err)
	}
	return f, nil
}

// Delete removes the file under key.
func (d *Dir) Delete(_ context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("blobstore: %w", err)
	}
	return nil
}

// contextReader stops a copy when ctx ends.
type contextReader struct {
	ctx context.Context
	r   io.Reader
}

func (c contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
