package migrate

import (
	"ariga.io/atlas/sql/postgres"

	"reflect"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/orm"
)

func FuzzParseName(f *testing.F) {
	for _, s := range []string{"0001_initial", "0002_add_posts_slug", "1_x", "00001_", "0000_zero", "123456789_x", "1234567890_x", "0001_Ab", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseName(s)
		if err != nil {
			return
		}
		// A valid name has a positive number and a clean label, and its canonical form and
		// Go identifier parse back.
		if n.Number < 1 || n.Label == "" || strings.Trim(n.Label, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			t.Fatalf("ParseName(%q) = %+v", s, n)
		}
		back, err := ParseName(n.String())
		if err != nil || back != n {
			t.Fatalf("round trip of %q: %+v, %v", s, back, err)
		}
		if id := n.ident(); checkIdent("go", strings.ToLower(id[:1])+id[1:min(len(id), 60)]) != nil {
			t.Fatalf("identifier %q of %q", id, s)
		}
	})
}

func FuzzRenamedFrom(f *testing.F) {
	for _, s := range []string{
		`orm:"renamed_from=name"`, `orm:"size=100,renamed_from=name"`, `orm:"help='a, renamed_from=x',renamed_from=y"`,
		`orm:"renamed_from='quoted'"`, `orm:"renamed_from="`, `orm:"renamed_from=a,renamed_from=b"`, `orm:"help='unterminated"`,
		`json:"x"`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		from, err := RenamedFrom(reflect.StructTag(s))
		if err != nil || from == "" {
			return
		}
		if checkIdent("column", from) != nil {
			t.Fatalf("RenamedFrom(%q) = %q, not an identifier", s, from)
		}
	})
}

func FuzzParseRename(f *testing.F) {
	for _, s := range []string{"tags=labels", "users.name=display_name", "a.b.c=d", "=x", "x=", "x", "a=a", "users.name='x'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		op, err := ParseRename(s)
		if err != nil {
			return
		}
		switch op := op.(type) {
		case RenameTable:
			if checkIdent("t", op.From) != nil || checkIdent("t", op.To) != nil || op.From == op.To {
				t.Fatalf("ParseRename(%q) = %#v", s, op)
			}
		case RenameColumn:
			if checkIdent("t", op.Table) != nil || checkIdent("c", op.From) != nil || checkIdent("c", op.To) != nil {
				t.Fatalf("ParseRename(%q) = %#v", s, op)
			}
		default:
			t.Fatalf("ParseRename(%q) = %T", s, op)
		}
	})
}

// FuzzColumnDefault feeds arbitrary default expressions through validation, rendering,
// checksums and SQL planning: a default is either refused or yields one plain expression.
func FuzzColumnDefault(f *testing.F) {
	for _, s := range []string{"0", "'draft'", "'it''s'", "CURRENT_TIMESTAMP", "0; DROP TABLE t", "'a", "(1 + 2)", "-- x", "/* x */", "'\n'", "lower('A')"} {
		f.Add(s)
	}
	p := &planner{name: "postgres", dialect: newTestDialect("postgres")}
	p.parse = postgres.ParseType
	f.Fuzz(func(t *testing.T, x string) {
		c := Column{Name: "c", Kind: orm.KindString, Size: 10, Default: x}
		m := Migration{Name: "0001_x", Operations: []Operation{CreateTable{Name: "t", Columns: []Column{c}}}}
		if _, err := SchemaOf([]Migration{m}); err != nil {
			return
		}
		if strings.ContainsAny(x, ";\x00\n") && !strings.Contains(x, "'") {
			t.Fatalf("accepted default %q", x)
		}
		if _, err := Render(m, "migrations"); err != nil {
			t.Fatalf("rendering default %q: %v", x, err)
		}
		if m.Checksum() == "" {
			t.Fatal("empty checksum")
		}
		if _, err := p.column(c); err != nil {
			t.Fatalf("planning default %q: %v", x, err)
		}
	})
}

// FuzzRunSQL feeds arbitrary scripts to the statement splitter through New, which must
// accept or refuse them with an error, never panic.
func FuzzRunSQL(f *testing.F) {
	for _, s := range []string{"SELECT 1; SELECT 2", "INSERT INTO t VALUES ('a;b');", "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;", "/* unterminated", "'", "BEGIN; END;", Noop} {
		f.Add(s)
	}
	db := newTestDB(f, "sqlite")
	f.Fuzz(func(t *testing.T, script string) {
		ms := []Migration{{Name: "0001_data", Operations: []Operation{RunSQL{Up: script, Down: script}}}}
		if _, err := New(db.db, db.dialect, ms, Config{}); err != nil {
			return
		}
		if _, err := splitSQL(script); err != nil {
			t.Fatalf("New accepted %q that does not split: %v", script, err)
		}
	})
}
