package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestBeforeWriteHeader: the hooks run once, in order, just before the header goes out,
// whichever way it goes out, and see what the handler set.
func TestBeforeWriteHeader(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		handle func(c *Ctx) error
		status int
	}{
		{"WriteHeader", func(c *Ctx) error { c.Writer.WriteHeader(http.StatusCreated); return nil }, http.StatusCreated},
		{"Write", func(c *Ctx) error { _, err := c.Writer.Write([]byte("x")); return err }, http.StatusOK},
		{"Text", func(c *Ctx) error { return c.Text(http.StatusAccepted, "x") }, http.StatusAccepted},
		{"Flush", func(c *Ctx) error { c.Writer.(http.Flusher).Flush(); return nil }, http.StatusOK},
		{"nothing written", func(c *Ctx) error { return nil }, http.StatusOK},
		{"error", func(c *Ctx) error { return ErrNotFound }, http.StatusNotFound},
		// The recorder cannot be hijacked: the hooks wait for the answer sent instead.
		{"hijack refused", func(c *Ctx) error {
			if _, _, err := http.NewResponseController(c.Writer).Hijack(); err == nil {
				return errors.New("the recorder was hijacked")
			}
			return c.Text(http.StatusAccepted, "x")
		}, http.StatusAccepted},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewRouter(Config{})
			var calls []string
			r.Use(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
					c := CtxFrom(req)
					for _, name := range []string{"a", "b"} {
						if !c.BeforeWriteHeader(func(h http.Header, status int) {
							calls = append(calls, name+":"+h.Get("X-Handler")+":"+http.StatusText(status))
							h.Set("X-Hook-"+name, "1")
						}) {
							t.Error("hook refused")
						}
					}
					next.ServeHTTP(w, req)
				})
			})
			r.GET("/", func(c *Ctx) error {
				c.SetHeader("X-Handler", "set")
				return tt.handle(c)
			})
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			want := "a:set:" + http.StatusText(tt.status) + ",b:set:" + http.StatusText(tt.status)
			if got := strings.Join(calls, ","); got != want {
				t.Errorf("hooks ran %q, want %q", got, want)
			}
			if rec.Code != tt.status || rec.Header().Get("X-Hook-a") != "1" || rec.Header().Get("X-Hook-b") != "1" {
				t.Errorf("status %d, headers %v", rec.Code, rec.Header())
			}
		})
	}
}

// TestBeforeWriteHeaderLimits: four hooks at most, none once the header is out.
func TestBeforeWriteHeaderLimits(t *testing.T) {
	t.Parallel()
	r := NewRouter(Config{})
	r.GET("/", func(c *Ctx) error {
		noop := func(http.Header, int) {}
		for i := range 4 {
			if !c.BeforeWriteHeader(noop) {
				t.Errorf("hook %d refused", i+1)
			}
		}
		if c.BeforeWriteHeader(noop) {
			t.Error("a fifth hook accepted")
		}
		err := c.Text(http.StatusOK, "x")
		if c.BeforeWriteHeader(noop) {
			t.Error("a hook accepted after the header went out")
		}
		return err
	})
	for range 2 { // the pooled Ctx starts the next request with no hooks
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if rec.Code != http.StatusOK {
			t.Fatal(rec.Code)
		}
	}
}

// TestBeforeWriteHeaderHijack: a handler that takes over the connection runs the hooks
// first, once, with status 101, over a real connection.
func TestBeforeWriteHeaderHijack(t *testing.T) {
	t.Parallel()
	r := NewRouter(Config{})
	calls := make(chan int, 2) // the server's goroutine sends, the test reads
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			CtxFrom(req).BeforeWriteHeader(func(_ http.Header, status int) { calls <- status })
			next.ServeHTTP(w, req)
		})
	})
	r.GET("/", func(c *Ctx) error {
		conn, buf, err := http.NewResponseController(c.Writer).Hijack()
		if err != nil {
			return err
		}
		defer conn.Close()
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
		return buf.Flush()
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	srv.Close() // waits for the handler
	close(calls)
	var got []int
	for s := range calls {
		got = append(got, s)
	}
	if res.StatusCode != http.StatusOK || len(got) != 1 || got[0] != http.StatusSwitchingProtocols {
		t.Errorf("status %d, hooks ran with %v; want one call with 101", res.StatusCode, got)
	}
}
