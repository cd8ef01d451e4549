package orm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unsafe"
)

// Query is a query on the rows of model T, built by chaining methods on Q[T](ctx) and run
// by All, First, Get, Count, Exists, Update or Delete. Building methods modify the query and
// return it; use Clone to branch. A problem found while building (an unknown field name, a
// bad value) is kept and returned by the method that runs the query, so chains need no
// error checks.
//
// A Query is not safe for concurrent use.
type Query[T any] struct {
	ctx       context.Context
	db        *DB
	st        *txState
	p         *plan
	err       error
	where     []node
	order     []orderTerm
	limit     int // -1: none
	offset    int
	sel       []*column // nil: every column
	forUpdate bool
	prefetch  []string
	after     []any // keyset cursor values, or nil
	afterRow  *T
	arg1      [1]any // the argument of Get's statement, here to spare an allocation
}

type orderTerm struct {
	col  *column
	desc bool
}

// Q starts a query on model T with the database (or transaction) carried by ctx. With no
// database in ctx, the query returns ErrNoDB when run; with an unregistered T, an error
// wrapping ErrNotRegistered.
func Q[T any](ctx context.Context) *Query[T] {
	q := &Query[T]{ctx: ctx, limit: -1}
	db, st := session(ctx)
	if db == nil {
		q.err = ErrNoDB
		return q
	}
	q.db, q.st = db, st
	q.p, q.err = db.planFor(reflect.TypeFor[T]())
	return q
}

// Clone returns an independent copy of the query.
func (q *Query[T]) Clone() *Query[T] {
	c := *q
	c.where = slices.Clone(q.where)
	c.order = slices.Clone(q.order)
	c.sel = slices.Clone(q.sel)
	c.prefetch = slices.Clone(q.prefetch)
	c.after = slices.Clone(q.after)
	return &c
}

func (q *Query[T]) fail(err error) *Query[T] {
	if q.err == nil {
		q.err = err
	}
	return q
}

// Where adds a condition written in SQL by the developer, AND-ed with the others, with ?
// placeholders for args (renumbered for PostgreSQL). A slice argument expands to a list, for
// IN (?). Column names in the fragment are not checked: never build it from user input (use
// Filter or Match for that).
func (q *Query[T]) Where(sql string, args ...any) *Query[T] {
	if q.err != nil {
		return q
	}
	q.where = append(q.where, node{kind: condExpr, sql: sql, args: args})
	return q
}

// Filter adds a Django-style condition, AND-ed with the others: a field name (Go or column
// name) optionally followed by "__" and a lookup (eq ne lt lte gt gte in notin isnull
// contains icontains startswith istartswith endswith iendswith). The field and lookup are
// checked against the model, so both may come from user input; an unknown one makes the
// query fail with a *FieldError. A string value is parsed into the field's type (so query
// parameters can be passed as they come).
//
//	orm.Q[Post](ctx).Filter("title__icontains", "go").Filter("views__gte", 100)
func (q *Query[T]) Filter(expr string, value any) *Query[T] {
	return q.Match(Lookup(expr, value))
}

// Match adds a condition built with F, And, Or, Not and Expr, AND-ed with the others.
//
//	q.Match(orm.Or(orm.F("title").IContains("go"), orm.F("views").Gt(100)))
func (q *Query[T]) Match(c Cond) *Query[T] {
	if q.err != nil {
		return q
	}
	n, err := q.db.compile(q.p.m, c)
	if err != nil {
		return q.fail(err)
	}
	q.where = append(q.where, n)
	return q
}

// OrderBy sets the ordering: field names (Go or column names), each optionally prefixed by
// "-" for descending order. Names are checked against the model, so they may come from
// user input. Later calls add to the ordering.
func (q *Query[T]) OrderBy(fields ...string) *Query[T] {
	if q.err != nil {
		return q
	}
	for _, f := range fields {
		desc := false
		name := f
		if strings.HasPrefix(name, "-") {
			desc, name = true, name[1:]
		} else if strings.HasPrefix(name, "+") {
			name = name[1:]
		}
		c, err := q.p.m.field(name)
		if err != nil {
			return q.fail(err)
		}
		if c.f.Kind == KindJSON {
			return q.fail(q.p.m.fieldError(name, "json fields cannot be ordered by"))
		}
		q.order = append(q.order, orderTerm{col: c, desc: desc})
	}
	return q
}

// Limit caps the number of rows returned. A negative n removes the limit.
func (q *Query[T]) Limit(n int) *Query[T] {
	q.limit = n
	return q
}

// Offset skips the first n rows (prefer keyset pagination with After on large tables).
func (q *Query[T]) Offset(n int) *Query[T] {
	if n < 0 {
		return q.fail(fmt.Errorf("orm: negative offset %d", n))
	}
	q.offset = n
	return q
}

// Select restricts the columns loaded to the named fields (the primary key is always
// loaded); the other fields are left at their zero values. To write such a partial row back,
// name the fields in Save.
func (q *Query[T]) Select(fields ...string) *Query[T] {
	if q.err != nil {
		return q
	}
	want := map[*column]bool{q.p.m.pk: true}
	for _, f := range fields {
		c, err := q.p.m.field(f)
		if err != nil {
			return q.fail(err)
		}
		want[c] = true
	}
	q.sel = q.sel[:0]
	for _, c := range q.p.m.cols {
		if want[c] {
			q.sel = append(q.sel, c)
		}
	}
	return q
}

// ForUpdate locks the selected rows until the end of the transaction (SELECT ... FOR
// UPDATE) on PostgreSQL and MySQL. On SQLite it does nothing: writers are serialised
// through one connection, and a transaction already excludes other writers.
func (q *Query[T]) ForUpdate() *Query[T] {
	q.forUpdate = true
	return q
}

// Prefetch loads the named relations of the rows All or First returns, with one query per
// relation whatever the number of rows (never one per row). Nested relations are written
// with dots: Prefetch("Comments.Author").
func (q *Query[T]) Prefetch(relations ...string) *Query[T] {
	if q.err != nil {
		return q
	}
	for _, r := range relations {
		if err := q.db.checkPath(q.p.m, r); err != nil {
			return q.fail(err)
		}
	}
	q.prefetch = append(q.prefetch, relations...)
	return q
}

// After continues a keyset (cursor) pagination after row: it selects the rows that come
// after it in the query's ordering (the primary key when OrderBy was not called). The
// ordering should end with a unique field, such as the primary key, so that pages neither
// skip nor repeat rows; ordering fields should not be nullable.
//
//	page, _ := orm.Q[Post](ctx).OrderBy("-created_at", "-id").Limit(20).All()
//	next, _ := orm.Q[Post](ctx).OrderBy("-created_at", "-id").After(&page[19]).Limit(20).All()
func (q *Query[T]) After(row *T) *Query[T] {
	if row == nil {
		return q.fail(errors.New("orm: After: nil row"))
	}
	q.afterRow, q.after = row, nil
	return q
}

// AfterValues is After with the values of the ordering fields given directly, in order (for
// a cursor received from a client).
func (q *Query[T]) AfterValues(values ...any) *Query[T] {
	q.after, q.afterRow = values, nil
	return q
}

// Get returns the row whose primary key is pk, or ErrNotFound. pk may be a string from user
// input; it is parsed into the key's type.
func (q *Query[T]) Get(pk any) (*T, error) {
	if q.err != nil {
		return nil, q.err
	}
	m := q.p.m
	arg, err := q.db.coerce(m, m.pk, pk)
	if err != nil {
		return nil, err
	}
	if len(q.where) == 0 && q.sel == nil && !q.forUpdate && q.prefetch == nil {
		row := new(T)
		return row, q.getFast(arg, row)
	}
	q.where = append(q.where, node{kind: condLookup, col: m.pk, op: opEq, value: arg})
	q.limit = 1
	rows, err := q.All()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	return &rows[0], nil
}

// getFast runs the model's prepared get-by-key statement.
func (q *Query[T]) getFast(arg any, row *T) error {
	db, m := q.db, q.p.m
	q.arg1[0] = arg
	rows, err := db.query(q.ctx, db.executor(q.st, false), m, q.p.get, q.arg1[:])
	q.arg1[0] = nil
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return fmt.Errorf("orm: %s: %w", m.meta.Name, err)
		}
		return ErrNotFound
	}
	sc, _ := q.p.getScanners.Get().(*scanner)
	if sc == nil {
		s := newScanner(m.cols, 0)
		sc = &s
	}
	base := unsafe.Pointer(row)
	sc.point(base)
	err = rows.Scan(sc.dest...)
	if err == nil {
		sc.fix(base)
	}
	if sc.wraps == nil {
		clear(sc.dest) // drop the pointers into row before the scanner is reused
		q.p.getScanners.Put(sc)
	}
	if err != nil {
		return fmt.Errorf("orm: scanning %s: %w", m.meta.Name, err)
	}
	return rows.Close()
}

// First returns the first row of the query, or ErrNotFound. Without OrderBy, rows are
// ordered by primary key.
func (q *Query[T]) First() (*T, error) {
	if q.err != nil {
		return nil, q.err
	}
	if len(q.order) == 0 {
		q.order = []orderTerm{{col: q.p.m.pk}}
	}
	q.limit = 1
	rows, err := q.All()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	return &rows[0], nil
}

// All returns every row of the query (an empty slice when none match), with the relations
// named by Prefetch loaded.
func (q *Query[T]) All() ([]T, error) {
	if q.err != nil {
		return nil, q.err
	}
	db, m := q.db, q.p.m
	cols, colSQL := m.cols, q.p.selCols
	if q.sel != nil {
		cols = q.withPrefetchKeys(q.sel)
		colSQL = db.columnList(cols, "")
	}
	s := &sqlBuf{d: db.d, b: make([]byte, 0, 64+len(colSQL))}
	s.str("SELECT ")
	s.str(colSQL)
	s.str(" FROM ")
	s.str(q.p.table)
	if err := q.tail(s, true); err != nil {
		return nil, err
	}
	rows, err := db.query(q.ctx, db.executor(q.st, false), m, s.String(), s.args)
	if err != nil {
		return nil, err
	}
	hint := 8
	if q.limit >= 0 && q.limit < 1024 {
		hint = q.limit
	}
	out, err := scanAll[T](rows, m, cols, hint)
	if err != nil {
		return nil, err
	}
	if len(q.prefetch) > 0 && len(out) > 0 {
		bases := make([]unsafe.Pointer, len(out))
		for i := range out {
			bases[i] = unsafe.Pointer(&out[i])
		}
		if err := db.prefetch(q.ctx, q.st, m, bases, q.prefetch); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// withPrefetchKeys adds to a Select list the foreign keys that prefetched belongs-to
// relations read.
func (q *Query[T]) withPrefetchKeys(sel []*column) []*column {
	need := map[*column]bool{}
	for _, path := range q.prefetch {
		head, _, _ := strings.Cut(path, ".")
		if rf := q.p.m.rel(head); rf != nil && rf.rel.Kind == BelongsTo {
			need[rf.fk] = true
		}
	}
	if len(need) == 0 {
		return sel
	}
	for _, c := range sel {
		delete(need, c)
	}
	if len(need) == 0 {
		return sel
	}
	out := make([]*column, 0, len(sel)+len(need))
	for _, c := range q.p.m.cols {
		if need[c] || slices.Contains(sel, c) {
			out = append(out, c)
		}
	}
	return out
}

// scanAll reads every row into a []T.
func scanAll[T any](rows *sql.Rows, m *model, cols []*column, hint int) ([]T, error) {
	defer rows.Close()
	out := make([]T, 0, hint)
	sc := newScanner(cols, 0)
	var zero T
	for rows.Next() {
		out = append(out, zero)
		base := unsafe.Pointer(&out[len(out)-1])
		sc.point(base)
		if err := rows.Scan(sc.dest...); err != nil {
			return nil, fmt.Errorf("orm: scanning %s: %w", m.meta.Name, err)
		}
		sc.fix(base)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("orm: reading %s rows: %w", m.meta.Name, err)
	}
	return out, rows.Close()
}

// columnList quotes columns, qualified by table when given.
func (db *DB) columnList(cols []*column, table string) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		if table != "" {
			b.WriteString(table)
			b.WriteByte('.')
		}
		b.WriteString(db.d.Quote(c.f.Column))
	}
	return b.String()
}

// tail writes WHERE, and for a select ORDER BY, LIMIT, OFFSET and FOR UPDATE.
func (q *Query[T]) tail(s *sqlBuf, sel bool) error {
	db := q.db
	keyset := q.after != nil || q.afterRow != nil
	if len(q.where) > 0 || keyset {
		s.str(" WHERE ")
		for i := range q.where {
			if i > 0 {
				s.str(" AND ")
			}
			if err := db.cond(s, &q.where[i]); err != nil {
				return err
			}
		}
		if keyset {
			if len(q.where) > 0 {
				s.str(" AND ")
			}
			if err := q.keyset(s); err != nil {
				return err
			}
		}
	}
	if !sel {
		return nil
	}
	order := q.order
	if keyset && len(order) == 0 {
		order = []orderTerm{{col: q.p.m.pk}}
	}
	for i, o := range order {
		if i == 0 {
			s.str(" ORDER BY ")
		} else {
			s.str(", ")
		}
		s.str(db.orderExpr(o.col))
		if o.desc {
			s.str(" DESC")
		}
	}
	if q.limit >= 0 {
		s.str(" LIMIT ")
		s.str(strconv.Itoa(q.limit))
	} else if q.offset > 0 && db.feat.NoLimit != "" {
		s.str(" ")
		s.str(db.feat.NoLimit)
	}
	if q.offset > 0 {
		s.str(" OFFSET ")
		s.str(strconv.Itoa(q.offset))
	}
	if q.forUpdate && db.feat.ForUpdate {
		s.str(" FOR UPDATE")
	}
	return nil
}

// keyset writes the condition selecting the rows after the cursor in the ordering:
// (a > ?) OR (a = ? AND b > ?) ..., with < for descending fields.
func (q *Query[T]) keyset(s *sqlBuf) error {
	m := q.p.m
	order := q.order
	if len(order) == 0 {
		order = []orderTerm{{col: m.pk}}
	}
	vals := make([]any, len(order))
	if q.afterRow != nil {
		base := unsafe.Pointer(q.afterRow)
		for i, o := range order {
			v, err := q.db.bindValue(o.col, base)
			if err != nil {
				return err
			}
			vals[i] = v
		}
	} else {
		if len(q.after) != len(order) {
			return fmt.Errorf("orm: AfterValues: %d value(s) for %d ordering field(s)", len(q.after), len(order))
		}
		for i, o := range order {
			v, err := q.db.coerce(m, o.col, q.after[i])
			if err != nil {
				return err
			}
			vals[i] = v
		}
	}
	s.str("(")
	for i, o := range order {
		if i > 0 {
			s.str(" OR ")
		}
		s.str("(")
		for j := 0; j < i; j++ {
			q.db.compare(s, order[j].col, " = ", vals[j])
			s.str(" AND ")
		}
		op := " > "
		if o.desc {
			op = " < "
		}
		q.db.compare(s, o.col, op, vals[i])
		s.str(")")
	}
	s.str(")")
	return nil
}

// Count returns the number of rows the query matches (within its limit and offset, if any).
func (q *Query[T]) Count() (int64, error) {
	if q.err != nil {
		return 0, q.err
	}
	s := &sqlBuf{d: q.db.d}
	if q.limit >= 0 || q.offset > 0 {
		s.str("SELECT COUNT(*) FROM (SELECT 1 AS one FROM ")
		s.str(q.p.table)
		fu := q.forUpdate
		q.forUpdate = false
		err := q.tail(s, true)
		q.forUpdate = fu
		if err != nil {
			return 0, err
		}
		s.str(") sub")
	} else {
		s.str("SELECT COUNT(*) FROM ")
		s.str(q.p.table)
		if err := q.tail(s, false); err != nil {
			return 0, err
		}
	}
	var n int64
	err := q.scalar(s, &n)
	return n, err
}

// Exists reports whether the query matches at least one row.
func (q *Query[T]) Exists() (bool, error) {
	if q.err != nil {
		return false, q.err
	}
	s := &sqlBuf{d: q.db.d}
	s.str("SELECT 1 FROM ")
	s.str(q.p.table)
	if err := q.tail(s, false); err != nil {
		return false, err
	}
	s.str(" LIMIT 1")
	var one int64
	err := q.scalar(s, &one)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (q *Query[T]) scalar(s *sqlBuf, dest any) error {
	rows, err := q.db.query(q.ctx, q.db.executor(q.st, false), q.p.m, s.String(), s.args)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return ErrNotFound
	}
	if err := rows.Scan(dest); err != nil {
		return fmt.Errorf("orm: %s: %w", q.p.m.meta.Name, err)
	}
	return rows.Close()
}

// Assignment is one column assignment of Query.Update, made with Set or SetExpr.
type Assignment struct {
	field string
	value any
	expr  string
	args  []any
	isSQL bool
}

// Set assigns value to field (Go or column name) in Query.Update. The value is checked and
// converted like a Filter value.
func Set(field string, value any) Assignment { return Assignment{field: field, value: value} }

// SetExpr assigns the result of a developer-written SQL expression with ? placeholders to
// field in Query.Update: SetExpr("views", "views + ?", 1).
func SetExpr(field, sql string, args ...any) Assignment {
	return Assignment{field: field, expr: sql, args: args, isSQL: true}
}

func (q *Query[T]) bulkCheck(op string) error {
	if q.err != nil {
		return q.err
	}
	if len(q.order) > 0 || q.limit >= 0 || q.offset > 0 || q.sel != nil || q.prefetch != nil || q.after != nil || q.afterRow != nil {
		return fmt.Errorf("orm: %s by query does not take OrderBy, Limit, Offset, Select, Prefetch or After", op)
	}
	return nil
}

// Update sets fields on every row the query matches and returns the number of rows
// updated. UpdatedAt, if the model has it, is set to the current time unless assigned.
// Hooks are not called (they are per object; use Save for them).
func (q *Query[T]) Update(sets ...Assignment) (int64, error) {
	if err := q.bulkCheck("Update"); err != nil {
		return 0, err
	}
	if len(sets) == 0 {
		return 0, errors.New("orm: Update needs at least one Set")
	}
	db, m := q.db, q.p.m
	s := &sqlBuf{d: db.d}
	s.str("UPDATE ")
	s.str(q.p.table)
	s.str(" SET ")
	assigned := map[*column]bool{}
	var fkSets []*column
	var fkVals []any
	for i, a := range sets {
		c, err := m.field(a.field)
		if err != nil {
			return 0, err
		}
		if c.f.PrimaryKey {
			return 0, m.fieldError(a.field, "the primary key cannot be updated by query")
		}
		if assigned[c] {
			return 0, m.fieldError(a.field, "assigned twice")
		}
		assigned[c] = true
		if i > 0 {
			s.str(", ")
		}
		s.str(db.d.Quote(c.f.Column))
		s.str(" = ")
		if a.isSQL {
			if err := s.raw(a.expr, a.args); err != nil {
				return 0, err
			}
			continue
		}
		v, err := db.assignValue(m, c, a.value)
		if err != nil {
			return 0, err
		}
		if c.fkTarget != nil && v != nil {
			fkSets, fkVals = append(fkSets, c), append(fkVals, v)
		}
		s.ph(v)
	}
	if u := m.updated; u != nil && !assigned[u] {
		s.str(", ")
		s.str(db.d.Quote(u.f.Column))
		s.str(" = ")
		s.ph(db.timeArg(KindTime, db.now()))
	}
	if err := q.tail(s, false); err != nil {
		return 0, err
	}
	ex := db.executor(q.st, true)
	res, err := db.execute(q.ctx, ex, m, s.String(), s.args)
	if err != nil {
		var fk *ForeignKeyViolation
		if errors.As(err, &fk) && len(fk.Columns) == 0 {
			for i, c := range fkSets {
				var one int
				qs := "SELECT 1 FROM " + db.d.Quote(c.fkTarget.meta.Table) + " WHERE " + db.d.Quote(c.fkTarget.pk.f.Column) + " = " + db.d.Placeholder(1)
				if ex.QueryRowContext(q.ctx, qs, fkVals[i]).Scan(&one) != nil {
					fk.Table, fk.Columns, fk.Constraint = m.meta.Table, []string{c.f.Column}, c.f.ForeignKey.Name
					break
				}
			}
		}
		return 0, err
	}
	return res.RowsAffected()
}

// assignValue checks and converts a value assigned to a column.
func (db *DB) assignValue(m *model, c *column, v any) (any, error) {
	if v == nil {
		if !c.f.Nullable {
			return nil, &NotNullViolation{Table: m.meta.Table, Column: c.f.Column}
		}
		return nil, nil
	}
	x, err := db.coerce(m, c, v)
	if err != nil {
		return nil, err
	}
	if s, ok := x.(string); ok && (c.f.Kind == KindString || c.f.Kind == KindText) {
		if err := c.checkString(s); err != nil {
			return nil, err
		}
	}
	if c.choices != nil && c.f.Kind == KindInt {
		if n, ok := x.(int64); ok {
			if err := c.checkChoice(strconv.FormatInt(n, 10)); err != nil {
				return nil, err
			}
		}
	}
	return x, nil
}

// Delete removes every row the query matches and returns the number of rows deleted. Hooks
// are not called (use orm.Delete per object for them).
func (q *Query[T]) Delete() (int64, error) {
	if err := q.bulkCheck("Delete"); err != nil {
		return 0, err
	}
	db, m := q.db, q.p.m
	s := &sqlBuf{d: db.d}
	s.str("DELETE FROM ")
	s.str(q.p.table)
	if err := q.tail(s, false); err != nil {
		return 0, err
	}
	res, err := db.execute(q.ctx, db.executor(q.st, true), m, s.String(), s.args)
	if err != nil {
		var fk *ForeignKeyViolation
		if errors.As(err, &fk) && len(fk.Columns) == 0 {
			db.guessReferrer(fk, m)
		}
		return 0, err
	}
	return res.RowsAffected()
}

// guessReferrer names the referencing column of a violation on deleting rows of m when only
// one foreign key can refuse the delete.
func (db *DB) guessReferrer(fk *ForeignKeyViolation, m *model) {
	var found []*Field
	var table string
	for _, other := range db.reg.Models() {
		for _, f := range other.Fields {
			if f.ForeignKey != nil && f.ForeignKey.Table == m.meta.Table && f.ForeignKey.OnDelete != Cascade && f.ForeignKey.OnDelete != SetNull {
				found = append(found, f)
				table = other.Table
			}
		}
	}
	if len(found) == 1 {
		fk.Table, fk.Columns, fk.Constraint = table, []string{found[0].Column}, found[0].ForeignKey.Name
	}
}
