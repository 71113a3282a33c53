package pgcluster

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// dataDir returns a fresh data folder path whose parents the postgres user
// can enter when the tests run as root (t.TempDir makes them 0700).
func dataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "pg")
}

func start(t *testing.T, dir string) *Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	c, err := Start(ctx, Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	// Stop is idempotent, so tests may also stop explicitly.
	t.Cleanup(func() {
		if err := c.Stop(context.Background()); err != nil {
			t.Errorf("cleanup Stop: %v", err)
		}
	})
	return c
}

func stop(t *testing.T, c *Cluster) {
	t.Helper()
	if err := c.Stop(t.Context()); err != nil {
		t.Fatalf("Stop: %v", err)
	}
}

func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect %s: %v", dsn, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func queryString(t *testing.T, dsn, sql string) string {
	t.Helper()
	var s string
	if err := connect(t, dsn).QueryRow(t.Context(), sql).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

// assertDown checks that nothing accepts connections at dsn any more.
func assertDown(t *testing.T, dsn string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if conn, err := pgx.Connect(ctx, dsn); err == nil {
		conn.Close(ctx)
		t.Fatalf("server at %s still accepts connections", dsn)
	}
}

func portOf(t *testing.T, dsn string) int {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p, err := strconv.Atoi(u.Port())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStartQueryStop(t *testing.T) {
	t.Parallel()
	dir := dataDir(t)
	c := start(t, dir)

	u, err := url.Parse(c.DSN())
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "postgres" || u.User.Username() != "postgres" || u.Hostname() != "127.0.0.1" ||
		u.Path != "/postgres" || u.Query().Get("sslmode") != "disable" {
		t.Errorf("DSN = %s", c.DSN())
	}
	if got := queryString(t, c.DSN(), "select 1::text"); got != "1" {
		t.Errorf("select 1 = %s", got)
	}
	if c.DataDir() != dir {
		t.Errorf("DataDir = %s, want %s", c.DataDir(), dir)
	}

	for _, s := range settings {
		t.Run(s.name, func(t *testing.T) {
			want := strings.Trim(s.value, "'")
			if got := queryString(t, c.DSN(), "show "+s.name); got != want {
				t.Errorf("%s = %q, want %q", s.name, got, want)
			}
		})
	}

	stop(t, c)
	assertDown(t, c.DSN())
	if _, err := os.Stat(filepath.Join(dir, "postmaster.pid")); !os.IsNotExist(err) {
		t.Errorf("postmaster.pid after Stop: %v", err)
	}
	if err := c.Stop(t.Context()); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestStartTwiceReuses(t *testing.T) {
	t.Parallel()
	dir := dataDir(t)
	first := start(t, dir)
	second := start(t, dir)

	if second.DSN() != first.DSN() {
		t.Fatalf("second DSN %s, first %s", second.DSN(), first.DSN())
	}
	if !first.owned || second.owned {
		t.Fatalf("owned: first %v, second %v; want only the first", first.owned, second.owned)
	}
	// The second does not own the server: stopping it leaves it running.
	stop(t, second)
	if got := queryString(t, first.DSN(), "select 'still up'"); got != "still up" {
		t.Errorf("got %q", got)
	}
	stop(t, first)
	assertDown(t, first.DSN())
}

func TestConcurrentStart(t *testing.T) {
	t.Parallel()
	dir := dataDir(t)
	const n = 4
	clusters := make([]*Cluster, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { clusters[i] = start(t, dir) })
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	owners := 0
	for _, c := range clusters {
		if c.owned {
			owners++
		}
		if c.DSN() != clusters[0].DSN() {
			t.Errorf("DSN %s differs from %s", c.DSN(), clusters[0].DSN())
		}
	}
	if owners != 1 {
		t.Errorf("%d clusters own the server, want 1", owners)
	}
	if got := queryString(t, clusters[0].DSN(), "select 1::text"); got != "1" {
		t.Errorf("select 1 = %s", got)
	}
	// Whatever the order, the server keeps running while any user is
	// left and is gone after the last one stops.
	for i, c := range clusters {
		stop(t, c)
		if i < n-1 {
			if got := queryString(t, clusters[n-1].DSN(), "select 1::text"); got != "1" {
				t.Errorf("after %d stops: select 1 = %s", i+1, got)
			}
		}
	}
	assertDown(t, clusters[0].DSN())
}

// The owner stopping while another process still uses the server must not
// pull it from under that user; the last user stops it instead.
func TestOwnerStopDefersToLastUser(t *testing.T) {
	t.Parallel()
	dir := dataDir(t)
	owner := start(t, dir)
	user := start(t, dir)

	stop(t, owner)
	if got := queryString(t, user.DSN(), "select 'still up'"); got != "still up" {
		t.Fatalf("got %q", got)
	}
	stop(t, user)
	assertDown(t, user.DSN())
	if _, err := os.Stat(handoverPath(dir)); !os.IsNotExist(err) {
		t.Errorf("handover marker left behind: %v", err)
	}
}

// A server whose owner went away without stopping it (a crashed run) is
// reused, and a Cluster that merely reused it does not stop it.
func TestReusedServerOfVanishedOwnerKeepsRunning(t *testing.T) {
	t.Parallel()
	dir := dataDir(t)
	owner := start(t, dir)
	owner.use.Close() // what the kernel does when the owner process dies

	user := start(t, dir)
	if user.owned {
		t.Fatal("running server not reused")
	}
	stop(t, user)
	if got := queryString(t, owner.DSN(), "select 'still up'"); got != "still up" {
		t.Fatalf("got %q", got)
	}
}

func TestRestartKeepsData(t *testing.T) {
	t.Parallel()
	dir := dataDir(t)
	c := start(t, dir)
	conn := connect(t, c.DSN())
	if _, err := conn.Exec(t.Context(), "create table kept (v text); insert into kept values ('hello')"); err != nil {
		t.Fatal(err)
	}
	conn.Close(t.Context())
	stop(t, c)

	c = start(t, dir)
	if got := queryString(t, c.DSN(), "select v from kept"); got != "hello" {
		t.Errorf("after restart got %q", got)
	}
}

func TestTakenPortIsReplaced(t *testing.T) {
	t.Parallel()
	dir := dataDir(t)
	c := start(t, dir)
	old := portOf(t, c.DSN())
	stop(t, c)

	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", old))
	if err != nil {
		t.Fatalf("occupy old port: %v", err)
	}
	defer l.Close()

	c = start(t, dir)
	if p := portOf(t, c.DSN()); p == old {
		t.Fatalf("restarted on the taken port %d", p)
	}
	if got := queryString(t, c.DSN(), "select 1::text"); got != "1" {
		t.Errorf("select 1 = %s", got)
	}
}

// A postmaster.pid left by a crash whose pid now belongs to an unrelated
// process must not be mistaken for a running server, nor block the start.
func TestStalePIDFileWithRecycledPID(t *testing.T) {
	t.Parallel()
	dir := dataDir(t)
	c := start(t, dir)
	stop(t, c)

	// Our own pid is alive and not a postgres server; postgres itself
	// would refuse to start over it.
	stale := fmt.Sprintf("%d\n%s\n0\n%d\n\n127.0.0.1\n0 0\nready   \n", os.Getpid(), dir, portOf(t, c.DSN()))
	if err := os.WriteFile(filepath.Join(dir, "postmaster.pid"), []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	c = start(t, dir)
	if !c.owned {
		t.Fatal("stale pid file taken for a running server")
	}
	if got := queryString(t, c.DSN(), "select 1::text"); got != "1" {
		t.Errorf("select 1 = %s", got)
	}
}

// A server killed without warning leaves its postmaster.pid behind; the
// next Start must recover the data and serve it.
func TestCrashedServerRestarts(t *testing.T) {
	t.Parallel()
	dir := dataDir(t)
	c := start(t, dir)
	conn := connect(t, c.DSN())
	// synchronous_commit is off for speed, so a crash may lose the last
	// commits; this one asks for durability against a server crash.
	const sql = "set synchronous_commit = on; create table kept (v text); insert into kept values ('survived')"
	if _, err := conn.Exec(t.Context(), sql); err != nil {
		t.Fatal(err)
	}
	conn.Close(t.Context())
	pid, err := readPIDFile(dir)
	if err != nil || pid.pid == 0 {
		t.Fatalf("pid file: %+v, %v", pid, err)
	}
	if err := syscall.Kill(pid.pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for pid.alive() {
		time.Sleep(20 * time.Millisecond)
	}

	c = start(t, dir)
	if !c.owned {
		t.Fatal("crashed server taken for a running one")
	}
	if got := queryString(t, c.DSN(), "select v from kept"); got != "survived" {
		t.Errorf("after crash got %q", got)
	}
}

// As root the server runs as the postgres user; a data folder that user
// cannot reach is replaced by a stable one under os.TempDir().
func TestUnreachableFolderFallsBack(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root runs the server as another user")
	}
	t.Parallel()
	want := filepath.Join(t.TempDir(), "pg") // t.TempDir is 0700 root
	c := start(t, want)
	t.Cleanup(func() {
		// Cleanups run last-registered first: stop before deleting.
		if err := c.Stop(context.Background()); err != nil {
			t.Errorf("Stop: %v", err)
		}
		os.RemoveAll(c.DataDir())
		os.Remove(c.DataDir() + ".lock")
	})
	if c.DataDir() == want || filepath.Dir(c.DataDir()) != filepath.Clean(os.TempDir()) {
		t.Fatalf("DataDir = %s, want a folder in %s", c.DataDir(), os.TempDir())
	}
	if got := queryString(t, c.DSN(), "select current_user"); got != "postgres" {
		t.Errorf("current_user = %s", got)
	}
	// The same request maps to the same folder, so the cluster is reused.
	again := start(t, want)
	if again.DataDir() != c.DataDir() || again.owned {
		t.Errorf("second Start: DataDir %s owned %v; want %s reused", again.DataDir(), again.owned, c.DataDir())
	}
}

func TestParsePIDFile(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    pidFile
		wantErr bool
	}{
		{"ready", "4242\n/data\n1700000000\n54321\n\n127.0.0.1\n  1234   5678\nready   \n", pidFile{4242, 54321, "ready"}, false},
		{"starting, not all lines yet", "4242\n/data\n1700000000\n54321\n", pidFile{4242, 54321, ""}, false},
		{"only the pid", "4242\n", pidFile{4242, 0, ""}, false},
		{"single-user backend", "-4242\n/data\n1700000000\n54321\n", pidFile{4242, 54321, ""}, false},
		{"empty", "", pidFile{}, true},
		{"garbage pid", "abc\n", pidFile{}, true},
		{"garbage port", "4242\n/data\n1\nabc\n", pidFile{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parsePIDFile(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPIDFileAlive(t *testing.T) {
	tests := []struct {
		name string
		pid  int
		want bool
	}{
		{"no pid", 0, false},
		{"live non-postgres process", os.Getpid(), false},
		{"dead process", 1 << 30, false}, // above pid_max
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (pidFile{pid: tt.pid}).alive(); got != tt.want {
				t.Errorf("alive = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseProcStat(t *testing.T) {
	tests := []struct {
		in          string
		comm, state string
		ok          bool
	}{
		{"17187 (postgres) S 1 17187 17187 0 -1", "postgres", "S", true},
		{"17187 (postgres) Z 1 17187", "postgres", "Z", true},
		{"42 (a (weird) name) R 1", "a (weird) name", "R", true},
		{"42 (postgres)", "", "", false},
		{"garbage", "", "", false},
	}
	for _, tt := range tests {
		comm, state, ok := parseProcStat(tt.in)
		if comm != tt.comm || state != tt.state || ok != tt.ok {
			t.Errorf("parseProcStat(%q) = %q, %q, %v; want %q, %q, %v", tt.in, comm, state, ok, tt.comm, tt.state, tt.ok)
		}
	}
}

func TestHighestVersion(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"15"}, "15"},
		{[]string{"9.6", "15", "10"}, "15"},
		{[]string{"16", "9.6", "17"}, "17"},
		{[]string{"9.5", "9.6"}, "9.6"},
		{[]string{"notes", "14", "README"}, "14"},
		{[]string{"x"}, ""},
	}
	for _, tt := range tests {
		if got := highestVersion(tt.in); got != tt.want {
			t.Errorf("highestVersion(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCanSearch(t *testing.T) {
	pg := &runAs{name: "postgres", uid: 101, gid: 104, groups: []int{104, 103}}
	tests := []struct {
		name     string
		mode     os.FileMode
		uid, gid int
		want     bool
	}{
		{"root 0755", 0o755, 0, 0, true},
		{"root 0700", 0o700, 0, 0, false},
		{"root 0750, other group", 0o750, 0, 0, false},
		{"root 0750, our primary group", 0o750, 0, 104, true},
		{"root 0750, our extra group", 0o750, 0, 103, true},
		{"ours 0700", 0o700, 101, 104, true},
		{"ours 0077: owner bits rule", 0o077, 101, 104, false},
		{"group without x but other with x", 0o701, 0, 104, false},
		{"sticky tmp", os.ModeSticky | 0o777, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := canSearch(tt.mode, tt.uid, tt.gid, pg); got != tt.want {
				t.Errorf("canSearch = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRememberedPort(t *testing.T) {
	dir := t.TempDir()
	if got := rememberedPort(dir); got != 0 {
		t.Errorf("no conf: port %d, want 0", got)
	}
	if err := writeConf(dir, 54999, nil); err != nil {
		t.Fatal(err)
	}
	if got := rememberedPort(dir); got != 54999 {
		t.Errorf("port %d, want 54999", got)
	}
}
