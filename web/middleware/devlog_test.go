package middleware

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// devRecords logs a fixed set of records through h.
func devRecords(h slog.Handler) {
	at := time.Date(2026, 3, 14, 15, 9, 26, 535_000_000, time.UTC)
	log := func(h slog.Handler, level slog.Level, msg string, attrs ...slog.Attr) {
		r := slog.NewRecord(at, level, msg, 0)
		r.AddAttrs(attrs...)
		_ = h.Handle(context.Background(), r)
	}
	log(h, slog.LevelInfo, "request", slog.String("method", "GET"), slog.String("path", "/posts/42"),
		slog.String("route", "/posts/{id}"), slog.Int("status", 200), slog.Int64("bytes", 1234),
		slog.Duration("duration", 1234567*time.Nanosecond), slog.String("ip", "192.0.2.1"),
		slog.String("request_id", "01hq3x7k9m2n4p6r8t0v2x4z6b"),
		slog.String("user_agent", "Mozilla/5.0 (X11; Linux x86_64)"))
	log(h, slog.LevelWarn, "request", slog.Int("status", 404), slog.Duration("duration", 870*time.Microsecond+123))
	log(h, slog.LevelError, "request failed", slog.Int("status", 500), slog.Any("err", errors.New("db: connection refused")),
		slog.String("stack", "goroutine 1 [running]:\nmain.handler()\n\t/app/main.go:12 +0x1d\n"))
	log(h, slog.LevelInfo, "hostile\nmessage", slog.String("user_agent", "x\nINF forged=1\x1b[31m"),
		slog.String("empty", ""), slog.String("quote", `say "hi"`), slog.String("eq", "a=b"))
	log(h, slog.LevelDebug+1, "between levels", slog.Bool("ok", true), slog.Float64("ratio", 0.25),
		slog.Time("at", at), slog.Any("list", []int{1, 2}))
	g := h.WithAttrs([]slog.Attr{slog.String("app", "showcase")}).WithGroup("req")
	log(g, slog.LevelInfo, "grouped", slog.String("method", "POST"),
		slog.Group("user", slog.Int("id", 7), slog.String("name", "ada")), slog.Group("", slog.Int("inline", 1)))
	log(h, slog.LevelWarn, "multi-line attack", slog.String("value", "line one\nINF forged record\n\x1b[2Jcleared"))
}

func TestDevHandlerGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		color ColorMode
	}{{"devlog_plain.golden", ColorNever}, {"devlog_color.golden", ColorAlways}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			devRecords(NewDevHandler(&buf, DevHandlerConfig{Level: slog.LevelDebug, Color: tc.color}))
			path := filepath.Join("testdata", tc.name)
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got := buf.String(); got != string(want) {
				t.Errorf("output differs from %s:\n%s", path, got)
			}
		})
	}
}

func TestDevHandlerNeverForgesLines(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	devRecords(NewDevHandler(&buf, DevHandlerConfig{Level: slog.LevelDebug, Color: ColorNever}))
	for _, line := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
		if strings.HasPrefix(line, " ") {
			continue // a block line, indented
		}
		if !strings.HasPrefix(line, "15:09:26.535 ") {
			t.Errorf("line does not start a record: %q", line)
		}
		if strings.ContainsRune(line, '\x1b') {
			t.Errorf("escape sequence written: %q", line)
		}
	}
}

func TestDevHandlerLevelAndAuto(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	h := NewDevHandler(&buf, DevHandlerConfig{})
	if h.Enabled(context.Background(), slog.LevelDebug) || !h.Enabled(context.Background(), slog.LevelInfo) {
		t.Error("default level is not Info")
	}
	slog.New(h).Info("hello", "k", "v")
	if out := buf.String(); strings.Contains(out, "\x1b") || !strings.Contains(out, "INF hello k=v\n") {
		t.Errorf("auto colour on a buffer: %q", out)
	}
	if isTerminal(&buf) {
		t.Error("a buffer is a terminal")
	}
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Error("a regular file is a terminal")
	}
}

func TestDevHandlerConcurrent(t *testing.T) {
	t.Parallel()
	var buf logBuffer
	logger := slog.New(NewDevHandler(&buf, DevHandlerConfig{Color: ColorNever}))
	var wg sync.WaitGroup
	for i := range 8 {
		l := logger.With("worker", i)
		wg.Go(func() {
			for range 100 {
				l.Info("tick", "n", 1)
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSpace(buf.buf.String()), "\n")
	if len(lines) != 800 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if !strings.HasSuffix(l, " n=1") || !strings.Contains(l, "INF tick worker=") {
			t.Fatalf("interleaved line %q", l)
		}
	}
}
