package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	sinewmail "github.com/sinewdev/sinew/mail"
)

func TestLogMailer(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, nil))
	l := sinewmail.NewLog(logger)
	ctx := context.Background()
	for i := range sinewmail.LogKeep + 5 {
		err := l.Send(ctx, &sinewmail.Message{To: []string{"ada@example.com"}, Subject: fmt.Sprint("n", i), Text: "hello " + strings.Repeat("x", 300)})
		if err != nil {
			t.Fatal(err)
		}
	}
	got := l.Messages()
	if len(got) != sinewmail.LogKeep {
		t.Fatalf("kept %d messages, want %d", len(got), sinewmail.LogKeep)
	}
	if got[0].Message.Subject != fmt.Sprint("n", sinewmail.LogKeep+4) || got[len(got)-1].Message.Subject != "n5" {
		t.Fatalf("kept %q .. %q, want the newest first", got[0].Message.Subject, got[len(got)-1].Message.Subject)
	}
	s := got[0]
	if s.Message.From != sinewmail.DefaultLogFrom || s.ID == "" || s.At.IsZero() {
		t.Fatalf("sent %+v", s)
	}
	if !bytes.Contains(s.Raw, []byte("Subject: n54\r\n")) || !bytes.Contains(s.Raw, []byte("Message-ID: "+s.ID)) {
		t.Fatalf("raw message:\n%s", s.Raw)
	}
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	if !strings.Contains(out, "subject=n54") || !strings.Contains(out, "to=[ada@example.com]") {
		t.Fatalf("log does not show the message:\n%.500s", out)
	}
	if strings.Contains(out, strings.Repeat("x", 250)) {
		t.Fatal("the log line holds the whole body, want a preview")
	}
	// The kept copy does not change when the caller reuses its message.
	m := &sinewmail.Message{To: []string{"a@example.com"}, Text: "one", Headers: map[string]string{"X-A": "1"}}
	if err := l.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	m.To[0], m.Headers["X-A"] = "changed@example.com", "2"
	if k := l.Messages()[0]; k.Message.To[0] != "a@example.com" || k.Message.Headers["X-A"] != "1" {
		t.Fatalf("kept message changed with the caller's: %+v", k.Message)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.Send(cancelled, m); !errors.Is(err, context.Canceled) {
		t.Fatalf("Send with a cancelled context = %v", err)
	}
}

func TestLogMailerConcurrent(t *testing.T) {
	t.Parallel()
	l := sinewmail.NewLog(quietLogger())
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			for j := range 10 {
				if err := l.Send(context.Background(), &sinewmail.Message{To: []string{"a@example.com"}, Text: fmt.Sprint(i, j)}); err != nil {
					t.Error(err)
				}
				_ = l.Messages()
			}
		})
	}
	wg.Wait()
	if n := len(l.Messages()); n != sinewmail.LogKeep {
		t.Fatalf("kept %d, want %d", n, sinewmail.LogKeep)
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
