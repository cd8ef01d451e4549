package mail_test

import (
	"context"
	"errors"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"testing"
	"time"

	sinewmail "github.com/sinewdev/sinew/mail"
	"github.com/sinewdev/sinew/mail/mailtest"
)

// smtpFor returns an SMTP mailer for srv, trusting its certificate.
func smtpFor(t *testing.T, srv *mailtest.Server, sec sinewmail.Security, user, pass string) *sinewmail.SMTP {
	t.Helper()
	return sinewmail.NewSMTP(sinewmail.SMTPConfig{
		Host: "127.0.0.1", Port: portOf(t, srv), Security: sec, Username: user, Password: pass,
		From: "Sinew Tests <tests@sinew.example>", TLSConfig: srv.ClientTLS(), Timeout: 10 * time.Second,
	})
}

func richMessage() *sinewmail.Message {
	return &sinewmail.Message{
		To:      []string{"Ada Lovelace <ada@example.com>", "bob@example.com"},
		Cc:      []string{"\"Charles Babbage, FRS\" <charles@example.com>"},
		Bcc:     []string{"secret@example.com"},
		ReplyTo: "support@sinew.example",
		Subject: "Grüße — your reset link ✓",
		Text: "Hello Ada,\n\n.a line starting with a dot\n.\n..two dots\n" +
			"trailing spaces   \n" + strings.Repeat("long line ", 40) + "\n= sign and ünïcödé\n",
		HTML:    "<p>Hello <b>Ada</b></p>\n<p>.dot</p>",
		Headers: map[string]string{"X-Entity-Ref-ID": "42", "list-unsubscribe": "<https://sinew.example/u?t=1>"},
	}
}

func checkRich(t *testing.T, got mailtest.Received, m *sinewmail.Message) {
	t.Helper()
	if got.From != "tests@sinew.example" {
		t.Errorf("envelope from %q", got.From)
	}
	wantRcpt := []string{"ada@example.com", "bob@example.com", "charles@example.com", "secret@example.com"}
	if strings.Join(got.To, ",") != strings.Join(wantRcpt, ",") {
		t.Errorf("envelope recipients %q, want %q", got.To, wantRcpt)
	}
	if got.Subject != m.Subject {
		t.Errorf("subject %q, want %q", got.Subject, m.Subject)
	}
	wantText := strings.ReplaceAll(m.Text, "\n", "\r\n")
	if got.Text != wantText {
		t.Errorf("text body\n%q\nwant\n%q", got.Text, wantText)
	}
	if got.HTML != strings.ReplaceAll(m.HTML, "\n", "\r\n") {
		t.Errorf("html body %q", got.HTML)
	}
	h := got.Header
	if h.Get("Bcc") != "" || strings.Contains(string(got.Data), "secret@") {
		t.Error("the Bcc recipient shows in the message")
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Name != "Ada Lovelace" || to[1].Address != "bob@example.com" {
		t.Errorf("To %v, %v", to, err)
	}
	cc, err := h.AddressList("Cc")
	if err != nil || len(cc) != 1 || cc[0].Name != "Charles Babbage, FRS" {
		t.Errorf("Cc %v, %v", cc, err)
	}
	if from, err := mail.ParseAddress(h.Get("From")); err != nil || from.Name != "Sinew Tests" {
		t.Errorf("From %q", h.Get("From"))
	}
	if rt, err := mail.ParseAddress(h.Get("Reply-To")); err != nil || rt.Address != "support@sinew.example" {
		t.Errorf("Reply-To %q", h.Get("Reply-To"))
	}
	if d, err := h.Date(); err != nil || time.Since(d) > time.Minute {
		t.Errorf("Date %q: %v", h.Get("Date"), err)
	}
	if id := h.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@sinew.example>") {
		t.Errorf("Message-ID %q", id)
	}
	if h.Get("Mime-Version") != "1.0" || !strings.HasPrefix(h.Get("Content-Type"), "multipart/alternative; boundary=") {
		t.Errorf("MIME headers %q %q", h.Get("Mime-Version"), h.Get("Content-Type"))
	}
	if h.Get("X-Entity-Ref-Id") != "42" || h.Get("List-Unsubscribe") != "<https://sinew.example/u?t=1>" {
		t.Errorf("extra headers: %v", h)
	}
	for i, line := range strings.Split(string(got.Data), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line %d has %d characters: %q", i, len(line), line)
		}
		for _, c := range []byte(line) {
			if c > 127 {
				t.Fatalf("line %d is not 7-bit: %q", i, line)
			}
		}
	}
}

func TestSMTPRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		cfg        mailtest.Config
		sec        sinewmail.Security
		user, pass string
		wantTLS    bool
	}{
		{"plain relay", mailtest.Config{}, sinewmail.NoTLS, "", "", false},
		{"plain relay with auth on loopback", mailtest.Config{Username: "u", Password: "p"}, sinewmail.NoTLS, "u", "p", false},
		{"starttls plain auth", mailtest.Config{TLS: mailtest.StartTLS, Username: "ada@sinew.example", Password: "s3cret:@"}, sinewmail.StartTLS, "ada@sinew.example", "s3cret:@", true},
		{"starttls login auth", mailtest.Config{TLS: mailtest.StartTLS, Username: "ada", Password: "pw", AuthMechanisms: []string{"LOGIN"}}, sinewmail.StartTLS, "ada", "pw", true},
		{"implicit tls", mailtest.Config{TLS: mailtest.ImplicitTLS, Username: "ada", Password: "pw"}, sinewmail.ImplicitTLS, "ada", "pw", true},
		{"starttls no auth", mailtest.Config{TLS: mailtest.StartTLS}, sinewmail.StartTLS, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := mailtest.NewServerWith(t, tt.cfg)
			m := richMessage()
			if err := smtpFor(t, srv, tt.sec, tt.user, tt.pass).Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			msgs := srv.Messages()
			if len(msgs) != 1 {
				t.Fatalf("%d messages received, want 1", len(msgs))
			}
			if msgs[0].TLS != tt.wantTLS || msgs[0].AuthUser != tt.user {
				t.Errorf("TLS %v, user %q; want %v, %q", msgs[0].TLS, msgs[0].AuthUser, tt.wantTLS, tt.user)
			}
			checkRich(t, msgs[0], m)
		})
	}
}

func TestSMTPTextOnly(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	m, err := sinewmail.Open(srv.URL()+"&from=noreply%40sinew.example", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), &sinewmail.Message{To: []string{"ada@example.com"}, Subject: "Hi", Text: "Just text.\n"}); err != nil {
		t.Fatal(err)
	}
	got, err := srv.WaitFor(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].From != "noreply@sinew.example" || got[0].Text != "Just text.\r\n" || got[0].HTML != "" {
		t.Fatalf("received %+v", got[0])
	}
	if ct := got[0].Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
}

func TestSMTPFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		cfg        mailtest.Config
		sec        sinewmail.Security
		user, pass string
		msg        func() *sinewmail.Message
		check      func(t *testing.T, err error)
	}{
		{"wrong password", mailtest.Config{TLS: mailtest.StartTLS, Username: "ada", Password: "right"},
			sinewmail.StartTLS, "ada", "wrong", richMessage, wantCode(535)},
		{"auth required", mailtest.Config{TLS: mailtest.StartTLS, Username: "ada", Password: "pw"},
			sinewmail.StartTLS, "", "", richMessage, wantCode(530)},
		{"starttls required but not offered", mailtest.Config{}, sinewmail.StartTLS, "", "",
			richMessage, wantText("does not offer STARTTLS")},
		{"tls to a plain server", mailtest.Config{}, sinewmail.ImplicitTLS, "", "", richMessage, wantErr()},
		{"rejected recipient", mailtest.Config{RejectRecipients: []string{"bob@example.com"}},
			sinewmail.NoTLS, "", "", richMessage, wantCode(550)},
		{"no common auth mechanism", mailtest.Config{TLS: mailtest.StartTLS, AuthMechanisms: []string{"CRAM-MD5"}},
			sinewmail.StartTLS, "ada", "pw", richMessage, wantText("supported are PLAIN and LOGIN")},
		{"too large for SIZE", mailtest.Config{MaxSize: 4096}, sinewmail.NoTLS, "", "", func() *sinewmail.Message {
			return &sinewmail.Message{To: []string{"a@example.com"}, Text: strings.Repeat("x", 10000)}
		}, func(t *testing.T, err error) {
			if !errors.Is(err, sinewmail.ErrTooLarge) {
				t.Fatalf("%v, want ErrTooLarge", err)
			}
		}},
		{"too many recipients for the server", mailtest.Config{MaxRecipients: 2}, sinewmail.NoTLS, "", "", richMessage, wantCode(452)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := mailtest.NewServerWith(t, tt.cfg)
			err := smtpFor(t, srv, tt.sec, tt.user, tt.pass).Send(context.Background(), tt.msg())
			if err == nil {
				t.Fatal("Send succeeded")
			}
			tt.check(t, err)
			if strings.Contains(err.Error(), "right") && tt.cfg.Password == "right" {
				t.Fatalf("error shows the password: %v", err)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Fatalf("%d messages delivered, want none", n)
			}
		})
	}
}

func wantCode(code int) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var te *textproto.Error
		if !errors.As(err, &te) || te.Code != code {
			t.Fatalf("%v, want an SMTP %d reply in the chain", err, code)
		}
	}
}

func wantText(s string) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		if !strings.Contains(err.Error(), s) {
			t.Fatalf("%v, want it to say %q", err, s)
		}
	}
}

func wantErr() func(t *testing.T, err error) { return func(*testing.T, error) {} }

// TestSMTPCredentialsNeedTLS checks that a password is never sent in plain text to a
// server that is not on the loopback interface: the fake server listens on one of the
// machine's own non-loopback addresses.
func TestSMTPCredentialsNeedTLS(t *testing.T) {
	t.Parallel()
	var ip net.IP
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			ip = n.IP
			break
		}
	}
	if ip == nil {
		t.Skip("no non-loopback IPv4 address on this machine")
	}
	for _, mech := range []string{"PLAIN", "LOGIN"} {
		t.Run(mech, func(t *testing.T) {
			t.Parallel()
			ln, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
			if err != nil {
				t.Skipf("cannot listen on %s: %v", ip, err)
			}
			defer ln.Close()
			got := make(chan string, 1)
			go func() {
				c, err := ln.Accept()
				if err != nil {
					got <- ""
					return
				}
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				tp := textproto.NewConn(c)
				tp.PrintfLine("220 fake")
				var all []string
				for {
					line, err := tp.ReadLine()
					if err != nil {
						got <- strings.Join(all, "\n")
						return
					}
					all = append(all, line)
					switch {
					case strings.HasPrefix(line, "EHLO"):
						tp.PrintfLine("250-fake")
						tp.PrintfLine("250 AUTH %s", mech)
					case line == "QUIT":
						tp.PrintfLine("221 bye")
					default:
						tp.PrintfLine("500 no")
					}
				}
			}()
			_, port, _ := net.SplitHostPort(ln.Addr().String())
			p := 0
			for _, c := range port {
				p = p*10 + int(c-'0')
			}
			m := sinewmail.NewSMTP(sinewmail.SMTPConfig{Host: ip.String(), Port: p, Security: sinewmail.NoTLS,
				Username: "ada", Password: "hunter2", From: "a@example.com", Timeout: 5 * time.Second})
			err = m.Send(context.Background(), &sinewmail.Message{To: []string{"b@example.com"}, Text: "x"})
			if err == nil || !strings.Contains(err.Error(), "unencrypted connection") {
				t.Fatalf("Send = %v, want a refusal to authenticate without TLS", err)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("error shows the password: %v", err)
			}
			dialogue := <-got
			if !strings.Contains(dialogue, "EHLO") || strings.Contains(dialogue, "AUTH") {
				t.Fatalf("dialogue:\n%s\nwant EHLO and no AUTH", dialogue)
			}
		})
	}
}
