package mail_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	sinewmail "github.com/sinewdev/sinew/mail"
)

// Open picks the mailer from SINEW_MAIL_URL; "log:" is the development mailer, which keeps
// what it "sent" for a dev page.
func ExampleOpen() {
	mailer, err := sinewmail.Open("log:?from=Sinew%20%3Cnoreply%40sinew.example%3E", slog.New(slog.DiscardHandler))
	if err != nil {
		panic(err)
	}
	err = mailer.Send(context.Background(), &sinewmail.Message{
		To:      []string{"Ada Lovelace <ada@example.com>"},
		Subject: "Reset your password",
		Text:    "Open https://sinew.example/reset/abc within the hour.",
		HTML:    `<p>Open <a href="https://sinew.example/reset/abc">this link</a> within the hour.</p>`,
	})
	if err != nil {
		panic(err)
	}
	sent := mailer.(*sinewmail.Log).Messages()[0]
	fmt.Println(sent.Message.From, "->", sent.Message.To[0], ":", sent.Message.Subject)
	// Output: Sinew <noreply@sinew.example> -> Ada Lovelace <ada@example.com> : Reset your password
}

// A header injection attempt is refused before anything is sent.
func ExampleErrInvalid() {
	mailer := sinewmail.NewLog(slog.New(slog.DiscardHandler))
	err := mailer.Send(context.Background(), &sinewmail.Message{
		To:      []string{"ada@example.com"},
		Subject: "Hello\r\nBcc: everyone@example.com",
		Text:    "hi",
	})
	fmt.Println(errors.Is(err, sinewmail.ErrInvalid))
	// Output: true
}

// NewSMTP sends through a submission server with STARTTLS and AUTH.
func ExampleNewSMTP() {
	mailer := sinewmail.NewSMTP(sinewmail.SMTPConfig{
		Host:     "smtp.example.com", // port 587, STARTTLS required
		Username: "apikey",
		Password: "secret",
		From:     "Sinew <noreply@example.com>",
	})
	fmt.Println(mailer.Addr(), mailer.Security())
	// Output: smtp.example.com:587 starttls
}
