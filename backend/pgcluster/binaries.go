package pgcluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// debianRoot is where Debian's postgresql packages install each major
// version's server binaries (/usr/lib/postgresql/15/bin, ...).
const debianRoot = "/usr/lib/postgresql"

// binaries are the server programs of one PostgreSQL installation.
type binaries struct {
	dir      string
	version  string // major version, "" when unknown
	initdb   string
	pgCtl    string
	postgres string
}

var errNoPostgres = errors.New("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found on PATH or under " +
	debianRoot + "/*/bin; install Debian's postgresql package (apt-get install postgresql) or set DATABASE_URL")

// findBinaries locates initdb, pg_ctl and postgres. Debian's versioned
// folders win over PATH, which usually holds only symlinks or wrappers to
// them. want is the major version a data folder was created with ("" for a
// new folder): that version is required, since a server cannot open another
// major version's files. Otherwise the highest installed version is used.
func findBinaries(want string) (binaries, error) {
	installed := debianVersions()
	if want != "" {
		if slices.Contains(installed, want) {
			return binariesIn(filepath.Join(debianRoot, want, "bin"), want)
		}
		if len(installed) > 0 {
			return binaries{}, fmt.Errorf("data folder was created by PostgreSQL %s but only %s installed under %s; "+
				"install postgresql-%s or delete the data folder", want, strings.Join(installed, ", "), debianRoot, want)
		}
	} else if v := highestVersion(installed); v != "" {
		return binariesIn(filepath.Join(debianRoot, v, "bin"), v)
	}

	// PATH: resolve symlinks, because pg_ctl finds postgres next to its own
	// real location, and the real location may reveal a Debian version.
	path, err := exec.LookPath("pg_ctl")
	if err != nil {
		return binaries{}, errNoPostgres
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	dir := filepath.Dir(path)
	version := ""
	if rel, err := filepath.Rel(debianRoot, dir); err == nil && !strings.HasPrefix(rel, "..") {
		version, _, _ = strings.Cut(rel, string(filepath.Separator))
	}
	return binariesIn(dir, version)
}

// binariesIn checks that dir holds all three programs.
func binariesIn(dir, version string) (binaries, error) {
	b := binaries{
		dir:      dir,
		version:  version,
		initdb:   filepath.Join(dir, "initdb"),
		pgCtl:    filepath.Join(dir, "pg_ctl"),
		postgres: filepath.Join(dir, "postgres"),
	}
	for _, p := range []string{b.initdb, b.pgCtl, b.postgres} {
		fi, err := os.Stat(p)
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return binaries{}, fmt.Errorf("%s is missing or not executable: %w", p, errNoPostgres)
		}
	}
	return b, nil
}

// debianVersions lists the major versions with a bin folder under debianRoot.
func debianVersions() []string {
	entries, err := os.ReadDir(debianRoot)
	if err != nil {
		return nil
	}
	var versions []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(debianRoot, e.Name(), "bin", "pg_ctl")); err == nil {
			versions = append(versions, e.Name())
		}
	}
	return versions
}

// highestVersion returns the highest of the versions, compared numerically
// part by part ("9.6" < "10" < "15"); names that are not versions are
// ignored.
func highestVersion(versions []string) string {
	best, bestParts := "", []int(nil)
	for _, v := range versions {
		parts, ok := versionParts(v)
		if !ok {
			continue
		}
		if bestParts == nil || slices.Compare(parts, bestParts) > 0 {
			best, bestParts = v, parts
		}
	}
	return best
}

func versionParts(v string) ([]int, bool) {
	var parts []int
	for f := range strings.SplitSeq(v, ".") {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return nil, false
		}
		parts = append(parts, n)
	}
	return parts, true
}

// initialisedVersion returns the major version recorded in the data folder's
// PG_VERSION, or "" when the folder is not an initialised cluster.
func initialisedVersion(dataDir string) string {
	b, err := os.ReadFile(filepath.Join(dataDir, "PG_VERSION"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
