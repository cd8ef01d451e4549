package mail

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// URLEnv is the environment variable naming the mailer; the app reads it and passes its
// value to Open.
const URLEnv = "SINEW_MAIL_URL"

// ErrNotConfigured is returned by a mailer that was never configured: in production, an
// app without SINEW_MAIL_URL sends nothing and says so.
var ErrNotConfigured = errors.New("mail: no mailer configured: set " + URLEnv + " (smtp://user:pass@host:587, smtps://... or log:)")

// Open returns the mailer that rawURL names:
//
//	smtp://user:pass@host:587          SMTP with STARTTLS required (port 587 by default)
//	smtps://user:pass@host:465         SMTP over implicit TLS (port 465 by default)
//	smtp://localhost:1025?tls=none     plain SMTP, for a relay on the same host (Mailpit)
//	log:                               the Log mailer (development)
//
// Query parameters: from (the default sender, URL-encoded: from=Ada%20%3Cada%40example.com%3E),
// timeout (a duration such as 10s), tls (starttls, tls or none, overriding the scheme's
// default) and helo (the EHLO name). The user name and password are URL-decoded, so a
// password with @ or : is written %40 and %3A. Errors never contain the password.
func Open(rawURL string, logger *slog.Logger) (Mailer, error) {
	if strings.TrimSpace(rawURL) == "" {
		return nil, fmt.Errorf("mail: %s is empty", URLEnv)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse's messages quote parts of the URL, which may hold the password.
		return nil, fmt.Errorf("mail: %s is not a valid URL (write @, : and / in the user name or password as %%40, %%3A and %%2F)", URLEnv)
	}
	q := u.Query()
	from := q.Get("from")
	if from != "" {
		if _, err := parseAddress("from", from); err != nil {
			return nil, fmt.Errorf("mail: %s: %w", URLEnv, err)
		}
	}
	switch strings.ToLower(u.Scheme) {
	case "log":
		l := NewLog(logger)
		if from != "" {
			l.from = from
		}
		return l, nil
	case "smtp", "smtps":
	default:
		return nil, fmt.Errorf("mail: %s: unknown scheme %q: want smtp://, smtps:// or log:", URLEnv, shorten(u.Scheme))
	}
	cfg := SMTPConfig{Host: u.Hostname(), From: from, LocalName: q.Get("helo")}
	if cfg.Host == "" {
		return nil, fmt.Errorf("mail: %s: no host", URLEnv)
	}
	if strings.EqualFold(u.Scheme, "smtps") {
		cfg.Security = ImplicitTLS
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("mail: %s: bad port %q", URLEnv, shorten(p))
		}
		cfg.Port = n
	}
	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
	}
	switch t := strings.ToLower(q.Get("tls")); t {
	case "":
	case "starttls":
		cfg.Security = StartTLS
	case "tls", "implicit":
		cfg.Security = ImplicitTLS
	case "none", "off", "false":
		cfg.Security = NoTLS
	default:
		return nil, fmt.Errorf("mail: %s: tls=%q: want starttls, tls or none", URLEnv, shorten(t))
	}
	if v := q.Get("timeout"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("mail: %s: timeout=%q: want a duration such as 10s", URLEnv, shorten(v))
		}
		cfg.Timeout = d
	}
	if cfg.LocalName != "" && !validHeaderName(strings.ReplaceAll(cfg.LocalName, ".", "-")) {
		return nil, fmt.Errorf("mail: %s: helo=%q: want a host name", URLEnv, shorten(cfg.LocalName))
	}
	return NewSMTP(cfg), nil
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
