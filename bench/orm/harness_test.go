package orm

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// postgresEnv names the variable holding the PostgreSQL URL.
const postgresEnv = "SINEW_TEST_POSTGRES_URL"

// defaultPostgresURL is where the benchmarks look for PostgreSQL when
// postgresEnv is not set (the tests, unlike the benchmarks, then skip).
const defaultPostgresURL = "postgres://root@127.0.0.1:5432/test?sslmode=disable"

// benchPostgresURL returns the PostgreSQL URL of the benchmarks.
func benchPostgresURL() string {
	if u := os.Getenv(postgresEnv); u != "" {
		return u
	}
	return defaultPostgresURL
}

// execModeEnv names the variable that overrides DefaultExecMode, pgx's query
// execution mode for every library on PostgreSQL (cache_statement turns on
// pgx's statement cache for all of them).
const execModeEnv = "SINEW_BENCH_PG_EXEC_MODE"

// target returns the target of lib on engine e for one benchmark or test: a
// file in a temporary directory, or a schema named after the library and this
// process, so that two runs on one server do not meet.
func target(tb testing.TB, libName string, e Engine, pgURL string) Target {
	tb.Helper()
	if e == SQLite {
		return Target{Engine: SQLite, Path: filepath.Join(tb.TempDir(), "bench.db")}
	}
	return Target{Engine: Postgres, URL: pgURL, Schema: fmt.Sprintf("bench_orm_%s_%d", strings.ToLower(libName), os.Getpid()),
		ExecMode: os.Getenv(execModeEnv)}
}

// setup prepares lib's copy of the data on t, seeded with SeedRows rows, and
// opens its store; both are cleaned up with tb. PostgreSQL being unreachable
// skips.
func setup[T any](tb testing.TB, lib Lib[T], t Target) (Store[T], context.Context) {
	tb.Helper()
	ctx := context.Background()
	trace := t.Tracer
	t.Tracer = nil // the seeding statements are not the library's
	cleanup, err := Prepare(ctx, t, SeedRows)
	if err != nil {
		if t.Engine == Postgres {
			tb.Skipf("PostgreSQL at %s is not usable (set %s to a server): %v", t.URL, postgresEnv, err)
		}
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := cleanup(); err != nil {
			tb.Error(err)
		}
	})
	t.Tracer = trace
	s, err := lib.Open(ctx, t)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Error(err)
		}
	})
	return s, s.Context(ctx)
}

// measure runs body in the benchmark loop, reporting allocations and the
// process CPU time per operation (cpu-ns/op). It calls body once before
// measuring, so that what a library builds on first use (Sinew's plans, GORM's
// parsed schema, bun's table) is not counted: the slower operations run only a
// few dozen times on a busy machine.
func measure(b *testing.B, body func(i int)) {
	b.Helper()
	b.ReportAllocs()
	body(0)
	start, ok := CPUTime()
	n := 0
	for b.Loop() {
		body(n)
		n++
	}
	if end, ok2 := CPUTime(); ok && ok2 && n > 0 {
		b.ReportMetric(float64(end-start)/float64(n), "cpu-ns/op")
	}
}

// benchOp runs operation op (one of Operations) of lib on engine e. Each
// benchmark seeds its own copy of the data, so that every library starts from
// the same state.
func benchOp[T any](b *testing.B, lib Lib[T], e Engine, op string) {
	s, ctx := setup(b, lib, target(b, lib.Name, e, benchPostgresURL()))
	body, err := Body(ctx, lib, s, op)
	if err != nil {
		b.Fatal(err)
	}
	measure(b, func(i int) {
		if err := body(i); err != nil {
			b.Fatal(err)
		}
	})
}
