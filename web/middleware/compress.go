package middleware

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/sinewdev/sinew/web"
)

// CompressConfig configures [Compress]. The zero value is the default.
type CompressConfig struct {
	// Encodings lists the content codings offered, in order of preference when the client
	// rates several equally: "zstd" and "gzip" are known. Default: zstd, then gzip.
	Encodings []string
	// MinSize is the smallest body, in bytes, worth compressing. Bodies are buffered up to
	// this size to decide; smaller ones go out as they are. A negative MinSize compresses
	// every non-empty body. Default: 1024.
	MinSize int
	// Types lists the compressible media types: "application/json" matches exactly,
	// "text/*" a whole type, "*+json" any media type with that structured-syntax suffix.
	// Default: text/*, JSON, JavaScript, XML, SVG, WebAssembly, NDJSON, YAML, TOML,
	// TrueType and OpenType fonts, and icons (see DefaultCompressTypes).
	Types []string
	// GzipLevel is the gzip level, 1 (fastest) to 9 (smallest). Default: 6.
	GzipLevel int
	// ZstdLevel is the zstd level. Default: zstd.SpeedDefault (about zstd's level 3).
	ZstdLevel zstd.EncoderLevel
}

// DefaultCompressTypes returns the media types [Compress] compresses by default.
func DefaultCompressTypes() []string {
	return []string{
		"text/*", "application/json", "*+json", "application/x-ndjson",
		"application/javascript", "application/x-javascript", "application/ecmascript",
		"application/xml", "*+xml", "application/wasm",
		"application/yaml", "application/x-yaml", "application/toml",
		"font/ttf", "font/otf", "application/vnd.ms-fontobject",
		"image/x-icon", "image/vnd.microsoft.icon", "image/bmp",
	}
}

// zstdWindow is the zstd window size: well under the 8 MiB that browsers accept for the
// "zstd" content coding (RFC 9659), and small enough to keep pooled encoders light.
const zstdWindow = 1 << 20

// Compress compresses response bodies with zstd or gzip, whichever the client's
// Accept-Encoding prefers (q-values honoured, zstd first when they tie). It compresses only
// bodies of a compressible media type (see [CompressConfig.Types]; a missing Content-Type
// is sniffed the way net/http would) of at least MinSize bytes, buffering up to that size
// to decide. It leaves alone HEAD, Range and Upgrade requests, responses that already
// have a Content-Encoding or say Cache-Control: no-transform, and 206, 204, 304 and 1xx
// responses.
// Compressed responses lose Content-Length, get Vary: Accept-Encoding and have a strong
// ETag made weak.
//
// Flush works (a Flush before MinSize is reached starts compressing at once if the type is
// compressible, so event streams are compressed as they go), and so do Hijack and
// http.ResponseController through Unwrap. Encoders come from pools owned by the returned
// middleware. If a handler panics, nothing buffered is sent and the compressed stream is
// not finished (a client never takes a truncated body for a complete one), so the error
// page of the recovery above goes out uncompressed when nothing was sent yet.
//
// Compress panics if the configuration is invalid (an unknown encoding or media type
// pattern, an out-of-range level).
func Compress(cfg CompressConfig) web.Middleware {
	m := newCompressor(cfg)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			coding := noCoding
			if r.Method != http.MethodHead && headerFirst(r.Header, "Range") == "" && headerFirst(r.Header, "Upgrade") == "" {
				coding = m.negotiate(r.Header["Accept-Encoding"])
			}
			h := w.Header()
			if coding == noCoding {
				addVary(h, "Accept-Encoding")
				next.ServeHTTP(w, r)
				return
			}
			cw := &compressWriter{w: w, m: m, coding: coding}
			if _, ok := h["Vary"]; ok {
				addVary(h, "Accept-Encoding")
			} else {
				// The usual case: Vary is ours alone, in the writer's allocation.
				cw.vary[0] = "Accept-Encoding"
				h["Vary"] = cw.vary[:1:1]
			}
			done := false
			defer func() {
				if !done {
					cw.abort()
				}
			}()
			next.ServeHTTP(cw, r)
			done = true
			_ = cw.close() // a failed write means the client went away
		})
	}
}

type coding uint8

const (
	noCoding coding = iota
	zstdCoding
	gzipCoding
)

func (c coding) String() string {
	switch c {
	case zstdCoding:
		return "zstd"
	case gzipCoding:
		return "gzip"
	}
	return "identity"
}

// streamEncoder is what *gzip.Writer and *zstd.Encoder have in common.
type streamEncoder interface {
	io.WriteCloser
	Flush() error
	Reset(w io.Writer)
}

// compressor holds one Compress middleware's settings and pools.
type compressor struct {
	order   []coding // preference when q-values tie
	minSize int
	bufSize int
	types   []mediaPattern
	pools   [3]sync.Pool // indexed by coding: streamEncoder
	bufs    sync.Pool    // *[]byte of cap bufSize
}

// mediaPattern is a parsed entry of CompressConfig.Types.
type mediaPattern struct {
	kind  byte // '=' exact, '/' type prefix, '+' suffix
	value string
}

func newCompressor(cfg CompressConfig) *compressor {
	m := &compressor{minSize: cfg.MinSize}
	if m.minSize == 0 {
		m.minSize = 1024
	}
	if m.minSize < 0 {
		m.minSize = 0
	}
	m.bufSize = max(m.minSize, 512) // 512 bytes: what content sniffing reads
	m.bufs.New = func() any { b := make([]byte, 0, m.bufSize); return &b }

	encs := cfg.Encodings
	if len(encs) == 0 {
		encs = []string{"zstd", "gzip"}
	}
	for _, e := range encs {
		var c coding
		switch strings.ToLower(strings.TrimSpace(e)) {
		case "zstd":
			c = zstdCoding
		case "gzip":
			c = gzipCoding
		default:
			panic(fmt.Sprintf("middleware: Compress: unknown encoding %q (want zstd or gzip)", e))
		}
		if !containsCoding(m.order, c) {
			m.order = append(m.order, c)
		}
	}

	level := cfg.GzipLevel
	if level == 0 {
		level = gzip.DefaultCompression
	}
	if level != gzip.DefaultCompression && (level < gzip.BestSpeed || level > gzip.BestCompression) {
		panic(fmt.Sprintf("middleware: Compress: GzipLevel %d out of range 1..9", cfg.GzipLevel))
	}
	m.pools[gzipCoding].New = func() any {
		gz, _ := gzip.NewWriterLevel(nil, level) // level checked above
		return gz
	}

	zlevel := cfg.ZstdLevel
	if zlevel == 0 {
		zlevel = zstd.SpeedDefault
	}
	if zlevel < zstd.SpeedFastest || zlevel > zstd.SpeedBestCompression {
		panic(fmt.Sprintf("middleware: Compress: ZstdLevel %d out of range", cfg.ZstdLevel))
	}
	zopts := []zstd.EOption{
		zstd.WithEncoderLevel(zlevel),
		zstd.WithEncoderConcurrency(1), // synchronous: no goroutines per encoder
		zstd.WithWindowSize(zstdWindow),
		zstd.WithLowerEncoderMem(true),
	}
	if _, err := zstd.NewWriter(nil, zopts...); err != nil {
		panic(fmt.Sprintf("middleware: Compress: zstd settings: %v", err))
	}
	m.pools[zstdCoding].New = func() any {
		enc, _ := zstd.NewWriter(nil, zopts...) // options checked above
		return enc
	}

	types := cfg.Types
	if len(types) == 0 {
		types = DefaultCompressTypes()
	}
	for _, t := range types {
		t = strings.ToLower(strings.TrimSpace(t))
		switch {
		case strings.HasPrefix(t, "*+") && len(t) > 2:
			m.types = append(m.types, mediaPattern{'+', t[1:]})
		case strings.HasSuffix(t, "/*") && len(t) > 2 && strings.Count(t, "/") == 1 &&
			!strings.ContainsAny(t[:len(t)-2], "*; "):
			m.types = append(m.types, mediaPattern{'/', t[:len(t)-1]})
		case strings.Count(t, "/") == 1 && !strings.ContainsAny(t, "*; ") &&
			t[0] != '/' && t[len(t)-1] != '/':
			m.types = append(m.types, mediaPattern{'=', t})
		default:
			panic(fmt.Sprintf("middleware: Compress: bad media type pattern %q", t))
		}
	}
	return m
}

func containsCoding(cs []coding, c coding) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// compressible reports whether the Content-Type value ct is of a compressible media type.
func (m *compressor) compressible(ct string) bool {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	for _, p := range m.types {
		switch p.kind {
		case '=':
			if strings.EqualFold(ct, p.value) {
				return true
			}
		case '/':
			if len(ct) > len(p.value) && strings.EqualFold(ct[:len(p.value)], p.value) {
				return true
			}
		case '+':
			if len(ct) > len(p.value) && strings.EqualFold(ct[len(ct)-len(p.value):], p.value) {
				return true
			}
		}
	}
	return false
}

// negotiate picks the coding for the Accept-Encoding header lines: the offered coding the
// client rates highest (RFC 9110 section 12.5.3, "*" standing for codings not named),
// the configured order breaking ties. Elements with malformed q-values are ignored;
// codings rated q=0 are refused.
func (m *compressor) negotiate(lines []string) coding {
	if len(lines) == 0 {
		return noCoding
	}
	q := [3]int{-1, -1, -1} // per coding, in thousandths; -1 = not named
	star := -1
	for _, line := range lines {
		for line != "" {
			var elem string
			elem, line, _ = strings.Cut(line, ",")
			name, params, _ := strings.Cut(elem, ";")
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			v, ok := parseQ(params)
			if !ok {
				continue
			}
			switch {
			case strings.EqualFold(name, "zstd"):
				q[zstdCoding] = max(q[zstdCoding], v)
			case strings.EqualFold(name, "gzip"), strings.EqualFold(name, "x-gzip"):
				q[gzipCoding] = max(q[gzipCoding], v)
			case name == "*":
				star = max(star, v)
			}
		}
	}
	best, bestQ := noCoding, 0
	for _, c := range m.order {
		v := q[c]
		if v < 0 {
			v = star
		}
		if v > bestQ {
			best, bestQ = c, v
		}
	}
	return best
}

// parseQ reads the parameters after a coding in Accept-Encoding (";q=0.8") and returns
// the q-value in thousandths: 1000 when there is none, false when it is malformed.
func parseQ(params string) (int, bool) {
	q := 1000
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		key, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok {
			if strings.TrimSpace(p) == "" {
				continue
			}
			return 0, false
		}
		if !strings.EqualFold(strings.TrimSpace(key), "q") {
			continue // other parameters are allowed and ignored
		}
		v, ok := parseQValue(strings.TrimSpace(val))
		if !ok {
			return 0, false
		}
		q = v
	}
	return q, true
}

// parseQValue parses an RFC 9110 qvalue: "0", "0.5", "0.125", "1", "1.000".
func parseQValue(s string) (int, bool) {
	if s == "" || len(s) > 5 || (s[0] != '0' && s[0] != '1') {
		return 0, false
	}
	v := int(s[0]-'0') * 1000
	if len(s) == 1 {
		return v, true
	}
	if s[1] != '.' {
		return 0, false
	}
	scale := 100
	for i := 2; i < len(s); i++ {
		d := s[i]
		if d < '0' || d > '9' {
			return 0, false
		}
		v += int(d-'0') * scale
		scale /= 10
	}
	if v > 1000 {
		return 0, false
	}
	return v, true
}

// compressWriter states.
const (
	cwBuffering   = iota // deciding: the status and the first bytes are held back
	cwCompressing        // headers sent with Content-Encoding; writes go to the encoder
	cwPlain              // decided against compressing; writes go straight through
	cwHijacked           // the handler took the connection
	cwClosed             // the middleware finished the response
	cwAborted            // the handler panicked after the compressed stream started
)

// How decide settles the question of compression.
const (
	decideSized = iota // the body reaches MinSize
	decideFinal        // the handler returned: the buffer is the whole body
	decideFlush        // the handler flushes: it streams, so the size does not matter
	decidePlain        // no compression, whatever the body
)

// Errors for writes that can no longer reach the client.
var (
	errWriteAfterClose = errors.New("middleware: write to a compressed response after it was finished")
	errWriteAfterPanic = errors.New("middleware: write to a compressed response abandoned by a panic")
)

// compressWriter is the http.ResponseWriter Compress hands down the chain.
type compressWriter struct {
	w      http.ResponseWriter
	m      *compressor
	coding coding
	state  int
	status int // held back while buffering
	buf    *[]byte
	enc    streamEncoder
	vary   [1]string // the Vary header's value when the response had none
}

func (cw *compressWriter) Header() http.Header { return cw.w.Header() }

func (cw *compressWriter) WriteHeader(code int) {
	if cw.state == cwAborted {
		return
	}
	if cw.state != cwBuffering {
		cw.w.WriteHeader(code) // superfluous or pass-through: let the server judge
		return
	}
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		cw.w.WriteHeader(code) // informational (103 Early Hints): the final status follows
		return
	}
	if cw.status != 0 {
		return
	}
	cw.status = code
	h := cw.w.Header()
	if !bodyAllowed(code) || code == http.StatusPartialContent || headerFirst(h, "Content-Encoding") != "" {
		_ = cw.decide(decidePlain) // nothing buffered yet: no write can fail
		return
	}
	if cl := headerFirst(h, "Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n < int64(cw.m.minSize) {
			_ = cw.decide(decidePlain)
		}
	}
}

func bodyAllowed(code int) bool {
	return code >= 200 && code != http.StatusNoContent && code != http.StatusNotModified
}

func (cw *compressWriter) Write(b []byte) (int, error) {
	switch cw.state {
	case cwCompressing:
		return cw.enc.Write(b)
	case cwPlain:
		return cw.w.Write(b)
	case cwHijacked:
		return 0, http.ErrHijacked
	case cwClosed:
		return 0, errWriteAfterClose
	case cwAborted:
		return 0, errWriteAfterPanic
	}
	if !cw.startBuffering() {
		return cw.Write(b)
	}
	if len(b) == 0 {
		return 0, nil
	}
	buf := *cw.buf
	if len(buf)+len(b) < cw.m.minSize {
		*cw.buf = append(buf, b...)
		return len(b), nil
	}
	// Enough to decide: top the buffer up to the 512 bytes sniffing reads, decide, then
	// send the buffer and the rest of b down the chosen path.
	k := min(len(b), max(0, 512-len(buf)))
	*cw.buf = append(buf, b[:k]...)
	if err := cw.decide(decideSized); err != nil {
		return 0, err
	}
	if _, err := cw.Write(b[k:]); err != nil {
		return k, err
	}
	return len(b), nil
}

// startBuffering makes sure the status is set and the buffer is there, and reports whether
// the writer is still buffering (a WriteHeader may have decided already).
func (cw *compressWriter) startBuffering() bool {
	if cw.status == 0 {
		cw.WriteHeader(http.StatusOK)
		if cw.state != cwBuffering {
			return false
		}
	}
	if cw.buf == nil {
		cw.buf = cw.m.bufs.Get().(*[]byte)
	}
	return true
}

// WriteString writes s without converting it to a byte slice where it can.
func (cw *compressWriter) WriteString(s string) (int, error) {
	switch cw.state {
	case cwPlain:
		return io.WriteString(cw.w, s)
	case cwBuffering:
		if !cw.startBuffering() {
			return cw.WriteString(s)
		}
		if len(*cw.buf)+len(s) < cw.m.minSize {
			*cw.buf = append(*cw.buf, s...)
			return len(s), nil
		}
	}
	return cw.Write([]byte(s))
}

// decide ends buffering: it sends the headers, compressed or not, then the buffered bytes.
// mode tells what is known about the body (see decideSized and the others).
func (cw *compressWriter) decide(mode int) error {
	if cw.status == 0 {
		cw.status = http.StatusOK
	}
	h := cw.w.Header()
	var buf []byte
	if cw.buf != nil {
		buf = *cw.buf
	}
	if mode != decidePlain && cw.shouldCompress(h, buf, mode) {
		if _, ok := h["Content-Type"]; !ok {
			h.Set("Content-Type", http.DetectContentType(buf))
		}
		h.Del("Content-Length")
		h.Set("Content-Encoding", cw.coding.String())
		addVary(h, "Accept-Encoding")
		if etag := headerFirst(h, "Etag"); etag != "" && !strings.HasPrefix(etag, "W/") {
			h.Set("Etag", "W/"+etag)
		}
		cw.state = cwCompressing
		cw.w.WriteHeader(cw.status)
		cw.enc = cw.m.pools[cw.coding].Get().(streamEncoder)
		cw.enc.Reset(cw.w)
	} else {
		cw.state = cwPlain
		cw.w.WriteHeader(cw.status)
	}
	if len(buf) == 0 {
		cw.releaseBuf()
		return nil
	}
	var err error
	if cw.state == cwCompressing {
		_, err = cw.enc.Write(buf)
	} else {
		_, err = cw.w.Write(buf)
	}
	cw.releaseBuf()
	return err
}

func (cw *compressWriter) shouldCompress(h http.Header, buf []byte, mode int) bool {
	if !bodyAllowed(cw.status) || cw.status == http.StatusPartialContent {
		return false
	}
	if headerFirst(h, "Content-Encoding") != "" {
		return false
	}
	for _, v := range h["Cache-Control"] {
		if strings.Contains(strings.ToLower(v), "no-transform") {
			return false
		}
	}
	if mode == decideFinal && (len(buf) == 0 || len(buf) < cw.m.minSize) {
		return false // a short or empty body, complete
	}
	ct, ok := h["Content-Type"]
	switch {
	case ok && len(ct) > 0:
		return cw.m.compressible(ct[0])
	case ok:
		return false // Content-Type: nil means "do not sniff"
	case len(buf) == 0:
		return false // nothing to sniff a type from
	}
	return cw.m.compressible(http.DetectContentType(buf))
}

func (cw *compressWriter) releaseBuf() {
	if cw.buf != nil {
		*cw.buf = (*cw.buf)[:0]
		cw.m.bufs.Put(cw.buf)
		cw.buf = nil
	}
}

// Flush sends what was written so far to the client; see FlushError.
func (cw *compressWriter) Flush() { _ = cw.FlushError() }

// FlushError sends what was written so far to the client. Before MinSize is reached it
// settles the question of compression on the media type alone, since a flushing handler
// is streaming.
func (cw *compressWriter) FlushError() error {
	switch cw.state {
	case cwBuffering:
		if err := cw.decide(decideFlush); err != nil {
			return err
		}
		if cw.state == cwCompressing {
			if err := cw.enc.Flush(); err != nil {
				return err
			}
		}
	case cwCompressing:
		if err := cw.enc.Flush(); err != nil {
			return err
		}
	case cwHijacked:
		return http.ErrHijacked
	case cwClosed:
		return errWriteAfterClose
	case cwAborted:
		return errWriteAfterPanic
	}
	return http.NewResponseController(cw.w).Flush()
}

// Hijack hands the connection to the handler (WebSocket upgrades); anything buffered is
// dropped.
func (cw *compressWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(cw.w).Hijack()
	if err != nil {
		return nil, nil, fmt.Errorf("middleware: hijack: %w", err)
	}
	cw.releaseBuf()
	cw.state = cwHijacked
	return conn, rw, nil
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (cw *compressWriter) Unwrap() http.ResponseWriter { return cw.w }

// close finishes the response after the handler returned: it sends a still-buffered body
// as it is, or ends the compressed stream, and gives the encoder back to its pool.
func (cw *compressWriter) close() error {
	var err error
	switch cw.state {
	case cwBuffering:
		err = cw.decide(decideFinal)
		if cw.state == cwCompressing {
			err = errors.Join(err, cw.enc.Close())
		}
	case cwCompressing:
		err = cw.enc.Close()
	}
	if cw.enc != nil {
		cw.enc.Reset(nil)
		cw.m.pools[cw.coding].Put(cw.enc)
		cw.enc = nil
	}
	cw.releaseBuf()
	if cw.state != cwHijacked {
		cw.state = cwClosed
	}
	return err
}

// abort runs when the handler panicked: nothing buffered is sent, a compressed stream is
// left unfinished, and the writer turns into a pass-through so an error page written by
// the recovery above reaches the client uncompressed (if the response had not started).
// The encoder, in an unknown state, is dropped rather than pooled.
func (cw *compressWriter) abort() {
	cw.releaseBuf()
	cw.enc = nil
	switch cw.state {
	case cwBuffering:
		cw.state = cwPlain
		cw.status = 0
	case cwCompressing:
		cw.state = cwAborted
	}
}

// headerFirst returns the first value of header name, which must be in canonical form: what
// h.Get(name) returns, without canonicalising a constant name on every call.
func headerFirst(h http.Header, name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}
