package mail_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	sinewmail "github.com/sinewdev/sinew/mail"
)

// silentServer accepts connections and never says anything, like a black-holed port.
func silentServer(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { <-done; c.Close() }()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestSMTPContext(t *testing.T) {
	t.Parallel()
	msg := func() *sinewmail.Message {
		return &sinewmail.Message{From: "a@example.com", To: []string{"b@example.com"}, Text: "x"}
	}
	tests := []struct {
		name    string
		ctx     func() (context.Context, context.CancelFunc)
		timeout time.Duration
		want    error
	}{
		{"context deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 200*time.Millisecond)
		}, time.Minute, context.DeadlineExceeded},
		{"config timeout", func() (context.Context, context.CancelFunc) {
			return context.WithCancel(context.Background())
		}, 200 * time.Millisecond, context.DeadlineExceeded},
		{"cancelled mid-dialogue", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(200*time.Millisecond, cancel)
			return ctx, cancel
		}, time.Minute, context.Canceled},
		{"cancelled before", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, time.Minute, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			port := silentServer(t)
			m := sinewmail.NewSMTP(sinewmail.SMTPConfig{Host: "127.0.0.1", Port: port, Security: sinewmail.NoTLS, Timeout: tt.timeout})
			ctx, cancel := tt.ctx()
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- m.Send(ctx, msg()) }()
			select {
			case err := <-done:
				if !errors.Is(err, tt.want) {
					t.Fatalf("Send = %v, want %v", err, tt.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Send did not return after its context ended")
			}
		})
	}
}

func TestSMTPConnectionRefused(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	m := sinewmail.NewSMTP(sinewmail.SMTPConfig{Host: "127.0.0.1", Port: port, Security: sinewmail.NoTLS})
	err = m.Send(context.Background(), &sinewmail.Message{From: "a@example.com", To: []string{"b@example.com"}, Text: "x"})
	if err == nil || errors.Is(err, sinewmail.ErrInvalid) {
		t.Fatalf("Send = %v, want a connection error", err)
	}
	if err := sinewmail.NewSMTP(sinewmail.SMTPConfig{}).Send(context.Background(), &sinewmail.Message{}); err == nil {
		t.Fatal("Send without a host succeeded")
	}
}
