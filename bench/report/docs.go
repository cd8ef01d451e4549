package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/plot"
)

// sectionTitle is the heading of the section this program owns in docs/benchmarks.md.
const sectionTitle = "## Full-stack (TechEmpower tests)"

// cmdDocs writes the Full-stack section and the charts.
func cmdDocs(args []string, stderr io.Writer) error {
	fs := newFlags("docs", stderr)
	root := fs.String("root", "", "repository root (default: found from the working directory)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *root == "" {
		r, err := findRoot()
		if err != nil {
			return err
		}
		*root = r
	}
	files := fs.Args()
	if len(files) == 0 {
		f, err := newestResults(filepath.Join(*root, "bench", "results"))
		if err != nil {
			return err
		}
		files = []string{f}
	}
	runs, err := loadResults(files)
	if err != nil {
		return err
	}
	m, err := merge(runs)
	if err != nil {
		return err
	}
	for i, f := range files {
		if rel, err := filepath.Rel(*root, f); err == nil && !strings.HasPrefix(rel, "..") {
			files[i] = filepath.ToSlash(rel)
		}
	}
	imgDir := filepath.Join(*root, "docs", "img")
	if err := writeCharts(m, imgDir); err != nil {
		return err
	}
	docPath := filepath.Join(*root, "docs", "benchmarks.md")
	old, err := os.ReadFile(docPath)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	doc := replaceSection(string(old), renderSection(m, files))
	if err := os.WriteFile(docPath, []byte(doc), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "report: wrote %s and charts in %s from %s\n", docPath, imgDir, strings.Join(files, ", "))
	return nil
}

// findRoot walks up from the working directory to the folder that holds bench/tfb.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if st, err := os.Stat(filepath.Join(dir, "bench", "tfb")); err == nil && st.IsDir() {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find the repository root (a folder with bench/tfb): pass -root")
		}
		dir = parent
	}
}

// replaceSection puts section in place of the existing Full-stack section of doc (up to
// the next level-two heading), or appends it; the rest of doc is kept byte for byte.
func replaceSection(doc, section string) string {
	if strings.TrimSpace(doc) == "" {
		return "# Benchmarks\n\n" + section
	}
	lines := strings.SplitAfter(doc, "\n")
	start, end := -1, len(lines)
	fence := false
	for i, line := range lines {
		trimmed := strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(trimmed, "```") {
			fence = !fence
		}
		if fence {
			continue
		}
		if start < 0 && trimmed == sectionTitle {
			start = i
			continue
		}
		if start >= 0 && strings.HasPrefix(trimmed, "## ") {
			end = i
			break
		}
	}
	if start < 0 {
		if !strings.HasSuffix(doc, "\n") {
			doc += "\n"
		}
		return doc + "\n" + section
	}
	rest := strings.Join(lines[end:], "")
	if rest != "" && !strings.HasSuffix(section, "\n\n") {
		section += "\n"
	}
	return strings.Join(lines[:start], "") + section + rest
}

// subject is the Sinew implementation the goals are judged on: the idiomatic one when it
// was measured, the raw one otherwise.
func subject(m *merged) *ImplResult {
	for _, name := range []string{"sinew", "sinew-raw"} {
		for i := range m.Impls {
			if m.Impls[i].Name == name && len(m.Impls[i].Tests) > 0 {
				return &m.Impls[i]
			}
		}
	}
	return nil
}

func find(m *merged, name string) *ImplResult {
	for i := range m.Impls {
		if m.Impls[i].Name == name {
			return &m.Impls[i]
		}
	}
	return nil
}

func rps(ir *ImplResult, test string) float64 {
	if ir == nil || ir.Tests[test] == nil {
		return 0
	}
	return ir.Tests[test].RPS
}

// goal is one of issue 9's acceptance goals for one test.
type goal struct {
	Text     string
	Test     string
	Need     float64 // the ratio Sinew / peer that meets the goal
	Peer     string  // the peer measured against (for best-of goals, the best one)
	Measured float64 // the ratio, 0 when a side is missing
	// Disturbed is set when other work disturbed either measurement (see TestResult.ForeignCPU).
	Disturbed bool
}

// goals evaluates issue 9's acceptance goals for the subject.
func goals(m *merged, s *ImplResult) []goal {
	var out []goal
	ratio := func(test, peer string) float64 {
		p := rps(find(m, peer), test)
		if p == 0 || rps(s, test) == 0 {
			return 0
		}
		return rps(s, test) / p
	}
	for _, t := range tests {
		best, bestRPS := "", 0.0
		for _, peer := range []string{"nethttp", "gin", "echo", "chi"} {
			if v := rps(find(m, peer), t.Name); v > bestRPS {
				best, bestRPS = peer, v
			}
		}
		out = append(out, goal{"at or above the best of net/http, Gin, Echo and Chi", t.Name, 1, best, ratio(t.Name, best), false})
	}
	for _, t := range []string{"plaintext", "json"} {
		out = append(out, goal{"framework overhead under 3% against net/http", t, 0.97, "nethttp", ratio(t, "nethttp"), false})
	}
	out = append(out, goal{"at or above Fiber on the full-stack test", "fortunes", 1, "fiber", ratio("fortunes", "fiber"), false})
	for _, t := range tests {
		out = append(out, goal{"at least 1.2x Fastify", t.Name, 1.2, "fastify", ratio(t.Name, "fastify"), false})
	}
	for _, t := range []string{"plaintext", "json"} {
		out = append(out, goal{"at least 5x Express", t, 5, "express", ratio(t, "express"), false})
	}
	out = append(out, goal{"at least 9x Django", "fortunes", 9, "django", ratio("fortunes", "django"), false})
	disturbed := func(ir *ImplResult, test string) bool {
		return ir != nil && ir.Tests[test] != nil && ir.Tests[test].ForeignCPU > 0.10
	}
	for i := range out {
		out[i].Disturbed = disturbed(s, out[i].Test) || disturbed(find(m, out[i].Peer), out[i].Test)
	}
	return out
}

// measuredImpls are the implementations with load-test results (or errors), in table order.
func measuredImpls(m *merged) []*ImplResult {
	var out []*ImplResult
	for i := range m.Impls {
		ir := &m.Impls[i]
		if len(ir.Tests) > 0 || (ir.Error != "" && ir.Startup == nil) || ir.Check != nil {
			out = append(out, ir)
		}
	}
	return out
}

func label(ir *ImplResult) string {
	im := lookupImpl(ir.Name)
	if im.Sinew {
		return "**" + im.Label + "**"
	}
	return im.Label
}

func testTitle(name string) string {
	for _, t := range tests {
		if t.Name == name {
			return t.Title
		}
	}
	return name
}

// renderSection writes the Full-stack section in Markdown.
func renderSection(m *merged, files []string) string {
	var b strings.Builder
	run := m.Runs[len(m.Runs)-1]
	s := subject(m)
	b.WriteString(sectionTitle + "\n\n")
	fmt.Fprintf(&b, "<!-- Generated by bench/report from %s. Edit bench/report, not this section: bench/run regenerates it. -->\n\n", strings.Join(files, ", "))
	b.WriteString("The six [TechEmpower Framework Benchmarks](https://github.com/TechEmpower/FrameworkBenchmarks) tests, implemented by that project's rules for Sinew and for the frameworks a user would otherwise pick, all measured in the same run on one machine. Every implementation lives under `bench/tfb/` in its own module or package manifest; `bench/run` builds, starts, checks and loads each of them in turn (see *Method* below), and this section is regenerated from its results file. ")
	switch {
	case s != nil && s.Name == "sinew-raw":
		b.WriteString("Sinew's row is the **raw** variant for now: a `sinew.App` (router, pooled `web.Ctx`, default middleware) whose handlers use pgx and `html/template` directly. The idiomatic variant (ORM, view package, typed handlers) joins it as those packages land.")
	case s != nil:
		fmt.Fprintf(&b, "Sinew is measured twice: **%s** is written the way a user writes an app (models queried through `orm.Q` and written back with `orm.SaveMany`, one statement as Django's `bulk_update`; the fortunes page rendered by the `view` package; the JSON tests as typed `api` handlers, which bind the query, encode the answer and document both in OpenAPI), and **Sinew raw** is the same `sinew.App` with handlers that use pgx and `html/template` directly, which shows what the model, view and API layers cost. Both run the App's default production middleware. The goals below are judged on the idiomatic one.", lookupImpl("sinew").Label)
	}
	b.WriteString("\n\n")
	if len(m.Runs) > 1 {
		even := ""
		if len(m.Runs)%2 == 0 {
			even = " (of an even number, the lower of the middle two, so that every figure, with its latency and memory, is one measurement)"
		}
		fmt.Fprintf(&b, "Each cell comes from %d runs: the median of those that other work did not disturb%s, or the least disturbed one when every run was.\n\n", len(m.Runs), even)
	} else {
		b.WriteString("One run: issue 9's reference runs on this machine showed run-to-run spread of up to 30% on some database cells, so compare within a run, and prefer the median of several runs (`go run . results1.json results2.json ...` in `bench/report`).\n\n")
	}
	if run.Settings.Quick {
		fmt.Fprintf(&b, "> This is a **quick** run (%d s per test after a %d s warm-up): good for spotting regressions, noisy for publishing.\n\n", run.Settings.DurationSec, run.Settings.WarmupSec)
	}
	if n, total := disturbedCount(m); total > 0 && 2*n > total {
		fmt.Fprintf(&b, "> **%d of %d cells were disturbed**: other work on this shared machine took more than 10%% of its CPU time during those measurements, in every attempt. Their numbers are low and their ratios say little; read this run as a check that every implementation works, and regenerate the section from a run on an otherwise idle machine.\n\n", n, total)
	}
	b.WriteString("![Requests per second for each test; Sinew in orange](img/tfb-overview.png)\n\n")

	impls := measuredImpls(m)
	// Requests per second.
	b.WriteString("### Requests per second\n\n")
	header(&b, "implementation")
	var notes []string
	disturbedCells := 0
	for _, ir := range impls {
		fmt.Fprintf(&b, "| %s |", label(ir))
		for _, t := range tests {
			tr := ir.Tests[t.Name]
			switch {
			case tr == nil:
				b.WriteString(" – |")
			default:
				cell := thousands(tr.RPS)
				if lookupImpl(ir.Name).Sinew {
					cell = "**" + cell + "**"
				}
				if tr.ForeignCPU > 0.10 {
					cell += " †"
					disturbedCells++
				}
				if e := tr.Errors; e.Total() > 0 {
					cell += " ⚠"
					notes = append(notes, fmt.Sprintf("%s, %s: %d errors in %s requests (connect %d, read %d, write %d, timeout %d, non-2xx/3xx %d)",
						lookupImpl(ir.Name).Label, t.Name, e.Total(), thousands(float64(tr.Requests)), e.Connect, e.Read, e.Write, e.Timeout, e.Status))
				}
				fmt.Fprintf(&b, " %s |", cell)
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	if disturbedCells > 0 {
		b.WriteString("† Other work on the machine took more than 10% of its CPU time during this measurement, in every attempt: the number is low and should not be compared (see *Interference* below).\n\n")
	}
	for _, n := range notes {
		b.WriteString("- ⚠ " + n + "\n")
	}
	if len(notes) > 0 {
		b.WriteString("\n")
	}
	for _, ir := range impls {
		if ir.Error != "" {
			fmt.Fprintf(&b, "- %s: %s\n", lookupImpl(ir.Name).Label, ir.Error)
		}
	}

	// Ratios.
	if s != nil {
		fmt.Fprintf(&b, "\n### %s against each peer\n\n", lookupImpl(s.Name).Label)
		fmt.Fprintf(&b, "Requests/s of %s divided by the peer's, from the table above (above 1.00: Sinew is faster).\n\n", lookupImpl(s.Name).Label)
		header(&b, "peer")
		for _, ir := range impls {
			if ir == s || len(ir.Tests) == 0 {
				continue
			}
			fmt.Fprintf(&b, "| %s |", label(ir))
			for _, t := range tests {
				a, p := rps(s, t.Name), rps(ir, t.Name)
				if a == 0 || p == 0 {
					b.WriteString(" – |")
					continue
				}
				fmt.Fprintf(&b, " %.2f× |", a/p)
			}
			b.WriteString("\n")
		}

		b.WriteString("\n### Goals\n\n")
		fmt.Fprintf(&b, "Issue 9 sets these goals for Sinew, as ratios measured in the same run; they are judged here on %s.\n\n", lookupImpl(s.Name).Label)
		b.WriteString("| goal | test | against | needed | measured | met |\n|---|---|---|---:|---:|:---:|\n")
		missed := 0
		for _, g := range goals(m, s) {
			peer, measured, met := "–", "–", "n/a"
			if g.Peer != "" {
				peer = lookupImpl(g.Peer).Label
			}
			if g.Measured > 0 {
				measured = fmt.Sprintf("%.2f×", g.Measured)
				met = "yes"
				if g.Measured < g.Need {
					met = "**no**"
					missed++
				}
				if g.Disturbed {
					met += " †"
				}
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %.2f× | %s | %s |\n", g.Text, g.Test, peer, g.Need, measured, met)
		}
		if missed > 0 {
			where := "in this run"
			if len(m.Runs) > 1 {
				where = fmt.Sprintf("on the cells above (%d runs)", len(m.Runs))
			}
			fmt.Fprintf(&b, "\n%d goal(s) missed %s. ", missed, where)
			b.WriteString("The database tests are bound by the shared core (PostgreSQL and wrk share it), so their ratios move with the noise more than with the frameworks; see the spread note above.\n")
		}
	}

	// Latency.
	b.WriteString("\n### Latency (p50 / p99, ms)\n\n")
	header(&b, "implementation")
	for _, ir := range impls {
		if len(ir.Tests) == 0 {
			continue
		}
		fmt.Fprintf(&b, "| %s |", label(ir))
		for _, t := range tests {
			if tr := ir.Tests[t.Name]; tr != nil {
				fmt.Fprintf(&b, " %s / %s |", ms(tr.P50Ms), ms(tr.P99Ms))
			} else {
				b.WriteString(" – |")
			}
		}
		b.WriteString("\n")
	}

	// Memory.
	b.WriteString("\n### Peak RSS during each test (MiB)\n\n")
	b.WriteString("The server's VmHWM (for gunicorn, summed over the master and its workers) after its peak was reset before the measured run.\n\n")
	header(&b, "implementation")
	for _, ir := range impls {
		if len(ir.Tests) == 0 {
			continue
		}
		fmt.Fprintf(&b, "| %s |", label(ir))
		for _, t := range tests {
			if tr := ir.Tests[t.Name]; tr != nil && tr.PeakRSSKB > 0 {
				fmt.Fprintf(&b, " %.1f |", float64(tr.PeakRSSKB)/1024)
			} else {
				b.WriteString(" – |")
			}
		}
		b.WriteString("\n")
	}

	// Start-up.
	var starts []*ImplResult
	for i := range m.Impls {
		if m.Impls[i].Startup != nil {
			starts = append(starts, &m.Impls[i])
		}
	}
	if len(starts) > 0 {
		b.WriteString("\n### Start-up time and idle memory\n\n")
		fmt.Fprintf(&b, "From starting the process (pinned like the benchmark servers) to the first 200 response, polled every 2 ms; median of %d cold starts. Idle RSS is read %s after that first response. Each peer's hello app is its benchmark app answering `/plaintext` (database pools connect lazily); the Sinew showcase is `examples/showcase` in production mode answering `/hello/world`.\n\n", run.Settings.StartupRuns, "2 s")
		b.WriteString("| app | start-up to first response (ms) | idle RSS (MiB) | page |\n|---|---:|---:|---|\n")
		for _, ir := range starts {
			fmt.Fprintf(&b, "| %s | %s | %.1f | `%s` |\n", label(ir), ms(ir.Startup.MedianMs), float64(ir.Startup.IdleRSSKB)/1024, ir.Startup.Path)
		}
	}

	// Correctness.
	b.WriteString("\n### Correctness\n\n")
	b.WriteString("Before it is loaded, every implementation is checked by `bench/report check`: status, `Server` and `Date` headers and content types; the exact plaintext and JSON bodies; world objects with exactly `id` and `randomNumber` in 1..10000 that match the database; the `queries` parameter missing, empty, malformed, 0 and 501 (clamped to 1..500); the fortunes table parsed as HTML, in order, with the added fortune, the Japanese one intact and the `<script>` one escaped; and that `/updates` wrote what it returned.\n\n")
	for _, ir := range impls {
		switch {
		case ir.Check == nil:
			fmt.Fprintf(&b, "- %s: not checked\n", lookupImpl(ir.Name).Label)
		case ir.Check.OK:
			fmt.Fprintf(&b, "- %s: all checks passed\n", lookupImpl(ir.Name).Label)
		default:
			fmt.Fprintf(&b, "- %s: **failed**: %s\n", lookupImpl(ir.Name).Label, strings.Join(ir.Check.Problems, "; "))
		}
	}

	// Versions.
	mc := run.Machine
	b.WriteString("\n### Versions\n\n")
	b.WriteString("| implementation | runtime | components |\n|---|---|---|\n")
	for i := range m.Impls {
		ir := &m.Impls[i]
		im := lookupImpl(ir.Name)
		runtime := map[string]string{"go": mc.Go, "node": "Node.js " + mc.Node, "python": mc.Python}[im.Language]
		var parts []string
		for _, v := range ir.Versions {
			parts = append(parts, v.Name+" "+v.Version)
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", label(ir), runtime, strings.Join(parts, ", "))
	}

	// Machine and method.
	st := run.Settings
	b.WriteString("\n### Machine and method\n\n")
	fmt.Fprintf(&b, "- Machine: %s, %d cores, %d MiB; %s, %s.\n", mc.CPU, mc.Cores, mc.MemoryMiB, mc.OS, mc.Kernel)
	fmt.Fprintf(&b, "- PostgreSQL %s (database `tfb`, `synchronous_commit = off` on that database as in TechEmpower's configuration); %s.\n", mc.PostgreSQL, mc.Wrk)
	for _, r := range m.Runs {
		fmt.Fprintf(&b, "- Run %s to %s: `%s`\n", r.Started.Format("2006-01-02 15:04"), r.Finished.Format("15:04 MST"), r.Command)
	}
	dbcpu := "not pinned"
	if st.DBCPU != "" {
		dbcpu = "core " + st.DBCPU
	}
	fmt.Fprintf(&b, "- Each server pinned to core %s (`taskset`), wrk to core %s, PostgreSQL %s. wrk: %d thread, %d connections, no pipelining; each test is warmed up for %d s, then measured for %d s.\n",
		st.ServerCPU, st.LoadCPU, dbcpu, st.Threads, st.Connections, st.WarmupSec, st.DurationSec)
	fmt.Fprintf(&b, "- Every server runs as one process on its core (Go: GOMAXPROCS follows the pinning; Node.js: one process), except Django and Flask: gunicorn with %d workers of the `gthread` class (4 threads each, which keeps connections alive; the default `sync` class closes every connection). Each server has a pool of up to %d database connections (Python: per worker, taken from the same variable).\n", st.PythonProcs, st.DBPool)
	b.WriteString("- By the benchmark's rules: request logging is off (Sinew runs with `SINEW_ENV=prod` and `SINEW_LOG_LEVEL=warn`, which silences its access log, and keeps the rest of its default middleware: request ID, real IP, security headers, body limit, request timeout, compression); every world row is read with its own query; updates are written in one batch statement per request (ordered by id); the fortunes page is rendered by each framework's usual template engine, with escaping.\n")
	b.WriteString(idleNote(m))

	// Charts.
	b.WriteString("\n### Charts\n\n")
	for _, t := range tests {
		fmt.Fprintf(&b, "![%s: requests per second](img/tfb-%s.png)\n\n", t.Title, t.Name)
	}
	return b.String()
}

// disturbedCount counts the cells measured while other work took over 10% of the CPU time.
func disturbedCount(m *merged) (disturbed, total int) {
	for _, ir := range m.Impls {
		for _, tr := range ir.Tests {
			total++
			if tr.ForeignCPU > 0.10 {
				disturbed++
			}
		}
	}
	return disturbed, total
}

// idleNote describes how undisturbed the measurements were: the machine may be shared, and
// results taken while other work ran are lower and noisier.
func idleNote(m *merged) string {
	var foreign []float64
	disturbed, retried := 0, 0
	for _, ir := range m.Impls {
		for _, tr := range ir.Tests {
			foreign = append(foreign, tr.ForeignCPU)
			if tr.ForeignCPU > 0.10 {
				disturbed++
			}
			if tr.Attempts > 1 {
				retried++
			}
		}
	}
	if len(foreign) == 0 {
		return ""
	}
	note := fmt.Sprintf("- Interference: before each measurement the harness waits (up to a limit) for both cores to be idle, and it counts the CPU time that went to anything but the server, its PostgreSQL backends and wrk during the measurement; over 10%% and it measures again (up to 3 times in all) and keeps the fastest attempt. Other work took %.1f%% of the CPU time on median (most: %.0f%%); %d of %d cells needed more than one attempt",
		median(foreign)*100, slices.Max(foreign)*100, retried, len(foreign))
	if disturbed > 0 {
		note += fmt.Sprintf(", and %d stayed disturbed (over 10%%) in every attempt: those cells are low", disturbed)
	}
	return note + ".\n"
}

func header(b *strings.Builder, first string) {
	fmt.Fprintf(b, "| %s |", first)
	for _, t := range tests {
		fmt.Fprintf(b, " %s |", testTitle(t.Name))
	}
	b.WriteString("\n|---|")
	for range tests {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
}

func ms(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// writeCharts writes one chart per test and the overview of all six.
func writeCharts(m *merged, dir string) error {
	var plots []*plot.Plot
	n := 0
	for _, t := range tests {
		var bars []bar
		for i := range m.Impls {
			ir := &m.Impls[i]
			if tr := ir.Tests[t.Name]; tr != nil {
				im := lookupImpl(ir.Name)
				bars = append(bars, bar{Label: strings.TrimSuffix(im.Label, " (gunicorn, 2 workers)"), Value: tr.RPS, Sinew: im.Sinew})
			}
		}
		if len(bars) == 0 {
			continue
		}
		n = max(n, len(bars))
		p, err := barChart(t.Title, "requests per second", bars)
		if err != nil {
			return err
		}
		if err := saveChart(p, len(bars), filepath.Join(dir, "tfb-"+t.Name+".png")); err != nil {
			return err
		}
		plots = append(plots, p)
	}
	if len(plots) == 0 {
		return errors.New("the results have no load-test measurements to chart")
	}
	return saveTiles(slices.Clip(plots), 2, n, filepath.Join(dir, "tfb-overview.png"))
}
