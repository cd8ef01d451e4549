package sqlite

import (
	"errors"
	"strconv"
	"strings"

	"modernc.org/sqlite"

	"github.com/sinewdev/sinew/orm"
)

// Dialect returns the SQLite dialect, for orm.New and the migrate package.
func Dialect() orm.Dialect { return dialect{} }

type dialect struct{}

// Name implements orm.Dialect.
func (dialect) Name() string { return "sqlite" }

// Quote implements orm.Dialect.
func (dialect) Quote(ident string) string {
	return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"`
}

// Placeholder implements orm.Dialect.
func (dialect) Placeholder(int) string { return "?" }

// ColumnType implements orm.Dialect.
func (dialect) ColumnType(f *orm.Field) string {
	switch f.Kind {
	case orm.KindBool:
		return "BOOLEAN"
	case orm.KindInt:
		return "INTEGER"
	case orm.KindFloat:
		return "REAL"
	case orm.KindString:
		return "VARCHAR(" + strconv.Itoa(f.Size) + ")"
	case orm.KindBytes:
		return "BLOB"
	case orm.KindTime:
		return "DATETIME"
	case orm.KindDate:
		return "DATE"
	}
	return "TEXT" // decimal, text, uuid, json
}

// IdentityColumn implements orm.Dialect.
func (dialect) IdentityColumn(*orm.Field) string { return "INTEGER PRIMARY KEY AUTOINCREMENT" }

// Features implements orm.Dialect.
func (dialect) Features() orm.Features {
	return orm.Features{
		Returning:   true,
		ForUpdate:   false,
		MaxParams:   32766,
		DateText:    true,
		DecimalText: true,
		NoLimit:     "LIMIT -1",
		EmptyInsert: "DEFAULT VALUES",
	}
}

// UpsertClause implements orm.Dialect.
func (dialect) UpsertClause(pk string, conflict, update []string) string {
	var b strings.Builder
	b.WriteString("ON CONFLICT (")
	b.WriteString(strings.Join(conflict, ", "))
	b.WriteString(") DO UPDATE SET ")
	if len(update) == 0 {
		update = conflict[:1]
	}
	for i, c := range update {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c + " = excluded." + c)
	}
	return b.String()
}

// InsertIgnoreClause implements orm.Dialect.
func (dialect) InsertIgnoreClause(conflict []string) string {
	return "ON CONFLICT (" + strings.Join(conflict, ", ") + ") DO NOTHING"
}

// TextMatch uses LIKE (case-insensitive for ASCII letters) for the case-insensitive lookups
// and GLOB (case-sensitive) for the others.
func (dialect) TextMatch(col, ph string, p orm.Pattern) (string, any) {
	if p.Fold {
		return col + " LIKE " + ph + " ESCAPE '!'", orm.LikePattern(p)
	}
	return col + " GLOB " + ph, globPattern(p)
}

// globPattern escapes GLOB's special characters by putting each in a bracket class.
func globPattern(p orm.Pattern) string {
	var b strings.Builder
	if !p.Prefix {
		b.WriteByte('*')
	}
	for _, r := range p.Value {
		switch r {
		case '*', '?', '[':
			b.WriteByte('[')
			b.WriteRune(r)
			b.WriteByte(']')
		default:
			b.WriteRune(r)
		}
	}
	if !p.Suffix {
		b.WriteByte('*')
	}
	return b.String()
}

// SQLite extended result codes of constraint violations.
const (
	codeCheck      = 275
	codeForeignKey = 787
	codeNotNull    = 1299
	codePrimaryKey = 1555
	codeUnique     = 2067
)

// TranslateError implements orm.Dialect.
func (dialect) TranslateError(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	msg := se.Error()
	code := se.Code()
	switch {
	case code == codeUnique || code == codePrimaryKey || strings.Contains(msg, "UNIQUE constraint failed: "):
		table, cols := tableColumns(after(msg, "UNIQUE constraint failed: "))
		return &orm.UniqueViolation{Table: table, Columns: cols, Err: err}
	case code == codeForeignKey || strings.Contains(msg, "FOREIGN KEY constraint failed"):
		return &orm.ForeignKeyViolation{Err: err}
	case code == codeNotNull || strings.Contains(msg, "NOT NULL constraint failed: "):
		table, cols := tableColumns(after(msg, "NOT NULL constraint failed: "))
		v := &orm.NotNullViolation{Table: table, Err: err}
		if len(cols) > 0 {
			v.Column = cols[0]
		}
		return v
	case code == codeCheck || strings.Contains(msg, "CHECK constraint failed: "):
		return &orm.CheckViolation{Constraint: after(msg, "CHECK constraint failed: "), Err: err}
	}
	return err
}

// after returns what follows marker in msg, without the driver's trailing " (code)".
func after(msg, marker string) string {
	i := strings.Index(msg, marker)
	if i < 0 {
		return ""
	}
	s := msg[i+len(marker):]
	if j := strings.LastIndex(s, " ("); j >= 0 && strings.HasSuffix(s, ")") {
		s = s[:j]
	}
	return strings.TrimSpace(s)
}

// tableColumns parses "posts.slug, posts.author_id".
func tableColumns(s string) (string, []string) {
	if s == "" {
		return "", nil
	}
	var table string
	var cols []string
	for _, part := range strings.Split(s, ",") {
		t, c, ok := strings.Cut(strings.TrimSpace(part), ".")
		if !ok {
			continue
		}
		table = t
		cols = append(cols, c)
	}
	return table, cols
}
