package pgcluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// runAs is the unprivileged account the server runs as when we are root:
// initdb, pg_ctl and postgres all refuse to run as root.
type runAs struct {
	name   string
	uid    int
	gid    int
	groups []int // all group ids, primary included
}

// lookupRunAs returns the postgres account when running as root, and nil
// (run as ourselves) otherwise.
func lookupRunAs() (*runAs, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs the unprivileged postgres user to run the server "+
			"(install Debian's postgresql package): %w", err)
	}
	r := &runAs{name: u.Username}
	if r.uid, err = strconv.Atoi(u.Uid); err != nil {
		return nil, fmt.Errorf("postgres uid %q: %w", u.Uid, err)
	}
	if r.gid, err = strconv.Atoi(u.Gid); err != nil {
		return nil, fmt.Errorf("postgres gid %q: %w", u.Gid, err)
	}
	r.groups = []int{r.gid}
	ids, _ := u.GroupIds() // best effort: the primary group is enough to run
	for _, id := range ids {
		if g, err := strconv.Atoi(id); err == nil && g != r.gid {
			r.groups = append(r.groups, g)
		}
	}
	return r, nil
}

// chooseDataDir returns the absolute data folder to use for dir, creating
// its parent. When the server runs as another user who cannot reach that
// folder (say it lies under /root, mode 0700), it falls back to a folder
// under os.TempDir() named after a hash of the absolute path, so each
// project folder keeps its own stable cluster.
func chooseDataDir(dir string, user *runAs, logger *slog.Logger) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("data folder %q: %w", dir, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return "", fmt.Errorf("create parent of data folder: %w", err)
	}
	if user == nil {
		return abs, nil
	}
	blocked := firstUnsearchable(filepath.Dir(abs), user)
	if blocked == "" {
		return abs, nil
	}
	sum := sha256.Sum256([]byte(abs))
	fallback := filepath.Join(os.TempDir(), "frontdesk-postgres-"+hex.EncodeToString(sum[:8]))
	if b := firstUnsearchable(filepath.Dir(fallback), user); b != "" {
		return "", fmt.Errorf("user %s can reach neither %s (blocked at %s) nor %s (blocked at %s)",
			user.name, abs, blocked, fallback, b)
	}
	logger.Warn("data folder is not reachable by the postgres user; using a temporary folder instead",
		"requested", abs, "blocked_at", blocked, "using", fallback)
	return fallback, nil
}

// firstUnsearchable returns the first folder on the way from / to dir that
// user may not enter, or "" when all of them are enterable.
func firstUnsearchable(dir string, user *runAs) string {
	var path string
	for i, part := range strings.Split(filepath.Clean(dir), string(filepath.Separator)) {
		if i == 0 {
			path = string(filepath.Separator) // dir is absolute: part 0 is ""
		} else {
			path = filepath.Join(path, part)
		}
		fi, err := os.Stat(path)
		if err != nil {
			return path
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok || !canSearch(fi.Mode(), int(st.Uid), int(st.Gid), user) {
			return path
		}
	}
	return ""
}

// canSearch applies the Unix permission rules for entering a folder with
// the given mode and owner: the owner bits apply to the owner, the group
// bits to group members, and the other bits to everyone else.
func canSearch(mode fs.FileMode, ownerUID, ownerGID int, user *runAs) bool {
	switch {
	case user.uid == ownerUID:
		return mode&0o100 != 0
	case slices.Contains(user.groups, ownerGID):
		return mode&0o010 != 0
	default:
		return mode&0o001 != 0
	}
}

// prepareDir creates the data folder and gives it to the server's user with
// the private mode postgres insists on.
func (c *Cluster) prepareDir() error {
	if err := os.MkdirAll(c.dataDir, 0o700); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}
	fi, err := os.Stat(c.dataDir)
	if err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 && perm != 0o750 {
		if err := os.Chmod(c.dataDir, 0o700); err != nil {
			return fmt.Errorf("chmod data folder: %w", err)
		}
	}
	if c.runAs == nil {
		return nil
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) == c.runAs.uid {
		return nil
	}
	// A folder made by root (by us, or copied in): hand all of it over.
	err = filepath.WalkDir(c.dataDir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, c.runAs.uid, c.runAs.gid)
	})
	if err != nil {
		return fmt.Errorf("give data folder to user %s: %w", c.runAs.name, err)
	}
	return nil
}

// run executes a PostgreSQL program as the server's user and returns its
// combined output.
func (c *Cluster) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	// Our working folder may be unreadable to the postgres user, and the
	// programs complain when they cannot resolve it; all paths are absolute.
	cmd.Dir = "/"
	cmd.Env = serverEnv()
	if c.runAs != nil {
		groups := make([]uint32, len(c.runAs.groups))
		for i, g := range c.runAs.groups {
			groups[i] = uint32(g)
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{
			Uid: uint32(c.runAs.uid), Gid: uint32(c.runAs.gid), Groups: groups,
		}}
	}
	return cmd.CombinedOutput()
}

// serverEnv is our environment without libpq's PG* variables (PGDATA,
// PGPORT, ...), which would otherwise override the flags and settings we
// pass, and with HOME and LC_ALL set to values valid for the postgres user.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "PG") || name == "HOME" || name == "LC_ALL" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME=/", "LC_ALL=C")
}
