package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"syscall"
	"time"
)

// Processes sharing a data folder coordinate through two advisory locks,
// which the kernel drops when their holder dies, so a crash never leaves
// the folder locked:
//
//   - the start lock, an exclusive lock on "<dir>.lock", held while a
//     process inspects, initialises, starts or stops the server;
//   - the use lock, a shared lock on the data folder itself, held by every
//     Cluster from Start to Stop, so the owner can tell whether others
//     still use the server before stopping it.
//
// When the owner stops while others still use the server, it leaves a
// "<dir>.stop-when-unused" marker and the last user stops the server. A
// server left behind by a crash has no marker and keeps running for reuse.

func startLockPath(dataDir string) string { return dataDir + ".lock" }
func handoverPath(dataDir string) string  { return dataDir + ".stop-when-unused" }

// lockFile takes the exclusive lock on path, creating the file, and returns
// the function that releases it. It waits for another holder (in this
// process or another) as long as ctx allows.
func lockFile(ctx context.Context, path string, logger *slog.Logger) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	waiting := false
	for {
		ok, err := tryFlock(f, syscall.LOCK_EX)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if ok {
			break
		}
		if !waiting {
			logger.Info("waiting for another process starting or stopping postgres", "lock", path)
			waiting = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// holdUse takes the shared use lock on the data folder. The caller holds
// the start lock, under which nobody holds the use lock exclusively, so it
// never has to wait.
func holdUse(dataDir string) (*os.File, error) {
	f, err := os.Open(dataDir)
	if err != nil {
		return nil, fmt.Errorf("open data folder for use lock: %w", err)
	}
	ok, err := tryFlock(f, syscall.LOCK_SH)
	if err == nil && !ok {
		err = errors.New("held exclusively")
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("use lock on data folder: %w", err)
	}
	return f, nil
}

// othersUse reports whether any other Cluster holds the use lock. The
// caller holds the start lock, so no one can take the use lock meanwhile.
func othersUse(dataDir string) (bool, error) {
	f, err := os.Open(dataDir)
	if err != nil {
		return false, fmt.Errorf("open data folder for use lock: %w", err)
	}
	defer f.Close() // closing releases the probe lock
	ok, err := tryFlock(f, syscall.LOCK_EX)
	if err != nil {
		return false, fmt.Errorf("probe use lock on data folder: %w", err)
	}
	return !ok, nil
}

// tryFlock takes the lock without waiting; ok is false when someone else
// holds a conflicting one.
func tryFlock(f *os.File, how int) (ok bool, err error) {
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		default:
			return false, err
		}
	}
}

// handoverRequested reports whether an owner asked the last user to stop
// the server.
func handoverRequested(dataDir string) bool {
	_, err := os.Stat(handoverPath(dataDir))
	return err == nil
}

func setHandover(dataDir string) error {
	if err := os.WriteFile(handoverPath(dataDir), nil, 0o600); err != nil {
		return fmt.Errorf("write handover marker: %w", err)
	}
	return nil
}

func clearHandover(dataDir string) error {
	if err := os.Remove(handoverPath(dataDir)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove handover marker: %w", err)
	}
	return nil
}
