package web

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
)

// responseWriter wraps the server's http.ResponseWriter to record the status and the number
// of body bytes written. It lives inside the pooled Ctx, so wrapping costs no allocation.
// It supports http.ResponseController through Unwrap, and Flush, Hijack and ReadFrom.
type responseWriter struct {
	w      http.ResponseWriter
	status int
	size   int64
	hooks  [maxHeaderHooks]func(h http.Header, status int) // see Ctx.BeforeWriteHeader
	nhooks int8                                            // hooks registered; -1 once they ran
}

// maxHeaderHooks is how many BeforeWriteHeader hooks one request may register.
const maxHeaderHooks = 4

// beforeHeader runs the hooks, once, just before the header goes out with status code.
func (rw *responseWriter) beforeHeader(code int) {
	if rw.nhooks <= 0 {
		return
	}
	n := rw.nhooks
	rw.nhooks = -1
	h := rw.w.Header()
	for i := range n {
		rw.hooks[i](h, code)
	}
}

// implicitOK records the 200 that net/http sends when the body starts (or a flush comes)
// before any WriteHeader, and runs the hooks first. The caller has checked status is 0.
func (rw *responseWriter) implicitOK() {
	rw.status = http.StatusOK
	rw.beforeHeader(http.StatusOK)
}

func (rw *responseWriter) Header() http.Header { return rw.w.Header() }

func (rw *responseWriter) WriteHeader(code int) {
	if rw.status != 0 {
		return // superfluous; net/http would log it
	}
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		rw.w.WriteHeader(code) // informational: the final status is still to come
		return
	}
	rw.status = code
	rw.beforeHeader(code)
	rw.w.WriteHeader(code)
}

func (rw *responseWriter) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.implicitOK()
	}
	n, err := rw.w.Write(b)
	rw.size += int64(n)
	return n, err
}

// WriteString writes s without converting it to a byte slice when the server supports it.
func (rw *responseWriter) WriteString(s string) (int, error) {
	if rw.status == 0 {
		rw.implicitOK()
	}
	n, err := io.WriteString(rw.w, s)
	rw.size += int64(n)
	return n, err
}

// ReadFrom lets io.Copy use the server's sendfile path for files.
func (rw *responseWriter) ReadFrom(src io.Reader) (int64, error) {
	if rw.status == 0 {
		rw.implicitOK()
	}
	var n int64
	var err error
	if rf, ok := rw.w.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(src)
	} else {
		n, err = io.Copy(writerOnly{rw.w}, src)
	}
	rw.size += n
	return n, err
}

// writerOnly hides ReadFrom so io.Copy does not recurse.
type writerOnly struct{ io.Writer }

// Unwrap returns the server's writer, for http.ResponseController.
func (rw *responseWriter) Unwrap() http.ResponseWriter { return rw.w }

// Flush sends buffered data to the client.
func (rw *responseWriter) Flush() {
	if rw.status == 0 {
		rw.implicitOK()
	}
	_ = http.NewResponseController(rw.w).Flush()
}

// Hijack lets the handler take over the connection (WebSocket upgrades). Once it has, the
// BeforeWriteHeader hooks that have not run yet run with status 101: what they add to the
// header is not sent (the handler writes its own), but a hook that must act before the
// exchange goes on, such as saving a session, still does. When the hijack fails, the hooks
// wait for the response the handler sends instead.
func (rw *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, buf, err := http.NewResponseController(rw.w).Hijack()
	if err != nil {
		return nil, nil, fmt.Errorf("web: hijack: %w", err)
	}
	if rw.status == 0 {
		rw.status = http.StatusSwitchingProtocols
		rw.beforeHeader(http.StatusSwitchingProtocols)
	}
	return conn, buf, nil
}
