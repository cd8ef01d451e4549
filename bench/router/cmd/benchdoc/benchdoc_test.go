package main

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// readFile returns the contents of a testdata file.
func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (rerun with -update to accept):\n%s", path, got)
	}
}

func parseFixture(t *testing.T) *Stats {
	t.Helper()
	s, err := ParseCSV(strings.NewReader(readFile(t, "benchstat.csv")))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParseCSV(t *testing.T) {
	t.Parallel()
	s := parseFixture(t)
	if got, want := strings.Join(s.Routers, ","), "Sinew,HttpRouter,Gin,Echo,Chi,ServeMux"; got != want {
		t.Errorf("Routers = %s, want %s", got, want)
	}
	if got, want := strings.Join(s.Metrics, ","), "ns/op,cpu-ns/op,B/op,allocs/op"; got != want {
		t.Errorf("Metrics = %s, want %s", got, want)
	}
	if len(s.Benchmarks) == 0 || s.Benchmarks[0] != "GitHubAll" {
		t.Errorf("Benchmarks = %q, want GitHubAll first and no -N suffix", s.Benchmarks)
	}
	for _, m := range s.Metrics {
		for _, b := range s.Benchmarks {
			for _, r := range s.Routers {
				if _, ok := s.Get(m, b, r); !ok {
					t.Errorf("no %s for %s %s", m, b, r)
				}
			}
		}
	}
	if c, _ := s.Get("ns/op", "GitHubAll", "Sinew"); c.Value < 1000 || c.Value > 1e6 {
		t.Errorf("GitHubAll Sinew = %v ns/op, want seconds turned into nanoseconds", c.Value)
	}
}

func TestParseCSVErrors(t *testing.T) {
	t.Parallel()
	header := ",Sinew,,Gin,,,\n,sec/op,CI,sec/op,CI,vs base,P\n"
	tests := []struct {
		name, in string
	}{
		{"empty", ""},
		{"preamble only", "goos: linux\ngoarch: amd64\n"},
		{"unknown unit", ",Sinew,\n,furlongs/op,CI\nA-2,1,∞\n"},
		{"mixed units", ",Sinew,,Gin,\n,sec/op,CI,B/op,CI\nA-2,1,∞,2,∞\n"},
		{"bad value", header + "A-2,fast,∞,1e-08,∞,~,p=1 n=6\n"},
		{"negative", header + "A-2,-1,∞,1e-08,∞,~,p=1 n=6\n"},
		{"infinite", header + "A-2,+Inf,∞,1e-08,∞,~,p=1 n=6\n"},
		{"router without unit", ",Sinew,,Gin\n,sec/op\nA-2,1\n"},
		{"duplicate table", header + "A-2,1,∞,1,∞\n" + header + "A-2,1,∞,1,∞\n"},
		{"bare quote", "\"a\"b\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := ParseCSV(strings.NewReader(tt.in)); !errors.Is(err, ErrFormat) {
				t.Errorf("ParseCSV error = %v, want ErrFormat", err)
			}
		})
	}
}

func TestParseCSVTooLarge(t *testing.T) {
	t.Parallel()
	big := ",Sinew,\n,sec/op,CI\n" + strings.Repeat("A-2,1,∞\n", maxInput/8+1)
	if _, err := ParseCSV(strings.NewReader(big)); !errors.Is(err, ErrFormat) {
		t.Errorf("ParseCSV of %d bytes error = %v, want ErrFormat", len(big), err)
	}
}

func fixtureReport(t *testing.T) *Report {
	t.Helper()
	return &Report{
		Stats: parseFixture(t),
		Env: Env{
			Date:      "2026-11-24",
			CPU:       "AMD EPYC",
			NProc:     "2",
			GoVersion: "go version go1.26.8 linux/amd64",
			Benchstat: "golang.org/x/perf v0.0.0-20260908200009-22c9c6c9d4da",
			Command:   "cd bench/router && go test -run '^$' -bench . -benchmem -count 6 .",
			Count:     6,
			Load:      "1-minute load average 0.31 at the start, 1.02 at the end",
		},
		Peers:     "httprouter v1.3.0, gin v1.12.0, echo v4.16.0, chi v5.5.0 and ServeMux (go1.26.8)",
		Base:      "Sinew",
		Reference: []string{"Gin", "Echo", "HttpRouter"},
		Benchstat: readFile(t, "benchstat.txt"),
		Profile:   readFile(t, "profile.txt"),
	}
}

func TestRender(t *testing.T) {
	t.Parallel()
	golden(t, "section.golden.md", Render(fixtureReport(t)))
}

func TestRatio(t *testing.T) {
	t.Parallel()
	s := &Stats{}
	s.set("ns/op", "X", "Sinew", Cell{Value: 90})
	s.set("ns/op", "X", "Gin", Cell{Value: 100})
	s.set("ns/op", "X", "Echo", Cell{Value: 60})
	s.set("ns/op", "X", "Chi", Cell{Value: 10}) // not a reference peer
	s.set("ns/op", "Y", "Gin", Cell{Value: 10}) // no base
	r := &Report{Stats: s, Base: "Sinew", Reference: []string{"Gin", "Echo", "HttpRouter"}}
	if x, name, ok := r.ratio("ns/op", "X"); !ok || name != "Echo" || x != 1.5 {
		t.Errorf("ratio(X) = %v, %q, %v; want 1.5, Echo, true", x, name, ok)
	}
	if _, _, ok := r.ratio("ns/op", "Y"); ok {
		t.Error("ratio(Y) ok without a base value")
	}
	if _, _, ok := r.ratio("cpu-ns/op", "X"); ok {
		t.Error("ratio of a metric without data is ok")
	}
}

func TestNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{1, "1"},
		{2.5, "2.50"},
		{31.94, "31.9"},
		{99.96, "100"},
		{9.999, "10.0"},
		{241.7, "242"},
		{17976.4, "17,976"},
		{130828, "130,828"},
		{1234567, "1,234,567"},
	}
	for _, tt := range tests {
		if got := number(tt.in); got != tt.want {
			t.Errorf("number(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPeerList(t *testing.T) {
	t.Parallel()
	got := peerList("Sinew")
	for _, want := range []string{"httprouter", "gin", "echo", "chi", "ServeMux", " and "} {
		if !strings.Contains(got, want) {
			t.Errorf("peerList = %q, want it to name %q", got, want)
		}
	}
	if strings.Contains(got, "Sinew") || strings.Contains(got, "sinewdev") {
		t.Errorf("peerList = %q names the base router", got)
	}
}

func TestTrimProcs(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"GitHubAll-2", "GitHubAll"},
		{"GitHubAll-16", "GitHubAll"},
		{"GitHubAll", "GitHubAll"},
		{"Param-x", "Param-x"},
		{"Param-", "Param-"},
		{"-2", ""},
	}
	for _, tt := range tests {
		if got := trimProcs(tt.in); got != tt.want {
			t.Errorf("trimProcs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplice(t *testing.T) {
	t.Parallel()
	section := Heading + "\n\nnew\n"
	tests := []struct {
		name, doc, want string
	}{
		{"no document", "", "# Benchmarks\n\n" + section},
		{"blank document", "\n\n", "# Benchmarks\n\n" + section},
		{"no section", "# Benchmarks\n\n## App\n\napp\n", "# Benchmarks\n\n## App\n\napp\n\n" + section},
		{"no trailing newline", "# Benchmarks\n\n## App", "# Benchmarks\n\n## App\n\n" + section},
		{"last section", "# B\n\n## App\n\na\n\n## Router\n\nold\n", "# B\n\n## App\n\na\n\n" + section},
		{"middle section", "# B\n\n## Router\n\nold\n### sub\n\nold\n\n## App\n\na\n", "# B\n\n" + section + "\n## App\n\na\n"},
		{
			"heading inside a fence is not the end",
			"# B\n\n## Router\n\n```text\n## not a heading\n```\n\n## App\n\na\n",
			"# B\n\n" + section + "\n## App\n\na\n",
		},
		{
			"section heading inside another section's fence is not the section",
			"# B\n\n## App\n\n~~~~\n## Router\n~~~~\n",
			"# B\n\n## App\n\n~~~~\n## Router\n~~~~\n\n" + section,
		},
		{"similar heading is kept", "# B\n\n## Routers of old\n\nx\n", "# B\n\n## Routers of old\n\nx\n\n" + section},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Splice(tt.doc, section); got != tt.want {
				t.Errorf("Splice:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestSpliceIsIdempotent(t *testing.T) {
	t.Parallel()
	section := Render(fixtureReport(t))
	once := Splice("# Benchmarks\n\n## App\n\na\n", section)
	if twice := Splice(once, section); twice != once {
		t.Errorf("splicing the rendered section twice changed the document:\n%s", twice)
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	doc := filepath.Join(dir, "docs", "benchmarks.md")
	if err := os.MkdirAll(filepath.Dir(doc), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(doc, []byte("# Benchmarks\n\n## App\n\nkept\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{
		"-csv", filepath.Join("testdata", "benchstat.csv"),
		"-text", filepath.Join("testdata", "benchstat.txt"),
		"-doc", doc, "-date", "2026-11-24", "-count", "6",
	}
	if err := run(args); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(got), "# Benchmarks\n\n## App\n\nkept\n\n## Router\n") || !strings.Contains(string(got), "| GitHubAll |") {
		t.Errorf("document after run:\n%s", got)
	}
	if err := run([]string{"-csv", filepath.Join("testdata", "benchstat.txt"), "-text", "x", "-doc", doc}); !errors.Is(err, ErrFormat) {
		t.Errorf("run with text as CSV error = %v, want ErrFormat", err)
	}
	if err := run([]string{"-doc", doc}); err == nil {
		t.Error("run without -csv succeeded")
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add(",Sinew,,Gin,,,\n,sec/op,CI,sec/op,CI,vs base,P\nA-2,1e-08,1%,2e-08,2%,~,p=1 n=6\n")
	f.Add(",Sinew,\n,B/op,CI\ngeomean,,\n")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseCSV(strings.NewReader(in))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		// Whatever parses must render.
		r := &Report{Stats: s, Base: "Sinew", Reference: []string{"Gin"}}
		if out := Render(r); !strings.HasPrefix(out, Heading+"\n") {
			t.Fatalf("Render does not start with %q", Heading)
		}
	})
}
