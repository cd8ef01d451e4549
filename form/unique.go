package form

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/sinewdev/sinew/orm"
)

// uniqueCheck is a field whose value must not be in a model's column already.
type uniqueCheck struct {
	meta  *orm.Meta
	field *orm.Field
}

// uniqueFor resolves the unique option: "." for the model field itself, or "Model.Field".
func (fs *Forms) uniqueFor(p *Plan, of *orm.Field, ref string) (*uniqueCheck, error) {
	if ref == "." {
		if p.Model == nil || of == nil {
			return nil, fmt.Errorf("unique outside a model: name the column, unique=Model.Field")
		}
		return &uniqueCheck{meta: p.Model, field: of}, nil
	}
	if fs.cfg.Registry == nil {
		return nil, fmt.Errorf("unique=%s needs form.Config.Registry", ref)
	}
	model, field, ok := strings.Cut(ref, ".")
	m := fs.cfg.Registry.Meta(model)
	if !ok || m == nil || m.Type == nil {
		return nil, fmt.Errorf("unique=%s: no registered model %q (want unique=Model.Field)", ref, model)
	}
	mf := m.Field(field)
	if mf == nil {
		return nil, fmt.Errorf("unique=%s: model %s has no field %q", ref, model, field)
	}
	return &uniqueCheck{meta: m, field: mf}, nil
}

// checkUnique queries the database for every unique field that has a value and no error,
// ignoring the row being edited (the model's primary key, or the field tagged
// `form:",pk"`, when not zero).
func (f *Form) checkUnique(ctx context.Context) error {
	for _, fld := range f.plan.Fields {
		u := fld.unique
		if u == nil || f.hasError(fld.Name) {
			continue
		}
		v := fieldAt(f.value, fld.index, false)
		for v.IsValid() && v.Kind() == reflect.Pointer && !v.IsNil() {
			v = v.Elem()
		}
		if !v.IsValid() || v.Kind() == reflect.Pointer || v.IsZero() && v.Kind() == reflect.String {
			continue
		}
		var exclude any
		if f.plan.pk != nil && (f.plan.Model == nil || f.plan.Model == u.meta) && u.meta.PK != nil {
			if pk := fieldAt(f.value, f.plan.pk, false); pk.IsValid() && !pk.IsZero() {
				exclude = pk.Interface()
			}
		}
		taken, err := u.exists(ctx, v.Interface(), exclude)
		if err != nil {
			return fmt.Errorf("form: checking that %s is unique: %w", fld.Name, err)
		}
		if taken {
			f.addError(fld.Name, CodeUnique, capitalize(u.meta.Label)+" with this "+fld.Label, nil)
		}
	}
	return nil
}

// exists reports whether a row other than the one keyed exclude holds value in the column.
func (u *uniqueCheck) exists(ctx context.Context, value, exclude any) (bool, error) {
	db := orm.FromContext(ctx)
	if db == nil {
		return false, orm.ErrNoDB
	}
	d := db.Dialect()
	q := "SELECT 1 FROM " + d.Quote(u.meta.Table) + " WHERE " + d.Quote(u.field.Column) + " = ?"
	args := []any{value}
	if exclude != nil {
		q += " AND " + d.Quote(u.meta.PK.Column) + " <> ?"
		args = append(args, exclude)
	}
	rows, err := orm.Raw[int](ctx, q+" LIMIT 1", args...)
	return len(rows) > 0, err
}
