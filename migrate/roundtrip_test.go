package migrate

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedFilesCompile compiles the golden migration files as a real migrations
// package in a scratch module and checks that the compiled migrations have the checksums
// of the ones makemigrations produced: the files say exactly what the generator meant.
func TestGeneratedFilesCompile(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds a program; skipped in -short mode")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not in PATH")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write("go.sum", sum)
	write("go.mod", []byte(fmt.Sprintf("module roundtrip\n\ngo 1.26\n\nrequire github.com/sinewdev/sinew v0.0.0\n\nreplace github.com/sinewdev/sinew => %s\n", root)))
	goldens, err := filepath.Glob(filepath.Join(goldenDir, "0*.go.golden"))
	if err != nil || len(goldens) != lastStep {
		t.Fatalf("golden files: %v, %v", goldens, err)
	}
	for _, g := range append(goldens, filepath.Join(goldenDir, "migrations.go.golden")) {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		write(filepath.Join("migrations", strings.TrimSuffix(filepath.Base(g), ".golden")), data)
	}
	write("main.go", []byte(`package main

import (
	"fmt"

	"roundtrip/migrations"
)

func main() {
	for _, m := range migrations.All {
		fmt.Println(m.Name, m.Checksum())
	}
}
`))
	cmd := exec.Command(goBin, "run", ".")
	cmd.Dir = dir
	// Everything needed is in the module cache once this module builds: stay offline.
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil && strings.Contains(string(out), "GOPROXY=off") {
		t.Skipf("a module is missing from the module cache and the test stays offline:\n%s", out)
	}
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, out)
	}
	var want strings.Builder
	for _, m := range makeSequence(t) {
		fmt.Fprintln(&want, m.Name, m.Checksum())
	}
	if string(out) != want.String() {
		t.Fatalf("compiled migrations differ from the generated ones:\n--- got\n%s--- want\n%s", out, want.String())
	}
}
