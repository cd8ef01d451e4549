package router

import "net/http"

// DiscardWriter is an http.ResponseWriter that throws the response body away
// and only remembers the status code and the number of bytes written. One
// DiscardWriter is reused across all requests of a benchmark, so the harness
// adds no allocation of its own (httptest.NewRecorder would allocate a
// recorder, a header map and a buffer per request).
type DiscardWriter struct {
	header http.Header
	status int
	n      int64
}

// NewDiscardWriter returns an empty DiscardWriter, ready to use.
func NewDiscardWriter() *DiscardWriter {
	return &DiscardWriter{header: make(http.Header)}
}

// Header returns the writer's header map, the same map on every call.
func (w *DiscardWriter) Header() http.Header { return w.header }

// Write discards p and reports it fully written.
func (w *DiscardWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// WriteString discards s and reports it fully written; io.WriteString uses
// it, so writing a string does not convert it to a byte slice.
func (w *DiscardWriter) WriteString(s string) (int, error) {
	w.n += int64(len(s))
	return len(s), nil
}

// WriteHeader records the status code.
func (w *DiscardWriter) WriteHeader(code int) { w.status = code }

// Status returns the last status code passed to WriteHeader, or 0 if
// WriteHeader was not called since the last Reset.
func (w *DiscardWriter) Status() int { return w.status }

// Written returns the number of body bytes written since the last Reset.
func (w *DiscardWriter) Written() int64 { return w.n }

// Reset forgets the status code, the byte count and every header.
func (w *DiscardWriter) Reset() {
	clear(w.header)
	w.status = 0
	w.n = 0
}
