package migrate

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sinewdev/sinew/orm"
)

// countedMigrations are six migrations that each record one row in the table runs when
// they apply: a migration applied twice would leave a duplicate row.
func countedMigrations() []Migration {
	ms := []Migration{{Name: "0001_runs", Operations: []Operation{
		CreateTable{Name: "runs", Columns: []Column{
			{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
			{Name: "migration", Kind: orm.KindString, Size: 100},
		}},
		RunSQL{Up: "INSERT INTO runs (migration) VALUES ('0001_runs')", Down: Noop},
	}}}
	for i := 2; i <= 6; i++ {
		name := fmt.Sprintf("%04d_add_c%d", i, i)
		ms = append(ms, Migration{Name: name, Operations: []Operation{
			AddColumn{Table: "runs", Column: Column{Name: fmt.Sprintf("c%d", i), Kind: orm.KindInt, Nullable: true}},
			AddIndex{Table: "runs", Name: fmt.Sprintf("runs_c%d_idx", i), Columns: []string{fmt.Sprintf("c%d", i)}},
			RunSQL{Up: fmt.Sprintf("INSERT INTO runs (migration) VALUES ('%s')", name), Down: Noop},
		}})
	}
	return ms
}

// checkExactlyOnce verifies that every migration ran once in total and is recorded once.
func checkExactlyOnce(t *testing.T, tdb *testDB, ms []Migration, applied [][]string) {
	t.Helper()
	var all []string
	for _, a := range applied {
		all = append(all, a...)
	}
	slices.Sort(all)
	var want []string
	for _, m := range ms {
		want = append(want, m.Name)
	}
	if !slices.Equal(all, want) {
		t.Fatalf("the runs applied %v together, want each of %v once", applied, want)
	}
	rows, err := tdb.db.Query("SELECT migration, COUNT(*) FROM runs GROUP BY migration")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name string
		var c int
		if err := rows.Scan(&name, &c); err != nil {
			t.Fatal(err)
		}
		if c != 1 {
			t.Errorf("migration %s ran %d times", name, c)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(ms) {
		t.Fatalf("%d migrations left a row, want %d", n, len(ms))
	}
	final, _ := SchemaOf(ms)
	assertSchema(t, tdb, final, "after concurrent runs")
}

// TestConcurrentApply starts two Apply calls at once, each on its own connection pool.
func TestConcurrentApply(t *testing.T) {
	t.Parallel()
	ms := countedMigrations()
	forEachDB(t, func(t *testing.T, tdb *testDB) {
		for round := 0; round < 3; round++ {
			if round > 0 {
				// Start over from an empty database.
				m := newMigrator(t, tdb, ms, Config{})
				if _, err := m.Rollback(context.Background(), len(ms)); err != nil {
					t.Fatal(err)
				}
			}
			var (
				wg      sync.WaitGroup
				start   = make(chan struct{})
				applied = make([][]string, 2)
				errs    = make([]error, 2)
			)
			for i := range 2 {
				db, err := openDSN(tdb.name, tdb.dsn)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				m, err := New(db, tdb.dialect, ms, Config{})
				if err != nil {
					t.Fatal(err)
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					rep, err := m.Apply(context.Background())
					if rep != nil {
						applied[i] = rep.Applied
					}
					errs[i] = err
				}()
			}
			close(start)
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			checkExactlyOnce(t, tdb, ms, applied)
		}
	})
}

// TestConcurrentProcesses runs Apply in two processes at once (this test binary, started
// again as TestHelperApplyProcess).
func TestConcurrentProcesses(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts processes; skipped in -short mode")
	}
	ms := countedMigrations()
	forEachDB(t, func(t *testing.T, tdb *testDB) {
		var (
			wg      sync.WaitGroup
			applied = make([][]string, 2)
			errs    = make([]error, 2)
			outs    = make([]string, 2)
		)
		for i := range 2 {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperApplyProcess$", "-test.v")
			cmd.Env = append(os.Environ(), "MIGRATE_HELPER_DIALECT="+tdb.name, "MIGRATE_HELPER_DSN="+tdb.dsn)
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := cmd.CombinedOutput()
				outs[i], errs[i] = string(out), err
				for _, line := range strings.Split(string(out), "\n") {
					if name, ok := strings.CutPrefix(strings.TrimSpace(line), "APPLIED "); ok {
						applied[i] = append(applied[i], name)
					}
				}
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil || !strings.Contains(outs[i], "HELPER DONE") {
				t.Fatalf("process %d: %v\n%s", i, err, outs[i])
			}
		}
		checkExactlyOnce(t, tdb, ms, applied)
	})
}

// TestHelperApplyProcess is the body of the processes TestConcurrentProcesses starts.
func TestHelperApplyProcess(t *testing.T) {
	dialect, dsn := os.Getenv("MIGRATE_HELPER_DIALECT"), os.Getenv("MIGRATE_HELPER_DSN")
	if dialect == "" {
		t.Skip("runs only as a subprocess of TestConcurrentProcesses")
	}
	db, err := openDSN(dialect, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := New(db, newTestDialect(dialect), countedMigrations(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := m.Apply(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range rep.Applied {
		fmt.Println("APPLIED " + name)
	}
	fmt.Println("HELPER DONE")
}
