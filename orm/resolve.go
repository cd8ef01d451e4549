package orm

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// resolve links the models of one Register call: foreign keys named by fk=Model, then
// belongs-to, has-many and many-to-many relation fields, then the indexes on foreign keys.
// The passes run in that order because a belongs-to field may declare the foreign key a
// has-many field of another model relies on.
func (b *builder) resolve() {
	for _, m := range b.order {
		for _, c := range m.cols {
			if fk := c.f.ForeignKey; fk != nil {
				target := b.lookupName(fk.Model)
				if target == nil {
					msg := fmt.Sprintf("fk=%s: no model named %s is registered (register it before or in the same Register call)", fk.Model, fk.Model)
					if s := closest(fk.Model, b.modelNames()); s != "" {
						msg += fmt.Sprintf(" (did you mean %q?)", s)
					}
					b.fail(m.meta.Name, c.f.Name, "fk", "%s", msg)
					continue
				}
				b.setFK(m, c, target)
			}
		}
	}
	rels := map[*model][]*relField{}
	for _, m := range b.order {
		rels[m] = make([]*relField, len(m.pending))
	}
	pass := func(want RelationKind) {
		for _, m := range b.order {
			for i, p := range m.pending {
				if kindOfPending(p) != want {
					continue
				}
				target := b.lookupType(p.elem)
				if target == nil {
					b.fail(m.meta.Name, p.name, "", "%s is not a registered model (register it before or in the same Register call)", p.elem)
					continue
				}
				var rf *relField
				switch want {
				case BelongsTo:
					rf = b.belongsTo(m, p, target)
				case HasMany:
					rf = b.hasMany(m, p, target)
				case ManyToMany:
					rf = b.manyToMany(m, p, target)
				}
				rels[m][i] = rf
			}
		}
	}
	pass(BelongsTo)
	pass(HasMany)
	pass(ManyToMany)
	if len(b.errs) > 0 {
		return
	}
	for _, m := range b.order {
		for _, rf := range rels[m] {
			m.rels = append(m.rels, rf)
			m.meta.Relations = append(m.meta.Relations, rf.rel)
		}
		m.pending = nil
		// Index every foreign key column that no index already starts with.
		for _, c := range m.cols {
			if c.f.ForeignKey == nil || c.f.PrimaryKey || c.f.Unique || c.f.Indexed {
				continue
			}
			covered := false
			for _, ix := range m.meta.Indexes {
				if ix.Columns[0] == c.f.Column {
					covered = true
				}
			}
			if !covered {
				c.f.Indexed = true
				m.meta.Indexes = append(m.meta.Indexes, Index{Name: indexName(m.meta.Table, []string{c.f.Column}, "idx"), Columns: []string{c.f.Column}})
			}
		}
	}
}

func kindOfPending(p pendingRel) RelationKind {
	if _, ok := p.opts["m2m"]; ok {
		return ManyToMany
	}
	if p.slice {
		return HasMany
	}
	return BelongsTo
}

func (b *builder) modelNames() []string {
	var names []string
	for _, m := range b.order {
		names = append(names, m.meta.Name)
	}
	for _, m := range b.old.models {
		names = append(names, m.meta.Name)
	}
	return names
}

func (b *builder) isNew(m *model) bool { return b.byType[m.meta.Type] == m }

// setFK makes column c of model m a foreign key to target's primary key.
func (b *builder) setFK(m *model, c *column, target *model) {
	pk := target.pk.f
	if c.f.Kind != pk.Kind {
		b.fail(m.meta.Name, c.f.Name, "fk", "foreign key to %s must have the kind of its primary key %s (%s), not %s", target.meta.Name, pk.Name, pk.Kind, c.f.Kind)
		return
	}
	if c.f.ForeignKey == nil {
		c.f.ForeignKey = &ForeignKey{}
	}
	fk := c.f.ForeignKey
	fk.Model = target.meta.Name
	fk.Table = target.meta.Table
	fk.Column = pk.Column
	fk.Name = indexName(m.meta.Table, []string{c.f.Column}, "fkey")
	if c.f.Kind == KindString && c.f.Size < pk.Size {
		c.f.Size = pk.Size
	}
	c.fkTarget = target
}

func (m *model) col(name string) *column {
	for _, c := range m.cols {
		if c.f.Name == name || c.f.Column == name {
			return c
		}
	}
	return nil
}

// colFold finds a column by Go name ignoring case, for the conventional names the registry
// infers (PostID for a model named Post or post).
func (m *model) colFold(name string) *column {
	for _, c := range m.cols {
		if strings.EqualFold(c.f.Name, name) {
			return c
		}
	}
	return nil
}

func newRelField(p pendingRel, kind RelationKind, target *model) *relField {
	return &relField{
		rel: &Relation{
			Name:    p.name,
			Kind:    kind,
			Model:   target.meta.Name,
			Path:    p.path,
			Slice:   p.slice,
			Pointer: p.ptr,
		},
		offset: p.offset,
		typ:    p.typ,
		elem:   p.elem,
		target: target,
	}
}

// belongsTo resolves `Author *User` through the foreign key field AuthorID (or fk=Field).
func (b *builder) belongsTo(m *model, p pendingRel, target *model) *relField {
	fkName := p.name + "ID"
	if o, ok := p.opts["fk"]; ok {
		fkName = o.value
	}
	c := m.col(fkName)
	if c == nil {
		b.fail(m.meta.Name, p.name, "fk", "belongs-to relation needs a foreign key field %s on %s (or name it with fk=Field)", fkName, m.meta.Name)
		return nil
	}
	if c.fkTarget == nil {
		if c.f.ForeignKey != nil {
			return nil // its fk= failed and was reported
		}
		b.setFK(m, c, target)
		if c.fkTarget == nil {
			return nil
		}
	} else if c.fkTarget != target {
		b.fail(m.meta.Name, p.name, "", "foreign key %s references %s, not %s", c.f.Name, c.fkTarget.meta.Name, target.meta.Name)
		return nil
	}
	rf := newRelField(p, BelongsTo, target)
	rf.rel.Column = c.f.Column
	rf.fk = c
	return rf
}

// hasMany resolves `Comments []Comment` through the foreign key to m on Comment.
func (b *builder) hasMany(m *model, p pendingRel, target *model) *relField {
	var c *column
	if o, ok := p.opts["fk"]; ok {
		c = target.col(o.value)
		if c == nil {
			b.fail(m.meta.Name, p.name, "fk", "fk=%s: %s has no field %s", o.value, target.meta.Name, o.value)
			return nil
		}
	} else {
		var found []*column
		for _, tc := range target.cols {
			if tc.fkTarget == m {
				found = append(found, tc)
			}
		}
		switch len(found) {
		case 1:
			c = found[0]
		case 0:
			c = target.colFold(m.meta.Name + "ID")
			if c == nil || c.f.ForeignKey != nil {
				b.fail(m.meta.Name, p.name, "", "has-many relation needs a foreign key to %s on %s: tag a field of %s with fk=%s, or add a field %sID",
					m.meta.Name, target.meta.Name, target.meta.Name, m.meta.Name, m.meta.Name)
				return nil
			}
		default:
			b.fail(m.meta.Name, p.name, "fk", "%s has %d foreign keys to %s (%s, %s...): choose one with fk=Field",
				target.meta.Name, len(found), m.meta.Name, found[0].f.Name, found[1].f.Name)
			return nil
		}
	}
	if c.fkTarget == nil {
		if c.f.ForeignKey != nil {
			return nil
		}
		if !b.isNew(target) {
			b.fail(m.meta.Name, p.name, "fk", "%s.%s is not a foreign key: tag it fk=%s", target.meta.Name, c.f.Name, m.meta.Name)
			return nil
		}
		b.setFK(target, c, m)
		if c.fkTarget == nil {
			return nil
		}
	} else if c.fkTarget != m {
		b.fail(m.meta.Name, p.name, "fk", "%s.%s references %s, not %s", target.meta.Name, c.f.Name, c.fkTarget.meta.Name, m.meta.Name)
		return nil
	}
	rf := newRelField(p, HasMany, target)
	rf.rel.Column = c.f.Column
	rf.fk = c
	return rf
}

// manyToMany resolves `Tags []Tag `orm:"m2m"“ and synthesises (or shares) its join table.
func (b *builder) manyToMany(m *model, p pendingRel, target *model) *relField {
	if !p.slice {
		b.fail(m.meta.Name, p.name, "m2m", "m2m needs a slice ([]%s or []*%s)", p.elem.Name(), p.elem.Name())
		return nil
	}
	table := shortName(snakeCase(m.meta.Name) + "_" + snakeCase(p.name))
	if o := p.opts["m2m"]; o.hasValue {
		if !validIdent(o.value) {
			b.fail(m.meta.Name, p.name, "m2m", "m2m=%q is not a valid table name", o.value)
			return nil
		}
		table = o.value
	}
	col := snakeCase(m.meta.Name) + "_id"
	ref := snakeCase(target.meta.Name) + "_id"
	if col == ref {
		ref = singular(snakeCase(p.name)) + "_id"
		if col == ref {
			ref = "to_" + ref
		}
	}
	rf := newRelField(p, ManyToMany, target)
	rf.rel.JoinTable = table

	// A join table of the same name may already link the two models (Tag.Posts sharing
	// post_tags with Post.Tags).
	var existing *Meta
	for _, j := range append(append([]*Meta(nil), b.old.joins...), b.joins...) {
		if j.Table == table {
			existing = j
		}
	}
	if existing != nil {
		f0, f1 := existing.Fields[0].ForeignKey, existing.Fields[1].ForeignKey
		switch {
		case f0.Model == target.meta.Name && f1.Model == m.meta.Name:
			rf.rel.JoinColumn, rf.rel.JoinRefColumn = existing.Fields[1].Column, existing.Fields[0].Column
		case f0.Model == m.meta.Name && f1.Model == target.meta.Name:
			rf.rel.JoinColumn, rf.rel.JoinRefColumn = existing.Fields[0].Column, existing.Fields[1].Column
		default:
			b.fail(m.meta.Name, p.name, "m2m", "join table %q already links %s and %s", table, f0.Model, f1.Model)
			return nil
		}
		rf.rel.Join = existing
		return rf
	}
	if owner := b.tableOwner(table); owner != "" {
		b.fail(m.meta.Name, p.name, "m2m", "join table %q is already the table of %s (choose another with m2m=name)", table, owner)
		return nil
	}
	rf.rel.JoinColumn, rf.rel.JoinRefColumn = col, ref
	keyField := func(column string, to *model) *Field {
		pk := to.pk.f
		return &Field{
			Name:       column,
			Column:     column,
			Kind:       pk.Kind,
			Size:       pk.Size,
			PrimaryKey: true,
			Type:       pk.Type,
			Label:      humanize(to.meta.Name),
			ForeignKey: &ForeignKey{
				Model:    to.meta.Name,
				Table:    to.meta.Table,
				Column:   pk.Column,
				OnDelete: Cascade,
				Name:     indexName(table, []string{column}, "fkey"),
			},
		}
	}
	f0, f1 := keyField(col, m), keyField(ref, target)
	j := &Meta{
		Name:        m.meta.Name + "." + p.name,
		Table:       table,
		Fields:      []*Field{f0, f1},
		PrimaryKey:  []*Field{f0, f1},
		Indexes:     []Index{{Name: indexName(table, []string{ref}, "idx"), Columns: []string{ref}}},
		JoinOf:      rf.rel,
		Label:       m.meta.Label + " " + humanizeLower(p.name),
		LabelPlural: m.meta.Label + " " + humanizeLower(p.name),
	}
	rf.rel.Join = j
	b.joins = append(b.joins, j)
	return rf
}

func humanizeLower(s string) string {
	h := humanize(s)
	r, size := utf8.DecodeRuneInString(h)
	if size == 0 {
		return h
	}
	if next, _ := utf8.DecodeRuneInString(h[size:]); unicode.IsUpper(next) {
		return h // it starts with an acronym such as "URL"
	}
	return string(unicode.ToLower(r)) + h[size:]
}
