package deploy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/pgtest"
)

// nobody is the unprivileged user the server runs as when the test runs
// as root.
const nobody = 65534

// TestImageStartsWithOnlyDatabaseURL: the container image's start, without
// Docker. The Dockerfile puts the web files next to the binary and makes
// the data folder a volume the unprivileged user owns; here the binary runs
// the same way, as an unprivileged user, in an empty folder that user owns,
// with DATABASE_URL as the only setting (and FRONTDESK_ADDR, because port
// 8080 may be taken on a test machine). It must serve /readyz, keep a
// generated secret key where only it can read it, and stop cleanly.
func TestImageStartsWithOnlyDatabaseURL(t *testing.T) {
	dockerfile, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`(?m)^COPY --from=build /src/build/frontdesk /app/frontdesk$`,
		`(?m)^COPY --from=build /src/build/web /app/web$`,
		`FRONTDESK_DATA_DIR=/var/lib/frontdesk`,
		`(?m)^VOLUME /var/lib/frontdesk$`,
		`install -d -o frontdesk -g frontdesk -m 0700 /var/lib/frontdesk`,
		`(?m)^WORKDIR /var/lib/frontdesk$`,
		`(?m)^USER frontdesk$`,
	} {
		if !regexp.MustCompile(want).Match(dockerfile) {
			t.Errorf("the Dockerfile lacks %s", want)
		}
	}

	bin := frontdeskBinary(t)
	dir, err := os.MkdirTemp("", "frontdesk-volume-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	uid := os.Geteuid()
	if uid == 0 {
		uid = nobody
		if err := os.Chown(dir, nobody, nobody); err != nil {
			t.Fatal(err)
		}
	}
	port := freePort(t)
	in := &instance{name: "frontdesk", port: port, out: &syncBuffer{}, env: []string{
		"DATABASE_URL=" + pgtest.DSN(t),
		"FRONTDESK_ADDR=127.0.0.1:" + strconv.Itoa(port),
	}}
	in.dir = dir
	if os.Geteuid() == 0 {
		in.cred = &syscall.Credential{Uid: nobody, Gid: nobody}
	}
	if err := in.start(bin); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, ".data", "secret.key")
	fi, err := os.Stat(key)
	if err != nil {
		t.Fatalf("no generated secret key: %v\n%s", err, in.out.String())
	}
	if st := fi.Sys().(*syscall.Stat_t); int(st.Uid) != uid || fi.Mode().Perm() != 0o600 {
		t.Errorf("secret key owned by %d with mode %o, want %d and 600", st.Uid, fi.Mode().Perm(), uid)
	}
	if !strings.Contains(in.out.String(), "FRONTDESK_SECRET_KEY") {
		t.Errorf("no warning about FRONTDESK_SECRET_KEY:\n%s", in.out.String())
	}
	if err := in.stop(t, syscall.SIGINT, 30*time.Second); err != nil {
		t.Fatalf("stop: %v\n%s", err, in.out.String())
	}
}
