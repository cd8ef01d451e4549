package main

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// allTypes is a field of every type and option.
var allTypes = []string{"name:string", "notes:text", "count:int", "ratio:float", "price:decimal", "active:bool",
	"due:date", "seen_at:datetime", "ref:uuid", "data:json", "parent:references:Item", "code:string:index",
	"slug:string:unique", "extra:text:null", "owner:references:User"}

// TestGolden compares the files each generator writes with testdata/golden/<case>/; run
// with -update to rewrite them after a deliberate change.
func TestGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		new   []string   // sinew new flags
		steps [][]string // generator command lines run in the app, in order
	}{
		{name: "new", new: nil},
		{name: "new_api_postgres", new: []string{"--api-only", "--db", "postgres", "--module", "example.com/shop/demo"}},
		{name: "new_mysql", new: []string{"--db", "mysql"}},
		{name: "model", steps: [][]string{{"generate", "model", "Comment", "body:text", "approved:bool", "author:references:User"}}},
		{name: "resource", steps: [][]string{{"generate", "resource", "Tag", "name:string:unique"}}},
		{name: "scaffold", steps: [][]string{{"generate", "scaffold", "Post", "title:string", "body:text", "published:bool", "author:references:User"}}},
		{name: "scaffold_all_types", steps: [][]string{append([]string{"generate", "scaffold", "Item"}, allTypes...)}},
		{name: "resource_all_types_api_only", new: []string{"--api-only"}, steps: [][]string{append([]string{"generate", "resource", "Item"}, allTypes...)}},
		{name: "two_generators", steps: [][]string{
			{"generate", "model", "Category", "name:string"},
			{"generate", "scaffold", "BlogPost", "title:string", "category:references"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newApp(t, tt.new...)
			before := snapshot(t, app)
			var stdout strings.Builder
			for _, step := range tt.steps {
				code, out, errs := sinew(t, app, step...)
				if code != 0 {
					t.Fatalf("%v: exit %d: %s", step, code, errs)
				}
				stdout.WriteString("$ sinew " + strings.Join(step, " ") + "\n" + out)
			}
			got := snapshot(t, app)
			if len(tt.steps) > 0 {
				// Only what the generators wrote or changed.
				for k, v := range before {
					if got[k] == v {
						delete(got, k)
					}
				}
				got["stdout.txt"] = stdout.String()
			}
			dir := filepath.Join("testdata", "golden", tt.name)
			if *update {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				for name, data := range got {
					p := filepath.Join(dir, filepath.FromSlash(name)) + ".golden"
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			want := snapshot(t, dir)
			for name, data := range want {
				name = strings.TrimSuffix(name, ".golden")
				if got[name] != data {
					t.Errorf("%s differs from its golden file (run go test -run TestGolden -update after a deliberate change):\n%s", name, diffLines(data, got[name]))
				}
			}
			for name := range got {
				if _, ok := want[name+".golden"]; !ok {
					t.Errorf("%s was written but has no golden file", name)
				}
			}
		})
	}
}

// diffLines shows the first lines that differ.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl
		}
	}
	return "(same lines)"
}
