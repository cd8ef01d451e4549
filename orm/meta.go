package orm

import (
	"reflect"
)

// Kind is the portable type of a column. Dialects map each kind to their own SQL type.
type Kind int

// The column kinds a model field can have.
const (
	KindInvalid Kind = iota
	KindBool         // bool
	KindInt          // int, int8..int64, uint8..uint32 (stored as a 64-bit integer)
	KindFloat        // float32, float64
	KindDecimal      // a decimal with precision Size and Scale (tag `decimal=10.2`), held in a string-based type
	KindString       // a bounded string: VARCHAR(Size), Size 255 unless the tag `size=N` says otherwise
	KindText         // an unbounded string (tag `text`)
	KindBytes        // []byte
	KindTime         // time.Time: a timestamp with time zone where the database has one, stored in UTC
	KindDate         // a calendar date (tag `date` on a time.Time)
	KindUUID         // a UUID ([16]byte-based types such as github.com/google/uuid.UUID)
	KindJSON         // any value stored as JSON (tag `json`)
)

// String returns the kind's lower-case name, as used in error messages and migration files.
func (k Kind) String() string {
	switch k {
	case KindBool:
		return "bool"
	case KindInt:
		return "int"
	case KindFloat:
		return "float"
	case KindDecimal:
		return "decimal"
	case KindString:
		return "string"
	case KindText:
		return "text"
	case KindBytes:
		return "bytes"
	case KindTime:
		return "time"
	case KindDate:
		return "date"
	case KindUUID:
		return "uuid"
	case KindJSON:
		return "json"
	}
	return "invalid"
}

// Action is what the database does to referencing rows when a referenced row is deleted.
type Action string

// The on-delete actions a foreign key can declare (tag `ondelete=cascade`).
const (
	NoAction Action = ""         // the database default: refuse the delete (RESTRICT)
	Cascade  Action = "CASCADE"  // delete the referencing rows too
	SetNull  Action = "SET NULL" // set the referencing column to NULL (the field must be nullable)
	Restrict Action = "RESTRICT" // refuse the delete
)

// Choice is one allowed value of a field with choices, with its human label.
type Choice struct {
	Value string
	Label string
}

// ForeignKey describes the reference a field holds to another model's primary key.
type ForeignKey struct {
	Model    string // the referenced model's name as registered, e.g. "User" or "auth.User"
	Table    string // the referenced table
	Column   string // the referenced column, the primary key
	OnDelete Action
	// Name is the constraint name, <table>_<column>_fkey (cut to 63 bytes with a hash
	// suffix when longer). Migrations create the constraint under this name so that the
	// ORM can map a violation back to its column.
	Name string
}

// Field is the metadata of one persisted struct field, read once from its tags at registration.
type Field struct {
	Name          string       // the Go field name
	Column        string       // the column name (snake_case of Name unless the tag `column=` says otherwise)
	Kind          Kind         // the portable type
	Size          int          // VARCHAR length for KindString; precision for KindDecimal
	Scale         int          // scale for KindDecimal
	Nullable      bool         // NULL allowed: pointer fields, sql.Null* types, or the tag `null`
	Default       string       // a literal SQL default (tag `default=...`), "" for none
	HasDefault    bool         // Default was given (an empty string default is possible)
	PrimaryKey    bool         // part of the primary key
	AutoIncrement bool         // an integer identity primary key assigned by the database
	Unique        bool         // a single-column unique constraint
	Indexed       bool         // a single-column non-unique index (tag `index`)
	Choices       []Choice     // the allowed values, if the field has choices
	Label         string       // the human label (tag `label=`), derived from Name otherwise
	Help          string       // help text (tag `help=`)
	ForeignKey    *ForeignKey  // non-nil for a foreign key column
	Type          reflect.Type // the Go type of the field
	Path          []int        // the reflect index path from the model struct (through embedded structs)
	// AutoCreate marks a time.Time field named CreatedAt: the ORM sets it to the current time
	// (UTC) when the row is created. Forms and the admin site treat it as read-only.
	AutoCreate bool
	// AutoUpdate marks a time.Time field named UpdatedAt: the ORM sets it to the current time
	// (UTC) on create and on every Save and query Update.
	AutoUpdate bool
}

// Index is a (possibly composite) index or unique constraint declared on a model.
type Index struct {
	Name    string   // the index name; generated as <table>_<cols>_idx / _key when not given
	Columns []string // column names, in order
	Unique  bool
}

// Meta is the metadata of one registered model: its table, fields, keys, indexes and relations.
// Other packages (migrations, the admin site, REST resources, forms) read it; it never changes
// after registration.
//
// Join tables: for every many-to-many relation the registry also synthesises a Meta for the
// join table, listed by Registry.Models after the models. Such a Meta has JoinOf set to the
// relation, Type nil, PK nil, no relations, and exactly two fields (the key of the owning
// model, then the key of the related model), both PrimaryKey and both foreign keys with
// ON DELETE CASCADE; PrimaryKey lists them as the composite primary key. Its Name is
// "<Model>.<Relation>", e.g. "Post.Tags", and Indexes holds an index on the second column.
type Meta struct {
	Name    string       // the model name: the Go type name, e.g. "Post" ("Post.Tags" for a join table)
	Table   string       // the table name (snake_case plural of the type name unless TableName() says otherwise)
	Type    reflect.Type // the struct type (nil for a join table)
	Fields  []*Field     // persisted fields in declaration order, the primary key first
	PK      *Field       // the primary key field (nil for a join table, whose key is composite)
	Indexes []Index      // composite and single-column indexes and unique constraints
	// Relations are the non-column fields that hold related models (belongs-to, has-many,
	// many-to-many), by Go field name.
	Relations []*Relation
	// PrimaryKey lists the primary key's fields in order: just PK for a model, both columns
	// for a join table.
	PrimaryKey []*Field
	// JoinOf is the many-to-many relation a join table was synthesised for; nil for models.
	JoinOf *Relation
	// Label and LabelPlural are human names for the admin site and messages: "blog post",
	// "blog posts" for BlogPost.
	Label, LabelPlural string
}

// Field returns the field with the given Go name or column name, or nil.
func (m *Meta) Field(name string) *Field {
	for _, f := range m.Fields {
		if f.Name == name || f.Column == name {
			return f
		}
	}
	return nil
}

// Relation returns the relation with the given Go field name, or nil.
func (m *Meta) Relation(name string) *Relation {
	for _, r := range m.Relations {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// RelationKind tells how two models are related.
type RelationKind int

// The relation kinds.
const (
	BelongsTo  RelationKind = iota + 1 // this model holds the foreign key (Post.Author via Post.AuthorID)
	HasMany                            // the other model holds a foreign key to this one (Post.Comments)
	ManyToMany                         // a join table managed by the ORM holds pairs of keys (Post.Tags)
)

// Relation is the metadata of a field holding related models, used by prefetching, the admin
// site and REST resources.
type Relation struct {
	Name  string       // the Go field name, e.g. "Author", "Comments", "Tags"
	Kind  RelationKind // BelongsTo, HasMany or ManyToMany
	Model string       // the related model's name
	Path  []int        // the reflect index path of the field
	// Column is the foreign key column: on this model for BelongsTo, on the related model for
	// HasMany. Unused for ManyToMany.
	Column string
	// JoinTable, JoinColumn and JoinRefColumn describe the join table of a ManyToMany relation:
	// JoinColumn references this model, JoinRefColumn the related one.
	JoinTable, JoinColumn, JoinRefColumn string
	// Slice is true when the field holds many related models ([]T or []*T: HasMany and
	// ManyToMany); Pointer is true when it holds pointers (*T or []*T).
	Slice, Pointer bool
	// Join is the Meta of the join table of a ManyToMany relation (listed by Registry.Models).
	Join *Meta
}
