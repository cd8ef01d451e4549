package observe_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew/observe"
)

func TestGuard(t *testing.T) {
	t.Parallel()
	basic := func(user, pw string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pw))
	}
	tests := []struct {
		name   string
		guard  observe.Guard
		remote string
		auth   string
		url    string
		want   bool
	}{
		{"anonymous", observe.Guard{Token: testToken}, "10.0.0.1:5000", "", "/metrics", false},
		{"zero guard refuses everyone", observe.Guard{}, "127.0.0.1:5000", "Bearer ", "/metrics", false},
		{"bearer", observe.Guard{Token: testToken}, "10.0.0.1:5000", "Bearer " + testToken, "/metrics", true},
		{"bearer lower case", observe.Guard{Token: testToken}, "10.0.0.1:5000", "bearer " + testToken, "/metrics", true},
		{"wrong token", observe.Guard{Token: testToken}, "10.0.0.1:5000", "Bearer " + testToken + "x", "/metrics", false},
		{"prefix of the token", observe.Guard{Token: testToken}, "10.0.0.1:5000", "Bearer " + testToken[:10], "/metrics", false},
		{"empty bearer", observe.Guard{Token: testToken}, "10.0.0.1:5000", "Bearer ", "/metrics", false},
		{"basic password", observe.Guard{Token: testToken}, "10.0.0.1:5000", basic("ops", testToken), "/metrics", true},
		{"basic wrong password", observe.Guard{Token: testToken}, "10.0.0.1:5000", basic(testToken, "x"), "/metrics", false},
		{"malformed basic", observe.Guard{Token: testToken}, "10.0.0.1:5000", "Basic %%%", "/metrics", false},
		{"token in the query string", observe.Guard{Token: testToken}, "10.0.0.1:5000", "", "/metrics?token=" + testToken, false},
		{"huge header", observe.Guard{Token: testToken}, "10.0.0.1:5000", "Bearer " + strings.Repeat("A", 60000), "/metrics", false},
		{"loopback allowed", observe.Guard{AllowLoopback: true}, "127.0.0.1:5000", "", "/metrics", true},
		{"ipv6 loopback allowed", observe.Guard{AllowLoopback: true}, "[::1]:5000", "", "/metrics", true},
		{"loopback not allowed", observe.Guard{Token: testToken}, "127.0.0.1:5000", "", "/metrics", false},
		{"remote with loopback allowed", observe.Guard{AllowLoopback: true}, "192.168.1.9:5000", "", "/metrics", false},
		{"garbage remote", observe.Guard{AllowLoopback: true}, "not-an-address", "", "/metrics", false},
		{"authorize", observe.Guard{Authorize: func(r *http.Request) bool { return r.Header.Get("X-Staff") == "yes" }}, "10.0.0.1:5000", "", "/metrics", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := tc.guard.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
			req := httptest.NewRequest("GET", tc.url, nil)
			req.RemoteAddr = tc.remote
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if got := rec.Code == http.StatusTeapot; got != tc.want {
				t.Fatalf("allowed = %v (status %d), want %v", got, rec.Code, tc.want)
			}
			if !tc.want && (rec.Code != http.StatusUnauthorized || !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Basic")) {
				t.Errorf("refusal: %d %q", rec.Code, rec.Header().Get("WWW-Authenticate"))
			}
		})
	}
}

func TestOpsEndpointsRefuseAnonymous(t *testing.T) {
	t.Parallel()
	base := serve(t, newApp(t, newObserver(t)))
	for _, path := range []string{"/metrics", "/ops", "/ops/loglevel", "/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/goroutine?debug=2"} {
		code, body := do(t, "GET", base+path, "", nil)
		if code != http.StatusUnauthorized || strings.Contains(body, "goroutine") || strings.Contains(body, "sinew_http") {
			t.Errorf("anonymous GET %s: %d %.80q", path, code, body)
		}
		if code, _ := do(t, "GET", base+path, "wrong", nil); code != http.StatusUnauthorized {
			t.Errorf("GET %s with a wrong token: %d", path, code)
		}
	}
	if code, _ := do(t, "PUT", base+"/ops/loglevel", "", strings.NewReader(`{"level":"debug"}`), "Content-Type", "application/json"); code != http.StatusUnauthorized {
		t.Errorf("anonymous level change: %d", code)
	}
}

func TestLogLevelEndpoint(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	h := observe.NewLogHandler(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}), slog.LevelInfo)
	logger := slog.New(h)
	o := newObserver(t)
	mux := o.OpsHandler(observe.OpsConfig{Guard: observe.Guard{Token: testToken}, Level: h.Level(), Logger: logger})
	base := serve(t, mux)

	logger.Debug("hidden before")
	tests := []struct {
		name, method, ctype, body string
		wantCode                  int
		wantLevel                 slog.Level
	}{
		{"json", "PUT", "application/json", `{"level":"debug"}`, 200, slog.LevelDebug},
		{"form", "POST", "application/x-www-form-urlencoded", "level=warn", 200, slog.LevelWarn},
		{"offset", "PUT", "application/json", `{"level":"error+2"}`, 200, slog.LevelError + 2},
		{"upper case", "PUT", "application/json", `{"level":"INFO"}`, 200, slog.LevelInfo},
		{"unknown level", "PUT", "application/json", `{"level":"loud"}`, 400, slog.LevelInfo},
		{"missing", "PUT", "application/json", `{}`, 400, slog.LevelInfo},
		{"malformed json", "PUT", "application/json", `{"level":`, 400, slog.LevelInfo},
		{"wrong type", "PUT", "application/json", `{"level":3}`, 400, slog.LevelInfo},
		{"oversized", "PUT", "application/json", `{"level":"` + strings.Repeat("d", 5000) + `"}`, 400, slog.LevelInfo},
		{"oversized form", "POST", "application/x-www-form-urlencoded", "level=" + strings.Repeat("d", 5000), 400, slog.LevelInfo},
		{"hostile", "PUT", "application/json", `{"level":"<script>\u0000"}`, 400, slog.LevelInfo},
	}
	for _, tc := range tests {
		code, body := do(t, tc.method, base+"/ops/loglevel", testToken, strings.NewReader(tc.body), "Content-Type", tc.ctype)
		if code != tc.wantCode {
			t.Errorf("%s: %d %s, want %d", tc.name, code, body, tc.wantCode)
		}
		if got := h.Level().Level(); got != tc.wantLevel {
			t.Errorf("%s: level %v, want %v", tc.name, got, tc.wantLevel)
		}
		if code == 400 && strings.Contains(body, "<script>") {
			t.Errorf("%s: the answer echoes hostile input unescaped: %s", tc.name, body)
		}
	}
	code, body := do(t, "GET", base+"/ops/loglevel", testToken, nil)
	var got struct{ Level string }
	if err := json.Unmarshal([]byte(body), &got); err != nil || code != 200 || got.Level != "INFO" {
		t.Errorf("GET /ops/loglevel: %d %s", code, body)
	}
	do(t, "PUT", base+"/ops/loglevel", testToken, strings.NewReader(`{"level":"debug"}`), "Content-Type", "application/json")
	logger.Debug("shown after")
	out := logs.String()
	if strings.Contains(out, "hidden before") || !strings.Contains(out, "shown after") {
		t.Errorf("level change had no effect on the logger:\n%s", out)
	}
	if !strings.Contains(out, "log level changed") || strings.Contains(out, testToken) {
		t.Errorf("the change is not logged, or the token is:\n%s", out)
	}
}

func TestPprof(t *testing.T) {
	t.Parallel()
	base := serve(t, newApp(t, newObserver(t)))
	tests := []struct {
		path, want string
		code       int
	}{
		{"/debug/pprof/", "goroutine", 200},
		{"/debug/pprof/goroutine?debug=1", "goroutine profile:", 200},
		{"/debug/pprof/goroutine?debug=2", "goroutine ", 200},
		{"/debug/pprof/heap?debug=1&gc=1", "heap profile:", 200},
		{"/debug/pprof/heap", "", 200},
		{"/debug/pprof/allocs?debug=9", "", 200},
		{"/debug/pprof/profile?seconds=1", "", 200},
		{"/debug/pprof/trace?seconds=1", "", 200},
		{"/debug/pprof/nosuch", "unknown profile", 404},
		{"/debug/pprof/cmdline", "unknown profile", 404},
		{"/debug/pprof/../../etc/passwd", "", 0},
	}
	for _, tc := range tests {
		code, body := do(t, "GET", base+tc.path, testToken, nil)
		if tc.code != 0 && code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("GET %s: %d %.100q, want %d with %q", tc.path, code, body, tc.code, tc.want)
		}
		if tc.code == 200 && tc.want == "" && len(body) < 20 {
			t.Errorf("GET %s: a %d-byte profile", tc.path, len(body))
		}
	}
}

func TestOpsPage(t *testing.T) {
	t.Parallel()
	o := newObserver(t)
	started := time.Now().Add(-time.Hour)
	mux := o.OpsHandler(observe.OpsConfig{Guard: observe.Guard{Token: testToken}, Report: func(ctx context.Context) observe.Report {
		return observe.Report{
			Started:    started,
			Settings:   []observe.Setting{{Name: "SINEW_SECRET_KEY", Value: observe.Redact("SINEW_SECRET_KEY", "supersecretvalue-0123456789-abcdef")}},
			Routes:     []observe.RouteInfo{{Method: "GET", Pattern: "/posts/{id}", Name: "post"}},
			Migrations: []observe.MigrationState{{Name: "0001_initial", Applied: true, AppliedAt: started}, {Name: "0002_<b>", Applied: false}},
		}
	}})
	base := serve(t, mux)
	code, page := do(t, "GET", base+"/ops", testToken, nil)
	if code != 200 {
		t.Fatalf("GET /ops: %d %s", code, page)
	}
	for _, want := range []string{"SINEW_SECRET_KEY", "[redacted]", "/posts/{id}", "0001_initial", "pending", "0002_&lt;b&gt;", "go1.", "up 1h0m"} {
		if !strings.Contains(page, want) {
			t.Errorf("ops page lacks %q", want)
		}
	}
	if strings.Contains(page, "supersecret") || strings.Contains(page, "0002_<b>") {
		t.Errorf("ops page shows a secret or unescaped input")
	}
	code, js := do(t, "GET", base+"/ops", testToken, nil, "Accept", "application/json")
	var rep observe.Report
	if err := json.Unmarshal([]byte(js), &rep); err != nil || code != 200 {
		t.Fatalf("GET /ops as JSON: %d %v %s", code, err, js)
	}
	if rep.Build.GoVersion == "" || len(rep.Routes) != 1 || rep.Runtime.Goroutines == 0 || strings.Contains(js, "supersecret") {
		t.Errorf("JSON report: %s", js)
	}
}

func TestLogLevelCrossOrigin(t *testing.T) {
	t.Parallel()
	h := observe.NewLogHandler(slog.DiscardHandler, slog.LevelInfo)
	base := serve(t, newObserver(t).OpsHandler(observe.OpsConfig{Guard: observe.Guard{Token: testToken}, Level: h.Level(), Logger: quietLogger()}))
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("ops:"+testToken))
	for _, hdr := range [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Origin", "https://evil.example"},
	} {
		code, _ := do(t, "POST", base+"/ops/loglevel", "", strings.NewReader("level=debug"),
			"Content-Type", "application/x-www-form-urlencoded", "Authorization", basic, hdr[0], hdr[1])
		if code != http.StatusForbidden || h.Level().Level() != slog.LevelInfo {
			t.Errorf("cross-origin change with %s: %d, level %v", hdr[0], code, h.Level().Level())
		}
	}
	if code, _ := do(t, "POST", base+"/ops/loglevel", "", strings.NewReader("level=debug"),
		"Content-Type", "application/x-www-form-urlencoded", "Authorization", basic, "Sec-Fetch-Site", "same-origin"); code != 200 {
		t.Errorf("same-origin change: %d", code)
	}
}
