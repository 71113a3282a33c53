package i18n

import "strings"

// Fill puts args, in order, in place of the verbs of format, one of the
// catalogs' sentences: %s and %d (numbers are passed already written out),
// and %% for a percent sign. It is fmt.Sprintf for what the catalogs use,
// without fmt, which the visitor WebAssembly leaves out for its size. A
// verb without an argument is left as it is.
func Fill(format string, args ...string) string {
	if !strings.Contains(format, "%") {
		return format
	}
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		switch verb := format[i+1]; {
		case verb == '%':
			b.WriteByte('%')
			i++
		case (verb == 's' || verb == 'd') && len(args) > 0:
			b.WriteString(args[0])
			args = args[1:]
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
