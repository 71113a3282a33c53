package crmtest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The fake's SOQL is the subset the clients use, parsed the way Salesforce
// parses it where it matters for safety: string literals follow the
// documented escape rules (\n \r \t \b \f \" \' \\ \uXXXX everywhere, \_ and
// \% only inside LIKE, any other backslash is an error), so a value that was
// not escaped right breaks the query instead of silently matching.
//
//	SELECT field, rel.field FROM Object
//	  [WHERE cond AND cond ...] [ORDER BY field [ASC|DESC]] [LIMIT n]
//	cond := field = value | field != value | field LIKE 'pattern'
//	value := 'string' | true | false | null

// soqlQuery is a parsed query.
type soqlQuery struct {
	fields  [][]string // each a path: ["Name"] or ["Account", "Name"]
	object  string
	where   []soqlCond
	orderBy []string
	desc    bool
	limit   int // 0: none
}

type soqlCond struct {
	field []string
	op    string // "=", "!=", "LIKE"
	value soqlValue
}

type soqlValue struct {
	kind    string // "string", "bool", "null"
	str     string
	boolean bool
	like    *regexp.Regexp // for LIKE
}

// soqlError is a query Salesforce would refuse; code is its errorCode.
type soqlError struct{ code, msg string }

func (e *soqlError) Error() string { return e.code + ": " + e.msg }

func malformed(format string, args ...any) *soqlError {
	return &soqlError{code: "MALFORMED_QUERY", msg: fmt.Sprintf(format, args...)}
}

// soqlToken is a lexical token: a word, a symbol, or a string literal with
// its raw (still escaped) text.
type soqlToken struct {
	kind string // "word", "sym", "str", "num"
	text string
}

func lexSOQL(q string) ([]soqlToken, error) {
	var toks []soqlToken
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			j := i + 1
			for ; j < len(q) && q[j] != '\''; j++ {
				if q[j] == '\\' {
					j++ // the escaped character cannot end the literal
				}
			}
			if j >= len(q) {
				return nil, malformed("unterminated string literal starting at column %d", i+1)
			}
			toks = append(toks, soqlToken{"str", q[i+1 : j]})
			i = j + 1
		case c == ',' || c == '=' || c == '(' || c == ')':
			toks = append(toks, soqlToken{"sym", string(c)})
			i++
		case c == '!' && i+1 < len(q) && q[i+1] == '=':
			toks = append(toks, soqlToken{"sym", "!="})
			i += 2
		case isWordByte(c):
			j := i
			for j < len(q) && (isWordByte(q[j]) || q[j] == '.') {
				j++
			}
			toks = append(toks, soqlToken{"word", q[i:j]})
			i = j
		default:
			return nil, malformed("unexpected token: '%c' at column %d", c, i+1)
		}
	}
	return toks, nil
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// decodeLiteral resolves the escapes of a string literal. In a LIKE it
// returns a case-insensitive regexp where unescaped % and _ are wildcards.
func decodeLiteral(raw string, like bool) (string, *regexp.Regexp, error) {
	var plain strings.Builder
	var pattern strings.Builder
	pattern.WriteString("(?is)^")
	lit := func(r rune) {
		plain.WriteRune(r)
		pattern.WriteString(regexp.QuoteMeta(string(r)))
	}
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRuneInString(raw[i:])
		i += size
		if r != '\\' {
			switch {
			case like && r == '%':
				pattern.WriteString(".*")
				plain.WriteRune(r)
			case like && r == '_':
				pattern.WriteString(".")
				plain.WriteRune(r)
			default:
				lit(r)
			}
			continue
		}
		if i >= len(raw) {
			return "", nil, malformed("invalid string literal '%s': trailing backslash", raw)
		}
		e := raw[i]
		i++
		switch e {
		case 'n', 'N':
			lit('\n')
		case 'r', 'R':
			lit('\r')
		case 't', 'T':
			lit('\t')
		case 'b', 'B':
			lit('\b')
		case 'f', 'F':
			lit('\f')
		case '"', '\'', '\\':
			lit(rune(e))
		case 'u':
			if i+4 > len(raw) {
				return "", nil, malformed("invalid unicode escape in '%s'", raw)
			}
			n, err := strconv.ParseUint(raw[i:i+4], 16, 32)
			if err != nil {
				return "", nil, malformed("invalid unicode escape in '%s'", raw)
			}
			lit(rune(n))
			i += 4
		case '%', '_':
			if !like {
				return "", nil, malformed("invalid string literal '%s'. Illegal escape sequence '\\%c'", raw, e)
			}
			lit(rune(e))
		default:
			return "", nil, malformed("invalid string literal '%s'. Illegal escape sequence '\\%c'", raw, e)
		}
	}
	if !like {
		return plain.String(), nil, nil
	}
	pattern.WriteString("$")
	re, err := regexp.Compile(pattern.String())
	if err != nil {
		return "", nil, malformed("invalid LIKE pattern '%s'", raw)
	}
	return plain.String(), re, nil
}

// parseSOQL parses a query of the supported subset.
func parseSOQL(q string) (*soqlQuery, error) {
	toks, err := lexSOQL(q)
	if err != nil {
		return nil, err
	}
	p := &soqlParser{toks: toks}
	return p.query()
}

type soqlParser struct {
	toks []soqlToken
	pos  int
}

func (p *soqlParser) peek() soqlToken {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return soqlToken{}
}

func (p *soqlParser) next() soqlToken {
	t := p.peek()
	p.pos++
	return t
}

func (p *soqlParser) keyword(k string) bool {
	if t := p.peek(); t.kind == "word" && strings.EqualFold(t.text, k) {
		p.pos++
		return true
	}
	return false
}

func (p *soqlParser) expect(k string) error {
	if !p.keyword(k) {
		return malformed("expecting '%s', found '%s'", k, p.peek().text)
	}
	return nil
}

func (p *soqlParser) field() ([]string, error) {
	t := p.next()
	if t.kind != "word" || strings.HasPrefix(t.text, ".") || strings.HasSuffix(t.text, ".") || strings.Contains(t.text, "..") {
		return nil, malformed("unexpected token: '%s'", t.text)
	}
	path := strings.Split(t.text, ".")
	if len(path) > 2 {
		return nil, malformed("the fake supports one relationship level, got '%s'", t.text)
	}
	return path, nil
}

func (p *soqlParser) query() (*soqlQuery, error) {
	q := &soqlQuery{}
	if err := p.expect("SELECT"); err != nil {
		return nil, err
	}
	for {
		f, err := p.field()
		if err != nil {
			return nil, err
		}
		q.fields = append(q.fields, f)
		if t := p.peek(); t.kind == "sym" && t.text == "," {
			p.pos++
			continue
		}
		break
	}
	if err := p.expect("FROM"); err != nil {
		return nil, err
	}
	obj := p.next()
	if obj.kind != "word" || strings.Contains(obj.text, ".") {
		return nil, malformed("unexpected token: '%s'", obj.text)
	}
	q.object = obj.text
	if p.keyword("WHERE") {
		for {
			c, err := p.cond()
			if err != nil {
				return nil, err
			}
			q.where = append(q.where, c)
			if p.keyword("AND") {
				continue
			}
			if t := p.peek(); t.kind == "word" && strings.EqualFold(t.text, "OR") {
				return nil, malformed("the fake supports AND only")
			}
			break
		}
	}
	if p.keyword("ORDER") {
		if err := p.expect("BY"); err != nil {
			return nil, err
		}
		f, err := p.field()
		if err != nil {
			return nil, err
		}
		q.orderBy = f
		if p.keyword("DESC") {
			q.desc = true
		} else {
			p.keyword("ASC")
		}
	}
	if p.keyword("LIMIT") {
		t := p.next()
		n, err := strconv.Atoi(t.text)
		if t.kind != "word" || err != nil || n < 1 {
			return nil, malformed("LIMIT must be a positive integer, found '%s'", t.text)
		}
		q.limit = n
	}
	if p.pos != len(p.toks) {
		return nil, malformed("unexpected token: '%s'", p.peek().text)
	}
	return q, nil
}

func (p *soqlParser) cond() (soqlCond, error) {
	f, err := p.field()
	if err != nil {
		return soqlCond{}, err
	}
	c := soqlCond{field: f}
	switch t := p.next(); {
	case t.kind == "sym" && (t.text == "=" || t.text == "!="):
		c.op = t.text
	case t.kind == "word" && strings.EqualFold(t.text, "LIKE"):
		c.op = "LIKE"
	default:
		return soqlCond{}, malformed("unexpected token: '%s'", t.text)
	}
	v := p.next()
	switch {
	case v.kind == "str":
		s, re, err := decodeLiteral(v.text, c.op == "LIKE")
		if err != nil {
			return soqlCond{}, err
		}
		c.value = soqlValue{kind: "string", str: s, like: re}
	case c.op == "LIKE":
		return soqlCond{}, malformed("LIKE needs a string literal, found '%s'", v.text)
	case v.kind == "word" && strings.EqualFold(v.text, "null"):
		c.value = soqlValue{kind: "null"}
	case v.kind == "word" && (strings.EqualFold(v.text, "true") || strings.EqualFold(v.text, "false")):
		c.value = soqlValue{kind: "bool", boolean: strings.EqualFold(v.text, "true")}
	default:
		return soqlCond{}, malformed("unexpected token: '%s'", v.text)
	}
	return c, nil
}
