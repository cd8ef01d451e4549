package migrate

import (
	"fmt"
	"slices"
	"strings"
)

// Diff returns the operations that turn schema from into schema to.
//
// Tables and columns are matched by name: Diff never guesses a rename. Renames are declared
// in renames (RenameTable and RenameColumn values, the column's table named by its new
// name); each is used when it fits (the old name exists in from, the new one does not, and
// to has the new one), so a declaration that was already turned into a migration is
// ignored. A changed primary key is an error: write that migration by hand.
//
// The operations come in an order that every database accepts: renames, dropped foreign
// keys and indexes, dropped tables, added, altered and dropped columns, created tables
// (each after the tables it references), added indexes, added foreign keys.
func Diff(from, to *Schema, renames []Operation) ([]Operation, error) {
	cur := from.clone()
	var ops []Operation
	emit := func(op Operation) error {
		if err := op.apply(cur); err != nil {
			return fmt.Errorf("migrate: %s: %w", op.Describe(), err)
		}
		ops = append(ops, op)
		return nil
	}

	// 1. Declared renames, tables first so that column renames name the new table.
	for _, r := range renames {
		if r, ok := r.(RenameTable); ok && cur.Table(r.From) != nil && cur.Table(r.To) == nil && to.Table(r.To) != nil {
			if err := emit(r); err != nil {
				return nil, err
			}
		}
	}
	for _, r := range renames {
		switch r := r.(type) {
		case RenameTable:
		case RenameColumn:
			t, want := cur.Table(r.Table), to.Table(r.Table)
			if t != nil && want != nil && t.Column(r.From) != nil && t.Column(r.To) == nil &&
				want.Column(r.To) != nil && want.Column(r.From) == nil {
				if err := emit(r); err != nil {
					return nil, err
				}
			}
		default:
			return nil, fmt.Errorf("migrate: a rename must be a RenameTable or RenameColumn, not %T", r)
		}
	}

	var dropped, common []string
	for _, t := range cur.Tables {
		if to.Table(t.Name) == nil {
			dropped = append(dropped, t.Name)
		} else {
			common = append(common, t.Name)
		}
	}

	// 2. Foreign keys of kept tables that go or change.
	for _, name := range common {
		t, want := cur.Table(name), to.Table(name)
		for _, fk := range slices.Clone(t.ForeignKeys) {
			if w := want.ForeignKey(fk.Name); w == nil || !sameForeignKey(fk, *w) {
				if err := emit(DropForeignKey{Table: name, Name: fk.Name}); err != nil {
					return nil, err
				}
			}
		}
	}
	// 3. Indexes of kept tables that go or change.
	for _, name := range common {
		t, want := cur.Table(name), to.Table(name)
		for _, ix := range slices.Clone(t.Indexes) {
			if w := want.Index(ix.Name); w == nil || !sameIndex(ix, *w) {
				if err := emit(DropIndex{Table: name, Name: ix.Name}); err != nil {
					return nil, err
				}
			}
		}
	}
	// 4. Dropped tables, each after the dropped tables that reference it; foreign keys
	// within a cycle of dropped tables are dropped first.
	for len(dropped) > 0 {
		progressed := false
		for i := 0; i < len(dropped); i++ {
			if len(cur.referencing(dropped[i])) > 0 {
				continue
			}
			if err := emit(DropTable{Name: dropped[i]}); err != nil {
				return nil, err
			}
			dropped = slices.Delete(dropped, i, i+1)
			i--
			progressed = true
		}
		if progressed {
			continue
		}
		for _, name := range dropped {
			for _, fk := range slices.Clone(cur.Table(name).ForeignKeys) {
				if fk.RefTable != name && slices.Contains(dropped, fk.RefTable) {
					if err := emit(DropForeignKey{Table: name, Name: fk.Name}); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	// 5. Columns of kept tables: added, altered, dropped.
	for _, name := range common {
		want := to.Table(name)
		for _, c := range want.Columns {
			old := cur.Table(name).Column(c.Name)
			switch {
			case old == nil:
				if c.PrimaryKey {
					return nil, fmt.Errorf("migrate: table %s: adding primary key column %s to an existing table is not supported; write this migration by hand", name, c.Name)
				}
				if err := emit(AddColumn{Table: name, Column: c}); err != nil {
					return nil, err
				}
			case *old != c:
				if old.PrimaryKey != c.PrimaryKey || old.AutoIncrement != c.AutoIncrement {
					return nil, fmt.Errorf("migrate: table %s: changing the primary key (column %s) is not supported; write this migration by hand", name, c.Name)
				}
				if err := emit(AlterColumn{Table: name, Column: c}); err != nil {
					return nil, err
				}
			}
		}
		for _, c := range slices.Clone(cur.Table(name).Columns) {
			if want.Column(c.Name) == nil {
				if c.PrimaryKey {
					return nil, fmt.Errorf("migrate: table %s: dropping primary key column %s is not supported; write this migration by hand", name, c.Name)
				}
				if err := emit(DropColumn{Table: name, Name: c.Name}); err != nil {
					return nil, err
				}
			}
		}
	}
	// 6. New tables, in dependency order; foreign keys closing a cycle come after all.
	var created []Table
	for _, t := range to.Tables {
		if cur.Table(t.Name) == nil {
			created = append(created, t)
		}
	}
	order, deferred, err := creationOrderOn(cur, created)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	for _, t := range order {
		if err := emit(CreateTable(t)); err != nil {
			return nil, err
		}
	}
	// 7. Indexes of kept tables that are new or changed.
	for _, name := range common {
		t, want := cur.Table(name), to.Table(name)
		for _, ix := range want.Indexes {
			if t.Index(ix.Name) == nil {
				if err := emit(AddIndex{Table: name, Name: ix.Name, Columns: slices.Clone(ix.Columns), Unique: ix.Unique}); err != nil {
					return nil, err
				}
			}
		}
	}
	// 8. Foreign keys: deferred ones of new tables, new or changed ones of kept tables.
	for _, fk := range deferred {
		if err := emit(fk); err != nil {
			return nil, err
		}
	}
	for _, name := range common {
		t, want := cur.Table(name), to.Table(name)
		for _, fk := range want.ForeignKeys {
			if t.ForeignKey(fk.Name) == nil {
				if err := emit(AddForeignKey{Table: name, ForeignKey: fk.clone()}); err != nil {
					return nil, err
				}
			}
		}
	}
	if d := schemaDifference(cur, to); d != "" {
		return nil, fmt.Errorf("migrate: internal error: the generated operations leave a difference: %s", d)
	}
	return ops, nil
}

func sameIndex(a, b Index) bool {
	return a.Name == b.Name && a.Unique == b.Unique && slices.Equal(a.Columns, b.Columns)
}

func sameForeignKey(a, b ForeignKey) bool {
	return a.Name == b.Name && a.RefTable == b.RefTable && a.OnDelete == b.OnDelete &&
		slices.Equal(a.Columns, b.Columns) && slices.Equal(a.RefColumns, b.RefColumns)
}

// schemaDifference describes the first difference between two schemas, ignoring the order
// of tables, columns, indexes and foreign keys; "" when they are the same.
func schemaDifference(a, b *Schema) string {
	if len(a.Tables) != len(b.Tables) {
		return fmt.Sprintf("%d tables instead of %d (%s vs %s)", len(a.Tables), len(b.Tables), tableNames(a), tableNames(b))
	}
	for _, ta := range a.Tables {
		tb := b.Table(ta.Name)
		if tb == nil {
			return "table " + ta.Name + " is not expected"
		}
		if len(ta.Columns) != len(tb.Columns) || len(ta.Indexes) != len(tb.Indexes) || len(ta.ForeignKeys) != len(tb.ForeignKeys) {
			return fmt.Sprintf("table %s has %d/%d/%d columns/indexes/foreign keys instead of %d/%d/%d", ta.Name,
				len(ta.Columns), len(ta.Indexes), len(ta.ForeignKeys), len(tb.Columns), len(tb.Indexes), len(tb.ForeignKeys))
		}
		for _, c := range ta.Columns {
			if o := tb.Column(c.Name); o == nil || *o != c {
				return fmt.Sprintf("column %s.%s differs", ta.Name, c.Name)
			}
		}
		for _, ix := range ta.Indexes {
			if o := tb.Index(ix.Name); o == nil || !sameIndex(ix, *o) {
				return fmt.Sprintf("index %s of %s differs", ix.Name, ta.Name)
			}
		}
		for _, fk := range ta.ForeignKeys {
			if o := tb.ForeignKey(fk.Name); o == nil || !sameForeignKey(fk, *o) {
				return fmt.Sprintf("foreign key %s of %s differs", fk.Name, ta.Name)
			}
		}
	}
	return ""
}

func tableNames(s *Schema) string {
	names := make([]string, len(s.Tables))
	for i, t := range s.Tables {
		names[i] = t.Name
	}
	slices.Sort(names)
	return "[" + strings.Join(names, " ") + "]"
}
