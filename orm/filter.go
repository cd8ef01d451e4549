package orm

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Cond is a condition on a model's rows, built with F, Lookup, And, Or, Not and Expr and
// applied with Query.Match. Field names in a Cond are checked against the model when it is
// applied; values are always bound as parameters.
type Cond struct {
	kind  condKind
	field string
	op    lookupOp
	opErr string // an unknown lookup name, reported when applied
	badOp bool   // opErr is set (it may be empty: "title__")
	value any
	sql   string
	args  []any
	subs  []Cond
}

type condKind uint8

const (
	condLookup condKind = iota
	condAnd
	condOr
	condNot
	condExpr
)

// lookupOp is a comparison of a field with a value.
type lookupOp uint8

const (
	opEq lookupOp = iota
	opNe
	opLt
	opLte
	opGt
	opGte
	opIn
	opNotIn
	opIsNull
	opContains
	opIContains
	opStartsWith
	opIStartsWith
	opEndsWith
	opIEndsWith
)

// lookupNames are the lookup suffixes accepted by Filter and Lookup, in opcode order.
func lookupNames() []string {
	return []string{"eq", "ne", "lt", "lte", "gt", "gte", "in", "notin", "isnull",
		"contains", "icontains", "startswith", "istartswith", "endswith", "iendswith"}
}

func lookupByName(name string) (lookupOp, bool) {
	for i, n := range lookupNames() {
		if n == name {
			return lookupOp(i), true
		}
	}
	if name == "exact" {
		return opEq, true
	}
	return 0, false
}

// String returns the lookup's name.
func (op lookupOp) String() string { return lookupNames()[op] }

// Ref names a field in a condition: F("title").IContains("go").
type Ref struct{ name string }

// F refers to a model field by Go name or column name, to build a condition.
func F(field string) Ref { return Ref{name: field} }

func (r Ref) cond(op lookupOp, v any) Cond {
	return Cond{kind: condLookup, field: r.name, op: op, value: v}
}

// Eq matches rows whose field equals v (IS NULL when v is nil).
func (r Ref) Eq(v any) Cond { return r.cond(opEq, v) }

// Ne matches rows whose field differs from v (IS NOT NULL when v is nil). Rows where the
// field is NULL do not match a non-nil v, as in SQL.
func (r Ref) Ne(v any) Cond { return r.cond(opNe, v) }

// Lt matches rows whose field is less than v.
func (r Ref) Lt(v any) Cond { return r.cond(opLt, v) }

// Lte matches rows whose field is at most v.
func (r Ref) Lte(v any) Cond { return r.cond(opLte, v) }

// Gt matches rows whose field is greater than v.
func (r Ref) Gt(v any) Cond { return r.cond(opGt, v) }

// Gte matches rows whose field is at least v.
func (r Ref) Gte(v any) Cond { return r.cond(opGte, v) }

// In matches rows whose field is one of the values: a slice, or a comma-separated string.
// An empty list matches nothing.
func (r Ref) In(values any) Cond { return r.cond(opIn, values) }

// NotIn matches rows whose field is none of the values. An empty list matches everything.
func (r Ref) NotIn(values any) Cond { return r.cond(opNotIn, values) }

// IsNull matches rows whose field is NULL (null true) or not NULL (null false).
func (r Ref) IsNull(null bool) Cond { return r.cond(opIsNull, null) }

// Contains matches rows whose text field contains s, case-sensitively.
func (r Ref) Contains(s string) Cond { return r.cond(opContains, s) }

// IContains matches rows whose text field contains s, ignoring case.
func (r Ref) IContains(s string) Cond { return r.cond(opIContains, s) }

// StartsWith matches rows whose text field starts with s, case-sensitively.
func (r Ref) StartsWith(s string) Cond { return r.cond(opStartsWith, s) }

// IStartsWith matches rows whose text field starts with s, ignoring case.
func (r Ref) IStartsWith(s string) Cond { return r.cond(opIStartsWith, s) }

// EndsWith matches rows whose text field ends with s, case-sensitively.
func (r Ref) EndsWith(s string) Cond { return r.cond(opEndsWith, s) }

// IEndsWith matches rows whose text field ends with s, ignoring case.
func (r Ref) IEndsWith(s string) Cond { return r.cond(opIEndsWith, s) }

// Lookup builds a condition from a Django-style expression: a field name, optionally
// followed by "__" and a lookup (eq ne lt lte gt gte in notin isnull contains icontains
// startswith istartswith endswith iendswith; eq when absent), e.g. Lookup("age__gte", 18).
// The field and lookup are checked when the condition is applied; both may come from user
// input.
func Lookup(expr string, value any) Cond {
	field, op, bad, isBad := splitLookup(expr)
	return Cond{kind: condLookup, field: field, op: op, opErr: bad, badOp: isBad, value: value}
}

func splitLookup(expr string) (field string, op lookupOp, bad string, isBad bool) {
	i := strings.LastIndex(expr, "__")
	if i < 0 {
		return expr, opEq, "", false
	}
	o, ok := lookupByName(expr[i+2:])
	if !ok {
		return expr[:i], opEq, expr[i+2:], true
	}
	return expr[:i], o, "", false
}

// And matches rows matching every condition (all rows when there are none).
func And(conds ...Cond) Cond { return Cond{kind: condAnd, subs: conds} }

// Or matches rows matching at least one condition (no rows when there are none).
func Or(conds ...Cond) Cond { return Cond{kind: condOr, subs: conds} }

// Not matches rows not matching c.
func Not(c Cond) Cond { return Cond{kind: condNot, subs: []Cond{c}} }

// Expr is a condition written in SQL by the developer, with ? placeholders for args (like
// Query.Where), for use inside Or and And. Never build its SQL from user input.
func Expr(sql string, args ...any) Cond { return Cond{kind: condExpr, sql: sql, args: args} }

// node is a Cond checked against a model.
type node struct {
	kind  condKind
	col   *column
	op    lookupOp
	value any // coerced; a []any for in and notin, a bool for isnull
	sql   string
	args  []any
	subs  []node
}

// maxLookupLen bounds field names and lookup expressions from user input.
const maxLookupLen = 200

// fieldError builds the error for an unknown field name, with a suggestion.
func (m *model) fieldError(name, reason string) error {
	name = shortForError(name)
	if reason == "" {
		reason = "no such field"
		var names []string
		for _, c := range m.cols {
			names = append(names, c.f.Column)
		}
		if s := closest(name, names); s != "" {
			reason += fmt.Sprintf(" (did you mean %q?)", s)
		}
	}
	return &FieldError{Model: m.meta.Name, Field: name, Reason: reason}
}

// maxErrorName is how much of a user-supplied name an error message repeats.
const maxErrorName = 64

// shortForError cuts a user-supplied name for an error message and makes it valid UTF-8.
func shortForError(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	if utf8.RuneCountInString(name) > maxErrorName {
		name = string([]rune(name)[:maxErrorName]) + "..."
	}
	return name
}

// quoteValue quotes a user-supplied value for an error message, cut like names.
func quoteValue(v string) string { return strconv.Quote(shortForError(v)) }

// field resolves a user-supplied field name (Go or column name).
func (m *model) field(name string) (*column, error) {
	if len(name) <= maxLookupLen {
		if c := m.col(name); c != nil {
			return c, nil
		}
	}
	return nil, m.fieldError(name, "")
}

// compile checks a condition against the model and coerces its values.
func (db *DB) compile(m *model, c Cond) (node, error) {
	switch c.kind {
	case condExpr:
		return node{kind: condExpr, sql: c.sql, args: c.args}, nil
	case condAnd, condOr, condNot:
		n := node{kind: c.kind, subs: make([]node, 0, len(c.subs))}
		for _, s := range c.subs {
			sn, err := db.compile(m, s)
			if err != nil {
				return node{}, err
			}
			n.subs = append(n.subs, sn)
		}
		return n, nil
	}
	col, err := m.field(c.field)
	if err != nil {
		return node{}, err
	}
	if c.badOp {
		reason := "unknown lookup " + quoteValue(c.opErr)
		if s := closest(c.opErr, lookupNames()); s != "" {
			reason += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return node{}, m.fieldError(c.field, reason)
	}
	n := node{kind: condLookup, col: col, op: c.op}
	k := col.f.Kind
	switch c.op {
	case opContains, opIContains, opStartsWith, opIStartsWith, opEndsWith, opIEndsWith:
		if k != KindString && k != KindText {
			return node{}, m.fieldError(c.field, fmt.Sprintf("lookup %s applies to text fields, not %s", c.op, k))
		}
		s, ok := c.value.(string)
		if !ok {
			return node{}, m.fieldError(c.field, fmt.Sprintf("lookup %s needs a string, not %T", c.op, c.value))
		}
		if err := col.checkString(s); err != nil && col.choices == nil {
			return node{}, m.fieldError(c.field, "invalid value: "+err.(*ValueError).Reason)
		}
		n.value = s
	case opIsNull:
		switch v := c.value.(type) {
		case bool:
			n.value = v
		case string:
			b, err := strconv.ParseBool(v)
			if err != nil {
				return node{}, m.fieldError(c.field, "isnull needs true or false, not "+quoteValue(v))
			}
			n.value = b
		default:
			return node{}, m.fieldError(c.field, fmt.Sprintf("isnull needs a bool, not %T", c.value))
		}
	case opIn, opNotIn:
		vals, err := listValues(c.value)
		if err != nil {
			return node{}, m.fieldError(c.field, err.Error())
		}
		if k == KindJSON {
			return node{}, m.fieldError(c.field, "json fields support only isnull")
		}
		out := make([]any, len(vals))
		for i, v := range vals {
			if out[i], err = db.coerce(m, col, v); err != nil {
				return node{}, err
			}
		}
		n.value = out
	default:
		if k == KindJSON || (k == KindBytes && c.op != opEq && c.op != opNe) || (k == KindBool && c.op != opEq && c.op != opNe) {
			return node{}, m.fieldError(c.field, fmt.Sprintf("lookup %s does not apply to %s fields", c.op, k))
		}
		if c.value == nil {
			if c.op != opEq && c.op != opNe {
				return node{}, m.fieldError(c.field, fmt.Sprintf("lookup %s needs a value, not nil", c.op))
			}
			n.value = nil
			break
		}
		if n.value, err = db.coerce(m, col, c.value); err != nil {
			return node{}, err
		}
	}
	return n, nil
}

// listValues turns the value of an in lookup into a list: a slice or array, or a
// comma-separated string (as a query parameter gives it).
func listValues(v any) ([]any, error) {
	switch x := v.(type) {
	case string:
		if x == "" {
			return nil, nil
		}
		parts := strings.Split(x, ",")
		out := make([]any, len(parts))
		for i, p := range parts {
			out[i] = strings.TrimSpace(p)
		}
		return out, nil
	case []any:
		return x, nil
	case nil:
		return nil, fmt.Errorf("in needs a list, not nil")
	}
	rv := reflect.ValueOf(v)
	if (rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array) && rv.Type().Elem().Kind() != reflect.Uint8 {
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = rv.Index(i).Interface()
		}
		return out, nil
	}
	return nil, fmt.Errorf("in needs a slice or a comma-separated string, not %T", v)
}

// coerce converts a value compared with (or assigned to) column c into what the database
// stores: strings from user input are parsed into the column's kind, times become UTC,
// dates and decimals take their canonical form. A value that cannot be converted is a
// *FieldError, as it usually comes from a request.
func (db *DB) coerce(m *model, c *column, v any) (any, error) {
	k := c.f.Kind
	bad := func(format string, args ...any) error {
		return m.fieldError(c.f.Column, "invalid value: "+fmt.Sprintf(format, args...))
	}
	if v == nil {
		return nil, nil
	}
	if dv, ok := v.(driver.Valuer); ok && k != KindJSON {
		if _, isUUID := v.(uuid.UUID); !isUUID {
			x, err := dv.Value()
			if err != nil {
				return nil, bad("%v", err)
			}
			if x == nil {
				return nil, nil
			}
			v = x
		}
	}
	switch x := v.(type) {
	case string:
		switch k {
		case KindString, KindText:
			if len(x) > 1<<20 {
				return nil, bad("longer than 1 MiB")
			}
			return x, nil
		case KindInt:
			n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			if err != nil {
				return nil, bad("%s is not an integer", quoteValue(x))
			}
			return n, nil
		case KindFloat:
			f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				return nil, bad("%s is not a number", quoteValue(x))
			}
			return f, nil
		case KindDecimal:
			norm, reason := normalizeDecimal(x, c.f.Size, c.f.Scale)
			if reason != "" {
				return nil, bad("%s: %s", quoteValue(x), reason)
			}
			return norm, nil
		case KindBool:
			b, err := strconv.ParseBool(strings.TrimSpace(x))
			if err != nil {
				return nil, bad("%s is not true or false", quoteValue(x))
			}
			return b, nil
		case KindTime, KindDate:
			t, err := parseTimeString(x)
			if err != nil {
				return nil, bad("%s is not a time (use RFC 3339 or 2006-01-02)", quoteValue(x))
			}
			return db.timeArg(k, t), nil
		case KindUUID:
			u, err := uuid.Parse(x)
			if err != nil {
				return nil, bad("%s is not a UUID", quoteValue(x))
			}
			return u.String(), nil
		case KindBytes:
			return []byte(x), nil
		case KindJSON:
			if !json.Valid([]byte(x)) {
				return nil, bad("not valid JSON")
			}
			return x, nil
		}
	case time.Time:
		if k == KindTime || k == KindDate {
			return db.timeArg(k, x), nil
		}
	case *time.Time:
		if x == nil {
			return nil, nil
		}
		return db.coerce(m, c, *x)
	case uuid.UUID:
		return x.String(), nil
	case float64:
		if k == KindDecimal {
			return c.decimalFloat(x)
		}
	case float32:
		if k == KindDecimal {
			return c.decimalFloat(float64(x))
		}
	}
	if k == KindJSON {
		data, err := json.Marshal(v)
		if err != nil {
			return nil, c.valueError("cannot be encoded as JSON: %v", err)
		}
		return string(data), nil
	}
	if k == KindUUID {
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Array && rv.Len() == 16 && rv.Type().Elem().Kind() == reflect.Uint8 {
			var u uuid.UUID
			reflect.Copy(reflect.ValueOf(u[:]), rv)
			return u.String(), nil
		}
	}
	if k == KindDecimal {
		switch reflect.ValueOf(v).Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return db.coerce(m, c, fmt.Sprint(v))
		}
	}
	return v, nil
}

// parseTimeString accepts RFC 3339 (with or without fractional seconds), "2006-01-02
// 15:04:05" (UTC) and "2006-01-02".
func parseTimeString(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q", s)
}

// sqlBuf accumulates a statement and its arguments.
type sqlBuf struct {
	b    []byte
	args []any
	d    Dialect
}

func (s *sqlBuf) str(x string) { s.b = append(s.b, x...) }

// ph appends a placeholder bound to arg.
func (s *sqlBuf) ph(arg any) {
	s.args = append(s.args, arg)
	s.b = appendPlaceholder(s.b, s.d, len(s.args))
}

// String returns the statement.
func (s *sqlBuf) String() string { return string(s.b) }

// raw appends a developer-written SQL fragment, renumbering its ? placeholders for the
// dialect and binding args to them. A slice argument (other than []byte or a
// driver.Valuer) expands to a list of placeholders, for IN (?).
func (s *sqlBuf) raw(frag string, args []any) error {
	n := 0
	for i := 0; i < len(frag); i++ {
		c := frag[i]
		switch c {
		case '\'', '"', '`':
			j := i + 1
			for j < len(frag) && frag[j] != c {
				j++
			}
			if j >= len(frag) {
				return fmt.Errorf("orm: SQL fragment %q: unterminated %c quote", frag, c)
			}
			s.b = append(s.b, frag[i:j+1]...)
			i = j
		case '?':
			if n >= len(args) {
				return fmt.Errorf("orm: SQL fragment %q has more ? placeholders than its %d argument(s)", frag, len(args))
			}
			a := args[n]
			n++
			if list, ok := expandable(a); ok {
				if len(list) == 0 {
					s.str("NULL")
				}
				for k, e := range list {
					if k > 0 {
						s.str(", ")
					}
					s.ph(e)
				}
				continue
			}
			s.ph(a)
		default:
			s.b = append(s.b, c)
		}
	}
	if n != len(args) {
		return fmt.Errorf("orm: SQL fragment %q has %d ? placeholder(s) but %d argument(s)", frag, n, len(args))
	}
	return nil
}

// expandable returns the elements of a slice argument that stands for a list.
func expandable(a any) ([]any, bool) {
	switch a.(type) {
	case nil, []byte, string, driver.Valuer, json.RawMessage:
		return nil, false
	case []any:
		return a.([]any), true
	}
	rv := reflect.ValueOf(a)
	if rv.Kind() != reflect.Slice || rv.Type().Elem().Kind() == reflect.Uint8 {
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

// cond renders a compiled condition.
func (db *DB) cond(s *sqlBuf, n *node) error {
	switch n.kind {
	case condExpr:
		s.str("(")
		if err := s.raw(n.sql, n.args); err != nil {
			return err
		}
		s.str(")")
		return nil
	case condAnd, condOr:
		if len(n.subs) == 0 {
			if n.kind == condAnd {
				s.str("1=1")
			} else {
				s.str("1=0")
			}
			return nil
		}
		sep := " AND "
		if n.kind == condOr {
			sep = " OR "
		}
		s.str("(")
		for i := range n.subs {
			if i > 0 {
				s.str(sep)
			}
			if err := db.cond(s, &n.subs[i]); err != nil {
				return err
			}
		}
		s.str(")")
		return nil
	case condNot:
		s.str("NOT (")
		if err := db.cond(s, &n.subs[0]); err != nil {
			return err
		}
		s.str(")")
		return nil
	}
	col := db.d.Quote(n.col.f.Column)
	switch n.op {
	case opEq, opNe, opLt, opLte, opGt, opGte:
		if n.value == nil {
			s.str(col)
			if n.op == opEq {
				s.str(" IS NULL")
			} else {
				s.str(" IS NOT NULL")
			}
			return nil
		}
		if n.op >= opLt {
			db.compare(s, n.col, [...]string{" = ", " <> ", " < ", " <= ", " > ", " >= "}[n.op], n.value)
			return nil
		}
		s.str(col)
		s.str([...]string{" = ", " <> "}[n.op])
		s.ph(n.value)
	case opIn, opNotIn:
		vals := n.value.([]any)
		if len(vals) == 0 {
			if n.op == opIn {
				s.str("1=0")
			} else {
				s.str("1=1")
			}
			return nil
		}
		if len(vals) > db.feat.MaxParams-len(s.args) {
			return &FieldError{Model: n.col.model, Field: n.col.f.Column, Reason: fmt.Sprintf("too many values for in (%d)", len(vals))}
		}
		s.str(col)
		if n.op == opIn {
			s.str(" IN (")
		} else {
			s.str(" NOT IN (")
		}
		for i, v := range vals {
			if i > 0 {
				s.str(", ")
			}
			s.ph(v)
		}
		s.str(")")
	case opIsNull:
		s.str(col)
		if n.value.(bool) {
			s.str(" IS NULL")
		} else {
			s.str(" IS NOT NULL")
		}
	default:
		p := Pattern{Value: n.value.(string)}
		switch n.op {
		case opIContains:
			p.Fold = true
		case opStartsWith:
			p.Prefix = true
		case opIStartsWith:
			p.Prefix, p.Fold = true, true
		case opEndsWith:
			p.Suffix = true
		case opIEndsWith:
			p.Suffix, p.Fold = true, true
		}
		cond, arg := db.d.TextMatch(col, db.d.Placeholder(len(s.args)+1), p)
		s.args = append(s.args, arg)
		s.str(cond)
	}
	return nil
}

// orderExpr is the expression a column is compared and ordered by: the column, or, for a
// decimal stored as text, its numeric value.
func (db *DB) orderExpr(c *column) string {
	col := db.d.Quote(c.f.Column)
	if db.feat.DecimalText && c.f.Kind == KindDecimal {
		return "CAST(" + col + " AS REAL)"
	}
	return col
}

// compare writes "column op value" with orderExpr semantics.
func (db *DB) compare(s *sqlBuf, c *column, op string, v any) {
	s.str(db.orderExpr(c))
	s.str(op)
	if db.feat.DecimalText && c.f.Kind == KindDecimal {
		s.str("CAST(")
		s.ph(v)
		s.str(" AS REAL)")
		return
	}
	s.ph(v)
}
