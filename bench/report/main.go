package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

const usage = `usage: report [docs] [flags] [results.json ...]
       report check    -impl NAME -url BASE [-db DSN] [-tests LIST]
       report load     -impl NAME -test NAME -url BASE [-pid PID] [-duration 10s] [-warmup 5s] ...
       report startup  -impl NAME -url URL [-runs 5] -- COMMAND [ARG...]
       report wait     -url URL [-timeout 60s]
       report assemble -records FILE -out FILE [settings flags]

docs (the default) rewrites the Full-stack section of docs/benchmarks.md and the charts
from the newest results file, or from the median of the files named. The other
subcommands are the steps bench/run takes; check, load and startup print one JSON record.`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		stop()
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a command-line mistake; main exits with 2 for it.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg + "\n" + usage }

// errCheckFailed is returned by the check subcommand when an implementation fails a check
// (its record has been printed).
var errCheckFailed = errors.New("the implementation failed its checks")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "docs"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") && !strings.HasSuffix(args[0], ".json") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "docs":
		return cmdDocs(args, stderr)
	case "check":
		return cmdCheck(ctx, args, stdout, stderr)
	case "load":
		return cmdLoad(ctx, args, stdout, stderr)
	case "startup":
		return cmdStartup(ctx, args, stdout, stderr)
	case "wait":
		return cmdWait(ctx, args, stderr)
	case "assemble":
		return cmdAssemble(ctx, args, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown subcommand %q", cmd)}
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	return nil
}

func printRecord(w io.Writer, r record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", stderr)
	impl := fs.String("impl", "", "implementation name (for the record)")
	base := fs.String("url", "http://127.0.0.1:8080", "base URL of the running implementation")
	dsn := fs.String("db", "", "PostgreSQL URL to verify rows against (empty: skip those checks)")
	list := fs.String("tests", "plaintext,json,db,queries,fortunes,updates", "comma-separated tests to check")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *impl == "" {
		return usageError{"check: -impl is required"}
	}
	res, err := runCheck(ctx, *impl, *base, *dsn, splitList(*list))
	if err != nil {
		return err
	}
	for _, p := range res.Problems {
		fmt.Fprintf(stderr, "  FAIL %s %s\n", *impl, p)
	}
	if err := printRecord(stdout, record{Kind: "check", Impl: *impl, Check: res}); err != nil {
		return err
	}
	if !res.OK {
		return errCheckFailed
	}
	return nil
}

func cmdLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("load", stderr)
	impl := fs.String("impl", "", "implementation name (for the record)")
	test := fs.String("test", "", "test name: plaintext, json, db, queries, fortunes or updates")
	base := fs.String("url", "http://127.0.0.1:8080", "base URL of the running implementation")
	pid := fs.Int("pid", 0, "server process whose peak RSS (with its children) is recorded")
	cfg := loadConfig{}
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measured duration")
	fs.DurationVar(&cfg.Warmup, "warmup", 5*time.Second, "warm-up duration before the measurement (0: none)")
	fs.IntVar(&cfg.Connections, "connections", 64, "concurrent connections")
	fs.IntVar(&cfg.Threads, "threads", 1, "wrk threads")
	fs.StringVar(&cfg.CPU, "cpu", "1", "cores for wrk (taskset -c); empty: unpinned")
	fs.DurationVar(&cfg.IdleWait, "idle-wait", 20*time.Second, "wait up to this long for idle CPUs before measuring (0: don't)")
	fs.Float64Var(&cfg.IdleMin, "idle-min", 0.85, "idle share of the CPUs to wait for")
	fs.IntVar(&cfg.Attempts, "attempts", 3, "measurements at most, while other work disturbs them")
	fs.Float64Var(&cfg.MaxForeign, "max-foreign", 0.10, "share of CPU time other work may take during an undisturbed measurement")
	fs.StringVar(&cfg.DBName, "dbname", "tfb", "the benchmark database (its backends' CPU time is the measurement's)")
	logPath := fs.String("log", "", "append wrk's output to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	path, ok := testPath(*test)
	if *impl == "" || !ok {
		return usageError{"load: -impl and a known -test are required"}
	}
	if cfg.Duration < time.Second {
		return usageError{"load: -duration must be at least 1s"}
	}
	cfg.URL = strings.TrimRight(*base, "/") + path
	cfg.PID = *pid
	if *logPath != "" {
		f, err := os.OpenFile(*logPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		cfg.Log = f
	}
	res, err := runLoad(ctx, cfg)
	if err != nil {
		return fmt.Errorf("%s %s: %w", *impl, *test, err)
	}
	idle := "not sampled"
	if res.CPUIdle >= 0 {
		idle = fmt.Sprintf("%.0f%%", res.CPUIdle*100)
	}
	fmt.Fprintf(stderr, "  %-14s %-10s %10.0f req/s  p50 %7.2f ms  p99 %8.2f ms  errors %d  peak RSS %5.1f MiB  idle before %s, other work %.0f%% (%d attempts)\n",
		*impl, *test, res.RPS, res.P50Ms, res.P99Ms, res.Errors.Total(), float64(res.PeakRSSKB)/1024, idle, res.ForeignCPU*100, res.Attempts)
	return printRecord(stdout, record{Kind: "test", Impl: *impl, Test: *test, Result: res})
}

func cmdStartup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("startup", stderr)
	impl := fs.String("impl", "", "implementation name (for the record)")
	cfg := startupConfig{}
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080/plaintext", "URL polled until it answers 200")
	fs.IntVar(&cfg.Runs, "runs", 5, "cold starts to measure")
	fs.DurationVar(&cfg.Timeout, "timeout", 60*time.Second, "limit for one start")
	fs.DurationVar(&cfg.Idle, "idle", 2*time.Second, "idle time before the RSS is read")
	logPath := fs.String("log", "", "append the app's output to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg.Argv = fs.Args()
	if *impl == "" || len(cfg.Argv) == 0 || cfg.Runs < 1 {
		return usageError{"startup: -impl, -runs >= 1 and a command after -- are required"}
	}
	cfg.Log = io.Discard
	if *logPath != "" {
		f, err := os.OpenFile(*logPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		cfg.Log = f
	}
	res, err := runStartup(ctx, cfg)
	if err != nil {
		return fmt.Errorf("%s start-up: %w", *impl, err)
	}
	fmt.Fprintf(stderr, "  %-14s start-up %8.1f ms (median of %d)  idle RSS %.1f MiB\n",
		*impl, res.MedianMs, len(res.RunsMs), float64(res.IdleRSSKB)/1024)
	return printRecord(stdout, record{Kind: "startup", Impl: *impl, Startup: res})
}

func cmdWait(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlags("wait", stderr)
	u := fs.String("url", "http://127.0.0.1:8080/plaintext", "URL polled until it answers 200")
	timeout := fs.Duration("timeout", 60*time.Second, "how long to wait")
	if err := parse(fs, args); err != nil {
		return err
	}
	return waitReady(ctx, *u, *timeout)
}

func cmdAssemble(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlags("assemble", stderr)
	recordsPath := fs.String("records", "", "records file written by bench/run")
	out := fs.String("out", "", "results file to write")
	command := fs.String("command", "bench/run", "the command line of the run")
	started := fs.String("started", "", "start time (RFC 3339)")
	dsn := fs.String("db", "postgres://postgres@127.0.0.1:5432/tfb?sslmode=disable", "the benchmark database, for its version")
	tfbDir := fs.String("tfb", "bench/tfb", "folder of the implementations, for their versions")
	repoDir := fs.String("repo", ".", "the repository, for Sinew's commit")
	var s Settings
	fs.IntVar(&s.DurationSec, "duration", 10, "measured seconds per test")
	fs.IntVar(&s.WarmupSec, "warmup", 5, "warm-up seconds per test")
	fs.IntVar(&s.Connections, "connections", 64, "wrk connections")
	fs.IntVar(&s.Threads, "threads", 1, "wrk threads")
	fs.BoolVar(&s.Quick, "quick", false, "the run was a --quick run")
	fs.StringVar(&s.ServerCPU, "server-cpu", "0", "cores the servers were pinned to")
	fs.StringVar(&s.LoadCPU, "load-cpu", "1", "cores wrk was pinned to")
	fs.StringVar(&s.DBCPU, "db-cpu", "", "cores PostgreSQL was pinned to (empty: not pinned)")
	fs.IntVar(&s.DBPool, "db-pool", 16, "database connections per server")
	fs.IntVar(&s.PythonProcs, "python-workers", 2, "gunicorn workers")
	fs.IntVar(&s.StartupRuns, "startup-runs", 5, "cold starts per app")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *recordsPath == "" || *out == "" {
		return usageError{"assemble: -records and -out are required"}
	}
	recs, err := readRecords(*recordsPath)
	if err != nil {
		return err
	}
	irs, err := assembleImpls(recs)
	if err != nil {
		return err
	}
	for i := range irs {
		irs[i].Versions = versionsOf(lookupImpl(irs[i].Name), *tfbDir, *repoDir)
	}
	res := Results{Finished: time.Now().UTC().Truncate(time.Second), Command: *command, Settings: s, Impls: irs}
	if *started != "" {
		if res.Started, err = time.Parse(time.RFC3339, *started); err != nil {
			return usageError{"assemble: -started: " + err.Error()}
		}
	}
	res.Machine = describeMachine(ctx, *dsn)
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(*out, append(b, '\n'), 0o644)
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
