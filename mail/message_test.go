package mail_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	sinewmail "github.com/sinewdev/sinew/mail"
	"github.com/sinewdev/sinew/mail/mailtest"
)

// TestHostileMessages sends malformed and hostile messages through a real SMTP round trip:
// each must fail with ErrInvalid before anything reaches the server.
func TestHostileMessages(t *testing.T) {
	t.Parallel()
	ok := func() *sinewmail.Message {
		return &sinewmail.Message{From: "app@sinew.example", To: []string{"ada@example.com"}, Subject: "Hi", Text: "body"}
	}
	many := make([]string, sinewmail.MaxRecipients+1)
	for i := range many {
		many[i] = "r@example.com"
	}
	tests := []struct {
		name   string
		change func(m *sinewmail.Message)
	}{
		{"CRLF in subject", func(m *sinewmail.Message) { m.Subject = "Hi\r\nBcc: victim@example.com" }},
		{"LF in subject", func(m *sinewmail.Message) { m.Subject = "Hi\nX-Evil: 1" }},
		{"CR in subject", func(m *sinewmail.Message) { m.Subject = "Hi\rX-Evil: 1" }},
		{"NUL in subject", func(m *sinewmail.Message) { m.Subject = "Hi\x00" }},
		{"CRLF in To", func(m *sinewmail.Message) { m.To = []string{"ada@example.com\r\nBcc: victim@example.com"} }},
		{"SMTP command in To", func(m *sinewmail.Message) { m.To = []string{"<ada@example.com>\r\nRCPT TO:<victim@example.com>"} }},
		{"CRLF in From", func(m *sinewmail.Message) { m.From = "app@sinew.example\r\nX-Evil: 1" }},
		{"CRLF in display name", func(m *sinewmail.Message) { m.From = "\"App\r\nX-Evil: 1\" <app@sinew.example>" }},
		{"CRLF in Reply-To", func(m *sinewmail.Message) { m.ReplyTo = "a@example.com\nBcc: v@example.com" }},
		{"CRLF in Cc", func(m *sinewmail.Message) { m.Cc = []string{"c@example.com\r\n"} }},
		{"CRLF in Bcc", func(m *sinewmail.Message) { m.Bcc = []string{"\r\nc@example.com"} }},
		{"CRLF in header value", func(m *sinewmail.Message) { m.Headers = map[string]string{"X-Ref": "1\r\nBcc: v@example.com"} }},
		{"colon in header name", func(m *sinewmail.Message) { m.Headers = map[string]string{"X-Ref: 1\r\nBcc": "v@example.com"} }},
		{"space in header name", func(m *sinewmail.Message) { m.Headers = map[string]string{"X Ref": "1"} }},
		{"empty header name", func(m *sinewmail.Message) { m.Headers = map[string]string{"": "1"} }},
		{"reserved header", func(m *sinewmail.Message) { m.Headers = map[string]string{"bcc": "v@example.com"} }},
		{"reserved content type", func(m *sinewmail.Message) { m.Headers = map[string]string{"Content-Type": "text/html"} }},
		{"duplicate header", func(m *sinewmail.Message) { m.Headers = map[string]string{"x-ref": "1", "X-Ref": "2"} }},
		{"not an address", func(m *sinewmail.Message) { m.To = []string{"not-an-address"} }},
		{"two addresses in one", func(m *sinewmail.Message) { m.To = []string{"a@example.com, b@example.com"} }},
		{"empty address", func(m *sinewmail.Message) { m.To = []string{""} }},
		{"angle brackets only", func(m *sinewmail.Message) { m.To = []string{"<>"} }},
		{"non-ASCII address", func(m *sinewmail.Message) { m.To = []string{"ädä@example.com"} }},
		{"huge address", func(m *sinewmail.Message) { m.To = []string{strings.Repeat("a", 400) + "@example.com"} }},
		{"no recipient", func(m *sinewmail.Message) { m.To = nil }},
		{"too many recipients", func(m *sinewmail.Message) { m.To = many }},
		{"no From", func(m *sinewmail.Message) { m.From = "" }},
		{"no text", func(m *sinewmail.Message) { m.Text = ""; m.HTML = "<p>hi</p>" }},
		{"huge subject", func(m *sinewmail.Message) { m.Subject = strings.Repeat("x", sinewmail.MaxHeaderLen+1) }},
		{"invalid UTF-8 subject", func(m *sinewmail.Message) { m.Subject = "\xff\xfe" }},
		{"huge header value", func(m *sinewmail.Message) {
			m.Headers = map[string]string{"X-Ref": strings.Repeat("x", sinewmail.MaxHeaderLen+1)}
		}},
		{"huge body", func(m *sinewmail.Message) { m.Text = strings.Repeat("x", sinewmail.MaxBodySize+1) }},
		{"huge HTML", func(m *sinewmail.Message) { m.HTML = strings.Repeat("x", sinewmail.MaxBodySize+1) }},
	}
	srv := mailtest.NewServer(t)
	smtp := smtpFor(t, srv, sinewmail.NoTLS, "", "")
	smtp = sinewmail.NewSMTP(sinewmail.SMTPConfig{Host: "127.0.0.1", Port: portOf(t, srv), Security: sinewmail.NoTLS})
	log := sinewmail.NewLog(quietLogger())
	t.Run("group", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				mailers := []sinewmail.Mailer{smtp, log}
				if tt.name == "no From" {
					mailers = mailers[:1] // the log mailer has a default sender
				}
				for _, mailer := range mailers {
					m := ok()
					tt.change(m)
					err := mailer.Send(context.Background(), m)
					if !errors.Is(err, sinewmail.ErrInvalid) {
						t.Fatalf("%T.Send = %v, want ErrInvalid", mailer, err)
					}
					if len(err.Error()) > 300 {
						t.Fatalf("error of %d bytes echoes the input", len(err.Error()))
					}
				}
			})
		}
	})
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d hostile messages reached the server", n)
	}
	if n := len(log.Messages()); n != 0 {
		t.Errorf("the log mailer kept %d hostile messages", n)
	}
	// A valid message still goes through afterwards.
	if err := smtp.Send(context.Background(), ok()); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("%d messages, want the one valid", n)
	}
}

// TestLongHeadersFolded sends a long non-ASCII subject and many recipients: every line stays
// within the limits and the values come back intact.
func TestLongHeadersFolded(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	var to []string
	for i := range 60 {
		to = append(to, "Recipient Number "+strings.Repeat("x", i%7)+" <r"+string(rune('a'+i%26))+strings.Repeat("y", i)+"@example.com>")
	}
	subject := strings.Repeat("Ünïcödé wörds and a very_long_token_without_any_space_in_it_at_all ", 6)
	m := &sinewmail.Message{From: "a@example.com", To: to, Subject: subject, Text: strings.Repeat("é", 5000),
		Headers: map[string]string{"X-Long": strings.Repeat("word ", 150)}}
	if err := smtpFor(t, srv, sinewmail.NoTLS, "", "").Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()[0]
	for i, line := range strings.Split(string(got.Data), "\r\n") {
		if len(line) > 998 {
			t.Fatalf("line %d has %d characters", i, len(line))
		}
	}
	if got.Subject != subject {
		t.Fatalf("subject\n%q\nwant\n%q", got.Subject, subject)
	}
	list, err := got.Header.AddressList("To")
	if err != nil || len(list) != len(to) {
		t.Fatalf("To: %d addresses, %v; want %d", len(list), err, len(to))
	}
	if got.Header.Get("X-Long") != strings.TrimSpace(strings.Repeat("word ", 150)) && got.Header.Get("X-Long") != strings.Repeat("word ", 150) {
		t.Fatalf("X-Long %q", got.Header.Get("X-Long"))
	}
	if got.Text != strings.Repeat("é", 5000) {
		t.Fatalf("text body damaged: %d bytes %q...", len(got.Text), got.Text[:min(len(got.Text), 100)])
	}
}
