package sqlite_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/sqlite"
)

// benchPost is the row of the benchmarks: the ORM version and the hand-written
// database/sql version read and write the same columns on the same pools (reads on
// db.SQL(), writes on db.Writer()).
type benchPost struct {
	orm.Model
	Title     string `orm:"size=200"`
	Body      string `orm:"text"`
	Views     int64
	Published bool
}

const benchColumns = "id, created_at, updated_at, title, body, views, published"

func benchDB(b *testing.B, rows int) (*orm.DB, context.Context) {
	b.Helper()
	reg := orm.NewRegistry()
	if err := reg.Register(benchPost{}); err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil)) // slow-query warnings under load are noise here
	db, err := sqlite.Open(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), "bench.db"), orm.Config{Registry: reg, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := orm.WithDB(context.Background(), db)
	if err := db.CreateTables(ctx); err != nil {
		b.Fatal(err)
	}
	seed := make([]benchPost, rows)
	for i := range seed {
		seed[i] = benchPost{Title: fmt.Sprintf("post %d", i), Body: strings.Repeat("body ", 20), Views: int64(i), Published: i%2 == 0}
	}
	if err := orm.CreateMany(ctx, seed); err != nil {
		b.Fatal(err)
	}
	// Move the seeded pages from the WAL into the database file, so that the first
	// sub-benchmark does not pay for reading them through the WAL index.
	if _, err := db.Writer().ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		b.Fatal(err)
	}
	return db, ctx
}

// cpuTime returns the process's user and system CPU time. Benchmarks report it per
// operation as cpu-ns/op: unlike ns/op it leaves out the time spent waiting for a CPU, which
// dominates on a loaded, shared machine.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs body in the benchmark loop, reporting allocations and CPU time per op.
func measure(b *testing.B, body func(i int)) {
	b.ReportAllocs()
	start := cpuTime(b)
	n := 0
	for b.Loop() {
		body(n)
		n++
	}
	b.ReportMetric(float64(cpuTime(b)-start)/float64(n), "cpu-ns/op")
}

func scanPost(sc interface{ Scan(...any) error }, p *benchPost) error {
	return sc.Scan(&p.ID, &p.CreatedAt, &p.UpdatedAt, &p.Title, &p.Body, &p.Views, &p.Published)
}

// Each sub-benchmark opens and seeds a database of its own, so that the ORM and the
// hand-written code start from the same state (the first writer to a fresh file otherwise
// pays for growing it).

func BenchmarkGetByPK(b *testing.B) {
	b.Run("orm", func(b *testing.B) {
		_, ctx := benchDB(b, 1000)
		measure(b, func(i int) {
			if _, err := orm.Q[benchPost](ctx).Get(int64(i%1000 + 1)); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("sql", func(b *testing.B) {
		db, ctx := benchDB(b, 1000)
		q := "SELECT " + benchColumns + " FROM bench_posts WHERE id = ?"
		measure(b, func(i int) {
			var p benchPost
			if err := scanPost(db.SQL().QueryRowContext(ctx, q, int64(i%1000+1)), &p); err != nil {
				b.Fatal(err)
			}
		})
	})
}

func BenchmarkFetch20(b *testing.B) {
	b.Run("orm", func(b *testing.B) {
		_, ctx := benchDB(b, 1000)
		measure(b, func(int) {
			posts, err := orm.Q[benchPost](ctx).Filter("published", true).OrderBy("-id").Limit(20).All()
			if err != nil || len(posts) != 20 {
				b.Fatal(err, len(posts))
			}
		})
	})
	b.Run("sql", func(b *testing.B) {
		db, ctx := benchDB(b, 1000)
		q := "SELECT " + benchColumns + " FROM bench_posts WHERE published = ? ORDER BY id DESC LIMIT 20"
		measure(b, func(int) {
			rows, err := db.SQL().QueryContext(ctx, q, true)
			if err != nil {
				b.Fatal(err)
			}
			posts := make([]benchPost, 0, 20)
			for rows.Next() {
				var p benchPost
				if err := scanPost(rows, &p); err != nil {
					b.Fatal(err)
				}
				posts = append(posts, p)
			}
			if err := rows.Close(); err != nil || len(posts) != 20 {
				b.Fatal(err, len(posts))
			}
		})
	})
}

func BenchmarkInsert(b *testing.B) {
	b.Run("orm", func(b *testing.B) {
		_, ctx := benchDB(b, 0)
		measure(b, func(int) {
			p := benchPost{Title: "title", Body: "body", Views: 1, Published: true}
			if err := orm.Create(ctx, &p); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("sql", func(b *testing.B) {
		db, ctx := benchDB(b, 0)
		q := "INSERT INTO bench_posts (created_at, updated_at, title, body, views, published) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"
		measure(b, func(int) {
			p := benchPost{Title: "title", Body: "body", Views: 1, Published: true}
			now := time.Now().UTC()
			p.CreatedAt, p.UpdatedAt = now, now
			if err := db.Writer().QueryRowContext(ctx, q, p.CreatedAt, p.UpdatedAt, p.Title, p.Body, p.Views, p.Published).Scan(&p.ID); err != nil {
				b.Fatal(err)
			}
		})
	})
}

func BenchmarkBulkInsert1000(b *testing.B) {
	newRows := func() []benchPost {
		rows := make([]benchPost, 1000)
		for i := range rows {
			rows[i] = benchPost{Title: "title", Body: "body", Views: int64(i), Published: true}
		}
		return rows
	}
	b.Run("orm", func(b *testing.B) {
		_, ctx := benchDB(b, 0)
		measure(b, func(int) {
			if err := orm.CreateMany(ctx, newRows()); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("sql", func(b *testing.B) {
		db, ctx := benchDB(b, 0)
		var sb strings.Builder
		sb.WriteString("INSERT INTO bench_posts (created_at, updated_at, title, body, views, published) VALUES ")
		for i := 0; i < 1000; i++ {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?, ?, ?)")
		}
		sb.WriteString(" RETURNING id")
		q := sb.String()
		measure(b, func(int) {
			rows := newRows()
			now := time.Now().UTC()
			args := make([]any, 0, 6000)
			for i := range rows {
				rows[i].CreatedAt, rows[i].UpdatedAt = now, now
				args = append(args, now, now, rows[i].Title, rows[i].Body, rows[i].Views, rows[i].Published)
			}
			res, err := db.Writer().QueryContext(ctx, q, args...)
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; res.Next(); i++ {
				if err := res.Scan(&rows[i].ID); err != nil {
					b.Fatal(err)
				}
			}
			if err := res.Close(); err != nil {
				b.Fatal(err)
			}
		})
	})
}

func BenchmarkUpdate(b *testing.B) {
	get := func(b *testing.B, ctx context.Context) *benchPost {
		p, err := orm.Q[benchPost](ctx).Get(500)
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	b.Run("orm", func(b *testing.B) {
		_, ctx := benchDB(b, 1000)
		p := get(b, ctx)
		measure(b, func(int) {
			p.Views++
			if err := orm.Save(ctx, p); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("sql", func(b *testing.B) {
		db, ctx := benchDB(b, 1000)
		p := get(b, ctx)
		q := "UPDATE bench_posts SET updated_at = ?, title = ?, body = ?, views = ?, published = ? WHERE id = ?"
		measure(b, func(int) {
			p.Views++
			p.UpdatedAt = time.Now().UTC()
			res, err := db.Writer().ExecContext(ctx, q, p.UpdatedAt, p.Title, p.Body, p.Views, p.Published, p.ID)
			if err != nil {
				b.Fatal(err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				b.Fatal("not updated")
			}
		})
	})
}
