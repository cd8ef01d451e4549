package orm

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// pgLike is a minimal dialect for tests of SQL generation, with numbered placeholders so
// that argument numbering is checked.
type pgLike struct{}

func (pgLike) Name() string                   { return "test" }
func (pgLike) Quote(s string) string          { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func (pgLike) Placeholder(n int) string       { return "$" + strconv.Itoa(n) }
func (pgLike) ColumnType(*Field) string       { return "TEXT" }
func (pgLike) IdentityColumn(*Field) string   { return "BIGSERIAL PRIMARY KEY" }
func (pgLike) Features() Features             { return Features{MaxParams: 100, Returning: true} }
func (pgLike) TranslateError(err error) error { return err }
func (pgLike) UpsertClause(string, []string, []string) string {
	return ""
}
func (pgLike) InsertIgnoreClause([]string) string { return "" }
func (pgLike) TextMatch(col, ph string, p Pattern) (string, any) {
	return col + " LIKE " + ph + " ESCAPE '!'", LikePattern(p)
}

type noConn struct{}

func (noConn) Connect(context.Context) (driver.Conn, error) { return nil, errors.New("no database") }
func (noConn) Driver() driver.Driver                        { return nil }

type fuzzPost struct {
	Model
	Title  string `orm:"size=50"`
	Views  int64
	Price  string     `orm:"decimal=8.2"`
	Day    *time.Time `orm:"date"`
	Public bool
	Data   map[string]any `orm:"json"`
}

func testDB(t testing.TB) (*DB, *model) {
	t.Helper()
	reg := NewRegistry()
	if err := reg.Register(fuzzPost{}); err != nil {
		t.Fatal(err)
	}
	db, err := New(sql.OpenDB(noConn{}), pgLike{}, Config{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	return db, reg.modelOf(MetaFor[fuzzPost](reg).Type)
}

func TestConditionSQL(t *testing.T) {
	t.Parallel()
	db, m := testDB(t)
	tests := []struct {
		cond Cond
		sql  string
		args string
	}{
		{Lookup("title", "x"), `"title" = $1`, "x"},
		{Lookup("Views__gte", "10"), `"views" >= $1`, "10"},
		{Lookup("id__in", "1, 2,3"), `"id" IN ($1, $2, $3)`, "1 2 3"},
		{Lookup("id__in", []int{}), `1=0`, ""},
		{Lookup("id__notin", []int{}), `1=1`, ""},
		{Lookup("day__isnull", true), `"day" IS NULL`, ""},
		{Lookup("title__ne", nil), `"title" IS NOT NULL`, ""},
		{Lookup("title__istartswith", "50%"), `"title" LIKE $1 ESCAPE '!'`, "50!%%"},
		{Lookup("title__endswith", "a_b"), `"title" LIKE $1 ESCAPE '!'`, "%a!_b"},
		{Lookup("price__lt", 3), `"price" < $1`, "3.00"},
		{Lookup("day", "2024-03-05T23:30:00+02:00"), `"day" = $1`, "2024-03-05 00:00:00 +0000 UTC"},
		{Or(Lookup("views", 1), And(Lookup("views", 2), Not(Lookup("title", "t")))), `("views" = $1 OR ("views" = $2 AND NOT ("title" = $3)))`, "1 2 t"},
		{Expr(`title = '?' AND views IN (?) AND "a?b" = ?`, []int{4, 5}, 6), `(title = '?' AND views IN ($1, $2) AND "a?b" = $3)`, "4 5 6"},
	}
	for _, tt := range tests {
		n, err := db.compile(m, tt.cond)
		if err != nil {
			t.Errorf("%+v: %v", tt.cond, err)
			continue
		}
		s := &sqlBuf{d: db.d}
		if err := db.cond(s, &n); err != nil {
			t.Errorf("%+v: %v", tt.cond, err)
			continue
		}
		var args []string
		for _, a := range s.args {
			args = append(args, strings.TrimSpace(strings.ReplaceAll(toString(a), "\n", "")))
		}
		if s.String() != tt.sql || strings.Join(args, " ") != tt.args {
			t.Errorf("%+v:\n got %s [%s]\nwant %s [%s]", tt.cond, s.String(), strings.Join(args, " "), tt.sql, tt.args)
		}
	}
}

func toString(a any) string {
	switch x := a.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case time.Time:
		return x.String()
	}
	return "?"
}

func TestRawFragments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		frag string
		args []any
		want string
		err  string
	}{
		{"a = ? AND b = ?", []any{1, 2}, "a = $1 AND b = $2", ""},
		{"a = '?'", nil, "a = '?'", ""},
		{"a IN (?)", []any{[]string{"x", "y"}}, "a IN ($1, $2)", ""},
		{"a IN (?)", []any{[]string{}}, "a IN (NULL)", ""},
		{"a = ?", []any{[]byte("raw")}, "a = $1", ""},
		{"a = ?", nil, "", "more ? placeholders"},
		{"a = 1", []any{1}, "", "0 ? placeholder(s) but 1 argument(s)"},
		{"a = 'unterminated", nil, "", "unterminated"},
		{"`q?` = ?", []any{1}, "`q?` = $1", ""},
	}
	for _, tt := range tests {
		s := &sqlBuf{d: pgLike{}}
		err := s.raw(tt.frag, tt.args)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("raw(%q) error = %v, want %q", tt.frag, err, tt.err)
			}
			continue
		}
		if err != nil || s.String() != tt.want {
			t.Errorf("raw(%q) = %q, %v; want %q", tt.frag, s.String(), err, tt.want)
		}
	}
}

func TestLikePattern(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p    Pattern
		want string
	}{
		{Pattern{Value: "go"}, "%go%"},
		{Pattern{Value: "go", Prefix: true}, "go%"},
		{Pattern{Value: "go", Suffix: true}, "%go"},
		{Pattern{Value: "100%_!", Prefix: true, Suffix: true}, "100!%!_!!"},
		{Pattern{Value: ""}, "%%"},
	}
	for _, tt := range tests {
		if got := LikePattern(tt.p); got != tt.want {
			t.Errorf("LikePattern(%+v) = %q, want %q", tt.p, got, tt.want)
		}
	}
}

// FuzzLookup feeds arbitrary filter expressions, values and ordering names to the parser:
// it must never panic, must reject what is not a field with a *FieldError, and must put
// nothing of the input into the SQL but quoted column names (values are bound).
func FuzzLookup(f *testing.F) {
	for _, seed := range []struct{ expr, value, order string }{
		{"title", "go", "-views"},
		{"views__gte", "10", "title"},
		{"title__icontains", "%'; DROP TABLE x; --", "-created_at"},
		{"id__in", "1,2,3", "id"},
		{"day__isnull", "true", "day"},
		{"price__lt", "1.5", "-price"},
		{"data", "{}", "data"},
		{"title__", "", "-"},
		{"__", "x", "--views"},
		{"title__eq__eq", "x", "title desc"},
		{"Title__IContains", "x", "+Title"},
	} {
		f.Add(seed.expr, seed.value, seed.order)
	}
	db, m := testDB(f)
	columns := map[string]bool{}
	for _, c := range m.cols {
		columns[c.f.Column] = true
	}
	f.Fuzz(func(t *testing.T, expr, value, order string) {
		n, err := db.compile(m, Lookup(expr, value))
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Lookup(%q, %q): error %T %v, want *FieldError", expr, value, err, err)
			}
			if len(fe.Error()) > 4*maxErrorName+300 {
				t.Fatalf("error message of %d bytes", len(fe.Error()))
			}
		} else {
			s := &sqlBuf{d: db.d}
			if err := db.cond(s, &n); err != nil {
				var fe *FieldError
				if !errors.As(err, &fe) {
					t.Fatalf("rendering %q: %v", expr, err)
				}
				return
			}
			checkSQL(t, s.String(), columns)
			if c := strings.Count(s.String(), "$"); c != len(s.args) {
				t.Fatalf("%q: %d placeholders, %d args", s.String(), c, len(s.args))
			}
		}
		q := &Query[fuzzPost]{db: db, p: db.planOf(m), limit: -1}
		q.OrderBy(order)
		if q.err != nil {
			var fe *FieldError
			if !errors.As(q.err, &fe) {
				t.Fatalf("OrderBy(%q): %T %v", order, q.err, q.err)
			}
			return
		}
		s := &sqlBuf{d: db.d}
		if err := q.tail(s, true); err != nil {
			t.Fatalf("OrderBy(%q): %v", order, err)
		}
		checkSQL(t, s.String(), columns)
	})
}

// checkSQL verifies that every double-quoted identifier in sql is a known column and that,
// outside quoted identifiers and placeholders, only SQL keywords and operators remain.
func checkSQL(t *testing.T, sql string, columns map[string]bool) {
	t.Helper()
	if !utf8.ValidString(sql) {
		t.Fatalf("invalid UTF-8 in %q", sql)
	}
	rest := sql
	var outside strings.Builder
	for {
		i := strings.IndexByte(rest, '"')
		if i < 0 {
			outside.WriteString(rest)
			break
		}
		outside.WriteString(rest[:i])
		j := strings.IndexByte(rest[i+1:], '"')
		if j < 0 {
			t.Fatalf("unbalanced quote in %q", sql)
		}
		if ident := rest[i+1 : i+1+j]; !columns[ident] {
			t.Fatalf("unknown identifier %q in %q", ident, sql)
		}
		rest = rest[i+2+j:]
	}
	for _, word := range strings.FieldsFunc(outside.String(), func(r rune) bool {
		return strings.ContainsRune(" ()=<>,$0123456789'!", r)
	}) {
		switch word {
		case "IN", "NOT", "IS", "NULL", "AND", "OR", "LIKE", "ESCAPE", "ORDER", "BY", "DESC", "WHERE", "LIMIT", "OFFSET":
		default:
			t.Fatalf("unexpected word %q in %q", word, sql)
		}
	}
}
