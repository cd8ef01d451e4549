// Package mailtest runs a fake SMTP server inside a test: it listens on 127.0.0.1, speaks
// real SMTP (EHLO, optional STARTTLS or implicit TLS with a certificate made at start,
// AUTH PLAIN and LOGIN, MAIL, RCPT, DATA with dot-unstuffing, SIZE, RSET, NOOP, QUIT), and
// keeps every message it accepts, parsed, for the test to inspect.
//
// Tests of code that sends e-mail point the code's mailer at Server.URL (or build one with
// ClientTLS for the TLS modes), run it, then check Server.Messages or wait with WaitFor.
// The server stops when the test ends. It is strict where a real server is (line length,
// command order, message size, authentication when configured) so tests see the errors
// production would.
package mailtest
