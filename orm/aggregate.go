package orm

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Aggregation computes aggregates over the rows of a Query[T], optionally grouped, and
// scans each result row into an R by column name: a group field's column is named as the
// field's column, an aggregate as its alias.
//
//	type authorStats struct {
//		AuthorID int64
//		Posts    int64
//		Views    int64
//	}
//	stats, err := orm.Aggregate[authorStats](orm.Q[Post](ctx).Filter("published", true)).
//		GroupBy("author_id").Count("posts").Sum("views", "views").OrderBy("-posts").All()
type Aggregation[T, R any] struct {
	q     *Query[T]
	err   error
	group []*column
	terms []aggTerm
	order []aggOrder
}

type aggTerm struct {
	fn       string // COUNT, SUM, AVG, MIN, MAX
	col      *column
	alias    string
	distinct bool
}

type aggOrder struct {
	expr string // quoted alias or column
	desc bool
}

// Aggregate starts an aggregation over q's rows (its conditions; its limit and offset apply
// to the result rows). R is the result row type: Aggregate[Stats](q).
func Aggregate[R, T any](q *Query[T]) *Aggregation[T, R] {
	a := &Aggregation[T, R]{q: q, err: q.err}
	if a.err == nil && len(q.order) > 0 {
		a.err = errors.New("orm: Aggregate: order the aggregation with its own OrderBy, not the query's")
	}
	return a
}

func (a *Aggregation[T, R]) fail(err error) *Aggregation[T, R] {
	if a.err == nil {
		a.err = err
	}
	return a
}

// GroupBy groups the rows by the named fields (Go or column names); each appears in the
// result under its column name.
func (a *Aggregation[T, R]) GroupBy(fields ...string) *Aggregation[T, R] {
	if a.err != nil {
		return a
	}
	for _, f := range fields {
		c, err := a.q.p.m.field(f)
		if err != nil {
			return a.fail(err)
		}
		a.group = append(a.group, c)
	}
	return a
}

func (a *Aggregation[T, R]) add(fn, field, alias string, distinct bool) *Aggregation[T, R] {
	if a.err != nil {
		return a
	}
	if !validIdent(alias) {
		return a.fail(fmt.Errorf("orm: aggregate alias %q must be letters, digits and underscores", alias))
	}
	t := aggTerm{fn: fn, alias: alias, distinct: distinct}
	if field != "" {
		c, err := a.q.p.m.field(field)
		if err != nil {
			return a.fail(err)
		}
		if (fn == "SUM" || fn == "AVG") && c.f.Kind != KindInt && c.f.Kind != KindFloat && c.f.Kind != KindDecimal {
			return a.fail(a.q.p.m.fieldError(field, fmt.Sprintf("%s needs a numeric field, not %s", strings.ToLower(fn), c.f.Kind)))
		}
		t.col = c
	}
	a.terms = append(a.terms, t)
	return a
}

// Count adds COUNT(*) as alias.
func (a *Aggregation[T, R]) Count(alias string) *Aggregation[T, R] {
	return a.add("COUNT", "", alias, false)
}

// CountDistinct adds the number of distinct non-NULL values of field as alias.
func (a *Aggregation[T, R]) CountDistinct(field, alias string) *Aggregation[T, R] {
	return a.add("COUNT", field, alias, true)
}

// Sum adds the sum of field as alias (NULL, scanned as zero or nil, when no rows).
func (a *Aggregation[T, R]) Sum(field, alias string) *Aggregation[T, R] {
	return a.add("SUM", field, alias, false)
}

// Avg adds the average of field as alias.
func (a *Aggregation[T, R]) Avg(field, alias string) *Aggregation[T, R] {
	return a.add("AVG", field, alias, false)
}

// Min adds the smallest value of field as alias.
func (a *Aggregation[T, R]) Min(field, alias string) *Aggregation[T, R] {
	return a.add("MIN", field, alias, false)
}

// Max adds the largest value of field as alias.
func (a *Aggregation[T, R]) Max(field, alias string) *Aggregation[T, R] {
	return a.add("MAX", field, alias, false)
}

// OrderBy orders the result rows by aliases or group fields, each optionally prefixed by
// "-" for descending order.
func (a *Aggregation[T, R]) OrderBy(names ...string) *Aggregation[T, R] {
	if a.err != nil {
		return a
	}
	for _, n := range names {
		o := aggOrder{}
		if strings.HasPrefix(n, "-") {
			o.desc, n = true, n[1:]
		}
		found := false
		for _, t := range a.terms {
			if t.alias == n {
				o.expr, found = a.q.db.d.Quote(t.alias), true
			}
		}
		if !found {
			for _, c := range a.group {
				if c.f.Column == n || c.f.Name == n {
					o.expr, found = a.q.db.d.Quote(c.f.Column), true
				}
			}
		}
		if !found {
			return a.fail(a.q.p.m.fieldError(n, "not an alias or group field of the aggregation"))
		}
		a.order = append(a.order, o)
	}
	return a
}

// All runs the aggregation and returns one R per group (one in all without GroupBy).
func (a *Aggregation[T, R]) All() ([]R, error) {
	if a.err != nil {
		return nil, a.err
	}
	if len(a.terms) == 0 && len(a.group) == 0 {
		return nil, errors.New("orm: Aggregate needs GroupBy or an aggregate (Count, Sum, ...)")
	}
	q, db := a.q, a.q.db
	d := db.d
	s := &sqlBuf{d: d}
	s.str("SELECT ")
	n := 0
	sep := func() {
		if n > 0 {
			s.str(", ")
		}
		n++
	}
	for _, c := range a.group {
		sep()
		s.str(d.Quote(c.f.Column))
	}
	for _, t := range a.terms {
		sep()
		s.str(t.fn)
		s.str("(")
		switch {
		case t.col == nil:
			s.str("*")
		case t.distinct:
			s.str("DISTINCT ")
			s.str(d.Quote(t.col.f.Column))
		case t.fn == "MIN" || t.fn == "MAX":
			s.str(db.orderExpr(t.col))
		default:
			s.str(d.Quote(t.col.f.Column))
		}
		s.str(") AS ")
		s.str(d.Quote(t.alias))
	}
	s.str(" FROM ")
	s.str(q.p.table)
	if err := q.tail(s, false); err != nil {
		return nil, err
	}
	for i, c := range a.group {
		if i == 0 {
			s.str(" GROUP BY ")
		} else {
			s.str(", ")
		}
		s.str(d.Quote(c.f.Column))
	}
	for i, o := range a.order {
		if i == 0 {
			s.str(" ORDER BY ")
		} else {
			s.str(", ")
		}
		s.str(o.expr)
		if o.desc {
			s.str(" DESC")
		}
	}
	if q.limit >= 0 {
		s.str(" LIMIT " + strconv.Itoa(q.limit))
	} else if q.offset > 0 && db.feat.NoLimit != "" {
		s.str(" " + db.feat.NoLimit)
	}
	if q.offset > 0 {
		s.str(" OFFSET " + strconv.Itoa(q.offset))
	}
	rows, err := db.query(q.ctx, db.executor(q.st, false), q.p.m, s.String(), s.args)
	if err != nil {
		return nil, err
	}
	return scanRaw[R](db, rows)
}

// One runs the aggregation and returns its first row (the only one without GroupBy), or
// ErrNotFound.
func (a *Aggregation[T, R]) One() (R, error) {
	var zero R
	rows, err := a.All()
	if err != nil {
		return zero, err
	}
	if len(rows) == 0 {
		return zero, ErrNotFound
	}
	return rows[0], nil
}
