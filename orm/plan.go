package orm

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/google/uuid"
)

// plan is a model's SQL for one DB (its dialect), built once on first use.
type plan struct {
	m        *model
	table    string // quoted table name
	pk       string // quoted primary key column
	selCols  string // every column, quoted, comma-separated
	qualCols string // the same, qualified by the table
	get      string // SELECT ... WHERE pk = ?
	insCols  []*column
	ins      string // INSERT of insCols, with RETURNING pk when supported and the key is generated
	allCols  []*column
	insAll   string // INSERT of every column, the primary key included
	updCols  []*column
	upd      string // UPDATE of updCols WHERE pk = ?
	del      string // DELETE WHERE pk = ?
	quoted   []string
	// getScanners keeps the scanners of the get-by-key path (models whose columns need no
	// wrapper), so Get allocates no destination slice.
	getScanners sync.Pool
}

// planFor returns the plan for the registered model type t, building it on first use.
func (db *DB) planFor(t reflect.Type) (*plan, error) {
	if p := (*db.plans.Load())[t]; p != nil {
		return p, nil
	}
	m := db.reg.modelOf(t)
	if m == nil {
		return nil, fmt.Errorf("orm: %s: %w (call Registry.Register at start-up)", t, ErrNotRegistered)
	}
	return db.planOf(m), nil
}

// planOf returns the plan for a registered model.
func (db *DB) planOf(m *model) *plan {
	if p := (*db.plans.Load())[m.meta.Type]; p != nil {
		return p
	}
	db.planMu.Lock()
	defer db.planMu.Unlock()
	old := *db.plans.Load()
	if p := old[m.meta.Type]; p != nil {
		return p
	}
	p := db.buildPlan(m)
	next := make(map[reflect.Type]*plan, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	next[m.meta.Type] = p
	db.plans.Store(&next)
	return p
}

func (db *DB) buildPlan(m *model) *plan {
	d := db.d
	p := &plan{m: m, table: d.Quote(m.meta.Table), pk: d.Quote(m.pk.f.Column)}
	p.quoted = make([]string, len(m.cols))
	qual := make([]string, len(m.cols))
	for i, c := range m.cols {
		p.quoted[i] = d.Quote(c.f.Column)
		qual[i] = p.table + "." + p.quoted[i]
	}
	p.selCols = strings.Join(p.quoted, ", ")
	p.qualCols = strings.Join(qual, ", ")
	p.get = "SELECT " + p.selCols + " FROM " + p.table + " WHERE " + p.pk + " = " + d.Placeholder(1)

	p.allCols = m.cols
	for _, c := range m.cols {
		if !(c.f.PrimaryKey && c.f.AutoIncrement) {
			p.insCols = append(p.insCols, c)
		}
		if !c.f.PrimaryKey && !c.f.AutoCreate {
			p.updCols = append(p.updCols, c)
		}
	}
	p.ins = db.insertSQL(p, p.insCols, 1)
	if m.pk.f.AutoIncrement && db.feat.Returning {
		p.ins += " RETURNING " + p.pk
	}
	p.insAll = db.insertSQL(p, p.allCols, 1)
	p.upd = db.updateSQL(p, p.updCols)
	p.del = "DELETE FROM " + p.table + " WHERE " + p.pk + " = " + d.Placeholder(1)
	return p
}

// insertSQL writes INSERT INTO t (cols) VALUES (...), (...) for rows rows.
func (db *DB) insertSQL(p *plan, cols []*column, rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(p.table)
	if len(cols) == 0 {
		b.WriteByte(' ')
		b.WriteString(db.feat.EmptyInsert)
		return b.String()
	}
	b.WriteString(" (")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(db.d.Quote(c.f.Column))
	}
	b.WriteString(") VALUES ")
	b.Grow(rows * len(cols) * 8)
	var scratch [24]byte
	n := 0
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for i := range cols {
			if i > 0 {
				b.WriteString(", ")
			}
			n++
			b.Write(appendPlaceholder(scratch[:0], db.d, n))
		}
		b.WriteByte(')')
	}
	return b.String()
}

// updateSQL writes UPDATE t SET c = ?, ... WHERE pk = ?.
func (db *DB) updateSQL(p *plan, cols []*column) string {
	var b strings.Builder
	b.WriteString("UPDATE ")
	b.WriteString(p.table)
	b.WriteString(" SET ")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(db.d.Quote(c.f.Column))
		b.WriteString(" = ")
		b.WriteString(db.d.Placeholder(i + 1))
	}
	b.WriteString(" WHERE ")
	b.WriteString(p.pk)
	b.WriteString(" = ")
	b.WriteString(db.d.Placeholder(len(cols) + 1))
	return b.String()
}

// bindValue returns the argument to bind for column c of the struct at base, checking
// that the value fits the column (length, choices, decimal format, valid UTF-8).
func (db *DB) bindValue(c *column, base unsafe.Pointer) (any, error) {
	fp := unsafe.Add(base, c.offset)
	switch c.acc {
	case aInt64:
		if c.choices != nil {
			if err := c.checkChoice(strconv.FormatInt(*(*int64)(fp), 10)); err != nil {
				return nil, err
			}
		}
		return *(*int64)(fp), nil
	case aInt:
		if c.choices != nil {
			if err := c.checkChoice(strconv.Itoa(*(*int)(fp))); err != nil {
				return nil, err
			}
		}
		return int64(*(*int)(fp)), nil
	case aString:
		s := *(*string)(fp)
		if c.f.Kind == KindDecimal {
			return c.decimal(s)
		}
		if err := c.checkString(s); err != nil {
			return nil, err
		}
		return s, nil
	case aBool:
		return *(*bool)(fp), nil
	case aFloat64:
		x := *(*float64)(fp)
		if c.f.Kind == KindDecimal {
			return c.decimalFloat(x)
		}
		return x, nil
	case aTime:
		return db.timeArg(c.f.Kind, *(*time.Time)(fp)), nil
	case aBytes:
		b := *(*[]byte)(fp)
		if b == nil {
			b = []byte{}
		}
		return b, nil
	case aUUID:
		return (*uuid.UUID)(fp).String(), nil
	case aJSON:
		v := reflect.NewAt(c.typ, fp).Elem()
		if c.ptr && v.IsNil() {
			return nil, nil
		}
		data, err := json.Marshal(v.Interface())
		if err != nil {
			return nil, c.valueError("cannot be encoded as JSON: %v", err)
		}
		return string(data), nil
	}
	return db.genericArg(c, reflect.NewAt(c.typ, fp).Elem())
}

// bindInto appends the argument for column c of the struct at base to a's arguments, with
// the same checks as bindValue; strings, integers, floats and times are boxed in the arena
// rather than one allocation each.
func (db *DB) bindInto(a *argArena, c *column, base unsafe.Pointer) error {
	fp := unsafe.Add(base, c.offset)
	switch {
	case c.acc == aInt64 && c.choices == nil:
		a.args = append(a.args, a.int(*(*int64)(fp)))
	case c.acc == aInt && c.choices == nil:
		a.args = append(a.args, a.int(int64(*(*int)(fp))))
	case c.acc == aString && c.f.Kind != KindDecimal:
		str := *(*string)(fp)
		if err := c.checkString(str); err != nil {
			return err
		}
		a.args = append(a.args, a.str(str))
	case c.acc == aFloat64 && c.f.Kind != KindDecimal:
		a.args = append(a.args, a.float(*(*float64)(fp)))
	case c.acc == aTime && c.f.Kind != KindDate:
		a.args = append(a.args, a.time((*(*time.Time)(fp)).UTC().Truncate(time.Microsecond)))
	default:
		v, err := db.bindValue(c, base)
		if err != nil {
			return err
		}
		a.args = append(a.args, v)
	}
	return nil
}

// newArena returns an arena sized for rows rows of cols, plus extra arguments.
func newArena(cols []*column, rows, extra int) *argArena {
	var strs, ints, times, flts int
	for _, c := range cols {
		switch c.acc {
		case aString:
			strs++
		case aInt64, aInt:
			ints++
		case aTime:
			times++
		case aFloat64:
			flts++
		}
	}
	return newArgArena(len(cols)*rows+extra, strs*rows, ints*rows+extra, times*rows, flts*rows)
}

// genericArg converts a field value of a type without a fast path.
func (db *DB) genericArg(c *column, v reflect.Value) (any, error) {
	if c.ptr {
		if v.IsNil() {
			return nil, nil
		}
		v = v.Elem()
	}
	if c.uuidArr {
		var u uuid.UUID
		reflect.Copy(reflect.ValueOf(u[:]), v)
		return u.String(), nil
	}
	var x any
	if v.Type().Implements(typeValuer) || reflect.PointerTo(v.Type()).Implements(typeValuer) {
		var val driver.Valuer
		if vv, ok := v.Interface().(driver.Valuer); ok {
			val = vv
		} else {
			pv := reflect.New(v.Type())
			pv.Elem().Set(v)
			val = pv.Interface().(driver.Valuer)
		}
		dv, err := val.Value()
		if err != nil {
			return nil, c.valueError("%v", err)
		}
		if dv == nil {
			return nil, nil
		}
		x = dv
	} else {
		switch v.Kind() {
		case reflect.String:
			x = v.String()
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			x = v.Int()
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			u := v.Uint()
			if u > math.MaxInt64 {
				return nil, c.valueError("%d is out of range for a 64-bit integer column", u)
			}
			x = int64(u)
		case reflect.Float32, reflect.Float64:
			x = v.Float()
		case reflect.Bool:
			x = v.Bool()
		case reflect.Slice:
			b := v.Bytes()
			if b == nil {
				b = []byte{}
			}
			x = b
		default:
			x = v.Interface()
		}
	}
	switch val := x.(type) {
	case string:
		if c.f.Kind == KindDecimal {
			return c.decimal(val)
		}
		if c.f.Kind == KindString || c.f.Kind == KindText {
			if err := c.checkString(val); err != nil {
				return nil, err
			}
		}
	case int64:
		if c.choices != nil {
			if err := c.checkChoice(strconv.FormatInt(val, 10)); err != nil {
				return nil, err
			}
		}
	case float64:
		if c.f.Kind == KindDecimal {
			return c.decimalFloat(val)
		}
	case time.Time:
		return db.timeArg(c.f.Kind, val), nil
	}
	return x, nil
}

// timeArg converts a time for binding: UTC with microsecond precision (what PostgreSQL and
// MySQL keep, so that all three databases return the same value); a date becomes midnight
// UTC, or "2006-01-02" where dates are text.
func (db *DB) timeArg(k Kind, t time.Time) any {
	if k == KindDate {
		y, m, d := t.Date()
		if db.feat.DateText {
			return fmt.Sprintf("%04d-%02d-%02d", y, int(m), d)
		}
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return t.UTC().Truncate(time.Microsecond)
}

func (c *column) valueError(format string, args ...any) error {
	return &ValueError{Model: c.model, Field: c.f.Name, Column: c.f.Column, Reason: fmt.Sprintf(format, args...)}
}

func (c *column) checkString(s string) error {
	if c.f.Kind == KindString && len(s) > c.f.Size {
		if n := utf8.RuneCountInString(s); n > c.f.Size {
			return c.valueError("is %d characters long; the column holds at most %d (size=%d)", n, c.f.Size, c.f.Size)
		}
	}
	if !utf8.ValidString(s) {
		return c.valueError("is not valid UTF-8")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return c.valueError("contains a NUL byte, which text columns cannot hold")
	}
	if c.choices != nil {
		return c.checkChoice(s)
	}
	return nil
}

func (c *column) checkChoice(s string) error {
	if containsStr(c.choices, s) {
		return nil
	}
	return c.valueError("%s is not one of the choices (%s)", quoteValue(s), strings.Join(c.choices, ", "))
}

func (c *column) decimal(s string) (any, error) {
	norm, reason := normalizeDecimal(s, c.f.Size, c.f.Scale)
	if reason != "" {
		return nil, c.valueError("%s: %s (decimal=%d.%d)", quoteValue(s), reason, c.f.Size, c.f.Scale)
	}
	return norm, nil
}

func (c *column) decimalFloat(x float64) (any, error) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil, c.valueError("%v is not a decimal number", x)
	}
	return c.decimal(strconv.FormatFloat(x, 'f', c.f.Scale, 64))
}

// scanner points a row's scan destinations at the fields of one struct at a time.
type scanner struct {
	cols  []*column
	dest  []any
	wraps []fieldScanner // the wrappers of columns that need one, by column index
	times bool
}

// fieldScanner is a sql.Scanner writing into a field located by pointer.
type fieldScanner interface {
	sql.Scanner
	setPtr(p unsafe.Pointer)
}

func newScanner(cols []*column, extra int) scanner {
	s := scanner{cols: cols, dest: make([]any, len(cols), len(cols)+extra)}
	for i, c := range cols {
		var w fieldScanner
		switch {
		case c.acc == aJSON:
			w = &jsonScanner{c: c}
		case c.uuidArr:
			w = &uuidScanner{c: c}
		}
		if w != nil {
			if s.wraps == nil {
				s.wraps = make([]fieldScanner, len(cols))
			}
			s.wraps[i] = w
			s.dest[i] = w
		}
		if c.fix != tfNone {
			s.times = true
		}
	}
	return s
}

// point aims the destinations at the struct at base.
func (s *scanner) point(base unsafe.Pointer) {
	for i, c := range s.cols {
		fp := unsafe.Add(base, c.offset)
		switch c.acc {
		case aInt64:
			s.dest[i] = (*int64)(fp)
		case aInt:
			s.dest[i] = (*int)(fp)
		case aString:
			s.dest[i] = (*string)(fp)
		case aBool:
			s.dest[i] = (*bool)(fp)
		case aFloat64:
			s.dest[i] = (*float64)(fp)
		case aTime:
			s.dest[i] = (*time.Time)(fp)
		case aBytes:
			s.dest[i] = (*[]byte)(fp)
		case aUUID:
			s.dest[i] = (*uuid.UUID)(fp)
		default:
			if s.wraps != nil && s.wraps[i] != nil {
				s.wraps[i].setPtr(fp)
				continue
			}
			s.dest[i] = reflect.NewAt(c.typ, fp).Interface()
		}
	}
}

// fix normalises the scanned times of the struct at base to UTC.
func (s *scanner) fix(base unsafe.Pointer) {
	if !s.times {
		return
	}
	for _, c := range s.cols {
		fp := unsafe.Add(base, c.offset)
		switch c.fix {
		case tfValue:
			t := (*time.Time)(fp)
			*t = t.UTC()
		case tfPtr:
			if t := *(**time.Time)(fp); t != nil {
				*t = t.UTC()
			}
		case tfNull:
			nt := (*sql.NullTime)(fp)
			nt.Time = nt.Time.UTC()
		}
	}
}

// jsonScanner decodes a JSON column into its field.
type jsonScanner struct {
	c *column
	p unsafe.Pointer
}

func (s *jsonScanner) setPtr(p unsafe.Pointer) { s.p = p }

// Scan implements sql.Scanner.
func (s *jsonScanner) Scan(src any) error {
	v := reflect.NewAt(s.c.typ, s.p)
	var data []byte
	switch x := src.(type) {
	case nil:
		v.Elem().SetZero()
		return nil
	case []byte:
		data = x
	case string:
		data = []byte(x)
	default:
		return fmt.Errorf("orm: %s.%s: cannot decode %T as JSON", s.c.model, s.c.f.Name, src)
	}
	v.Elem().SetZero()
	if err := json.Unmarshal(data, v.Interface()); err != nil {
		return fmt.Errorf("orm: %s.%s: decoding JSON: %w", s.c.model, s.c.f.Name, err)
	}
	return nil
}

// uuidScanner reads a UUID column into a [16]byte-based type other than uuid.UUID.
type uuidScanner struct {
	c *column
	p unsafe.Pointer
}

func (s *uuidScanner) setPtr(p unsafe.Pointer) { s.p = p }

// Scan implements sql.Scanner.
func (s *uuidScanner) Scan(src any) error {
	v := reflect.NewAt(s.c.typ, s.p).Elem()
	if src == nil {
		v.SetZero()
		return nil
	}
	var u uuid.UUID
	if err := u.Scan(src); err != nil {
		return fmt.Errorf("orm: %s.%s: %w", s.c.model, s.c.f.Name, err)
	}
	if s.c.ptr {
		nv := reflect.New(s.c.typ.Elem())
		reflect.Copy(nv.Elem(), reflect.ValueOf(u[:]))
		v.Set(nv)
		return nil
	}
	reflect.Copy(v, reflect.ValueOf(u[:]))
	return nil
}
