package observe

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/sinewdev/sinew/web"
)

// UnmatchedRoute is the route label of requests no route matched (404s, redirects to the
// clean path): labelling them by raw path would let any client create series at will.
const UnmatchedRoute = "unmatched"

// httpMetrics are the request metrics, with their label children cached so that recording
// a request allocates nothing.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	size     *prometheus.HistogramVec
	inflight prometheus.Gauge

	mu       sync.Mutex
	children atomic.Pointer[map[httpKey]*httpChild]
}

type httpKey struct {
	method, route string
	class         uint8 // status / 100
}

type httpChild struct {
	requests prometheus.Counter
	duration prometheus.Observer
	size     prometheus.Observer
}

func (m *httpMetrics) init(reg prometheus.Registerer, ns string, buckets []float64) {
	labels := []string{"method", "route", "status"}
	*m = httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: "http",
			Name: "requests_total", Help: "HTTP requests answered, by method, route pattern and status class."}, labels),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Subsystem: "http",
			Name: "request_duration_seconds", Help: "Time to answer HTTP requests, by method, route pattern and status class.",
			Buckets: buckets}, labels),
		size: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Subsystem: "http",
			Name: "response_size_bytes", Help: "Size of HTTP response bodies as sent (after compression), by method, route pattern and status class.",
			Buckets: prometheus.ExponentialBuckets(128, 4, 8)}, labels),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: "http",
			Name: "requests_in_flight", Help: "HTTP requests being answered."}),
	}
	reg.MustRegister(m.requests, m.duration, m.size, m.inflight)
}

var statusClasses = [...]string{"1xx", "1xx", "2xx", "3xx", "4xx", "5xx"}

// child returns the cached metrics of one label set, creating them on first use.
func (m *httpMetrics) child(method, route string, status int) *httpChild {
	class := uint8(status / 100)
	if class >= uint8(len(statusClasses)) {
		class = 5
	}
	k := httpKey{method, route, class}
	if p := m.children.Load(); p != nil {
		if c, ok := (*p)[k]; ok {
			return c
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.children.Load()
	if old != nil {
		if c, ok := (*old)[k]; ok {
			return c
		}
	}
	cls := statusClasses[class]
	c := &httpChild{
		requests: m.requests.WithLabelValues(method, route, cls),
		duration: m.duration.WithLabelValues(method, route, cls),
		size:     m.size.WithLabelValues(method, route, cls),
	}
	next := make(map[httpKey]*httpChild, 1+lenOf(old))
	if old != nil {
		for k, v := range *old {
			next[k] = v
		}
	}
	next[k] = c
	m.children.Store(&next)
	return c
}

func lenOf[K comparable, V any](p *map[K]V) int {
	if p == nil {
		return 0
	}
	return len(*p)
}

// methodLabel bounds the method label to the standard methods.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet:
		return http.MethodGet
	case http.MethodPost:
		return http.MethodPost
	case http.MethodPut:
		return http.MethodPut
	case http.MethodPatch:
		return http.MethodPatch
	case http.MethodDelete:
		return http.MethodDelete
	case http.MethodHead:
		return http.MethodHead
	case http.MethodOptions:
		return http.MethodOptions
	case http.MethodConnect:
		return http.MethodConnect
	case http.MethodTrace:
		return http.MethodTrace
	}
	return "OTHER"
}

// Middleware returns the standard middleware that records, for every request, the request
// count, latency and response size by method, route pattern (never the raw path: a request
// to /posts/123 counts under /posts/{id}, unrouted ones under [UnmatchedRoute]) and status
// class, and the number of requests in flight; and, when tracing is on, a server span that
// continues the caller's W3C trace context (traceparent, tracestate) and is named after the
// route pattern once routing is done. The span is put into the request's context, so ORM
// queries, outgoing calls through [Observer.Transport] and log records made with that
// context join it.
//
// Install it among a Sinew router's global middleware (Router.Use), outside the access log
// so that log records carry the trace ID. In a plain net/http stack every request counts
// under [UnmatchedRoute]. With tracing off, recording a request allocates nothing.
func (o *Observer) Middleware() web.Middleware {
	m := &o.http
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			m.inflight.Inc()
			c := web.CtxFrom(r)
			var rec *statusRecorder
			if c == nil {
				rec = &statusRecorder{ResponseWriter: w}
				w = rec
			}
			var span trace.Span
			if o.tracing {
				ctx := o.prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
				ctx, span = o.tracer.Start(ctx, r.Method, trace.WithSpanKind(trace.SpanKindServer),
					trace.WithAttributes(
						attribute.String("http.request.method", r.Method),
						attribute.String("url.path", r.URL.Path),
						attribute.String("url.scheme", scheme(r)),
						attribute.String("user_agent.original", r.UserAgent()),
					))
				r = r.WithContext(ctx)
				if c != nil {
					c.SetRequest(r)
				}
			}
			completed := false
			defer func() {
				m.inflight.Dec()
				var status int
				var size int64
				route := UnmatchedRoute
				if c != nil {
					status, size = c.Status(), c.BytesWritten()
					if p := c.RoutePattern(); p != "" {
						route = p
					}
				} else {
					status, size = rec.status, rec.size
				}
				switch {
				case !completed && status == 0:
					status = http.StatusInternalServerError
				case status == 0:
					status = http.StatusOK
				}
				ch := m.child(methodLabel(r.Method), route, status)
				ch.requests.Inc()
				ch.size.Observe(float64(size))
				if span == nil {
					ch.duration.Observe(since(start))
				} else if sc := span.SpanContext(); sc.IsSampled() {
					// An exemplar links the latency bucket to this trace (OpenMetrics scrapes).
					ch.duration.(prometheus.ExemplarObserver).ObserveWithExemplar(since(start),
						prometheus.Labels{"trace_id": sc.TraceID().String()})
				} else {
					ch.duration.Observe(since(start))
				}
				if span != nil {
					if route != UnmatchedRoute {
						span.SetName(r.Method + " " + route)
						span.SetAttributes(attribute.String("http.route", route))
					}
					span.SetAttributes(attribute.Int("http.response.status_code", status))
					if status >= 500 {
						span.SetStatus(codes.Error, strconv.Itoa(status))
					}
					span.End()
				}
			}()
			next.ServeHTTP(w, r)
			completed = true
		})
	}
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// statusRecorder records the status and size of responses outside a Sinew router.
type statusRecorder struct {
	http.ResponseWriter
	status int
	size   int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.size += int64(n)
	return n, err
}

// Unwrap gives http.ResponseController the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
