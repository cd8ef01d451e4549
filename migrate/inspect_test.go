package migrate

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	amigrate "ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/mysql"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"ariga.io/atlas/sql/sqlite"
)

// tableDesc is a table reduced to what the migrations promise: column types and
// nullability, the primary key, indexes and unique constraints, and foreign keys.
type tableDesc struct {
	Columns map[string]string // name → "type NULL" / "type NOT NULL"
	PK      string
	Indexes map[string]string // name → "UNIQUE (a, b)" or "(a)"
	FKs     []string          // "name (cols) -> table (cols) on delete action", sorted
}

func (d tableDesc) String() string {
	var b strings.Builder
	cols := make([]string, 0, len(d.Columns))
	for c := range d.Columns {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	for _, c := range cols {
		fmt.Fprintf(&b, "  column %s %s\n", c, d.Columns[c])
	}
	fmt.Fprintf(&b, "  primary key (%s)\n", d.PK)
	ixs := make([]string, 0, len(d.Indexes))
	for n := range d.Indexes {
		ixs = append(ixs, n)
	}
	sort.Strings(ixs)
	for _, n := range ixs {
		fmt.Fprintf(&b, "  index %s %s\n", n, d.Indexes[n])
	}
	for _, fk := range d.FKs {
		fmt.Fprintf(&b, "  foreign key %s\n", fk)
	}
	return b.String()
}

// describe renders a set of tables for comparison, sorted by name.
func describe(tables map[string]tableDesc) string {
	names := make([]string, 0, len(tables))
	for n := range tables {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "table %s\n%s", n, tables[n])
	}
	return b.String()
}

// formatType renders an atlas type in the dialect's normal form, so that aliases written
// by the migrations and read back by the inspector compare equal.
func formatType(t *testing.T, dialect string, ct *schema.ColumnType) string {
	t.Helper()
	var (
		s   string
		err error
	)
	switch dialect {
	case "sqlite":
		// SQLite keeps the declared type as written; atlas drops VARCHAR lengths.
		return strings.ToLower(ct.Raw)
	case "postgres":
		s, err = postgres.FormatType(ct.Type)
	case "mysql":
		s, err = mysql.FormatType(ct.Type)
	}
	if err != nil {
		t.Fatalf("formatting %T %+v: %v", ct.Type, ct.Type, err)
	}
	s = strings.ToLower(s)
	switch {
	case dialect == "postgres" && strings.HasPrefix(s, "timestamp") && strings.Contains(s, "with time zone"):
		s = "timestamptz"
	case dialect == "postgres" && s == "timestamptz(6)":
		s = "timestamptz"
	case dialect == "mysql" && (s == "bool" || s == "boolean" || s == "tinyint(1)"):
		s = "bool"
	case dialect == "mysql" && s == "json":
		// MariaDB stores JSON as LONGTEXT with a json_valid check.
		s = "longtext"
	}
	return s
}

func fkDesc(name string, cols []string, ref string, refCols []string, onDelete string) string {
	switch strings.ToUpper(onDelete) {
	case "NO ACTION", "RESTRICT":
		// The default: both refuse the delete (MySQL reports RESTRICT, PostgreSQL NO ACTION).
		onDelete = ""
	}
	return fmt.Sprintf("%s (%s) -> %s (%s) on delete %q", name, strings.Join(cols, ", "), ref, strings.Join(refCols, ", "), strings.ToUpper(onDelete))
}

// expectedTables describes the tables of a schema as the migrations should create them on
// tdb's database.
func expectedTables(t *testing.T, tdb *testDB, s *Schema) map[string]tableDesc {
	t.Helper()
	p := &planner{name: tdb.name, dialect: tdb.dialect}
	switch tdb.name {
	case "sqlite":
		p.parse = sqlite.ParseType
	case "postgres":
		p.parse = postgres.ParseType
	case "mysql":
		p.parse = mysql.ParseType
	}
	out := map[string]tableDesc{}
	for _, tb := range s.Tables {
		d := tableDesc{Columns: map[string]string{}, Indexes: map[string]string{}, PK: strings.Join(tb.PrimaryKey(), ", ")}
		for _, c := range tb.Columns {
			typ, raw, err := p.columnType(c)
			if err != nil {
				t.Fatal(err)
			}
			null := "NOT NULL"
			if c.Nullable {
				null = "NULL"
			}
			d.Columns[c.Name] = formatType(t, tdb.name, &schema.ColumnType{Type: typ, Raw: raw}) + " " + null
		}
		for _, ix := range tb.Indexes {
			d.Indexes[ix.Name] = indexDesc(ix.Unique, ix.Columns)
		}
		for _, fk := range tb.ForeignKeys {
			name := fk.Name
			if tdb.name == "sqlite" {
				name = "" // SQLite does not keep constraint names inspectable
			}
			d.FKs = append(d.FKs, fkDesc(name, fk.Columns, fk.RefTable, fk.RefColumns, string(fk.OnDelete)))
		}
		slices.Sort(d.FKs)
		out[tb.Name] = d
	}
	return out
}

func indexDesc(unique bool, cols []string) string {
	s := "(" + strings.Join(cols, ", ") + ")"
	if unique {
		s = "UNIQUE " + s
	}
	return s
}

// liveTables inspects tdb's database with atlas and describes its tables, leaving out the
// history table.
func liveTables(t *testing.T, tdb *testDB) map[string]tableDesc {
	t.Helper()
	ctx := context.Background()
	var (
		drv amigrate.Driver
		err error
	)
	switch tdb.name {
	case "sqlite":
		drv, err = sqlite.Open(tdb.db)
	case "postgres":
		drv, err = postgres.Open(tdb.db)
	case "mysql":
		drv, err = mysql.Open(tdb.db)
	}
	if err != nil {
		t.Fatal(err)
	}
	sch, err := drv.InspectSchema(ctx, "", nil)
	if err != nil {
		t.Fatalf("inspecting: %v", err)
	}
	out := map[string]tableDesc{}
	for _, tb := range sch.Tables {
		if strings.HasPrefix(tb.Name, "sinew_") && strings.HasSuffix(tb.Name, "migrations") || strings.HasPrefix(tb.Name, "sqlite_") {
			continue
		}
		d := tableDesc{Columns: map[string]string{}, Indexes: map[string]string{}}
		for _, c := range tb.Columns {
			null := "NOT NULL"
			if c.Type.Null {
				null = "NULL"
			}
			d.Columns[c.Name] = formatType(t, tdb.name, c.Type) + " " + null
		}
		if tb.PrimaryKey != nil {
			var pk []string
			for _, p := range tb.PrimaryKey.Parts {
				pk = append(pk, p.C.Name)
			}
			d.PK = strings.Join(pk, ", ")
		}
		for _, ix := range tb.Indexes {
			var cols []string
			for _, p := range ix.Parts {
				if p.C == nil {
					t.Fatalf("table %s: index %s has an expression part", tb.Name, ix.Name)
				}
				cols = append(cols, p.C.Name)
			}
			d.Indexes[ix.Name] = indexDesc(ix.Unique, cols)
		}
		for _, fk := range tb.ForeignKeys {
			var cols, refs []string
			for _, c := range fk.Columns {
				cols = append(cols, c.Name)
			}
			for _, c := range fk.RefColumns {
				refs = append(refs, c.Name)
			}
			name := fk.Symbol
			if tdb.name == "sqlite" {
				name = ""
			}
			d.FKs = append(d.FKs, fkDesc(name, cols, fk.RefTable.Name, refs, string(fk.OnDelete)))
		}
		slices.Sort(d.FKs)
		out[tb.Name] = d
	}
	return out
}

// assertSchema checks that the live database holds exactly the tables of s.
func assertSchema(t *testing.T, tdb *testDB, s *Schema, when string) {
	t.Helper()
	want, got := describe(expectedTables(t, tdb, s)), describe(liveTables(t, tdb))
	if want != got {
		t.Fatalf("%s: live schema differs from the expected one\n--- want\n%s--- got\n%s", when, want, got)
	}
}
