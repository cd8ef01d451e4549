package validate

import (
	"context"
	"encoding"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Plan is the compiled description of how to check one struct type: its fields that carry
// rules or hold nested structs, in declaration order (fields of embedded structs promoted).
type Plan struct {
	Type   reflect.Type // the struct type
	Fields []*Field

	custom bool // the type or its pointer has a Validate(context.Context) error method
}

// Field is one checked field of a Plan. Its constraint fields are derived from Rules so that
// other layers (OpenAPI schemas, HTML input attributes) need not parse tags again; they are
// zero when the rule is absent.
type Field struct {
	Name  string // the Go field name
	Key   string // the name in paths: the json tag, else form, query, path, header or cookie tag, else Name
	Index []int  // for reflect.Value.FieldByIndex
	Type  reflect.Type
	Rules []Rule // in tag order
	Elem  *Plan  // plan of a nested struct, or of the elements of a slice or array of structs

	Required                   bool
	MinLen, MaxLen             *int     // strings (in characters), slices and maps
	Min, Max                   *float64 // numbers
	ExclusiveMin, ExclusiveMax bool     // Min/Max came from gt/lt
	Pattern                    string   // regular expression source of the pattern rule
	OneOf                      []string // allowed values of the oneof rule
	Format                     string   // "email", "url", "uuid", "slug", "date", "datetime", "alpha", "alphanum", "numeric"

	checks []check
	kind   valueKind
	isPtr  bool
}

// Rule is one rule of a field's tag, as written: `max=200` is {Name: "max", Param: "200"}.
type Rule struct {
	Name, Param string
}

// valueKind is the broad class of a field's (dereferenced) type, deciding what rules mean.
type valueKind uint8

const (
	kindOther valueKind = iota
	kindString
	kindInt
	kindUint
	kindFloat
	kindBool
	kindSlice // slice, array or map: rules apply to the length
	kindTime
)

// check is one compiled rule: fn reports whether v (dereferenced, never empty-optional)
// passes.
type check struct {
	rule Rule
	fn   func(ctx context.Context, v reflect.Value) (bool, error)
	// field is set for eqfield/nefield: the index of the other field in the parent struct.
	field []int
	cross func(v, other reflect.Value) bool
	label string // the other field's Key, for messages
}

var (
	timeType      = reflect.TypeFor[time.Time]()
	textUnmarshal = reflect.TypeFor[encoding.TextUnmarshaler]()
	validatorType = reflect.TypeFor[interface{ Validate(context.Context) error }]()
)

// Plan returns the compiled plan for struct type t (or pointer to struct), compiling it on
// first use. An unknown rule, a malformed parameter or a rule that does not fit the field's
// type is an error naming the type and field, so registration code can fail at start-up.
func (v *Validator) Plan(t reflect.Type) (*Plan, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("validate: %s is not a struct", t)
	}
	if p, ok := v.plans.Load(t); ok {
		return p.(*Plan), nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if p, ok := v.plans.Load(t); ok {
		return p.(*Plan), nil
	}
	building := map[reflect.Type]*Plan{}
	p, err := v.compile(t, building)
	if err != nil {
		return nil, err
	}
	for typ, pl := range building {
		v.plans.Store(typ, pl)
	}
	return p, nil
}

// compile builds the plan of struct type t; building holds plans under construction so
// recursive types (a comment with replies) terminate.
func (v *Validator) compile(t reflect.Type, building map[reflect.Type]*Plan) (*Plan, error) {
	if p, ok := building[t]; ok {
		return p, nil
	}
	if p, ok := v.plans.Load(t); ok {
		return p.(*Plan), nil
	}
	p := &Plan{Type: t}
	p.custom = t.Implements(validatorType) || reflect.PointerTo(t).Implements(validatorType)
	building[t] = p
	if err := v.addFields(p, t, nil, building); err != nil {
		return nil, err
	}
	// Cross-field rules name other fields by Go name; resolve them now that all are known.
	for _, f := range p.Fields {
		for i := range f.checks {
			c := &f.checks[i]
			if c.cross == nil {
				continue
			}
			sf, ok := t.FieldByName(c.rule.Param)
			if !ok {
				return nil, fmt.Errorf("validate: %s.%s: %s=%s names no field of %s", t, f.Name, c.rule.Name, c.rule.Param, t)
			}
			c.field = sf.Index
			c.label = keyOf(sf)
		}
	}
	return p, nil
}

func (v *Validator) addFields(p *Plan, t reflect.Type, prefix []int, building map[reflect.Type]*Plan) error {
	for i := range t.NumField() {
		sf := t.Field(i)
		index := append(append([]int(nil), prefix...), i)
		tag, hasTag := sf.Tag.Lookup(v.tag)
		if tag == "-" {
			continue
		}
		if sf.Anonymous && !hasTag {
			et := sf.Type
			if et.Kind() == reflect.Struct && et != timeType {
				if err := v.addFields(p, et, index, building); err != nil {
					return err
				}
				continue
			}
		}
		if !sf.IsExported() {
			if hasTag {
				return fmt.Errorf("validate: %s.%s: rules on an unexported field", t, sf.Name)
			}
			continue
		}
		f := &Field{Name: sf.Name, Key: keyOf(sf), Index: index, Type: sf.Type}
		ft := sf.Type
		if ft.Kind() == reflect.Pointer {
			f.isPtr = true
			ft = ft.Elem()
		}
		f.kind = kindOf(ft)
		if err := v.addRules(f, tag); err != nil {
			return fmt.Errorf("validate: %s.%s: %w", t, sf.Name, err)
		}
		if et := structElem(ft); et != nil {
			ep, err := v.compile(et, building)
			if err != nil {
				return err
			}
			f.Elem = ep
		}
		if len(f.Rules) == 0 && f.Elem == nil {
			continue
		}
		p.Fields = append(p.Fields, f)
	}
	return nil
}

// structElem returns the struct type to validate recursively inside a field of type t: t
// itself, or the element type of a slice or array, dereferenced; nil for leaf values.
func structElem(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == timeType || reflect.PointerTo(t).Implements(textUnmarshal) {
		return nil
	}
	return t
}

func kindOf(t reflect.Type) valueKind {
	if t == timeType {
		return kindTime
	}
	switch t.Kind() {
	case reflect.String:
		return kindString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return kindInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return kindUint
	case reflect.Float32, reflect.Float64:
		return kindFloat
	case reflect.Bool:
		return kindBool
	case reflect.Slice, reflect.Array, reflect.Map:
		return kindSlice
	}
	return kindOther
}

// keyOf is the field's name as the client sees it.
func keyOf(sf reflect.StructField) string {
	for _, tag := range [...]string{"json", "form", "query", "path", "header", "cookie"} {
		name, _, _ := strings.Cut(sf.Tag.Get(tag), ",")
		if name != "" && name != "-" {
			return name
		}
	}
	return sf.Name
}

// splitRules splits a tag at commas, except that pattern= takes the rest of the tag.
func splitRules(tag string) []Rule {
	var rules []Rule
	for tag != "" {
		var part string
		if strings.HasPrefix(tag, "pattern=") {
			part, tag = tag, ""
		} else {
			part, tag, _ = strings.Cut(tag, ",")
		}
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, param, _ := strings.Cut(part, "=")
		rules = append(rules, Rule{Name: strings.TrimSpace(name), Param: param})
	}
	return rules
}

func (v *Validator) addRules(f *Field, tag string) error {
	for _, r := range splitRules(tag) {
		if r.Name == "omitempty" {
			continue // empty optional values are skipped anyway; accepted for familiarity
		}
		f.Rules = append(f.Rules, r)
		if r.Name == "required" {
			f.Required = true
			continue
		}
		c, err := v.compileRule(f, r)
		if err != nil {
			return err
		}
		f.checks = append(f.checks, c)
	}
	return nil
}

func (v *Validator) compileRule(f *Field, r Rule) (check, error) {
	c := check{rule: r}
	if fn, ok := v.funcs[r.Name]; ok {
		param := r.Param
		c.fn = func(ctx context.Context, val reflect.Value) (bool, error) { return fn(ctx, val, param) }
		return c, nil
	}
	needKind := func(kinds ...valueKind) error {
		for _, k := range kinds {
			if f.kind == k {
				return nil
			}
		}
		return fmt.Errorf("rule %q does not apply to a field of type %s", r.Name, f.Type)
	}
	isNumber := f.kind == kindInt || f.kind == kindUint || f.kind == kindFloat
	switch r.Name {
	case "min", "max", "len":
		if isNumber {
			if r.Name == "len" {
				return c, needKind(kindString, kindSlice)
			}
			n, err := strconv.ParseFloat(r.Param, 64)
			if err != nil {
				return c, fmt.Errorf("rule %s=%q: want a number", r.Name, r.Param)
			}
			if r.Name == "min" {
				f.Min = &n
				c.fn = numberCheck(func(x float64) bool { return x >= n })
			} else {
				f.Max = &n
				c.fn = numberCheck(func(x float64) bool { return x <= n })
			}
			return c, nil
		}
		if err := needKind(kindString, kindSlice); err != nil {
			return c, err
		}
		n, err := strconv.Atoi(r.Param)
		if err != nil || n < 0 {
			return c, fmt.Errorf("rule %s=%q: want a non-negative whole number", r.Name, r.Param)
		}
		switch r.Name {
		case "min":
			f.MinLen = &n
			c.fn = lengthCheck(func(l int) bool { return l >= n })
		case "max":
			f.MaxLen = &n
			c.fn = lengthCheck(func(l int) bool { return l <= n })
		default:
			f.MinLen, f.MaxLen = &n, &n
			c.fn = lengthCheck(func(l int) bool { return l == n })
		}
		return c, nil
	case "gt", "gte", "lt", "lte":
		if !isNumber {
			return c, fmt.Errorf("rule %q applies to numbers, not %s", r.Name, f.Type)
		}
		n, err := strconv.ParseFloat(r.Param, 64)
		if err != nil {
			return c, fmt.Errorf("rule %s=%q: want a number", r.Name, r.Param)
		}
		switch r.Name {
		case "gt":
			f.Min, f.ExclusiveMin = &n, true
			c.fn = numberCheck(func(x float64) bool { return x > n })
		case "gte":
			f.Min = &n
			c.fn = numberCheck(func(x float64) bool { return x >= n })
		case "lt":
			f.Max, f.ExclusiveMax = &n, true
			c.fn = numberCheck(func(x float64) bool { return x < n })
		default:
			f.Max = &n
			c.fn = numberCheck(func(x float64) bool { return x <= n })
		}
		return c, nil
	case "oneof":
		choices := strings.Fields(r.Param)
		if len(choices) == 0 {
			return c, fmt.Errorf("rule oneof needs values: oneof=draft published")
		}
		if err := needKind(kindString, kindInt, kindUint, kindFloat); err != nil {
			return c, err
		}
		f.OneOf = choices
		c.fn = func(_ context.Context, v reflect.Value) (bool, error) {
			s := scalarString(v)
			for _, ch := range choices {
				if s == ch {
					return true, nil
				}
			}
			return false, nil
		}
		return c, nil
	case "pattern":
		re, err := regexp.Compile(r.Param)
		if err != nil {
			return c, fmt.Errorf("rule pattern: %w", err)
		}
		if err := needKind(kindString); err != nil {
			return c, err
		}
		f.Pattern = r.Param
		c.fn = stringCheck(re.MatchString)
		return c, nil
	case "eqfield", "nefield":
		if r.Param == "" {
			return c, fmt.Errorf("rule %s needs a field name: %s=Password", r.Name, r.Name)
		}
		eq := r.Name == "eqfield"
		c.cross = func(a, b reflect.Value) bool {
			a, b = deref(a), deref(b)
			same := a.IsValid() && b.IsValid() && a.Type() == b.Type() && a.Equal(b)
			return same == eq
		}
		return c, nil
	}
	if fn := formatFunc(r.Name); fn != nil {
		if err := needKind(kindString); err != nil {
			return c, err
		}
		if r.Param != "" {
			return c, fmt.Errorf("rule %q takes no parameter", r.Name)
		}
		f.Format = r.Name
		c.fn = stringCheck(fn)
		return c, nil
	}
	return c, fmt.Errorf("unknown rule %q (add it to validate.Config.Funcs)", r.Name)
}

func deref(v reflect.Value) reflect.Value {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return reflect.Value{}
		}
		v = v.Elem()
	}
	return v
}

func numberCheck(ok func(float64) bool) func(context.Context, reflect.Value) (bool, error) {
	return func(_ context.Context, v reflect.Value) (bool, error) {
		switch v.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return ok(float64(v.Int())), nil
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return ok(float64(v.Uint())), nil
		default:
			return ok(v.Float()), nil
		}
	}
}

func lengthCheck(ok func(int) bool) func(context.Context, reflect.Value) (bool, error) {
	return func(_ context.Context, v reflect.Value) (bool, error) {
		if v.Kind() == reflect.String {
			return ok(runeCount(v.String())), nil
		}
		return ok(v.Len()), nil
	}
}

func stringCheck(ok func(string) bool) func(context.Context, reflect.Value) (bool, error) {
	return func(_ context.Context, v reflect.Value) (bool, error) { return ok(v.String()), nil }
}

// scalarString formats a string or number the way oneof choices are written.
func scalarString(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	}
	return ""
}
