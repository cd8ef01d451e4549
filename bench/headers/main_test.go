package main

import (
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
)

// TestMuxVariant: the two ServeMux variants answer the same body; mux-headers adds its
// four headers, the request ID in Sinew's alphabet; an unknown name is refused by name.
func TestMuxVariant(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		variant string
		extra   bool
	}{{"mux", false}, {"mux-headers", true}} {
		h, err := muxVariant(tt.variant)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/plaintext", nil))
		if rec.Code != http.StatusOK || rec.Body.String() != "Hello, World!" {
			t.Errorf("%s: %d %q", tt.variant, rec.Code, rec.Body)
		}
		id := rec.Header().Get("X-Request-Id")
		got := rec.Header().Get("Vary") != "" && rec.Header().Get("X-Content-Type-Options") != "" &&
			rec.Header().Get("X-Frame-Options") != "" && id != ""
		if got != tt.extra {
			t.Errorf("%s: the four headers present = %v, want %v (%v)", tt.variant, got, tt.extra, rec.Header())
		}
		if tt.extra && (len(id) != 26 || strings.Trim(id, crockford) != "") {
			t.Errorf("%s: request ID %q is not 26 characters of %s", tt.variant, id, crockford)
		}
	}
	for _, bad := range []string{"", "MUX", "mux-headers ", "app\x00", strings.Repeat("x", 4096)} {
		if _, err := muxVariant(bad); err == nil || !strings.Contains(err.Error(), "unknown VARIANT") {
			t.Errorf("muxVariant(%.20q) = %v, want an unknown VARIANT error", bad, err)
		}
	}
}

// TestRunArguments: run.sh refuses settings that are not positive numbers before it builds
// or starts anything.
func TestRunArguments(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	for _, env := range []string{"ROUNDS=0", "ROUNDS=abc", "SECONDS_PER=-3", "SECONDS_PER=1e3", "PORT=80;rm", "ROUNDS= 3"} {
		cmd := exec.Command("bash", "run.sh")
		cmd.Env = append(cmd.Environ(), env)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "is not a positive number") {
			t.Errorf("%s: err %v, output %q; want exit 2 naming the bad number", env, err, out)
		}
	}
}
