package auth

import (
	"context"
	"log/slog"
)

// Message is an e-mail the flows send: a password reset link or an address verification
// link, in plain text.
type Message struct {
	To      string
	Subject string
	Text    string
}

// Mailer sends the flows' e-mails. Adapt the app's mailer (package mail) with a few lines,
// or use MailerFunc.
type Mailer interface {
	Send(ctx context.Context, m *Message) error
}

// MailerFunc adapts a function to Mailer.
type MailerFunc func(ctx context.Context, m *Message) error

// Send calls f.
func (f MailerFunc) Send(ctx context.Context, m *Message) error { return f(ctx, m) }

// logMailer is the Mailer used when none is configured: in dev and test it logs the
// whole message (links included, so that a developer can follow them); in prod it logs
// only that a message was not sent.
type logMailer struct {
	logger *slog.Logger
	full   bool
}

func (l logMailer) Send(ctx context.Context, m *Message) error {
	if l.full {
		l.logger.InfoContext(ctx, "auth: e-mail (no mailer configured, logged instead)", "to", m.To, "subject", m.Subject, "text", m.Text)
		return nil
	}
	l.logger.WarnContext(ctx, "auth: e-mail not sent (no mailer configured)", "subject", m.Subject)
	return nil
}
