//go:build unix

package router

import (
	"syscall"
	"time"
)

// CPUTime returns the CPU time (user and system) the process has used so
// far, from getrusage(RUSAGE_SELF), and whether it could be read. Unlike
// wall-clock time it does not grow while the process waits for a CPU, so it
// stays steady on a busy machine.
func CPUTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
