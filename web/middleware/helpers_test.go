package middleware

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sinewdev/sinew/web"
)

// stack is one way of serving a handler behind middleware: a Sinew router (with the
// middleware registered globally with Use) or a plain http.ServeMux wrapped by hand.
type stack struct {
	name  string
	sinew bool
	build func(h http.Handler, mw ...web.Middleware) http.Handler
}

// stacks returns both stacks every middleware must work in.
func stacks() []stack {
	return []stack{
		{name: "sinew", sinew: true, build: func(h http.Handler, mw ...web.Middleware) http.Handler {
			r := web.NewRouter(web.Config{Logger: discardLogger()})
			r.Use(mw...)
			r.HandleHTTP("/{path...}", h)
			return r
		}},
		{name: "plain", build: func(h http.Handler, mw ...web.Middleware) http.Handler {
			mux := http.NewServeMux()
			mux.Handle("/", h)
			var out http.Handler = mux
			for i := len(mw) - 1; i >= 0; i-- {
				out = mw[i](out)
			}
			return out
		}},
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// serve runs req through h and returns the recorded response.
func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// ok is a handler that answers 200 "ok".
func ok() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok")
	})
}

// logBuffer collects JSON log records.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// records parses the collected records.
func (b *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// newLogger returns a JSON logger at Debug level writing to a new logBuffer.
func newLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// mustPanic calls f and returns the panic value's text, failing if f does not panic.
func mustPanic(t *testing.T, f func()) (msg string) {
	t.Helper()
	defer func() {
		v := recover()
		if v == nil {
			t.Fatal("no panic")
		}
		msg, _ = v.(string)
	}()
	f()
	return ""
}
