package orm

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrNotFound is returned when a query for one row (Get, First, Save, Delete of a single
// object) matches none. Its StatusCode is 404.
var ErrNotFound error = &statusError{msg: "orm: not found", status: http.StatusNotFound}

// ErrNoDB is returned when a query runs with a context that carries no *DB: put one there
// with WithDB (the web layer does it for every request) or open a transaction with DB.Tx.
var ErrNoDB = errors.New("orm: no database in context (use orm.WithDB or DB.Tx)")

// ErrNotRegistered is wrapped by the errors returned for a type that is not a registered
// model. Register every model once at start-up.
var ErrNotRegistered = errors.New("model not registered")

type statusError struct {
	msg    string
	status int
}

// Error describes the problem.
func (e *statusError) Error() string { return e.msg }

// StatusCode is the HTTP status the web layer answers with.
func (e *statusError) StatusCode() int { return e.status }

// ModelError is a problem found while registering a model: an unknown tag option, a bad
// option value, an unsupported field type, or a reference to a model that is not registered.
type ModelError struct {
	Model  string // the model's Go type name
	Field  string // the Go field name, "" for a problem with the whole model
	Option string // the tag option involved, if any
	Reason string
}

// Error describes the problem.
func (e *ModelError) Error() string {
	var b strings.Builder
	b.WriteString("orm: ")
	b.WriteString(e.Model)
	if e.Field != "" {
		b.WriteByte('.')
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

// FieldError reports a field name that the model does not have, or a lookup or ordering
// that it does not allow, typically from user input (a filter or sort parameter). Its
// StatusCode is 400.
type FieldError struct {
	Model  string // the model name
	Field  string // the name as given
	Reason string
}

// Error describes the problem.
func (e *FieldError) Error() string {
	return fmt.Sprintf("orm: %s: field %q: %s", e.Model, e.Field, e.Reason)
}

// StatusCode is 400 Bad Request.
func (e *FieldError) StatusCode() int { return http.StatusBadRequest }

// ValueError reports a value the field cannot hold: a string longer than the column, a
// value outside the field's choices, a malformed decimal, date or UUID. Nothing is written.
// Its StatusCode is 422.
type ValueError struct {
	Model  string // the model name
	Field  string // the Go field name
	Column string
	Reason string
}

// Error describes the problem.
func (e *ValueError) Error() string {
	return fmt.Sprintf("orm: %s.%s: %s", e.Model, e.Field, e.Reason)
}

// StatusCode is 422 Unprocessable Content.
func (e *ValueError) StatusCode() int { return http.StatusUnprocessableEntity }

// UniqueViolation is returned when a write would duplicate a value of a unique column or
// primary key. Columns names the columns of the violated constraint. Its StatusCode is 409.
type UniqueViolation struct {
	Table      string
	Columns    []string
	Constraint string // the constraint or index name, when the database reports it
	Err        error  // the driver's error
}

// Error describes the problem.
func (e *UniqueViolation) Error() string {
	return "orm: unique violation on " + describe(e.Table, e.Columns, e.Constraint)
}

// Unwrap returns the driver's error.
func (e *UniqueViolation) Unwrap() error { return e.Err }

// StatusCode is 409 Conflict.
func (e *UniqueViolation) StatusCode() int { return http.StatusConflict }

// ForeignKeyViolation is returned when a write references a row that does not exist, or a
// delete would leave rows referencing the deleted one. Table and Columns name the
// referencing side (the table holding the foreign key). Its StatusCode is 409.
type ForeignKeyViolation struct {
	Table      string
	Columns    []string
	Constraint string
	Err        error
}

// Error describes the problem.
func (e *ForeignKeyViolation) Error() string {
	return "orm: foreign key violation on " + describe(e.Table, e.Columns, e.Constraint)
}

// Unwrap returns the driver's error.
func (e *ForeignKeyViolation) Unwrap() error { return e.Err }

// StatusCode is 409 Conflict.
func (e *ForeignKeyViolation) StatusCode() int { return http.StatusConflict }

// NotNullViolation is returned when a write leaves a NOT NULL column without a value. Its
// StatusCode is 422.
type NotNullViolation struct {
	Table  string
	Column string
	Err    error
}

// Error describes the problem.
func (e *NotNullViolation) Error() string {
	return "orm: not-null violation on " + describe(e.Table, []string{e.Column}, "")
}

// Unwrap returns the driver's error.
func (e *NotNullViolation) Unwrap() error { return e.Err }

// StatusCode is 422 Unprocessable Content.
func (e *NotNullViolation) StatusCode() int { return http.StatusUnprocessableEntity }

// CheckViolation is returned when a write fails a CHECK constraint. Column is filled when
// the constraint follows the <table>_<column>_check naming convention. Its StatusCode is 422.
type CheckViolation struct {
	Table      string
	Column     string
	Constraint string
	Err        error
}

// Error describes the problem.
func (e *CheckViolation) Error() string {
	var cols []string
	if e.Column != "" {
		cols = []string{e.Column}
	}
	return "orm: check violation on " + describe(e.Table, cols, e.Constraint)
}

// Unwrap returns the driver's error.
func (e *CheckViolation) Unwrap() error { return e.Err }

// StatusCode is 422 Unprocessable Content.
func (e *CheckViolation) StatusCode() int { return http.StatusUnprocessableEntity }

func describe(table string, cols []string, constraint string) string {
	var b strings.Builder
	if table == "" {
		table = "?"
	}
	b.WriteString(table)
	if len(cols) > 0 {
		b.WriteByte('(')
		b.WriteString(strings.Join(cols, ", "))
		b.WriteByte(')')
	}
	if constraint != "" {
		b.WriteString(" [")
		b.WriteString(constraint)
		b.WriteByte(']')
	}
	return b.String()
}
