package orm

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unsafe"

	"github.com/google/uuid"
)

// checkPath validates a dotted relation path for Prefetch.
func (db *DB) checkPath(m *model, path string) error {
	for _, name := range strings.Split(path, ".") {
		rf := m.rel(name)
		if rf == nil {
			var names []string
			for _, r := range m.rels {
				names = append(names, r.rel.Name)
			}
			reason := "no such relation"
			if s := closest(name, names); s != "" {
				reason += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return &FieldError{Model: m.meta.Name, Field: shortForError(name), Reason: reason}
		}
		m = rf.target
	}
	return nil
}

// prefetch loads the relations named by paths into the rows at bases (of model m), one
// query per relation (per chunk of keys when there are more keys than the database takes
// parameters).
func (db *DB) prefetch(ctx context.Context, st *txState, m *model, bases []unsafe.Pointer, paths []string) error {
	var order []string
	nested := map[string][]string{}
	for _, p := range paths {
		head, rest, _ := strings.Cut(p, ".")
		if _, ok := nested[head]; !ok {
			order = append(order, head)
			nested[head] = nil
		}
		if rest != "" {
			nested[head] = append(nested[head], rest)
		}
	}
	for _, name := range order {
		rf := m.rel(name)
		if rf == nil {
			return db.checkPath(m, name)
		}
		var err error
		switch rf.rel.Kind {
		case BelongsTo:
			err = db.prefetchBelongsTo(ctx, st, rf, bases, nested[name])
		case HasMany:
			err = db.prefetchHasMany(ctx, st, m, rf, bases, nested[name])
		case ManyToMany:
			err = db.prefetchManyToMany(ctx, st, m, rf, bases, nested[name])
		}
		if err != nil {
			return fmt.Errorf("orm: prefetching %s.%s: %w", m.meta.Name, name, err)
		}
	}
	return nil
}

// keysOf returns the distinct non-NULL values of column c in the rows at bases.
func (db *DB) keysOf(c *column, bases []unsafe.Pointer) ([]any, error) {
	seen := make(map[any]struct{}, len(bases))
	keys := make([]any, 0, len(bases))
	for _, b := range bases {
		k, err := db.bindValue(c, b)
		if err != nil {
			return nil, err
		}
		if k == nil {
			continue
		}
		if _, dup := seen[k]; !dup {
			seen[k] = struct{}{}
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// loaded is a set of related rows read by a prefetch query, held in a reflect slice.
type loaded struct {
	slice reflect.Value // []Target
	extra []any         // per row, the owner key of a many-to-many row
}

func (l *loaded) base(i int) unsafe.Pointer { return l.slice.Index(i).Addr().UnsafePointer() }

// load reads the rows of target whose column col is one of keys; with join set, through
// the join table of a many-to-many relation, also returning the owner key of each row.
func (db *DB) load(ctx context.Context, st *txState, target *model, col string, keys []any, join *Relation, ownerKind Kind) (*loaded, error) {
	tp := db.planOf(target)
	d := db.d
	l := &loaded{slice: reflect.MakeSlice(reflect.SliceOf(target.meta.Type), 0, len(keys))}
	per := db.feat.MaxParams
	zero := reflect.Zero(target.meta.Type)
	for start := 0; start < len(keys); start += per {
		chunk := keys[start:min(start+per, len(keys))]
		s := &sqlBuf{d: d}
		if join == nil {
			s.str("SELECT " + tp.selCols + " FROM " + tp.table + " WHERE " + d.Quote(col) + " IN (")
		} else {
			jt := d.Quote(join.JoinTable)
			jc := jt + "." + d.Quote(join.JoinColumn)
			s.str("SELECT " + tp.qualCols + ", " + jc + " FROM " + tp.table + " JOIN " + jt + " ON " +
				jt + "." + d.Quote(join.JoinRefColumn) + " = " + tp.table + "." + tp.pk + " WHERE " + jc + " IN (")
		}
		for i, k := range chunk {
			if i > 0 {
				s.str(", ")
			}
			s.ph(k)
		}
		s.str(") ORDER BY " + tp.table + "." + tp.pk)
		rows, err := db.query(ctx, db.executor(st, false), target, s.String(), s.args)
		if err != nil {
			return nil, err
		}
		sc := newScanner(target.cols, 1)
		var ownerKey any
		if join != nil {
			sc.dest = append(sc.dest, &ownerKey)
		}
		for rows.Next() {
			l.slice = reflect.Append(l.slice, zero)
			b := l.base(l.slice.Len() - 1)
			sc.point(b)
			if err := rows.Scan(sc.dest...); err != nil {
				rows.Close()
				return nil, fmt.Errorf("scanning %s: %w", target.meta.Name, err)
			}
			sc.fix(b)
			if join != nil {
				k, err := normKey(ownerKind, ownerKey)
				if err != nil {
					rows.Close()
					return nil, err
				}
				l.extra = append(l.extra, k)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return l, nil
}

// normKey puts a key read through a join table into the form bindValue gives keys.
func normKey(k Kind, v any) (any, error) {
	switch k {
	case KindInt:
		switch x := v.(type) {
		case int64:
			return x, nil
		case []byte:
			return strconv.ParseInt(string(x), 10, 64)
		case string:
			return strconv.ParseInt(x, 10, 64)
		}
	case KindUUID:
		var u uuid.UUID
		if err := u.Scan(v); err != nil {
			return nil, err
		}
		return u.String(), nil
	case KindString:
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		}
	}
	return nil, fmt.Errorf("unexpected key %T", v)
}

// prefetchBelongsTo loads the rows referenced by the foreign key of each row (Post.Author).
func (db *DB) prefetchBelongsTo(ctx context.Context, st *txState, rf *relField, bases []unsafe.Pointer, nested []string) error {
	keys, err := db.keysOf(rf.fk, bases)
	if err != nil {
		return err
	}
	var l *loaded
	index := map[any]int{}
	if len(keys) > 0 {
		if l, err = db.load(ctx, st, rf.target, rf.target.pk.f.Column, keys, nil, 0); err != nil {
			return err
		}
		if err := db.nestedPrefetch(ctx, st, rf.target, l, nested); err != nil {
			return err
		}
		for i := 0; i < l.slice.Len(); i++ {
			k, err := db.bindValue(rf.target.pk, l.base(i))
			if err != nil {
				return err
			}
			index[k] = i
		}
	}
	for _, b := range bases {
		field := reflect.NewAt(rf.typ, unsafe.Add(b, rf.offset)).Elem()
		k, err := db.bindValue(rf.fk, b)
		if err != nil {
			return err
		}
		i, ok := index[k]
		if k == nil || !ok {
			field.SetZero()
			continue
		}
		if rf.rel.Pointer {
			field.Set(l.slice.Index(i).Addr())
		} else {
			field.Set(l.slice.Index(i))
		}
	}
	return nil
}

// prefetchHasMany loads the rows referencing each row (Post.Comments).
func (db *DB) prefetchHasMany(ctx context.Context, st *txState, m *model, rf *relField, bases []unsafe.Pointer, nested []string) error {
	keys, err := db.keysOf(m.pk, bases)
	if err != nil {
		return err
	}
	l, err := db.load(ctx, st, rf.target, rf.fk.f.Column, keys, nil, 0)
	if err != nil {
		return err
	}
	if err := db.nestedPrefetch(ctx, st, rf.target, l, nested); err != nil {
		return err
	}
	groups := map[any][]int{}
	for i := 0; i < l.slice.Len(); i++ {
		k, err := db.bindValue(rf.fk, l.base(i))
		if err != nil {
			return err
		}
		groups[k] = append(groups[k], i)
	}
	return db.distribute(m, rf, l, bases, groups)
}

// prefetchManyToMany loads the rows linked to each row through the join table (Post.Tags).
func (db *DB) prefetchManyToMany(ctx context.Context, st *txState, m *model, rf *relField, bases []unsafe.Pointer, nested []string) error {
	keys, err := db.keysOf(m.pk, bases)
	if err != nil {
		return err
	}
	l, err := db.load(ctx, st, rf.target, "", keys, rf.rel, m.pk.f.Kind)
	if err != nil {
		return err
	}
	if err := db.nestedPrefetch(ctx, st, rf.target, l, nested); err != nil {
		return err
	}
	groups := map[any][]int{}
	for i, k := range l.extra {
		groups[k] = append(groups[k], i)
	}
	return db.distribute(m, rf, l, bases, groups)
}

// distribute sets each owner's slice field to its related rows.
func (db *DB) distribute(m *model, rf *relField, l *loaded, bases []unsafe.Pointer, groups map[any][]int) error {
	for _, b := range bases {
		k, err := db.bindValue(m.pk, b)
		if err != nil {
			return err
		}
		idx := groups[k]
		s := reflect.MakeSlice(rf.typ, len(idx), len(idx))
		for j, i := range idx {
			if rf.rel.Pointer {
				s.Index(j).Set(l.slice.Index(i).Addr())
			} else {
				s.Index(j).Set(l.slice.Index(i))
			}
		}
		reflect.NewAt(rf.typ, unsafe.Add(b, rf.offset)).Elem().Set(s)
	}
	return nil
}

func (db *DB) nestedPrefetch(ctx context.Context, st *txState, target *model, l *loaded, nested []string) error {
	if len(nested) == 0 || l == nil || l.slice.Len() == 0 {
		return nil
	}
	bases := make([]unsafe.Pointer, l.slice.Len())
	for i := range bases {
		bases[i] = l.base(i)
	}
	return db.prefetch(ctx, st, target, bases, nested)
}
