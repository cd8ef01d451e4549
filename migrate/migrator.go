package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/sinewdev/sinew/orm"
)

// Config tunes a Migrator. The zero value is the default for every field.
type Config struct {
	// Table is the name of the history table. Default "sinew_migrations".
	Table string
	// LockTimeout bounds how long Apply and Rollback wait for another instance that holds
	// the migration lock (or, on SQLite, the write lock). Default 10 minutes.
	LockTimeout time.Duration
	// LargeTableRows is the estimated row count (pg_class.reltuples) above which a
	// PostgreSQL operation that rewrites, scans or locks a table is reported as a warning.
	// Default 100,000.
	LargeTableRows int64
	// StrictChecksums makes Apply fail with ErrModified when an applied migration's
	// operations have changed since. Default false: reported as a warning.
	StrictChecksums bool
	// Logger receives one line per applied or rolled back migration and every warning.
	// Default nil: no logging (the warnings are in the Report either way).
	Logger *slog.Logger
	// Base lists the migrations of other sets that run before this list: a package's
	// tables (auth's users, the session store) that this list's foreign keys may point
	// to. Their schema is the starting point this list folds from; they are neither
	// applied nor recorded by this Migrator (their own Migrator, with its own history
	// table, does that). Default none.
	Base []Migration
}

// Migrator applies and rolls back one ordered list of migrations on one database.
// It is safe for concurrent use, and several processes may run it against the same
// database at once: a lock makes each migration run exactly once.
type Migrator struct {
	db         *sql.DB
	dialect    orm.Dialect
	migrations []Migration
	states     []*Schema // states[i] is the schema before migrations[i]; the last is the final one
	cfg        Config
}

// New returns a Migrator for db, whose engine dialect describes, and the migrations in
// order (typically the generated migrations.All). It checks the names and folds all the
// operations, so a malformed migration fails here, at start-up, with an error naming it.
// It does not touch the database.
func New(db *sql.DB, dialect orm.Dialect, migrations []Migration, cfg Config) (*Migrator, error) {
	if db == nil {
		return nil, errors.New("migrate: New needs a *sql.DB")
	}
	if dialect == nil {
		return nil, errors.New("migrate: New needs an orm.Dialect")
	}
	if !slices.Contains(dialectNames, dialect.Name()) {
		return nil, fmt.Errorf("migrate: unsupported dialect %q (want sqlite, postgres or mysql)", dialect.Name())
	}
	if cfg.Table == "" {
		cfg.Table = "sinew_migrations"
	}
	if err := checkIdent("history table", cfg.Table); err != nil {
		return nil, fmt.Errorf("migrate: Config.Table: %w", err)
	}
	if cfg.LockTimeout <= 0 {
		cfg.LockTimeout = 10 * time.Minute
	}
	if cfg.LargeTableRows <= 0 {
		cfg.LargeTableRows = 100_000
	}
	if err := checkNames(migrations); err != nil {
		return nil, err
	}
	m := &Migrator{db: db, dialect: dialect, migrations: slices.Clone(migrations), cfg: cfg}
	s, err := foldBase(cfg.Base)
	if err != nil {
		return nil, err
	}
	m.states = append(m.states, s)
	for _, mig := range migrations {
		next := s.clone()
		if err := mig.applyTo(next); err != nil {
			return nil, err
		}
		// Catch irreversible operations and bad RunSQL text now rather than mid-rollback:
		// only the lexer can fail here, the inverse itself is computed on demand.
		for i, op := range mig.Operations {
			if r, ok := op.(RunSQL); ok {
				for _, text := range []string{r.Up, r.Down} {
					if _, err := splitSQL(text); err != nil {
						return nil, &OperationError{Migration: mig.Name, Index: i, Op: op.Describe(), Err: err}
					}
				}
			}
		}
		m.states = append(m.states, next)
		s = next
	}
	return m, nil
}

// Schema returns the schema that all the migrations produce.
func (m *Migrator) Schema() *Schema { return m.states[len(m.states)-1].clone() }

// Report says what Apply or Rollback did.
type Report struct {
	// Applied lists the migrations applied (or, for Rollback, rolled back) by this call, in
	// the order it ran them. Migrations another instance applied meanwhile are not listed.
	Applied []string
	// Warnings are things a person should look at: modified or unknown migrations, and
	// operations that rewrite or lock a large PostgreSQL table.
	Warnings []Warning
}

// Warning is something worth a look that does not stop a run.
type Warning struct {
	Migration string // the migration concerned, if any
	Message   string
}

// String returns "migration: message".
func (w Warning) String() string {
	if w.Migration == "" {
		return w.Message
	}
	return w.Migration + ": " + w.Message
}

// MigrationStatus is the state of one migration on the database.
type MigrationStatus struct {
	Name      string
	Applied   bool
	AppliedAt time.Time // zero when not applied
	// Modified: applied, but the operations have changed since (their checksum differs).
	Modified bool
	// Unknown: recorded in the history table but not among the migrations (a migration file
	// that was deleted, or a database migrated by another version of the app).
	Unknown bool
}

// Script is the SQL of one migration on the Migrator's database.
type Script struct {
	Name string
	Up   []string // what Apply runs
	// Down is what Rollback runs; nil with DownErr set when the migration is irreversible.
	Down     []string
	DownErr  error
	Warnings []Warning
}

// index returns the position of the migration named name.
func (m *Migrator) index(name string) int {
	return slices.IndexFunc(m.migrations, func(mig Migration) bool { return mig.Name == name })
}

// session is one connection holding the migration lock.
type session struct {
	m    *Migrator
	conn *sql.Conn
	p    *planner
	rep  *Report
}

func (m *Migrator) logf(level slog.Level, msg string, args ...any) {
	if m.cfg.Logger != nil {
		m.cfg.Logger.Log(context.Background(), level, msg, args...)
	}
}

func (s *session) warn(w Warning) {
	s.rep.Warnings = append(s.rep.Warnings, w)
	s.m.logf(slog.LevelWarn, "migrate: "+w.Message, "migration", w.Migration)
}

// withSession runs fn on a dedicated connection that holds the migration lock, after
// making sure the history table exists.
func (m *Migrator) withSession(ctx context.Context, fn func(*session) error) (*Report, error) {
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: connecting: %w", err)
	}
	defer conn.Close()
	s := &session{m: m, conn: conn, rep: &Report{}}
	if m.dialect.Name() == "sqlite" {
		// Wait for other writers instead of failing with SQLITE_BUSY; restore afterwards.
		old, err := sqlitePragma(ctx, conn, "busy_timeout")
		if err != nil {
			return nil, err
		}
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", m.cfg.LockTimeout.Milliseconds())); err != nil {
			return nil, fmt.Errorf("migrate: setting busy_timeout: %w", err)
		}
		defer func() {
			_, _ = conn.ExecContext(context.Background(), fmt.Sprintf("PRAGMA busy_timeout = %d", old))
		}()
	}
	unlock, err := m.lock(ctx, conn)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := conn.ExecContext(ctx, m.historyDDL()); err != nil {
		return nil, fmt.Errorf("migrate: creating the history table %s: %w", m.cfg.Table, err)
	}
	if s.p, err = newPlanner(conn, m.dialect); err != nil {
		return nil, err
	}
	if err := fn(s); err != nil {
		return s.rep, err
	}
	return s.rep, nil
}

// checkHistory warns about modified, unknown and out-of-order migrations, and returns
// ErrModified under StrictChecksums.
func (s *session) checkHistory(applied map[string]record) error {
	var modified []string
	for _, mig := range s.m.migrations {
		if r, ok := applied[mig.Name]; ok && r.checksum != mig.Checksum() {
			modified = append(modified, mig.Name)
			s.warn(Warning{Migration: mig.Name, Message: "its operations changed after it was applied (checksum differs); the database keeps the old version"})
		}
	}
	var unknown []string
	for name := range applied {
		if s.m.index(name) < 0 {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	for _, name := range unknown {
		s.warn(Warning{Migration: name, Message: "recorded as applied but not among the migrations"})
	}
	if s.m.cfg.StrictChecksums && len(modified) > 0 {
		return fmt.Errorf("%w: %s", ErrModified, strings.Join(modified, ", "))
	}
	return nil
}

// Apply applies the pending migrations in order, each in its own transaction where the
// database allows it, and records each in the history table. It takes the migration lock
// first, so concurrent Apply calls from several instances apply each migration once. On a
// failing statement the failing migration leaves no trace (on MySQL/MariaDB its statements
// already run are undone) and Apply returns an *ExecError naming it; the migrations
// before it stay applied.
func (m *Migrator) Apply(ctx context.Context) (*Report, error) {
	return m.withSession(ctx, func(s *session) error {
		applied, err := m.readHistory(ctx, s.conn)
		if err != nil {
			return err
		}
		if err := s.checkHistory(applied); err != nil {
			return err
		}
		last := -1
		for i, mig := range m.migrations {
			if _, ok := applied[mig.Name]; ok {
				last = i
			}
		}
		for i, mig := range m.migrations {
			if _, ok := applied[mig.Name]; ok {
				continue
			}
			if i < last {
				s.warn(Warning{Migration: mig.Name, Message: "pending although " + m.migrations[last].Name + " after it is applied (merged branches?); applying it now"})
			}
			steps, err := s.p.plan(ctx, mig.Name, m.states[i], mig.Operations)
			if err != nil {
				return err
			}
			warnings, err := s.largeTableWarnings(ctx, mig.Name, m.states[i], mig.Operations)
			if err != nil {
				return err
			}
			for _, w := range warnings {
				s.warn(w)
			}
			ran, err := s.run(ctx, mig.Name, mig.Operations, steps, func(q execQuerier) error { return m.recordApplied(ctx, q, mig) }, true)
			if err != nil {
				return err
			}
			if ran {
				s.rep.Applied = append(s.rep.Applied, mig.Name)
				m.logf(slog.LevelInfo, "migrate: applied "+mig.Name, "statements", len(steps))
			}
		}
		return nil
	})
}

// Rollback undoes the last n applied migrations, newest first, each in its own
// transaction where the database allows it, and removes them from the history table. It
// fails with ErrRollbackRange when n < 1 or fewer than n migrations are applied, and with
// ErrIrreversible (before changing anything) when one of them holds a RunSQL without Down.
func (m *Migrator) Rollback(ctx context.Context, n int) (*Report, error) {
	if n < 1 {
		return nil, fmt.Errorf("%w: asked to roll back %d migrations; give 1 or more", ErrRollbackRange, n)
	}
	return m.withSession(ctx, func(s *session) error {
		applied, err := m.readHistory(ctx, s.conn)
		if err != nil {
			return err
		}
		if err := s.checkHistory(applied); err != nil {
			return err
		}
		var targets []int
		for i := len(m.migrations) - 1; i >= 0 && len(targets) < n; i-- {
			if _, ok := applied[m.migrations[i].Name]; ok {
				targets = append(targets, i)
			}
		}
		if len(targets) < n {
			return fmt.Errorf("%w: asked to roll back %d migrations but only %d are applied", ErrRollbackRange, n, len(targets))
		}
		// Plan every rollback first, so an irreversible one stops the run before any change.
		plans := make([][]step, len(targets))
		downs := make([][]Operation, len(targets))
		for k, i := range targets {
			mig := m.migrations[i]
			if downs[k], err = mig.reverseOps(m.states[i]); err != nil {
				return err
			}
			if plans[k], err = s.p.plan(ctx, mig.Name, m.states[i+1], downs[k]); err != nil {
				return err
			}
		}
		for k, i := range targets {
			mig := m.migrations[i]
			ran, err := s.run(ctx, mig.Name, downs[k], plans[k], func(q execQuerier) error { return m.recordRolledBack(ctx, q, mig) }, false)
			if err != nil {
				return err
			}
			if ran {
				s.rep.Applied = append(s.rep.Applied, mig.Name)
				m.logf(slog.LevelInfo, "migrate: rolled back "+mig.Name, "statements", len(plans[k]))
			}
		}
		return nil
	})
}

// Status returns every migration in order with whether and when it was applied, then the
// applied migrations that are not among the migrations (Unknown). It changes nothing.
func (m *Migrator) Status(ctx context.Context) ([]MigrationStatus, error) {
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: connecting: %w", err)
	}
	defer conn.Close()
	applied := map[string]record{}
	ok, err := m.historyExists(ctx, conn)
	if err != nil {
		return nil, err
	}
	if ok {
		if applied, err = m.readHistory(ctx, conn); err != nil {
			return nil, err
		}
	}
	out := make([]MigrationStatus, 0, len(m.migrations))
	for _, mig := range m.migrations {
		st := MigrationStatus{Name: mig.Name}
		if r, ok := applied[mig.Name]; ok {
			st.Applied, st.AppliedAt, st.Modified = true, r.appliedAt, r.checksum != mig.Checksum()
		}
		out = append(out, st)
	}
	var unknown []MigrationStatus
	for name, r := range applied {
		if m.index(name) < 0 {
			unknown = append(unknown, MigrationStatus{Name: name, Applied: true, AppliedAt: r.appliedAt, Unknown: true})
		}
	}
	slices.SortFunc(unknown, func(a, b MigrationStatus) int { return strings.Compare(a.Name, b.Name) })
	return append(out, unknown...), nil
}

// SQL returns the statements that Apply and Rollback run for the migration named name on
// this database, and the warnings they raise. It changes nothing. An unknown name is
// ErrUnknownMigration.
func (m *Migrator) SQL(ctx context.Context, name string) (*Script, error) {
	i := m.index(name)
	if i < 0 {
		return nil, fmt.Errorf("%w %q", ErrUnknownMigration, name)
	}
	mig := m.migrations[i]
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: connecting: %w", err)
	}
	defer conn.Close()
	p, err := newPlanner(conn, m.dialect)
	if err != nil {
		return nil, err
	}
	s := &session{m: m, conn: conn, p: p, rep: &Report{}}
	up, err := p.plan(ctx, name, m.states[i], mig.Operations)
	if err != nil {
		return nil, err
	}
	script := &Script{Name: name}
	for _, st := range up {
		script.Up = append(script.Up, st.sql)
	}
	if script.Warnings, err = s.largeTableWarnings(ctx, name, m.states[i], mig.Operations); err != nil {
		return nil, err
	}
	down, err := mig.reverseOps(m.states[i])
	if err == nil {
		var steps []step
		if steps, err = p.plan(ctx, name, m.states[i+1], down); err == nil {
			script.Down = []string{}
			for _, st := range steps {
				script.Down = append(script.Down, st.sql)
			}
		}
	}
	script.DownErr = err
	return script, nil
}

// FromORM returns a Migrator for the ORM's database: its writer pool (with SQLite, the
// single connection that writes) and its dialect.
func FromORM(db *orm.DB, migrations []Migration, cfg Config) (*Migrator, error) {
	if db == nil {
		return nil, errors.New("migrate: FromORM needs an *orm.DB")
	}
	return New(db.Writer(), db.Dialect(), migrations, cfg)
}
