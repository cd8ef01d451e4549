package mail

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Sent is a message the Log mailer has sent, as a dev page shows it.
type Sent struct {
	// ID is the Message-ID, with angle brackets.
	ID string
	// At is when it was sent.
	At time.Time
	// Message is a copy of what was sent, From filled in.
	Message Message
	// Raw is the complete message as an SMTP server would have received it (CRLF line
	// endings, quoted-printable bodies).
	Raw []byte
}

// Log is the development Mailer: it sends nothing, but checks and renders each message
// exactly as the SMTP mailer would (so a header injection fails in dev too), logs it at
// Info level, and keeps the last 50 for a dev page (Messages). It is safe for concurrent
// use.
type Log struct {
	logger *slog.Logger
	from   string
	keep   int

	mu   sync.Mutex
	sent []Sent // oldest first
}

// LogKeep is how many messages a Log mailer keeps.
const LogKeep = 50

// DefaultLogFrom is the Log mailer's sender for messages without a From.
const DefaultLogFrom = "Sinew <noreply@localhost>"

// NewLog returns a Log mailer writing to logger (slog.Default() when nil).
func NewLog(logger *slog.Logger) *Log {
	if logger == nil {
		logger = slog.Default()
	}
	return &Log{logger: logger, from: DefaultLogFrom, keep: LogKeep}
}

// Send implements Mailer.
func (l *Log) Send(ctx context.Context, m *Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := time.Now()
	env, err := m.build(l.from, now)
	if err != nil {
		return err
	}
	cp := *m
	if cp.From == "" {
		cp.From = l.from
	}
	cp.To, cp.Cc, cp.Bcc = clone(m.To), clone(m.Cc), clone(m.Bcc)
	if m.Headers != nil {
		cp.Headers = make(map[string]string, len(m.Headers))
		for k, v := range m.Headers {
			cp.Headers[k] = v
		}
	}
	l.logger.LogAttrs(ctx, slog.LevelInfo, "mail: sent (log mailer, nothing delivered)",
		slog.String("id", env.id), slog.String("from", cp.From), slog.Any("to", env.rcpt),
		slog.String("subject", cp.Subject), slog.String("text", preview(cp.Text)))
	l.mu.Lock()
	if len(l.sent) >= l.keep {
		l.sent = append(l.sent[:0], l.sent[len(l.sent)-l.keep+1:]...)
	}
	l.sent = append(l.sent, Sent{ID: env.id, At: now, Message: cp, Raw: env.data})
	l.mu.Unlock()
	return nil
}

// Messages returns the messages kept, newest first.
func (l *Log) Messages() []Sent {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Sent, len(l.sent))
	for i, s := range l.sent {
		out[len(out)-1-i] = s
	}
	return out
}

func clone(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}

// preview shortens a body for the log line.
func preview(s string) string {
	const n = 200
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && s[i]&0xC0 == 0x80 { // do not cut a UTF-8 sequence
		i--
	}
	return s[:i] + "..."
}
