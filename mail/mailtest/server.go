package mailtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TLSMode is how the fake server offers TLS.
type TLSMode int

const (
	// NoTLS offers no TLS (the default): plain SMTP, as a local relay speaks it.
	NoTLS TLSMode = iota
	// StartTLS offers STARTTLS and refuses MAIL and AUTH before it.
	StartTLS
	// ImplicitTLS speaks TLS from the first byte (smtps).
	ImplicitTLS
)

// Config configures a Server. Its zero value is the default: plain SMTP, any AUTH
// accepted, messages up to 10 MiB.
type Config struct {
	// TLS is NoTLS (default), StartTLS or ImplicitTLS.
	TLS TLSMode
	// Username and Password, when Username is set, are the only credentials AUTH accepts,
	// and MAIL is refused before a successful AUTH.
	Username, Password string
	// MaxSize is the largest message accepted (advertised as SIZE). Default: 10 MiB.
	MaxSize int
	// MaxRecipients is the most RCPT commands accepted per message. Default: 100.
	MaxRecipients int
	// RejectRecipients are addresses RCPT answers with 550.
	RejectRecipients []string
	// Hostname is the name in the greeting. Default: "mailtest.local".
	Hostname string
	// AuthMechanisms are the AUTH mechanisms offered and accepted. Default: PLAIN and LOGIN.
	AuthMechanisms []string
}

// Received is one message the server accepted.
type Received struct {
	// From is the envelope sender (MAIL FROM).
	From string
	// To are the envelope recipients (RCPT TO), Bcc included.
	To []string
	// Data is the message as received, dot-unstuffed, CRLF line endings.
	Data []byte
	// Header is the parsed header.
	Header mail.Header
	// Subject is the decoded Subject.
	Subject string
	// Text and HTML are the decoded bodies (quoted-printable and base64 undone).
	Text, HTML string
	// TLS reports whether the message came over TLS; AuthUser is who logged in ("" if
	// nobody did).
	TLS      bool
	AuthUser string
}

// Server is a fake SMTP server listening on 127.0.0.1.
type Server struct {
	cfg     Config
	ln      net.Listener
	tlsConf *tls.Config
	roots   *x509.CertPool

	mu      sync.Mutex
	msgs    []Received
	changed chan struct{} // closed and replaced when a message arrives
	conns   map[net.Conn]bool
	wg      sync.WaitGroup
	closed  bool
}

// NewServer starts a plain-SMTP server that accepts any AUTH; it stops when t ends.
func NewServer(t testing.TB) *Server { return NewServerWith(t, Config{}) }

// NewServerWith starts a server configured by cfg; it stops when t ends.
func NewServerWith(t testing.TB, cfg Config) *Server {
	t.Helper()
	if cfg.MaxSize <= 0 {
		cfg.MaxSize = 10 << 20
	}
	if cfg.MaxRecipients <= 0 {
		cfg.MaxRecipients = 100
	}
	if cfg.Hostname == "" {
		cfg.Hostname = "mailtest.local"
	}
	if len(cfg.AuthMechanisms) == 0 {
		cfg.AuthMechanisms = []string{"PLAIN", "LOGIN"}
	}
	s := &Server{cfg: cfg, changed: make(chan struct{}), conns: map[net.Conn]bool{}}
	if cfg.TLS != NoTLS {
		if err := s.makeCert(); err != nil {
			t.Fatalf("mailtest: %v", err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	if cfg.TLS == ImplicitTLS {
		ln = tls.NewListener(ln, s.tlsConf)
	}
	s.ln = ln
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.Close)
	return s
}

// Addr returns the server's host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL returns a SINEW_MAIL_URL for the server: smtp://127.0.0.1:port?tls=none for a plain
// server, with the configured credentials. The TLS modes need the server's certificate
// trusted, which a URL cannot say: build a mail.SMTPConfig with ClientTLS instead.
func (s *Server) URL() string {
	u := "smtp://"
	if s.cfg.Username != "" {
		u += urlEscape(s.cfg.Username) + ":" + urlEscape(s.cfg.Password) + "@"
	}
	u += s.Addr()
	switch s.cfg.TLS {
	case NoTLS:
		u += "?tls=none"
	case ImplicitTLS:
		u = "smtps" + u[len("smtp"):]
	}
	return u
}

func urlEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// ClientTLS returns a TLS configuration that trusts the server's certificate.
func (s *Server) ClientTLS() *tls.Config {
	return &tls.Config{RootCAs: s.roots, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// WaitFor waits until the server has accepted at least n messages and returns them, or
// returns ctx's error.
func (s *Server) WaitFor(ctx context.Context, n int) ([]Received, error) {
	for {
		s.mu.Lock()
		if len(s.msgs) >= n {
			out := append([]Received(nil), s.msgs...)
			s.mu.Unlock()
			return out, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, fmt.Errorf("mailtest: waiting for %d messages: %w", n, ctx.Err())
		}
	}
}

// Close stops the server and closes its connections; the test's cleanup calls it.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) makeCert() error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return err
	}
	s.roots = x509.NewCertPool()
	s.roots.AddCert(cert)
	s.tlsConf = &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}},
		MinVersion:   tls.VersionTLS12,
	}
	return nil
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = true
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
			s.session(c)
		}()
	}
}

// maxLine is the longest command line (RFC 5321 4.5.3.1.4 says 512; AUTH PLAIN with long
// credentials needs more) and text line (998 + CRLF, with slack for lenient clients).
const maxLine = 4096

// errLineTooLong is returned by readLine for a line longer than maxLine.
var errLineTooLong = errors.New("line too long")

type conn struct {
	c   net.Conn
	r   *bufio.Reader
	w   *bufio.Writer
	tls bool
}

func (c *conn) reply(code int, text string) {
	c.c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		fmt.Fprintf(c.w, "%d%s%s\r\n", code, sep, l)
	}
	c.w.Flush()
}

// readLine reads one CRLF- (or LF-) terminated line without its ending.
func (c *conn) readLine() (string, error) {
	c.c.SetReadDeadline(time.Now().Add(30 * time.Second))
	var b []byte
	for {
		chunk, isPrefix, err := c.r.ReadLine()
		if err != nil {
			return "", err
		}
		b = append(b, chunk...)
		if len(b) > maxLine {
			// Drain the rest of the line so the connection stays in step.
			for isPrefix {
				if _, isPrefix, err = c.r.ReadLine(); err != nil {
					return "", err
				}
			}
			return "", errLineTooLong
		}
		if !isPrefix {
			return string(b), nil
		}
	}
}

func (s *Server) session(nc net.Conn) {
	c := &conn{c: nc, r: bufio.NewReaderSize(nc, 4096), w: bufio.NewWriter(nc), tls: s.cfg.TLS == ImplicitTLS}
	c.reply(220, s.cfg.Hostname+" ESMTP mailtest")
	var (
		helo     bool
		authUser string
		authed   = s.cfg.Username == ""
		from     *string
		rcpts    []string
	)
	reset := func() { from, rcpts = nil, nil }
	for {
		line, err := c.readLine()
		if errors.Is(err, errLineTooLong) {
			c.reply(500, "5.5.2 line too long")
			continue
		}
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		verb = strings.ToUpper(verb)
		needTLS := s.cfg.TLS == StartTLS && !c.tls
		switch verb {
		case "EHLO", "HELO":
			if arg == "" {
				c.reply(501, "5.5.4 "+verb+" needs a domain")
				continue
			}
			helo = true
			reset()
			if verb == "HELO" {
				c.reply(250, s.cfg.Hostname)
				continue
			}
			ext := []string{s.cfg.Hostname + " greets " + arg, "8BITMIME", "PIPELINING", "SIZE " + strconv.Itoa(s.cfg.MaxSize)}
			if needTLS {
				ext = append(ext, "STARTTLS")
			} else {
				ext = append(ext, "AUTH "+strings.Join(s.cfg.AuthMechanisms, " "))
			}
			c.reply(250, strings.Join(ext, "\n"))
		case "STARTTLS":
			if s.cfg.TLS != StartTLS || c.tls {
				c.reply(502, "5.5.1 STARTTLS not available")
				continue
			}
			if c.r.Buffered() > 0 {
				// Commands pipelined before the handshake would be an injection (CVE-2011-0411).
				c.reply(554, "5.5.1 data after STARTTLS")
				return
			}
			c.reply(220, "2.0.0 ready to start TLS")
			tc := tls.Server(nc, s.tlsConf)
			tc.SetDeadline(time.Now().Add(10 * time.Second))
			if err := tc.Handshake(); err != nil {
				return
			}
			tc.SetDeadline(time.Time{})
			c = &conn{c: tc, r: bufio.NewReaderSize(tc, 4096), w: bufio.NewWriter(tc), tls: true}
			helo, authUser, authed = false, "", s.cfg.Username == ""
			reset()
		case "AUTH":
			switch {
			case !helo:
				c.reply(503, "5.5.1 EHLO first")
			case needTLS:
				c.reply(530, "5.7.0 must issue STARTTLS first")
			case authUser != "":
				c.reply(503, "5.5.1 already authenticated")
			default:
				user, ok := s.auth(c, arg)
				if !ok {
					continue
				}
				authUser, authed = user, true
				c.reply(235, "2.7.0 authentication successful")
			}
		case "MAIL":
			addr, params, ok := parsePath(arg, "FROM:")
			switch {
			case !helo:
				c.reply(503, "5.5.1 EHLO first")
			case needTLS:
				c.reply(530, "5.7.0 must issue STARTTLS first")
			case !authed:
				c.reply(530, "5.7.0 authentication required")
			case from != nil:
				c.reply(503, "5.5.1 nested MAIL command")
			case !ok:
				c.reply(501, "5.5.4 syntax: MAIL FROM:<address>")
			default:
				if size, ok := sizeParam(params); ok && size > s.cfg.MaxSize {
					c.reply(552, "5.3.4 message size exceeds fixed maximum message size")
					continue
				}
				from = &addr
				c.reply(250, "2.1.0 ok")
			}
		case "RCPT":
			addr, _, ok := parsePath(arg, "TO:")
			switch {
			case from == nil:
				c.reply(503, "5.5.1 need MAIL before RCPT")
			case !ok || addr == "":
				c.reply(501, "5.5.4 syntax: RCPT TO:<address>")
			case len(rcpts) >= s.cfg.MaxRecipients:
				c.reply(452, "4.5.3 too many recipients")
			case s.rejected(addr):
				c.reply(550, "5.1.1 mailbox unavailable")
			default:
				rcpts = append(rcpts, addr)
				c.reply(250, "2.1.5 ok")
			}
		case "DATA":
			if from == nil || len(rcpts) == 0 {
				c.reply(503, "5.5.1 need MAIL and RCPT before DATA")
				continue
			}
			c.reply(354, "end data with <CR><LF>.<CR><LF>")
			data, tooBig, err := c.readData(s.cfg.MaxSize)
			if err != nil {
				return
			}
			if tooBig {
				c.reply(552, "5.3.4 message size exceeds fixed maximum message size")
				reset()
				continue
			}
			msg := Received{From: *from, To: rcpts, Data: data, TLS: c.tls, AuthUser: authUser}
			if err := parse(&msg); err != nil {
				c.reply(554, "5.6.0 malformed message: "+strings.ReplaceAll(err.Error(), "\n", " "))
				reset()
				continue
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, msg)
			close(s.changed)
			s.changed = make(chan struct{})
			s.mu.Unlock()
			c.reply(250, "2.0.0 ok: queued")
			reset()
		case "RSET":
			reset()
			c.reply(250, "2.0.0 ok")
		case "NOOP":
			c.reply(250, "2.0.0 ok")
		case "QUIT":
			c.reply(221, "2.0.0 bye")
			return
		case "VRFY", "EXPN":
			c.reply(502, "5.5.1 not implemented")
		default:
			c.reply(500, "5.5.2 unknown command")
		}
	}
}

func (s *Server) rejected(addr string) bool {
	for _, r := range s.cfg.RejectRecipients {
		if strings.EqualFold(r, addr) {
			return true
		}
	}
	return false
}

// auth runs AUTH PLAIN or LOGIN and reports the user who logged in.
func (s *Server) auth(c *conn, arg string) (string, bool) {
	mech, initial, _ := strings.Cut(arg, " ")
	decode := func(v string) (string, bool) {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
		if err != nil {
			c.reply(501, "5.5.2 cannot decode the response")
			return "", false
		}
		return string(b), true
	}
	prompt := func(p string) (string, bool) {
		c.reply(334, base64.StdEncoding.EncodeToString([]byte(p)))
		line, err := c.readLine()
		if err != nil {
			return "", false
		}
		if line == "*" {
			c.reply(501, "5.0.0 authentication cancelled")
			return "", false
		}
		return decode(line)
	}
	var user, pass string
	offered := false
	for _, m := range s.cfg.AuthMechanisms {
		offered = offered || strings.EqualFold(m, mech)
	}
	if !offered {
		mech = "unoffered"
	}
	switch strings.ToUpper(mech) {
	case "PLAIN":
		resp, ok := initial, true
		var dec string
		if resp == "" {
			dec, ok = prompt("")
		} else {
			dec, ok = decode(resp)
		}
		if !ok {
			return "", false
		}
		parts := strings.Split(dec, "\x00")
		if len(parts) != 3 {
			c.reply(501, "5.5.2 malformed PLAIN response")
			return "", false
		}
		user, pass = parts[1], parts[2]
	case "LOGIN":
		var ok bool
		if initial != "" {
			user, ok = decode(initial)
		} else {
			user, ok = prompt("Username:")
		}
		if !ok {
			return "", false
		}
		if pass, ok = prompt("Password:"); !ok {
			return "", false
		}
	default:
		c.reply(504, "5.5.4 unrecognized authentication type")
		return "", false
	}
	if s.cfg.Username != "" && (user != s.cfg.Username || pass != s.cfg.Password) {
		c.reply(535, "5.7.8 authentication credentials invalid")
		return "", false
	}
	return user, true
}

// parsePath parses "FROM:<addr> PARAMS" (or TO:), leniently about the space after the colon.
func parsePath(arg, prefix string) (addr, params string, ok bool) {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return "", "", false
	}
	rest := strings.TrimLeft(arg[len(prefix):], " ")
	if !strings.HasPrefix(rest, "<") {
		return "", "", false
	}
	end := strings.IndexByte(rest, '>')
	if end < 0 {
		return "", "", false
	}
	addr = rest[1:end]
	if strings.ContainsAny(addr, "<> \t") {
		return "", "", false
	}
	return addr, strings.TrimSpace(rest[end+1:]), true
}

func sizeParam(params string) (int, bool) {
	for _, p := range strings.Fields(params) {
		if k, v, ok := strings.Cut(p, "="); ok && strings.EqualFold(k, "SIZE") {
			n, err := strconv.Atoi(v)
			return n, err == nil
		}
	}
	return 0, false
}

// readData reads a DATA section up to the lone dot, undoing dot-stuffing. Past max bytes
// it keeps reading (to stay in step with the client) but drops the data.
func (c *conn) readData(max int) (data []byte, tooBig bool, err error) {
	var b bytes.Buffer
	for {
		line, err := c.readLine()
		if errors.Is(err, errLineTooLong) {
			tooBig = true // a line over the limit cannot be part of a valid message
			continue
		}
		if err != nil {
			return nil, false, err
		}
		if line == "." {
			break
		}
		line = strings.TrimPrefix(line, ".")
		if tooBig || b.Len()+len(line)+2 > max {
			tooBig = true
			b.Reset()
			continue
		}
		b.WriteString(line)
		b.WriteString("\r\n")
	}
	if tooBig {
		return nil, true, nil
	}
	return b.Bytes(), false, nil
}

// parse fills the header and the decoded bodies of m from m.Data.
func parse(m *Received) error {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return err
	}
	m.Header = msg.Header
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return fmt.Errorf("subject: %w", err)
	}
	return readPart(m, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, 0)
}

func readPart(m *Received, ctype, cte string, body io.Reader, depth int) error {
	if depth > 5 {
		return errors.New("MIME nesting too deep")
	}
	if ctype == "" {
		ctype = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return fmt.Errorf("content-type: %w", err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := readPart(m, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, depth+1); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(cte) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("body: %w", err)
	}
	switch mt {
	case "text/plain":
		if m.Text == "" {
			m.Text = string(b)
		}
	case "text/html":
		if m.HTML == "" {
			m.HTML = string(b)
		}
	}
	return nil
}
