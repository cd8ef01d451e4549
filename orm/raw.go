package orm

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unsafe"
)

// Raw runs a developer-written query with ? placeholders (renumbered for PostgreSQL; a slice
// argument expands to a list) and scans each row into a T by column name: T's fields match
// columns by the orm column= option, a db:"name" tag, or the snake_case of the field name.
// A column without a matching field is an error. When T is not a struct (or is a type such
// as time.Time), the query must return one column, scanned into T.
//
//	type stat struct{ AuthorID int64; Posts int }
//	stats, err := orm.Raw[stat](ctx, "SELECT author_id, COUNT(*) AS posts FROM posts GROUP BY author_id")
func Raw[T any](ctx context.Context, query string, args ...any) ([]T, error) {
	db, st := session(ctx)
	if db == nil {
		return nil, ErrNoDB
	}
	s := &sqlBuf{d: db.d}
	if err := s.raw(query, args); err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, db.executor(st, !readOnly(query)), db.statementModel(query), s.String(), s.args)
	if err != nil {
		return nil, err
	}
	return scanRaw[T](db, rows)
}

// Exec runs a developer-written statement with ? placeholders and returns its result.
func Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	db, st := session(ctx)
	if db == nil {
		return nil, ErrNoDB
	}
	s := &sqlBuf{d: db.d}
	if err := s.raw(query, args); err != nil {
		return nil, err
	}
	return db.execute(ctx, db.executor(st, true), db.statementModel(query), s.String(), s.args)
}

// statementModel returns the model whose table a developer-written statement writes to
// (INSERT INTO t, UPDATE t, DELETE FROM t), so that violations can name it; nil otherwise.
func (db *DB) statementModel(query string) *model {
	f := strings.Fields(query)
	var table string
	switch {
	case len(f) >= 3 && strings.EqualFold(f[0], "INSERT") && strings.EqualFold(f[1], "INTO"),
		len(f) >= 3 && strings.EqualFold(f[0], "DELETE") && strings.EqualFold(f[1], "FROM"):
		table = f[2]
	case len(f) >= 2 && strings.EqualFold(f[0], "UPDATE"):
		table = f[1]
	default:
		return nil
	}
	if i := strings.IndexByte(table, '('); i >= 0 {
		table = table[:i]
	}
	table = strings.Trim(table, "\"`[]")
	m := db.reg.Table(table)
	if m == nil || m.Type == nil {
		return nil
	}
	return db.reg.modelOf(m.Type)
}

// readOnly reports whether a statement certainly only reads, so that it may run on the read
// pool.
func readOnly(q string) bool {
	q = strings.TrimLeft(q, " \t\r\n(")
	i := strings.IndexFunc(q, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '(' })
	if i < 0 {
		i = len(q)
	}
	switch strings.ToUpper(q[:i]) {
	case "SELECT", "VALUES", "EXPLAIN", "SHOW":
		return true
	}
	return false
}

// rawPlan maps result columns to the fields of a type scanned by Raw or an aggregation.
type rawPlan struct {
	typ    reflect.Type
	scalar bool
	fields map[string]*rawField // by lower-case column name
}

type rawField struct {
	name   string
	offset uintptr
	typ    reflect.Type
	json   bool
}

// rawPlanFor builds (once per type) the column mapping of t.
func (db *DB) rawPlanFor(t reflect.Type) *rawPlan {
	if p := (*db.raws.Load())[t]; p != nil {
		return p
	}
	db.rawMu.Lock()
	defer db.rawMu.Unlock()
	old := *db.raws.Load()
	if p := old[t]; p != nil {
		return p
	}
	p := &rawPlan{typ: t, fields: map[string]*rawField{}}
	if t.Kind() != reflect.Struct || isValueStruct(t) {
		p.scalar = true
	} else if m := db.reg.modelOf(t); m != nil {
		for _, c := range m.cols {
			p.fields[strings.ToLower(c.f.Column)] = &rawField{name: c.f.Name, offset: c.offset, typ: c.typ, json: c.acc == aJSON}
		}
	} else {
		walkRaw(p, t, 0)
	}
	next := make(map[reflect.Type]*rawPlan, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	next[t] = p
	db.raws.Store(&next)
	return p
}

func walkRaw(p *rawPlan, t reflect.Type, offset uintptr) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("orm")
		if tag == "-" {
			continue
		}
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct && !isValueStruct(sf.Type) {
			walkRaw(p, sf.Type, offset+sf.Offset)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		name := snakeCase(sf.Name)
		isJSON := false
		if opts, err := parseTag(tag); err == nil {
			for _, o := range opts {
				switch o.key {
				case "column":
					name = o.value
				case "json":
					isJSON = true
				}
			}
		}
		if db := sf.Tag.Get("db"); db != "" && db != "-" {
			name = db
		}
		p.fields[strings.ToLower(name)] = &rawField{name: sf.Name, offset: offset + sf.Offset, typ: sf.Type, json: isJSON}
	}
}

// scanRaw reads rows into a []T by column name.
func scanRaw[T any](db *DB, rows *sql.Rows) ([]T, error) {
	defer rows.Close()
	t := reflect.TypeFor[T]()
	p := db.rawPlanFor(t)
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	if p.scalar && len(cols) != 1 {
		return nil, fmt.Errorf("orm: Raw[%s]: the query returns %d columns; a non-struct type takes exactly one", t, len(cols))
	}
	fields := make([]*rawField, len(cols))
	if !p.scalar {
		for i, c := range cols {
			f := p.fields[strings.ToLower(c)]
			if f == nil {
				return nil, fmt.Errorf("orm: Raw[%s]: no field for column %q (name a field with `db:\"%s\"`)", t, c, c)
			}
			fields[i] = f
		}
	} else {
		fields[0] = &rawField{typ: t}
	}
	dest := make([]any, len(cols))
	wraps := make([]rawScanner, len(cols))
	for i, f := range fields {
		wraps[i] = rawScanner{f: f}
	}
	out := make([]T, 0, 8)
	var zero T
	for rows.Next() {
		out = append(out, zero)
		base := unsafe.Pointer(&out[len(out)-1])
		for i, f := range fields {
			fp := unsafe.Add(base, f.offset)
			if f.json || isTimeType(f.typ) {
				wraps[i].p = fp
				dest[i] = &wraps[i]
			} else {
				dest[i] = reflect.NewAt(f.typ, fp).Interface()
			}
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("orm: Raw[%s]: %w", t, err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, db.translate(err, nil)
	}
	return out, rows.Close()
}

func isTimeType(t reflect.Type) bool {
	return t == typeTime || t == reflect.PointerTo(typeTime) || t == typeNullTime
}

// rawScanner scans JSON columns and tolerant times (SQLite returns text for times computed by
// expressions such as MAX(created_at)).
type rawScanner struct {
	f *rawField
	p unsafe.Pointer
}

// Scan implements sql.Scanner.
func (s *rawScanner) Scan(src any) error {
	v := reflect.NewAt(s.f.typ, s.p).Elem()
	if src == nil {
		v.SetZero()
		return nil
	}
	if s.f.json {
		var data []byte
		switch x := src.(type) {
		case []byte:
			data = x
		case string:
			data = []byte(x)
		default:
			return fmt.Errorf("cannot decode %T as JSON into %s", src, s.f.name)
		}
		return json.Unmarshal(data, v.Addr().Interface())
	}
	var t time.Time
	switch x := src.(type) {
	case time.Time:
		t = x
	case string:
		var err error
		if t, err = parseTimeString(x); err != nil {
			return fmt.Errorf("%s: %w", s.f.name, err)
		}
	case []byte:
		var err error
		if t, err = parseTimeString(string(x)); err != nil {
			return fmt.Errorf("%s: %w", s.f.name, err)
		}
	default:
		return fmt.Errorf("%s: cannot scan %T into a time", s.f.name, src)
	}
	t = t.UTC()
	switch s.f.typ {
	case typeTime:
		v.Set(reflect.ValueOf(t))
	case typeNullTime:
		v.Set(reflect.ValueOf(sql.NullTime{Time: t, Valid: true}))
	default:
		v.Set(reflect.ValueOf(&t))
	}
	return nil
}
