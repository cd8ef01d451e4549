// Package observe makes a Sinew app operable in production: Prometheus metrics (requests
// by route pattern, method and status class, in-flight requests, response sizes, ORM query
// latency by operation, connection pool statistics, Go runtime and process metrics),
// OpenTelemetry tracing (server spans that continue the caller's W3C trace context, ORM
// query spans, traced outgoing HTTP calls, exported over OTLP/HTTP), a slog handler whose
// level changes at run time and whose records carry trace IDs, and the ops endpoints:
// /metrics, /ops (build, uptime, redacted configuration, routes, migrations),
// /ops/loglevel and /debug/pprof/, all behind a Guard (a token, the loopback interface in
// dev, or an Authorize callback).
//
// An [Observer] is created once per app (the sinew.App wires one by default: see
// docs/operations.md) and holds its own Prometheus registry, so several apps in one test
// binary never share series. Other capabilities add their metrics through
// [Observer.Counter], [Observer.Gauge], [Observer.Histogram] and [Observer.GaugeFunc].
// Tracing is off unless an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT) or a TracerProvider
// is configured; off, it costs nothing: no span is started and recording a request's
// metrics allocates nothing.
package observe
