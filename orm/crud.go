package orm

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"
	"unsafe"

	"github.com/google/uuid"
)

// objectPlan finds the DB in ctx and the plan of model T.
func objectPlan[T any](ctx context.Context, v *T, op string) (*DB, *plan, error) {
	if v == nil {
		return nil, nil, fmt.Errorf("orm: %s: nil %s", op, reflect.TypeFor[*T]())
	}
	db, _ := session(ctx)
	if db == nil {
		return nil, nil, ErrNoDB
	}
	p, err := db.planFor(reflect.TypeFor[T]())
	return db, p, err
}

// Create inserts v. It sets CreatedAt and UpdatedAt when zero, assigns a version 7 UUID to a
// zero UUID primary key, gives zero fields that declare default= their default, runs the
// BeforeCreate, Validate and AfterCreate hooks, and stores the generated primary key in v.
// A constraint violation is returned as a typed error (*UniqueViolation, ...).
func Create[T any](ctx context.Context, v *T) error {
	db, p, err := objectPlan(ctx, v, "Create")
	if err != nil {
		return err
	}
	base := unsafe.Pointer(v)
	if err := db.prepareCreate(p.m, base); err != nil {
		return err
	}
	if p.m.hooks&(hBeforeCreate|hAfterCreate) != 0 {
		return db.Tx(ctx, func(ctx context.Context) error { return createRow(ctx, db, p, v, base) })
	}
	// Without hooks there is no transaction, and no closure to allocate.
	return createRow(ctx, db, p, v, base)
}

// createRow runs Create's hooks and INSERT in ctx (inside a transaction when there are hooks).
func createRow[T any](ctx context.Context, db *DB, p *plan, v *T, base unsafe.Pointer) error {
	if err := p.m.hooks.beforeWrite(ctx, v, hBeforeCreate); err != nil {
		return err
	}
	_, st := session(ctx)
	if err := db.insertOne(ctx, st, p, base); err != nil {
		return err
	}
	if p.m.hooks&hAfterCreate != 0 {
		return any(v).(AfterCreateHook).AfterCreate(ctx)
	}
	return nil
}

// prepareCreate fills the automatic values of a new row: timestamps, a UUID key, defaults.
func (db *DB) prepareCreate(m *model, base unsafe.Pointer) error {
	var now time.Time
	if m.created != nil || m.updated != nil || m.hasDefNow() {
		now = db.now().UTC().Truncate(time.Microsecond)
	}
	for _, c := range []*column{m.created, m.updated} {
		if c != nil {
			if t := (*time.Time)(c.fieldPtr(base)); t.IsZero() {
				*t = now
			}
		}
	}
	if pk := m.pk; pk.f.Kind == KindUUID {
		v := pk.value(base)
		if v.IsZero() {
			u, err := uuid.NewV7()
			if err != nil {
				return fmt.Errorf("orm: generating a UUID: %w", err)
			}
			if v.Kind() == reflect.Pointer {
				v.Set(reflect.New(v.Type().Elem()))
				v = v.Elem()
			}
			reflect.Copy(v, reflect.ValueOf(u[:]))
		}
	}
	for _, c := range m.cols {
		if !c.hasDef {
			continue
		}
		v := c.value(base)
		if !v.IsZero() {
			continue
		}
		switch {
		case c.defNow:
			t := reflect.ValueOf(now)
			if c.f.Kind == KindDate {
				t = reflect.ValueOf(now.Truncate(24 * time.Hour))
			}
			if v.Kind() == reflect.Pointer {
				p := reflect.New(v.Type().Elem())
				p.Elem().Set(t)
				v.Set(p)
			} else if v.Type() == typeTime {
				v.Set(t)
			}
		case c.def.IsValid():
			if v.Kind() == reflect.Pointer && c.def.Type() == v.Type().Elem() {
				p := reflect.New(v.Type().Elem())
				p.Elem().Set(c.def)
				v.Set(p)
			} else if c.def.Type() == v.Type() {
				if c.f.Kind == KindJSON {
					// A fresh copy, so rows never share a map or slice.
					nv := reflect.New(v.Type())
					data, _ := json.Marshal(c.def.Interface())
					_ = json.Unmarshal(data, nv.Interface())
					v.Set(nv.Elem())
				} else {
					v.Set(c.def)
				}
			}
		}
	}
	return nil
}

func (m *model) hasDefNow() bool {
	for _, c := range m.cols {
		if c.defNow {
			return true
		}
	}
	return false
}

// pkIsZero reports whether the primary key of the row at base is unset.
func (m *model) pkIsZero(base unsafe.Pointer) bool {
	if m.pk.acc == aInt64 {
		return *(*int64)(m.pk.fieldPtr(base)) == 0
	}
	return m.pk.value(base).IsZero()
}

// scanPK reads a generated integer key from the current row into the row at base.
func (m *model) scanPK(rows *sql.Rows, base unsafe.Pointer) error {
	var err error
	if m.pk.acc == aInt64 {
		err = rows.Scan((*int64)(m.pk.fieldPtr(base)))
	} else {
		var id int64
		if err = rows.Scan(&id); err == nil {
			m.setPK(base, id)
		}
	}
	if err != nil {
		return fmt.Errorf("orm: reading the key of %s: %w", m.meta.Name, err)
	}
	return nil
}

// setPK stores a generated integer key.
func (m *model) setPK(base unsafe.Pointer, id int64) {
	if m.pk.acc == aInt64 {
		*(*int64)(m.pk.fieldPtr(base)) = id
		return
	}
	v := m.pk.value(base)
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(id)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(id))
	}
}

// bindRow binds the given columns of the row at base, appending to a's arguments.
func (db *DB) bindRow(a *argArena, cols []*column, base unsafe.Pointer) error {
	for _, c := range cols {
		if err := db.bindInto(a, c, base); err != nil {
			return err
		}
	}
	return nil
}

// insertOne inserts the row at base and stores its generated key.
func (db *DB) insertOne(ctx context.Context, st *txState, p *plan, base unsafe.Pointer) error {
	m := p.m
	auto := m.pk.f.AutoIncrement && m.pkIsZero(base)
	cols, q := p.insCols, p.ins
	if m.pk.f.AutoIncrement && !auto {
		cols, q = p.allCols, p.insAll
	}
	a := newArena(cols, 1, 0)
	if err := db.bindRow(a, cols, base); err != nil {
		return err
	}
	args := a.args
	ex := db.executor(st, true)
	if auto && db.feat.Returning {
		rows, err := db.query(ctx, ex, m, q, args)
		if err != nil {
			return db.completeFK(ctx, ex, err, m, base, false)
		}
		defer rows.Close()
		if !rows.Next() {
			if err := rows.Err(); err != nil {
				return db.completeFK(ctx, ex, db.translate(err, m), m, base, false)
			}
			return fmt.Errorf("orm: insert into %s returned no key", m.meta.Table)
		}
		if err := m.scanPK(rows, base); err != nil {
			return err
		}
		return rows.Close()
	}
	res, err := db.execute(ctx, ex, m, q, args)
	if err != nil {
		return db.completeFK(ctx, ex, err, m, base, false)
	}
	if auto {
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("orm: reading the key of %s: %w", m.meta.Name, err)
		}
		m.setPK(base, id)
	}
	return nil
}

// Save updates the row of v (found by its primary key) with v's field values: all fields,
// or only the named ones (Go or column names) when fields are given. UpdatedAt is set to
// the current time. It runs the BeforeUpdate, Validate and AfterUpdate hooks, and returns
// ErrNotFound when no row has v's key.
func Save[T any](ctx context.Context, v *T, fields ...string) error {
	db, p, err := objectPlan(ctx, v, "Save")
	if err != nil {
		return err
	}
	m := p.m
	base := unsafe.Pointer(v)
	if m.pkIsZero(base) {
		return fmt.Errorf("orm: Save: %s has no primary key value (use Create for new rows)", m.meta.Name)
	}
	cols, q := p.updCols, p.upd
	if len(fields) > 0 {
		if cols, err = m.saveColumns(fields); err != nil {
			return err
		}
		q = db.updateSQL(p, cols)
	}
	if m.updated != nil {
		*(*time.Time)(m.updated.fieldPtr(base)) = db.now().UTC().Truncate(time.Microsecond)
	}
	if m.hooks&(hBeforeUpdate|hAfterUpdate) != 0 {
		return db.Tx(ctx, func(ctx context.Context) error { return saveRow(ctx, db, m, v, base, cols, q) })
	}
	// Without hooks there is no transaction, and no closure to allocate.
	return saveRow(ctx, db, m, v, base, cols, q)
}

// saveRow runs Save's hooks and UPDATE in ctx (inside a transaction when there are hooks).
func saveRow[T any](ctx context.Context, db *DB, m *model, v *T, base unsafe.Pointer, cols []*column, q string) error {
	if err := m.hooks.beforeWrite(ctx, v, hBeforeUpdate); err != nil {
		return err
	}
	a := newArena(cols, 1, 1)
	if err := db.bindRow(a, cols, base); err != nil {
		return err
	}
	if err := db.bindInto(a, m.pk, base); err != nil {
		return err
	}
	args := a.args
	_, st := session(ctx)
	ex := db.executor(st, true)
	res, err := db.execute(ctx, ex, m, q, args)
	if err != nil {
		return db.completeFK(ctx, ex, err, m, base, false)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("orm: Save %s: %w", m.meta.Name, err)
	} else if n == 0 {
		return ErrNotFound
	}
	if m.hooks&hAfterUpdate != 0 {
		return any(v).(AfterUpdateHook).AfterUpdate(ctx)
	}
	return nil
}

// Delete deletes the row of v (found by its primary key), running the BeforeDelete and
// AfterDelete hooks. It returns ErrNotFound when no row has v's key, and a
// *ForeignKeyViolation when other rows still reference it.
func Delete[T any](ctx context.Context, v *T) error {
	db, p, err := objectPlan(ctx, v, "Delete")
	if err != nil {
		return err
	}
	m := p.m
	base := unsafe.Pointer(v)
	return db.inTx(ctx, m.hooks&(hBeforeDelete|hAfterDelete) != 0, func(ctx context.Context) error {
		if m.hooks&hBeforeDelete != 0 {
			if err := any(v).(BeforeDeleteHook).BeforeDelete(ctx); err != nil {
				return err
			}
		}
		pk, err := db.bindValue(m.pk, base)
		if err != nil {
			return err
		}
		_, st := session(ctx)
		ex := db.executor(st, true)
		res, err := db.execute(ctx, ex, m, p.del, []any{pk})
		if err != nil {
			return db.completeFK(ctx, ex, err, m, base, true)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("orm: Delete %s: %w", m.meta.Name, err)
		} else if n == 0 {
			return ErrNotFound
		}
		if m.hooks&hAfterDelete != 0 {
			return any(v).(AfterDeleteHook).AfterDelete(ctx)
		}
		return nil
	})
}

// maxBatchRows caps the rows of one multi-row INSERT, keeping statements a reasonable size.
const maxBatchRows = 1000

// CreateMany inserts rows with multi-row INSERT statements, as few as the database's
// parameter limit allows, and stores the generated keys in the slice's elements. Automatic
// values and hooks are handled per row as in Create. When more than one statement is
// needed, or the model has hooks, all rows are inserted in one transaction (a savepoint
// inside an open one): either every row is written or none is.
//
// Keys are read with RETURNING on PostgreSQL and SQLite; on MySQL they are derived from the
// first generated id, which assumes auto_increment_increment = 1 (the default). Either all
// rows have their integer key set, or none do.
func CreateMany[T any](ctx context.Context, rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	db, p, err := objectPlan(ctx, &rows[0], "CreateMany")
	if err != nil {
		return err
	}
	m := p.m
	bases := make([]unsafe.Pointer, len(rows))
	for i := range rows {
		bases[i] = unsafe.Pointer(&rows[i])
		if err := db.prepareCreate(m, bases[i]); err != nil {
			return err
		}
	}
	cols := p.insCols
	auto := m.pk.f.AutoIncrement
	if auto {
		zero := 0
		for _, b := range bases {
			if m.pkIsZero(b) {
				zero++
			}
		}
		switch zero {
		case len(bases):
		case 0:
			auto, cols = false, p.allCols
		default:
			return fmt.Errorf("orm: CreateMany %s: %d of %d rows have an ID set; set all or none", m.meta.Name, len(bases)-zero, len(bases))
		}
	}
	per := maxBatchRows
	if len(cols) > 0 {
		per = min(per, db.feat.MaxParams/len(cols))
	} else {
		per = 1
	}
	batches := (len(rows) + per - 1) / per
	hooks := m.hooks&(hBeforeCreate|hAfterCreate) != 0
	return db.inTx(ctx, batches > 1 || hooks, func(ctx context.Context) error {
		for i := range rows {
			if err := m.hooks.beforeWrite(ctx, &rows[i], hBeforeCreate); err != nil {
				return err
			}
		}
		_, st := session(ctx)
		for start := 0; start < len(bases); start += per {
			end := min(start+per, len(bases))
			if err := db.insertBatch(ctx, st, p, cols, auto, bases[start:end]); err != nil {
				return err
			}
		}
		if m.hooks&hAfterCreate != 0 {
			for i := range rows {
				if err := any(&rows[i]).(AfterCreateHook).AfterCreate(ctx); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// insertBatch inserts rows with one statement and stores their generated keys.
func (db *DB) insertBatch(ctx context.Context, st *txState, p *plan, cols []*column, auto bool, bases []unsafe.Pointer) error {
	m := p.m
	if len(cols) == 0 {
		for _, b := range bases {
			if err := db.insertOne(ctx, st, p, b); err != nil {
				return err
			}
		}
		return nil
	}
	q := db.insertSQL(p, cols, len(bases))
	a := newArena(cols, len(bases), 0)
	for _, b := range bases {
		if err := db.bindRow(a, cols, b); err != nil {
			return err
		}
	}
	args := a.args
	ex := db.executor(st, true)
	fail := func(err error) error {
		for _, b := range bases {
			err = db.completeFK(ctx, ex, err, m, b, false)
			if fk, ok := err.(*ForeignKeyViolation); !ok || len(fk.Columns) > 0 {
				break
			}
		}
		return err
	}
	if auto && db.feat.Returning {
		rows, err := db.query(ctx, ex, m, q+" RETURNING "+p.pk, args)
		if err != nil {
			return fail(err)
		}
		defer rows.Close()
		i := 0
		for rows.Next() {
			if i >= len(bases) {
				return fmt.Errorf("orm: insert into %s returned more keys than rows", m.meta.Table)
			}
			if err := m.scanPK(rows, bases[i]); err != nil {
				return err
			}
			i++
		}
		if err := rows.Err(); err != nil {
			return fail(db.translate(err, m))
		}
		if i != len(bases) {
			return fmt.Errorf("orm: insert into %s returned %d keys for %d rows", m.meta.Table, i, len(bases))
		}
		return rows.Close()
	}
	res, err := db.execute(ctx, ex, m, q, args)
	if err != nil {
		return fail(err)
	}
	if auto {
		first, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("orm: reading keys of %s: %w", m.meta.Name, err)
		}
		for i, b := range bases {
			m.setPK(b, first+int64(i))
		}
	}
	return nil
}

// Upsert inserts v, or, when a row with the same values in the conflict fields exists
// (they must carry a unique constraint or be the primary key), updates that row's update
// fields with v's values (every field but the key, the conflict fields and CreatedAt when
// update is empty; UpdatedAt is always updated). v receives the row's primary key either
// way. Validate runs; the create and update hooks do not, since which one happens is known
// only to the database. On MySQL the conflict fields are implied by the table's unique keys.
func Upsert[T any](ctx context.Context, v *T, conflict, update []string) error {
	db, p, err := objectPlan(ctx, v, "Upsert")
	if err != nil {
		return err
	}
	m := p.m
	if len(conflict) == 0 {
		return errors.New("orm: Upsert needs the conflict fields (a unique key)")
	}
	var conflictCols, updateCols []*column
	isConflict := map[*column]bool{}
	for _, f := range conflict {
		c, err := m.field(f)
		if err != nil {
			return err
		}
		conflictCols = append(conflictCols, c)
		isConflict[c] = true
	}
	seen := map[*column]bool{}
	for _, f := range update {
		c, err := m.field(f)
		if err != nil {
			return err
		}
		if c.f.PrimaryKey {
			return m.fieldError(f, "the primary key cannot be updated by Upsert")
		}
		seen[c] = true
		updateCols = append(updateCols, c)
	}
	if len(update) == 0 {
		for _, c := range p.updCols {
			if !isConflict[c] {
				updateCols = append(updateCols, c)
				seen[c] = true
			}
		}
	} else if m.updated != nil && !seen[m.updated] {
		updateCols = append(updateCols, m.updated)
	}
	base := unsafe.Pointer(v)
	if err := db.prepareCreate(m, base); err != nil {
		return err
	}
	if m.hooks&hValidate != 0 {
		if err := any(v).(Validator).Validate(ctx); err != nil {
			return err
		}
	}
	auto := m.pk.f.AutoIncrement && m.pkIsZero(base)
	cols := p.insCols
	if m.pk.f.AutoIncrement && !auto {
		cols = p.allCols
	}
	quote := func(cs []*column) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = db.d.Quote(c.f.Column)
		}
		return out
	}
	autoPK := ""
	if m.pk.f.AutoIncrement {
		autoPK = p.pk
	}
	q := db.insertSQL(p, cols, 1) + " " + db.d.UpsertClause(autoPK, quote(conflictCols), quote(updateCols))
	a := newArena(cols, 1, 0)
	if err := db.bindRow(a, cols, base); err != nil {
		return err
	}
	args := a.args
	_, st := session(ctx)
	ex := db.executor(st, true)
	if db.feat.Returning {
		rows, err := db.query(ctx, ex, m, q+" RETURNING "+p.pk, args)
		if err != nil {
			return db.completeFK(ctx, ex, err, m, base, false)
		}
		defer rows.Close()
		if !rows.Next() {
			if err := rows.Err(); err != nil {
				return db.completeFK(ctx, ex, db.translate(err, m), m, base, false)
			}
			return fmt.Errorf("orm: upsert into %s returned no key", m.meta.Table)
		}
		sc := newScanner([]*column{m.pk}, 0)
		sc.point(base)
		if err := rows.Scan(sc.dest...); err != nil {
			return fmt.Errorf("orm: reading the key of %s: %w", m.meta.Name, err)
		}
		return rows.Close()
	}
	res, err := db.execute(ctx, ex, m, q, args)
	if err != nil {
		return db.completeFK(ctx, ex, err, m, base, false)
	}
	if m.pk.f.AutoIncrement {
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("orm: reading the key of %s: %w", m.meta.Name, err)
		}
		if id != 0 {
			m.setPK(base, id)
		}
	}
	return nil
}

// m2m returns the plan of T and its many-to-many relation named relation, whose models must
// be R.
func m2m[T, R any](ctx context.Context, owner *T, relation string, op string) (*DB, *plan, *relField, error) {
	db, p, err := objectPlan(ctx, owner, op)
	if err != nil {
		return nil, nil, nil, err
	}
	rf := p.m.rel(relation)
	if rf == nil || rf.rel.Kind != ManyToMany {
		return nil, nil, nil, p.m.fieldError(relation, "not a many-to-many relation")
	}
	if rt := reflect.TypeFor[R](); rt != rf.elem {
		return nil, nil, nil, fmt.Errorf("orm: %s: %s.%s holds %s, not %s", op, p.m.meta.Name, relation, rf.elem, rt)
	}
	return db, p, rf, nil
}

// Link adds pairs (owner, r) to the join table of owner's many-to-many relation for each
// related r; pairs already linked are left as they are. Every row must have been created.
//
//	orm.Link(ctx, &post, "Tags", &golang, &databases)
func Link[T, R any](ctx context.Context, owner *T, relation string, related ...*R) error {
	db, p, rf, err := m2m[T, R](ctx, owner, relation, "Link")
	if err != nil || len(related) == 0 {
		return err
	}
	ownerKey, relKeys, err := db.linkKeys(p.m, rf, unsafe.Pointer(owner), related)
	if err != nil {
		return err
	}
	d := db.d
	jt, jc, jr := d.Quote(rf.rel.JoinTable), d.Quote(rf.rel.JoinColumn), d.Quote(rf.rel.JoinRefColumn)
	_, st := session(ctx)
	per := db.feat.MaxParams / 2
	return db.inTx(ctx, len(relKeys) > per, func(ctx context.Context) error {
		_, st2 := session(ctx)
		if st2 != nil {
			st = st2
		}
		for start := 0; start < len(relKeys); start += per {
			end := min(start+per, len(relKeys))
			s := &sqlBuf{d: d}
			s.str("INSERT INTO " + jt + " (" + jc + ", " + jr + ") VALUES ")
			for i, k := range relKeys[start:end] {
				if i > 0 {
					s.str(", ")
				}
				s.str("(")
				s.ph(ownerKey)
				s.str(", ")
				s.ph(k)
				s.str(")")
			}
			s.str(" ")
			s.str(d.InsertIgnoreClause([]string{jc, jr}))
			if _, err := db.execute(ctx, db.executor(st, true), nil, s.String(), s.args); err != nil {
				return err
			}
		}
		return nil
	})
}

// Unlink removes the pairs (owner, r) from the join table of owner's many-to-many relation
// for each related r. With no related rows it does nothing.
func Unlink[T, R any](ctx context.Context, owner *T, relation string, related ...*R) error {
	db, p, rf, err := m2m[T, R](ctx, owner, relation, "Unlink")
	if err != nil || len(related) == 0 {
		return err
	}
	ownerKey, relKeys, err := db.linkKeys(p.m, rf, unsafe.Pointer(owner), related)
	if err != nil {
		return err
	}
	d := db.d
	_, st := session(ctx)
	per := db.feat.MaxParams - 1
	for start := 0; start < len(relKeys); start += per {
		end := min(start+per, len(relKeys))
		s := &sqlBuf{d: d}
		s.str("DELETE FROM " + d.Quote(rf.rel.JoinTable) + " WHERE " + d.Quote(rf.rel.JoinColumn) + " = ")
		s.ph(ownerKey)
		s.str(" AND " + d.Quote(rf.rel.JoinRefColumn) + " IN (")
		for i, k := range relKeys[start:end] {
			if i > 0 {
				s.str(", ")
			}
			s.ph(k)
		}
		s.str(")")
		if _, err := db.execute(ctx, db.executor(st, true), nil, s.String(), s.args); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) linkKeys(m *model, rf *relField, owner unsafe.Pointer, related any) (any, []any, error) {
	if m.pkIsZero(owner) {
		return nil, nil, fmt.Errorf("orm: %s has no primary key value: create it before linking", m.meta.Name)
	}
	ownerKey, err := db.bindValue(m.pk, owner)
	if err != nil {
		return nil, nil, err
	}
	rv := reflect.ValueOf(related)
	keys := make([]any, 0, rv.Len())
	t := rf.target
	for i := 0; i < rv.Len(); i++ {
		e := rv.Index(i)
		if e.IsNil() {
			return nil, nil, fmt.Errorf("orm: nil %s to link", t.meta.Name)
		}
		b := e.UnsafePointer()
		if t.pkIsZero(b) {
			return nil, nil, fmt.Errorf("orm: %s has no primary key value: create it before linking", t.meta.Name)
		}
		k, err := db.bindValue(t.pk, b)
		if err != nil {
			return nil, nil, err
		}
		keys = append(keys, k)
	}
	return ownerKey, keys, nil
}

func (m *model) rel(name string) *relField {
	for _, r := range m.rels {
		if r.rel.Name == name {
			return r
		}
	}
	return nil
}

// saveColumns returns the columns Save and SaveMany write for the named fields (Go or
// column names): each once, in the order given, never the primary key, and UpdatedAt
// always.
func (m *model) saveColumns(fields []string) ([]*column, error) {
	seen := map[*column]bool{}
	var cols []*column
	for _, f := range fields {
		c, err := m.field(f)
		if err != nil {
			return nil, err
		}
		if c.f.PrimaryKey {
			return nil, m.fieldError(f, "the primary key cannot be saved; it identifies the row")
		}
		if !seen[c] {
			seen[c] = true
			cols = append(cols, c)
		}
	}
	if m.updated != nil && !seen[m.updated] {
		cols = append(cols, m.updated)
	}
	return cols, nil
}

// SaveMany updates the rows of many objects (found by their primary keys) with one
// statement per batch of rows, as Django's bulk_update does: all fields, or only the named
// ones (Go or column names). UpdatedAt is set to the current time on every object. It runs
// the BeforeUpdate and Validate hooks of every object before writing anything, and the
// AfterUpdate hooks once all rows are written. It returns how many rows were found and
// updated: an object whose key matches no row is skipped, not an error. Every object needs
// a primary key value, and no key may appear twice. The batches of a large slice, and the
// hooks, run in one transaction, so a failure writes nothing.
func SaveMany[T any](ctx context.Context, rows []T, fields ...string) (int64, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	db, p, err := objectPlan(ctx, &rows[0], "SaveMany")
	if err != nil {
		return 0, err
	}
	m := p.m
	cols := p.updCols
	if len(fields) > 0 {
		if cols, err = m.saveColumns(fields); err != nil {
			return 0, err
		}
	}
	if len(cols) == 0 {
		return 0, fmt.Errorf("orm: SaveMany: %s has no column to save but its primary key", m.meta.Name)
	}
	bases := make([]unsafe.Pointer, len(rows))
	keys := make([]any, len(rows)) // bound once, for the duplicate check and the statements
	seen := make(map[any]struct{}, len(rows))
	for i := range rows {
		bases[i] = unsafe.Pointer(&rows[i])
		if m.pkIsZero(bases[i]) {
			return 0, fmt.Errorf("orm: SaveMany: %s at index %d has no primary key value (use CreateMany for new rows)", m.meta.Name, i)
		}
		if keys[i], err = db.bindValue(m.pk, bases[i]); err != nil {
			return 0, err
		}
		if _, dup := seen[keys[i]]; dup {
			return 0, fmt.Errorf("orm: SaveMany: %s with key %v appears twice", m.meta.Name, keys[i])
		}
		seen[keys[i]] = struct{}{}
	}
	if m.updated != nil {
		now := db.now().UTC().Truncate(time.Microsecond)
		for _, b := range bases {
			*(*time.Time)(m.updated.fieldPtr(b)) = now
		}
	}
	// Each row binds its key once per column (in the CASE) and once in the IN list.
	per := min(maxBatchRows, db.feat.MaxParams/(2*len(cols)+1))
	batches := (len(rows) + per - 1) / per
	hooks := m.hooks&(hBeforeUpdate|hAfterUpdate) != 0
	var n int64
	err = db.inTx(ctx, batches > 1 || hooks, func(ctx context.Context) error {
		for i := range rows {
			if err := m.hooks.beforeWrite(ctx, &rows[i], hBeforeUpdate); err != nil {
				return err
			}
		}
		_, st := session(ctx)
		ex := db.executor(st, true)
		for start := 0; start < len(bases); start += per {
			end := min(start+per, len(bases))
			q, args, err := db.saveManySQL(p, cols, bases[start:end], keys[start:end])
			if err != nil {
				return err
			}
			res, err := db.execute(ctx, ex, m, q, args)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("orm: SaveMany %s: %w", m.meta.Name, err)
			}
			n += k
		}
		if m.hooks&hAfterUpdate != 0 {
			for i := range rows {
				if err := any(&rows[i]).(AfterUpdateHook).AfterUpdate(ctx); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// saveManySQL returns the UPDATE of one SaveMany batch, the rows at bases whose bound keys
// are keys, and its arguments:
//
//	UPDATE t SET a = CASE pk WHEN ? THEN ? ... END, b = CASE pk ... END WHERE pk IN (?, ...)
//
// Where the engine cannot type a parameter in a CASE branch (PostgreSQL), each value is
// cast to its column's type.
func (db *DB) saveManySQL(p *plan, cols []*column, bases []unsafe.Pointer, keys []any) (string, []any, error) {
	args := make([]any, 0, len(bases)*(2*len(cols)+1))
	b := make([]byte, 0, 64+len(bases)*len(cols)*24)
	b = append(b, "UPDATE "...)
	b = append(b, p.table...)
	b = append(b, " SET "...)
	for ci, c := range cols {
		if ci > 0 {
			b = append(b, ", "...)
		}
		b = append(b, db.d.Quote(c.f.Column)...)
		b = append(b, " = CASE "...)
		b = append(b, p.pk...)
		cast := ""
		if db.feat.CastCaseValues {
			cast = db.d.ColumnType(c.f)
		}
		for i, base := range bases {
			v, err := db.bindValue(c, base)
			if err != nil {
				return "", nil, err
			}
			args = append(args, keys[i], v)
			b = append(b, " WHEN "...)
			b = append(b, db.d.Placeholder(len(args)-1)...)
			b = append(b, " THEN "...)
			if cast != "" {
				b = append(b, "CAST("...)
			}
			b = append(b, db.d.Placeholder(len(args))...)
			if cast != "" {
				b = append(b, " AS "...)
				b = append(b, cast...)
				b = append(b, ')')
			}
		}
		b = append(b, " END"...)
	}
	b = append(b, " WHERE "...)
	b = append(b, p.pk...)
	b = append(b, " IN ("...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ", "...)
		}
		args = append(args, k)
		b = append(b, db.d.Placeholder(len(args))...)
	}
	b = append(b, ')')
	return string(b), args, nil
}

// beforeWrite runs the hooks an object gets before it is written: its BeforeCreate or
// BeforeUpdate hook (before says which), then Validate, those of them its type has.
func (h hookSet) beforeWrite(ctx context.Context, v any, before hookSet) error {
	switch {
	case h&before&hBeforeCreate != 0:
		if err := v.(BeforeCreateHook).BeforeCreate(ctx); err != nil {
			return err
		}
	case h&before&hBeforeUpdate != 0:
		if err := v.(BeforeUpdateHook).BeforeUpdate(ctx); err != nil {
			return err
		}
	}
	if h&hValidate != 0 {
		return v.(Validator).Validate(ctx)
	}
	return nil
}
