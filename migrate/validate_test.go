package migrate

import (
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/orm"
)

func TestNewRejectsBadMigrations(t *testing.T) {
	t.Parallel()
	id := Column{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true}
	users := CreateTable{Name: "users", Columns: []Column{id, {Name: "email", Kind: orm.KindString, Size: 100}},
		Indexes: []Index{{Name: "users_email_idx", Columns: []string{"email"}}}}
	posts := CreateTable{Name: "posts", Columns: []Column{id, {Name: "user_id", Kind: orm.KindInt}},
		ForeignKeys: []ForeignKey{{Name: "posts_user_id_fkey", Columns: []string{"user_id"}, RefTable: "users", RefColumns: []string{"id"}}}}
	one := func(ops ...Operation) []Migration {
		return []Migration{{Name: "0001_initial", Operations: append([]Operation{users, posts}, ops...)}}
	}
	cases := []struct {
		name string
		ms   []Migration
		want string
		is   error
	}{
		{"bad name", []Migration{{Name: "initial"}}, "at least four digits", ErrInvalidName},
		{"upper-case label", []Migration{{Name: "0001_Initial"}}, "lower-case", ErrInvalidName},
		{"same number twice", []Migration{{Name: "0001_a"}, {Name: "0001_b"}}, "numbers must increase", ErrInvalidName},
		{"numbers go down", []Migration{{Name: "0002_a"}, {Name: "0001_b"}}, "numbers must increase", ErrInvalidName},
		{"name listed twice", []Migration{{Name: "0001_a"}, {Name: "0001_a"}}, "listed twice", ErrInvalidName},
		{"nil operation", []Migration{{Name: "0001_a", Operations: []Operation{nil}}}, "nil operation", nil},
		{"column added twice", one(AddColumn{Table: "users", Column: Column{Name: "email", Kind: orm.KindText}}), "already has a column email", nil},
		{"missing table", one(AddColumn{Table: "nope", Column: Column{Name: "x", Kind: orm.KindInt}}), `table "nope" does not exist`, nil},
		{"index on a missing column", one(AddIndex{Table: "users", Name: "users_x_idx", Columns: []string{"x"}}), `has no column "x"`, nil},
		{"index name taken", one(AddIndex{Table: "posts", Name: "users_email_idx", Columns: []string{"user_id"}}), "already has that name", nil},
		{"quote in a table name", one(CreateTable{Name: `a"b`, Columns: []Column{id}}), "only letters", nil},
		{"name too long", one(CreateTable{Name: strings.Repeat("a", 64), Columns: []Column{id}}), "the limit is 63", nil},
		{"table without columns", one(CreateTable{Name: "empty"}), "has no columns", nil},
		{"autoincrement string", one(CreateTable{Name: "t", Columns: []Column{{Name: "id", Kind: orm.KindString, Size: 10, PrimaryKey: true, AutoIncrement: true}}}), "AutoIncrement needs an int primary key", nil},
		{"nullable primary key", one(CreateTable{Name: "t", Columns: []Column{{Name: "id", Kind: orm.KindInt, PrimaryKey: true, Nullable: true}}}), "cannot be nullable", nil},
		{"decimal scale above precision", one(AddColumn{Table: "users", Column: Column{Name: "d", Kind: orm.KindDecimal, Size: 5, Scale: 6}}), "decimal scale 6", nil},
		{"size on an int", one(AddColumn{Table: "users", Column: Column{Name: "n", Kind: orm.KindInt, Size: 3}}), "has no size", nil},
		{"default with a statement", one(AddColumn{Table: "users", Column: Column{Name: "n", Kind: orm.KindInt, Default: "1); DROP TABLE users; --"}}), "default", nil},
		{"default unterminated quote", one(AddColumn{Table: "users", Column: Column{Name: "s", Kind: orm.KindText, Default: "'abc"}}), "unterminated quote", nil},
		{"fk kind mismatch", one(AddColumn{Table: "users", Column: Column{Name: "p", Kind: orm.KindString, Size: 10, Nullable: true}},
			AddForeignKey{Table: "users", ForeignKey: ForeignKey{Name: "users_p_fkey", Columns: []string{"p"}, RefTable: "posts", RefColumns: []string{"id"}}}),
			"does not match", nil},
		{"fk to a non-key column", one(AddForeignKey{Table: "posts", ForeignKey: ForeignKey{Name: "x_fkey", Columns: []string{"user_id"}, RefTable: "posts", RefColumns: []string{"user_id"}}}),
			"neither its primary key nor a unique index", nil},
		{"unknown on delete", one(AddColumn{Table: "posts", Column: Column{Name: "u2", Kind: orm.KindInt}},
			AddForeignKey{Table: "posts", ForeignKey: ForeignKey{Name: "x_fkey", Columns: []string{"u2"}, RefTable: "users", RefColumns: []string{"id"}, OnDelete: "EXPLODE"}}),
			"unknown on-delete action", nil},
		{"drop a referenced table", one(DropTable{Name: "users"}), "still referenced by foreign key posts.posts_user_id_fkey", nil},
		{"drop an indexed column", one(DropColumn{Table: "users", Name: "email"}), "used by index users_email_idx", nil},
		{"drop the primary key", one(DropColumn{Table: "users", Name: "id"}), "part of the primary key", nil},
		{"alter the primary key", one(AlterColumn{Table: "users", Column: Column{Name: "id", Kind: orm.KindInt, PrimaryKey: true}}), "changing the primary key", nil},
		{"alter to the same definition", one(AlterColumn{Table: "users", Column: Column{Name: "email", Kind: orm.KindString, Size: 100}}), "already has this definition", nil},
		{"rename onto an existing column", one(RenameColumn{Table: "users", From: "email", To: "id"}), "already has a column id", nil},
		{"rename a missing table", one(RenameTable{From: "nope", To: "x"}), "does not exist", nil},
		{"empty RunSQL", one(RunSQL{Up: "  "}), "RunSQL.Up is empty", nil},
		{"RunSQL unknown dialect", one(RunSQL{Up: "SELECT 1", Dialect: "oracle"}), "not one of sqlite, postgres, mysql", nil},
		{"drop a missing foreign key", one(DropForeignKey{Table: "posts", Name: "nope"}), "has no foreign key nope", nil},
	}
	db := &sql.DB{} // New does not touch the database
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(db, newTestDialect("sqlite"), c.ms, Config{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Fatalf("got %v, want errors.Is %v", err, c.is)
			}
			var oe *OperationError
			if c.is == nil && (!errors.As(err, &oe) || oe.Migration != c.ms[len(c.ms)-1].Name) {
				t.Fatalf("got %v, want an *OperationError naming the migration", err)
			}
		})
	}
}

func TestNewRejectsBadSetup(t *testing.T) {
	t.Parallel()
	db := &sql.DB{}
	if _, err := New(nil, newTestDialect("sqlite"), nil, Config{}); err == nil {
		t.Error("nil db accepted")
	}
	if _, err := New(db, nil, nil, Config{}); err == nil {
		t.Error("nil dialect accepted")
	}
	if _, err := New(db, testDialect{Dialect: newTestDialect("sqlite"), name: "oracle"}, nil, Config{}); err == nil {
		t.Error("unknown dialect accepted")
	}
	if _, err := New(db, newTestDialect("sqlite"), nil, Config{Table: "x; DROP TABLE y"}); err == nil {
		t.Error("hostile history table name accepted")
	}
	if _, err := FromORM(nil, nil, Config{}); err == nil {
		t.Error("nil orm.DB accepted")
	}
}

func TestReverseOperations(t *testing.T) {
	t.Parallel()
	// Every operation of the sequence followed by its reverse gives back the state before.
	all := makeSequence(t)
	extra := Migration{Name: "0008_more", Operations: []Operation{
		RenameTable{From: "posts", To: "articles"},
		AddColumn{Table: "articles", Column: Column{Name: "editor_id", Kind: orm.KindInt, Nullable: true}},
		AddForeignKey{Table: "articles", ForeignKey: ForeignKey{Name: "articles_editor_id_fkey", Columns: []string{"editor_id"}, RefTable: "users", RefColumns: []string{"id"}, OnDelete: orm.SetNull}},
		DropForeignKey{Table: "articles", Name: "articles_editor_id_fkey"},
		DropIndex{Table: "articles", Name: "posts_published_idx"},
		RunSQL{Up: "UPDATE articles SET rating = 1", Down: Noop},
	}}
	all = append(all, extra)
	s := &Schema{}
	for _, m := range all {
		before := s.clone()
		if err := m.applyTo(s); err != nil {
			t.Fatal(err)
		}
		undo, err := m.reverseOps(before)
		if err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		back := s.clone()
		if err := (Migration{Name: m.Name, Operations: undo}).applyTo(back); err != nil {
			t.Fatalf("%s: undoing: %v", m.Name, err)
		}
		if d := schemaDifference(back, before); d != "" {
			t.Fatalf("%s: undo leaves a difference: %s", m.Name, d)
		}
	}
}

func TestChecksum(t *testing.T) {
	t.Parallel()
	a := Migration{Name: "0001_a", Operations: []Operation{CreateTable{Name: "t", Columns: []Column{{Name: "id", Kind: orm.KindInt, PrimaryKey: true}}}}}
	b := Migration{Name: "0001_a", Operations: []Operation{CreateTable{Name: "t", Columns: []Column{{Name: "id", Kind: orm.KindInt, PrimaryKey: true}}, Indexes: []Index{}}}}
	c := Migration{Name: "0001_a", Operations: []Operation{CreateTable{Name: "t", Columns: []Column{{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true}}}}}
	if a.Checksum() != b.Checksum() {
		t.Error("an empty index list changed the checksum")
	}
	if a.Checksum() == c.Checksum() || len(a.Checksum()) != 64 {
		t.Error("a changed column kept the checksum")
	}
}
