package testkit

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sinewdev/sinew/orm"
)

// Make creates a T in db and returns it. Each modifier runs on the value first; then every
// column it left at its zero value is filled from the model's metadata with a value made
// from the next sequence number n of the table (one more than its row count): "Title 3" for
// a string, "user3@example.com" for a column named like an e-mail address, the first
// choice for a field with choices, n for numbers, today for dates, a fresh UUID. Nullable
// columns, columns with a database default, booleans and the primary key stay as they are.
//
// Related objects: when a belongs-to field holds a saved value (p.Author =
// testkit.Make[Author](t, db)), its key is copied into the foreign key column. A required
// foreign key left at zero stops the test with a message saying what to set.
//
// Make stops the test when the row cannot be created. It is not meant for concurrent use on
// one table of one database (two calls could pick the same sequence number).
func Make[T any](t testing.TB, db *orm.DB, mods ...func(*T)) *T {
	t.Helper()
	ctx := orm.WithDB(t.Context(), db)
	meta := metaOf[T](t, db)
	n, err := orm.Q[T](ctx).Count()
	if err != nil {
		t.Fatalf("testkit: Make[%s]: counting rows: %v", meta.Name, err)
	}
	v := new(T)
	for _, m := range mods {
		m(v)
	}
	if err := fill(meta, reflect.ValueOf(v).Elem(), int(n)+1); err != nil {
		t.Fatalf("testkit: Make[%s]: %v", meta.Name, err)
	}
	if err := orm.Create(ctx, v); err != nil {
		t.Fatalf("testkit: Make[%s]: %v", meta.Name, err)
	}
	return v
}

// Factory makes values of T with defaults of its own, numbered by a sequence: declare one
// per model in a test file and call Make or Build. The zero Factory behaves like the
// function Make with a sequence of its own. A Factory is safe for concurrent use.
type Factory[T any] struct {
	// Defaults fills a new value before the modifiers of a call run; n is the value's
	// sequence number (1, 2, 3, ... per Factory). It may make related objects with
	// testkit.Make or another Factory through t and db (db is nil for Build).
	Defaults func(t testing.TB, db *orm.DB, n int, v *T)
	seq      atomic.Int64
}

// Make builds a value (see Build) and creates it in db.
func (f *Factory[T]) Make(t testing.TB, db *orm.DB, mods ...func(*T)) *T {
	t.Helper()
	v := f.build(t, db, mods)
	if err := orm.Create(orm.WithDB(t.Context(), db), v); err != nil {
		t.Fatalf("testkit: Factory[%s].Make: %v", reflect.TypeFor[T]().Name(), err)
	}
	return v
}

// Build returns a value filled by Defaults, the modifiers, then the zero columns from the
// registry of db (as Make does), without saving it. db may be nil: then only Defaults and
// the modifiers run.
func (f *Factory[T]) Build(t testing.TB, db *orm.DB, mods ...func(*T)) *T {
	t.Helper()
	return f.build(t, db, mods)
}

func (f *Factory[T]) build(t testing.TB, db *orm.DB, mods []func(*T)) *T {
	t.Helper()
	n := int(f.seq.Add(1))
	v := new(T)
	if f.Defaults != nil {
		f.Defaults(t, db, n, v)
	}
	for _, m := range mods {
		m(v)
	}
	if db != nil {
		meta := metaOf[T](t, db)
		if err := fill(meta, reflect.ValueOf(v).Elem(), n); err != nil {
			t.Fatalf("testkit: Factory[%s]: %v", meta.Name, err)
		}
	}
	return v
}

// Seq returns the last sequence number the factory handed out.
func (f *Factory[T]) Seq() int { return int(f.seq.Load()) }

func metaOf[T any](t testing.TB, db *orm.DB) *orm.Meta {
	t.Helper()
	if db == nil {
		t.Fatalf("testkit: nil database (has the app started? is it using models?)")
	}
	meta := orm.MetaFor[T](db.Registry())
	if meta == nil {
		t.Fatalf("testkit: %s is not a registered model (app.Models)", reflect.TypeFor[T]())
	}
	return meta
}

var timeType = reflect.TypeFor[time.Time]()

// fill sets the zero columns of v (a T) to values made from n, and foreign keys from saved
// belongs-to values.
func fill(meta *orm.Meta, v reflect.Value, n int) error {
	for _, r := range meta.Relations {
		if r.Kind != orm.BelongsTo {
			continue
		}
		fk := meta.Field(r.Column)
		rv := v.FieldByIndex(r.Path)
		if fk == nil || (rv.Kind() == reflect.Pointer && rv.IsNil()) {
			continue
		}
		if rv.Kind() == reflect.Pointer {
			rv = rv.Elem()
		}
		fv := v.FieldByIndex(fk.Path)
		if !fv.IsZero() {
			continue
		}
		pk := pkValue(rv)
		if !pk.IsValid() || pk.IsZero() {
			return fmt.Errorf("%s is set but not saved: make it first (testkit.Make)", r.Name)
		}
		if fv.Kind() == reflect.Pointer {
			p := reflect.New(fv.Type().Elem())
			p.Elem().Set(pk.Convert(fv.Type().Elem()))
			fv.Set(p)
		} else {
			fv.Set(pk.Convert(fv.Type()))
		}
	}
	for _, f := range meta.Fields {
		fv := v.FieldByIndex(f.Path)
		if !fv.IsZero() || f.PrimaryKey || f.AutoCreate || f.AutoUpdate || f.Nullable || f.HasDefault {
			continue
		}
		if f.ForeignKey != nil {
			return fmt.Errorf("%s references %s and is zero: set it, or set the related object to a saved one", f.Name, f.ForeignKey.Model)
		}
		if err := fillField(f, fv, n); err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
	}
	return nil
}

// pkValue returns the ID field of a model value (the field named ID, through embedding).
func pkValue(v reflect.Value) reflect.Value {
	if v.Kind() != reflect.Struct {
		return reflect.Value{}
	}
	return v.FieldByName("ID")
}

func fillField(f *orm.Field, fv reflect.Value, n int) error {
	if len(f.Choices) > 0 {
		return setText(fv, fmt.Sprint(f.Choices[0].Value))
	}
	switch f.Kind {
	case orm.KindString, orm.KindText:
		s := f.Label + " " + strconv.Itoa(n)
		if s == " "+strconv.Itoa(n) {
			s = f.Name + " " + strconv.Itoa(n)
		}
		lower := strings.ToLower(f.Name)
		switch {
		case strings.Contains(lower, "email"):
			s = "user" + strconv.Itoa(n) + "@example.com"
		case strings.Contains(lower, "slug"):
			s = strings.ToLower(f.Name) + "-" + strconv.Itoa(n)
		case strings.Contains(lower, "url"):
			s = "https://example.com/" + strconv.Itoa(n)
		}
		if f.Kind == orm.KindString && f.Size > 0 && len(s) > f.Size {
			s = s[len(s)-f.Size:]
		}
		return setText(fv, s)
	case orm.KindInt:
		switch fv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			fv.SetInt(int64(n) % 100)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			fv.SetUint(uint64(n) % 100)
		}
	case orm.KindFloat:
		fv.SetFloat(float64(n) + 0.5)
	case orm.KindDecimal:
		scale := f.Scale
		s := strconv.Itoa(n % 100)
		if scale > 0 {
			s += "." + strings.Repeat("0", scale)
		}
		return setText(fv, s)
	case orm.KindTime, orm.KindDate:
		if fv.Type() == timeType {
			now := time.Now().UTC().Truncate(time.Second)
			if f.Kind == orm.KindDate {
				now = now.Truncate(24 * time.Hour)
			}
			fv.Set(reflect.ValueOf(now))
		}
	case orm.KindUUID:
		id := uuid.New()
		if fv.Type().ConvertibleTo(reflect.TypeFor[[16]byte]()) {
			fv.Set(reflect.ValueOf([16]byte(id)).Convert(fv.Type()))
		}
	case orm.KindBool, orm.KindBytes, orm.KindJSON:
		// false, nil and null are fine values.
	}
	return nil
}

// setText sets a string-based field.
func setText(fv reflect.Value, s string) error {
	if fv.Kind() != reflect.String {
		return fmt.Errorf("want a string-based field, have %s", fv.Type())
	}
	fv.SetString(s)
	return nil
}

// ctxOf returns a context with db for the ORM.
func ctxOf(t testing.TB, db *orm.DB) context.Context { return orm.WithDB(t.Context(), db) }
