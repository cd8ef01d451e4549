package middleware

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew/web"
)

// reader answers 200 with the body length, or 413 when reading it fails with a
// *http.MaxBytesError, as a careful plain handler would.
func reader() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprint(w, len(b))
	})
}

// onlyReader hides a body's concrete type, so net/http cannot learn its length.
type onlyReader struct{ io.Reader }

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		limit      int64
		body       func() io.Reader
		length     int64 // Content-Length as sent (may lie); -1 for chunked
		wantCode   int
		wantBody   string
		notReached bool // the handler must not run
	}{
		{name: "within", limit: 10, body: func() io.Reader { return strings.NewReader("0123456789") }, length: 10, wantCode: 200, wantBody: "10"},
		{name: "empty", limit: 10, body: func() io.Reader { return http.NoBody }, length: 0, wantCode: 200, wantBody: "0"},
		{name: "declared too large", limit: 10, body: func() io.Reader { return strings.NewReader("0123456789x") }, length: 11,
			wantCode: 413, notReached: true},
		{name: "lying Content-Length", limit: 10, body: func() io.Reader { return strings.NewReader(strings.Repeat("x", 5000)) }, length: 5,
			wantCode: 413},
		{name: "chunked within", limit: 10, body: func() io.Reader { return onlyReader{strings.NewReader("abc")} }, length: -1,
			wantCode: 200, wantBody: "3"},
		{name: "chunked over", limit: 10, body: func() io.Reader { return onlyReader{strings.NewReader(strings.Repeat("x", 11))} }, length: -1,
			wantCode: 413},
		{name: "default limit", body: func() io.Reader { return onlyReader{bytes.NewReader(make([]byte, DefaultBodyLimit+1))} }, length: -1,
			wantCode: 413},
		{name: "default limit declared", body: func() io.Reader { return http.NoBody }, length: DefaultBodyLimit + 1, wantCode: 413, notReached: true},
		{name: "no limit", limit: -1, body: func() io.Reader { return onlyReader{bytes.NewReader(make([]byte, DefaultBodyLimit+1))} }, length: -1,
			wantCode: 200, wantBody: fmt.Sprint(DefaultBodyLimit + 1)},
	}
	for _, st := range stacks() {
		for _, tt := range tests {
			t.Run(st.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				reached := false
				h := st.build(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					reached = true
					reader().ServeHTTP(w, r)
				}), BodyLimit(BodyLimitConfig{Limit: tt.limit}))
				req := httptest.NewRequest("POST", "/", tt.body())
				req.ContentLength = tt.length
				if tt.name == "default limit declared" {
					req.Body = io.NopCloser(strings.NewReader("small"))
				}
				rec := serve(h, req)
				if rec.Code != tt.wantCode {
					t.Errorf("status %d, want %d", rec.Code, tt.wantCode)
				}
				if tt.wantBody != "" && rec.Body.String() != tt.wantBody {
					t.Errorf("body %q, want %q", rec.Body.String(), tt.wantBody)
				}
				if reached == tt.notReached {
					t.Errorf("handler reached: %v", reached)
				}
			})
		}
	}
}

// TestBodyLimitSinew checks both 413 paths through the router's error handler: at once for
// a declared length, and from a handler's failed read.
func TestBodyLimitSinew(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	r.Use(BodyLimit(BodyLimitConfig{Limit: 16}))
	r.POST("/", func(c *web.Ctx) error {
		var v struct {
			A any `json:"a"`
		}
		if err := c.Bind(&v); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, v)
	})
	for _, tc := range []struct {
		name   string
		body   io.Reader
		length int64
		code   int
	}{
		{"declared", strings.NewReader(`{"a":"0123456789abcdef"}`), 24, 413},
		{"chunked", onlyReader{strings.NewReader(`{"a":"0123456789abcdef"}`)}, -1, 413},
		{"lying", strings.NewReader(`{"a":"0123456789abcdef"}`), 10, 413},
		{"fits", strings.NewReader(`{"a":1}`), 7, 200},
	} {
		req := httptest.NewRequest("POST", "/", tc.body)
		req.ContentLength = tc.length
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		rec := serve(r, req)
		if rec.Code != tc.code {
			t.Errorf("%s: status %d, want %d: %s", tc.name, rec.Code, tc.code, rec.Body.String())
			continue
		}
		if tc.code == 413 {
			var p web.Problem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != 413 ||
				rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: problem %+v (%v)", tc.name, p, err)
			}
		}
	}
}

// TestBodyLimitRealServer sends over-limit bodies on a real connection: declared, and
// chunked.
func TestBodyLimitRealServer(t *testing.T) {
	t.Parallel()
	for _, st := range stacks() {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(st.build(reader(), BodyLimit(BodyLimitConfig{Limit: 1 << 10})))
			defer srv.Close()
			for _, chunked := range []bool{false, true} {
				var body io.Reader = bytes.NewReader(make([]byte, 64<<10))
				if chunked {
					body = onlyReader{body}
				}
				res, err := srv.Client().Post(srv.URL, "application/octet-stream", body)
				if err != nil {
					// The server may close the connection while the client still sends.
					var ne net.Error
					if errors.As(err, &ne) || strings.Contains(err.Error(), "connection reset") ||
						strings.Contains(err.Error(), "broken pipe") {
						continue
					}
					t.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusRequestEntityTooLarge {
					t.Errorf("chunked=%v: status %d", chunked, res.StatusCode)
				}
			}
			// A raw request whose Content-Length lies short: the server reads only what it
			// declares, so the limit is never reached and the rest is a malformed next request.
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n%s\r\n\r\n", strings.Repeat("y", 4096))
			reply, _ := io.ReadAll(conn)
			if !strings.HasPrefix(string(reply), "HTTP/1.1 200 OK") || !strings.Contains(string(reply), "\r\n\r\n3") ||
				!strings.Contains(string(reply), "HTTP/1.1 400 Bad Request") {
				t.Errorf("reply %q", reply)
			}
		})
	}
}
