//go:build !unix

package orm

import "time"

// CPUTime reports that the process CPU time cannot be read on this system.
func CPUTime() (time.Duration, bool) { return 0, false }
