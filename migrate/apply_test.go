package migrate

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/orm"
)

func newMigrator(t testing.TB, tdb *testDB, ms []Migration, cfg Config) *Migrator {
	t.Helper()
	m, err := New(tdb.db, tdb.dialect, ms, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func mustExec(t testing.TB, tdb *testDB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := tdb.db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func count(t testing.TB, tdb *testDB, query string) int {
	t.Helper()
	var n int
	if err := tdb.db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func appliedNames(t testing.TB, m *Migrator) []string {
	t.Helper()
	st, err := m.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range st {
		if s.Applied {
			out = append(out, s.Name)
		}
	}
	return out
}

// TestApplyAndRollbackSequence applies the seven migrations of the model history one by
// one on each database, inspecting the live schema after each against the models of that
// step, with rows in the tables; then rolls them back one by one, inspecting again.
func TestApplyAndRollbackSequence(t *testing.T) {
	t.Parallel()
	all := makeSequence(t)
	forEachDB(t, func(t *testing.T, tdb *testDB) {
		ctx := context.Background()
		for step := 1; step <= lastStep; step++ {
			m := newMigrator(t, tdb, all[:step], Config{})
			rep, err := m.Apply(ctx)
			if err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
			if len(rep.Applied) != 1 || rep.Applied[0] != all[step-1].Name {
				t.Fatalf("step %d: applied %v", step, rep.Applied)
			}
			want, err := ModelSchema(stepModels(step))
			if err != nil {
				t.Fatal(err)
			}
			assertSchema(t, tdb, want, all[step-1].Name)
			if step == 1 {
				mustExec(t, tdb, seedRows...)
			}
			if n := count(t, tdb, "SELECT COUNT(*) FROM posts"); n != 2 {
				t.Fatalf("step %d: %d posts, want 2", step, n)
			}
		}
		// Data survived the rename and the type change.
		if n := count(t, tdb, "SELECT COUNT(*) FROM users WHERE display_name = 'Bob' AND invited_by_id = 1"); n != 1 {
			t.Fatalf("renamed column lost its data: %d rows", n)
		}
		if n := count(t, tdb, "SELECT COUNT(*) FROM posts WHERE rating = 0 OR rating = 4"); n != 2 {
			t.Fatalf("altered column: %d rows with the expected ratings, want 2", n)
		}
		// Nothing left to do.
		m := newMigrator(t, tdb, all, Config{})
		if rep, err := m.Apply(ctx); err != nil || len(rep.Applied) != 0 {
			t.Fatalf("second Apply: %v, %v", rep, err)
		}
		// Rolling back a dropped NOT NULL column cannot invent values: empty the tables.
		mustExec(t, tdb, "DELETE FROM posts", "DELETE FROM users WHERE invited_by_id IS NOT NULL", "DELETE FROM users")
		for step := lastStep; step >= 1; step-- {
			rep, err := m.Rollback(ctx, 1)
			if err != nil {
				t.Fatalf("rollback of step %d: %v", step, err)
			}
			if len(rep.Applied) != 1 || rep.Applied[0] != all[step-1].Name {
				t.Fatalf("rollback of step %d: rolled back %v", step, rep.Applied)
			}
			want := &Schema{}
			if step > 1 {
				if want, err = ModelSchema(stepModels(step - 1)); err != nil {
					t.Fatal(err)
				}
			}
			assertSchema(t, tdb, want, "after rolling back "+all[step-1].Name)
		}
		if got := appliedNames(t, m); len(got) != 0 {
			t.Fatalf("still applied after rolling everything back: %v", got)
		}
		// And everything applies again in one go.
		if rep, err := m.Apply(ctx); err != nil || len(rep.Applied) != lastStep {
			t.Fatalf("re-apply: %v, %v", rep, err)
		}
		want, _ := ModelSchema(stepModels(lastStep))
		assertSchema(t, tdb, want, "after re-applying everything")
		// Rollback of several at once.
		if rep, err := m.Rollback(ctx, 3); err != nil || len(rep.Applied) != 3 {
			t.Fatalf("rollback 3: %v, %v", rep, err)
		}
		want, _ = ModelSchema(stepModels(lastStep - 3))
		assertSchema(t, tdb, want, "after rolling back three")
	})
}

// failing returns a first migration and a second one whose RunSQL in the middle is
// invalid, after statements that changed the schema and data.
func failing() []Migration {
	return []Migration{
		{Name: "0001_base", Operations: []Operation{
			CreateTable{Name: "items", Columns: []Column{
				{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
				{Name: "label", Kind: orm.KindString, Size: 50},
			}},
			RunSQL{Up: "INSERT INTO items (label) VALUES ('one')", Down: Noop},
		}},
		{Name: "0002_broken", Operations: []Operation{
			AddColumn{Table: "items", Column: Column{Name: "price", Kind: orm.KindInt, Nullable: true}},
			CreateTable{Name: "orders", Columns: []Column{
				{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
				{Name: "item_id", Kind: orm.KindInt},
			}, Indexes: []Index{{Name: "orders_item_id_idx", Columns: []string{"item_id"}}},
				ForeignKeys: []ForeignKey{{Name: "orders_item_id_fkey", Columns: []string{"item_id"}, RefTable: "items", RefColumns: []string{"id"}}}},
			AlterColumn{Table: "items", Column: Column{Name: "label", Kind: orm.KindString, Size: 80}},
			RunSQL{Up: "UPDATE items SET price = 3; THIS IS NOT SQL", Down: Noop},
			AddIndex{Table: "items", Name: "items_price_idx", Columns: []string{"price"}},
		}},
	}
}

// TestFailingMigrationLeavesNoTrace: a migration that fails halfway leaves the schema, the
// data and the history as they were before it, on every database.
func TestFailingMigrationLeavesNoTrace(t *testing.T) {
	t.Parallel()
	ms := failing()
	forEachDB(t, func(t *testing.T, tdb *testDB) {
		ctx := context.Background()
		m := newMigrator(t, tdb, ms, Config{})
		_, err := m.Apply(ctx)
		var ee *ExecError
		if !errors.As(err, &ee) {
			t.Fatalf("got %v, want an *ExecError", err)
		}
		if ee.Migration != "0002_broken" || !strings.Contains(ee.Statement, "THIS IS NOT SQL") || ee.UndoErr != nil {
			t.Fatalf("error %+v does not name the migration and statement, or the undo failed", ee)
		}
		if msg := err.Error(); !strings.Contains(msg, "0002_broken") || !strings.Contains(msg, "THIS IS NOT SQL") {
			t.Fatalf("message %q does not name the migration and the statement", msg)
		}
		before, err := SchemaOf(ms[:1])
		if err != nil {
			t.Fatal(err)
		}
		assertSchema(t, tdb, before, "after the failure")
		if got := appliedNames(t, m); len(got) != 1 || got[0] != "0001_base" {
			t.Fatalf("history after the failure: %v", got)
		}
		if n := count(t, tdb, "SELECT COUNT(*) FROM items WHERE label = 'one'"); n != 1 {
			t.Fatalf("data changed: %d rows", n)
		}
		// Fixing the migration lets it apply.
		fixed := failing()
		fixed[1].Operations[3] = RunSQL{Up: "UPDATE items SET price = 3", Down: Noop}
		m = newMigrator(t, tdb, fixed, Config{})
		if rep, err := m.Apply(ctx); err != nil || len(rep.Applied) != 1 {
			t.Fatalf("fixed: %v, %v", rep, err)
		}
		after, _ := SchemaOf(fixed)
		assertSchema(t, tdb, after, "after the fix")
		if n := count(t, tdb, "SELECT COUNT(*) FROM items WHERE price = 3"); n != 1 {
			t.Fatalf("data migration: %d rows", n)
		}
	})
}

func TestIrreversibleRollbackChangesNothing(t *testing.T) {
	t.Parallel()
	ms := []Migration{
		{Name: "0001_a", Operations: []Operation{CreateTable{Name: "a", Columns: []Column{{Name: "id", Kind: orm.KindInt, PrimaryKey: true}}}}},
		{Name: "0002_b", Operations: []Operation{
			AddColumn{Table: "a", Column: Column{Name: "x", Kind: orm.KindInt, Nullable: true}},
			RunSQL{Up: "UPDATE a SET x = 1"},
		}},
	}
	forEachDB(t, func(t *testing.T, tdb *testDB) {
		ctx := context.Background()
		m := newMigrator(t, tdb, ms, Config{})
		if _, err := m.Apply(ctx); err != nil {
			t.Fatal(err)
		}
		_, err := m.Rollback(ctx, 2)
		if !errors.Is(err, ErrIrreversible) || !strings.Contains(err.Error(), "0002_b") {
			t.Fatalf("got %v, want ErrIrreversible naming 0002_b", err)
		}
		if got := appliedNames(t, m); len(got) != 2 {
			t.Fatalf("history changed: %v", got)
		}
		s, _ := SchemaOf(ms)
		assertSchema(t, tdb, s, "after the refused rollback")
	})
}

func TestRunnerBadInput(t *testing.T) {
	t.Parallel()
	all := makeSequence(t)[:2]
	forEachDB(t, func(t *testing.T, tdb *testDB) {
		ctx := context.Background()
		m := newMigrator(t, tdb, all, Config{})
		// Nothing applied yet: any rollback is out of range.
		if _, err := m.Rollback(ctx, 1); !errors.Is(err, ErrRollbackRange) {
			t.Fatalf("rollback with nothing applied: %v", err)
		}
		if _, err := m.Apply(ctx); err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{0, -1, 3, 1 << 30} {
			if _, err := m.Rollback(ctx, n); !errors.Is(err, ErrRollbackRange) {
				t.Errorf("Rollback(%d): %v, want ErrRollbackRange", n, err)
			}
		}
		for _, name := range []string{"", "0009_nope", "0001_initial'; DROP TABLE users; --"} {
			if _, err := m.SQL(ctx, name); !errors.Is(err, ErrUnknownMigration) {
				t.Errorf("SQL(%q): %v, want ErrUnknownMigration", name, err)
			}
		}
		if got := appliedNames(t, m); len(got) != 2 {
			t.Fatalf("bad input changed the history: %v", got)
		}
	})
}

func TestSQLScript(t *testing.T) {
	t.Parallel()
	all := makeSequence(t)
	forEachDB(t, func(t *testing.T, tdb *testDB) {
		ctx := context.Background()
		m := newMigrator(t, tdb, all, Config{})
		s, err := m.SQL(ctx, "0002_add_posts_slug")
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Up) != 1 || !strings.Contains(s.Up[0], "ADD COLUMN") || !strings.Contains(s.Up[0], "slug") {
			t.Errorf("up: %q", s.Up)
		}
		if s.DownErr != nil || len(s.Down) == 0 || !strings.Contains(strings.Join(s.Down, ";"), "DROP") {
			t.Errorf("down: %q, %v", s.Down, s.DownErr)
		}
		s, err = m.SQL(ctx, "0004_alter_posts_rating")
		if err != nil {
			t.Fatal(err)
		}
		joined := strings.Join(s.Up, ";\n")
		switch tdb.name {
		case "sqlite":
			// SQLite rebuilds the table, copying rows with the default for NULLs.
			if !strings.Contains(joined, "new_posts") || !strings.Contains(joined, "IFNULL") {
				t.Errorf("sqlite: no table rebuild in %s", joined)
			}
		default:
			if !strings.Contains(joined, "UPDATE") || !strings.Contains(joined, "IS NULL") {
				t.Errorf("%s: no backfill of NULLs in %s", tdb.name, joined)
			}
		}
		if got := appliedNames(t, m); len(got) != 0 {
			t.Fatalf("SQL applied something: %v", got)
		}
	})
}

func TestModifiedAndUnknownMigrations(t *testing.T) {
	t.Parallel()
	all := makeSequence(t)[:3]
	forEachDB(t, func(t *testing.T, tdb *testDB) {
		ctx := context.Background()
		if _, err := newMigrator(t, tdb, all, Config{}).Apply(ctx); err != nil {
			t.Fatal(err)
		}
		// Edit migration 2 after it was applied, and forget migration 3.
		edited := []Migration{all[0], {Name: all[1].Name, Operations: []Operation{
			AddColumn{Table: "posts", Column: Column{Name: "slug", Kind: orm.KindString, Size: 120, Nullable: true}},
		}}}
		m := newMigrator(t, tdb, edited, Config{})
		st, err := m.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(st) != 3 || !st[1].Modified || st[0].Modified || !st[2].Unknown || st[2].Name != all[2].Name {
			t.Fatalf("status: %+v", st)
		}
		rep, err := m.Apply(ctx)
		if err != nil {
			t.Fatal(err)
		}
		w := ""
		for _, x := range rep.Warnings {
			w += x.String() + "\n"
		}
		if !strings.Contains(w, all[1].Name+": its operations changed") || !strings.Contains(w, all[2].Name+": recorded as applied but not among") {
			t.Fatalf("warnings: %s", w)
		}
		strict := newMigrator(t, tdb, edited, Config{StrictChecksums: true})
		if _, err := strict.Apply(ctx); !errors.Is(err, ErrModified) {
			t.Fatalf("strict: %v, want ErrModified", err)
		}
	})
}

// TestAddNotNullColumn: a NOT NULL column without a default can be added to an empty table
// everywhere (SQLite refuses ALTER TABLE ADD COLUMN for it, so the table is rebuilt), and
// fails cleanly on PostgreSQL and SQLite when rows would be left without a value.
func TestAddNotNullColumn(t *testing.T) {
	t.Parallel()
	base := Migration{Name: "0001_t", Operations: []Operation{CreateTable{Name: "t", Columns: []Column{
		{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
		{Name: "a", Kind: orm.KindInt},
	}}}}
	add := func(name, col string) Migration {
		return Migration{Name: name, Operations: []Operation{AddColumn{Table: "t", Column: Column{Name: col, Kind: orm.KindString, Size: 10}}}}
	}
	forEachDB(t, func(t *testing.T, tdb *testDB) {
		ctx := context.Background()
		ms := []Migration{base, add("0002_b", "b")}
		if _, err := newMigrator(t, tdb, ms, Config{}).Apply(ctx); err != nil {
			t.Fatal(err)
		}
		s, _ := SchemaOf(ms)
		assertSchema(t, tdb, s, "after adding to an empty table")
		if tdb.name == "mysql" {
			return // MySQL fills NOT NULL columns with an implicit default instead of failing
		}
		mustExec(t, tdb, "INSERT INTO t (a, b) VALUES (1, 'x')")
		ms = append(ms, add("0003_c", "c"))
		if _, err := newMigrator(t, tdb, ms, Config{}).Apply(ctx); err == nil {
			t.Fatal("adding a NOT NULL column without default to a table with rows succeeded")
		}
		assertSchema(t, tdb, s, "after the refused addition")
		if n := count(t, tdb, "SELECT COUNT(*) FROM t"); n != 1 {
			t.Fatalf("%d rows", n)
		}
	})
}
