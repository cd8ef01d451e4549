package observe_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/sinewdev/sinew/observe"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/sqlite"
	"github.com/sinewdev/sinew/web"
)

// otlpReceiver is a local fake OTLP/HTTP collector: it speaks the real protocol
// (POST /v1/traces, an ExportTraceServiceRequest in protobuf, answered with an
// ExportTraceServiceResponse) and keeps the spans it receives.
type otlpReceiver struct {
	mu       sync.Mutex
	spans    []*tracepb.Span
	services []string
	bad      []string
}

func newReceiver(t testing.TB) (*otlpReceiver, string) {
	t.Helper()
	rcv := &otlpReceiver{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/traces", func(w http.ResponseWriter, r *http.Request) {
		var body io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			body = zr
		}
		b, err := io.ReadAll(body)
		var req collectortrace.ExportTraceServiceRequest
		if err == nil {
			err = proto.Unmarshal(b, &req)
		}
		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		if err != nil || r.Header.Get("Content-Type") != "application/x-protobuf" {
			rcv.bad = append(rcv.bad, r.Header.Get("Content-Type"))
			http.Error(w, "bad export", http.StatusBadRequest)
			return
		}
		for _, rs := range req.GetResourceSpans() {
			for _, kv := range rs.GetResource().GetAttributes() {
				if kv.GetKey() == "service.name" {
					rcv.services = append(rcv.services, kv.GetValue().GetStringValue())
				}
			}
			for _, ss := range rs.GetScopeSpans() {
				rcv.spans = append(rcv.spans, ss.GetSpans()...)
			}
		}
		out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(out)
	})
	return rcv, serve(t, mux)
}

func (r *otlpReceiver) snapshot() []*tracepb.Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*tracepb.Span(nil), r.spans...)
}

func attr(s *tracepb.Span, key string) string {
	for _, kv := range s.GetAttributes() {
		if kv.GetKey() == key {
			v := kv.GetValue()
			if v.GetStringValue() != "" {
				return v.GetStringValue()
			}
			if i := v.GetIntValue(); i != 0 {
				return itoa(i)
			}
		}
	}
	return ""
}

func itoa(i int64) string {
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}

// TestTracingSpanTree serves one request that queries the database and calls another
// service, with a caller's traceparent, and checks the span tree the collector receives.
func TestTracingSpanTree(t *testing.T) {
	t.Parallel()
	rcv, endpoint := newReceiver(t)
	var logs bytes.Buffer
	lh := observe.NewLogHandler(slog.NewJSONHandler(&logs, nil), slog.LevelInfo)
	lh.SetTraceIDs(true)
	logger := slog.New(lh)
	o, err := observe.New(observe.Config{OTLPEndpoint: endpoint + "/", ServiceName: "blog"})
	if err != nil {
		t.Fatal(err)
	}
	if !o.Tracing() {
		t.Fatal("tracing is off with an endpoint")
	}

	// The downstream service records the trace context it receives.
	var tpMu sync.Mutex
	var downstreamTPs []string
	downstream := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tpMu.Lock()
		downstreamTPs = append(downstreamTPs, r.Header.Get("Traceparent"))
		tpMu.Unlock()
		_, _ = io.WriteString(w, "ok")
	}))

	reg := orm.NewRegistry()
	if err := reg.Register(Note{}); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), "sqlite::memory:", orm.Config{Registry: reg, Hook: o.QueryHook(), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CreateTables(context.Background()); err != nil {
		t.Fatal(err)
	}

	client := o.Client()
	r := web.NewRouter(web.Config{Logger: quietLogger()})
	r.SetValue(orm.ContextValue(db))
	r.Use(o.Middleware())
	r.GET("/notes/{id}", func(c *web.Ctx) error {
		if err := orm.Create(c, &Note{Text: "hello"}); err != nil {
			return err
		}
		if _, err := orm.Q[Note](c).All(); err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(c, "GET", downstream+"/v1/things?api_key=secret", nil)
		if err != nil {
			return err
		}
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		res.Body.Close()
		logger.InfoContext(c.Request.Context(), "handled")
		return c.Text(http.StatusOK, "ok")
	})
	base := serve(t, r)

	const callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	const callerSpan = "00f067aa0ba902b7"
	code, body := do(t, "GET", base+"/notes/42", "", nil, "Traceparent", "00-"+callerTrace+"-"+callerSpan+"-01")
	if code != 200 {
		t.Fatalf("GET: %d %s", code, body)
	}
	// A request with a malformed traceparent starts a new trace instead of failing.
	if code, body := do(t, "GET", base+"/notes/43", "", nil, "Traceparent", "00-zzzz-"+strings.Repeat("x", 5000)); code != 200 {
		t.Fatalf("GET with a bad traceparent: %d %s", code, body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := o.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	spans := rcv.snapshot()
	var server *tracepb.Span
	for _, s := range spans {
		if hex.EncodeToString(s.GetTraceId()) == callerTrace && s.GetKind() == tracepb.Span_SPAN_KIND_SERVER {
			server = s
		}
	}
	if server == nil {
		t.Fatalf("no server span in the caller's trace among %d spans", len(spans))
	}
	if got := hex.EncodeToString(server.GetParentSpanId()); got != callerSpan {
		t.Errorf("server span's parent = %s, want the caller's %s", got, callerSpan)
	}
	if server.GetName() != "GET /notes/{id}" || attr(server, "http.route") != "/notes/{id}" || attr(server, "http.response.status_code") != "200" {
		t.Errorf("server span: name %q, attributes %v", server.GetName(), server.GetAttributes())
	}
	var children []*tracepb.Span
	for _, s := range spans {
		if bytes.Equal(s.GetParentSpanId(), server.GetSpanId()) {
			children = append(children, s)
		}
	}
	var names []string
	for _, c := range children {
		names = append(names, c.GetName())
		if !bytes.Equal(c.GetTraceId(), server.GetTraceId()) {
			t.Errorf("child %q in another trace", c.GetName())
		}
	}
	want := []string{"insert notes", "select notes", "GET"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("children of the server span: %q, want %q", names, want)
	}
	if q := attr(children[1], "db.query.text"); !strings.Contains(q, "SELECT") || attr(children[1], "db.system.name") != "sqlite" {
		t.Errorf("query span attributes: %v", children[1].GetAttributes())
	}
	call := children[2]
	if call.GetKind() != tracepb.Span_SPAN_KIND_CLIENT || strings.Contains(attr(call, "url.full"), "secret") {
		t.Errorf("client span: kind %v, url %q", call.GetKind(), attr(call, "url.full"))
	}
	wantTP := "00-" + callerTrace + "-" + hex.EncodeToString(call.GetSpanId()) + "-01"
	tpMu.Lock()
	if len(downstreamTPs) != 2 || downstreamTPs[0] != wantTP {
		t.Errorf("downstream got traceparents %q, want %q first", downstreamTPs, wantTP)
	}
	tpMu.Unlock()
	// The other request started its own trace.
	var fresh int
	for _, s := range spans {
		if s.GetKind() == tracepb.Span_SPAN_KIND_SERVER && hex.EncodeToString(s.GetTraceId()) != callerTrace && len(s.GetParentSpanId()) == 0 {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d root server spans for the request with a bad traceparent, want 1", fresh)
	}
	rcv.mu.Lock()
	if len(rcv.bad) > 0 || len(rcv.services) == 0 || rcv.services[0] != "blog" {
		t.Errorf("exports: bad %v, services %v", rcv.bad, rcv.services)
	}
	rcv.mu.Unlock()
	if !strings.Contains(logs.String(), `"trace_id":"`+callerTrace+`"`) {
		t.Errorf("log record without the trace ID: %s", logs.String())
	}
}

// TestTracingOffIsFree checks that with tracing off the transport is the base one and no
// span context reaches the handlers.
func TestTracingOffIsFree(t *testing.T) {
	t.Parallel()
	o := newObserver(t)
	if o.Tracing() {
		t.Fatal("tracing on by default")
	}
	if o.Transport(http.DefaultTransport) != http.DefaultTransport {
		t.Error("Transport wraps the base with tracing off")
	}
	ctx := o.QueryHook().BeforeQuery(context.Background(), orm.QueryEvent{Operation: "select"})
	if ctx != context.Background() {
		t.Error("the query hook changed the context with tracing off")
	}
}

// TestSampleRatio: with a tiny ratio, new traces are not recorded, while a request that
// continues a caller's sampled trace is.
func TestSampleRatio(t *testing.T) {
	t.Parallel()
	rcv, endpoint := newReceiver(t)
	o, err := observe.New(observe.Config{OTLPEndpoint: endpoint, SampleRatio: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	r := web.NewRouter(web.Config{Logger: quietLogger()})
	r.Use(o.Middleware())
	r.GET("/x", func(c *web.Ctx) error { return c.NoContent(204) })
	base := serve(t, r)
	for range 20 {
		do(t, "GET", base+"/x", "", nil)
	}
	const caller = "4bf92f3577b34da6a3ce929d0e0e4736"
	do(t, "GET", base+"/x", "", nil, "Traceparent", "00-"+caller+"-00f067aa0ba902b7-01")
	do(t, "GET", base+"/x", "", nil, "Traceparent", "00-"+strings.Repeat("a", 32)+"-00f067aa0ba902b7-00") // not sampled
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := o.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	spans := rcv.snapshot()
	if len(spans) != 1 || hex.EncodeToString(spans[0].GetTraceId()) != caller {
		t.Fatalf("exported %d spans, want only the caller's sampled one", len(spans))
	}
}

// TestExemplars: with tracing on, an OpenMetrics scrape links latency buckets to traces.
func TestExemplars(t *testing.T) {
	t.Parallel()
	_, endpoint := newReceiver(t)
	o, err := observe.New(observe.Config{OTLPEndpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Shutdown(context.Background()) })
	base := serve(t, newApp(t, o))
	const caller = "4bf92f3577b34da6a3ce929d0e0e4736"
	do(t, "GET", base+"/posts/9", "", nil, "Traceparent", "00-"+caller+"-00f067aa0ba902b7-01")
	code, body := do(t, "GET", base+"/metrics", testToken, nil, "Accept", "application/openmetrics-text; version=1.0.0")
	if code != 200 || !strings.Contains(body, `# {trace_id="`+caller+`"}`) {
		t.Fatalf("no exemplar for the trace in the OpenMetrics exposition: %d\n%.2000s", code, body)
	}
	// The classic text format is unchanged.
	if _, text := do(t, "GET", base+"/metrics", testToken, nil); strings.Contains(text, "trace_id") {
		t.Error("exemplar in the text format")
	}
}
