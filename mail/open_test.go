package mail_test

import (
	"strings"
	"testing"
	"time"

	sinewmail "github.com/sinewdev/sinew/mail"
)

func TestOpen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url  string
		want string // "log", "smtp <addr> <security>", or "error: <substring>"
	}{
		{"log:", "log"},
		{"log://", "log"},
		{"LOG:?from=Ada%20%3Cada%40example.com%3E", "log"},
		{"smtp://user:pass@mail.example.com", "smtp mail.example.com:587 starttls"},
		{"smtp://mail.example.com:2525", "smtp mail.example.com:2525 starttls"},
		{"smtps://user:p%40ss@mail.example.com", "smtp mail.example.com:465 tls"},
		{"smtp://localhost:1025?tls=none", "smtp localhost:1025 none"},
		{"smtp://mail.example.com:465?tls=tls&timeout=5s&helo=app.example.com", "smtp mail.example.com:465 tls"},
		{"smtp://[::1]:25?tls=none", "smtp [::1]:25 none"},
		{"", "error: is empty"},
		{"   ", "error: is empty"},
		{"ftp://mail.example.com", "error: unknown scheme"},
		{"mail.example.com:587", "error: unknown scheme"},
		{"smtp://", "error: no host"},
		{"smtp://user:hunter2@mail.example.com:99999", "error: bad port"},
		{"smtp://user:hunter2@mail.example.com:abc", "error: " + sinewmail.URLEnv},
		{"smtp://mail.example.com?tls=maybe", "error: tls="},
		{"smtp://mail.example.com?timeout=forever", "error: timeout="},
		{"smtp://mail.example.com?timeout=-1s", "error: timeout="},
		{"smtp://mail.example.com?from=not-an-address", "error: from"},
		{"smtp://mail.example.com?from=a%40b.c%0D%0ABcc:%20x%40y.z", "error: header injection"},
		{"smtp://mail.example.com?helo=bad%0D%0AMAIL", "error: helo="},
		{"smtp://user:hunter2@%zz", "error: " + sinewmail.URLEnv},
		{"smtp://user:hunter2/x@mail.example.com", "error: not a valid URL"},
		{strings.Repeat("z", 100000) + "://x", "error: unknown scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.url[:min(len(tt.url), 60)], func(t *testing.T) {
			t.Parallel()
			m, err := sinewmail.Open(tt.url, quietLogger())
			if want, ok := strings.CutPrefix(tt.want, "error: "); ok {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("Open = %v, want an error containing %q", err, want)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Fatalf("error shows the password: %v", err)
				}
				if len(err.Error()) > 300 {
					t.Fatalf("error of %d bytes", len(err.Error()))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got string
			switch m := m.(type) {
			case *sinewmail.Log:
				got = "log"
			case *sinewmail.SMTP:
				got = "smtp " + m.Addr() + " " + m.Security().String()
			}
			if got != tt.want {
				t.Fatalf("Open(%q) = %s, want %s", tt.url, got, tt.want)
			}
		})
	}
}

func TestOpenSMTPSettings(t *testing.T) {
	t.Parallel()
	m, err := sinewmail.Open("smtps://ada%40example.com:p%40ss%3Aw@mail.example.com?timeout=7s&from=App%20%3Capp%40example.com%3E", nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := m.(*sinewmail.SMTP).Config()
	if cfg.Username != "ada@example.com" || cfg.Password != "p@ss:w" || cfg.Timeout != 7*time.Second || cfg.From != "App <app@example.com>" {
		t.Fatalf("config %+v", cfg)
	}
}

// FuzzOpen parses arbitrary SINEW_MAIL_URL values: Open never panics, and its errors never
// show the URL's password.
func FuzzOpen(f *testing.F) {
	for _, s := range []string{"log:", "smtp://u:secretpw@h:587?from=a%40b.c", "smtps://u:secretpw@h", "smtp://u:secretpw@h:99999",
		"smtp://u:secretpw@h?tls=x&timeout=y", "smtp://u:secretpw@%zz", "smtp://u:secretpw@h?from=%0D%0A"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		m, err := sinewmail.Open(raw, quietLogger())
		if err != nil {
			if strings.Contains(raw, "secretpw") && strings.Contains(err.Error(), "secretpw") {
				t.Fatalf("error shows the password: %v", err)
			}
			return
		}
		if m == nil {
			t.Fatal("nil mailer without an error")
		}
	})
}
