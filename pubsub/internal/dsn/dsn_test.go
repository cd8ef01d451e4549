package dsn

import (
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
