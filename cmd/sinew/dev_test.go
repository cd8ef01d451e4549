package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// devApp is a tiny app for the dev server test: it needs no framework packages, so it
// builds in a moment, and answers with its version.
const devApp = `package main

import (
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("VERSION " + r.URL.Path))
	})
	http.ListenAndServe(os.Getenv("SINEW_ADDR"), nil)
}
`

// syncBuffer is a bytes.Buffer safe for the dev server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDev runs sinew dev on a small app: it serves the app through its proxy, rebuilds and
// restarts it when a file changes, shows a compile error in the terminal and to the next
// request, and serves again once the error is fixed.
func TestDev(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an app several times; skipped with -short")
	}
	t.Parallel()
	dir := t.TempDir()
	repo, _ := filepath.Abs(filepath.Join("..", ".."))
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module devapp\n\ngo 1.26.0\n\nrequire github.com/sinewdev/sinew v0.0.0-00010101000000-000000000000\n\nreplace github.com/sinewdev/sinew => "+repo+"\n")
	write("main.go", strings.Replace(devApp, "VERSION", "one", 1))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	d := &devServer{root: dir, e: &env{stdout: &logs, stderr: &logs, dir: dir}}
	go func() { done <- d.serve(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("dev server: %v", err)
		}
	}()
	base := "http://" + ln.Addr().String()

	// expect polls until a request answers status with a body containing want.
	expect := func(status int, want string, accept string) {
		t.Helper()
		deadline := time.Now().Add(90 * time.Second)
		var last string
		for time.Now().Before(deadline) {
			req, _ := http.NewRequest("GET", base+"/hello", nil)
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			res, err := http.DefaultClient.Do(req)
			if err == nil {
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				last = string(b)
				if res.StatusCode == status && strings.Contains(last, want) {
					return
				}
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("no answer %d containing %q; last %q\nlogs:\n%s", status, want, last, logs.String())
	}
	expect(200, "one /hello", "")

	write("main.go", strings.Replace(devApp, "VERSION", "two", 1))
	expect(200, "two /hello", "")

	write("main.go", strings.Replace(devApp, "VERSION", "three", 1)+"\nfunc broken() { undefinedThing() }\n")
	expect(500, "undefined: undefinedThing", "text/html")
	expect(500, "main.go:", "")
	if !strings.Contains(logs.String(), "undefined: undefinedThing") {
		t.Errorf("the terminal did not show the compile error:\n%s", logs.String())
	}
	// The error page escapes what the compiler printed.
	write("main.go", strings.Replace(devApp, "VERSION", "four", 1)+"\nvar broken int = \"<script>\"\n")
	expect(500, "&lt;script&gt;", "text/html")

	write("main.go", strings.Replace(devApp, "VERSION", "five", 1))
	expect(200, "five /hello", "")
	// Files that do not matter do not restart the app.
	write("notes.md", "hello")
	write("main_test.go", "package main\n")
	expect(200, "five /hello", "")
}
