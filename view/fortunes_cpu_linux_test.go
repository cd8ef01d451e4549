package view

import (
	"bytes"
	"runtime"
	"testing"

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
// not counted: the figure to quote when other work shares the machine.
func BenchmarkFortunesCPU(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	data := requestFortunes()
	bare := bareFortunes(b)
	e := newEngine(b, fortunesFS(), Config{})
	var buf bytes.Buffer
	const batch = 64
	var cpuBare, cpuView int64
	renders := 0
	for b.Loop() {
		t0 := threadCPU(b)
		for range batch {
			buf.Reset()
			if err := bare.Execute(&buf, data); err != nil {
				b.Fatal(err)
			}
		}
		t1 := threadCPU(b)
		for range batch {
			buf.Reset()
			if err := e.Render(nil, &buf, "fortunes.html", data); err != nil {
				b.Fatal(err)
			}
		}
		t2 := threadCPU(b)
		cpuBare += t1 - t0
		cpuView += t2 - t1
		renders += batch
	}
	b.ReportMetric(float64(cpuBare)/float64(renders), "bare-cpu-ns/render")
	b.ReportMetric(float64(cpuView)/float64(renders), "view-cpu-ns/render")
	b.ReportMetric(float64(cpuView)/float64(cpuBare), "view-x")
}
