// Command precompress writes brotli (.br) and gzip (.gz) copies next to each
// file it is given, for backend/web to serve without compressing per
// request:
//
//	go run ./cmd/precompress build/web/app.wasm
//
// It prints the raw, gzip and brotli sizes and the time each took.
//
// Brotli quality: the default, 9 with a 4 MiB window (-lgwin 22), is the
// knee of the curve for the agent app's wasm. Measured on a 2-core machine
// with the 11.9 MiB wasm of the first release:
//
//	gzip -9          3.06 MiB   1.1 s
//	br q5  lgwin 22  2.60 MiB   0.4 s
//	br q9  lgwin 22  2.51 MiB   1.7 s   (default)
//	br q10 lgwin 22  2.28 MiB  18.6 s
//	br q11 lgwin 24  2.18 MiB  33.4 s
//
// Past 9 this pure-Go encoder switches to its slow optimal parser: 13 % less
// to download for 20 times the time, paid by every `make build` and CI run.
// A release build that wants the last bytes can pass -quality 11 -lgwin 24.
// The visitors' widget.wasm (2.5 MB) is always built with -quality 11: 8 s
// on that machine, and 11 % less for every visitor of every customer's site
// (555 KB instead of 624 KB).
package main

import (
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/andybalholm/brotli"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "precompress:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("precompress", flag.ContinueOnError)
	quality := fs.Int("quality", 9, "brotli quality, 0-11")
	lgwin := fs.Int("lgwin", 22, "brotli window size as a power of two, 10-24")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: precompress [-quality n] [-lgwin n] file...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("no files given")
	}
	if *quality < brotli.BestSpeed || *quality > brotli.BestCompression {
		return fmt.Errorf("-quality %d out of range 0-11", *quality)
	}
	if *lgwin < 10 || *lgwin > 24 {
		return fmt.Errorf("-lgwin %d out of range 10-24", *lgwin)
	}

	encoders := []encoder{
		{ext: ".gz", name: "gzip", newWriter: func(w io.Writer) io.WriteCloser {
			zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression) // the level is valid
			return zw
		}},
		{ext: ".br", name: "br", newWriter: func(w io.Writer) io.WriteCloser {
			return brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: *quality, LGWin: *lgwin})
		}},
	}
	for _, name := range fs.Args() {
		if err := compressFile(name, encoders, stdout); err != nil {
			return err
		}
	}
	return nil
}

type encoder struct {
	ext, name string
	newWriter func(io.Writer) io.WriteCloser
}

func compressFile(name string, encoders []encoder, stdout io.Writer) error {
	raw, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: raw %s", name, size(len(raw)))
	for _, enc := range encoders {
		start := time.Now()
		n, err := writeCompressed(name+enc.ext, raw, enc.newWriter)
		if err != nil {
			return fmt.Errorf("%s %s: %w", name, enc.name, err)
		}
		fmt.Fprintf(stdout, ", %s %s (%.1f%%, %s)", enc.name, size(n),
			100*float64(n)/float64(max(len(raw), 1)), time.Since(start).Round(time.Millisecond))
	}
	fmt.Fprintln(stdout)
	return nil
}

// writeCompressed writes the compressed copy to a temporary file and renames
// it into place, so a server starting meanwhile never reads half a file.
func writeCompressed(dst string, raw []byte, newWriter func(io.Writer) io.WriteCloser) (n int, err error) {
	f, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".tmp*")
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	cw := &countingWriter{w: f}
	zw := newWriter(cw)
	if _, err := zw.Write(raw); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	if err := f.Chmod(0o644); err != nil {
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	if err := os.Rename(f.Name(), dst); err != nil {
		return 0, err
	}
	return cw.n, nil
}

type countingWriter struct {
	w io.Writer
	n int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += n
	return n, err
}

func size(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d B", n)
	}
}
