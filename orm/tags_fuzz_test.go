package orm

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzTag feeds arbitrary orm tags, on fields of several types, to the registry's parser:
// it must never panic, and must either accept the field or explain why with a *ModelError.
func FuzzTag(f *testing.F) {
	for _, seed := range []string{
		"size=100,unique", "decimal=10.2,default=1.5", "choices=a:A|b:B,default=a", "fk=Other,ondelete=cascade",
		"help='a, b'", "label=''", "default=''''", "index=g,unique=h", "json,default={}", "date,default=now",
		"sise=1", "decimal=10,2", "-", "pk", "null", "m2m", ",", "=", "'", "text,size=3",
	} {
		f.Add(seed, uint8(0))
	}
	types := []reflect.Type{
		reflect.TypeFor[string](), reflect.TypeFor[int64](), reflect.TypeFor[*string](), reflect.TypeFor[time.Time](),
		reflect.TypeFor[bool](), reflect.TypeFor[float64](), reflect.TypeFor[[]byte](), reflect.TypeFor[map[string]int](),
		reflect.TypeFor[*time.Time](), reflect.TypeFor[uint8](),
	}
	f.Fuzz(func(t *testing.T, tag string, typ uint8) {
		if strings.ContainsAny(tag, "`\"\\") {
			return // not expressible inside a struct tag's quoted value
		}
		st := reflect.StructOf([]reflect.StructField{
			{Name: "ID", Type: reflect.TypeFor[int64](), Tag: `orm:"pk"`},
			{Name: "Field", Type: types[int(typ)%len(types)], Tag: reflect.StructTag(`orm:"` + tag + `"`)},
		})
		b := &builder{old: NewRegistry().state.Load(), byType: map[reflect.Type]*model{}, byName: map[string]*model{}}
		m := b.parseModel(st)
		if m == nil && len(b.errs) == 0 {
			t.Fatalf("tag %q rejected without an error", tag)
		}
		for _, err := range b.errs {
			var me *ModelError
			if !errors.As(err, &me) {
				t.Fatalf("tag %q: %T %v", tag, err, err)
			}
		}
	})
}
