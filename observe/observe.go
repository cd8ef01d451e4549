package observe

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"go.opentelemetry.io/otel/attribute"
)

// Config configures an [Observer]. The zero value is the default: metrics on, tracing off.
type Config struct {
	// Namespace prefixes the names of the HTTP and database metrics ("sinew" gives
	// sinew_http_requests_total). Default: "sinew".
	Namespace string
	// Buckets are the upper bounds, in seconds, of the latency histograms.
	// Default: 5ms to 10s ([DefaultBuckets]).
	Buckets []float64
	// OTLPEndpoint turns tracing on: spans are exported over OTLP/HTTP (protobuf) to this
	// base URL, with "/v1/traces" appended, exactly as OTEL_EXPORTER_OTLP_ENDPOINT is read
	// by OpenTelemetry SDKs (the App fills it from that variable). The exporter also honours
	// the standard OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT and _COMPRESSION variables.
	// Default: "" (tracing off, and free: no span is created and nothing is allocated).
	OTLPEndpoint string
	// TracerProvider, when set, turns tracing on with a provider set up by the caller
	// (Shutdown leaves it alone). OTLPEndpoint is then ignored. Default: nil.
	TracerProvider trace.TracerProvider
	// SampleRatio is the fraction of new traces recorded, from 0 (exclusive) to 1; a
	// request continuing a caller's trace follows the caller's decision. Default: 1 (every
	// trace); values outside (0, 1] mean the default.
	SampleRatio float64
	// ServiceName and ServiceVersion name the service in exported spans.
	// Default: "sinew" and the main module's version.
	ServiceName, ServiceVersion string
	// Logger receives the observer's own messages (exporter failures). Default:
	// slog.Default().
	Logger *slog.Logger
}

// DefaultBuckets are the default latency histogram bounds, in seconds.
var DefaultBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// Observer holds an app's metrics registry and tracer: HTTP middleware recording request
// metrics and spans, an ORM hook recording query metrics and spans, an http.RoundTripper
// tracing outgoing calls, and the collectors other packages add. It is safe for concurrent
// use. Create one per app with [New]; call [Observer.Shutdown] when the app stops, to flush
// the spans not yet exported.
type Observer struct {
	cfg      Config
	log      *slog.Logger
	reg      *prometheus.Registry
	tracer   trace.Tracer
	tracing  bool
	prop     propagation.TextMapPropagator
	shutdown func(context.Context) error

	http httpMetrics
	db   dbMetrics

	poolsMu sync.Mutex
	pools   map[string]func() []NamedPool
}

// New returns an Observer with the Go runtime, process and HTTP metrics registered, and
// tracing set up when cfg asks for it. It does not connect anywhere: the OTLP exporter
// sends its first batch when spans exist.
func New(cfg Config) (*Observer, error) {
	if cfg.Namespace == "" {
		cfg.Namespace = "sinew"
	}
	if len(cfg.Buckets) == 0 {
		cfg.Buckets = DefaultBuckets
	}
	if cfg.ServiceName == "" {
		cfg.ServiceName = "sinew"
	}
	if cfg.ServiceVersion == "" {
		cfg.ServiceVersion = ReadBuild().Version
	}
	o := &Observer{cfg: cfg, log: cfg.Logger, reg: prometheus.NewRegistry(), prop: propagation.TraceContext{},
		pools: map[string]func() []NamedPool{}}
	if o.log == nil {
		o.log = slog.Default()
	}
	o.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildInfoCollector(cfg.Namespace),
		&poolCollector{o: o},
	)
	o.http.init(o.reg, cfg.Namespace, cfg.Buckets)
	o.db = newDBMetrics(o.reg, cfg.Namespace, cfg.Buckets)

	switch {
	case cfg.TracerProvider != nil:
		o.tracer = cfg.TracerProvider.Tracer("github.com/sinewdev/sinew/observe")
		o.tracing = true
	case cfg.OTLPEndpoint != "":
		endpoint, err := tracesURL(cfg.OTLPEndpoint)
		if err != nil {
			return nil, err
		}
		exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(endpoint))
		if err != nil {
			return nil, fmt.Errorf("observe: OTLP exporter: %w", err)
		}
		res, err := resource.Merge(resource.Default(), resource.NewSchemaless(
			attribute.String("service.name", cfg.ServiceName),
			attribute.String("service.version", cfg.ServiceVersion),
		))
		if err != nil {
			res = resource.NewSchemaless(attribute.String("service.name", cfg.ServiceName))
		}
		root := sdktrace.AlwaysSample()
		if cfg.SampleRatio > 0 && cfg.SampleRatio < 1 {
			root = sdktrace.TraceIDRatioBased(cfg.SampleRatio)
		}
		tp := sdktrace.NewTracerProvider(
			sdktrace.WithBatcher(exp),
			sdktrace.WithResource(res),
			sdktrace.WithSampler(sdktrace.ParentBased(root)),
		)
		o.tracer = tp.Tracer("github.com/sinewdev/sinew/observe")
		o.tracing = true
		o.shutdown = tp.Shutdown
	default:
		o.tracer = noop.NewTracerProvider().Tracer("")
	}
	return o, nil
}

// tracesURL turns an OTEL_EXPORTER_OTLP_ENDPOINT base URL into the traces URL.
func tracesURL(base string) (string, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("observe: OTLP endpoint %q: want a URL such as http://collector:4318", base)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/traces"
	return u.String(), nil
}

// Tracing reports whether spans are recorded and exported.
func (o *Observer) Tracing() bool { return o.tracing }

// Tracer returns the tracer the observer starts its spans with (a no-op tracer when tracing
// is off), for spans of your own: ctx, span := o.Tracer().Start(ctx, "work").
func (o *Observer) Tracer() trace.Tracer { return o.tracer }

// Gatherer returns the metrics registry, for exposition (the /metrics handler uses it).
func (o *Observer) Gatherer() prometheus.Gatherer { return o.reg }

// Registerer returns the metrics registry, for collectors of your own. Prefer the Counter,
// Gauge, Histogram and GaugeFunc helpers, which prefix names with the namespace.
func (o *Observer) Registerer() prometheus.Registerer { return o.reg }

// Shutdown flushes the spans not yet exported and stops the exporter. It is safe to call
// more than once.
func (o *Observer) Shutdown(ctx context.Context) error {
	if o.shutdown == nil {
		return nil
	}
	err := o.shutdown(ctx)
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("observe: flushing spans: %w", err)
	}
	return nil
}

// fullName prefixes a metric name with the namespace.
func (o *Observer) fullName(name string) string {
	return prometheus.BuildFQName(o.cfg.Namespace, "", name)
}

// Counter registers and returns a counter vector named namespace_name with the given
// label names; later capabilities (realtime, jobs) add their metrics this way:
//
//	sent := o.Counter("jobs_completed_total", "Jobs completed, by queue.", "queue")
//	sent.WithLabelValues("default").Inc()
//
// It panics when the name is taken or invalid, like a route conflict: both are programming
// errors found at start-up.
func (o *Observer) Counter(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: o.fullName(name), Help: help}, labels)
	o.reg.MustRegister(c)
	return c
}

// Gauge registers and returns a gauge vector named namespace_name; see Counter.
func (o *Observer) Gauge(name, help string, labels ...string) *prometheus.GaugeVec {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: o.fullName(name), Help: help}, labels)
	o.reg.MustRegister(g)
	return g
}

// Histogram registers and returns a histogram vector named namespace_name with the given
// bucket bounds (nil: the observer's latency buckets); see Counter.
func (o *Observer) Histogram(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	if len(buckets) == 0 {
		buckets = o.cfg.Buckets
	}
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: o.fullName(name), Help: help, Buckets: buckets}, labels)
	o.reg.MustRegister(h)
	return h
}

// GaugeFunc registers a gauge named namespace_name whose value fn returns at each scrape
// (open WebSocket connections, queue depth); see Counter. fn must be safe for concurrent
// use and quick.
func (o *Observer) GaugeFunc(name, help string, fn func() float64) {
	o.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: o.fullName(name), Help: help}, fn))
}

// since returns the seconds elapsed since start.
func since(start time.Time) float64 { return time.Since(start).Seconds() }
