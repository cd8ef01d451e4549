package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/sqlite"
)

type note struct {
	orm.Model
	Body  string
	Count int64
}

func open(t *testing.T, url string) *orm.DB {
	t.Helper()
	reg := orm.NewRegistry()
	if err := reg.Register(note{}); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), url, orm.Config{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.CreateTables(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestOpenURLs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		url  string
		file string // the file that must exist afterwards, "" for memory
	}{
		{"sqlite:" + filepath.Join(dir, "a.db"), filepath.Join(dir, "a.db")},
		{"sqlite://" + filepath.Join(dir, "b.db"), filepath.Join(dir, "b.db")},
		{"file:" + filepath.Join(dir, "c.db") + "?_busy_timeout=2000", filepath.Join(dir, "c.db")},
		{filepath.Join(dir, "sub", "dir", "d.db"), filepath.Join(dir, "sub", "dir", "d.db")},
		{"sqlite3:" + filepath.Join(dir, "e%20f.db"), filepath.Join(dir, "e f.db")},
		{"sqlite::memory:", ""},
		{":memory:", ""},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			t.Parallel()
			db := open(t, tt.url)
			ctx := orm.WithDB(context.Background(), db)
			if err := orm.Create(ctx, &note{Body: "x"}); err != nil {
				t.Fatal(err)
			}
			n, err := orm.Q[note](ctx).Count()
			if err != nil || n != 1 {
				t.Fatalf("count = %d, %v", n, err)
			}
			if tt.file != "" {
				if _, err := os.Stat(tt.file); err != nil {
					t.Errorf("file: %v", err)
				}
			}
		})
	}
}

func TestOpenDefaultPath(t *testing.T) {
	t.Chdir(t.TempDir())
	db := open(t, "")
	if err := db.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join("data", "app.db")); err != nil {
		t.Fatalf("default database file: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		url, want string
	}{
		{"postgres://localhost/db", `unsupported URL scheme "postgres"`},
		{"sqlite:", "no file path"},
		{"sqlite:x.db?%zz", "bad query string"},
		{"sqlite:" + filepath.Join(blocker, "x.db"), "creating the directory of " + filepath.Join(blocker, "x.db")},
		{"sqlite:" + t.TempDir() + "/x.db?_journal_mode=bogus", "opening " + t.TempDir()[:5]},
	}
	for _, tt := range tests {
		_, err := sqlite.Open(context.Background(), tt.url, orm.Config{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Open(%q) = %v, want an error containing %q", tt.url, err, tt.want)
		}
	}
}

// TestConcurrentWriters proves that writes from many goroutines queue for the writer
// connection instead of failing with SQLITE_BUSY, while reads proceed.
func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	db := open(t, "sqlite:"+filepath.Join(t.TempDir(), "busy.db"))
	ctx := orm.WithDB(context.Background(), db)
	const writers, each = 64, 30
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				var err error
				switch i % 3 {
				case 0:
					err = orm.Create(ctx, &note{Body: fmt.Sprintf("w%d-%d", w, i)})
				case 1:
					err = db.Tx(ctx, func(ctx context.Context) error {
						n := &note{Body: "tx"}
						if err := orm.Create(ctx, n); err != nil {
							return err
						}
						n.Count++
						return orm.Save(ctx, n)
					})
				case 2:
					_, err = orm.Exec(ctx, "UPDATE notes SET count = count + 1 WHERE id % 7 = ?", w%7)
				}
				if err != nil {
					errs <- err
				}
				if _, err := orm.Q[note](ctx).Filter("body__startswith", "w").Count(); err != nil {
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n, err := orm.Q[note](ctx).Count()
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(writers * 20); n != want {
		t.Errorf("rows = %d, want %d", n, want)
	}
}

func TestReadersAreReadOnly(t *testing.T) {
	t.Parallel()
	db := open(t, "sqlite:"+filepath.Join(t.TempDir(), "ro.db"))
	if _, err := db.SQL().Exec("INSERT INTO notes (created_at, updated_at, body, count) VALUES ('x', 'x', 'x', 1)"); err == nil {
		t.Error("the read pool accepted a write")
	}
	// Raw statements that write go to the writer.
	ctx := orm.WithDB(context.Background(), db)
	if _, err := orm.Raw[int64](ctx, "INSERT INTO notes (created_at, updated_at, body, count) VALUES (?, ?, ?, ?) RETURNING id", "2024-01-01", "2024-01-01", "b", 1); err != nil {
		t.Error(err)
	}
}

func TestMemoryTx(t *testing.T) {
	t.Parallel()
	db := open(t, "sqlite::memory:")
	ctx := orm.WithDB(context.Background(), db)
	boom := errors.New("boom")
	err := db.Tx(ctx, func(ctx context.Context) error {
		if err := orm.Create(ctx, &note{Body: "gone"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if n, _ := orm.Q[note](ctx).Count(); n != 0 {
		t.Errorf("rows after rollback: %d", n)
	}
}

func TestDialect(t *testing.T) {
	t.Parallel()
	d := sqlite.Dialect()
	if d.Name() != "sqlite" || d.Quote(`a"b`) != `"a""b"` || d.Placeholder(3) != "?" {
		t.Error("basic dialect methods")
	}
	kinds := map[orm.Kind]string{
		orm.KindBool: "BOOLEAN", orm.KindInt: "INTEGER", orm.KindFloat: "REAL", orm.KindDecimal: "TEXT",
		orm.KindString: "VARCHAR(30)", orm.KindText: "TEXT", orm.KindBytes: "BLOB", orm.KindTime: "DATETIME",
		orm.KindDate: "DATE", orm.KindUUID: "TEXT", orm.KindJSON: "TEXT",
	}
	for k, want := range kinds {
		if got := d.ColumnType(&orm.Field{Kind: k, Size: 30, Scale: 2}); got != want {
			t.Errorf("ColumnType(%s) = %s, want %s", k, got, want)
		}
	}
	cond, arg := d.TextMatch(`"t"`, "?", orm.Pattern{Value: "a*b?[c", Prefix: true})
	if cond != `"t" GLOB ?` || arg != "a[*]b[?][[]c*" {
		t.Errorf("TextMatch = %s, %v", cond, arg)
	}
}

// TestTxGoexit checks that a transaction whose function exits its goroutine (t.FailNow in a
// test does) is rolled back and releases the single writer connection.
func TestTxGoexit(t *testing.T) {
	t.Parallel()
	db := open(t, "sqlite:"+filepath.Join(t.TempDir(), "goexit.db"))
	ctx := orm.WithDB(context.Background(), db)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = db.Tx(ctx, func(ctx context.Context) error {
			if err := orm.Create(ctx, &note{Body: "abandoned"}); err != nil {
				t.Error(err)
			}
			runtime.Goexit()
			return nil
		})
	}()
	<-done
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := orm.Create(wctx, &note{Body: "after"}); err != nil {
		t.Fatalf("the writer was not released: %v", err)
	}
	if n, _ := orm.Q[note](ctx).Count(); n != 1 {
		t.Errorf("rows = %d, want 1 (the abandoned insert rolled back)", n)
	}
}
