package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func readStats(t *testing.T) *Stats {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "benchstat.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := ParseCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParseCSV(t *testing.T) {
	t.Parallel()
	s := readStats(t)
	if got := strings.Join(s.Libs, ","); got != "Raw,Sinew,GORM,Bun,Pgx" {
		t.Errorf("libraries %s", got)
	}
	if got := strings.Join(s.Metrics, ","); got != "ns/op,cpu-ns/op,B/op,allocs/op" {
		t.Errorf("metrics %s", got)
	}
	want := []Row{{"GetByPK", "SQLite"}, {"GetByPK", "Postgres"}, {"UpdateOne", "SQLite"}}
	if len(s.Rows) != len(want) {
		t.Fatalf("rows %v, want %v", s.Rows, want)
	}
	for i := range want {
		if s.Rows[i] != want[i] {
			t.Errorf("row %d = %v, want %v", i, s.Rows[i], want[i])
		}
	}
	c, ok := s.Get("allocs/op", Row{"GetByPK", "Postgres"}, "Pgx")
	if !ok || c.Value != 18 {
		t.Errorf("Pgx GetByPK allocs = %v, %v; want 18", c, ok)
	}
	c, ok = s.Get("cpu-ns/op", Row{"GetByPK", "SQLite"}, "Sinew")
	if !ok || c.Value < 36372 || c.Value > 36373 || c.Delta != "~" || c.CI != "∞" {
		t.Errorf("Sinew GetByPK SQLite cpu = %+v, %v", c, ok)
	}
	if _, ok := s.Get("ns/op", Row{"UpdateOne", "SQLite"}, "Pgx"); ok {
		t.Errorf("a Pgx value on SQLite")
	}
}

func TestParseCSVRejectsBadInput(t *testing.T) {
	t.Parallel()
	header := ",Raw,,Sinew,,,\n,sec/op,CI,sec/op,CI,vs base,P\n"
	for _, tc := range []struct{ name, csv string }{
		{"empty", ""},
		{"no table", "goos: linux\ncpu: x\n"},
		{"unknown unit", ",Raw,\n,furlongs/op,CI\nGetByPK/db=SQLite-2,1,∞\n"},
		{"mixed units", ",Raw,,Sinew,\n,sec/op,CI,B/op,CI\nGetByPK/db=SQLite-2,1,∞,2,∞\n"},
		{"row without an engine", header + "GetByPK-2,1,∞,1,∞,~,p=1\n"},
		{"row with two engines", header + "GetByPK/db=SQLite/db=x-2,1,∞,1,∞,~,p=1\n"},
		{"negative value", header + "GetByPK/db=SQLite-2,-1,∞,1,∞,~,p=1\n"},
		{"not a number", header + "GetByPK/db=SQLite-2,NaN,∞,1,∞,~,p=1\n"},
		{"two tables of one metric", header + "GetByPK/db=SQLite-2,1,∞,1,∞,~,p=1\n\n" + header},
		{"bad quoting", ",\"Raw\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := ParseCSV(strings.NewReader(tc.csv)); !errors.Is(err, ErrFormat) {
				t.Errorf("error %v, want ErrFormat", err)
			}
		})
	}
	big := strings.NewReader(header + strings.Repeat("x", maxInput))
	if _, err := ParseCSV(big); !errors.Is(err, ErrFormat) {
		t.Errorf("oversized input: error %v, want ErrFormat", err)
	}
}

func TestWorst(t *testing.T) {
	t.Parallel()
	s := readStats(t)
	for _, tc := range []struct {
		metric, bench string
	}{
		{"cpu-ns/op", "BenchmarkUpdateOne_Sinew_SQLite"},
		{"ns/op", "BenchmarkUpdateOne_Sinew_SQLite"},
		{"B/op", "BenchmarkUpdateOne_Sinew_SQLite"},
	} {
		r, x, ok := s.Worst(tc.metric)
		if !ok || BenchName(r, subject) != tc.bench || x <= 1 {
			t.Errorf("Worst(%s) = %v %v %v, want %s", tc.metric, r, x, ok, tc.bench)
		}
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ got, want string }{
		{micro(1234), "1.23"},
		{micro(12345), "12.3"},
		{micro(123456), "123"},
		{micro(12345678), "12,346"},
		{count(38.5), "38.5"},
		{count(40), "40"},
		{count(15604.5), "15,605"},
		{count(0), "0"},
		{thousands(-1234567), "-1,234,567"},
		{ci("0%"), ""},
		{ci("3%"), " ±3%"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestSplice(t *testing.T) {
	t.Parallel()
	section := "## ORM\n\nnew\n"
	for _, tc := range []struct{ name, doc, want string }{
		{"empty document", "", "# Benchmarks\n\n## ORM\n\nnew\n"},
		{"no section yet", "# Benchmarks\n\n## Router\n\nr\n", "# Benchmarks\n\n## Router\n\nr\n\n## ORM\n\nnew\n"},
		{"last section", "# B\n\n## Router\n\nr\n\n## ORM\n\nold\n", "# B\n\n## Router\n\nr\n\n## ORM\n\nnew\n"},
		{"middle section", "# B\n\n## ORM\n\nold\n\n## Router\n\nr\n", "# B\n\n## ORM\n\nnew\n\n## Router\n\nr\n"},
		{"heading inside a code fence", "# B\n\n## ORM\n\n```\n## Router\n```\n\n## Next\n", "# B\n\n## ORM\n\nnew\n\n## Next\n"},
		{"deeper headings are part of it", "## ORM\n\n### Summary\n\nold\n", "## ORM\n\nnew\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Splice(tc.doc, section); got != tc.want {
				t.Errorf("Splice:\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

// TestRunWritesTheSection runs ormdoc as run.sh does and compares the section
// with testdata/section.golden (go test -update rewrites it).
func TestRunWritesTheSection(t *testing.T) {
	t.Parallel()
	doc := filepath.Join(t.TempDir(), "benchmarks.md")
	if err := os.WriteFile(doc, []byte("# Benchmarks\n\n## Router\n\nkept\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{
		"-csv", "testdata/benchstat.csv", "-text", "testdata/benchstat.txt", "-doc", doc,
		"-cpuprofile-bench", "BenchmarkUpdateOne_Sinew_SQLite", "-cpuprofile", "testdata/cpu.top.txt",
		"-date", "2026-11-24", "-cpu", "Test CPU", "-nproc", "2", "-go", "go version go1.26 linux/amd64",
		"-benchstat", "benchstat (test)", "-command", "cd bench/orm && ./run", "-count", "2", "-block", "50ms",
		"-load", "1.00 at the start", "-sqlite", "3.0.0", "-postgres", "15.0", "-execmode", "exec",
		"-commit", "abc1234", "-version", "gorm.io/gorm v1.31.2", "-version", "github.com/uptrace/bun v1.3.0",
	}
	if err := run(args, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(got), "# Benchmarks\n\n## Router\n\nkept\n\n## ORM\n") {
		t.Errorf("the Router section was not kept:\n%.200s", got)
	}
	golden := filepath.Join("testdata", "section.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("document differs from %s (go test -update rewrites it):\n%s", golden, got)
	}
}

func TestRunWorst(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run([]string{"-csv", "testdata/benchstat.csv", "-worst", "cpu-ns/op"}, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "BenchmarkUpdateOne_Sinew_SQLite\n" {
		t.Errorf("-worst printed %q", got)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"no csv", []string{"-doc", "x.md"}},
		{"missing csv", []string{"-csv", "testdata/none.csv", "-worst", "ns/op"}},
		{"unknown metric", []string{"-csv", "testdata/benchstat.csv", "-worst", "furlongs/op"}},
		{"no doc", []string{"-csv", "testdata/benchstat.csv", "-text", "testdata/benchstat.txt"}},
		{"stray argument", []string{"-csv", "testdata/benchstat.csv", "extra"}},
		{"unknown flag", []string{"-bogus"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if err := run(tc.args, &bytes.Buffer{}); err == nil {
				t.Errorf("run(%q): no error", tc.args)
			}
		})
	}
}
