package observe_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/sinewdev/sinew/observe"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/sqlite"
	"github.com/sinewdev/sinew/web"
)

// newApp returns a router with the observer's middleware, a few routes and the ops
// endpoints mounted under their paths, guarded by testToken.
func newApp(t testing.TB, o *observe.Observer) *web.Router {
	t.Helper()
	r := web.NewRouter(web.Config{Logger: quietLogger()})
	r.Use(o.Middleware())
	r.GET("/posts/{id}", func(c *web.Ctx) error { return c.Text(http.StatusOK, "post "+c.Param("id")) })
	r.POST("/posts", func(c *web.Ctx) error { return c.Text(http.StatusCreated, "created") })
	r.GET("/boom", func(c *web.Ctx) error { return web.Error(http.StatusBadGateway, "upstream down") })
	r.GET("/panic", func(c *web.Ctx) error { panic("handler panicked") })
	r.GET("/big", func(c *web.Ctx) error { return c.Text(http.StatusOK, strings.Repeat("x", 5000)) })
	ops := o.OpsHandler(observe.OpsConfig{Guard: observe.Guard{Token: testToken}})
	r.HandleHTTP("/metrics", ops)
	r.HandleHTTP("/ops", ops)
	r.HandleHTTP("/ops/loglevel", ops)
	r.HandleHTTP("/debug/pprof/{name...}", ops)
	return r
}

func TestMetricsByRoutePattern(t *testing.T) {
	t.Parallel()
	o := newObserver(t)
	base := serve(t, newApp(t, o))

	for _, path := range []string{"/posts/123", "/posts/456", "/posts/a%20b"} {
		if code, body := do(t, "GET", base+path, "", nil); code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, code, body)
		}
	}
	do(t, "POST", base+"/posts", "", strings.NewReader("x"))
	do(t, "GET", base+"/boom", "", nil)
	do(t, "GET", base+"/panic", "", nil)
	do(t, "GET", base+"/big", "", nil)
	for i := range 3 {
		do(t, "GET", base+"/no/such/page/"+strings.Repeat("z", i), "", nil)
	}
	do(t, "BREW", base+"/posts/1", "", nil)

	fams := scrape(t, base, testToken)
	tests := []struct {
		labels map[string]string
		want   float64
	}{
		{map[string]string{"method": "GET", "route": "/posts/{id}", "status": "2xx"}, 3},
		{map[string]string{"method": "POST", "route": "/posts", "status": "2xx"}, 1},
		{map[string]string{"method": "GET", "route": "/boom", "status": "5xx"}, 1},
		{map[string]string{"method": "GET", "route": "/panic", "status": "5xx"}, 1},
		{map[string]string{"method": "GET", "route": observe.UnmatchedRoute, "status": "4xx"}, 3},
		{map[string]string{"method": "OTHER", "route": observe.UnmatchedRoute, "status": "4xx"}, 1},
	}
	for _, tc := range tests {
		m := sample(fams, "sinew_http_requests_total", tc.labels)
		if m == nil {
			t.Errorf("no sinew_http_requests_total%v", tc.labels)
			continue
		}
		if got := m.GetCounter().GetValue(); got != tc.want {
			t.Errorf("sinew_http_requests_total%v = %v, want %v", tc.labels, got, tc.want)
		}
		h := sample(fams, "sinew_http_request_duration_seconds", tc.labels)
		if h == nil || float64(h.GetHistogram().GetSampleCount()) != tc.want {
			t.Errorf("sinew_http_request_duration_seconds%v: %v, want %v samples", tc.labels, h, tc.want)
		}
	}
	for _, m := range fams["sinew_http_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "route" && (strings.Contains(l.GetValue(), "123") || strings.Contains(l.GetValue(), "no/such")) {
				t.Errorf("a raw path became a label: %v", m)
			}
		}
	}
	size := sample(fams, "sinew_http_response_size_bytes", map[string]string{"route": "/big"})
	if size == nil || size.GetHistogram().GetSampleSum() < 5000 {
		t.Errorf("response size of /big: %v", size)
	}
	inflight := sample(fams, "sinew_http_requests_in_flight", nil)
	if inflight == nil || inflight.GetGauge().GetValue() != 1 { // the scrape itself
		t.Errorf("in-flight during the scrape: %v, want 1", inflight)
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_cpu_seconds_total", "sinew_build_info"} {
		if fams[name] == nil {
			t.Errorf("no %s in /metrics", name)
		}
	}
}

func TestMetricsConcurrent(t *testing.T) {
	t.Parallel()
	o := newObserver(t)
	base := serve(t, newApp(t, o))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				path := "/posts/" + string(rune('a'+g)) + string(rune('a'+i%26))
				if code, _ := do(t, "GET", base+path, "", nil); code != http.StatusOK {
					t.Errorf("GET %s: %d", path, code)
				}
			}
		}()
	}
	wg.Wait()
	m := sample(scrape(t, base, testToken), "sinew_http_requests_total", map[string]string{"route": "/posts/{id}"})
	if m == nil || m.GetCounter().GetValue() != 200 {
		t.Fatalf("requests counted: %v, want 200", m)
	}
}

type Note struct {
	orm.Model
	Text string `orm:"size=100"`
}

func TestQueryMetricsAndPools(t *testing.T) {
	t.Parallel()
	o := newObserver(t)
	reg := orm.NewRegistry()
	if err := reg.Register(Note{}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, "sqlite:"+t.TempDir()+"/app.db", orm.Config{Registry: reg, Hook: o.QueryHook()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	o.WatchPools("app", func() []observe.NamedPool {
		return []observe.NamedPool{{Name: "default", DB: db.SQL()}, {Name: "default_writer", DB: db.Writer()}}
	})
	if err := db.CreateTables(ctx); err != nil {
		t.Fatal(err)
	}
	ctx = orm.WithDB(ctx, db)
	for i := range 3 {
		if err := orm.Create(ctx, &Note{Text: "n" + string(rune('0'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := orm.Q[Note](ctx).All(); err != nil {
		t.Fatal(err)
	}
	if _, err := orm.Raw[Note](ctx, "SELECT * FROM no_such_table"); err == nil {
		t.Fatal("query of a missing table succeeded")
	}

	r := web.NewRouter(web.Config{})
	r.HandleHTTP("/metrics", o.OpsHandler(observe.OpsConfig{Guard: observe.Guard{Token: testToken}}))
	fams := scrape(t, serve(t, r), testToken)
	ins := sample(fams, "sinew_db_query_duration_seconds", map[string]string{"operation": "insert"})
	if ins == nil || ins.GetHistogram().GetSampleCount() != 3 {
		t.Errorf("insert latency samples: %v, want 3", ins)
	}
	sel := sample(fams, "sinew_db_query_duration_seconds", map[string]string{"operation": "select"})
	if sel == nil || sel.GetHistogram().GetSampleCount() != 2 {
		t.Errorf("select latency samples: %v, want 2", sel)
	}
	errs := sample(fams, "sinew_db_query_errors_total", map[string]string{"operation": "select"})
	if errs == nil || errs.GetCounter().GetValue() != 1 {
		t.Errorf("select errors: %v, want 1", errs)
	}
	for _, pool := range []string{"default", "default_writer"} {
		m := sample(fams, "go_sql_max_open_connections", map[string]string{"db_name": pool})
		if m == nil || m.GetGauge().GetValue() < 1 {
			t.Errorf("pool %s: max open %v", pool, m)
		}
		if sample(fams, "go_sql_wait_count_total", map[string]string{"db_name": pool}) == nil {
			t.Errorf("pool %s: no wait count", pool)
		}
	}
}

func TestAddedMetrics(t *testing.T) {
	t.Parallel()
	o := newObserver(t)
	o.Counter("jobs_completed_total", "Jobs completed.", "queue").WithLabelValues("default").Add(2)
	o.Gauge("realtime_channels", "Channels.").WithLabelValues().Set(4)
	o.Histogram("jobs_duration_seconds", "Job time.", nil, "queue").WithLabelValues("mail").Observe(0.3)
	o.GaugeFunc("realtime_connections", "Open connections.", func() float64 { return 7 })
	r := web.NewRouter(web.Config{})
	r.HandleHTTP("/metrics", o.OpsHandler(observe.OpsConfig{Guard: observe.Guard{Token: testToken}}))
	fams := scrape(t, serve(t, r), testToken)
	if m := sample(fams, "sinew_jobs_completed_total", map[string]string{"queue": "default"}); m.GetCounter().GetValue() != 2 {
		t.Errorf("counter: %v", m)
	}
	if m := sample(fams, "sinew_realtime_channels", nil); m.GetGauge().GetValue() != 4 {
		t.Errorf("gauge: %v", m)
	}
	if m := sample(fams, "sinew_jobs_duration_seconds", map[string]string{"queue": "mail"}); m.GetHistogram().GetSampleCount() != 1 {
		t.Errorf("histogram: %v", m)
	}
	if m := sample(fams, "sinew_realtime_connections", nil); m.GetGauge().GetValue() != 7 {
		t.Errorf("gauge func: %v", m)
	}
	defer func() {
		if recover() == nil {
			t.Error("registering a taken name did not panic")
		}
	}()
	o.Counter("jobs_completed_total", "again")
}

func TestObserversAreIndependent(t *testing.T) {
	t.Parallel()
	a, b := newObserver(t), newObserver(t)
	baseA := serve(t, newApp(t, a))
	baseB := serve(t, newApp(t, b))
	do(t, "GET", baseA+"/posts/1", "", nil)
	if m := sample(scrape(t, baseB, testToken), "sinew_http_requests_total", map[string]string{"route": "/posts/{id}"}); m != nil {
		t.Errorf("a request to one app counted in another: %v", m)
	}
}

func TestBadOTLPEndpoint(t *testing.T) {
	t.Parallel()
	for _, ep := range []string{"collector:4318", "ftp://x", "http://", "::::", "http://[::1"} {
		if _, err := observe.New(observe.Config{OTLPEndpoint: ep}); err == nil {
			t.Errorf("OTLPEndpoint %q accepted", ep)
		}
	}
}

// TestPlainNetHTTP: outside a Sinew router the middleware still counts requests (under
// UnmatchedRoute, since there is no pattern) with their status and size.
func TestPlainNetHTTP(t *testing.T) {
	t.Parallel()
	o := newObserver(t)
	h := o.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/teapot" {
			w.WriteHeader(http.StatusTeapot)
		}
		_, _ = w.Write([]byte("hello"))
	}))
	base := serve(t, h)
	do(t, "GET", base+"/a", "", nil)
	do(t, "GET", base+"/teapot", "", nil)
	r := web.NewRouter(web.Config{})
	r.HandleHTTP("/metrics", o.OpsHandler(observe.OpsConfig{Guard: observe.Guard{Token: testToken}}))
	fams := scrape(t, serve(t, r), testToken)
	for _, status := range []string{"2xx", "4xx"} {
		m := sample(fams, "sinew_http_requests_total", map[string]string{"route": observe.UnmatchedRoute, "status": status})
		if m.GetCounter().GetValue() != 1 {
			t.Errorf("%s: %v", status, m)
		}
	}
	if m := sample(fams, "sinew_http_response_size_bytes", map[string]string{"status": "2xx"}); m.GetHistogram().GetSampleSum() != 5 {
		t.Errorf("size: %v", m)
	}
}
