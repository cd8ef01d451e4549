package sinew_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

const (
	opsToken  = "ops-token-0123456789abcdef-ghijkl"
	secretKey = "app-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// opsApp is a test app with a database, a route with a parameter and the ops token.
func opsApp(t *testing.T, cfg sinew.Config) *sinew.App {
	t.Helper()
	if cfg.Env == "" {
		cfg.Env = sinew.EnvTest
	}
	if cfg.Stderr == nil {
		cfg.Stderr = io.Discard
	}
	cfg.CSRF.Off = true
	app := sinew.NewWithConfig(cfg)
	app.Models(Note{})
	app.Migrations(migrationsFor(t, Note{}))
	app.GET("/notes/{id}", func(c *web.Ctx) error {
		if err := orm.Create(c, &Note{Title: "n" + c.Param("id")}); err != nil {
			return err
		}
		notes, err := orm.Q[Note](c).All()
		if err != nil {
			return err
		}
		c.Router().Config().Logger.InfoContext(c.Request.Context(), "listed notes", "count", len(notes))
		return c.Text(200, strconv.Itoa(len(notes)))
	})
	return app
}

// call sends a request with an optional bearer token and returns status and body.
func call(t *testing.T, method, url, token string, body io.Reader, hdr ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func scrapeMetrics(t *testing.T, url, token string) map[string]*dto.MetricFamily {
	t.Helper()
	code, body := call(t, "GET", url, token, nil)
	if code != 200 {
		t.Fatalf("GET %s: %d %.200s", url, code, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parsing the exposition: %v", err)
	}
	return fams
}

func findMetric(fams map[string]*dto.MetricFamily, name string, labels map[string]string) *dto.Metric {
next:
	for _, m := range fams[name].GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if got[k] != v {
				continue next
			}
		}
		return m
	}
	return nil
}

func TestAppMetrics(t *testing.T) {
	t.Parallel()
	base := serve(t, opsApp(t, sinew.Config{OpsToken: opsToken}))
	for _, id := range []string{"123", "456"} {
		if code, body := call(t, "GET", base+"/notes/"+id, "", nil); code != 200 {
			t.Fatalf("GET /notes/%s: %d %s", id, code, body)
		}
	}
	call(t, "GET", base+"/nothing/here", "", nil)

	if code, _ := call(t, "GET", base+"/metrics", "", nil); code != http.StatusUnauthorized {
		t.Fatalf("anonymous /metrics: %d, want 401", code)
	}
	fams := scrapeMetrics(t, base+"/metrics", opsToken)
	if m := findMetric(fams, "sinew_http_requests_total", map[string]string{"route": "/notes/{id}", "method": "GET", "status": "2xx"}); m.GetCounter().GetValue() != 2 {
		t.Errorf("requests to /notes/123 and /notes/456 under /notes/{id}: %v", m)
	}
	if m := findMetric(fams, "sinew_http_requests_total", map[string]string{"route": "unmatched", "status": "4xx"}); m.GetCounter().GetValue() != 1 {
		t.Errorf("unrouted request: %v", m)
	}
	for _, m := range fams["sinew_http_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if strings.Contains(l.GetValue(), "123") || strings.Contains(l.GetValue(), "nothing") {
				t.Errorf("raw path as a label: %v", m)
			}
		}
	}
	if m := findMetric(fams, "sinew_db_query_duration_seconds", map[string]string{"operation": "insert"}); m.GetHistogram().GetSampleCount() != 2 {
		t.Errorf("insert latency: %v", m)
	}
	if m := findMetric(fams, "go_sql_max_open_connections", map[string]string{"db_name": "default"}); m == nil {
		t.Error("no pool statistics")
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "sinew_http_requests_in_flight", "sinew_http_response_size_bytes", "sinew_build_info"} {
		if fams[name] == nil {
			t.Errorf("no %s", name)
		}
	}
}

func TestAppOpsEndpointsProtection(t *testing.T) {
	t.Parallel()
	paths := []string{"/metrics", "/ops", "/ops/loglevel", "/debug/pprof/", "/debug/pprof/goroutine?debug=1"}
	t.Run("token", func(t *testing.T) {
		t.Parallel()
		base := serve(t, opsApp(t, sinew.Config{OpsToken: opsToken}))
		for _, p := range paths {
			if code, _ := call(t, "GET", base+p, "", nil); code != http.StatusUnauthorized {
				t.Errorf("anonymous GET %s: %d, want 401", p, code)
			}
			if code, _ := call(t, "GET", base+p, opsToken[1:], nil); code != http.StatusUnauthorized {
				t.Errorf("GET %s with a wrong token: %d, want 401", p, code)
			}
			if code, body := call(t, "GET", base+p, opsToken, nil); code != 200 {
				t.Errorf("GET %s with the token: %d %.100s", p, code, body)
			}
		}
	})
	t.Run("off without a token outside dev", func(t *testing.T) {
		t.Parallel()
		base := serve(t, opsApp(t, sinew.Config{}))
		for _, p := range paths {
			if code, _ := call(t, "GET", base+p, "", nil); code != http.StatusNotFound {
				t.Errorf("GET %s with no ops token configured: %d, want 404", p, code)
			}
		}
	})
	t.Run("dev from loopback", func(t *testing.T) {
		t.Parallel()
		base := serve(t, opsApp(t, sinew.Config{Env: sinew.EnvDev, DataDir: t.TempDir()}))
		if code, _ := call(t, "GET", base+"/metrics", "", nil); code != 200 {
			t.Errorf("dev /metrics from loopback: %d", code)
		}
	})
	t.Run("separate port", func(t *testing.T) {
		t.Parallel()
		app := opsApp(t, sinew.Config{OpsAddr: "127.0.0.1:0", OpsToken: opsToken})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		base := serve(t, app)
		if err := app.ServeOps(ln); err != nil {
			t.Fatal(err)
		}
		ops := "http://" + ln.Addr().String()
		if code, _ := call(t, "GET", base+"/metrics", opsToken, nil); code != http.StatusNotFound {
			t.Errorf("/metrics on the app's port with SINEW_OPS_ADDR set: %d, want 404", code)
		}
		if code, _ := call(t, "GET", ops+"/metrics", "", nil); code != http.StatusUnauthorized {
			t.Errorf("anonymous /metrics on the ops port: %d, want 401", code)
		}
		if code, _ := call(t, "GET", ops+"/metrics", opsToken, nil); code != 200 {
			t.Errorf("/metrics on the ops port: %d", code)
		}
		if code, body := call(t, "GET", ops+"/readyz", "", nil); code != 200 || !strings.Contains(body, "migrations") {
			t.Errorf("/readyz on the ops port: %d %s", code, body)
		}
	})
}

func TestOpsConfigErrors(t *testing.T) {
	t.Parallel()
	for _, cfg := range []sinew.Config{
		{OpsToken: "short"},
		{OpsAddr: "9090"},
		{OpsAddr: "127.0.0.1:99999"},
		{Env: sinew.EnvProd, SecretKey: secretKey, OpsAddr: ":9090"},
		{Env: sinew.EnvProd, SecretKey: secretKey, OpsAddr: "8.8.8.8:9090"},
		{OTLPEndpoint: "collector:4318"},
		{DrainDelay: -time.Second},
		{TraceSampleRatio: 2},
		{DrainDelay: 20 * time.Second},
	} {
		if cfg.Env == "" {
			cfg.Env = sinew.EnvTest
		}
		cfg.Stderr = io.Discard
		app := sinew.NewWithConfig(cfg)
		if err := app.Start(t.Context()); err == nil {
			t.Errorf("%+v started", cfg)
		} else if strings.Contains(err.Error(), secretKey) {
			t.Errorf("error shows the secret key: %v", err)
		}
	}
	for _, cfg := range []sinew.Config{
		{Env: sinew.EnvProd, SecretKey: secretKey, OpsAddr: "127.0.0.1:9090"},
		{Env: sinew.EnvProd, SecretKey: secretKey, OpsAddr: "10.1.2.3:9090"},
		{Env: sinew.EnvProd, SecretKey: secretKey, OpsAddr: ":9090", OpsToken: opsToken},
	} {
		cfg.Stderr = io.Discard
		if err := sinew.NewWithConfig(cfg).Err(); err != nil {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
}

func TestConfigFromEnvOps(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"SINEW_OPS_TOKEN": opsToken, "SINEW_OPS_ADDR": "127.0.0.1:9090",
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SERVICE_NAME": "blog",
		"SINEW_DRAIN_DELAY": "2s", "OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25",
	}
	cfg, err := sinew.ConfigFromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.OpsToken != opsToken || cfg.OpsAddr != "127.0.0.1:9090" || cfg.OTLPEndpoint != "http://collector:4318" || cfg.ServiceName != "blog" || cfg.DrainDelay != 2*time.Second || cfg.TraceSampleRatio != 0.25 {
		t.Fatalf("config: %+v", cfg)
	}
	for _, bad := range []struct{ name, value, want string }{
		{"SINEW_DRAIN_DELAY", "soon", "SINEW_DRAIN_DELAY"},
		{"OTEL_TRACES_SAMPLER_ARG", "2", "OTEL_TRACES_SAMPLER_ARG"},
		{"OTEL_TRACES_SAMPLER_ARG", "NaN", "OTEL_TRACES_SAMPLER_ARG"},
		{"OTEL_TRACES_SAMPLER", "jaeger_remote", "OTEL_TRACES_SAMPLER"},
	} {
		bad := bad
		old := env[bad.name]
		env[bad.name] = bad.value
		if _, err := sinew.ConfigFromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, ""); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s=%s: %v", bad.name, bad.value, err)
		}
		env[bad.name] = old
	}
}

// TestSecretsNeverShown checks ./app config, the ops page and the logs (at debug level,
// through a level change and requests carrying the token) for the secrets.
func TestSecretsNeverShown(t *testing.T) {
	t.Parallel()
	secrets := []string{secretKey, opsToken, "mailpassword42", "otlppass99"}
	check := func(where, s string) {
		t.Helper()
		for _, sec := range secrets {
			if strings.Contains(s, sec) {
				t.Errorf("%s shows a secret (%.6s...):\n%s", where, sec, s)
			}
		}
	}
	cfg := sinew.Config{SecretKey: secretKey, OpsToken: opsToken, MailURL: "smtp://app:mailpassword42@127.0.0.1:1025?tls=none",
		LogFormat: "json", LogLevel: -4}

	var out bytes.Buffer
	c := cfg
	c.Env, c.Stdout, c.Stderr = sinew.EnvTest, &out, io.Discard
	c.DatabaseURL = "postgres://app:otlppass99@127.0.0.1:1/app?sslmode=disable"
	if err := sinew.NewWithConfig(c).RunArgs(t.Context(), []string{"config"}); err != nil {
		t.Fatal(err)
	}
	check("./app config", out.String())
	for _, want := range []string{"SINEW_SECRET_KEY=[redacted]", "SINEW_OPS_TOKEN=[redacted]", "DATABASE_URL=postgres://app:xxxxx@127.0.0.1:1/app", "SINEW_MAIL_URL=smtp://app:xxxxx@", "SINEW_ENV=test"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("./app config lacks %q:\n%s", want, out.String())
		}
	}
	if err := sinew.NewWithConfig(c).RunArgs(t.Context(), []string{"config", "extra"}); err == nil {
		t.Error("config with an argument succeeded")
	}

	logs := &syncBuffer{}
	cfg.Stderr = logs
	base := serve(t, opsApp(t, cfg))
	call(t, "GET", base+"/notes/1", "", nil)
	code, page := call(t, "GET", base+"/ops", opsToken, nil)
	if code != 200 || !strings.Contains(page, "SINEW_SECRET_KEY") || !strings.Contains(page, "/notes/{id}") || !strings.Contains(page, "0001") {
		t.Errorf("ops page: %d\n%s", code, page)
	}
	check("the ops page", page)
	code, js := call(t, "GET", base+"/ops", opsToken, nil, "Accept", "application/json")
	if code != 200 {
		t.Errorf("ops JSON: %d", code)
	}
	check("the ops JSON", js)
	call(t, "PUT", base+"/ops/loglevel", opsToken, strings.NewReader(`{"level":"debug"}`), "Content-Type", "application/json")
	call(t, "GET", base+"/metrics", opsToken+"x", nil)
	call(t, "GET", base+"/notes/2?token="+opsToken[:4], "", nil)
	check("the logs", logs.String())
	if !strings.Contains(logs.String(), "log level changed") {
		t.Errorf("logs lack the level change:\n%s", logs.String())
	}
}

func TestAppLogLevelAtRunTime(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	app := opsApp(t, sinew.Config{OpsToken: opsToken, Stderr: logs, LogLevel: 8}) // errors only
	app.GET("/debug", func(c *web.Ctx) error {
		app.Logger().Debug("a debug record")
		return c.NoContent(204)
	})
	base := serve(t, app)
	call(t, "GET", base+"/debug", "", nil)
	if strings.Contains(logs.String(), "a debug record") {
		t.Fatal("debug record logged at error level")
	}
	if code, body := call(t, "PUT", base+"/ops/loglevel", opsToken, strings.NewReader(`{"level":"debug"}`), "Content-Type", "application/json"); code != 200 {
		t.Fatalf("level change: %d %s", code, body)
	}
	call(t, "GET", base+"/debug", "", nil)
	if !strings.Contains(logs.String(), "a debug record") {
		t.Fatalf("debug record not logged after the change:\n%s", logs.String())
	}
	if code, _ := call(t, "PUT", base+"/ops/loglevel", "", strings.NewReader(`{"level":"error"}`), "Content-Type", "application/json"); code != 401 {
		t.Errorf("anonymous level change: %d", code)
	}
	if code, _ := call(t, "PUT", base+"/ops/loglevel", opsToken, strings.NewReader(`{"level":"chatty"}`), "Content-Type", "application/json"); code != 400 {
		t.Errorf("bad level: %d", code)
	}
	var got map[string]string
	_, body := call(t, "GET", base+"/ops/loglevel", opsToken, nil)
	if json.Unmarshal([]byte(body), &got); got["level"] != "DEBUG" {
		t.Errorf("level now: %s", body)
	}
}

func TestReadyzMigrations(t *testing.T) {
	t.Parallel()
	off := false
	dir := t.TempDir()
	app := opsApp(t, sinew.Config{AutoMigrate: &off, DatabaseURL: "sqlite:" + dir + "/app.db"})
	base := serve(t, app)
	code, body := call(t, "GET", base+"/readyz", "", nil)
	if code != 503 || !strings.Contains(body, `"migrations":{"status":"failing"`) {
		t.Fatalf("readyz with a pending migration: %d %s", code, body)
	}
	// Another instance of the app migrates the shared database, as `./app migrate` would.
	other := opsApp(t, sinew.Config{AutoMigrate: &off, DatabaseURL: "sqlite:" + dir + "/app.db", Stdout: io.Discard})
	if err := other.RunArgs(t.Context(), []string{"migrate"}); err != nil {
		t.Fatal(err)
	}
	code, body = call(t, "GET", base+"/readyz", "", nil)
	if code != 200 || !strings.Contains(body, `"migrations":{"status":"ok","latency_ms":`) {
		t.Fatalf("readyz once migrated: %d %s", code, body)
	}
}

// otlpCollector is a local fake OTLP/HTTP collector speaking the real protocol.
func otlpCollector(t *testing.T) (string, func() []*tracepb.Span) {
	t.Helper()
	var mu sync.Mutex
	var spans []*tracepb.Span
	srv := http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var req collectortrace.ExportTraceServiceRequest
		if r.URL.Path != "/v1/traces" || proto.Unmarshal(b, &req) != nil {
			http.Error(w, "bad export", 400)
			return
		}
		mu.Lock()
		for _, rs := range req.GetResourceSpans() {
			for _, ss := range rs.GetScopeSpans() {
				spans = append(spans, ss.GetSpans()...)
			}
		}
		mu.Unlock()
		out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.Write(out)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), func() []*tracepb.Span {
		mu.Lock()
		defer mu.Unlock()
		return append([]*tracepb.Span(nil), spans...)
	}
}

// TestAppTracing: one request that queries the database gives a server span continuing the
// caller's trace, with the queries as its children, exported over OTLP when the app stops;
// the access log record carries the trace ID.
func TestAppTracing(t *testing.T) {
	t.Parallel()
	endpoint, received := otlpCollector(t)
	logs := &syncBuffer{}
	app := opsApp(t, sinew.Config{OTLPEndpoint: endpoint, ServiceName: "notes", Stderr: logs, LogFormat: "json", LogLevel: -4})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	const traceID, parentID = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
	for i := 0; ; i++ {
		if code, _ := call(t, "GET", base+"/healthz", "", nil); code == 200 {
			break
		}
		if i > 100 {
			t.Fatal("app not serving")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code, body := call(t, "GET", base+"/notes/7", "", nil, "Traceparent", "00-"+traceID+"-"+parentID+"-01"); code != 200 {
		t.Fatalf("GET: %d %s", code, body)
	}
	cancel()
	if err := <-done; err != nil { // Stop flushes the spans
		t.Fatal(err)
	}
	var server *tracepb.Span
	spans := received()
	for _, s := range spans {
		if s.GetKind() == tracepb.Span_SPAN_KIND_SERVER && hex.EncodeToString(s.GetTraceId()) == traceID {
			server = s
		}
	}
	if server == nil {
		t.Fatalf("no server span in trace %s among %d spans", traceID, len(spans))
	}
	if hex.EncodeToString(server.GetParentSpanId()) != parentID || server.GetName() != "GET /notes/{id}" {
		t.Errorf("server span %q with parent %x", server.GetName(), server.GetParentSpanId())
	}
	var children []string
	for _, s := range spans {
		if bytes.Equal(s.GetParentSpanId(), server.GetSpanId()) {
			children = append(children, s.GetName())
		}
	}
	if strings.Join(children, ",") != "insert notes,select notes" {
		t.Errorf("children of the request span: %q", children)
	}
	var accessLogged, handlerLogged bool
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, `"path":"/notes/7"`) && strings.Contains(line, `"trace_id":"`+traceID+`"`) {
			accessLogged = true
		}
		if strings.Contains(line, "listed notes") && strings.Contains(line, `"trace_id":"`+traceID+`"`) {
			handlerLogged = true
		}
	}
	if !accessLogged || !handlerLogged {
		t.Errorf("trace ID in the access log: %v, in the handler's record: %v\n%s", accessLogged, handlerLogged, logs.String())
	}
}

// TestGracefulShutdownUnderLoad keeps clients sending requests while the app shuts down:
// readiness turns false before the server stops accepting (and the app keeps serving for
// the drain delay), every request a handler accepted completes with 2xx, and Serve returns
// nil well within the drain timeout.
func TestGracefulShutdownUnderLoad(t *testing.T) {
	t.Parallel()
	app := opsApp(t, sinew.Config{DrainTimeout: 10 * time.Second, DrainDelay: 300 * time.Millisecond})
	var accepted, completedOK, non2xx atomic.Int64
	app.GET("/work", func(c *web.Ctx) error {
		accepted.Add(1)
		time.Sleep(30 * time.Millisecond)
		return c.Text(200, "done")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	readyAtDrain := make(chan int, 1)
	app.OnDrain(func(context.Context) {
		// The server still accepts here: readiness must already say 503.
		res, err := http.Get(base + "/readyz")
		if err != nil {
			readyAtDrain <- -1
			return
		}
		res.Body.Close()
		readyAtDrain <- res.StatusCode
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Serve(ctx, ln) }()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 15 * time.Second}
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 500; n++ { // bounded
				select {
				case <-stop:
					return
				default:
				}
				res, err := client.Get(base + "/work")
				if err != nil {
					time.Sleep(5 * time.Millisecond) // not accepted (starting, or closed)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode/100 == 2 {
					completedOK.Add(1)
				} else if res.Request.URL.Path == "/work" {
					non2xx.Add(1)
				}
			}
		}()
	}
	for accepted.Load() < 30 {
		time.Sleep(10 * time.Millisecond)
	}
	began := time.Now()
	cancel() // what SIGTERM does in App.Run
	time.Sleep(150 * time.Millisecond)
	atDelay := accepted.Load()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	took := time.Since(began)
	if accepted.Load() <= atDelay {
		t.Errorf("no request accepted during the drain delay (%d before, %d after)", atDelay, accepted.Load())
	}
	close(stop)
	wg.Wait()
	if code := <-readyAtDrain; code != http.StatusServiceUnavailable {
		t.Errorf("/readyz during the drain answered %d, want 503", code)
	}
	if non2xx.Load() != 0 {
		t.Errorf("%d requests answered with a non-2xx status", non2xx.Load())
	}
	if a, ok := accepted.Load(), completedOK.Load(); a != ok {
		t.Errorf("%d requests accepted by the handler, %d completed with 2xx", a, ok)
	}
	if took > 10*time.Second {
		t.Errorf("shutdown took %v, over the drain timeout", took)
	}
}

// TestLogLevelWithCSRF: with the app's CSRF protection on, scripts holding the ops token
// change the level with either scheme, and a cross-site browser request cannot.
func TestLogLevelWithCSRF(t *testing.T) {
	t.Parallel()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard, OpsToken: opsToken})
	app.Models(Note{})
	base := serve(t, app)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("ops:"+opsToken))
	tests := []struct {
		name string
		hdr  []string
		want int
	}{
		{"bearer", []string{"Authorization", "Bearer " + opsToken}, 200},
		{"basic", []string{"Authorization", basic}, 200},
		{"basic, cross-site browser", []string{"Authorization", basic, "Sec-Fetch-Site", "cross-site"}, 403},
		{"no token", nil, 401},
	}
	for _, tc := range tests {
		hdr := append([]string{"Content-Type", "application/json"}, tc.hdr...)
		if code, body := call(t, "PUT", base+"/ops/loglevel", "", strings.NewReader(`{"level":"debug"}`), hdr...); code != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, code, body, tc.want)
		}
	}
}

// TestProdRefusesUnwritableDataDir: in prod, the default embedded database needs a data
// directory it can write; the error names the fix.
func TestProdRefusesUnwritableDataDir(t *testing.T) {
	t.Parallel()
	file := t.TempDir() + "/not-a-dir"
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	off := false
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvProd, SecretKey: secretKey, DataDir: file + "/data",
		AutoMigrate: &off, Stderr: io.Discard})
	app.Models(Note{})
	err := app.Start(t.Context())
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || !strings.Contains(err.Error(), "SINEW_DATA_DIR") {
		t.Fatalf("Start = %v, want an error naming SINEW_DATA_DIR and DATABASE_URL", err)
	}
	// A writable data directory starts.
	ok := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvProd, SecretKey: secretKey, DataDir: t.TempDir(),
		AutoMigrate: &off, Stderr: io.Discard})
	ok.Models(Note{})
	if err := ok.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	ok.Stop(context.Background())
}

// TestAllowOps: a callback opens the ops endpoints to the requests it accepts, with no
// token configured (a staff session, in a real app).
func TestAllowOps(t *testing.T) {
	t.Parallel()
	app := opsApp(t, sinew.Config{})
	app.AllowOps(func(r *http.Request) bool { return r.Header.Get("X-Test-Staff") == "yes" })
	base := serve(t, app)
	if code, _ := call(t, "GET", base+"/ops", "", nil); code != http.StatusUnauthorized {
		t.Errorf("anonymous /ops: %d, want 401", code)
	}
	if code, body := call(t, "GET", base+"/ops", "", nil, "X-Test-Staff", "yes"); code != 200 || !strings.Contains(body, "Operations") {
		t.Errorf("/ops for an allowed request: %d", code)
	}
}
