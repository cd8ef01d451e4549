package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sinewdev/sinew/orm"
)

// run executes the steps of one migration (or of its rollback, when up is false) and
// records it with record, atomically where the database allows. It returns false when the
// migration was already in the wanted state, because another instance got there first.
func (s *session) run(ctx context.Context, name string, ops []Operation, steps []step, record func(execQuerier) error, up bool) (bool, error) {
	switch s.m.dialect.Name() {
	case "sqlite":
		return s.runSQLite(ctx, name, ops, steps, record, up)
	case "postgres":
		return s.runTx(ctx, name, ops, steps, record, up)
	}
	return s.runMySQL(ctx, name, ops, steps, record, up)
}

func execError(name string, ops []Operation, st step, err error) *ExecError {
	e := &ExecError{Migration: name, Statement: st.sql, Err: err}
	if st.op >= 0 && st.op < len(ops) {
		e.Op = ops[st.op].Describe()
	}
	return e
}

// runTx runs the migration in one transaction: PostgreSQL's DDL is transactional.
func (s *session) runTx(ctx context.Context, name string, ops []Operation, steps []step, record func(execQuerier) error, up bool) (bool, error) {
	tx, err := s.conn.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrate: %s: starting a transaction: %w", name, err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op after Commit
	done, err := s.m.isApplied(ctx, tx, name)
	if err != nil {
		return false, err
	}
	if done == up {
		return false, nil
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.sql); err != nil {
			return false, execError(name, ops, st, err)
		}
	}
	if err := record(tx); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migrate: %s: commit: %w", name, err)
	}
	return true, nil
}

// runSQLite runs the migration in a BEGIN IMMEDIATE transaction, which takes SQLite's write
// lock before the history is checked, so that two processes cannot both apply it. Foreign
// key enforcement is turned off around the transaction (SQLite ignores the pragma inside
// one) because rebuilding a table drops and recreates it under references; the foreign
// keys are checked with PRAGMA foreign_key_check before committing instead.
func (s *session) runSQLite(ctx context.Context, name string, ops []Operation, steps []step, record func(execQuerier) error, up bool) (ran bool, err error) {
	conn := s.conn
	fk, err := sqlitePragma(ctx, conn, "foreign_keys")
	if err != nil {
		return false, err
	}
	if fk == 1 {
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return false, fmt.Errorf("migrate: %s: PRAGMA foreign_keys: %w", name, err)
		}
		defer func() {
			if _, ferr := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON"); ferr != nil && err == nil {
				err = fmt.Errorf("migrate: %s: turning foreign keys back on: %w", name, ferr)
			}
		}()
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return false, fmt.Errorf("migrate: %s: taking the SQLite write lock: %w", name, err)
	}
	committed := false
	defer func() {
		if !committed {
			// Some errors end the transaction by themselves; ROLLBACK then fails harmlessly.
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	done, err := s.m.isApplied(ctx, conn, name)
	if err != nil {
		return false, err
	}
	if done == up {
		return false, nil
	}
	for _, st := range steps {
		if _, err := conn.ExecContext(ctx, st.sql); err != nil {
			return false, execError(name, ops, st, err)
		}
	}
	if fk == 1 {
		v, err := foreignKeyViolations(ctx, conn)
		if err != nil {
			return false, err
		}
		if v != "" {
			return false, &ExecError{Migration: name, Err: fmt.Errorf("foreign key check failed: %s", v)}
		}
	}
	if err := record(conn); err != nil {
		return false, err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return false, fmt.Errorf("migrate: %s: commit: %w", name, err)
	}
	committed = true
	return true, nil
}

// runMySQL runs the statements one by one: MySQL and MariaDB commit every DDL statement at
// once, so a failure is answered by running the inverse of the statements already run, in
// reverse order, before the history is touched. The statements of a RunSQL run in a
// transaction of their own, so that a failure among them rolls back their data changes
// (DDL inside a RunSQL still commits at once: keep such scripts to one statement).
func (s *session) runMySQL(ctx context.Context, name string, ops []Operation, steps []step, record func(execQuerier) error, up bool) (bool, error) {
	done, err := s.m.isApplied(ctx, s.conn, name)
	if err != nil {
		return false, err
	}
	if done == up {
		return false, nil
	}
	inTx, txStart := false, 0
	fail := func(i int, err error) (bool, error) {
		e := execError(name, ops, steps[min(i, len(steps)-1)], err)
		ran := i
		if inTx {
			if _, rerr := s.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr == nil {
				ran = txStart // the script's statements were rolled back
			}
		}
		e.UndoErr = s.undo(ctx, steps, ran)
		return false, e
	}
	for i, st := range steps {
		if st.script && !inTx {
			if _, err := s.conn.ExecContext(ctx, "START TRANSACTION"); err != nil {
				return fail(i, err)
			}
			inTx, txStart = true, i
		}
		if _, err := s.conn.ExecContext(ctx, st.sql); err != nil {
			return fail(i, err)
		}
		if inTx && (i+1 == len(steps) || steps[i+1].op != st.op) {
			if _, err := s.conn.ExecContext(ctx, "COMMIT"); err != nil {
				return fail(i, err)
			}
			inTx = false
		}
	}
	if err := record(s.conn); err != nil {
		if uerr := s.undo(ctx, steps, len(steps)); uerr != nil {
			return false, fmt.Errorf("%w; undoing the migration's statements failed too, check the schema by hand: %v", err, uerr)
		}
		return false, err
	}
	return true, nil
}

// undo runs the inverses of steps[:n], newest first, on a context that ignores
// cancellation: a half-applied migration is worse than a late return.
func (s *session) undo(ctx context.Context, steps []step, n int) error {
	ctx = context.WithoutCancel(ctx)
	last := map[int]int{} // operation → index of its last step
	for i, st := range steps {
		last[st.op] = i
	}
	for j := n - 1; j >= 0; j-- {
		st := steps[j]
		if st.covered {
			if last[st.op] < n {
				continue // the operation completed; its last step's undo covers this one
			}
			return fmt.Errorf("cannot undo the partly run RunSQL statement %q", oneLine(st.sql, 120))
		}
		if !st.undoable {
			return fmt.Errorf("cannot undo %q: no inverse is known", oneLine(st.sql, 120))
		}
		for _, u := range st.undo {
			if _, err := s.conn.ExecContext(ctx, u); err != nil {
				return fmt.Errorf("undoing %q with %q: %w", oneLine(st.sql, 120), oneLine(u, 120), err)
			}
		}
	}
	return nil
}

// largeTableWarnings reports, on PostgreSQL, the operations that rewrite, scan or lock a
// table whose estimated size (pg_class.reltuples) is above Config.LargeTableRows, and
// NOT NULL columns added without a default to a table that has rows.
func (s *session) largeTableWarnings(ctx context.Context, name string, before *Schema, ops []Operation) ([]Warning, error) {
	if s.m.dialect.Name() != "postgres" {
		return nil, nil
	}
	cur := before.clone()
	sizes := map[string]float64{}
	size := func(table string) (float64, error) {
		if n, ok := sizes[table]; ok {
			return n, nil
		}
		var n sql.NullFloat64
		err := s.conn.QueryRowContext(ctx, `SELECT c.reltuples FROM pg_catalog.pg_class c
			JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relname = $1 AND c.relkind IN ('r', 'p')`, table).Scan(&n)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("migrate: estimating the size of %s: %w", table, err)
		}
		sizes[table] = n.Float64
		return n.Float64, nil
	}
	var out []Warning
	limit := float64(s.m.cfg.LargeTableRows)
	for _, op := range ops {
		var table, msg string
		switch op := op.(type) {
		case AlterColumn:
			old := cur.Table(op.Table).Column(op.Column.Name)
			grows := op.Column.Kind == orm.KindString && old.Kind == orm.KindString && op.Column.Size > old.Size
			switch {
			case (old.Kind != op.Column.Kind || old.Size != op.Column.Size || old.Scale != op.Column.Scale) && !grows:
				table, msg = op.Table, fmt.Sprintf("changing the type of %s.%s rewrites the table (about %%.0f rows) under an ACCESS EXCLUSIVE lock", op.Table, op.Column.Name)
			case old.Nullable && !op.Column.Nullable:
				table, msg = op.Table, fmt.Sprintf("making %s.%s NOT NULL scans the table (about %%.0f rows) under an ACCESS EXCLUSIVE lock", op.Table, op.Column.Name)
			}
		case AddIndex:
			table, msg = op.Table, fmt.Sprintf("building index %s blocks writes to %s (about %%.0f rows) until it is done; for a big table create it CONCURRENTLY outside the migration", op.Name, op.Table)
		case AddForeignKey:
			table, msg = op.Table, fmt.Sprintf("adding foreign key %s scans %s (about %%.0f rows) while blocking writes", op.Name, op.Table)
		case AddColumn:
			if !op.Column.Nullable && op.Column.Default == "" {
				var rows bool
				err := s.conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+s.m.dialect.Quote(op.Table)+")").Scan(&rows)
				if err == nil && rows {
					out = append(out, Warning{Migration: name, Message: fmt.Sprintf(
						"adding NOT NULL column %s.%s without a default fails because the table has rows; add a default, or add it nullable and backfill", op.Table, op.Column.Name)})
				}
			}
		}
		if msg != "" && cur.Table(table) != nil {
			n, err := size(table)
			if err != nil {
				return nil, err
			}
			if n > limit {
				out = append(out, Warning{Migration: name, Message: fmt.Sprintf(msg, n)})
			}
		}
		if err := op.apply(cur); err != nil {
			return nil, &OperationError{Migration: name, Op: op.Describe(), Err: err}
		}
	}
	return out, nil
}
