package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// Results is one run of bench/run, as stored under bench/results.
type Results struct {
	Started  time.Time    `json:"started"`
	Finished time.Time    `json:"finished"`
	Command  string       `json:"command"`
	Settings Settings     `json:"settings"`
	Machine  Machine      `json:"machine"`
	Impls    []ImplResult `json:"impls"`
}

// Settings are the harness parameters of a run.
type Settings struct {
	DurationSec int    `json:"duration_sec"`
	WarmupSec   int    `json:"warmup_sec"`
	Connections int    `json:"connections"`
	Threads     int    `json:"threads"`
	Quick       bool   `json:"quick"`
	ServerCPU   string `json:"server_cpu"`
	LoadCPU     string `json:"load_cpu"`
	DBCPU       string `json:"db_cpu,omitempty"`
	DBPool      int    `json:"db_pool"`
	PythonProcs int    `json:"python_workers"`
	StartupRuns int    `json:"startup_runs"`
}

// Machine describes where a run happened.
type Machine struct {
	CPU        string `json:"cpu"`
	Cores      int    `json:"cores"`
	MemoryMiB  int    `json:"memory_mib"`
	Kernel     string `json:"kernel"`
	OS         string `json:"os"`
	Go         string `json:"go"`
	Node       string `json:"node"`
	Python     string `json:"python"`
	PostgreSQL string `json:"postgresql"`
	Wrk        string `json:"wrk"`
}

// ImplResult is everything measured for one implementation in a run.
type ImplResult struct {
	Name     string                 `json:"name"`
	Versions []Version              `json:"versions,omitempty"`
	Error    string                 `json:"error,omitempty"`
	Check    *CheckResult           `json:"check,omitempty"`
	Tests    map[string]*TestResult `json:"tests,omitempty"`
	Startup  *StartupResult         `json:"startup,omitempty"`
}

// Version is one component's version.
type Version struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// CheckResult is the outcome of the correctness checks.
type CheckResult struct {
	OK       bool     `json:"ok"`
	Problems []string `json:"problems,omitempty"`
}

// TestResult is one wrk measurement.
type TestResult struct {
	RPS         float64 `json:"rps"`
	Requests    int64   `json:"requests"`
	DurationSec float64 `json:"duration_sec"`
	P50Ms       float64 `json:"p50_ms"`
	P99Ms       float64 `json:"p99_ms"`
	MaxMs       float64 `json:"max_ms"`
	Errors      Errors  `json:"errors"`
	PeakRSSKB   int64   `json:"peak_rss_kb"`
	LoadAvg     float64 `json:"loadavg_before"`
	CPUIdle     float64 `json:"cpu_idle_before"` // share of both cores idle just before; -1 when not sampled
	// ForeignCPU is the share of the machine's CPU time that went to other work than the
	// server, its database backends and wrk during the measurement.
	ForeignCPU float64 `json:"foreign_cpu"`
	// Attempts counts the measurements taken; more than one means earlier ones were disturbed.
	Attempts int `json:"attempts"`
}

// Errors are wrk's error counts; Status counts responses outside 2xx and 3xx.
type Errors struct {
	Connect int64 `json:"connect"`
	Read    int64 `json:"read"`
	Write   int64 `json:"write"`
	Timeout int64 `json:"timeout"`
	Status  int64 `json:"status"`
}

// Total is the sum of every kind of error.
func (e Errors) Total() int64 { return e.Connect + e.Read + e.Write + e.Timeout + e.Status }

// StartupResult is the cold-start measurement of an app.
type StartupResult struct {
	Path      string    `json:"path"`
	MedianMs  float64   `json:"median_ms"`
	RunsMs    []float64 `json:"runs_ms"`
	IdleRSSKB int64     `json:"idle_rss_kb"`
}

// record is one line of the harness's records file, as the subcommands print them.
type record struct {
	Kind    string         `json:"kind"` // "test", "check", "startup" or "error"
	Impl    string         `json:"impl"`
	Test    string         `json:"test,omitempty"`
	Result  *TestResult    `json:"result,omitempty"`
	Check   *CheckResult   `json:"check,omitempty"`
	Startup *StartupResult `json:"startup,omitempty"`
	Error   string         `json:"error,omitempty"`
}

// readRecords reads a JSON-lines records file.
func readRecords(path string) ([]record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var recs []record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var r record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if r.Impl == "" {
			return nil, fmt.Errorf("%s:%d: record without impl", path, n)
		}
		recs = append(recs, r)
	}
	return recs, sc.Err()
}

// assembleImpls groups records by implementation, in table order. A later record for the
// same cell replaces an earlier one.
func assembleImpls(recs []record) ([]ImplResult, error) {
	byName := map[string]*ImplResult{}
	get := func(name string) *ImplResult {
		ir := byName[name]
		if ir == nil {
			ir = &ImplResult{Name: name}
			byName[name] = ir
		}
		return ir
	}
	for _, r := range recs {
		ir := get(r.Impl)
		switch r.Kind {
		case "test":
			if _, ok := testPath(r.Test); !ok || r.Result == nil {
				return nil, fmt.Errorf("test record for %s has unknown test %q or no result", r.Impl, r.Test)
			}
			if ir.Tests == nil {
				ir.Tests = map[string]*TestResult{}
			}
			ir.Tests[r.Test] = r.Result
		case "check":
			ir.Check = r.Check
		case "startup":
			ir.Startup = r.Startup
		case "error":
			ir.Error = strings.TrimSpace(strings.Join([]string{ir.Error, r.Error}, "; "))
			ir.Error = strings.TrimPrefix(ir.Error, "; ")
		default:
			return nil, fmt.Errorf("record for %s has unknown kind %q", r.Impl, r.Kind)
		}
	}
	out := make([]ImplResult, 0, len(byName))
	for _, ir := range byName {
		out = append(out, *ir)
	}
	sortImpls(out)
	return out, nil
}

func sortImpls(irs []ImplResult) {
	sort.SliceStable(irs, func(i, j int) bool {
		oi, oj := implOrder(irs[i].Name), implOrder(irs[j].Name)
		if oi != oj {
			return oi < oj
		}
		return irs[i].Name < irs[j].Name
	})
}

// loadResults reads results files.
func loadResults(paths []string) ([]*Results, error) {
	var runs []*Results
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var r Results
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
		runs = append(runs, &r)
	}
	return runs, nil
}

// newestResults returns the newest results file in dir (by name: names start with the
// run's UTC time stamp).
func newestResults(dir string) (string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "tfb-*.json"))
	if err != nil {
		return "", err
	}
	if len(matches) == 0 {
		return "", fmt.Errorf("no results (tfb-*.json) in %s: run bench/run first", dir)
	}
	slices.Sort(matches)
	return matches[len(matches)-1], nil
}

// merged is the combination of one or more runs: per implementation and test, one run's
// measurement chosen by pickCell (so latency and RSS come from the same run as the
// throughput).
type merged struct {
	Runs  []*Results
	Impls []ImplResult
	// Samples counts the runs that measured each implementation and test.
	Samples map[string]map[string]int
}

// pickCell chooses a cell's measurement among runs: the median of the undisturbed ones
// (other work took at most 10% of the CPU time), or, when every run was disturbed, the
// least disturbed one. Interference only lowers throughput, so a disturbed number must not
// pull a clean one down.
func pickCell(trs []*TestResult) *TestResult {
	clean := slices.DeleteFunc(slices.Clone(trs), func(tr *TestResult) bool { return tr.ForeignCPU > 0.10 })
	if len(clean) > 0 {
		return medianBy(clean, func(tr *TestResult) float64 { return tr.RPS })
	}
	return slices.MinFunc(trs, func(a, b *TestResult) int {
		switch {
		case a.ForeignCPU < b.ForeignCPU:
			return -1
		case a.ForeignCPU > b.ForeignCPU:
			return 1
		}
		return 0
	})
}

// merge combines runs cell by cell (see pickCell). Versions, checks and errors come from the newest run
// that has the implementation.
func merge(runs []*Results) (*merged, error) {
	if len(runs) == 0 {
		return nil, errors.New("no runs to merge")
	}
	m := &merged{Runs: runs, Samples: map[string]map[string]int{}}
	order := []string{}
	cells := map[string]map[string][]*TestResult{}
	startups := map[string][]*StartupResult{}
	latest := map[string]ImplResult{}
	for _, run := range runs {
		for _, ir := range run.Impls {
			if _, ok := latest[ir.Name]; !ok {
				order = append(order, ir.Name)
				cells[ir.Name] = map[string][]*TestResult{}
			}
			latest[ir.Name] = ir
			for t, tr := range ir.Tests {
				cells[ir.Name][t] = append(cells[ir.Name][t], tr)
			}
			if ir.Startup != nil {
				startups[ir.Name] = append(startups[ir.Name], ir.Startup)
			}
		}
	}
	for _, name := range order {
		ir := latest[name]
		out := ImplResult{Name: name, Versions: ir.Versions, Error: ir.Error, Check: ir.Check}
		m.Samples[name] = map[string]int{}
		for t, trs := range cells[name] {
			if out.Tests == nil {
				out.Tests = map[string]*TestResult{}
			}
			out.Tests[t] = pickCell(trs)
			m.Samples[name][t] = len(trs)
		}
		if s := startups[name]; len(s) > 0 {
			out.Startup = medianBy(s, func(sr *StartupResult) float64 { return sr.MedianMs })
		}
		m.Impls = append(m.Impls, out)
	}
	sortImpls(m.Impls)
	return m, nil
}

// medianBy returns the element with the median key (the lower middle one for an even
// count, so that the result is always a measured value).
func medianBy[T any](xs []T, key func(T) float64) T {
	s := slices.Clone(xs)
	slices.SortStableFunc(s, func(a, b T) int {
		ka, kb := key(a), key(b)
		switch {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
	return s[(len(s)-1)/2]
}

// median returns the median of xs (the mean of the middle two for an even count).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
