//go:build unix

package orm

import (
	"syscall"
	"time"
)

// CPUTime returns the CPU time (user and system) the process has used so far,
// from getrusage(RUSAGE_SELF), and whether it could be read. Unlike wall-clock
// time it does not grow while the process waits for a CPU, so it stays steady
// on a busy machine. On PostgreSQL it counts only the client's work (the
// library, the driver, the Go runtime), not the server's; on SQLite, whose
// engine runs in the process, it counts both.
func CPUTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
