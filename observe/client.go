package observe

import (
	"net/http"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Transport wraps base (nil: http.DefaultTransport) so that every outgoing request gets a
// client span, child of the span in the request's context, and carries the W3C trace
// context (traceparent, tracestate) to the server it calls. The span ends when the response
// headers arrive. With tracing off, Transport returns base itself: nothing is added.
func (o *Observer) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if !o.tracing {
		return base
	}
	return &transport{base: base, o: o}
}

// Client returns an *http.Client whose requests are traced (see Transport), with a
// 30-second overall timeout. Make outgoing calls with a context, so that the span has
// the request's parent:
//
//	req, _ := http.NewRequestWithContext(c, "GET", url, nil)
//	res, err := client.Do(req)
func (o *Observer) Client() *http.Client {
	return &http.Client{Transport: o.Transport(nil), Timeout: 30 * time.Second}
}

type transport struct {
	base http.RoundTripper
	o    *Observer
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, span := t.o.tracer.Start(req.Context(), req.Method, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(
			attribute.String("http.request.method", req.Method),
			attribute.String("server.address", req.URL.Hostname()),
			attribute.String("url.full", redactedURL(req)),
		))
	defer span.End()
	out := req.Clone(ctx) // a RoundTripper must not modify the caller's request
	t.o.prop.Inject(ctx, propagation.HeaderCarrier(out.Header))
	res, err := t.base.RoundTrip(out)
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
		return res, err
	}
	span.SetAttributes(attribute.Int("http.response.status_code", res.StatusCode))
	if res.StatusCode >= 400 {
		span.SetStatus(codes.Error, strconv.Itoa(res.StatusCode))
	}
	return res, nil
}

// redactedURL is the request URL without credentials or query string (which often carry
// tokens).
func redactedURL(req *http.Request) string {
	u := *req.URL
	u.User = nil
	u.RawQuery = ""
	u.Fragment = ""
	return u.String()
}
