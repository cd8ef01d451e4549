package orm

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// The overhead benchmarks run the ORM and the equivalent hand-written database/sql code
// against a stub driver that answers instantly with canned rows, so that what they measure
// is only the cost of each layer above the driver: the difference between the two is the
// ORM's own overhead, free of the database's timing noise.

type overheadRow struct {
	Model
	Title     string `orm:"size=200"`
	Body      string `orm:"text"`
	Views     int64
	Published bool
}

type stubConnector struct{}

func (stubConnector) Connect(context.Context) (driver.Conn, error) { return stubConn{}, nil }
func (stubConnector) Driver() driver.Driver                        { return stubDriver{} }

type stubDriver struct{}

func (stubDriver) Open(string) (driver.Conn, error) { return stubConn{}, nil }

type stubConn struct{}

func (stubConn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("stub: no prepare") }
func (stubConn) Close() error                        { return nil }
func (stubConn) Begin() (driver.Tx, error)           { return stubTx{}, nil }

func (stubConn) QueryContext(_ context.Context, q string, _ []driver.NamedValue) (driver.Rows, error) {
	switch {
	case strings.HasPrefix(q, "INSERT"):
		return &stubRows{cols: []string{"id"}, n: 1}, nil
	case strings.Contains(q, "LIMIT 20"):
		return &stubRows{cols: overheadCols, n: 20}, nil
	}
	return &stubRows{cols: overheadCols, n: 1}, nil
}

func (stubConn) ExecContext(context.Context, string, []driver.NamedValue) (driver.Result, error) {
	return driver.RowsAffected(1), nil
}

type stubTx struct{}

func (stubTx) Commit() error   { return nil }
func (stubTx) Rollback() error { return nil }

var overheadCols = []string{"id", "created_at", "updated_at", "title", "body", "views", "published"}

type stubRows struct {
	cols []string
	n, i int
}

func (r *stubRows) Columns() []string { return r.cols }
func (r *stubRows) Close() error      { return nil }

func (r *stubRows) Next(dest []driver.Value) error {
	if r.i >= r.n {
		return io.EOF
	}
	r.i++
	if len(dest) == 1 {
		dest[0] = int64(r.i)
		return nil
	}
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	dest[0], dest[1], dest[2] = int64(r.i), now, now
	dest[3], dest[4], dest[5], dest[6] = "title", "body", int64(7), true
	return nil
}

func stubDB(b *testing.B) (*sql.DB, context.Context) {
	b.Helper()
	reg := NewRegistry()
	if err := reg.Register(overheadRow{}); err != nil {
		b.Fatal(err)
	}
	sqlDB := sql.OpenDB(stubConnector{})
	db, err := New(sqlDB, pgLike{}, Config{Registry: reg})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sqlDB.Close() })
	return sqlDB, WithDB(context.Background(), db)
}

func scanOverhead(sc interface{ Scan(...any) error }, p *overheadRow) error {
	return sc.Scan(&p.ID, &p.CreatedAt, &p.UpdatedAt, &p.Title, &p.Body, &p.Views, &p.Published)
}

func BenchmarkOverheadGet(b *testing.B) {
	sqlDB, ctx := stubDB(b)
	b.Run("orm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Q[overheadRow](ctx).Get(int64(500)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sql", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var p overheadRow
			if err := scanOverhead(sqlDB.QueryRowContext(ctx, `SELECT "id", "created_at", "updated_at", "title", "body", "views", "published" FROM "overhead_rows" WHERE "id" = $1`, int64(500)), &p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkOverheadFetch20(b *testing.B) {
	sqlDB, ctx := stubDB(b)
	b.Run("orm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rows, err := Q[overheadRow](ctx).Filter("published", true).OrderBy("-id").Limit(20).All()
			if err != nil || len(rows) != 20 {
				b.Fatal(err)
			}
		}
	})
	b.Run("sql", func(b *testing.B) {
		b.ReportAllocs()
		q := `SELECT "id", "created_at", "updated_at", "title", "body", "views", "published" FROM "overhead_rows" WHERE "published" = $1 ORDER BY "id" DESC LIMIT 20`
		for b.Loop() {
			rows, err := sqlDB.QueryContext(ctx, q, true)
			if err != nil {
				b.Fatal(err)
			}
			out := make([]overheadRow, 0, 20)
			for rows.Next() {
				var p overheadRow
				if err := scanOverhead(rows, &p); err != nil {
					b.Fatal(err)
				}
				out = append(out, p)
			}
			if rows.Close() != nil || len(out) != 20 {
				b.Fatal("rows")
			}
		}
	})
}

func BenchmarkOverheadInsert(b *testing.B) {
	sqlDB, ctx := stubDB(b)
	b.Run("orm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p := overheadRow{Title: "title", Body: "body", Views: 1, Published: true}
			if err := Create(ctx, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sql", func(b *testing.B) {
		b.ReportAllocs()
		q := `INSERT INTO "overhead_rows" ("created_at", "updated_at", "title", "body", "views", "published") VALUES ($1, $2, $3, $4, $5, $6) RETURNING "id"`
		for b.Loop() {
			p := overheadRow{Title: "title", Body: "body", Views: 1, Published: true}
			now := time.Now().UTC()
			p.CreatedAt, p.UpdatedAt = now, now
			if err := sqlDB.QueryRowContext(ctx, q, p.CreatedAt, p.UpdatedAt, p.Title, p.Body, p.Views, p.Published).Scan(&p.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkOverheadUpdate(b *testing.B) {
	sqlDB, ctx := stubDB(b)
	p := overheadRow{Title: "title", Body: "body", Views: 1, Published: true}
	p.ID = 9
	b.Run("orm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p.Views++
			if err := Save(ctx, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sql", func(b *testing.B) {
		b.ReportAllocs()
		q := `UPDATE "overhead_rows" SET "updated_at" = $1, "title" = $2, "body" = $3, "views" = $4, "published" = $5 WHERE "id" = $6`
		for b.Loop() {
			p.Views++
			p.UpdatedAt = time.Now().UTC()
			res, err := sqlDB.ExecContext(ctx, q, p.UpdatedAt, p.Title, p.Body, p.Views, p.Published, p.ID)
			if err != nil {
				b.Fatal(err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				b.Fatal("not updated")
			}
		}
	})
}
