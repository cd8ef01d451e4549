package auth

import (
	"testing"
	"time"
)

// reportCPU adds cpu-ms/op, the process CPU time per operation: on a loaded machine it is
// steadier than the wall-clock ns/op.
func reportCPU(b *testing.B, start time.Duration) {
	if used := cpuTime() - start; used > 0 {
		b.ReportMetric(float64(used)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkHashPassword measures one hash with the default parameters (the figure quoted in
// docs/security.md).
func BenchmarkHashPassword(b *testing.B) {
	start := cpuTime()
	for b.Loop() {
		if _, err := HashPassword("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// BenchmarkCheckPassword measures one successful check with the default parameters.
func BenchmarkCheckPassword(b *testing.B) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	start := cpuTime()
	for b.Loop() {
		if ok, _, err := CheckPassword(h, "correct horse battery staple"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
	reportCPU(b, start)
}

// BenchmarkValidatePassword measures the password rules, dominated by the scan of the
// common-password list.
func BenchmarkValidatePassword(b *testing.B) {
	for b.Loop() {
		if err := ValidatePassword("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}
