package pubsub_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/pubsub"
)

func TestValidChannel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		channel string
		err     string // "" means valid
	}{
		{"simple", "chat.lobby", ""},
		{"spaces and quotes", `it's "a" room`, ""},
		{"SQL", "'); DROP TABLE x; --", ""},
		{"unicode", "日本語 ☃", ""},
		{"wildcards are literal", "*.>", ""},
		{"empty tokens", "..", ""},
		{"longest", strings.Repeat("x", pubsub.MaxChannelLen), ""},
		{"empty", "", "empty channel name"},
		{"too long", strings.Repeat("x", pubsub.MaxChannelLen+1), "is 257 bytes, the limit is 256"},
		{"invalid UTF-8", "a\xffb", "not valid UTF-8"},
		{"NUL", "a\x00b", "control character at byte 1"},
		{"newline", "a\n", "control character at byte 1"},
		{"C1 control", "\u0085", "control character at byte 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := pubsub.ValidChannel(tt.channel)
			if tt.err == "" {
				if err != nil {
					t.Fatalf("ValidChannel(%q) = %v, want nil", tt.channel, err)
				}
				return
			}
			if !errors.Is(err, pubsub.ErrInvalidChannel) || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("ValidChannel(%.40q) = %v, want ErrInvalidChannel mentioning %q", tt.channel, err, tt.err)
			}
		})
	}
}

func TestValidPattern(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern string
		ok      bool
	}{
		{"a.*", true},
		{"a.>", true},
		{">", true},
		{"*", true},
		{"*.*.>", true},
		{"a>.b", true}, // ">" inside a token is literal
		{"a.>x", true},
		{">.a", false},
		{"a.>.b", false},
		{"", false},
		{"a\x00", false},
	}
	for _, tt := range tests {
		err := pubsub.ValidPattern(tt.pattern)
		if tt.ok != (err == nil) {
			t.Errorf("ValidPattern(%q) = %v, want ok=%v", tt.pattern, err, tt.ok)
		}
		if err != nil && !errors.Is(err, pubsub.ErrInvalidChannel) {
			t.Errorf("ValidPattern(%q) = %v, want it to wrap ErrInvalidChannel", tt.pattern, err)
		}
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, channel string
		want             bool
	}{
		{"a", "a", true},
		{"a", "b", false},
		{"a", "a.b", false},
		{"a.b", "a", false},
		{"*", "a", true},
		{"*", "", true},
		{"*", "a.b", false},
		{"a.*", "a.b", true},
		{"a.*", "a.", true},
		{"a.*", "a", false},
		{"a.*", "a.b.c", false},
		{"*.b", "a.b", true},
		{"*.b", "a.c", false},
		{">", "a", true},
		{">", "a.b.c", true},
		{"a.>", "a", false},
		{"a.>", "a.b", true},
		{"a.>", "a.b.c", true},
		{"a.>", "b.c", false},
		{"a.*.c", "a.b.c", true},
		{"a.*.c", "a.b.d", false},
		{"a*", "ab", false},
		{"a*", "a*", true},
		{"a.>.b", "a.>.b", true}, // not a valid pattern: ">" is literal here
		{"a.>.b", "a.x.b", false},
		{"日本.*", "日本.語", true},
	}
	for _, tt := range tests {
		if got := pubsub.Match(tt.pattern, tt.channel); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.channel, got, tt.want)
		}
	}
}

// FuzzMatch checks Match against a token-by-token reference and that it never panics.
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{{"a.*", "a.b"}, {"a.>", "a.b.c"}, {">", ""}, {"*.*", "."}, {"a..b", "a..b"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, channel string) {
		got := pubsub.Match(pattern, channel)
		if want := referenceMatch(strings.Split(pattern, "."), strings.Split(channel, ".")); got != want {
			t.Fatalf("Match(%q, %q) = %v, reference says %v", pattern, channel, got, want)
		}
		if pubsub.ValidPattern(pattern) == nil && pubsub.ValidChannel(pattern) != nil {
			t.Fatalf("%q is a valid pattern but not a valid name", pattern)
		}
	})
}

func referenceMatch(p, c []string) bool {
	if len(p) == 0 {
		return len(c) == 0
	}
	if p[0] == ">" && len(p) == 1 {
		return len(c) >= 1
	}
	if len(c) == 0 {
		return false
	}
	if p[0] != "*" && p[0] != c[0] {
		return false
	}
	return referenceMatch(p[1:], c[1:])
}
