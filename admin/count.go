package admin

import (
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

// bigTable is the estimated row count above which the site stops counting rows exactly:
// COUNT(*) reads the whole table (or index) on every engine, which on millions of rows
// costs more than the rest of the page.
const bigTable = 100_000

// total is the row count a list page shows.
type total struct {
	N      int64
	Exact  bool // N is the exact count
	Known  bool // false: a filtered big table, not counted (the pager goes page by page)
	Approx bool // N is the engine's estimate for the whole table
}

// countRows counts the rows of the list: exactly for small tables, the engine's estimate
// for a big table shown whole, and not at all for a big table searched or filtered.
func (s *Site) countRows(c *web.Ctx, e *entry, lq *listQuery) (total, error) {
	est, ok := s.estimate(c, e)
	if ok && est > bigTable {
		if lq.search == "" && len(lq.filters) == 0 {
			return total{N: est, Known: true, Approx: true}, nil
		}
		return total{}, nil
	}
	n, err := e.ops.count(c, lq)
	if err != nil {
		return total{}, err
	}
	return total{N: n, Exact: true, Known: true}, nil
}

// estimate asks the engine how many rows the model's table has, without counting them:
// PostgreSQL's planner statistics, MySQL's table status, or SQLite's largest row ID. It
// reports false when the engine has no estimate yet (a table never analysed).
func (s *Site) estimate(c *web.Ctx, e *entry) (int64, bool) {
	db := s.app.DB()
	if db == nil {
		return 0, false
	}
	var q string
	args := []any{e.meta.Table}
	switch db.Dialect().Name() {
	case "postgres":
		q = "SELECT CAST(reltuples AS BIGINT) FROM pg_class WHERE oid = to_regclass(?)"
	case "mysql":
		q = "SELECT CAST(table_rows AS SIGNED) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?"
	case "sqlite":
		if e.meta.PK == nil || !e.meta.PK.AutoIncrement {
			return 0, false
		}
		q, args = "SELECT COALESCE(MAX(rowid), 0) FROM "+db.Dialect().Quote(e.meta.Table), nil
	default:
		return 0, false
	}
	rows, err := rawInt(c, q, args...)
	if err != nil || len(rows) == 0 || rows[0] < 0 {
		return 0, false
	}
	return rows[0], true
}

// rawInt runs a query returning one integer column.
func rawInt(c *web.Ctx, q string, args ...any) ([]int64, error) {
	return orm.Raw[int64](c, q, args...)
}
