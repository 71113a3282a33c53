package secret

import (
	"bytes"
	"encoding/base64"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestFromEnvVariable(t *testing.T) {
	key := bytes.Repeat([]byte{7}, KeySize)
	other := bytes.Repeat([]byte{8}, KeySize)
	for _, tc := range []struct {
		name    string
		value   string
		wantKey []byte // nil: FromEnv fails
	}{
		{"std", base64.StdEncoding.EncodeToString(key), key},
		{"raw std with spaces", " " + base64.RawStdEncoding.EncodeToString(other) + "\n", other},
		{"url", base64.URLEncoding.EncodeToString(key), key},
		{"16 bytes", base64.StdEncoding.EncodeToString(key[:16]), nil},
		{"not base64", "correct horse battery staple", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var logs bytes.Buffer
			box, err := FromEnv(env(map[string]string{EnvKey: tc.value}), dir, slog.New(slog.NewTextHandler(&logs, nil)))
			if tc.wantKey == nil {
				if err == nil {
					t.Fatal("FromEnv succeeded")
				}
				if strings.Contains(err.Error(), tc.value) {
					t.Errorf("error %q reveals the value", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want, _ := New(tc.wantKey)
			sealed, _ := box.Seal([]byte("x"), "c")
			if _, err := want.Open(sealed, "c"); err != nil {
				t.Errorf("box does not use the configured key: %v", err)
			}
			if logs.Len() != 0 {
				t.Errorf("unexpected log: %s", logs.String())
			}
			if _, err := os.Stat(filepath.Join(dir, KeyFile)); err == nil {
				t.Error("a key file was written although the variable is set")
			}
		})
	}
}

func TestFromEnvGeneratesKeyFileOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))

	first, err := FromEnv(env(nil), dir, log)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, KeyFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode %o, want 600", perm)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), EnvKey) {
		t.Errorf("no warning naming %s: %s", EnvKey, logs.String())
	}
	sealed, err := first.Seal([]byte("kept"), "ctx")
	if err != nil {
		t.Fatal(err)
	}

	second, err := FromEnv(env(map[string]string{}), dir, log)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := second.Open(sealed, "ctx"); err != nil || string(got) != "kept" {
		t.Fatalf("restart cannot open what the first run sealed: %q, %v", got, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data folder holds %d entries, want only %s", len(entries), KeyFile)
	}
}

func TestFromEnvConcurrentStartsAgree(t *testing.T) {
	dir := t.TempDir()
	boxes := make([]*Box, 8)
	var wg sync.WaitGroup
	for i := range boxes {
		wg.Go(func() {
			b, err := FromEnv(env(nil), dir, nil)
			if err != nil {
				t.Error(err)
			}
			boxes[i] = b
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	sealed, _ := boxes[0].Seal([]byte("x"), "c")
	for i, b := range boxes {
		if _, err := b.Open(sealed, "c"); err != nil {
			t.Errorf("box %d has a different key: %v", i, err)
		}
	}
}

func TestFromEnvNoDataDir(t *testing.T) {
	if _, err := FromEnv(env(nil), "", nil); err == nil {
		t.Fatal("FromEnv without variable or data folder succeeded")
	}
}

func TestFromEnvBadKeyFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, KeyFile), []byte("too short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := FromEnv(env(nil), dir, nil); err == nil {
		t.Fatal("FromEnv accepted a corrupt key file")
	}
}
