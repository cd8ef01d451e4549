package middleware

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/web"
)

func TestRecover(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		wantCode  int
		wantAbort bool // the panic continues as http.ErrAbortHandler
	}{
		{"panic before writing", func(w http.ResponseWriter, r *http.Request) { panic("boom") }, 500, false},
		{"panic with an error", func(w http.ResponseWriter, r *http.Request) { panic(io.ErrUnexpectedEOF) }, 500, false},
		{"panic after writing", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "partial")
			panic("boom")
		}, 200, true},
		{"abort handler", func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) }, 0, true},
		{"no panic", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "fine") }, 200, false},
	}
	for _, st := range stacks() {
		for _, tt := range tests {
			t.Run(st.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				logger, logs := newLogger()
				var h http.Handler
				if st.sinew {
					r := web.NewRouter(web.Config{Logger: logger})
					r.Use(Recover(RecoverConfig{}))
					r.HandleHTTP("/{path...}", tt.handler)
					h = r
				} else {
					h = st.build(tt.handler, Recover(RecoverConfig{Logger: logger}))
				}
				rec := httptest.NewRecorder()
				aborted := func() (aborted bool) {
					defer func() {
						if v := recover(); v != nil {
							if v != http.ErrAbortHandler {
								t.Fatalf("panic %v escaped", v)
							}
							aborted = true
						}
					}()
					h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
					return false
				}()
				if aborted != tt.wantAbort {
					t.Errorf("aborted = %v, want %v", aborted, tt.wantAbort)
				}
				if tt.wantCode != 0 && rec.Code != tt.wantCode {
					t.Errorf("status %d, want %d", rec.Code, tt.wantCode)
				}
				if tt.wantCode == 500 && strings.Contains(rec.Body.String(), "boom") {
					t.Errorf("panic value shown to the client: %q", rec.Body.String())
				}
				if tt.name == "no panic" || tt.name == "abort handler" {
					return
				}
				var found bool
				for _, r := range logs.records(t) {
					if stack, _ := r["stack"].(string); strings.Contains(stack, "recover_test.go") {
						found = true
					}
				}
				if !found {
					t.Errorf("no log record with the stack: %v", logs.records(t))
				}
			})
		}
	}
}

func TestRecoverSinewErrorPath(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	r.Use(RequestID(RequestIDConfig{Generate: func() string { return "rid-9" }}), Recover(RecoverConfig{}))
	r.GET("/", func(c *web.Ctx) error { panic("boom") })
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept", "application/json")
	rec := serve(r, req)
	var p web.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("body %q: %v", rec.Body.String(), err)
	}
	if rec.Code != 500 || p.Status != 500 || p.RequestID != "rid-9" ||
		rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("status %d, problem %+v", rec.Code, p)
	}
}

// TestRecoverRealServer checks that a panic neither kills the server nor the next request.
func TestRecoverRealServer(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })
	srv := httptest.NewServer(Recover(RecoverConfig{Logger: discardLogger()})(mux))
	defer srv.Close()
	for _, tc := range []struct {
		path string
		code int
	}{{"/panic", 500}, {"/ok", 200}, {"/panic", 500}, {"/ok", 200}} {
		res, err := srv.Client().Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != tc.code {
			t.Errorf("%s: status %d, want %d", tc.path, res.StatusCode, tc.code)
		}
	}
}
