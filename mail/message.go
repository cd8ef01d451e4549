package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Message is one e-mail. Text is required; HTML, when set, is sent as its alternative
// (multipart/alternative), so every client shows one of the two.
type Message struct {
	// From is the sender, "ada@example.com" or "Ada Lovelace <ada@example.com>". Default:
	// the mailer's From (SMTPConfig.From, or "from=" in the SINEW_MAIL_URL).
	From string
	// To, Cc and Bcc are the recipients, one address each; at least one is required. Bcc
	// recipients receive the message but appear in no header.
	To, Cc, Bcc []string
	// ReplyTo, when set, is where replies go.
	ReplyTo string
	// Subject is the subject line; non-ASCII text is encoded (RFC 2047).
	Subject string
	// Text is the plain-text body (required).
	Text string
	// HTML is an optional HTML body, sent as the alternative of Text.
	HTML string
	// Headers are extra headers, such as List-Unsubscribe or X-Entity-Ref-ID. The headers
	// the message builds itself (From, To, Subject, Date, Content-Type, ...) cannot be set
	// here.
	Headers map[string]string
}

// ErrInvalid is matched by every error about a message that cannot be sent as it is: a
// malformed address, CR or LF in a header (header injection), a missing body or
// recipient, an oversized header. errors.Is(err, mail.ErrInvalid).
var ErrInvalid = errors.New("mail: invalid message")

// Limits on what a Message may hold.
const (
	// MaxRecipients is the largest number of To, Cc and Bcc addresses together.
	MaxRecipients = 100
	// MaxHeaderLen is the longest Subject or extra header value, in bytes.
	MaxHeaderLen = 900
	// MaxBodySize is the largest Text or HTML body, in bytes. Servers usually accept less
	// (their SIZE, often 10 to 50 MB), which the SMTP mailer checks before sending.
	MaxBodySize = 32 << 20
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// reserved are the headers the message builds itself.
var reserved = map[string]bool{
	"From": true, "To": true, "Cc": true, "Bcc": true, "Reply-To": true, "Subject": true,
	"Date": true, "Message-Id": true, "Mime-Version": true, "Content-Type": true,
	"Content-Transfer-Encoding": true, "Sender": true, "Return-Path": true,
}

// envelope is a message ready for SMTP: the envelope sender and recipients and the bytes
// of the message (CRLF line endings).
type envelope struct {
	from string   // bare address
	rcpt []string // bare addresses, deduplicated
	id   string   // Message-ID, with angle brackets
	data []byte
}

// hasCRLF reports whether s holds a byte that would end a header line.
func hasCRLF(s string) bool { return strings.ContainsAny(s, "\r\n\x00") }

// parseAddress parses one address ("a@b.c" or "Name <a@b.c>"), refusing anything that
// could inject a header or an SMTP command.
func parseAddress(field, s string) (*mail.Address, error) {
	if hasCRLF(s) {
		return nil, invalid("%s %.40q: CR, LF or NUL in an address (header injection)", field, s)
	}
	if len(s) > 320 {
		return nil, invalid("%s: address of %d bytes is too long", field, len(s))
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, invalid("%s %.40q: %v", field, s, err)
	}
	for _, r := range a.Address {
		if r >= utf8.RuneSelf || r < ' ' {
			return nil, invalid("%s %.40q: only ASCII addresses are supported", field, s)
		}
	}
	if strings.ContainsAny(a.Address, "<> ") {
		return nil, invalid("%s %.40q: malformed address", field, s)
	}
	return a, nil
}

func parseList(field string, list []string) ([]*mail.Address, error) {
	out := make([]*mail.Address, 0, len(list))
	for _, s := range list {
		a, err := parseAddress(field, s)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// build checks m and renders it for sending at now, with defaultFrom when m.From is empty.
func (m *Message) build(defaultFrom string, now time.Time) (*envelope, error) {
	return m.buildWith(defaultFrom, now, rand.Reader)
}

// buildWith is build with the randomness of the Message-ID and MIME boundary read from
// rnd, so tests can compare the output with golden files.
func (m *Message) buildWith(defaultFrom string, now time.Time, rnd io.Reader) (*envelope, error) {
	if m == nil {
		return nil, invalid("nil message")
	}
	fromStr := m.From
	if fromStr == "" {
		fromStr = defaultFrom
	}
	if fromStr == "" {
		return nil, invalid("no From address (set Message.From, or the mailer's From)")
	}
	from, err := parseAddress("From", fromStr)
	if err != nil {
		return nil, err
	}
	to, err := parseList("To", m.To)
	if err != nil {
		return nil, err
	}
	cc, err := parseList("Cc", m.Cc)
	if err != nil {
		return nil, err
	}
	bcc, err := parseList("Bcc", m.Bcc)
	if err != nil {
		return nil, err
	}
	n := len(to) + len(cc) + len(bcc)
	if n == 0 {
		return nil, invalid("no recipient")
	}
	if n > MaxRecipients {
		return nil, invalid("%d recipients, at most %d", n, MaxRecipients)
	}
	var replyTo *mail.Address
	if m.ReplyTo != "" {
		if replyTo, err = parseAddress("Reply-To", m.ReplyTo); err != nil {
			return nil, err
		}
	}
	if hasCRLF(m.Subject) {
		return nil, invalid("Subject %.40q: CR, LF or NUL in a header (header injection)", m.Subject)
	}
	if len(m.Subject) > MaxHeaderLen {
		return nil, invalid("Subject of %d bytes, at most %d", len(m.Subject), MaxHeaderLen)
	}
	if !utf8.ValidString(m.Subject) {
		return nil, invalid("Subject is not valid UTF-8")
	}
	if m.Text == "" {
		return nil, invalid("no Text body (it is required; HTML is its alternative)")
	}
	if len(m.Text) > MaxBodySize || len(m.HTML) > MaxBodySize {
		return nil, invalid("body larger than %d bytes", MaxBodySize)
	}
	type kv struct{ k, v string }
	extra := make([]kv, 0, len(m.Headers))
	for k, v := range m.Headers {
		if !validHeaderName(k) {
			return nil, invalid("header name %.40q: want letters, digits and dashes", k)
		}
		if reserved[textproto.CanonicalMIMEHeaderKey(k)] {
			return nil, invalid("header %s is set by the message itself: use the Message's fields", k)
		}
		if hasCRLF(v) {
			return nil, invalid("header %s %.40q: CR, LF or NUL in a header (header injection)", k, v)
		}
		if len(v) > MaxHeaderLen || !utf8.ValidString(v) {
			return nil, invalid("header %s: value too long or not UTF-8", k)
		}
		extra = append(extra, kv{textproto.CanonicalMIMEHeaderKey(k), v})
	}
	slices.SortFunc(extra, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	for i := 1; i < len(extra); i++ {
		if extra[i].k == extra[i-1].k {
			return nil, invalid("header %s given twice", extra[i].k)
		}
	}

	env := &envelope{from: from.Address, id: messageID(from.Address, rnd)}
	seen := map[string]bool{}
	for _, l := range [][]*mail.Address{to, cc, bcc} {
		for _, a := range l {
			if k := strings.ToLower(a.Address); !seen[k] {
				seen[k] = true
				env.rcpt = append(env.rcpt, a.Address)
			}
		}
	}

	var b bytes.Buffer
	b.Grow(len(m.Text) + len(m.HTML) + 1024)
	header(&b, "Date", now.Format(time.RFC1123Z))
	header(&b, "From", from.String())
	if len(to) > 0 {
		header(&b, "To", joinAddrs(to))
	}
	if len(cc) > 0 {
		header(&b, "Cc", joinAddrs(cc))
	}
	if replyTo != nil {
		header(&b, "Reply-To", replyTo.String())
	}
	header(&b, "Subject", encodeText(m.Subject))
	header(&b, "Message-ID", env.id)
	for _, h := range extra {
		header(&b, h.k, encodeText(h.v))
	}
	header(&b, "MIME-Version", "1.0")
	if m.HTML == "" {
		header(&b, "Content-Type", "text/plain; charset=utf-8")
		header(&b, "Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		writeQP(&b, m.Text)
	} else {
		mw := multipart.NewWriter(&b)
		var r [15]byte
		if _, err := io.ReadFull(rnd, r[:]); err != nil {
			return nil, fmt.Errorf("mail: %w", err)
		}
		if err := mw.SetBoundary("sinew-" + hex.EncodeToString(r[:])); err != nil {
			return nil, fmt.Errorf("mail: %w", err)
		}
		header(&b, "Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
		b.WriteString("\r\n")
		for _, part := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
			w, err := mw.CreatePart(textproto.MIMEHeader{
				"Content-Type":              {part.typ + "; charset=utf-8"},
				"Content-Transfer-Encoding": {"quoted-printable"},
			})
			if err != nil {
				return nil, fmt.Errorf("mail: %w", err)
			}
			var pb bytes.Buffer
			writeQP(&pb, part.body)
			w.Write(pb.Bytes())
		}
		if err := mw.Close(); err != nil {
			return nil, fmt.Errorf("mail: %w", err)
		}
		b.WriteString("\r\n")
	}
	env.data = b.Bytes()
	return env, nil
}

func validHeaderName(k string) bool {
	if k == "" || len(k) > 76 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func joinAddrs(l []*mail.Address) string {
	s := make([]string, len(l))
	for i, a := range l {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// encodeText encodes a header text with RFC 2047 Q-encoded words when it holds anything
// but printable ASCII.
func encodeText(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return mime.QEncoding.Encode("utf-8", s)
		}
	}
	return s
}

// header writes "name: value" folded before spaces so lines stay under 78 characters
// where the value allows it (unfolding restores the value exactly).
func header(b *bytes.Buffer, name, value string) {
	line := len(name) + 2
	b.WriteString(name)
	b.WriteString(": ")
	for i, word := range strings.Split(value, " ") {
		if i > 0 {
			if word != "" && line+1+len(word) > 76 {
				b.WriteString("\r\n")
				line = 0
			}
			b.WriteByte(' ')
			line++
		}
		b.WriteString(word)
		line += len(word)
	}
	b.WriteString("\r\n")
}

// writeQP writes body quoted-printable with CRLF line endings. A body that does not end
// with a line break gets a soft one, so the line ending SMTP needs at the end of DATA does
// not add a line to the decoded body.
func writeQP(b *bytes.Buffer, body string) {
	w := quotedprintable.NewWriter(b)
	w.Write([]byte(body))
	w.Close()
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("=\r\n")
	}
}

// messageID returns a new Message-ID whose right side is the sender's domain.
func messageID(from string, rnd io.Reader) string {
	var r [16]byte
	_, _ = io.ReadFull(rnd, r[:])
	domain := from[strings.LastIndexByte(from, '@')+1:]
	for i := 0; i < len(domain); i++ {
		c := domain[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			domain = "sinew.invalid"
			break
		}
	}
	if domain == "" {
		domain = "sinew.invalid"
	}
	return "<" + hex.EncodeToString(r[:]) + "@" + domain + ">"
}
