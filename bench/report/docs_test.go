package main

import (
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

func TestReplaceSection(t *testing.T) {
	t.Parallel()
	sec := sectionTitle + "\n\nnew body\n"
	cases := []struct {
		name, doc, want string
	}{
		{"empty doc", "", "# Benchmarks\n\n" + sec},
		{"appended", "# Benchmarks\n\n## Router\n\nrouter text\n", "# Benchmarks\n\n## Router\n\nrouter text\n\n" + sec},
		{"appended without final newline", "# B\n\ntext", "# B\n\ntext\n\n" + sec},
		{"replaced at the end", "# B\n\n## Router\n\nr\n\n" + sectionTitle + "\n\nold body\n", "# B\n\n## Router\n\nr\n\n" + sec},
		{"replaced in the middle", "# B\n\n" + sectionTitle + "\n\nold\n### sub\nold\n\n## Router\n\nr\n", "# B\n\n" + sec + "\n## Router\n\nr\n"},
		{"heading in a code fence is not a section", "# B\n\n" + sectionTitle + "\n\nold\n```\n## not a heading\n```\nold\n\n## Next\n", "# B\n\n" + sec + "\n## Next\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := replaceSection(tc.doc, sec); got != tc.want {
				t.Errorf("replaceSection:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestMergeTakesTheMedianRun(t *testing.T) {
	t.Parallel()
	runs, err := loadResults([]string{"testdata/tfb-run1.json", "testdata/tfb-run2.json", "testdata/tfb-run3.json"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := merge(runs)
	if err != nil {
		t.Fatal(err)
	}
	gin := find(m, "gin")
	if gin == nil || gin.Tests["json"].RPS != 77000 || m.Samples["gin"]["json"] != 3 {
		t.Fatalf("gin json = %+v, samples %d; want the middle run's 77000 from 3", gin.Tests["json"], m.Samples["gin"]["json"])
	}
	if got := find(m, "sinew-showcase").Startup.MedianMs; got != 4 {
		t.Fatalf("showcase start-up %v, want 4", got)
	}
	clean := &TestResult{RPS: 10, ForeignCPU: 0.02}
	busy := &TestResult{RPS: 5, ForeignCPU: 0.5}
	busier := &TestResult{RPS: 4, ForeignCPU: 0.7}
	if pickCell([]*TestResult{busy, clean, busier}) != clean || pickCell([]*TestResult{busier, busy}) != busy {
		t.Fatal("pickCell does not prefer undisturbed, then least disturbed, measurements")
	}
	if _, err := merge(nil); err == nil {
		t.Fatal("merge(nil) succeeded")
	}
	if median([]float64{3, 1, 2, 10}) != 2.5 || median([]float64{5}) != 5 || median(nil) != 0 {
		t.Fatal("median is wrong")
	}
}

func TestRenderSectionGolden(t *testing.T) {
	t.Parallel()
	runs, err := loadResults([]string{"testdata/tfb-run1.json", "testdata/tfb-run2.json", "testdata/tfb-run3.json"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := merge(runs)
	if err != nil {
		t.Fatal(err)
	}
	got := renderSection(m, []string{"bench/results/tfb-run1.json", "bench/results/tfb-run2.json", "bench/results/tfb-run3.json"})
	golden := filepath.Join("testdata", "section.golden.md")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("the section differs from %s (run go test -update after checking the change):\n%s", golden, got)
	}
	for _, must := range []string{
		"| **Sinew raw (web + pgx)** | **80,000** |",
		"Each cell comes from 3 runs",
		"| at least 9x Django | fortunes | Django (gunicorn, 2 workers) | 9.00× | 9.28× | yes |",
		"Django (gunicorn, 2 workers): **failed**: fortunes: row 1 is wrong",
		"Flask (gunicorn, 2 workers): build failed",
		"Express, updates: 3 errors",
	} {
		if !strings.Contains(got, must) {
			t.Errorf("the section lacks %q", must)
		}
	}
}

func TestCmdDocsWritesSectionAndCharts(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	results := filepath.Join(root, "bench", "results")
	for _, dir := range []string{results, filepath.Join(root, "bench", "tfb"), filepath.Join(root, "docs")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile("testdata/tfb-run1.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(results, "tfb-20261124-010000.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	router := "# Benchmarks\n\n## Router\n\nkept as it is\n"
	if err := os.WriteFile(filepath.Join(root, "docs", "benchmarks.md"), []byte(router), 0o644); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	if err := cmdDocs([]string{"-root", root}, &log); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(root, "docs", "benchmarks.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(doc), router) || !strings.Contains(string(doc), sectionTitle) {
		t.Fatalf("the doc lost its router section or lacks the new one:\n%s", doc)
	}
	for _, name := range []string{"overview", "plaintext", "json", "db", "queries", "fortunes", "updates"} {
		f, err := os.Open(filepath.Join(root, "docs", "img", "tfb-"+name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("tfb-%s.png: %v", name, err)
		}
		if img.Bounds().Dx() < 300 || img.Bounds().Dy() < 100 {
			t.Errorf("tfb-%s.png is only %v", name, img.Bounds())
		}
	}
}

func TestRunRejectsBadUsage(t *testing.T) {
	t.Parallel()
	var out, errb strings.Builder
	for _, args := range [][]string{{"nope"}, {"check"}, {"load", "-impl", "x", "-test", "nope"}, {"startup", "-impl", "x"}, {"assemble"}} {
		err := run(t.Context(), args, &out, &errb)
		if _, ok := err.(usageError); !ok {
			t.Errorf("run(%q) = %v, want a usage error", args, err)
		}
	}
}
