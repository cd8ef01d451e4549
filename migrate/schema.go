package migrate

import (
	"fmt"
	"slices"

	"github.com/sinewdev/sinew/orm"
)

// Column is the dialect-neutral definition of one column, as written in migration files.
type Column struct {
	// Name is the column name.
	Name string
	// Kind is the portable type; each dialect maps it to its own SQL type (see orm.Dialect).
	Kind orm.Kind
	// Size is the VARCHAR length for orm.KindString and the precision for orm.KindDecimal.
	Size int
	// Scale is the scale for orm.KindDecimal.
	Scale int
	// Nullable allows NULL.
	Nullable bool
	// Default is a SQL expression used as the column default, such as "0", "'draft'" or
	// "CURRENT_TIMESTAMP". Empty means no default; an empty string default is written "''".
	Default string
	// PrimaryKey makes the column part of the table's primary key.
	PrimaryKey bool
	// AutoIncrement makes an integer primary key an identity assigned by the database.
	AutoIncrement bool
}

// Index is a (possibly composite, possibly unique) index of a table.
type Index struct {
	Name    string   // the index name, unique in the database
	Columns []string // the indexed columns, in order
	Unique  bool     // a unique index (a unique constraint)
}

// ForeignKey is a foreign key constraint of a table.
type ForeignKey struct {
	Name       string     // the constraint name, unique in the database
	Columns    []string   // the referencing columns of this table
	RefTable   string     // the referenced table
	RefColumns []string   // the referenced columns, usually the primary key
	OnDelete   orm.Action // what deleting a referenced row does; orm.NoAction refuses it
}

// Table is the dialect-neutral definition of one table.
type Table struct {
	Name        string
	Columns     []Column
	Indexes     []Index
	ForeignKeys []ForeignKey
}

// Schema is the dialect-neutral state of a database: the tables that a sequence of
// migrations creates, or that a set of models describes. SchemaOf computes it from
// migrations without a database; ModelSchema computes it from the model registry.
type Schema struct {
	Tables []Table // in creation order
}

// Table returns the table named name, or nil.
func (s *Schema) Table(name string) *Table {
	for i := range s.Tables {
		if s.Tables[i].Name == name {
			return &s.Tables[i]
		}
	}
	return nil
}

// clone returns a deep copy of the schema, so operations can change it without touching
// the original.
func (s *Schema) clone() *Schema {
	c := &Schema{Tables: make([]Table, len(s.Tables))}
	for i, t := range s.Tables {
		c.Tables[i] = t.clone()
	}
	return c
}

func (t Table) clone() Table {
	c := Table{Name: t.Name, Columns: slices.Clone(t.Columns)}
	for _, ix := range t.Indexes {
		c.Indexes = append(c.Indexes, ix.clone())
	}
	for _, fk := range t.ForeignKeys {
		c.ForeignKeys = append(c.ForeignKeys, fk.clone())
	}
	return c
}

func (ix Index) clone() Index {
	ix.Columns = slices.Clone(ix.Columns)
	return ix
}

func (fk ForeignKey) clone() ForeignKey {
	fk.Columns = slices.Clone(fk.Columns)
	fk.RefColumns = slices.Clone(fk.RefColumns)
	return fk
}

// Column returns the column named name, or nil.
func (t *Table) Column(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// Index returns the index named name, or nil.
func (t *Table) Index(name string) *Index {
	for i := range t.Indexes {
		if t.Indexes[i].Name == name {
			return &t.Indexes[i]
		}
	}
	return nil
}

// ForeignKey returns the foreign key named name, or nil.
func (t *Table) ForeignKey(name string) *ForeignKey {
	for i := range t.ForeignKeys {
		if t.ForeignKeys[i].Name == name {
			return &t.ForeignKeys[i]
		}
	}
	return nil
}

// PrimaryKey returns the names of the primary key columns, in column order.
func (t *Table) PrimaryKey() []string {
	var pk []string
	for _, c := range t.Columns {
		if c.PrimaryKey {
			pk = append(pk, c.Name)
		}
	}
	return pk
}

// SchemaOf folds the operations of migrations, in order, into the schema they produce.
// It needs no database. An operation that does not fit the state before it (a column
// added twice, an index on a missing column, ...) is an error naming the migration and the
// operation. RunSQL operations do not change the state.
func SchemaOf(migrations []Migration) (*Schema, error) {
	if err := checkNames(migrations); err != nil {
		return nil, err
	}
	s := &Schema{}
	for _, m := range migrations {
		if err := m.applyTo(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// foldBase folds the migrations of other sets into the schema a list starts from. The sets
// are numbered independently, so their names are not checked against each other here (each
// set's own Migrator checks its list).
func foldBase(base []Migration) (*Schema, error) {
	s := &Schema{}
	for _, m := range base {
		if err := m.applyTo(s); err != nil {
			return nil, fmt.Errorf("migrate: base migrations: %w", err)
		}
	}
	return s, nil
}

// applyTo applies the migration's operations to s in place.
func (m Migration) applyTo(s *Schema) error {
	for i, op := range m.Operations {
		if op == nil {
			return &OperationError{Migration: m.Name, Index: i, Err: fmt.Errorf("nil operation")}
		}
		if err := op.apply(s); err != nil {
			return &OperationError{Migration: m.Name, Index: i, Op: op.Describe(), Err: err}
		}
	}
	return nil
}

// objectOwner returns the table that has an index or foreign key named name, "" when none
// does: those names must be unique database-wide (PostgreSQL and SQLite index names, MySQL
// constraint names).
func (s *Schema) objectOwner(name string) string {
	for _, t := range s.Tables {
		if t.Index(name) != nil || t.ForeignKey(name) != nil {
			return t.Name
		}
	}
	return ""
}

// referencing returns the foreign keys of other tables that reference table.
func (s *Schema) referencing(table string) []string {
	var out []string
	for _, t := range s.Tables {
		if t.Name == table {
			continue
		}
		for _, fk := range t.ForeignKeys {
			if fk.RefTable == table {
				out = append(out, t.Name+"."+fk.Name)
			}
		}
	}
	return out
}
