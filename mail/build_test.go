package mail

import (
	"bytes"
	"flag"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// zeros is a deterministic "random" source for golden output.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i)
	}
	return len(p), nil
}

// TestBuildGolden compares rendered messages with testdata/*.eml.
func TestBuildGolden(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 6, 1, 2, 3, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name string
		m    Message
	}{
		{"text", Message{From: "app@sinew.example", To: []string{"ada@example.com"}, Subject: "Welcome", Text: "Hello Ada,\nwelcome aboard.\n"}},
		{"alternative", Message{
			From: "Sinew App <app@sinew.example>", To: []string{"Ada Lovelace <ada@example.com>", "bob@example.com"},
			Cc: []string{"Zoë <zoe@example.com>"}, Bcc: []string{"audit@example.com"}, ReplyTo: "help@sinew.example",
			Subject: "Réinitialisation du mot de passe — lien valable 1 heure",
			Text:    "Bonjour,\n.\n.point\nline with trailing space \n" + strings.Repeat("0123456789", 10) + "\n",
			HTML:    "<p>Bonjour <a href=\"https://sinew.example/reset?t=abc=def\">réinitialiser</a></p>",
			Headers: map[string]string{"List-Unsubscribe": "<mailto:u@sinew.example>", "x-campaign": "Été"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env, err := tt.m.buildWith("", now, zeros{})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.name+".eml")
			if *update {
				if err := os.WriteFile(path, env.data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(env.data, want) {
				t.Fatalf("rendered message differs from %s (run with -update after checking):\n%s", path, env.data)
			}
		})
	}
}

// FuzzBuild renders messages with arbitrary subjects, addresses, header values and bodies:
// rendering never panics; when it succeeds the result parses, has exactly the headers the
// message asked for (no injection), and gives back the subject and header value.
func FuzzBuild(f *testing.F) {
	f.Add("Hello", "ada@example.com", "Ada", "42", "body\n")
	f.Add("Hi\r\nBcc: v@example.com", "a@example.com\r\nX: y", "\"x\r\n\"", "1\nX-Evil: 1", ".\r\n.\r\n")
	f.Add("Grüße ✓ "+strings.Repeat("ü", 80), "Zoë <zoe@example.com>", "Zoë", "Été", "é")
	f.Add(strings.Repeat("a", 200), "<a@b>", "=?utf-8?q?x?=", "=?utf-8?q?=0D=0A?=", "=\r\n")
	f.Fuzz(func(t *testing.T, subject, to, name, value, text string) {
		m := Message{From: "app@sinew.example", To: []string{to}, Subject: subject, Text: text,
			Headers: map[string]string{"X-Value": value}}
		if name != "" {
			m.ReplyTo = mime.QEncoding.Encode("utf-8", name) + " <r@example.com>"
		}
		env, err := m.build("", time.Now())
		if err != nil {
			return
		}
		msg, err := mail.ReadMessage(bytes.NewReader(env.data))
		if err != nil {
			t.Fatalf("rendered message does not parse: %v\n%q", err, env.data)
		}
		allowed := map[string]bool{"Date": true, "From": true, "To": true, "Subject": true, "Message-Id": true,
			"Mime-Version": true, "Content-Type": true, "Content-Transfer-Encoding": true, "X-Value": true, "Reply-To": true}
		for k := range msg.Header {
			if !allowed[k] {
				t.Fatalf("unexpected header %q (injection?) in\n%q", k, env.data)
			}
		}
		if len(msg.Header["To"]) != 1 || len(msg.Header["Subject"]) != 1 {
			t.Fatalf("headers repeated: %v", msg.Header)
		}
		dec := new(mime.WordDecoder)
		if got, err := dec.DecodeHeader(msg.Header.Get("Subject")); err != nil || (utf8.ValidString(subject) && strings.TrimSpace(got) != strings.TrimSpace(subject) && !strings.Contains(subject, "=?")) {
			t.Fatalf("subject %q came back as %q (%v)", subject, got, err)
		}
		list, err := msg.Header.AddressList("To")
		if err != nil || len(list) != 1 {
			t.Fatalf("To %q: %v %v", msg.Header.Get("To"), list, err)
		}
		if len(env.rcpt) != 1 || strings.ContainsAny(env.rcpt[0], "\r\n<> ") {
			t.Fatalf("envelope recipient %q", env.rcpt)
		}
		for _, line := range strings.Split(string(env.data), "\r\n") {
			if strings.ContainsAny(line, "\r\n") {
				t.Fatalf("bare CR or LF in %q", line)
			}
		}
	})
}

// BenchmarkBuild measures checking and rendering a text-only and an alternative message
// (no peer: no other mail library is a dependency).
func BenchmarkBuild(b *testing.B) {
	msgs := map[string]Message{
		"text": {From: "app@sinew.example", To: []string{"ada@example.com"}, Subject: "Welcome", Text: strings.Repeat("Hello Ada, welcome aboard. ", 40)},
		"alternative": {From: "Sinew <app@sinew.example>", To: []string{"Ada <ada@example.com>"}, Subject: "Réinitialisation ✓",
			Text: strings.Repeat("Bonjour, réinitialisez. ", 40), HTML: strings.Repeat("<p>Bonjour <b>réinitialisez</b></p>", 40)},
	}
	for _, name := range []string{"text", "alternative"} {
		m := msgs[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.build("", time.Now()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
