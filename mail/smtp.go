package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"
)

// Security is how an SMTP connection is protected.
type Security int

const (
	// StartTLS connects in plain text and upgrades with STARTTLS before anything else; a
	// server that does not offer STARTTLS is an error, never a silent downgrade. The
	// default, for submission on port 587.
	StartTLS Security = iota
	// ImplicitTLS speaks TLS from the first byte (smtps, port 465).
	ImplicitTLS
	// NoTLS sends everything in plain text: only for a relay on the same host or network,
	// such as a local Mailpit. Credentials are refused over it except to a loopback address.
	NoTLS
)

// String returns "starttls", "tls" or "none".
func (s Security) String() string {
	switch s {
	case StartTLS:
		return "starttls"
	case ImplicitTLS:
		return "tls"
	case NoTLS:
		return "none"
	}
	return "Security(" + strconv.Itoa(int(s)) + ")"
}

// SMTPConfig configures an SMTP mailer. Its zero value is not usable: Host is required.
type SMTPConfig struct {
	// Host is the server's name or address (required).
	Host string
	// Port is the server's port. Default: 587, or 465 with ImplicitTLS.
	Port int
	// Username and Password authenticate with AUTH PLAIN or LOGIN (whichever the server
	// offers, PLAIN first). Empty Username: no authentication.
	Username, Password string
	// From is the default sender, used when a Message has none.
	From string
	// Security is StartTLS (default), ImplicitTLS or NoTLS.
	Security Security
	// TLSConfig is the TLS configuration; nil means the system's roots and Host as the
	// server name. A copy without ServerName gets Host.
	TLSConfig *tls.Config
	// Timeout bounds one whole Send (connect, dialogue and data) unless the context's
	// deadline is sooner. Default: 30s.
	Timeout time.Duration
	// LocalName is the name sent with EHLO. Default: "localhost".
	LocalName string
}

// SMTP is a Mailer that sends each message over its own connection to an SMTP server
// (submission with STARTTLS, smtps, or a plain local relay), with AUTH PLAIN or LOGIN. It
// is safe for concurrent use.
type SMTP struct {
	cfg SMTPConfig
}

// NewSMTP returns an SMTP mailer; it connects only when sending.
func NewSMTP(cfg SMTPConfig) *SMTP {
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.Security == ImplicitTLS {
			cfg.Port = 465
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.LocalName == "" {
		cfg.LocalName = "localhost"
	}
	return &SMTP{cfg: cfg}
}

// Config returns the mailer's configuration, defaults filled in.
func (s *SMTP) Config() SMTPConfig { return s.cfg }

// Security returns how the mailer protects its connections.
func (s *SMTP) Security() Security { return s.cfg.Security }

// Addr returns the server's host:port.
func (s *SMTP) Addr() string { return net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port)) }

// ErrTooLarge is returned when a message is larger than the server's advertised SIZE.
var ErrTooLarge = errors.New("mail: message larger than the server accepts")

func (s *SMTP) tlsConfig() *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.cfg.TLSConfig != nil {
		c = s.cfg.TLSConfig.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = s.cfg.Host
	}
	return c
}

// Send implements Mailer: it checks and renders m, connects, upgrades to TLS, logs in,
// and delivers m to every To, Cc and Bcc recipient in one transaction. The context's
// deadline and cancellation (and Timeout) bound the whole exchange. A rejected recipient
// fails the whole send; the server's reply is in the error chain as a *textproto.Error.
func (s *SMTP) Send(ctx context.Context, m *Message) (err error) {
	if s.cfg.Host == "" {
		return errors.New("mail: SMTPConfig.Host is empty")
	}
	env, err := m.build(s.cfg.From, time.Now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	defer func() {
		if err != nil && ctx.Err() != nil {
			err = fmt.Errorf("mail: sending to %s: %w (%v)", s.Addr(), ctx.Err(), err)
		}
	}()

	var conn net.Conn
	d := &net.Dialer{}
	if s.cfg.Security == ImplicitTLS {
		conn, err = (&tls.Dialer{NetDialer: d, Config: s.tlsConfig()}).DialContext(ctx, "tcp", s.Addr())
	} else {
		conn, err = d.DialContext(ctx, "tcp", s.Addr())
	}
	if err != nil {
		return fmt.Errorf("mail: connecting to %s: %w", s.Addr(), err)
	}
	// Cancellation and the deadline interrupt any blocked read or write at once (and
	// leave ctx.Err set, so the error says why); the connection's own deadline, a little
	// later, is only a backstop.
	dl, _ := ctx.Deadline()
	conn.SetDeadline(dl.Add(time.Second))
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: greeting from %s: %w", s.Addr(), err)
	}
	defer c.Close()
	step := func(what string, err error) error {
		if err != nil {
			return fmt.Errorf("mail: %s at %s: %w", what, s.Addr(), err)
		}
		return nil
	}
	if err := step("EHLO", c.Hello(s.cfg.LocalName)); err != nil {
		return err
	}
	if s.cfg.Security == StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fmt.Errorf("mail: %s does not offer STARTTLS (use smtps:// for implicit TLS, or tls=none for a local relay)", s.Addr())
		}
		if err := step("STARTTLS", c.StartTLS(s.tlsConfig())); err != nil {
			return err
		}
	}
	if s.cfg.Username != "" {
		ok, mechs := c.Extension("AUTH")
		if !ok {
			return fmt.Errorf("mail: %s does not offer AUTH, but a username is configured", s.Addr())
		}
		var a smtp.Auth
		switch m := " " + strings.ToUpper(mechs) + " "; {
		case strings.Contains(m, " PLAIN "):
			a = smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)
		case strings.Contains(m, " LOGIN "):
			a = &loginAuth{user: s.cfg.Username, pass: s.cfg.Password, host: s.cfg.Host}
		default:
			return fmt.Errorf("mail: %s offers AUTH %s; supported are PLAIN and LOGIN", s.Addr(), mechs)
		}
		if err := step("AUTH", c.Auth(a)); err != nil {
			return err
		}
	}
	if ok, v := c.Extension("SIZE"); ok {
		if max, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && max > 0 && int64(len(env.data)) > max {
			return fmt.Errorf("%w: %d bytes, %s accepts %d", ErrTooLarge, len(env.data), s.Addr(), max)
		}
	}
	if err := step("MAIL FROM", c.Mail(env.from)); err != nil {
		return err
	}
	for _, r := range env.rcpt {
		if err := step("RCPT TO "+r, c.Rcpt(r)); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err := step("DATA", err); err != nil {
		return err
	}
	if _, err := w.Write(env.data); err != nil {
		return step("writing the message", err)
	}
	if err := step("end of DATA", w.Close()); err != nil {
		return err
	}
	_ = c.Quit() // the message is accepted; a failing QUIT changes nothing
	return nil
}

// loginAuth is the LOGIN mechanism (draft-murchison-sasl-login), which some servers
// (Office 365, older Exchange) offer instead of PLAIN. Like smtp.PlainAuth it refuses to
// send credentials without TLS unless the server is on the loopback interface.
type loginAuth struct {
	user, pass, host string
	step             int
}

func (a *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !isLoopback(server.Name) {
		return "", nil, errors.New("unencrypted connection")
	}
	if server.Name != a.host {
		return "", nil, errors.New("wrong host name")
	}
	a.step = 0
	return "LOGIN", nil, nil
}

func (a *loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	prompt := strings.ToLower(strings.TrimSpace(string(fromServer)))
	a.step++
	switch {
	case strings.HasPrefix(prompt, "user"), prompt == "" && a.step == 1:
		return []byte(a.user), nil
	case strings.HasPrefix(prompt, "pass"), prompt == "" && a.step == 2:
		return []byte(a.pass), nil
	}
	return nil, fmt.Errorf("unexpected LOGIN prompt %.40q", fromServer)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
