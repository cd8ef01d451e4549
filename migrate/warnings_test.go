package migrate

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/orm"
)

// TestLargeTableWarnings: on PostgreSQL, operations that rewrite, scan or lock a table
// above Config.LargeTableRows (by pg_class.reltuples) are reported, in SQL and in Apply.
func TestLargeTableWarnings(t *testing.T) {
	t.Parallel()
	tdb := newTestDB(t, "postgres")
	ctx := context.Background()
	base := Migration{Name: "0001_events", Operations: []Operation{
		CreateTable{Name: "events", Columns: []Column{
			{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
			{Name: "kind", Kind: orm.KindString, Size: 20, Nullable: true},
			{Name: "score", Kind: orm.KindInt},
		}},
		CreateTable{Name: "small", Columns: []Column{{Name: "id", Kind: orm.KindInt, PrimaryKey: true}}},
	}}
	change := Migration{Name: "0002_big_changes", Operations: []Operation{
		AlterColumn{Table: "events", Column: Column{Name: "score", Kind: orm.KindFloat}},
		AlterColumn{Table: "events", Column: Column{Name: "kind", Kind: orm.KindString, Size: 20, Default: "'x'"}},
		AddIndex{Table: "events", Name: "events_kind_idx", Columns: []string{"kind"}},
		AddColumn{Table: "events", Column: Column{Name: "small_id", Kind: orm.KindInt, Nullable: true}},
		AddForeignKey{Table: "events", ForeignKey: ForeignKey{Name: "events_small_id_fkey", Columns: []string{"small_id"}, RefTable: "small", RefColumns: []string{"id"}}},
		AddIndex{Table: "small", Name: "small_id_idx", Columns: []string{"id"}},
		// Growing a VARCHAR does not rewrite the table.
		AlterColumn{Table: "events", Column: Column{Name: "kind", Kind: orm.KindString, Size: 40, Default: "'x'"}},
	}}
	m := newMigrator(t, tdb, []Migration{base}, Config{})
	if _, err := m.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	var values []string
	for i := range 200 {
		values = append(values, fmt.Sprintf("('k%d', %d)", i%7, i))
	}
	mustExec(t, tdb, "INSERT INTO events (kind, score) VALUES "+strings.Join(values, ", "), "ANALYZE events")

	m = newMigrator(t, tdb, []Migration{base, change}, Config{LargeTableRows: 100})
	script, err := m.SQL(ctx, change.Name)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range script.Warnings {
		got = append(got, w.Message)
	}
	wants := []string{
		"changing the type of events.score rewrites the table (about 200 rows)",
		"making events.kind NOT NULL scans the table (about 200 rows)",
		"building index events_kind_idx blocks writes to events (about 200 rows)",
		"adding foreign key events_small_id_fkey scans events (about 200 rows)",
	}
	if len(got) != len(wants) {
		t.Fatalf("warnings:\n%s", strings.Join(got, "\n"))
	}
	for i, w := range wants {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("warning %d = %q, want it to start with %q", i, got[i], w)
		}
	}
	rep, err := m.Apply(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != len(wants) || rep.Warnings[0].Migration != change.Name {
		t.Fatalf("Apply warnings: %v", rep.Warnings)
	}
	// A NOT NULL column without a default on a table with rows is flagged (and fails).
	bad := Migration{Name: "0003_not_null", Operations: []Operation{
		AddColumn{Table: "events", Column: Column{Name: "must", Kind: orm.KindInt}},
	}}
	m = newMigrator(t, tdb, []Migration{base, change, bad}, Config{})
	script, err = m.SQL(ctx, bad.Name)
	if err != nil {
		t.Fatal(err)
	}
	if len(script.Warnings) != 1 || !strings.Contains(script.Warnings[0].Message, "fails because the table has rows") {
		t.Fatalf("warnings: %v", script.Warnings)
	}
	if _, err := m.Apply(ctx); err == nil {
		t.Fatal("adding a NOT NULL column without default to a table with rows succeeded")
	}
}
