package dsn

import (
	"net/url"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, out string
		want          Params
		err           string
	}{
		{name: "no query", in: "redis://127.0.0.1:6379/0", out: "redis://127.0.0.1:6379/0"},
		{name: "all", in: "nats://h:4222?namespace=app1&buffer=64&max_payload=1000", out: "nats://h:4222", want: Params{Namespace: "app1", Buffer: 64, MaxPayload: 1000}},
		{name: "keeps others", in: "postgres://u@h/db?sslmode=disable&namespace=x", out: "postgres://u@h/db?sslmode=disable", want: Params{Namespace: "x"}},
		{name: "twice", in: "memory://?buffer=1&buffer=2", err: "given 2 times"},
		{name: "zero", in: "memory://?buffer=0", err: "not a positive integer"},
		{name: "negative", in: "memory://?max_payload=-5", err: "not a positive integer"},
		{name: "huge", in: "memory://?max_payload=99999999999999", err: "not a positive integer"},
		{name: "text", in: "memory://?buffer=lots", err: "not a positive integer"},
		{name: "empty namespace", in: "memory://?namespace=", err: "namespace is empty"},
		{name: "bad url", in: "redis://[::1", err: "broker URL"},
		{name: "bad url with password", in: "redis://user:secret@[::1", err: "missing ']'"},
		{name: "bad query", in: "redis://h/?a=%zz", err: "query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, p, err := Split(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Split(%q) error = %v, want one containing %q", tt.in, err, tt.err)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Fatalf("Split(%q) error = %v repeats the password", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Split(%q): %v", tt.in, err)
			}
			if out != tt.out || p != tt.want {
				t.Fatalf("Split(%q) = %q, %+v; want %q, %+v", tt.in, out, p, tt.out, tt.want)
			}
		})
	}
}

// FuzzSplit checks that Split never panics and that what it returns carries none of
// Sinew's parameters.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"redis://h:1/0?namespace=a&buffer=2", "memory://?max_payload=9", "postgres://u:p@h/db?sslmode=disable", "x://?%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		rest, p, err := Split(raw)
		if err != nil {
			return
		}
		if p.Buffer < 0 || p.MaxPayload < 0 || p.Buffer > maxInt || p.MaxPayload > maxInt {
			t.Fatalf("Split(%q) gave %+v", raw, p)
		}
		if rest == raw {
			return
		}
		u, err := url.Parse(rest)
		if err != nil {
			t.Fatalf("Split(%q) returned %q, which does not parse: %v", raw, rest, err)
		}
		for _, k := range []string{"namespace", "buffer", "max_payload"} {
			if u.Query().Has(k) {
				t.Fatalf("Split(%q) returned %q, which still has %s", raw, rest, k)
			}
		}
	})
}
