// Command ormbench runs the ORM benchmarks interleaved: for each operation on each
// engine it opens every library's store at once, then measures them in turns, one
// block of operations per library per round, the order of the libraries rotating
// from round to round. Each block is one sample. Load that comes and goes on a shared
// machine, the garbage collector's state and the database server's caches then weigh on
// every library alike, which running each library's benchmark on its own (one after
// another in one process, or each in a process of its own) cannot promise: there, the
// ratios between neighbours moved by up to 15% from run to run on a quiet machine.
//
// It prints the samples in the format of go test -bench (Benchmark<op>_<lib>_<engine>,
// ns/op, cpu-ns/op, B/op, allocs/op), so that benchstat and run.sh read them as they
// read go test's output:
//
//	go run ./cmd/ormbench -rounds 20 -block 100ms > results/raw.txt
//	go run ./cmd/ormbench -op GetByPK,Fetch20 -engine sqlite
//
// PostgreSQL is SINEW_TEST_POSTGRES_URL (default postgres://root@127.0.0.1:5432/test);
// an unreachable server is an error unless -engine leaves it out.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	orm "github.com/sinewdev/sinew/bench/orm"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ormbench:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	rounds  int
	block   time.Duration
	warmup  time.Duration
	ops     []string
	engines []orm.Engine
	libs    []string
	pgURL   string
}

func parse(args []string, stderr io.Writer) (options, error) {
	o := options{pgURL: os.Getenv("SINEW_TEST_POSTGRES_URL")}
	if o.pgURL == "" {
		o.pgURL = "postgres://root@127.0.0.1:5432/test?sslmode=disable"
	}
	fs := flag.NewFlagSet("ormbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.rounds, "rounds", 20, "samples per library, operation and engine")
	fs.DurationVar(&o.block, "block", 100*time.Millisecond, "about how long one sample runs")
	fs.DurationVar(&o.warmup, "warmup", 300*time.Millisecond, "warm-up per library before the first round")
	op := fs.String("op", strings.Join(orm.Operations(), ","), "operations, comma-separated")
	engine := fs.String("engine", "sqlite,postgres", "engines, comma-separated")
	lib := fs.String("lib", "Raw,Sinew,GORM,Bun,Pgx", "libraries, comma-separated")
	fs.StringVar(&o.pgURL, "pg", o.pgURL, "PostgreSQL URL")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.rounds < 1 || o.block <= 0 || o.warmup < 0 {
		return o, errors.New("-rounds and -block must be positive, -warmup not negative")
	}
	for _, name := range split(*op) {
		if !slices.Contains(orm.Operations(), name) {
			return o, fmt.Errorf("unknown operation %q (want %s)", name, strings.Join(orm.Operations(), ", "))
		}
		o.ops = append(o.ops, name)
	}
	for _, name := range split(*engine) {
		switch strings.ToLower(name) {
		case "sqlite":
			o.engines = append(o.engines, orm.SQLite)
		case "postgres":
			o.engines = append(o.engines, orm.Postgres)
		default:
			return o, fmt.Errorf("unknown engine %q (want sqlite, postgres)", name)
		}
	}
	for _, name := range split(*lib) {
		if _, ok := newLibrary(strings.ToLower(name)); !ok {
			return o, fmt.Errorf("unknown library %q (want Raw, Sinew, GORM, Bun, Pgx)", name)
		}
		o.libs = append(o.libs, strings.ToLower(name))
	}
	if len(o.ops) == 0 || len(o.engines) == 0 || len(o.libs) == 0 {
		return o, errors.New("no operation, engine or library to run")
	}
	return o, nil
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// library is one library's way to open a store and get an operation's loop body,
// whatever its model type.
type library struct {
	name    string
	engines []orm.Engine
	start   func(ctx context.Context, t orm.Target, op string) (body func(int) error, stop func() error, err error)
}

// newLibrary returns the library of a lower-case name, or false.
func newLibrary(name string) (library, bool) {
	switch name {
	case "raw":
		return erase(orm.RawLib()), true
	case "sinew":
		return erase(orm.SinewLib()), true
	case "gorm":
		return erase(orm.GORMLib()), true
	case "bun":
		return erase(orm.BunLib()), true
	case "pgx":
		return erase(orm.PgxLib()), true
	}
	return library{}, false
}

// erase wraps a Lib of any model type as a library.
func erase[T any](lib orm.Lib[T]) library {
	return library{name: lib.Name, engines: lib.Engines, start: func(ctx context.Context, t orm.Target, op string) (func(int) error, func() error, error) {
		cleanup, err := orm.Prepare(ctx, t, orm.SeedRows)
		if err != nil {
			return nil, nil, err
		}
		s, err := lib.Open(ctx, t)
		if err != nil {
			return nil, nil, errors.Join(err, cleanup())
		}
		stop := func() error { return errors.Join(s.Close(), cleanup()) }
		body, err := orm.Body(s.Context(ctx), lib, s, op)
		if err != nil {
			return nil, nil, errors.Join(err, stop())
		}
		return body, stop, nil
	}}
}

// contender is one library's store under measurement.
type contender struct {
	name  string
	body  func(int) error
	stop  func() error
	n     int // operations per block
	next  int // the next i to pass to body
	label string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "ormbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	fmt.Fprintf(stdout, "goos: %s\ngoarch: %s\npkg: github.com/sinewdev/sinew/bench/orm\ncpu: %s\n", runtime.GOOS, runtime.GOARCH, cpuModel())
	procs := runtime.GOMAXPROCS(0)
	for _, op := range o.ops {
		for _, e := range o.engines {
			var cs []*contender
			stopAll := func() error {
				var errs []error
				for _, c := range cs {
					errs = append(errs, c.stop())
				}
				return errors.Join(errs...)
			}
			for _, name := range o.libs {
				lib, _ := newLibrary(name)
				if !slices.Contains(lib.engines, e) {
					continue
				}
				t := orm.Target{Engine: e, Path: filepath.Join(dir, op+"-"+lib.name+".db"), URL: o.pgURL,
					Schema: fmt.Sprintf("bench_orm_%s_%d", name, os.Getpid())}
				body, stop, err := lib.start(ctx, t, op)
				if err != nil {
					return errors.Join(fmt.Errorf("%s on %s: %w", lib.name, e, err), stopAll())
				}
				cs = append(cs, &contender{name: lib.name, body: body, stop: stop,
					label: fmt.Sprintf("Benchmark%s_%s_%s-%d", op, lib.name, e, procs)})
			}
			fmt.Fprintf(stderr, "%s on %s: %d libraries, %d rounds\n", op, e, len(cs), o.rounds)
			if err := measure(cs, o, stdout); err != nil {
				return errors.Join(fmt.Errorf("%s on %s: %w", op, e, err), stopAll())
			}
			if err := stopAll(); err != nil {
				return err
			}
		}
	}
	return nil
}

// measure warms every contender up, sizes its block, then runs the rounds, printing one
// line per contender per round. Round r starts with contender r mod len(cs), so each
// library runs first, second, ... equally often; the first round keeps the libraries'
// order, which fixes the order of benchstat's columns.
func measure(cs []*contender, o options, out io.Writer) error {
	for _, c := range cs {
		start := time.Now()
		for c.next == 0 || time.Since(start) < o.warmup {
			if err := c.body(c.next); err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			c.next++
		}
		per := time.Since(start) / time.Duration(c.next)
		c.n = max(1, int(o.block/max(per, 1)))
	}
	for r := range o.rounds {
		for k := range cs {
			c := cs[(r+k)%len(cs)]
			s, err := c.sample()
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			fmt.Fprintf(out, "%s\t%8d\t%12.0f ns/op\t%12.0f cpu-ns/op\t%8d B/op\t%6d allocs/op\n",
				c.label, c.n, s.wall, s.cpu, s.bytes, s.allocs)
		}
	}
	return nil
}

// sample is one block's figures per operation.
type sample struct {
	wall, cpu     float64
	bytes, allocs uint64
}

func (c *contender) sample() (sample, error) {
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	cpu0, okCPU := orm.CPUTime()
	t0 := time.Now()
	for range c.n {
		if err := c.body(c.next); err != nil {
			return sample{}, err
		}
		c.next++
	}
	wall := time.Since(t0)
	cpu1, okCPU1 := orm.CPUTime()
	runtime.ReadMemStats(&m1)
	n := uint64(c.n)
	s := sample{wall: float64(wall) / float64(n), bytes: (m1.TotalAlloc - m0.TotalAlloc) / n, allocs: (m1.Mallocs - m0.Mallocs) / n}
	if okCPU && okCPU1 {
		s.cpu = float64(cpu1-cpu0) / float64(n)
	}
	return s, nil
}

// cpuModel returns the processor's name from /proc/cpuinfo, as go test prints it.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
