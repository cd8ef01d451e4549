package router

import (
	"runtime"
	"testing"
)

func TestCPUTimeGrows(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no getrusage on " + runtime.GOOS)
	}
	start, ok := CPUTime()
	if !ok {
		t.Fatal("CPUTime not available on a unix system")
	}
	x := uint64(1)
	for i := range 50_000_000 {
		x = x*6364136223846793005 + uint64(i)
	}
	end, ok := CPUTime()
	if !ok || end <= start {
		t.Errorf("CPUTime went from %v to %v (ok=%v) over a busy loop (%d)", start, end, ok, x)
	}
}
