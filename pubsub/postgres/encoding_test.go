package postgres

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/pubsub"
)

func TestEncodeDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		channel string
		payload []byte
	}{
		{"a", nil},
		{"chat.lobby", []byte("hello")},
		{"12:34", []byte("1|2:3")},
		{`it's "x"; DROP`, []byte{0, 1, 2, 255}},
		{strings.Repeat("é", pubsub.MaxChannelLen/2), bytes.Repeat([]byte{0xff}, MaxPayload)},
	}
	for _, tt := range tests {
		s := encode(tt.channel, tt.payload)
		if len(s) >= notifyLimit {
			t.Errorf("encoding of %d+%d bytes is %d bytes, NOTIFY allows %d", len(tt.channel), len(tt.payload), len(s), notifyLimit-1)
		}
		ch, p, err := decode(s)
		if err != nil || ch != tt.channel || !bytes.Equal(p, tt.payload) {
			t.Errorf("decode(encode(%q, %q)) = %q, %q, %v", tt.channel, tt.payload, ch, p, err)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"",
		"hello",
		"2" + "1:a",
		"1:a",
		"1x:a",
		"10:abc",
		"1-1:a",
		"101:a",
		"1 1:a",
		"1+1:a",
		"11:a!!!",
		"11:\x00",
		"18:a.b.c.dxyz=",
		"19999:a",
		"13:\xff\xfe\xfd",
	} {
		if ch, p, err := decode(s); err == nil {
			t.Errorf("decode(%q) = %q, %q; want an error", s, ch, p)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(encode("chat.lobby", []byte("hello")))
	f.Add(encode("x", nil))
	f.Add("15:hello")
	f.Add("1999:")
	f.Fuzz(func(t *testing.T, s string) {
		ch, p, err := decode(s)
		if err != nil {
			return
		}
		if pubsub.ValidChannel(ch) != nil {
			t.Fatalf("decode(%q) accepted the invalid channel %q", s, ch)
		}
		if again := encode(ch, p); again != s {
			// Base64 has one canonical form per payload except for padding bits; accept
			// only inputs whose re-encoding decodes the same.
			ch2, p2, err := decode(again)
			if err != nil || ch2 != ch || !bytes.Equal(p2, p) {
				t.Fatalf("re-encoding %q gave %q, which does not decode the same", s, again)
			}
		}
	})
}

func TestIdentifier(t *testing.T) {
	t.Parallel()
	if got := identifier("sinew"); got != "sinew" {
		t.Errorf("identifier(sinew) = %q", got)
	}
	long := strings.Repeat("n", 64)
	got := identifier(long)
	if len(got) > 63 || !strings.HasPrefix(got, "sinew_") || got == identifier(long+"x") {
		t.Errorf("identifier of a 64-byte namespace = %q", got)
	}
	if identifier(strings.Repeat("n", 63)) != strings.Repeat("n", 63) {
		t.Error("a 63-byte namespace was hashed")
	}
}
