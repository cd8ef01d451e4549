package auth

import (
	"strings"
	"testing"
	"time"
)

func TestSignedLinks(t *testing.T) {
	t.Parallel()
	key, other := []byte("k1k1k1k1k1k1k1k1"), []byte("k2k2k2k2k2k2k2k2")
	now := time.Unix(1_800_000_000, 0)
	tok := signToken(key, 42, now.Add(time.Hour), "state")
	tests := []struct {
		name  string
		key   []byte
		tok   string
		state string
		at    time.Time
		want  bool
	}{
		{"valid", key, tok, "state", now, true},
		{"expired", key, tok, "state", now.Add(time.Hour), false},
		{"state changed (used)", key, tok, "state2", now, false},
		{"other key", other, tok, "state", now, false},
		{"truncated", key, tok[:len(tok)-1], "state", now, false},
		{"padded", key, tok + "=", "state", now, false},
		{"empty", key, "", "state", now, false},
		{"garbage", key, strings.Repeat("A", len(tok)), "state", now, false},
		{"flipped user id", key, "B" + tok[1:], "state", now, false},
	}
	for _, tt := range tests {
		if got := checkToken(tt.key, tt.tok, tt.state, tt.at); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if uid, exp, ok := parseToken(tok); !ok || uid != 42 || !exp.Equal(now.Add(time.Hour)) {
		t.Errorf("parse: %d %v %v", uid, exp, ok)
	}
}

// FuzzCheckToken feeds arbitrary link tokens to the parser and the check: no panic, and
// nothing but the signed token passes.
func FuzzCheckToken(f *testing.F) {
	key := []byte("fuzz key fuzz key")
	now := time.Unix(1_800_000_000, 0)
	good := signToken(key, 7, now.Add(time.Hour), "s")
	f.Add(good)
	f.Add("")
	f.Add(strings.Repeat("_", len(good)))
	f.Add(good[:10] + "\x00" + good[11:])
	f.Fuzz(func(t *testing.T, tok string) {
		parseToken(tok)
		if checkToken(key, tok, "s", now) && tok != good {
			t.Fatalf("forged token %q passes", tok)
		}
	})
}
