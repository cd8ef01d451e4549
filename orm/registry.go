package orm

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Registry holds the metadata of an application's models. Each App has its own; there is no
// global registry. Register reads every model's struct tags once; queries then use the
// cached metadata and plans and never parse tags again.
//
// A Registry is safe for concurrent use. Registration normally happens at start-up, before
// the first query; later registrations are visible to queries that start after them.
type Registry struct {
	mu    sync.Mutex // serialises Register
	state atomic.Pointer[regState]
}

// regState is an immutable snapshot of the registry: Register builds a new one and swaps
// it in, so readers never lock.
type regState struct {
	models []*model // in registration order
	joins  []*Meta  // synthesised join tables, in creation order
	byType map[reflect.Type]*model
	byName map[string]*model
	tables map[string]*Meta // every table, models and join tables
	// constraints maps constraint and index names to what they cover, for turning a
	// database's violation message into column names.
	constraints map[string]constraintInfo
}

type constraintInfo struct {
	table   string
	columns []string
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	r := &Registry{}
	r.state.Store(&regState{
		byType:      map[reflect.Type]*model{},
		byName:      map[string]*model{},
		tables:      map[string]*Meta{},
		constraints: map[string]constraintInfo{},
	})
	return r
}

// Register adds models to the registry. Each argument is a struct value or a pointer to one
// (Post{}, &Post{} or (*Post)(nil)); registering a type again is a no-op. References
// between models (fk=Model, relation fields) may point to models registered earlier or in
// the same call, in any order. Every problem found (unknown or misspelt tag options, bad
// values, unsupported field types, references to unregistered models) is reported, each
// naming the model, field and option; on error nothing is registered.
func (r *Registry) Register(models ...any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.state.Load()
	b := &builder{old: old, byType: map[reflect.Type]*model{}, byName: map[string]*model{}}

	for _, v := range models {
		if v == nil {
			b.errs = append(b.errs, errors.New("orm: Register: nil model"))
			continue
		}
		t := reflect.TypeOf(v)
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || t.Name() == "" {
			b.errs = append(b.errs, fmt.Errorf("orm: Register: %s is not a named struct type", reflect.TypeOf(v)))
			continue
		}
		if old.byType[t] != nil || b.byType[t] != nil {
			continue
		}
		m := b.parseModel(t)
		if m == nil {
			continue
		}
		b.order = append(b.order, m)
		b.byType[t] = m
		if prev := b.lookupName(m.meta.Name); prev != nil {
			b.errs = append(b.errs, &ModelError{Model: m.meta.Name, Reason: fmt.Sprintf(
				"a model named %s is already registered (%s); model names must be unique", m.meta.Name, prev.meta.Type)})
			continue
		}
		b.byName[m.meta.Name] = m
	}
	if len(b.errs) == 0 {
		b.resolve()
	}
	if len(b.errs) > 0 {
		return errors.Join(b.errs...)
	}
	if len(b.order) == 0 {
		return nil
	}

	ns := &regState{
		models:      slices.Concat(old.models, b.order),
		joins:       slices.Concat(old.joins, b.joins),
		byType:      make(map[reflect.Type]*model, len(old.byType)+len(b.order)),
		byName:      make(map[string]*model, len(old.byName)+len(b.order)),
		tables:      make(map[string]*Meta, len(old.tables)+len(b.order)+len(b.joins)),
		constraints: make(map[string]constraintInfo, len(old.constraints)),
	}
	for k, v := range old.byType {
		ns.byType[k] = v
	}
	for k, v := range old.byName {
		ns.byName[k] = v
	}
	for k, v := range old.tables {
		ns.tables[k] = v
	}
	for k, v := range old.constraints {
		ns.constraints[k] = v
	}
	for _, m := range b.order {
		ns.byType[m.meta.Type] = m
		ns.byName[m.meta.Name] = m
		ns.tables[m.meta.Table] = m.meta
	}
	for _, j := range b.joins {
		ns.tables[j.Table] = j
	}
	for _, m := range slices.Concat(metasOf(b.order), b.joins) {
		addConstraints(ns.constraints, m)
	}
	r.state.Store(ns)
	return nil
}

func metasOf(ms []*model) []*Meta {
	out := make([]*Meta, len(ms))
	for i, m := range ms {
		out[i] = m.meta
	}
	return out
}

func addConstraints(c map[string]constraintInfo, m *Meta) {
	var pk []string
	for _, f := range m.PrimaryKey {
		pk = append(pk, f.Column)
	}
	c[m.Table+"_pkey"] = constraintInfo{m.Table, pk}
	for _, ix := range m.Indexes {
		c[ix.Name] = constraintInfo{m.Table, ix.Columns}
	}
	for _, f := range m.Fields {
		if f.ForeignKey != nil {
			c[f.ForeignKey.Name] = constraintInfo{m.Table, []string{f.Column}}
		}
		// PostgreSQL's name for a column CHECK constraint, which the ORM's error mapping
		// also accepts from the other databases.
		c[m.Table+"_"+f.Column+"_check"] = constraintInfo{m.Table, []string{f.Column}}
	}
}

// Models returns the metadata of every registered model in registration order, followed by
// the join tables of many-to-many relations (see Meta).
func (r *Registry) Models() []*Meta {
	s := r.state.Load()
	out := make([]*Meta, 0, len(s.models)+len(s.joins))
	for _, m := range s.models {
		out = append(out, m.meta)
	}
	return append(out, s.joins...)
}

// Meta returns the metadata of the model (or join table) with the given name, or nil. The
// name is the Go type name ("Post"), optionally qualified by the last element of its package
// path ("blog.Post"); join tables are named "<Model>.<Relation>" ("Post.Tags").
func (r *Registry) Meta(name string) *Meta {
	s := r.state.Load()
	if m := lookupName(s.byName, name); m != nil {
		return m.meta
	}
	for _, j := range s.joins {
		if j.Name == name {
			return j
		}
	}
	return nil
}

// MetaOf returns the metadata of the registered model of type t (a struct type or a pointer
// to one), or nil.
func (r *Registry) MetaOf(t reflect.Type) *Meta {
	if t == nil {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if m := r.state.Load().byType[t]; m != nil {
		return m.meta
	}
	return nil
}

// Table returns the metadata of the model or join table stored in table, or nil.
func (r *Registry) Table(table string) *Meta {
	return r.state.Load().tables[table]
}

// MetaFor returns the metadata of the registered model T, or nil.
func MetaFor[T any](r *Registry) *Meta {
	return r.MetaOf(reflect.TypeFor[T]())
}

// modelOf returns the registry's record for type t.
func (r *Registry) modelOf(t reflect.Type) *model {
	return r.state.Load().byType[t]
}

func lookupName(byName map[string]*model, name string) *model {
	if m := byName[name]; m != nil {
		return m
	}
	pkg, typ, ok := strings.Cut(name, ".")
	if !ok {
		return nil
	}
	m := byName[typ]
	if m == nil {
		return nil
	}
	path := m.meta.Type.PkgPath()
	if path == pkg || strings.HasSuffix(path, "/"+pkg) {
		return m
	}
	return nil
}

// builder accumulates one Register call.
type builder struct {
	old    *regState
	order  []*model
	byType map[reflect.Type]*model
	byName map[string]*model
	joins  []*Meta
	errs   []error
}

func (b *builder) lookupName(name string) *model {
	if m := lookupName(b.byName, name); m != nil {
		return m
	}
	return lookupName(b.old.byName, name)
}

func (b *builder) lookupType(t reflect.Type) *model {
	if m := b.byType[t]; m != nil {
		return m
	}
	return b.old.byType[t]
}

func (b *builder) fail(model, field, option, format string, args ...any) {
	b.errs = append(b.errs, &ModelError{Model: model, Field: field, Option: option, Reason: fmt.Sprintf(format, args...)})
}
