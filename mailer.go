package sinew

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/sinewdev/sinew/mail"
)

// appMailer is the Mailer App.Mailer returns: it exists from construction, so handlers and
// packages can take it while the app is set up, and sends through the mailer Start opens.
type appMailer struct {
	m atomic.Pointer[mailerBox]
}

type mailerBox struct{ m mail.Mailer }

// errMailerNotStarted is returned by the app's mailer before Start.
var errMailerNotStarted = errors.New("sinew: the mailer is opened by App.Start: start the app before sending e-mail")

// Send implements mail.Mailer.
func (am *appMailer) Send(ctx context.Context, m *mail.Message) error {
	b := am.m.Load()
	if b == nil {
		return errMailerNotStarted
	}
	return b.m.Send(ctx, m)
}

// unconfiguredMailer is production's mailer without SINEW_MAIL_URL: sending fails, saying
// what to set.
type unconfiguredMailer struct{}

func (unconfiguredMailer) Send(context.Context, *mail.Message) error { return mail.ErrNotConfigured }

// Mailer returns the app's mailer. It can be taken while the app is set up; it sends once
// Start has opened the mailer named by Config.MailURL (SINEW_MAIL_URL: smtp://, smtps://
// or log:). Without one, dev and test use the log mailer (messages are logged and kept for
// SentMail, never delivered), and production fails every send with mail.ErrNotConfigured.
func (a *App) Mailer() mail.Mailer { return a.mailer }

// SentMail returns the last messages the log mailer handled, newest first: for a dev page
// or a test. It returns nil when the app sends through SMTP.
func (a *App) SentMail() []mail.Sent {
	b := a.mailer.m.Load()
	if b == nil {
		return nil
	}
	if l, ok := b.m.(*mail.Log); ok {
		return l.Messages()
	}
	return nil
}

// openMailer is a start hook: it opens the mailer Config.MailURL names, or the default.
func (a *App) openMailer(context.Context) error {
	var m mail.Mailer
	switch {
	case a.cfg.MailURL != "":
		var err error
		if m, err = mail.Open(a.cfg.MailURL, a.logger); err != nil {
			return fmt.Errorf("sinew: %w", err)
		}
	case a.cfg.Env == EnvProd:
		a.logger.Warn("sinew: " + mail.URLEnv + " is not set: sending e-mail will fail")
		m = unconfiguredMailer{}
	default:
		m = mail.NewLog(a.logger)
	}
	a.mailer.m.Store(&mailerBox{m})
	return nil
}
