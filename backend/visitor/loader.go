package visitor

import "bytes"

// stripLoader takes out of widget.js what only its readers need: comment
// lines ("//" and "/* … */" blocks that start a line) and indentation. It
// is line by line, not a JavaScript parser, so the loader keeps comments
// on lines of their own and every line break stays (no statement runs
// into the next). It saves a fifth of the loader's brotli bytes, which
// every page view of every customer's site downloads.
func stripLoader(src []byte) []byte {
	var out bytes.Buffer
	inBlock := false
	for line := range bytes.Lines(src) {
		line = bytes.TrimLeft(line, " \t")
		switch {
		case inBlock:
			inBlock = !bytes.Contains(line, []byte("*/"))
			continue
		case bytes.HasPrefix(line, []byte("/*")):
			inBlock = !bytes.Contains(line, []byte("*/"))
			continue
		case bytes.HasPrefix(line, []byte("//")), len(bytes.TrimSpace(line)) == 0:
			continue
		}
		out.Write(line)
	}
	return out.Bytes()
}
