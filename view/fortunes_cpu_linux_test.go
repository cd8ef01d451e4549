package view

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"

	"github.com/sinewdev/sinew/web"

	"golang.org/x/sys/unix"
)

// threadCPU returns the CPU time consumed by the calling OS thread.
func threadCPU(tb testing.TB) int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		tb.Fatal(err)
	}
	return ts.Nano()
}

// BenchmarkFortunesCPU is BenchmarkFortunesPaired measured in CPU time of the benchmark's
// thread, in alternating batches, so that time spent waiting for a busy machine's CPUs is
// not counted: the figure to quote when other work shares the machine. "render" renders
// into a buffer; "http" serves the request through a web.Router as BenchmarkFortunesHTTP
// does.
func BenchmarkFortunesCPU(b *testing.B) {
	data := requestFortunes()
	bare := bareFortunes(b)
	e := newEngine(b, fortunesFS(), Config{})
	var buf bytes.Buffer
	b.Run("render", func(b *testing.B) {
		pairedCPU(b, func() error {
			buf.Reset()
			return bare.Execute(&buf, data)
		}, func() error {
			buf.Reset()
			return e.Render(nil, &buf, "fortunes.html", data)
		})
	})
	b.Run("http", func(b *testing.B) {
		logger := slog.New(slog.DiscardHandler)
		bufs := sync.Pool{New: func() any { return new(bytes.Buffer) }}
		rBare := web.NewRouter(web.Config{Logger: logger})
		rBare.GET("/fortunes", func(c *web.Ctx) error {
			buf := bufs.Get().(*bytes.Buffer)
			defer bufs.Put(buf)
			buf.Reset()
			if err := bare.Execute(buf, requestFortunes()); err != nil {
				return err
			}
			return c.Blob(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
		})
		rView := web.NewRouter(web.Config{Logger: logger, Renderer: e})
		rView.GET("/fortunes", func(c *web.Ctx) error {
			return c.Render(http.StatusOK, "fortunes.html", requestFortunes())
		})
		req := httptest.NewRequest(http.MethodGet, "/fortunes", nil)
		w := &discardWriter{h: http.Header{}}
		serve := func(r *web.Router) func() error {
			return func() error {
				clear(w.h)
				r.ServeHTTP(w, req)
				return nil
			}
		}
		pairedCPU(b, serve(rBare), serve(rView))
	})
}

// pairedCPU runs bare and view in alternating batches on one locked OS thread and reports
// the thread CPU time of each per call, and their ratio.
func pairedCPU(b *testing.B, bare, view func() error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const batch = 64
	var cpuBare, cpuView int64
	calls := 0
	for b.Loop() {
		t0 := threadCPU(b)
		for range batch {
			if err := bare(); err != nil {
				b.Fatal(err)
			}
		}
		t1 := threadCPU(b)
		for range batch {
			if err := view(); err != nil {
				b.Fatal(err)
			}
		}
		t2 := threadCPU(b)
		cpuBare += t1 - t0
		cpuView += t2 - t1
		calls += batch
	}
	b.ReportMetric(float64(cpuBare)/float64(calls), "bare-cpu-ns/page")
	b.ReportMetric(float64(cpuView)/float64(calls), "view-cpu-ns/page")
	b.ReportMetric(float64(cpuView)/float64(cpuBare), "view-x")
}
