package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"app.wasm": append([]byte("\x00asm"), bytes.Repeat([]byte("compress me "), 10000)...),
		"app.css":  []byte(strings.Repeat("body{margin:0}\n", 100)),
	}
	var names []string
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, p)
	}
	var out bytes.Buffer
	if err := run(append([]string{"-quality", "5"}, names...), &out); err != nil {
		t.Fatal(err)
	}

	for name, raw := range files {
		p := filepath.Join(dir, name)
		if !strings.Contains(out.String(), p+": raw ") {
			t.Errorf("output does not report %s:\n%s", p, out.String())
		}
		for ext, open := range map[string]func(io.Reader) (io.Reader, error){
			".br": func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
			".gz": func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
		} {
			compressed, err := os.ReadFile(p + ext)
			if err != nil {
				t.Fatal(err)
			}
			if len(compressed) >= len(raw) {
				t.Errorf("%s%s is %d bytes, raw is %d", name, ext, len(compressed), len(raw))
			}
			r, err := open(bytes.NewReader(compressed))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("%s%s: %v", name, ext, err)
			}
			if !bytes.Equal(got, raw) {
				t.Errorf("%s%s does not decompress to the original", name, ext)
			}
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*.tmp*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no files", nil, "no files given"},
		{"quality too high", []string{"-quality", "12", "x"}, "out of range"},
		{"window too large", []string{"-lgwin", "25", "x"}, "out of range"},
		{"missing file", []string{filepath.Join(t.TempDir(), "nope.wasm")}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(tt.args, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
