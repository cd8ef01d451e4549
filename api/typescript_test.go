package api_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sinewdev/sinew/api"
)

// TestTypeScript keeps the generated client stable and, when the TypeScript compiler is
// installed (npm install -g typescript), checks that it compiles in strict mode.
func TestTypeScript(t *testing.T) {
	t.Parallel()
	_, a := newTestAPI(t, api.Config{Title: "Test API", Version: "1.2.3"})
	_, ra := newResourceAPI(t)
	for name, doc := range map[string]*api.Document{"client.ts": a.Document(), "resource_client.ts": ra.Document()} {
		ts := api.TypeScript(doc)
		golden(t, name, ts)
		tsc, err := exec.LookPath("tsc")
		if err != nil {
			t.Logf("tsc not found (npm install -g typescript): the client is not compiled")
			continue
		}
		dir := t.TempDir()
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, ts, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(tsc, "--noEmit", "--strict", "--target", "es2022", "--lib", "es2022,dom", file).CombinedOutput()
		if err != nil {
			t.Errorf("tsc %s: %v\n%s", name, err, out)
		}
	}
}
