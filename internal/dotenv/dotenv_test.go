package dotenv

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want map[string]string
	}{
		{"empty", "", map[string]string{}},
		{"comments and blanks", "# c\n\n  # d\nA=1\n", map[string]string{"A": "1"}},
		{"export", "export A=b", map[string]string{"A": "b"}},
		{"spaces", "  A  =  hello world  ", map[string]string{"A": "hello world"}},
		{"inline comment", "A=x #comment", map[string]string{"A": "x"}},
		{"hash inside value", "A=x#y", map[string]string{"A": "x#y"}},
		{"single quotes literal", `A='a \n $B #x'`, map[string]string{"A": `a \n $B #x`}},
		{"double quotes escapes", `A="a\nb\t\"c\"\\"`, map[string]string{"A": "a\nb\t\"c\"\\"}},
		{"multi-line double quotes", "A=\"line1\nline2\"\nB=2", map[string]string{"A": "line1\nline2", "B": "2"}},
		{"crlf", "A=1\r\nB=2\r\n", map[string]string{"A": "1", "B": "2"}},
		{"bom", "\ufeffA=1", map[string]string{"A": "1"}},
		{"empty value", "A=", map[string]string{"A": ""}},
		{"equals in value", "DATABASE_URL=postgres://u:p@h/db?x=1&y=2", map[string]string{"DATABASE_URL": "postgres://u:p@h/db?x=1&y=2"}},
		{"later wins", "A=1\nA=2", map[string]string{"A": "2"}},
		{"quoted then comment", `A="x" # c`, map[string]string{"A": "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vars, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := map[string]string{}
			for _, v := range vars {
				got[v.Key] = v.Value
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		line      int
		msg       string
	}{
		{"no equals", "A=1\nJUSTTEXT", 2, "expected KEY=VALUE"},
		{"bad key", "1A=x", 1, "invalid key"},
		{"key with space", "A B=x", 1, "invalid key"},
		{"unterminated single", "A='x", 1, "unterminated single"},
		{"unterminated double", "A=\"x\nB=2", 1, "unterminated double"},
		{"garbage after quote", `A="x" y`, 1, "unexpected text"},
		{"nul byte", "A=1\nB=\x00", 2, "NUL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(tt.src)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *SyntaxError", err)
			}
			if se.Line != tt.line || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("err = %v, want line %d containing %q", se, tt.line, tt.msg)
			}
		})
	}
}

func TestTooLarge(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("A=1234567\n", MaxSize/10+1)
	if _, err := Parse(big); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Parse = %v, want ErrTooLarge", err)
	}
	if _, err := Read(strings.NewReader(big)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Read = %v, want ErrTooLarge", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"A=1", "export B='x'", "C=\"a\\nb\"", "#c\nD=\"multi\nline\"", "E=x #c", "=", "A='", "A=\"\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		vars, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			return
		}
		for _, v := range vars {
			if !validKey(v.Key) {
				t.Fatalf("invalid key %q accepted", v.Key)
			}
			if v.Line < 1 {
				t.Fatalf("line %d", v.Line)
			}
		}
	})
}
