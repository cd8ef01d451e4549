package nats

import (
	"strings"
	"testing"

	"github.com/sinewdev/sinew/pubsub"
)

func TestSubjectEncoding(t *testing.T) {
	t.Parallel()
	b := &Broker{prefix: "ns."}
	tests := []struct {
		name    string
		pattern bool
		want    string
	}{
		{"chat.lobby", false, "ns.chat.lobby"},
		{"room:42", false, "ns.room:42"},
		{"a b", false, "ns.a~20b"},
		{"*", false, "ns.~2A"},
		{">", false, "ns.~3E"},
		{"a..b", false, "ns.a.~.b"},
		{".", false, "ns.~.~"},
		{"~", false, "ns.~7E"},
		{"é", false, "ns.~C3~A9"},
		{"a.*", true, "ns.a.*"},
		{"a.>", true, "ns.a.>"},
		{"a*.>x", true, "ns.a~2A.~3Ex"},
	}
	for _, tt := range tests {
		got := b.subject(tt.name, tt.pattern)
		if got != tt.want {
			t.Errorf("subject(%q, %v) = %q, want %q", tt.name, tt.pattern, got, tt.want)
		}
		if tt.pattern {
			continue
		}
		back, err := b.decode(got)
		if err != nil || back != tt.name {
			t.Errorf("decode(%q) = %q, %v; want %q", got, back, err, tt.name)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	b := &Broker{prefix: "ns."}
	for _, s := range []string{
		"other.a",
		"ns.",
		"ns.a..b",
		"ns.a~",
		"ns.a~2",
		"ns.a~2g",
		"ns.a~2a", // lowercase hex is not what the encoder writes
		"ns.a b",
		"ns.~00", // NUL: not a valid channel
		"ns.~FF", // not UTF-8
		"ns.a*",  // a wildcard is never part of a published subject
		"ns." + strings.Repeat("x", pubsub.MaxChannelLen+1),
	} {
		if ch, err := b.decode(s); err == nil {
			t.Errorf("decode(%q) = %q, want an error", s, ch)
		}
	}
}

// FuzzSubject checks that every valid channel name survives the round trip, maps to a
// subject without spaces or wildcards, and that decode never panics.
func FuzzSubject(f *testing.F) {
	for _, s := range []string{"a", "a.b", "..", "*", ">", "it's", "日本", "~7E"} {
		f.Add(s)
	}
	b := &Broker{prefix: "ns."}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = b.decode(s)
		if pubsub.ValidChannel(s) != nil {
			return
		}
		subj := b.subject(s, false)
		if strings.ContainsAny(subj, " \t\r\n*>") || strings.Contains(subj, "..") || strings.HasSuffix(subj, ".") {
			t.Fatalf("subject(%q) = %q is not a plain NATS subject", s, subj)
		}
		back, err := b.decode(subj)
		if err != nil || back != s {
			t.Fatalf("decode(subject(%q)) = %q, %v", s, back, err)
		}
	})
}

func TestValidNamespace(t *testing.T) {
	t.Parallel()
	for ns, ok := range map[string]bool{
		"sinew": true, "app-1.prod_eu": true, "": false, "a..b": false, "a.": false, "a b": false, "a*": false, "a>": false, "é": false,
	} {
		if err := validNamespace(ns); (err == nil) != ok {
			t.Errorf("validNamespace(%q) = %v, want ok=%v", ns, err, ok)
		}
	}
}
