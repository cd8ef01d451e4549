package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseURL checks that any DATABASE_URL either parses into a clean path or gives an
// error, without panicking.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"", "sqlite:data/app.db", "sqlite:///tmp/x.db?_busy_timeout=5", "sqlite::memory:", "file:a.db?mode=ro",
		"postgres://x", "sqlite:?%zz", "sqlite:a%2Fb.db", ":memory:", "sqlite://"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		path, params, memory, err := parseURL(raw)
		if err != nil {
			return
		}
		if memory {
			if path != "" {
				t.Fatalf("%q: memory database with path %q", raw, path)
			}
			return
		}
		if path == "" || path != filepath.Clean(path) || strings.ContainsRune(path, 0) || params == nil {
			t.Fatalf("%q: path %q params %v", raw, path, params)
		}
	})
}
