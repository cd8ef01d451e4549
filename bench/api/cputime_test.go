package api

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time (user and system) the process has used so far. Unlike wall-clock
// time it does not grow while the process waits for a CPU, so it stays steady on a busy,
// shared machine.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}

// reportCPU adds the process CPU time per iteration since start as "cpu-ns/op".
func reportCPU(b *testing.B, start time.Duration, ok bool) {
	end, ok2 := cpuTime()
	if ok && ok2 && b.N > 0 {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}
