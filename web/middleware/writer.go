package middleware

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
)

// recorder wraps a ResponseWriter in plain net/http stacks to learn the status and the
// number of body bytes written; inside a Sinew router the Ctx already knows both. It keeps
// Flush, Hijack and ReadFrom working, and Unwrap serves http.ResponseController.
type recorder struct {
	w      http.ResponseWriter
	status int
	size   int64
}

func (rw *recorder) Header() http.Header { return rw.w.Header() }

func (rw *recorder) WriteHeader(code int) {
	if rw.status == 0 && (code < 100 || code > 199 || code == http.StatusSwitchingProtocols) {
		rw.status = code
	}
	rw.w.WriteHeader(code)
}

func (rw *recorder) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.w.Write(b)
	rw.size += int64(n)
	return n, err
}

// WriteString avoids converting s to a byte slice when the underlying writer can.
func (rw *recorder) WriteString(s string) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := io.WriteString(rw.w, s)
	rw.size += int64(n)
	return n, err
}

// ReadFrom keeps the server's sendfile path for io.Copy.
func (rw *recorder) ReadFrom(src io.Reader) (int64, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
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

// writerOnly hides ReadFrom so that io.Copy does not call back into it.
type writerOnly struct{ io.Writer }

// Unwrap returns the wrapped writer, for http.ResponseController.
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.w }

// Flush sends buffered data to the client.
func (rw *recorder) Flush() { _ = rw.FlushError() }

// FlushError sends buffered data to the client and reports whether that worked.
func (rw *recorder) FlushError() error {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	return http.NewResponseController(rw.w).Flush()
}

// Hijack hands the connection to the handler (WebSocket upgrades).
func (rw *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, buf, err := http.NewResponseController(rw.w).Hijack()
	if err != nil {
		return nil, nil, fmt.Errorf("middleware: hijack: %w", err)
	}
	if rw.status == 0 {
		rw.status = http.StatusSwitchingProtocols
	}
	return conn, buf, nil
}
