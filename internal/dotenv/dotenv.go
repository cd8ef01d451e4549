// Package dotenv parses .env files: KEY=VALUE lines as written by docker compose, foreman
// and most dotenv libraries.
//
// The format: blank lines and lines starting with # are ignored; an optional "export "
// prefix is dropped; keys are letters, digits and underscores, not starting with a digit;
// values may be bare (trailing " #comment" removed, surrounding spaces trimmed), single-quoted
// (taken literally) or double-quoted (with \n, \t, \r, \", \\ escapes, and may span lines).
// Variable expansion is deliberately not supported: a value is what is written.
package dotenv

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxSize is the largest .env file Parse accepts.
const MaxSize = 1 << 20

// Var is one assignment, with the line it starts on.
type Var struct {
	Key   string
	Value string
	Line  int
}

// SyntaxError reports a malformed line.
type SyntaxError struct {
	Line int
	Msg  string
}

// Error returns "line N: message".
func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ErrTooLarge is returned for input over MaxSize.
var ErrTooLarge = errors.New("dotenv: file larger than 1 MiB")

// Read parses everything r holds; see Parse.
func Read(r io.Reader) ([]Var, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("dotenv: %w", err)
	}
	if len(b) > MaxSize {
		return nil, ErrTooLarge
	}
	return Parse(string(b))
}

// Parse parses the text of a .env file. Later assignments of a key override earlier ones.
func Parse(src string) ([]Var, error) {
	if len(src) > MaxSize {
		return nil, ErrTooLarge
	}
	if strings.IndexByte(src, 0) >= 0 {
		return nil, &SyntaxError{Line: 1 + strings.Count(src[:strings.IndexByte(src, 0)], "\n"), Msg: "NUL byte"}
	}
	src = strings.TrimPrefix(src, "\ufeff")
	src = strings.ReplaceAll(src, "\r\n", "\n")
	var out []Var
	line := 1
	for len(src) > 0 {
		var text string
		nl := strings.IndexByte(src, '\n')
		if nl < 0 {
			text, src = src, ""
		} else {
			text, src = src[:nl], src[nl+1:]
		}
		start := line
		line++
		t := strings.TrimSpace(text)
		if t == "" || t[0] == '#' {
			continue
		}
		t = strings.TrimPrefix(t, "export ")
		eq := strings.IndexByte(t, '=')
		if eq < 0 {
			return nil, &SyntaxError{Line: start, Msg: "expected KEY=VALUE"}
		}
		key := strings.TrimSpace(t[:eq])
		if !validKey(key) {
			return nil, &SyntaxError{Line: start, Msg: fmt.Sprintf("invalid key %q", short(key))}
		}
		raw := strings.TrimLeft(t[eq+1:], " \t")
		var val string
		switch {
		case strings.HasPrefix(raw, "'"):
			end := strings.IndexByte(raw[1:], '\'')
			if end < 0 {
				return nil, &SyntaxError{Line: start, Msg: "unterminated single-quoted value"}
			}
			val = raw[1 : 1+end]
			if err := trailing(raw[2+end:], start); err != nil {
				return nil, err
			}
		case strings.HasPrefix(raw, `"`):
			// A double-quoted value may continue over the following lines.
			buf := raw[1:]
			var b strings.Builder
			for {
				v, rest, ok := unquote(buf, &b)
				if ok {
					val = v
					if err := trailing(rest, start); err != nil {
						return nil, err
					}
					break
				}
				if src == "" {
					return nil, &SyntaxError{Line: start, Msg: "unterminated double-quoted value"}
				}
				b.WriteByte('\n')
				nl := strings.IndexByte(src, '\n')
				if nl < 0 {
					buf, src = src, ""
				} else {
					buf, src = src[:nl], src[nl+1:]
				}
				line++
			}
		default:
			if i := strings.Index(raw, " #"); i >= 0 {
				raw = raw[:i]
			}
			val = strings.TrimSpace(raw)
		}
		out = append(out, Var{Key: key, Value: val, Line: start})
	}
	return out, nil
}

// unquote reads a double-quoted value's text from s into b until the closing quote. It
// reports false when s ends first (the value continues on the next line).
func unquote(s string, b *strings.Builder) (val, rest string, ok bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return b.String(), s[i+1:], true
		case c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '"', '\\', '$':
				b.WriteByte(s[i])
			default:
				b.WriteByte('\\')
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}

func trailing(rest string, line int) error {
	rest = strings.TrimSpace(rest)
	if rest != "" && rest[0] != '#' {
		return &SyntaxError{Line: line, Msg: fmt.Sprintf("unexpected text after the closing quote: %q", short(rest))}
	}
	return nil
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		case c == '.' && i > 0:
		default:
			return false
		}
	}
	return true
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
