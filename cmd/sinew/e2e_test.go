package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	sinewapp "github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/orm"
)

// TestEndToEnd is the acceptance test: it builds the sinew command, makes an app
// with a replace directive pointing at this checkout, generates a scaffold, a resource and a
// migration, runs go vet and go test in the app, then builds and starts it and checks that
// the pages and the API answer. It runs for SQLite and, when SINEW_TEST_POSTGRES_URL is set,
// PostgreSQL; each compiles a whole app (the Go build cache is shared), so -short skips it.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a generated app; skipped with -short")
	}
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "sinew")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building sinew: %v\n%s", err, out)
	}
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			pgURL := os.Getenv("SINEW_TEST_POSTGRES_URL")
			if db == "postgres" && pgURL == "" {
				msg := "set SINEW_TEST_POSTGRES_URL (e.g. postgres://root@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL end-to-end test"
				if os.Getenv("SINEW_TEST_REQUIRE_SERVICES") == "1" {
					t.Fatal(msg)
				}
				t.Skip(msg)
			}
			dir := t.TempDir()
			e := &e2e{t: t, env: childEnv()}
			e.sh(dir, bin, "new", "demo", "--db", db, "--sinew-path", repo)
			app := filepath.Join(dir, "demo")
			out := e.sh(app, bin, "generate", "scaffold", "Post", "title:string", "body:text", "published:bool", "author:references:User")
			if !strings.Contains(out, "create    post_pages.go") || !strings.Contains(out, "0001_create_posts.go") {
				t.Errorf("scaffold output:\n%s", out)
			}
			e.sh(app, bin, "generate", "resource", "Tag", "name:string")
			if db == "sqlite" {
				// A chain of references (Comment → Post → auth.User) and a model with a Body
				// field behind the typed API.
				e.sh(app, bin, "generate", "resource", "Comment", "body:text", "post:references")
				e.sh(app, bin, "generate", "migration", "backfill_slugs")
				if _, err := os.Stat(filepath.Join(app, "migrations", "0004_backfill_slugs.go")); err != nil {
					t.Errorf("generate migration: %v", err)
				}
			}
			e.sh(app, "go", "vet", "./...")
			out = e.sh(app, "go", "test", "-count=1", "./...")
			if !strings.Contains(out, "ok  \tdemo") {
				t.Errorf("go test in the app:\n%s", out)
			}
			routes := e.sh(app, bin, "routes")
			for _, r := range []string{"/posts/{id}/edit", "/api/tags/{id}", "/auth/login"} {
				if !strings.Contains(routes, r) {
					t.Errorf("sinew routes lacks %s:\n%s", r, routes)
				}
			}

			// Build and start the app as it would run.
			e.sh(app, "go", "build", "-o", "demo", ".")
			addr := freeAddr(t)
			env := append(e.env, "SINEW_ADDR="+addr, "SINEW_ENV=dev", "SINEW_LOG_FORMAT=text")
			if db == "postgres" {
				env = append(env, "DATABASE_URL="+pgSchema(t, pgURL))
			}
			cmd := exec.Command(filepath.Join(app, "demo"))
			cmd.Dir, cmd.Env = app, env
			var logs bytes.Buffer
			cmd.Stdout, cmd.Stderr = &logs, &logs
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			defer func() {
				_ = cmd.Process.Signal(syscall.SIGTERM)
				select {
				case err := <-exited:
					if err != nil {
						t.Errorf("the app exited with %v:\n%s", err, logs.String())
					}
				case <-time.After(30 * time.Second):
					_ = cmd.Process.Kill()
					t.Errorf("the app did not stop on SIGTERM")
				}
			}()
			base := "http://" + addr
			waitReady(t, base+"/healthz", exited, &logs)

			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			page := func(path string, status int, contains string) string {
				t.Helper()
				req, _ := http.NewRequest("GET", base+path, nil)
				req.Header.Set("Accept", "text/html")
				res, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != status || !strings.Contains(string(b), contains) {
					t.Errorf("GET %s = %d, want %d containing %q:\n%.400s", path, res.StatusCode, status, contains, b)
				}
				return string(b)
			}
			page("/", 200, "<h1>demo</h1>")
			page("/posts", 200, "No posts yet.")
			form := page("/posts/new", 200, `id="posts-form"`)
			page("/posts/999", 404, "")
			page("/api/tags", 200, `"total":0`)
			page("/openapi.json", 200, `"/api/tags/{id}"`)
			page("/docs", 200, "swagger")
			if res, err := c.Get(base + "/admin/post/"); err != nil {
				t.Fatal(err)
			} else {
				res.Body.Close()
				if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/auth/login") {
					t.Errorf("GET /admin/post/ anonymously = %d to %q, want the login page", res.StatusCode, loc)
				}
			}

			// The API creates a tag with the session's CSRF token, as a page's script would.
			m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(form)
			if m == nil {
				t.Fatalf("no CSRF token in the form:\n%s", form)
			}
			req, _ := http.NewRequest("POST", base+"/api/tags", strings.NewReader(`{"name":"go"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", m[1])
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var tag map[string]any
			_ = json.NewDecoder(res.Body).Decode(&tag)
			res.Body.Close()
			if res.StatusCode != 201 || tag["name"] != "go" {
				t.Errorf("POST /api/tags = %d %v", res.StatusCode, tag)
			}
			page(fmt.Sprintf("/api/tags/%v", tag["id"]), 200, `"name":"go"`)
			// Without the token the same request is refused and nothing is stored.
			res, err = c.Post(base+"/api/tags", "application/json", strings.NewReader(`{"name":"evil"}`))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 403 {
				t.Errorf("POST /api/tags without a token = %d, want 403", res.StatusCode)
			}
			page("/api/tags", 200, `"total":1`)
		})
	}
}

// e2e runs commands for TestEndToEnd.
type e2e struct {
	t   *testing.T
	env []string
}

// sh runs name with args in dir and returns its combined output, stopping the test on
// failure.
func (e *e2e) sh(dir, name string, args ...string) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, e.env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	e.t.Logf("%s %s (%s)", filepath.Base(name), strings.Join(args, " "), time.Since(start).Round(time.Second))
	if err != nil {
		e.t.Fatalf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

// childEnv is the environment of the commands: this one without what would change how the
// generated app runs (its database, environment and address).
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "DATABASE_URL" || k == "PORT" || (strings.HasPrefix(k, "SINEW_") && !strings.HasPrefix(k, "SINEW_TEST_")) {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitReady polls url until it answers 200.
func waitReady(t *testing.T, url string, exited <-chan error, logs *bytes.Buffer) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("the app exited (%v):\n%s", err, logs.String())
		default:
		}
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("the app did not answer %s within 60s:\n%s", url, logs.String())
}

// pgSchema creates a schema for the running app, dropped when t ends, and returns a URL
// using it.
func pgSchema(t *testing.T, base string) string {
	t.Helper()
	ctx := context.Background()
	admin, err := sinewapp.OpenDatabase(ctx, base, orm.Config{MaxOpenConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "sinew_e2e_" + hex.EncodeToString(b[:])
	if _, err := admin.SQL().ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.SQL().ExecContext(context.Background(), "DROP SCHEMA "+name+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}
