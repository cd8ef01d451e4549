package migrate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/sinewdev/sinew/orm"
)

// defaultStringSize is the VARCHAR length of a string field that declares none.
const defaultStringSize = 255

// ModelSchema returns the schema that the registered models describe: one table per model
// with its columns, primary key, indexes and unique constraints (single-column ones from
// the `index` and `unique` tags, composite ones from Meta.Indexes), foreign keys, and the
// join tables of many-to-many relations that the registry does not list as models.
//
// Like Django, every foreign key column gets an index (<table>_<column>_idx) unless it has
// one of its own or leads the primary key: PostgreSQL does not index foreign keys by
// itself, and MySQL would create the index implicitly under a name of its own.
func ModelSchema(models []*orm.Meta) (*Schema, error) {
	s := &Schema{}
	byModel := make(map[string]*orm.Meta, len(models))
	for _, m := range models {
		if m == nil {
			return nil, fmt.Errorf("migrate: nil model metadata")
		}
		byModel[m.Name] = m
	}
	for _, m := range models {
		t, err := modelTable(m)
		if err != nil {
			return nil, fmt.Errorf("migrate: model %s: %w", m.Name, err)
		}
		if s.Table(t.Name) != nil {
			return nil, fmt.Errorf("migrate: model %s: table %s is used by two models", m.Name, t.Name)
		}
		s.Tables = append(s.Tables, t)
	}
	for _, m := range models {
		for _, rel := range m.Relations {
			if rel == nil || rel.Kind != orm.ManyToMany || rel.JoinTable == "" || s.Table(rel.JoinTable) != nil {
				continue
			}
			t, err := joinTable(m, rel, byModel)
			if err != nil {
				return nil, fmt.Errorf("migrate: model %s, relation %s: %w", m.Name, rel.Name, err)
			}
			s.Tables = append(s.Tables, t)
		}
	}
	// Validate the whole schema by building it table by table in dependency order, which
	// also catches foreign keys to tables that are not registered.
	if _, _, err := creationOrderOn(&Schema{}, s.Tables); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return s, nil
}

// columnOf converts an orm field to a column definition.
func columnOf(f *orm.Field) Column {
	c := Column{
		Name:          f.Column,
		Kind:          f.Kind,
		Nullable:      f.Nullable,
		PrimaryKey:    f.PrimaryKey,
		AutoIncrement: f.AutoIncrement,
	}
	switch f.Kind {
	case orm.KindString:
		c.Size = f.Size
		if c.Size == 0 {
			c.Size = defaultStringSize
		}
	case orm.KindDecimal:
		c.Size, c.Scale = f.Size, f.Scale
	}
	if f.HasDefault {
		c.Default = f.Default
		if c.Default == "" {
			c.Default = "''"
		}
	}
	return c
}

func modelTable(m *orm.Meta) (Table, error) {
	t := Table{Name: m.Table}
	for _, f := range m.Fields {
		if f == nil {
			return t, fmt.Errorf("nil field")
		}
		if t.Column(f.Column) != nil {
			return t, fmt.Errorf("column %s is used by two fields", f.Column)
		}
		t.Columns = append(t.Columns, columnOf(f))
	}
	addIndex := func(ix Index) {
		for _, o := range t.Indexes {
			if o.Name == ix.Name || (o.Unique == ix.Unique && slices.Equal(o.Columns, ix.Columns)) {
				return
			}
		}
		t.Indexes = append(t.Indexes, ix)
	}
	pk := t.PrimaryKey()
	for _, f := range m.Fields {
		one := []string{f.Column}
		switch {
		case f.Unique && !slices.Equal(pk, one):
			addIndex(Index{Name: objectName(t.Name, one, "key"), Columns: one, Unique: true})
		case f.Indexed:
			addIndex(Index{Name: objectName(t.Name, one, "idx"), Columns: one})
		}
	}
	for _, ix := range m.Indexes {
		name := ix.Name
		if name == "" {
			suffix := "idx"
			if ix.Unique {
				suffix = "key"
			}
			name = objectName(t.Name, ix.Columns, suffix)
		}
		addIndex(Index{Name: shorten(name), Columns: slices.Clone(ix.Columns), Unique: ix.Unique})
	}
	for _, f := range m.Fields {
		if f.ForeignKey == nil {
			continue
		}
		col := []string{f.Column}
		name := f.ForeignKey.Name // the registry's name, which the ORM maps violations by
		if name == "" {
			name = objectName(t.Name, col, "fkey")
		}
		t.ForeignKeys = append(t.ForeignKeys, ForeignKey{
			Name:       shorten(name),
			Columns:    col,
			RefTable:   f.ForeignKey.Table,
			RefColumns: []string{f.ForeignKey.Column},
			OnDelete:   f.ForeignKey.OnDelete,
		})
		if !leadsIndex(&t, f.Column) {
			addIndex(Index{Name: objectName(t.Name, col, "idx"), Columns: col})
		}
	}
	return t, nil
}

// leadsIndex reports whether col already has an index of its own: the first column of
// the primary key, or an index on exactly that column. (A composite index starting with
// it is not counted, so that adding or dropping one never moves the foreign key index.)
func leadsIndex(t *Table, col string) bool {
	if pk := t.PrimaryKey(); len(pk) > 0 && pk[0] == col {
		return true
	}
	for _, ix := range t.Indexes {
		if len(ix.Columns) == 1 && ix.Columns[0] == col {
			return true
		}
	}
	return false
}

// joinTable builds the join table of a many-to-many relation of model m: a column
// referencing m's primary key, one referencing the related model's, both cascading on
// delete, and a composite primary key over the pair.
func joinTable(m *orm.Meta, rel *orm.Relation, byModel map[string]*orm.Meta) (Table, error) {
	other := byModel[rel.Model]
	if other == nil {
		return Table{}, fmt.Errorf("related model %q is not registered", rel.Model)
	}
	if m.PK == nil || other.PK == nil {
		return Table{}, fmt.Errorf("both models need a primary key")
	}
	if rel.JoinColumn == "" || rel.JoinRefColumn == "" || rel.JoinColumn == rel.JoinRefColumn {
		return Table{}, fmt.Errorf("join columns %q and %q must be set and differ", rel.JoinColumn, rel.JoinRefColumn)
	}
	ref := func(name string, pk *orm.Field) Column {
		c := columnOf(pk)
		c.Name, c.AutoIncrement, c.Default, c.Nullable = name, false, "", false
		return c
	}
	t := Table{
		Name: rel.JoinTable,
		Columns: []Column{
			ref(rel.JoinColumn, m.PK),
			ref(rel.JoinRefColumn, other.PK),
		},
	}
	t.Columns[0].PrimaryKey, t.Columns[1].PrimaryKey = true, true
	a, b := []string{rel.JoinColumn}, []string{rel.JoinRefColumn}
	t.ForeignKeys = []ForeignKey{
		{Name: objectName(t.Name, a, "fkey"), Columns: a, RefTable: m.Table, RefColumns: []string{m.PK.Column}, OnDelete: orm.Cascade},
		{Name: objectName(t.Name, b, "fkey"), Columns: b, RefTable: other.Table, RefColumns: []string{other.PK.Column}, OnDelete: orm.Cascade},
	}
	// The primary key indexes the first column; the second needs its own index.
	t.Indexes = []Index{{Name: objectName(t.Name, b, "idx"), Columns: b}}
	return t, nil
}

// objectName names an index or constraint <table>_<columns>_<suffix>, the PostgreSQL
// convention, shortened to fit the identifier limit.
func objectName(table string, cols []string, suffix string) string {
	return shorten(table + "_" + strings.Join(cols, "_") + "_" + suffix)
}

// shorten cuts a name longer than the identifier limit and appends a hash of the whole
// name, so that different long names stay different.
func shorten(name string) string {
	if len(name) <= maxIdent {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	h := hex.EncodeToString(sum[:4])
	return strings.TrimRight(name[:maxIdent-len(h)-1], "_") + "_" + h
}

// creationOrderOn returns the new tables ordered so that each comes after the tables its
// foreign keys reference (in base or among the new ones), with the foreign keys that close
// a cycle split off: they must be added once all the tables exist. It validates every table
// against base on the way.
func creationOrderOn(base *Schema, tables []Table) (order []Table, deferred []AddForeignKey, err error) {
	done := base.clone()
	pending := make([]Table, len(tables))
	for i, t := range tables {
		pending[i] = t.clone()
	}
	ready := func(t Table) bool {
		for _, fk := range t.ForeignKeys {
			if fk.RefTable != t.Name && done.Table(fk.RefTable) == nil {
				return false
			}
		}
		return true
	}
	for len(pending) > 0 {
		progressed := false
		for i := 0; i < len(pending); i++ {
			if !ready(pending[i]) {
				continue
			}
			t := pending[i]
			if err := (CreateTable(t)).apply(done); err != nil {
				return nil, nil, fmt.Errorf("table %s: %w", t.Name, err)
			}
			order = append(order, t)
			pending = slices.Delete(pending, i, i+1)
			i--
			progressed = true
		}
		if progressed {
			continue
		}
		// A cycle: take the first pending table and defer its foreign keys to pending tables.
		t := &pending[0]
		var keep []ForeignKey
		for _, fk := range t.ForeignKeys {
			if fk.RefTable != t.Name && done.Table(fk.RefTable) == nil {
				deferred = append(deferred, AddForeignKey{Table: t.Name, ForeignKey: fk})
			} else {
				keep = append(keep, fk)
			}
		}
		t.ForeignKeys = keep
	}
	for _, fk := range deferred {
		if err := fk.apply(done); err != nil {
			return nil, nil, fmt.Errorf("table %s: %w", fk.Table, err)
		}
	}
	return order, deferred, nil
}
