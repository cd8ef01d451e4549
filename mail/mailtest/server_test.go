package mailtest_test

import (
	"context"
	"errors"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew/mail/mailtest"
)

// dial opens a raw SMTP dialogue with srv and reads the greeting.
func dial(t *testing.T, srv *mailtest.Server) *textproto.Conn {
	t.Helper()
	c, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(c)
	t.Cleanup(func() { tp.Close() })
	expect(t, tp, 220)
	return tp
}

func expect(t *testing.T, tp *textproto.Conn, code int) string {
	t.Helper()
	got, msg, err := tp.ReadResponse(code)
	if err != nil {
		t.Fatalf("want %d, got %d %q: %v", code, got, msg, err)
	}
	return msg
}

func cmd(t *testing.T, tp *textproto.Conn, code int, line string) string {
	t.Helper()
	if err := tp.PrintfLine("%s", line); err != nil {
		t.Fatal(err)
	}
	return expect(t, tp, code)
}

func TestDialogue(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServerWith(t, mailtest.Config{MaxSize: 2000})
	tp := dial(t, srv)
	cmd(t, tp, 503, "MAIL FROM:<a@example.com>") // EHLO first
	ext := cmd(t, tp, 250, "EHLO client.example")
	if !strings.Contains(ext, "SIZE 2000") || !strings.Contains(ext, "AUTH PLAIN LOGIN") {
		t.Fatalf("EHLO extensions %q", ext)
	}
	cmd(t, tp, 503, "RCPT TO:<b@example.com>")
	cmd(t, tp, 503, "DATA")
	cmd(t, tp, 501, "MAIL FROM:a@example.com")
	cmd(t, tp, 552, "MAIL FROM:<a@example.com> SIZE=999999")
	cmd(t, tp, 250, "MAIL FROM:<a@example.com> SIZE=100")
	cmd(t, tp, 503, "MAIL FROM:<a@example.com>")
	cmd(t, tp, 501, "RCPT TO:<b@example.com\tX>")
	cmd(t, tp, 250, "RCPT TO:<b@example.com>")
	cmd(t, tp, 500, "BOGUS")
	cmd(t, tp, 502, "VRFY root")
	cmd(t, tp, 500, strings.Repeat("A", 10000))
	cmd(t, tp, 250, "NOOP")
	cmd(t, tp, 354, "DATA")
	body := "Subject: dots\r\n\r\n..leading dot\r\n.\r\n"
	// ".." is a stuffed ".", and the lone "." ends the data: the last line above is the end.
	if err := tp.PrintfLine("%s", strings.TrimSuffix(body, "\r\n.\r\n")); err != nil {
		t.Fatal(err)
	}
	cmd(t, tp, 250, ".")
	got := srv.Messages()
	if len(got) != 1 || got[0].Text != ".leading dot\r\n" || got[0].Subject != "dots" {
		t.Fatalf("received %+v", got)
	}
	// Oversized data is refused, and the session goes on.
	cmd(t, tp, 250, "MAIL FROM:<a@example.com>")
	cmd(t, tp, 250, "RCPT TO:<b@example.com>")
	cmd(t, tp, 354, "DATA")
	for range 50 {
		tp.PrintfLine("%s", strings.Repeat("x", 70))
	}
	cmd(t, tp, 552, ".")
	cmd(t, tp, 503, "DATA") // the transaction was reset
	cmd(t, tp, 221, "QUIT")
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("%d messages, want 1", n)
	}
}

func TestAuthRequired(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServerWith(t, mailtest.Config{Username: "ada", Password: "pw"})
	tp := dial(t, srv)
	cmd(t, tp, 250, "EHLO c")
	cmd(t, tp, 530, "MAIL FROM:<a@example.com>")
	cmd(t, tp, 535, "AUTH PLAIN AGFkYQB3cm9uZw==") // ada / wrong
	cmd(t, tp, 501, "AUTH PLAIN !!!notbase64")
	cmd(t, tp, 504, "AUTH CRAM-MD5")
	cmd(t, tp, 334, "AUTH LOGIN")
	cmd(t, tp, 334, "YWRh") // ada
	cmd(t, tp, 235, "cHc=") // pw
	cmd(t, tp, 503, "AUTH PLAIN AGFkYQBwdw==")
	cmd(t, tp, 250, "MAIL FROM:<a@example.com>")
}

func TestStartTLSRequired(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServerWith(t, mailtest.Config{TLS: mailtest.StartTLS})
	tp := dial(t, srv)
	ext := cmd(t, tp, 250, "EHLO c")
	if !strings.Contains(ext, "STARTTLS") || strings.Contains(ext, "AUTH") {
		t.Fatalf("EHLO before TLS: %q", ext)
	}
	cmd(t, tp, 530, "MAIL FROM:<a@example.com>")
	cmd(t, tp, 530, "AUTH PLAIN AGFkYQBwdw==")
	// Commands pipelined after STARTTLS would run inside TLS unless refused (CVE-2011-0411).
	if err := tp.PrintfLine("STARTTLS\r\nMAIL FROM:<evil@example.com>"); err != nil {
		t.Fatal(err)
	}
	expect(t, tp, 554)
	if _, err := tp.ReadLine(); err == nil {
		t.Fatal("connection still open after a STARTTLS injection")
	}
}

func TestWaitFor(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := srv.WaitFor(ctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitFor on an idle server = %v", err)
	}
	done := make(chan []mailtest.Received, 1)
	go func() {
		msgs, _ := srv.WaitFor(context.Background(), 2)
		done <- msgs
	}()
	for i := range 2 {
		tp := dial(t, srv)
		cmd(t, tp, 250, "HELO c")
		cmd(t, tp, 250, "MAIL FROM:<a@example.com>")
		cmd(t, tp, 250, "RCPT TO:<b@example.com>")
		cmd(t, tp, 354, "DATA")
		tp.PrintfLine("Subject: %d\r\n\r\nbody", i)
		cmd(t, tp, 250, ".")
	}
	select {
	case msgs := <-done:
		if len(msgs) != 2 {
			t.Fatalf("WaitFor returned %d messages", len(msgs))
		}
	case <-time.After(5 * time.Second):
		t.Fatal("WaitFor did not return")
	}
	if u := srv.URL(); !strings.HasPrefix(u, "smtp://127.0.0.1:") || !strings.HasSuffix(u, "?tls=none") {
		t.Fatalf("URL %q", u)
	}
}
