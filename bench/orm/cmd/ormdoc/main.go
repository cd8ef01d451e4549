package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	ormbench "github.com/sinewdev/sinew/bench/orm"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ormdoc:", err)
		os.Exit(1)
	}
}

// list is a flag that may be repeated.
type list []string

func (l *list) String() string     { return strings.Join(*l, ", ") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

// run parses the flags and either prints the worst benchmark (-worst) or
// writes the section into the document.
func run(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("ormdoc", flag.ContinueOnError)
	var (
		csvPath  = fl.String("csv", "", "benchstat -col /lib -format csv output (required)")
		textPath = fl.String("text", "", "benchstat -col /lib text output (required unless -worst)")
		docPath  = fl.String("doc", "", "the Markdown document to update (required unless -worst)")
		worst    = fl.String("worst", "", "print the Sinew benchmark furthest above Raw for this metric (cpu-ns/op, ns/op, allocs/op, B/op) and exit")
		cpuBench = fl.String("cpuprofile-bench", "", "the benchmark -cpuprofile profiled")
		cpuProf  = fl.String("cpuprofile", "", "go tool pprof -top output of a CPU profile (optional)")
		memBench = fl.String("memprofile-bench", "", "the benchmark -memprofile profiled")
		memProf  = fl.String("memprofile", "", "go tool pprof -sample_index=alloc_objects -top output (optional)")
		pgURL    = fl.String("pgurl", "", "PostgreSQL URL to ask the server version when -postgres is not given (optional)")
		env      Env
		versions list
	)
	fl.StringVar(&env.Date, "date", "", "day of the run")
	fl.StringVar(&env.CPU, "cpu", "", "CPU model")
	fl.StringVar(&env.NProc, "nproc", "", "number of CPUs")
	fl.StringVar(&env.GoVersion, "go", "", "go version output")
	fl.StringVar(&env.Benchstat, "benchstat", "", "benchstat module, version and flags")
	fl.StringVar(&env.Command, "command", "", "the exact benchmark command")
	fl.IntVar(&env.Count, "count", 0, "samples (rounds) per benchmark")
	fl.StringVar(&env.Block, "block", "100ms", "about how long one sample runs")
	fl.StringVar(&env.Load, "load", "", "load averages seen during the run")
	fl.Var(&versions, "version", "a library's \"module version\" (repeatable)")
	fl.StringVar(&env.SQLite, "sqlite", "", "SQLite version")
	fl.StringVar(&env.Postgres, "postgres", "", "PostgreSQL server version")
	fl.StringVar(&env.ExecMode, "execmode", "", "pgx default_query_exec_mode of the run")
	fl.StringVar(&env.Commit, "commit", "", "the Sinew commit")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fl.Args())
	}
	env.Versions = versions
	if *csvPath == "" {
		return errors.New("-csv is required")
	}
	f, err := os.Open(*csvPath)
	if err != nil {
		return err
	}
	stats, err := ParseCSV(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", *csvPath, err)
	}

	if *worst != "" {
		if !hasMetric(stats, *worst) {
			return fmt.Errorf("-worst %q: no such metric in %s (have %s)", *worst, *csvPath, strings.Join(stats.Metrics, ", "))
		}
		r, _, ok := stats.Worst(*worst)
		if !ok {
			return fmt.Errorf("-worst %s: no row has both %s and %s", *worst, base, subject)
		}
		_, err := fmt.Fprintln(stdout, BenchName(r, subject))
		return err
	}

	if *textPath == "" || *docPath == "" {
		return errors.New("-text and -doc are required")
	}
	text, err := os.ReadFile(*textPath)
	if err != nil {
		return err
	}
	if err := engineVersions(&env, *pgURL); err != nil {
		return err
	}
	rep := &Report{Stats: stats, Env: env, Benchstat: string(text)}
	for _, p := range []struct{ bench, path, kind string }{
		{*cpuBench, *cpuProf, "CPU"},
		{*memBench, *memProf, "Allocation (alloc_objects)"},
	} {
		if p.path == "" {
			continue
		}
		data, err := os.ReadFile(p.path)
		if err != nil {
			return err
		}
		rep.Profiles = append(rep.Profiles, Profile{Bench: orUnknown(p.bench), Kind: p.kind, Text: string(data)})
	}

	doc, err := os.ReadFile(*docPath)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	out := Splice(string(doc), Render(rep))
	tmp := *docPath + ".tmp"
	if err := os.WriteFile(tmp, []byte(out), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, *docPath); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("replace %s: %w", *docPath, err)
	}
	return nil
}

// engineVersions fills in the SQLite version, and the PostgreSQL server's when
// pgURL is given, unless the flags gave them.
func engineVersions(env *Env, pgURL string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if env.SQLite == "" {
		dir, err := os.MkdirTemp("", "ormdoc")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		v, err := ormbench.EngineVersion(ctx, ormbench.Target{Engine: ormbench.SQLite, Path: filepath.Join(dir, "version.db")})
		if err != nil {
			return err
		}
		env.SQLite = v
	}
	if env.Postgres == "" && pgURL != "" {
		v, err := ormbench.EngineVersion(ctx, ormbench.Target{Engine: ormbench.Postgres, URL: pgURL, Schema: "public"})
		if err != nil {
			return err
		}
		env.Postgres = v
	}
	return nil
}
