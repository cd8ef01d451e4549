package orm

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// recorder is a pgx.QueryTracer that keeps the text of every statement.
type recorder struct {
	mu   sync.Mutex
	stmt []string
}

// TraceQueryStart implements pgx.QueryTracer.
func (r *recorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	r.mu.Lock()
	r.stmt = append(r.stmt, data.SQL)
	r.mu.Unlock()
	return ctx
}

// TraceQueryEnd implements pgx.QueryTracer.
func (r *recorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// take returns the statements recorded since the last call.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stmt
	r.stmt = nil
	return s
}

// recordSQL runs each operation once on lib's store with fixed values and
// returns the statements sent to PostgreSQL, by operation.
func recordSQL[T any](t *testing.T, lib Lib[T], pgURL string) map[string][]string {
	t.Helper()
	rec := &recorder{}
	tg := target(t, lib.Name, Postgres, pgURL)
	tg.Tracer = rec
	s, ctx := setup(t, lib, tg)
	rec.take() // whatever the library ran when it connected
	created := time.Date(2026, 2, 3, 4, 5, 6, 789000, time.UTC)
	out := map[string][]string{}
	run := func(op string, f func() error) {
		t.Helper()
		if err := f(); err != nil {
			t.Fatalf("%s %s: %v", lib.Name, op, err)
		}
		out[op] = rec.take()
	}
	run("GetByPK", func() error { _, err := s.GetByPK(ctx, 7); return err })
	run("Fetch20", func() error { _, err := s.Fetch20(ctx); return err })
	run("InsertOne", func() error {
		p := lib.FromPost(Post{Title: "One", Body: "body", Views: 1, Published: true, CreatedAt: created})
		return s.InsertOne(ctx, &p)
	})
	run("InsertBulk (3 rows)", func() error {
		rows := make([]T, 3)
		for i := range rows {
			rows[i] = lib.FromPost(Post{Title: fmt.Sprint("Bulk ", i), Body: "body", Views: int64(i), Published: true, CreatedAt: created})
		}
		return s.InsertBulk(ctx, rows)
	})
	row, err := s.GetByPK(ctx, 8)
	if err != nil {
		t.Fatal(err)
	}
	rec.take()
	run("UpdateOne", func() error {
		p := lib.ToPost(row)
		p.Views = 42
		*row = lib.FromPost(p)
		return s.UpdateOne(ctx, row)
	})
	return out
}

// TestSQLGolden records the statements every library sends to PostgreSQL for
// each operation, into testdata/postgres.sql.golden, so that a reader can check
// that they do the same work (go test -update rewrites it).
func TestSQLGolden(t *testing.T) {
	pgURL := os.Getenv(postgresEnv)
	if pgURL == "" {
		t.Skipf("set %s to record the SQL each library sends to PostgreSQL", postgresEnv)
	}
	libs := []struct {
		name string
		sql  map[string][]string
	}{
		{"Raw", recordSQL(t, RawLib(), pgURL)},
		{"Sinew", recordSQL(t, SinewLib(), pgURL)},
		{"GORM", recordSQL(t, GORMLib(), pgURL)},
		{"Bun", recordSQL(t, BunLib(), pgURL)},
		{"Pgx", recordSQL(t, PgxLib(), pgURL)},
	}
	var b strings.Builder
	b.WriteString("-- The statements each library sends to PostgreSQL for each operation\n")
	b.WriteString("-- (recorded by TestSQLGolden with a pgx tracer; go test -update rewrites this file).\n")
	for _, op := range []string{"GetByPK", "Fetch20", "InsertOne", "InsertBulk (3 rows)", "UpdateOne"} {
		fmt.Fprintf(&b, "\n-- %s\n", op)
		for _, l := range libs {
			stmts := l.sql[op]
			if len(stmts) != 1 {
				t.Errorf("%s %s sent %d statements, want 1: %q", l.name, op, len(stmts), stmts)
			}
			for _, s := range stmts {
				fmt.Fprintf(&b, "%-6s %s\n", l.name+":", strings.Join(strings.Fields(s), " "))
			}
		}
	}
	got := b.String()
	path := filepath.Join("testdata", "postgres.sql.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update with %s set)", err, postgresEnv)
	}
	if got != string(want) {
		t.Errorf("statements differ from %s (go test -update rewrites it):\n%s", path, got)
	}
}
