package validate

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// Func is a custom rule: it reports whether v, the field's value (pointers dereferenced,
// never an empty optional value), passes. param is the text after '=' in the tag. An error is
// a failure to check (a database down), not an invalid value, and is returned as it is.
type Func func(ctx context.Context, v reflect.Value, param string) (ok bool, err error)

// Config configures a Validator. The zero value is the default.
type Config struct {
	// Funcs adds rules by name, usable in tags like the built-in ones: with
	// Funcs["even"] set, `validate:"even"` calls it. A name may replace a built-in format
	// rule (email, url, ...) but not required, min, max, len, gt, gte, lt, lte, oneof,
	// pattern, eqfield or nefield. Default: none.
	Funcs map[string]Func
	// Message writes the message of a failing field, for translations or a house style;
	// it sees the code, parameter and path. Default: English messages.
	Message func(e *FieldError) string
	// Tag is the struct tag read for rules. Default: "validate".
	Tag string
}

// Validator checks values against the rules of their struct tags. Plans are compiled once per
// type and kept, so a Validator is meant to live as long as the application; it is safe for
// concurrent use.
type Validator struct {
	tag     string
	funcs   map[string]Func
	message func(e *FieldError) string

	mu    sync.Mutex // serialises compilation
	plans sync.Map   // reflect.Type → *Plan
	vars  sync.Map   // varKey → *Field
}

type varKey struct {
	t   reflect.Type
	tag string
}

// New returns a Validator configured by cfg.
func New(cfg Config) *Validator {
	v := &Validator{tag: cfg.Tag, funcs: cfg.Funcs, message: cfg.Message}
	if v.tag == "" {
		v.tag = "validate"
	}
	return v
}

// Struct checks s, a struct or a pointer to one, against its tags and nested structs, then
// its Validate method if it has one. It returns nil when s is valid, Errors listing every
// failing field when it is not, and another error for a rule that could not be checked or a
// type whose tags are malformed.
func (v *Validator) Struct(ctx context.Context, s any) error {
	rv := reflect.ValueOf(s)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return fmt.Errorf("validate: nil %s", rv.Type())
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return fmt.Errorf("validate: %T is not a struct", s)
	}
	p, err := v.Plan(rv.Type())
	if err != nil {
		return err
	}
	if !rv.CanAddr() && p.custom {
		cp := reflect.New(rv.Type()).Elem()
		cp.Set(rv)
		rv = cp
	}
	var errs Errors
	if err := v.checkStruct(ctx, p, rv, "", "", &errs); err != nil {
		return err
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Var checks one value against a tag's rules ("required,email"); the errors have an empty
// path.
func (v *Validator) Var(ctx context.Context, value any, tag string) error {
	rv := reflect.ValueOf(value)
	if !rv.IsValid() {
		if strings.Contains(","+tag+",", ",required,") {
			return Errors{v.fieldError(&Field{}, Rule{Name: "required"}, "", "", nil)}
		}
		return nil
	}
	key := varKey{rv.Type(), tag}
	var f *Field
	if cached, ok := v.vars.Load(key); ok {
		f = cached.(*Field)
	} else {
		f = &Field{Name: "", Type: rv.Type()}
		ft := rv.Type()
		if ft.Kind() == reflect.Pointer {
			f.isPtr = true
			ft = ft.Elem()
		}
		f.kind = kindOf(ft)
		if err := v.addRules(f, tag); err != nil {
			return fmt.Errorf("validate: %w", err)
		}
		for _, c := range f.checks {
			if c.cross != nil {
				return fmt.Errorf("validate: rule %s compares fields and needs a struct", c.rule.Name)
			}
		}
		v.vars.Store(key, f)
	}
	var errs Errors
	if err := v.checkField(ctx, f, rv, reflect.Value{}, "", "", &errs); err != nil {
		return err
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

func (v *Validator) checkStruct(ctx context.Context, p *Plan, rv reflect.Value, path, goPath string, errs *Errors) error {
	before := len(*errs)
	for _, f := range p.Fields {
		fv, ok := fieldByIndex(rv, f.Index)
		if !ok {
			continue // inside a nil embedded pointer
		}
		if err := v.checkField(ctx, f, fv, rv, path, goPath, errs); err != nil {
			return err
		}
	}
	if !p.custom || len(*errs) > before {
		return nil
	}
	var cv interface{ Validate(context.Context) error }
	if rv.CanAddr() {
		cv, _ = rv.Addr().Interface().(interface{ Validate(context.Context) error })
	}
	if cv == nil {
		cv, _ = rv.Interface().(interface{ Validate(context.Context) error })
	}
	if cv == nil {
		return nil
	}
	return v.merge(cv.Validate(ctx), path, goPath, errs)
}

// merge adds the result of a Validate method to errs, its paths under the struct's.
func (v *Validator) merge(err error, path, goPath string, errs *Errors) error {
	if err == nil {
		return nil
	}
	var list Errors
	var one *FieldError
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = Errors{one}
	default:
		return err
	}
	for _, fe := range list {
		cp := *fe
		cp.Path, cp.Field = join(path, fe.Path), join(goPath, fe.Field)
		if cp.Code == "" {
			cp.Code = "invalid"
		}
		if cp.Message == "" {
			cp.Message = v.messageOf(&cp)
		}
		*errs = append(*errs, &cp)
	}
	return nil
}

// checkField checks field f of a struct at path/goPath (the struct's own path; the field's is
// joined only when an error or a nested value needs it, so a valid value costs no string).
func (v *Validator) checkField(ctx context.Context, f *Field, fv, parent reflect.Value, path, goPath string, errs *Errors) error {
	val := fv
	if f.isPtr {
		if fv.IsNil() {
			if f.Required {
				*errs = append(*errs, v.fieldError(f, Rule{Name: "required"}, join(path, f.Key), join(goPath, f.Name), nil))
			}
			return nil
		}
		val = fv.Elem()
	}
	if f.Required && !f.isPtr && isZero(val, f.kind) {
		*errs = append(*errs, v.fieldError(f, Rule{Name: "required"}, join(path, f.Key), join(goPath, f.Name), valueOf(val)))
		return nil
	}
	if !f.isPtr && isEmptyOptional(val, f.kind) {
		return nil
	}
	failed := false
	for i := range f.checks {
		c := &f.checks[i]
		var ok bool
		if c.cross != nil {
			other, found := fieldByIndex(parent, c.field)
			ok = found && c.cross(val, other)
		} else {
			var err error
			ok, err = c.fn(ctx, val)
			if err != nil {
				return fmt.Errorf("validate: %s: rule %s: %w", join(goPath, f.Name), c.rule.Name, err)
			}
		}
		if !ok {
			fe := v.fieldError(f, c.rule, join(path, f.Key), join(goPath, f.Name), valueOf(val))
			fe.other = c.label
			fe.Message = v.messageOf(fe)
			*errs = append(*errs, fe)
			failed = true
			break // one message per field: the first rule that fails
		}
	}
	if failed || f.Elem == nil {
		return nil
	}
	path, goPath = join(path, f.Key), join(goPath, f.Name)
	switch val.Kind() {
	case reflect.Struct:
		return v.checkStruct(ctx, f.Elem, val, path, goPath, errs)
	case reflect.Slice, reflect.Array:
		for i := range val.Len() {
			ev := val.Index(i)
			if ev.Kind() == reflect.Pointer {
				if ev.IsNil() {
					continue
				}
				ev = ev.Elem()
			}
			idx := "[" + strconv.Itoa(i) + "]"
			if err := v.checkStruct(ctx, f.Elem, ev, path+idx, goPath+idx, errs); err != nil {
				return err
			}
		}
	}
	return nil
}

// fieldByIndex is reflect.Value.FieldByIndex that reports false instead of panicking on a nil
// embedded pointer.
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

// isZero is what required rejects: a blank string (spaces only), zero number, false, zero
// time, empty slice or map.
func isZero(v reflect.Value, k valueKind) bool {
	switch k {
	case kindString:
		return strings.TrimSpace(v.String()) == ""
	case kindSlice:
		return v.Len() == 0
	}
	return v.IsZero()
}

// isEmptyOptional reports a value that skips every rule but required: an empty string,
// slice or map. Numbers, booleans and times are always checked.
func isEmptyOptional(v reflect.Value, k valueKind) bool {
	switch k {
	case kindString:
		return v.Len() == 0
	case kindSlice:
		return v.Len() == 0
	}
	return false
}

func valueOf(v reflect.Value) any {
	if !v.IsValid() || !v.CanInterface() {
		return nil
	}
	return v.Interface()
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	if name == "" {
		return path
	}
	return path + "." + name
}

func (v *Validator) fieldError(f *Field, r Rule, path, goPath string, value any) *FieldError {
	fe := &FieldError{Path: path, Field: goPath, Code: r.Name, Param: r.Param, Value: value, kind: f.kind}
	fe.Message = v.messageOf(fe)
	return fe
}

func (v *Validator) messageOf(fe *FieldError) string {
	if v.message != nil {
		if m := v.message(fe); m != "" {
			return m
		}
	}
	return fe.defaultMessage()
}
