// Package mail sends e-mail: password resets, address verification, notifications. A
// Message (From, To, Cc, Bcc, Subject, a required Text body and an optional HTML
// alternative) goes through a Mailer; the package renders it as standard MIME
// (multipart/alternative, quoted-printable bodies, RFC 2047 encoded headers, Date and
// Message-ID) and refuses what could inject headers or SMTP commands: CR, LF or NUL in any
// header or address is an error matching ErrInvalid, before anything is sent.
//
// SMTP delivers through a submission server with STARTTLS (required, never silently
// skipped), implicit TLS (smtps) or, for a local relay, plain text, logging in with AUTH
// PLAIN or LOGIN; every send is bounded by its context and a timeout. Log is the
// development mailer: it renders and logs each message and keeps the last ones for a dev
// page. Open picks one from SINEW_MAIL_URL (smtp://, smtps://, log:), and the app exposes
// it as app.Mailer(). Tests run mail/mailtest, a fake SMTP server speaking the real
// protocol, instead of mocking the Mailer.
package mail
