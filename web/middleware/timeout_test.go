package middleware

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew/web"
)

func TestTimeout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		timeout  time.Duration
		handler  http.HandlerFunc
		wantCode int
		wantBody string
	}{
		{name: "fast", timeout: time.Second, handler: func(w http.ResponseWriter, r *http.Request) {
			if _, ok := r.Context().Deadline(); !ok {
				t.Error("no deadline on the request context")
			}
			_, _ = io.WriteString(w, "done")
		}, wantCode: 200, wantBody: "done"},
		{name: "honours the context", timeout: 10 * time.Millisecond,
			handler: func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
					t.Error("context not cancelled")
				}
			}, wantCode: 503},
		{name: "ignores the timeout", timeout: 10 * time.Millisecond,
			handler: func(w http.ResponseWriter, r *http.Request) {
				time.Sleep(50 * time.Millisecond)
			}, wantCode: 503},
		{name: "ignores the timeout and writes late", timeout: 10 * time.Millisecond,
			handler: func(w http.ResponseWriter, r *http.Request) {
				time.Sleep(50 * time.Millisecond)
				_, _ = io.WriteString(w, "late")
			}, wantCode: 200, wantBody: "late"},
		{name: "answers the timeout itself", timeout: 10 * time.Millisecond,
			handler: func(w http.ResponseWriter, r *http.Request) {
				<-r.Context().Done()
				http.Error(w, "gave up", http.StatusGatewayTimeout)
			}, wantCode: 504, wantBody: "gave up\n"},
		{name: "disabled", timeout: -1, handler: func(w http.ResponseWriter, r *http.Request) {
			if _, ok := r.Context().Deadline(); ok {
				t.Error("deadline set although disabled")
			}
		}, wantCode: 200},
	}
	for _, st := range stacks() {
		for _, tt := range tests {
			t.Run(st.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				h := st.build(tt.handler, Timeout(TimeoutConfig{Timeout: tt.timeout}))
				rec := serve(h, httptest.NewRequest("GET", "/", nil))
				if rec.Code != tt.wantCode {
					t.Errorf("status %d, want %d", rec.Code, tt.wantCode)
				}
				if tt.wantBody != "" && rec.Body.String() != tt.wantBody {
					t.Errorf("body %q, want %q", rec.Body.String(), tt.wantBody)
				}
			})
		}
	}
}

func TestTimeoutDefault(t *testing.T) {
	t.Parallel()
	var left time.Duration
	h := Timeout(TimeoutConfig{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, _ := r.Context().Deadline()
		left = time.Until(d)
	}))
	serve(h, httptest.NewRequest("GET", "/", nil))
	if left < DefaultTimeout-time.Second || left > DefaultTimeout {
		t.Errorf("deadline in %v, want about %v", left, DefaultTimeout)
	}
}

// TestTimeoutSinew checks that a Sinew handler sees the deadline through its Ctx, and that
// a timed-out request gets one problem document, whether the handler returned the
// context's error (answered by the router) or nothing (answered by the middleware).
func TestTimeoutSinew(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	r.Use(RequestID(RequestIDConfig{Generate: func() string { return "slow-1" }}),
		Timeout(TimeoutConfig{Timeout: 10 * time.Millisecond}))
	r.GET("/returns", func(c *web.Ctx) error {
		<-c.Done() // the Ctx is the request's context
		return c.Err()
	})
	r.GET("/silent", func(c *web.Ctx) error {
		select {
		case <-c.Done():
		case <-time.After(5 * time.Second):
			t.Error("Ctx not cancelled")
		}
		return nil
	})
	for _, path := range []string{"/returns", "/silent"} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept", "application/json")
		rec := serve(r, req)
		dec := json.NewDecoder(strings.NewReader(rec.Body.String()))
		var p web.Problem
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("%s: body %q: %v", path, rec.Body.String(), err)
		}
		if dec.More() {
			t.Errorf("%s: more than one answer: %q", path, rec.Body.String())
		}
		if rec.Code != 503 || p.Status != 503 || p.RequestID != "slow-1" {
			t.Errorf("%s: status %d, problem %+v", path, rec.Code, p)
		}
	}
}

// TestTimeoutSinewDeadline checks the deadline a Sinew router's context carries without a
// timer of its own: seen through r.Context() and the Ctx, the shorter of nested timeouts
// winning, and the context made on demand cancelled once the request is over.
func TestTimeoutSinewDeadline(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	r.Use(Timeout(TimeoutConfig{Timeout: time.Hour}))
	var kept context.Context
	r.GET("/outer", func(c *web.Ctx) error {
		d, ok := c.Request.Context().Deadline()
		if left := time.Until(d); !ok || left < 59*time.Minute || left > time.Hour {
			t.Errorf("/outer: deadline in %v (%v), want about an hour", left, ok)
		}
		if c.Err() != nil {
			t.Errorf("/outer: Err %v before the deadline", c.Err())
		}
		kept = c.Request.Context()
		select {
		case <-kept.Done():
			t.Error("/outer: context done during the request")
		default:
		}
		return c.Text(200, "ok")
	})
	g := r.Group("/inner")
	g.Use(Timeout(TimeoutConfig{Timeout: 10 * time.Millisecond}))
	g.GET("/wait", func(c *web.Ctx) error {
		d, ok := c.Deadline()
		if left := time.Until(d); !ok || left > 10*time.Millisecond {
			t.Errorf("/inner/wait: deadline in %v (%v), want at most 10ms", left, ok)
		}
		select {
		case <-c.Done():
		case <-time.After(5 * time.Second):
			t.Error("/inner/wait: not cancelled by the inner timeout")
		}
		return nil
	})
	for _, tt := range []struct {
		path string
		want int
	}{{"/outer", 200}, {"/inner/wait", 503}} {
		rec := serve(r, httptest.NewRequest("GET", tt.path, nil))
		if rec.Code != tt.want {
			t.Errorf("%s: status %d, want %d", tt.path, rec.Code, tt.want)
		}
	}
	if err := kept.Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("context of a finished request: Err %v, want context.Canceled", err)
	}
}

func TestTimeoutClientGone(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	h := Timeout(TimeoutConfig{Timeout: time.Hour})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	}))
	rec := serve(h, httptest.NewRequest("GET", "/", nil).WithContext(ctx))
	if rec.Code != 200 || rec.Body.Len() != 0 {
		t.Errorf("a cancelled (not timed-out) request was answered: %d %q", rec.Code, rec.Body.String())
	}
}

func TestTimeoutSkipsLongLived(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		cfg      TimeoutConfig
		headers  map[string]string
		deadline bool
	}{
		{"normal", TimeoutConfig{}, nil, true},
		{"websocket", TimeoutConfig{}, map[string]string{"Connection": "keep-alive, Upgrade", "Upgrade": "websocket"}, false},
		{"event stream", TimeoutConfig{}, map[string]string{"Accept": "Text/Event-Stream"}, false},
		{"html", TimeoutConfig{}, map[string]string{"Accept": "text/html", "Connection": "keep-alive"}, true},
		{"custom skip", TimeoutConfig{Skip: func(r *http.Request) bool { return r.URL.Path == "/export" }},
			map[string]string{"Accept": "text/event-stream"}, true},
	}
	for _, st := range stacks() {
		for _, tt := range tests {
			t.Run(st.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				var has bool
				h := st.build(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					_, has = r.Context().Deadline()
				}), Timeout(tt.cfg))
				req := httptest.NewRequest("GET", "/", nil)
				for k, v := range tt.headers {
					req.Header.Set(k, v)
				}
				serve(h, req)
				if has != tt.deadline {
					t.Errorf("deadline %v, want %v", has, tt.deadline)
				}
			})
		}
	}
}
