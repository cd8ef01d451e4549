package observe_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"

	"github.com/sinewdev/sinew/observe"
)

func TestLogHandler(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	h := observe.NewLogHandler(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelError}), slog.LevelInfo)
	logger := slog.New(h).With("app", "blog").WithGroup("g")

	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid}))

	logger.Debug("debug hidden")
	logger.InfoContext(ctx, "info shown, no ids yet") // the inner handler's Error level is bypassed
	h.SetTraceIDs(true)
	logger.InfoContext(ctx, "with ids")
	logger.Info("no span") //nolint:sloglint // a record without a context
	h.Level().Set(slog.LevelDebug)
	logger.Debug("debug shown")
	h.Level().Set(slog.LevelWarn)
	logger.Info("info hidden")

	out := buf.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d records, want 4:\n%s", len(lines), out)
	}
	if strings.Contains(lines[0], "trace_id") || !strings.Contains(lines[0], "app=blog") {
		t.Errorf("record before SetTraceIDs: %s", lines[0])
	}
	if !strings.Contains(lines[1], "4bf92f3577b34da6a3ce929d0e0e4736") || !strings.Contains(lines[1], "00f067aa0ba902b7") {
		t.Errorf("record with a span lacks its IDs: %s", lines[1])
	}
	if strings.Contains(lines[2], "trace_id") {
		t.Errorf("record without a span has IDs: %s", lines[2])
	}
	if !strings.Contains(lines[3], "debug shown") {
		t.Errorf("level change not seen by a derived logger: %s", lines[3])
	}
}
