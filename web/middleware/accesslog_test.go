package middleware

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/web"
)

func TestAccessLog(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		wantLevel string
		status    float64
		bytes     float64
	}{
		{"ok", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "hello") }, "INFO", 200, 5},
		{"empty body", func(w http.ResponseWriter, r *http.Request) {}, "INFO", 200, 0},
		{"redirect", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusFound)
		}, "INFO", 302, 0},
		{"client error", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "nope", http.StatusNotFound)
		}, "WARN", 404, 5},
		{"server error", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
		}, "ERROR", 502, 0},
	}
	for _, st := range stacks() {
		for _, tt := range tests {
			t.Run(st.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				logger, logs := newLogger()
				h := st.build(tt.handler,
					RequestID(RequestIDConfig{Generate: func() string { return "rid" }}),
					AccessLog(AccessLogConfig{Logger: logger}))
				req := httptest.NewRequest("GET", "/items/7?token=secret", nil)
				req.RemoteAddr = "192.0.2.9:4321"
				req.Header.Set("User-Agent", "probe/1.0")
				serve(h, req)
				recs := logs.records(t)
				if len(recs) != 1 {
					t.Fatalf("%d records, want 1", len(recs))
				}
				rec := recs[0]
				want := map[string]any{
					"level": tt.wantLevel, "msg": "request", "method": "GET", "path": "/items/7",
					"status": tt.status, "bytes": tt.bytes, "ip": "192.0.2.9",
					"request_id": "rid", "user_agent": "probe/1.0",
				}
				if st.sinew {
					want["route"] = "/{path...}"
				}
				for k, v := range want {
					if rec[k] != v {
						t.Errorf("%s = %v, want %v", k, rec[k], v)
					}
				}
				if _, ok := rec["duration"].(float64); !ok {
					t.Errorf("duration missing: %v", rec)
				}
				for k, v := range rec {
					if s, ok := v.(string); ok && strings.Contains(s, "secret") {
						t.Errorf("%s logs the query string: %q", k, s)
					}
				}
			})
		}
	}
}

func TestAccessLogRouteAndCtxValues(t *testing.T) {
	t.Parallel()
	logger, logs := newLogger()
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	r.Use(AccessLog(AccessLogConfig{Logger: logger}))
	r.GET("/posts/{id}", func(c *web.Ctx) error {
		c.SetClientIP("203.0.113.5")
		return c.Text(http.StatusOK, "post")
	})
	r.GET("/fail", func(c *web.Ctx) error { return errors.New("boom") })
	serve(r, httptest.NewRequest("GET", "/posts/42", nil))
	serve(r, httptest.NewRequest("GET", "/nowhere", nil))
	serve(r, httptest.NewRequest("GET", "/fail", nil))
	recs := logs.records(t)
	if len(recs) != 3 {
		t.Fatalf("%d records: %v", len(recs), recs)
	}
	if recs[0]["route"] != "/posts/{id}" || recs[0]["ip"] != "203.0.113.5" || recs[0]["bytes"] != 4.0 {
		t.Errorf("matched route: %v", recs[0])
	}
	if _, ok := recs[1]["route"]; ok || recs[1]["status"] != 404.0 || recs[1]["level"] != "WARN" {
		t.Errorf("unmatched route: %v", recs[1])
	}
	if recs[2]["status"] != 500.0 || recs[2]["level"] != "ERROR" {
		t.Errorf("handler error: %v", recs[2])
	}
}

func TestAccessLogDefaultsToRouterLogger(t *testing.T) {
	t.Parallel()
	logger, logs := newLogger()
	r := web.NewRouter(web.Config{Logger: logger})
	r.Use(AccessLog(AccessLogConfig{Message: "http"}))
	r.GET("/", func(c *web.Ctx) error { return nil })
	serve(r, httptest.NewRequest("GET", "/", nil))
	recs := logs.records(t)
	if len(recs) != 1 || recs[0]["msg"] != "http" {
		t.Fatalf("records: %v", recs)
	}
}

func TestAccessLogSkip(t *testing.T) {
	t.Parallel()
	for _, st := range stacks() {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			logger, logs := newLogger()
			h := st.build(ok(), AccessLog(AccessLogConfig{Logger: logger,
				Skip: func(r *http.Request, status int) bool { return r.URL.Path == "/healthz" && status == 200 }}))
			serve(h, httptest.NewRequest("GET", "/healthz", nil))
			serve(h, httptest.NewRequest("GET", "/other", nil))
			recs := logs.records(t)
			if len(recs) != 1 || recs[0]["path"] != "/other" {
				t.Errorf("records: %v", recs)
			}
		})
	}
}

func TestAccessLogLevelFiltered(t *testing.T) {
	t.Parallel()
	b := &logBuffer{}
	logger := slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelWarn}))
	for _, st := range stacks() {
		h := st.build(ok(), AccessLog(AccessLogConfig{Logger: logger}))
		serve(h, httptest.NewRequest("GET", "/", nil))
	}
	if recs := b.records(t); len(recs) != 0 {
		t.Errorf("info records written below the level: %v", recs)
	}
}

func TestAccessLogPanic(t *testing.T) {
	t.Parallel()
	boom := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	for _, st := range stacks() {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			logger, logs := newLogger()
			// The Sinew router recovers by itself; the plain stack needs Recover outside.
			h := st.build(boom, Recover(RecoverConfig{Logger: discardLogger()}),
				AccessLog(AccessLogConfig{Logger: logger}))
			rec := serve(h, httptest.NewRequest("GET", "/", nil))
			if rec.Code != http.StatusInternalServerError {
				t.Errorf("status %d", rec.Code)
			}
			recs := logs.records(t)
			if len(recs) != 1 || recs[0]["panic"] != true || recs[0]["status"] != 500.0 ||
				recs[0]["level"] != "ERROR" {
				t.Errorf("records: %v", recs)
			}
		})
	}
}

func TestHostOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"192.0.2.1:80": "192.0.2.1", "[2001:db8::1]:443": "2001:db8::1", "192.0.2.1": "192.0.2.1",
		"2001:db8::1": "2001:db8::1", "[::1]": "::1", "": "", "@": "@", "[broken": "[broken",
	} {
		if got := hostOf(in); got != want {
			t.Errorf("hostOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAccessLogRequestIDInside(t *testing.T) {
	t.Parallel()
	for _, st := range stacks() {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			logger, logs := newLogger()
			h := st.build(ok(), AccessLog(AccessLogConfig{Logger: logger}),
				RequestID(RequestIDConfig{Generate: func() string { return "inner" }}))
			serve(h, httptest.NewRequest("GET", "/", nil))
			if recs := logs.records(t); len(recs) != 1 || recs[0]["request_id"] != "inner" {
				t.Errorf("records: %v", recs)
			}
		})
	}
}
