package migrate

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Migration is one named step of schema changes. Migration files in an app's migrations
// package each declare one, and the generated migrations.go lists them in order.
type Migration struct {
	// Name identifies the migration in the history table: a number and a label, such as
	// "0002_add_posts_slug" (see ParseName).
	Name string
	// Operations are applied in order, in one transaction where the database allows it.
	Operations []Operation
}

// Operation is one declarative schema change. The operations are the types of this
// package (CreateTable, AddColumn, ..., RunSQL); each knows how it changes the
// dialect-neutral Schema and how to undo itself.
type Operation interface {
	// Describe returns a short human description, such as "add column posts.slug".
	Describe() string

	apply(s *Schema) error
	// reverse returns the operations that undo this one, given the schema before it.
	reverse(before *Schema) ([]Operation, error)
}

// ErrIrreversible is returned when rolling back a migration that holds an operation which
// cannot be undone: a RunSQL without Down.
var ErrIrreversible = errors.New("migrate: operation cannot be reversed")

// Noop is a RunSQL.Down (or Up) that runs nothing: a data migration whose rollback needs no
// SQL says so explicitly with Down: migrate.Noop.
const Noop = "-- noop"

// CreateTable creates a table with its columns, indexes and foreign keys.
type CreateTable Table

// DropTable drops a table. Foreign keys of other tables that reference it must be dropped
// first (makemigrations orders them so).
type DropTable struct {
	Name string
}

// RenameTable renames a table.
type RenameTable struct {
	From, To string
}

// AddColumn adds a column to a table. Adding a NOT NULL column without a default fails on a
// table that has rows.
type AddColumn struct {
	Table  string
	Column Column
}

// DropColumn drops a column. Indexes and foreign keys using it must be dropped first.
type DropColumn struct {
	Table, Name string
}

// RenameColumn renames a column. makemigrations never guesses renames: they are declared
// with the tag `orm:"renamed_from=old"` or MakeConfig.Renames.
type RenameColumn struct {
	Table, From, To string
}

// AlterColumn changes the type, size, nullability or default of a column: Column is the
// new definition of the column with the same name. SQLite rebuilds the table to do it.
type AlterColumn struct {
	Table  string
	Column Column
}

// AddIndex adds an index, or a unique constraint when Unique is set.
type AddIndex struct {
	Table   string
	Name    string
	Columns []string
	Unique  bool
}

// DropIndex drops an index or unique constraint.
type DropIndex struct {
	Table, Name string
}

// AddForeignKey adds a foreign key constraint. SQLite rebuilds the table to do it.
type AddForeignKey struct {
	Table string
	ForeignKey
}

// DropForeignKey drops a foreign key constraint.
type DropForeignKey struct {
	Table, Name string
}

// RunSQL runs hand-written SQL, typically a data migration. Up and Down may hold several
// statements separated by semicolons. Down undoes Up on rollback: an empty Down makes the
// migration irreversible, Noop makes rollback skip it. RunSQL does not change the schema
// state that makemigrations compares with the models, so use it for data, not DDL.
type RunSQL struct {
	Up   string
	Down string
	// Dialect restricts the operation to one database: "sqlite", "postgres" or "mysql".
	// Empty runs it on all of them.
	Dialect string
}

// Describe implements Operation.
func (op CreateTable) Describe() string { return "create table " + op.Name }

// Describe implements Operation.
func (op DropTable) Describe() string { return "drop table " + op.Name }

// Describe implements Operation.
func (op RenameTable) Describe() string { return "rename table " + op.From + " to " + op.To }

// Describe implements Operation.
func (op AddColumn) Describe() string { return "add column " + op.Table + "." + op.Column.Name }

// Describe implements Operation.
func (op DropColumn) Describe() string { return "drop column " + op.Table + "." + op.Name }

// Describe implements Operation.
func (op RenameColumn) Describe() string {
	return "rename column " + op.Table + "." + op.From + " to " + op.To
}

// Describe implements Operation.
func (op AlterColumn) Describe() string { return "alter column " + op.Table + "." + op.Column.Name }

// Describe implements Operation.
func (op AddIndex) Describe() string {
	kind := "index"
	if op.Unique {
		kind = "unique index"
	}
	return "add " + kind + " " + op.Name + " on " + op.Table + " (" + strings.Join(op.Columns, ", ") + ")"
}

// Describe implements Operation.
func (op DropIndex) Describe() string { return "drop index " + op.Name + " on " + op.Table }

// Describe implements Operation.
func (op AddForeignKey) Describe() string {
	return "add foreign key " + op.Name + " on " + op.Table + " (" + strings.Join(op.Columns, ", ") + ") to " + op.RefTable
}

// Describe implements Operation.
func (op DropForeignKey) Describe() string { return "drop foreign key " + op.Name + " on " + op.Table }

// Describe implements Operation.
func (op RunSQL) Describe() string {
	s := strings.Join(strings.Fields(op.Up), " ")
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	if op.Dialect != "" {
		return "run SQL on " + op.Dialect + ": " + s
	}
	return "run SQL: " + s
}

func tableOf(s *Schema, name string) (*Table, error) {
	if t := s.Table(name); t != nil {
		return t, nil
	}
	return nil, fmt.Errorf("table %q does not exist", name)
}

func (op CreateTable) apply(s *Schema) error {
	t := Table(op).clone()
	if err := validateTable(s, &t); err != nil {
		return err
	}
	s.Tables = append(s.Tables, t)
	return nil
}

func (op CreateTable) reverse(*Schema) ([]Operation, error) {
	return []Operation{DropTable{Name: op.Name}}, nil
}

func (op DropTable) apply(s *Schema) error {
	if _, err := tableOf(s, op.Name); err != nil {
		return err
	}
	if refs := s.referencing(op.Name); len(refs) > 0 {
		return fmt.Errorf("table %s is still referenced by foreign key %s; drop it first", op.Name, refs[0])
	}
	s.Tables = slices.DeleteFunc(s.Tables, func(t Table) bool { return t.Name == op.Name })
	return nil
}

func (op DropTable) reverse(before *Schema) ([]Operation, error) {
	t, err := tableOf(before, op.Name)
	if err != nil {
		return nil, err
	}
	return []Operation{CreateTable(t.clone())}, nil
}

func (op RenameTable) apply(s *Schema) error {
	t, err := tableOf(s, op.From)
	if err != nil {
		return err
	}
	if err := checkIdent("table", op.To); err != nil {
		return err
	}
	if s.Table(op.To) != nil {
		return fmt.Errorf("table %s already exists", op.To)
	}
	t.Name = op.To
	for i := range s.Tables {
		for j := range s.Tables[i].ForeignKeys {
			if fk := &s.Tables[i].ForeignKeys[j]; fk.RefTable == op.From {
				fk.RefTable = op.To
			}
		}
	}
	return nil
}

func (op RenameTable) reverse(*Schema) ([]Operation, error) {
	return []Operation{RenameTable{From: op.To, To: op.From}}, nil
}

func (op AddColumn) apply(s *Schema) error {
	t, err := tableOf(s, op.Table)
	if err != nil {
		return err
	}
	if err := op.Column.validate(); err != nil {
		return err
	}
	if t.Column(op.Column.Name) != nil {
		return fmt.Errorf("table %s already has a column %s", t.Name, op.Column.Name)
	}
	if op.Column.PrimaryKey {
		return fmt.Errorf("column %s: a primary key column cannot be added to an existing table", op.Column.Name)
	}
	t.Columns = append(t.Columns, op.Column)
	return nil
}

func (op AddColumn) reverse(*Schema) ([]Operation, error) {
	return []Operation{DropColumn{Table: op.Table, Name: op.Column.Name}}, nil
}

// usedBy returns what in s depends on column table.col: indexes, foreign keys of the table,
// and foreign keys of other tables referencing it.
func (s *Schema) usedBy(table, col string) string {
	t := s.Table(table)
	for _, ix := range t.Indexes {
		if slices.Contains(ix.Columns, col) {
			return "index " + ix.Name
		}
	}
	for _, fk := range t.ForeignKeys {
		if slices.Contains(fk.Columns, col) {
			return "foreign key " + fk.Name
		}
	}
	for _, o := range s.Tables {
		for _, fk := range o.ForeignKeys {
			if fk.RefTable == table && slices.Contains(fk.RefColumns, col) {
				return "foreign key " + fk.Name + " of table " + o.Name
			}
		}
	}
	return ""
}

func (op DropColumn) apply(s *Schema) error {
	t, err := tableOf(s, op.Table)
	if err != nil {
		return err
	}
	c := t.Column(op.Name)
	if c == nil {
		return fmt.Errorf("table %s has no column %s", t.Name, op.Name)
	}
	if c.PrimaryKey {
		return fmt.Errorf("column %s.%s is part of the primary key and cannot be dropped", t.Name, op.Name)
	}
	if len(t.Columns) == 1 {
		return fmt.Errorf("column %s is the last column of table %s; drop the table instead", op.Name, t.Name)
	}
	if dep := s.usedBy(op.Table, op.Name); dep != "" {
		return fmt.Errorf("column %s.%s is used by %s; drop it first", t.Name, op.Name, dep)
	}
	t.Columns = slices.DeleteFunc(t.Columns, func(c Column) bool { return c.Name == op.Name })
	return nil
}

func (op DropColumn) reverse(before *Schema) ([]Operation, error) {
	t, err := tableOf(before, op.Table)
	if err != nil {
		return nil, err
	}
	c := t.Column(op.Name)
	if c == nil {
		return nil, fmt.Errorf("table %s has no column %s", t.Name, op.Name)
	}
	return []Operation{AddColumn{Table: op.Table, Column: *c}}, nil
}

func (op RenameColumn) apply(s *Schema) error {
	t, err := tableOf(s, op.Table)
	if err != nil {
		return err
	}
	c := t.Column(op.From)
	if c == nil {
		return fmt.Errorf("table %s has no column %s", t.Name, op.From)
	}
	if err := checkIdent("column", op.To); err != nil {
		return err
	}
	if t.Column(op.To) != nil {
		return fmt.Errorf("table %s already has a column %s", t.Name, op.To)
	}
	c.Name = op.To
	rename := func(cols []string) {
		for i := range cols {
			if cols[i] == op.From {
				cols[i] = op.To
			}
		}
	}
	for i := range t.Indexes {
		rename(t.Indexes[i].Columns)
	}
	for i := range t.ForeignKeys {
		rename(t.ForeignKeys[i].Columns)
	}
	for i := range s.Tables {
		for j := range s.Tables[i].ForeignKeys {
			if fk := &s.Tables[i].ForeignKeys[j]; fk.RefTable == op.Table {
				rename(fk.RefColumns)
			}
		}
	}
	return nil
}

func (op RenameColumn) reverse(*Schema) ([]Operation, error) {
	return []Operation{RenameColumn{Table: op.Table, From: op.To, To: op.From}}, nil
}

func (op AlterColumn) apply(s *Schema) error {
	t, err := tableOf(s, op.Table)
	if err != nil {
		return err
	}
	c := t.Column(op.Column.Name)
	if c == nil {
		return fmt.Errorf("table %s has no column %s", t.Name, op.Column.Name)
	}
	if err := op.Column.validate(); err != nil {
		return err
	}
	if c.PrimaryKey != op.Column.PrimaryKey || c.AutoIncrement != op.Column.AutoIncrement {
		return fmt.Errorf("column %s.%s: changing the primary key or AutoIncrement is not supported; write RunSQL", t.Name, c.Name)
	}
	if *c == op.Column {
		return fmt.Errorf("column %s.%s already has this definition", t.Name, c.Name)
	}
	old := *c
	*c = op.Column
	// The column must still fit the foreign keys that use it, on both sides.
	for _, o := range s.Tables {
		for _, fk := range o.ForeignKeys {
			if (o.Name == t.Name && slices.Contains(fk.Columns, c.Name)) ||
				(fk.RefTable == t.Name && slices.Contains(fk.RefColumns, c.Name)) {
				if err := recheckForeignKey(s, o.Name, fk); err != nil {
					*c = old
					return err
				}
			}
		}
	}
	return nil
}

// recheckForeignKey validates an existing foreign key again after a change.
func recheckForeignKey(s *Schema, table string, fk ForeignKey) error {
	// Validate against a copy without the key itself, so its own name does not collide.
	scratch := s.clone()
	st := scratch.Table(table)
	st.ForeignKeys = slices.DeleteFunc(st.ForeignKeys, func(f ForeignKey) bool { return f.Name == fk.Name })
	return validateForeignKey(scratch, st, fk)
}

func (op AlterColumn) reverse(before *Schema) ([]Operation, error) {
	t, err := tableOf(before, op.Table)
	if err != nil {
		return nil, err
	}
	c := t.Column(op.Column.Name)
	if c == nil {
		return nil, fmt.Errorf("table %s has no column %s", t.Name, op.Column.Name)
	}
	return []Operation{AlterColumn{Table: op.Table, Column: *c}}, nil
}

func (op AddIndex) index() Index {
	return Index{Name: op.Name, Columns: slices.Clone(op.Columns), Unique: op.Unique}
}

func (op AddIndex) apply(s *Schema) error {
	t, err := tableOf(s, op.Table)
	if err != nil {
		return err
	}
	ix := op.index()
	if err := validateIndex(s, t, ix); err != nil {
		return err
	}
	t.Indexes = append(t.Indexes, ix)
	return nil
}

func (op AddIndex) reverse(*Schema) ([]Operation, error) {
	return []Operation{DropIndex{Table: op.Table, Name: op.Name}}, nil
}

func (op DropIndex) apply(s *Schema) error {
	t, err := tableOf(s, op.Table)
	if err != nil {
		return err
	}
	ix := t.Index(op.Name)
	if ix == nil {
		return fmt.Errorf("table %s has no index %s", t.Name, op.Name)
	}
	if ix.Unique {
		// A unique index may be what a foreign key references.
		for _, o := range s.Tables {
			for _, fk := range o.ForeignKeys {
				if fk.RefTable == t.Name && !isKeyWithout(t, fk.RefColumns, op.Name) {
					return fmt.Errorf("unique index %s is referenced by foreign key %s of table %s; drop it first", op.Name, fk.Name, o.Name)
				}
			}
		}
	}
	t.Indexes = slices.DeleteFunc(t.Indexes, func(ix Index) bool { return ix.Name == op.Name })
	return nil
}

// isKeyWithout reports whether cols stay a key of t once the index named drop is gone.
func isKeyWithout(t *Table, cols []string, drop string) bool {
	c := t.clone()
	c.Indexes = slices.DeleteFunc(c.Indexes, func(ix Index) bool { return ix.Name == drop })
	return isKey(&c, cols)
}

func (op DropIndex) reverse(before *Schema) ([]Operation, error) {
	t, err := tableOf(before, op.Table)
	if err != nil {
		return nil, err
	}
	ix := t.Index(op.Name)
	if ix == nil {
		return nil, fmt.Errorf("table %s has no index %s", t.Name, op.Name)
	}
	return []Operation{AddIndex{Table: op.Table, Name: ix.Name, Columns: slices.Clone(ix.Columns), Unique: ix.Unique}}, nil
}

func (op AddForeignKey) apply(s *Schema) error {
	t, err := tableOf(s, op.Table)
	if err != nil {
		return err
	}
	fk := op.ForeignKey.clone()
	if err := validateForeignKey(s, t, fk); err != nil {
		return err
	}
	t.ForeignKeys = append(t.ForeignKeys, fk)
	return nil
}

func (op AddForeignKey) reverse(*Schema) ([]Operation, error) {
	return []Operation{DropForeignKey{Table: op.Table, Name: op.Name}}, nil
}

func (op DropForeignKey) apply(s *Schema) error {
	t, err := tableOf(s, op.Table)
	if err != nil {
		return err
	}
	if t.ForeignKey(op.Name) == nil {
		return fmt.Errorf("table %s has no foreign key %s", t.Name, op.Name)
	}
	t.ForeignKeys = slices.DeleteFunc(t.ForeignKeys, func(fk ForeignKey) bool { return fk.Name == op.Name })
	return nil
}

func (op DropForeignKey) reverse(before *Schema) ([]Operation, error) {
	t, err := tableOf(before, op.Table)
	if err != nil {
		return nil, err
	}
	fk := t.ForeignKey(op.Name)
	if fk == nil {
		return nil, fmt.Errorf("table %s has no foreign key %s", t.Name, op.Name)
	}
	return []Operation{AddForeignKey{Table: op.Table, ForeignKey: fk.clone()}}, nil
}

// Dialect names accepted by RunSQL.Dialect.
var dialectNames = []string{"sqlite", "postgres", "mysql"}

func (op RunSQL) apply(*Schema) error {
	if strings.TrimSpace(op.Up) == "" {
		return errors.New("RunSQL.Up is empty (use migrate.Noop to run nothing)")
	}
	if op.Dialect != "" && !slices.Contains(dialectNames, op.Dialect) {
		return fmt.Errorf("RunSQL.Dialect %q is not one of %s", op.Dialect, strings.Join(dialectNames, ", "))
	}
	return nil
}

func (op RunSQL) reverse(*Schema) ([]Operation, error) {
	switch strings.TrimSpace(op.Down) {
	case "":
		return nil, fmt.Errorf("%w: RunSQL has no Down (set Down, or Down: migrate.Noop)", ErrIrreversible)
	case Noop:
		return nil, nil
	}
	return []Operation{RunSQL{Up: op.Down, Down: op.Up, Dialect: op.Dialect}}, nil
}

// reverseOps returns the operations that undo m, given the schema before it.
func (m Migration) reverseOps(before *Schema) ([]Operation, error) {
	s := before.clone()
	var undo [][]Operation
	for i, op := range m.Operations {
		r, err := op.reverse(s)
		if err != nil {
			return nil, &OperationError{Migration: m.Name, Index: i, Op: op.Describe(), Err: err}
		}
		undo = append(undo, r)
		if err := op.apply(s); err != nil {
			return nil, &OperationError{Migration: m.Name, Index: i, Op: op.Describe(), Err: err}
		}
	}
	var out []Operation
	for i := len(undo) - 1; i >= 0; i-- {
		out = append(out, undo[i]...)
	}
	return out, nil
}
