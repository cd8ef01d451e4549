package web

import (
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
