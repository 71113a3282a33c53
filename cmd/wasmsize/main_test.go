package main

import (
	"bytes"
	"testing"
)

// wasmSection writes a WebAssembly section: id, LEB128 size, body.
func wasmSection(id byte, body ...byte) []byte {
	return append([]byte{id, byte(len(body))}, body...)
}

func name(s string) []byte { return append([]byte{byte(len(s))}, s...) }

func TestParse(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("\x00asm\x01\x00\x00\x00")
	// One imported function: it takes function index 0.
	imp := append([]byte{1}, name("go")...)
	imp = append(imp, name("debug")...)
	imp = append(imp, 0, 0)
	b.Write(wasmSection(2, imp...))
	// Two defined functions, bodies of 3 and 5 bytes: indexes 1 and 2.
	b.Write(wasmSection(10, 2, 3, 0, 0, 0x0b, 5, 0, 0, 0, 0, 0x0b))
	// The name section's function names: count, then index and name.
	names := []byte{2, 1}
	names = append(names, name("encoding_json.Marshal")...)
	names = append(names, 2)
	names = append(names, name("github.com_x_y.__T_.M")...)
	sub := append([]byte{1, byte(len(names))}, names...)
	b.Write(wasmSection(0, append(name("name"), sub...)...))

	m, err := parse(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if m.imported != 1 || len(m.bodies) != 2 || len(m.bodies[0]) != 3 || len(m.bodies[1]) != 5 {
		t.Fatalf("imported %d, bodies %v", m.imported, m.bodies)
	}
	if m.names[1] != "encoding_json.Marshal" || m.names[2] != "github.com_x_y.__T_.M" {
		t.Fatalf("names %v", m.names)
	}
	if _, err := parse([]byte("not wasm")); err == nil {
		t.Error("parse accepted a file that is not WebAssembly")
	}
	if _, err := parse(b.Bytes()[:20]); err == nil {
		t.Error("parse accepted a truncated file")
	}
}

func TestPackagesOf(t *testing.T) {
	p := newPackages([]string{"runtime", "encoding/json", "github.com/x/y", "github.com/x/y/z", "internal/runtime/maps"})
	p["main"] = "main (./cmd)"
	tests := map[string]string{
		"runtime.mallocgc":                   "runtime",
		"runtime.mapassign_faststr":          "runtime",
		"internal_runtime_maps.__Map_.grow":  "internal/runtime/maps",
		"encoding_json.__decodeState_.value": "encoding/json",
		"github.com_x_y.F":                   "github.com/x/y",
		"github.com_x_y_z.__T_.M":            "github.com/x/y/z", // the longest package that fits
		"main.main":                          "main (./cmd)",
		"type_.eq.github.com_x_y.T":          "(type equality)",
		"go_buildid":                         "(other)",
	}
	for fn, want := range tests {
		if got := p.of(fn); got != want {
			t.Errorf("of(%q) = %q, want %q", fn, got, want)
		}
	}
}
