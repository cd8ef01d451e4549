package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

func TestBadArguments(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-op", "GetByPK,DropTables"}, `unknown operation "DropTables"`},
		{[]string{"-engine", "oracle"}, `unknown engine "oracle"`},
		{[]string{"-lib", "Raw,'; DROP TABLE posts; --"}, `unknown library`},
		{[]string{"-rounds", "0"}, "must be positive"},
		{[]string{"-block", "-1s"}, "must be positive"},
		{[]string{"-rounds", "many"}, "invalid value"},
		{[]string{"-op", ","}, "no operation"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-block", strings.Repeat("9", 4000) + "s"}, "invalid value"},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), tc.args, &out, &errOut)
		if err == nil || !strings.Contains(err.Error()+errOut.String(), tc.want) {
			t.Errorf("%q: error %v (stderr %q), want %q", tc.args, err, errOut.String(), tc.want)
		}
		if strings.Contains(out.String(), "Benchmark") {
			t.Errorf("%q: measured something: %s", tc.args, out.String())
		}
	}
}

// TestSamplesInGoTestFormat runs two libraries on SQLite for two short rounds and checks
// that every sample line is one benchstat reads, in the rotating order.
func TestSamplesInGoTestFormat(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-rounds", "2", "-block", "2ms", "-warmup", "0", "-op", "GetByPK", "-engine", "sqlite", "-lib", "Raw,Sinew"}, &out, &errOut)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	line := regexp.MustCompile(`^Benchmark(GetByPK)_(Raw|Sinew)_SQLite-\d+\t +\d+\t +\d+ ns/op\t +\d+ cpu-ns/op\t +\d+ B/op\t +\d+ allocs/op$`)
	var libs []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if !strings.HasPrefix(l, "Benchmark") {
			continue
		}
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("line %q is not in go test's format", l)
		}
		libs = append(libs, m[2])
	}
	if got, want := strings.Join(libs, ","), "Raw,Sinew,Sinew,Raw"; got != want {
		t.Errorf("samples in order %s, want %s (the order rotates every round)", got, want)
	}
	if !strings.HasPrefix(out.String(), "goos: ") {
		t.Errorf("no go test header:\n%s", out.String())
	}
}
