package observe

import (
	"context"
	"log/slog"
	"sync/atomic"

	"go.opentelemetry.io/otel/trace"
)

// LogHandler wraps a slog.Handler to give it a level that can change at run time (the ops
// endpoint /ops/loglevel changes it) and, once trace IDs are turned on, to add trace_id and
// span_id to every record made with a context that carries a span.
//
// The wrapped handler's own level is bypassed: LogHandler decides alone which records pass,
// so build the inner handler with the lowest level you may want (slog.LevelDebug).
type LogHandler struct {
	inner    slog.Handler
	level    *slog.LevelVar
	traceIDs *atomic.Bool
}

// NewLogHandler returns a LogHandler over inner, starting at level.
func NewLogHandler(inner slog.Handler, level slog.Level) *LogHandler {
	lv := new(slog.LevelVar)
	lv.Set(level)
	return &LogHandler{inner: inner, level: lv, traceIDs: new(atomic.Bool)}
}

// Level returns the handler's level, shared by the handlers derived from it with WithAttrs
// and WithGroup; Set it to change what is logged from then on.
func (h *LogHandler) Level() *slog.LevelVar { return h.level }

// SetTraceIDs turns the trace_id and span_id attributes on or off (the App turns them on
// when tracing is on; off, records cost no context lookup).
func (h *LogHandler) SetTraceIDs(on bool) { h.traceIDs.Store(on) }

// Enabled implements slog.Handler.
func (h *LogHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

// Handle implements slog.Handler.
func (h *LogHandler) Handle(ctx context.Context, r slog.Record) error {
	if ctx != nil && h.traceIDs.Load() {
		if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
			r = r.Clone()
			r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
		}
	}
	return h.inner.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (h *LogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &LogHandler{inner: h.inner.WithAttrs(as), level: h.level, traceIDs: h.traceIDs}
}

// WithGroup implements slog.Handler.
func (h *LogHandler) WithGroup(name string) slog.Handler {
	return &LogHandler{inner: h.inner.WithGroup(name), level: h.level, traceIDs: h.traceIDs}
}
