package orm

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestTargetRejectsBadInput(t *testing.T) {
	t.Parallel()
	pg := "postgres://root@127.0.0.1:5432/test?sslmode=disable"
	for _, tc := range []struct {
		name string
		t    Target
	}{
		{"no engine", Target{Path: "x.db"}},
		{"unknown engine", Target{Engine: "Oracle", Path: "x.db"}},
		{"SQLite without a path", Target{Engine: SQLite}},
		{"Postgres without a URL", Target{Engine: Postgres, Schema: "s"}},
		{"Postgres without a schema", Target{Engine: Postgres, URL: pg}},
		{"schema with SQL in it", Target{Engine: Postgres, URL: pg, Schema: `s"; DROP SCHEMA public CASCADE; --`}},
		{"schema in upper case", Target{Engine: Postgres, URL: pg, Schema: "Bench"}},
		{"schema starting with a digit", Target{Engine: Postgres, URL: pg, Schema: "1bench"}},
		{"schema too long", Target{Engine: Postgres, URL: pg, Schema: strings.Repeat("s", 64)}},
		{"keyword/value connection string", Target{Engine: Postgres, URL: "host=127.0.0.1 user=root", Schema: "s"}},
		{"another scheme", Target{Engine: Postgres, URL: "mysql://root@127.0.0.1/test", Schema: "s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := tc.t.DSN(); !errors.Is(err, ErrTarget) {
				t.Errorf("DSN: error %v, want ErrTarget", err)
			}
			if _, err := Prepare(context.Background(), tc.t, 1); !errors.Is(err, ErrTarget) {
				t.Errorf("Prepare: error %v, want ErrTarget", err)
			}
		})
	}
}

func TestTargetDSN(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		t    Target
		want map[string]string // query parameters of the DSN
	}{
		{"defaults", Target{Engine: Postgres, URL: "postgres://root@127.0.0.1:5432/test?sslmode=disable", Schema: "bench_raw"},
			map[string]string{"sslmode": "disable", "search_path": "bench_raw", "default_query_exec_mode": "exec"}},
		{"exec mode and search path replaced", Target{Engine: Postgres, URL: "postgresql://h/db?search_path=public&default_query_exec_mode=simple_protocol", Schema: "s", ExecMode: "cache_statement"},
			map[string]string{"search_path": "s", "default_query_exec_mode": "cache_statement"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dsn, err := tc.t.DSN()
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(dsn)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			if len(q) != len(tc.want) {
				t.Errorf("DSN %s has parameters %v, want %v", dsn, q, tc.want)
			}
			for k, v := range tc.want {
				if got := q[k]; len(got) != 1 || got[0] != v {
					t.Errorf("DSN %s: %s = %q, want %q", dsn, k, got, v)
				}
			}
		})
	}
	dsn, err := Target{Engine: SQLite, Path: "/tmp/x.db"}.DSN()
	if err != nil || dsn != "sqlite:/tmp/x.db" {
		t.Errorf("SQLite DSN = %q, %v", dsn, err)
	}
}

func TestPrepareSeedsAndResets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg := Target{Engine: SQLite, Path: filepath.Join(t.TempDir(), "seed.db")}
	if _, err := Prepare(ctx, tg, -1); !errors.Is(err, ErrTarget) {
		t.Errorf("Prepare with -1 rows: error %v, want ErrTarget", err)
	}
	// Twice, with a batch boundary inside: the second call starts over.
	for _, rows := range []int{seedBatch + 3, 7} {
		cleanup, err := Prepare(ctx, tg, rows)
		if err != nil {
			t.Fatal(err)
		}
		if err := cleanup(); err != nil {
			t.Fatal(err)
		}
		s, err := RawLib().Open(ctx, tg)
		if err != nil {
			t.Fatal(err)
		}
		last, err := s.GetByPK(ctx, int64(rows))
		if err != nil {
			t.Fatalf("%d rows: %v", rows, err)
		}
		if diff := samePost(*last, SeedPost(rows)); diff != "" {
			t.Errorf("%d rows: last row %s", rows, diff)
		}
		if _, err := s.GetByPK(ctx, int64(rows+1)); err == nil {
			t.Errorf("%d rows: a row after the last", rows)
		}
		s.Close()
	}
}

func TestSeedPost(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for n := 1; n <= 1000; n++ {
		p := SeedPost(n)
		if p.ID != int64(n) || p.Published != (n%2 == 0) || len(p.Title) > 200 || seen[p.Title] {
			t.Fatalf("SeedPost(%d) = %+v", n, p)
		}
		seen[p.Title] = true
		if n > 1 && !p.CreatedAt.After(SeedPost(n-1).CreatedAt) {
			t.Fatalf("SeedPost(%d) is not newer than SeedPost(%d)", n, n-1)
		}
	}
}

func TestEngineVersionSQLite(t *testing.T) {
	t.Parallel()
	v, err := EngineVersion(context.Background(), Target{Engine: SQLite, Path: filepath.Join(t.TempDir(), "v.db")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(v, "3.") {
		t.Errorf("SQLite version %q, want 3.x", v)
	}
}

func TestCPUTimeGrows(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no getrusage on " + runtime.GOOS)
	}
	start, ok := CPUTime()
	if !ok {
		t.Fatal("CPUTime not available on a unix system")
	}
	x := uint64(1)
	for i := range 50_000_000 {
		x = x*6364136223846793005 + uint64(i)
	}
	end, ok := CPUTime()
	if !ok || end <= start {
		t.Errorf("CPUTime went from %v to %v (ok=%v) over a busy loop (%d)", start, end, ok, x)
	}
}
