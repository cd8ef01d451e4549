package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/orm"
)

// assertionsPerRun is what a fully passing server gets from the official collection.
const assertionsPerRun = 311

// TestRealWorldSuite runs the official RealWorld Postman collection (testdata/realworld,
// MIT) with newman against the app listening on a free port: on a fresh database, then a
// second time on the same database (new users, new articles with the same titles). It runs
// on SQLite, and on PostgreSQL and MariaDB when SINEW_TEST_POSTGRES_URL and
// SINEW_TEST_MYSQL_URL are set, each in a database of its own that is dropped afterwards.
// A run fails on any failed assertion or script error, on fewer than 311 assertions, and
// on any 4xx or 5xx answer (the collection expects none).
//
// newman is installed from the npm registry (the version pinned by
// testdata/newman/package-lock.json) into .newman/, which git ignores.
func TestRealWorldSuite(t *testing.T) {
	if os.Getenv("SINEW_TEST_REALWORLD") == "" {
		t.Skip("set SINEW_TEST_REALWORLD=1 to run the official RealWorld suite (needs node and npm)")
	}
	newman := installNewman(t)
	dbs := []struct{ name, url string }{{"sqlite", "sqlite:" + filepath.Join(t.TempDir(), "conduit.db")}}
	if u := os.Getenv("SINEW_TEST_POSTGRES_URL"); u != "" {
		dbs = append(dbs, struct{ name, url string }{"postgres", freshDatabase(t, u, "postgres")})
	} else {
		t.Log("SINEW_TEST_POSTGRES_URL is not set: PostgreSQL skipped")
	}
	if u := os.Getenv("SINEW_TEST_MYSQL_URL"); u != "" {
		dbs = append(dbs, struct{ name, url string }{"mariadb", freshDatabase(t, u, "mysql")})
	} else {
		t.Log("SINEW_TEST_MYSQL_URL is not set: MariaDB skipped")
	}
	for _, db := range dbs {
		t.Run(db.name, func(t *testing.T) {
			for run := 1; run <= 2; run++ {
				runSuite(t, newman, db.name, db.url, fmt.Sprintf("%s%d%d", db.name, time.Now().UnixNano()%1e9, run))
			}
		})
	}
}

// runSuite serves the app on databaseURL and runs the collection once as user name.
func runSuite(t *testing.T, newman, engine, databaseURL, name string) {
	t.Helper()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, DatabaseURL: databaseURL, Stderr: io.Discard})
	setup(app)
	ctx, cancel := context.WithCancel(context.Background())
	if err := app.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Serve(ctx, ln) }()
	defer func() {
		cancel()
		start := time.Now()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
		t.Logf("shutdown %s", time.Since(start))
	}()

	report := filepath.Join(t.TempDir(), "report.json")
	cmd := exec.Command(newman, "run", filepath.Join("testdata", "realworld", "Conduit.postman_collection.json"),
		"--global-var", "APIURL=http://"+ln.Addr().String()+"/api",
		"--global-var", "USERNAME="+name, "--global-var", "EMAIL="+name+"@example.com",
		"--global-var", "PASSWORD=Correct-Horse-Battery-42",
		"--reporters", "cli,json", "--reporter-json-export", report, "--color", "off")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("newman %s", time.Since(start))
	if err != nil {
		t.Errorf("newman: %v\n%s", err, out)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Run struct {
			Stats map[string]struct{ Total, Failed int }
			// Failures are failed assertions and script errors.
			Failures []struct {
				Error  struct{ Name, Message, Test string }
				Source struct{ Name string }
			}
			Executions []struct {
				Item     struct{ Name string }
				Request  struct{ Method string }
				Response struct{ Code int }
			}
		}
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Run.Failures {
		t.Errorf("%s: %s: %s %s", f.Source.Name, f.Error.Name, f.Error.Test, f.Error.Message)
	}
	for _, e := range r.Run.Executions {
		if e.Response.Code >= 400 {
			t.Errorf("%s (%s): answered %d", e.Item.Name, e.Request.Method, e.Response.Code)
		}
	}
	a := r.Run.Stats["assertions"]
	if a.Total != assertionsPerRun || a.Failed != 0 {
		t.Errorf("assertions: %d run, %d failed; want %d run, 0 failed", a.Total, a.Failed, assertionsPerRun)
	}
	if s := r.Run.Stats["testScripts"]; s.Failed != 0 {
		t.Errorf("%d test scripts failed", s.Failed)
	}
	t.Logf("%s: %d/%d assertions passed, %d requests", engine, a.Total-a.Failed, a.Total, len(r.Run.Executions))
	if t.Failed() {
		t.Logf("newman output:\n%s", out)
	}
}

// installNewman installs the pinned newman into .newman/ (once) and returns its path.
func installNewman(t *testing.T) string {
	t.Helper()
	lock, err := os.ReadFile(filepath.Join("testdata", "newman", "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(".newman", "node_modules", ".bin", "newman")
	if have, err := os.ReadFile(filepath.Join(".newman", "package-lock.json")); err == nil && bytes.Equal(have, lock) {
		if _, err := os.Stat(bin); err == nil {
			return bin
		}
	}
	if err := os.MkdirAll(".newman", 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "newman", f))
		if err == nil {
			err = os.WriteFile(filepath.Join(".newman", f), b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = ".newman"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci (newman): %v\n%s", err, out)
	}
	return bin
}

// freshDatabase creates an empty database next to the one base (a test server's URL or
// MySQL DSN) names, drops it when the test ends, and returns its DATABASE_URL.
func freshDatabase(t *testing.T, base, scheme string) string {
	t.Helper()
	if scheme == "mysql" && !strings.HasPrefix(base, "mysql://") { // a DSN: user@tcp(host:port)/db
		base = "mysql://" + strings.Replace(strings.Replace(base, "@tcp(", "@", 1), ")/", "/", 1)
	}
	name := fmt.Sprintf("conduit_%d", time.Now().UnixNano())
	ctx := context.Background()
	db, err := sinew.OpenDatabase(ctx, base, orm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ctx = orm.WithDB(ctx, db)
	if _, err := orm.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := orm.Exec(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
			t.Errorf("dropping %s: %v", name, err)
		}
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
