package migrate

import (
	"errors"
	"fmt"
	"strings"
)

// Errors callers can branch on with errors.Is.
var (
	// ErrUnknownMigration: a name given to SQL, Command or the history table is not one of the
	// migrations.
	ErrUnknownMigration = errors.New("migrate: unknown migration")
	// ErrRollbackRange: Rollback was asked for fewer than one, or more migrations than are applied.
	ErrRollbackRange = errors.New("migrate: rollback count out of range")
	// ErrInvalidName: a migration name does not have the form NNNN_label.
	ErrInvalidName = errors.New("migrate: invalid migration name")
	// ErrLockTimeout: another instance held the migration lock for longer than Config.LockTimeout.
	ErrLockTimeout = errors.New("migrate: timed out waiting for the migration lock")
	// ErrModified: an applied migration's operations changed since it was applied (returned by
	// Apply only with Config.StrictChecksums; reported as a warning otherwise).
	ErrModified = errors.New("migrate: applied migration was modified")
	// ErrPendingChanges: makemigrations --check found model changes without a migration.
	ErrPendingChanges = errors.New("migrate: models have changes without a migration")
	// ErrUsage: a command line was malformed (unknown subcommand, bad flag or argument).
	ErrUsage = errors.New("migrate: usage")
)

// OperationError reports an operation that does not fit the schema state before it, such
// as adding a column that exists or indexing a column that does not.
type OperationError struct {
	Migration string // the migration's name
	Index     int    // the operation's position in the migration, from 0
	Op        string // the operation's description
	Err       error
}

// Error implements error.
func (e *OperationError) Error() string {
	if e.Op == "" {
		return fmt.Sprintf("migrate: migration %s, operation %d: %v", e.Migration, e.Index+1, e.Err)
	}
	return fmt.Sprintf("migrate: migration %s, operation %d (%s): %v", e.Migration, e.Index+1, e.Op, e.Err)
}

// Unwrap returns the underlying error.
func (e *OperationError) Unwrap() error { return e.Err }

// ExecError reports a statement the database refused while applying or rolling back a
// migration. The migration's transaction was rolled back (on MySQL/MariaDB, whose DDL
// commits at once, the statements already run were undone by their inverses; UndoErr says
// when that failed too and the database needs a manual look).
type ExecError struct {
	Migration string // the migration's name
	Op        string // the operation's description
	Statement string // the SQL that failed
	Err       error  // the database's error
	UndoErr   error  // MySQL only: the error undoing the statements already run, if any
}

// Error implements error.
func (e *ExecError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "migrate: migration %s", e.Migration)
	if e.Op != "" {
		fmt.Fprintf(&b, " (%s)", e.Op)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	if e.Statement != "" {
		fmt.Fprintf(&b, "\n\tstatement: %s", oneLine(e.Statement, 300))
	}
	if e.UndoErr != nil {
		fmt.Fprintf(&b, "\n\tundoing the statements already run failed too, check the schema by hand: %v", e.UndoErr)
	}
	return b.String()
}

// Unwrap returns the database's error.
func (e *ExecError) Unwrap() error { return e.Err }

// oneLine squeezes whitespace and cuts s to at most n bytes, for error messages.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n-3] + "..."
	}
	return s
}
