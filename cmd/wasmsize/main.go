// Command wasmsize shows where the bytes of a Go WebAssembly program go:
// the size of each section of the binary, and the code of each Go package
// and the largest functions, raw and compressed with brotli.
//
//	go run ./cmd/wasmsize ./widget
//
// It builds the package for js/wasm twice: as `make build` does
// (-trimpath -ldflags=-s), for the size that ships, and without -s, for
// the "name" section that says which function is which (the code is the
// same). `go tool nm` does not read WebAssembly.
//
// The whole file is compressed as `make build` compresses widget.wasm
// (brotli quality 11; -quality to change); the parts at quality 9, which
// is quicker and shows the same proportions. A package's brotli figure is
// its functions' code compressed on its own:
// what the package costs to download, give or take what it shares with the
// rest (the column adds up to more than the code section's brotli size).
// The data section holds the runtime's tables, type descriptors, string
// constants and the function table (pclntab); it is not split by package.
package main

import (
	"bytes"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/andybalholm/brotli"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "wasmsize:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("wasmsize", flag.ContinueOnError)
	top := fs.Int("top", 30, "packages to list (0: all)")
	funcs := fs.Int("funcs", 15, "largest functions to list")
	quality := fs.Int("quality", 11, "brotli quality for the whole file")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: wasmsize [-top n] [-funcs n] package")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("one package, please")
	}
	pkg := fs.Arg(0)
	dir, err := os.MkdirTemp("", "wasmsize")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	shipped, named := filepath.Join(dir, "shipped.wasm"), filepath.Join(dir, "named.wasm")
	if _, err := goWasm("build", "-trimpath", "-ldflags=-s", "-o", shipped, pkg); err != nil {
		return err
	}
	if _, err := goWasm("build", "-trimpath", "-o", named, pkg); err != nil {
		return err
	}
	deps, err := goWasm("list", "-deps", pkg)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(shipped)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s for js/wasm as shipped (-ldflags=-s): %d B raw, %d B brotli (quality %d)\n\n", pkg, len(raw), brotliSize(raw, *quality), *quality)

	if raw, err = os.ReadFile(named); err != nil {
		return err
	}
	m, err := parse(raw)
	if err != nil {
		return err
	}
	if len(m.names) == 0 {
		return errors.New("the build without -s has no name section")
	}
	pkgs := newPackages(strings.Fields(string(deps)))
	pkgs["main"] = "main (" + pkg + ")" // a command's symbols say main, not its path
	return report(stdout, m, pkgs, *top, *funcs)
}

// goWasm runs the go command for GOOS=js GOARCH=wasm.
func goWasm(args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}

// module is what the report needs of a WebAssembly binary.
type module struct {
	sections []section
	imported int            // imported functions, which come first in the function index space
	bodies   [][]byte       // code of the defined functions, in order
	names    map[int]string // function index → name
}

type section struct {
	name string
	body []byte
}

var sectionNames = map[byte]string{
	1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global",
	7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount",
}

var errTruncated = errors.New("truncated")

// parse reads the sections of a WebAssembly binary (the core specification's
// binary format), the code bodies and the function names.
func parse(b []byte) (*module, error) {
	if len(b) < 8 || !bytes.Equal(b[:4], []byte("\x00asm")) {
		return nil, errors.New("not a WebAssembly binary")
	}
	m := &module{names: map[int]string{}}
	r := reader{b: b[8:]}
	for r.len() > 0 {
		id := r.byte()
		body := r.bytes(int(r.u32()))
		if r.err != nil {
			return nil, r.err
		}
		s := section{name: sectionNames[id], body: body}
		sr := reader{b: body}
		switch id {
		case 0:
			s.name = "custom " + sr.name()
			if s.name == "custom name" {
				m.readNames(sr.b)
			}
		case 2:
			m.imported = countFuncImports(body)
		case 10:
			n := int(sr.u32())
			for range n {
				m.bodies = append(m.bodies, sr.bytes(int(sr.u32())))
			}
			if sr.err != nil {
				return nil, fmt.Errorf("code section: %w", sr.err)
			}
		}
		if s.name == "" {
			s.name = fmt.Sprintf("section %d", id)
		}
		m.sections = append(m.sections, s)
	}
	return m, nil
}

// readNames reads the function names subsection (1) of the name section.
func (m *module) readNames(b []byte) {
	r := reader{b: b}
	for r.len() > 0 && r.err == nil {
		id := r.byte()
		sub := reader{b: r.bytes(int(r.u32()))}
		if id != 1 {
			continue
		}
		n := int(sub.u32())
		for range n {
			idx := int(sub.u32())
			m.names[idx] = sub.name()
		}
	}
}

// countFuncImports counts the imports of kind function.
func countFuncImports(b []byte) int {
	r := reader{b: b}
	n, funcs := int(r.u32()), 0
	for range n {
		r.name() // module
		r.name() // field
		switch r.byte() {
		case 0: // function: type index
			r.u32()
			funcs++
		case 1: // table: reftype, limits
			r.byte()
			r.limits()
		case 2: // memory: limits
			r.limits()
		case 3: // global: valtype, mutability
			r.byte()
			r.byte()
		}
	}
	return funcs
}

type reader struct {
	b   []byte
	err error
}

func (r *reader) len() int { return len(r.b) }

func (r *reader) byte() byte {
	if len(r.b) < 1 {
		r.err = errTruncated
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) u32() uint32 {
	var v uint32
	for shift := 0; shift < 35; shift += 7 {
		c := r.byte()
		v |= uint32(c&0x7f) << shift
		if c&0x80 == 0 {
			return v
		}
	}
	r.err = errors.New("bad LEB128")
	return 0
}

func (r *reader) bytes(n int) []byte {
	if n < 0 || n > len(r.b) {
		r.err = errTruncated
		r.b = nil
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) name() string { return string(r.bytes(int(r.u32()))) }

func (r *reader) limits() {
	if r.byte()&1 != 0 {
		r.u32()
	}
	r.u32()
}

// packages maps the names the linker writes for a build's packages back to
// their import paths. In the name section it replaces every character of a
// symbol other than letters, digits, '_' and '.' with '_':
// "encoding/json.(*decodeState).object" is
// "encoding_json.__decodeState_.object".
type packages map[string]string

func newPackages(paths []string) packages {
	p := packages{}
	for _, path := range paths {
		p[mangle(path)] = path
	}
	return p
}

func mangle(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			return r
		}
		return '_'
	}, s)
}

// of is the package a function belongs to: the longest package name that
// the function's name starts with, followed by '.'. Compiler-made
// equality and hash functions (type:.eq.…) are grouped.
func (p packages) of(fn string) string {
	if strings.HasPrefix(fn, "type_.") {
		return "(type equality)"
	}
	best := ""
	for i := range len(fn) {
		if fn[i] != '.' {
			continue
		}
		if path, ok := p[fn[:i]]; ok && len(path) > len(best) {
			best = path
		}
	}
	if best == "" {
		return "(other)"
	}
	return best
}

func brotliSize(b []byte, quality int) int {
	var buf bytes.Buffer
	w := brotli.NewWriterOptions(&buf, brotli.WriterOptions{Quality: quality, LGWin: 22})
	w.Write(b) //nolint:errcheck // a bytes.Buffer does not fail
	w.Close()  //nolint:errcheck
	return buf.Len()
}

type row struct {
	name      string
	raw, br   int
	functions int
}

func report(w io.Writer, m *module, pkgs packages, top, funcs int) error {
	fmt.Fprintf(w, "%-22s %10s %10s   (the build with names; brotli quality 9 from here on)\n", "section", "raw", "brotli")
	for _, s := range m.sections {
		fmt.Fprintf(w, "%-22s %10d %10d\n", s.name, len(s.body), brotliSize(s.body, 9))
	}

	byPkg := map[string]*row{}
	var fns []row
	for i, body := range m.bodies {
		name := m.names[m.imported+i]
		if name == "" {
			name = fmt.Sprintf("func[%d]", m.imported+i)
		}
		p := pkgs.of(name)
		r := byPkg[p]
		if r == nil {
			r = &row{name: p}
			byPkg[p] = r
		}
		r.raw += len(body)
		r.functions++
		fns = append(fns, row{name: name, raw: len(body)})
	}
	// Compress each package's code on its own, largest packages first.
	code := map[string][]byte{}
	for i, body := range m.bodies {
		p := pkgs.of(m.names[m.imported+i])
		code[p] = append(code[p], body...)
	}
	rows := make([]*row, 0, len(byPkg))
	for p, r := range byPkg {
		r.br = brotliSize(code[p], 9)
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b *row) int { return cmp.Or(cmp.Compare(b.br, a.br), cmp.Compare(a.name, b.name)) })
	total := 0
	for _, r := range rows {
		total += r.raw
	}
	fmt.Fprintf(w, "\ncode by package (%d functions, %d B; brotli of each package's code alone)\n", len(m.bodies), total)
	fmt.Fprintf(w, "%-60s %6s %10s %10s\n", "package", "funcs", "raw", "brotli")
	shown := rows
	if top > 0 && len(shown) > top {
		shown = shown[:top]
	}
	for _, r := range shown {
		fmt.Fprintf(w, "%-60s %6d %10d %10d\n", r.name, r.functions, r.raw, r.br)
	}
	if rest := rows[len(shown):]; len(rest) > 0 {
		n, rawSum, brSum := 0, 0, 0
		for _, r := range rest {
			n += r.functions
			rawSum += r.raw
			brSum += r.br
		}
		fmt.Fprintf(w, "%-60s %6d %10d %10d\n", fmt.Sprintf("(%d more packages)", len(rest)), n, rawSum, brSum)
	}

	if funcs > 0 {
		slices.SortFunc(fns, func(a, b row) int { return cmp.Or(cmp.Compare(b.raw, a.raw), cmp.Compare(a.name, b.name)) })
		fmt.Fprintf(w, "\nlargest functions\n")
		for _, f := range fns[:min(funcs, len(fns))] {
			fmt.Fprintf(w, "%10d  %s\n", f.raw, f.name)
		}
	}
	return nil
}
