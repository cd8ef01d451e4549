package api

import (
	"encoding"
	"encoding/json"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sinewdev/sinew/validate"
)

// Schema is a JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it).
type Schema struct {
	Ref                  string             `json:"$ref,omitempty"`
	Type                 any                `json:"type,omitempty"` // a string, or a list with "null"
	Format               string             `json:"format,omitempty"`
	Title                string             `json:"title,omitempty"`
	Description          string             `json:"description,omitempty"`
	Enum                 []any              `json:"enum,omitempty"`
	Default              any                `json:"default,omitempty"`
	Examples             []any              `json:"examples,omitempty"`
	Minimum              *float64           `json:"minimum,omitempty"`
	Maximum              *float64           `json:"maximum,omitempty"`
	ExclusiveMinimum     *float64           `json:"exclusiveMinimum,omitempty"`
	ExclusiveMaximum     *float64           `json:"exclusiveMaximum,omitempty"`
	MinLength            *int               `json:"minLength,omitempty"`
	MaxLength            *int               `json:"maxLength,omitempty"`
	Pattern              string             `json:"pattern,omitempty"`
	MinItems             *int               `json:"minItems,omitempty"`
	MaxItems             *int               `json:"maxItems,omitempty"`
	Items                *Schema            `json:"items,omitempty"`
	Properties           map[string]*Schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	AdditionalProperties any                `json:"additionalProperties,omitempty"` // *Schema or false
	AnyOf                []*Schema          `json:"anyOf,omitempty"`
	ContentEncoding      string             `json:"contentEncoding,omitempty"`
	ContentMediaType     string             `json:"contentMediaType,omitempty"`
	ReadOnly             bool               `json:"readOnly,omitempty"`
	WriteOnly            bool               `json:"writeOnly,omitempty"`
	Deprecated           bool               `json:"deprecated,omitempty"`
}

// planner is what the schema generator needs from a validator: the compiled rules of a type.
type planner interface {
	Plan(t reflect.Type) (*validate.Plan, error)
}

// schemaGen builds schemas, naming each struct type once in components.
type schemaGen struct {
	comps  map[string]*Schema
	names  map[reflect.Type]string
	taken  map[string]reflect.Type
	plans  planner
	strict bool // request bodies reject unknown fields: additionalProperties false
}

func newSchemaGen(v Validator, strict bool) *schemaGen {
	g := &schemaGen{comps: map[string]*Schema{}, names: map[reflect.Type]string{}, taken: map[string]reflect.Type{}, strict: strict}
	g.plans, _ = v.(planner)
	return g
}

func (g *schemaGen) plan(t reflect.Type) *validate.Plan {
	if g.plans == nil || t.Kind() != reflect.Struct {
		return nil
	}
	p, err := g.plans.Plan(t)
	if err != nil {
		return nil
	}
	return p
}

func fieldPlan(p *validate.Plan, index []int) *validate.Field {
	if p == nil {
		return nil
	}
	for _, f := range p.Fields {
		if slicesEqual(f.Index, index) {
			return f
		}
	}
	return nil
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	durationType      = reflect.TypeFor[time.Duration]()
	rawMessageType    = reflect.TypeFor[json.RawMessage]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// schemaFor returns the schema of values of type t. Named struct types become references to
// components/schemas. body is true for request bodies (unknown fields are refused there).
func (g *schemaGen) schemaFor(t reflect.Type, body bool) *Schema {
	if t.Kind() == reflect.Pointer {
		s := g.schemaFor(t.Elem(), body)
		return nullable(s)
	}
	switch {
	case t == timeType:
		return &Schema{Type: "string", Format: "date-time"}
	case t == durationType:
		return &Schema{Type: "integer", Format: "int64", Description: "nanoseconds"}
	case t == rawMessageType:
		return &Schema{}
	case t.Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(jsonMarshalerType):
		return &Schema{}
	case t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType):
		s := &Schema{Type: "string"}
		if t.PkgPath() == "github.com/google/uuid" && t.Name() == "UUID" {
			s.Format = "uuid"
		}
		return s
	}
	switch t.Kind() {
	case reflect.Bool:
		return &Schema{Type: "boolean"}
	case reflect.String:
		return &Schema{Type: "string"}
	case reflect.Int8, reflect.Int16, reflect.Int32:
		return &Schema{Type: "integer", Format: "int32"}
	case reflect.Int, reflect.Int64:
		return &Schema{Type: "integer", Format: "int64"}
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return &Schema{Type: "integer", Format: "int32", Minimum: new(0.0)}
	case reflect.Uint, reflect.Uint64:
		return &Schema{Type: "integer", Format: "int64", Minimum: new(0.0)}
	case reflect.Float32:
		return &Schema{Type: "number", Format: "float"}
	case reflect.Float64:
		return &Schema{Type: "number", Format: "double"}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return &Schema{Type: []string{"string", "null"}, ContentEncoding: "base64"}
		}
		return &Schema{Type: []string{"array", "null"}, Items: g.schemaFor(t.Elem(), body)}
	case reflect.Array:
		n := t.Len()
		return &Schema{Type: "array", Items: g.schemaFor(t.Elem(), body), MinItems: &n, MaxItems: &n}
	case reflect.Map:
		return &Schema{Type: []string{"object", "null"}, AdditionalProperties: g.schemaFor(t.Elem(), body)}
	case reflect.Struct:
		if t.Name() == "" {
			return g.structSchema(t, body)
		}
		name := g.name(t, body)
		if _, done := g.comps[name]; !done {
			g.comps[name] = &Schema{} // placeholder for recursive types
			g.comps[name] = g.structSchema(t, body)
		}
		return &Schema{Ref: "#/components/schemas/" + name}
	case reflect.Interface:
		return &Schema{}
	}
	return &Schema{}
}

var nonIdent = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// name returns the component name of a named struct type: its Go name (generic brackets and
// dots replaced), prefixed with its package's when two packages use the same name.
func (g *schemaGen) name(t reflect.Type, _ bool) string {
	if n, ok := g.names[t]; ok {
		return n
	}
	base := strings.Trim(nonIdent.ReplaceAllString(t.Name(), "_"), "_")
	n := base
	if prev, ok := g.taken[n]; ok && prev != t {
		pkg := t.PkgPath()
		if i := strings.LastIndexByte(pkg, '/'); i >= 0 {
			pkg = pkg[i+1:]
		}
		n = nonIdent.ReplaceAllString(pkg, "_") + "_" + base
		for i := 2; g.taken[n] != nil && g.taken[n] != t; i++ {
			n = nonIdent.ReplaceAllString(pkg, "_") + "_" + base + strconv.Itoa(i)
		}
	}
	g.taken[n] = t
	g.names[t] = n
	return n
}

func nullable(s *Schema) *Schema {
	if s.Ref != "" {
		return &Schema{AnyOf: []*Schema{s, {Type: "null"}}}
	}
	switch t := s.Type.(type) {
	case string:
		s.Type = []string{t, "null"}
	case nil:
	}
	return s
}

// structSchema describes a struct's JSON form: its properties follow encoding/json's rules
// (json tag names, "-" skipped, embedded structs flattened, omitempty fields optional).
func (g *schemaGen) structSchema(t reflect.Type, body bool) *Schema {
	s := &Schema{Type: "object", Properties: map[string]*Schema{}}
	plan := g.plan(t)
	if g.strict {
		s.AdditionalProperties = false
	}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				continue // flattened: VisibleFields lists its fields
			}
		}
		if hasEmbeddedTaggedParent(t, f) {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := s.Properties[name]; dup {
			continue
		}
		fs := g.schemaFor(f.Type, body)
		if strings.Contains(opts, "string") {
			fs = &Schema{Type: "string"}
		}
		optional := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
		if k := f.Type.Kind(); optional && (k == reflect.Slice || k == reflect.Map) {
			fs.Type = nonNull(fs.Type) // an empty (or nil) one is left out, never null
		}
		vf := fieldPlan(plan, f.Index)
		fs = g.withField(fs, f, vf)
		s.Properties[name] = fs
		// Pointers may be null and are optional; so are slices of structs (relations, which
		// may be left unloaded), which also lets validators see recursive models as finite.
		k := f.Type.Kind()
		relation := k == reflect.Slice && baseKind(f.Type.Elem()) == reflect.Struct && f.Type.Elem() != timeType
		if (vf != nil && vf.Required) || (!optional && k != reflect.Pointer && !relation) {
			s.Required = append(s.Required, name)
		}
	}
	return s
}

// hasEmbeddedTaggedParent reports whether f is promoted from an embedded struct that has a
// json name of its own (so encoding/json nests it rather than flattening).
func hasEmbeddedTaggedParent(t reflect.Type, f reflect.StructField) bool {
	for i := 1; i < len(f.Index); i++ {
		p := t.FieldByIndex(f.Index[:i])
		if name, _, _ := strings.Cut(p.Tag.Get("json"), ","); name != "" || !p.Anonymous {
			return true
		}
	}
	return false
}

// withField adds a field's documentation (doc, example tags) and validation constraints to
// its schema. A reference gets them through an allOf-free wrapper: JSON Schema 2020-12
// allows keywords beside $ref.
func (g *schemaGen) withField(s *Schema, f reflect.StructField, vf *validate.Field) *Schema {
	if d := f.Tag.Get("doc"); d != "" {
		s.Description = d
	}
	if ex, ok := f.Tag.Lookup("example"); ok {
		s.Examples = []any{exampleValue(f.Type, ex)}
	}
	if f.Tag.Get("deprecated") == "true" {
		s.Deprecated = true
	}
	switch f.Tag.Get("access") {
	case "readonly":
		s.ReadOnly = true
	case "writeonly":
		s.WriteOnly = true
	}
	if vf == nil {
		return s
	}
	target := s
	if len(s.AnyOf) > 0 {
		target = s.AnyOf[0]
		if target.Ref != "" {
			return s
		}
	}
	if target.Ref != "" {
		return s
	}
	kind := baseKind(f.Type)
	switch kind {
	case reflect.String:
		target.MinLength, target.MaxLength = vf.MinLen, vf.MaxLen
		if vf.Pattern != "" {
			target.Pattern = vf.Pattern
		}
		switch vf.Format {
		case "email":
			target.Format = "email"
		case "url":
			target.Format = "uri"
		case "uuid":
			target.Format = "uuid"
		case "date":
			target.Format = "date"
		case "datetime":
			target.Format = "date-time"
		// The patterns say exactly what package validate accepts.
		case "slug":
			target.Pattern = "^[A-Za-z0-9_-]+$"
		case "alpha":
			target.Pattern = "^\\p{L}+$"
		case "alphanum":
			target.Pattern = "^[\\p{L}\\p{Nd}]+$"
		case "numeric":
			target.Pattern = "^[0-9]+$"
		}
		for _, v := range vf.OneOf {
			target.Enum = append(target.Enum, v)
		}
	case reflect.Slice, reflect.Array, reflect.Map:
		target.MinItems, target.MaxItems = vf.MinLen, vf.MaxLen
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		if vf.Min != nil {
			if vf.ExclusiveMin {
				target.ExclusiveMinimum = vf.Min
			} else {
				target.Minimum = vf.Min
			}
		}
		if vf.Max != nil {
			if vf.ExclusiveMax {
				target.ExclusiveMaximum = vf.Max
			} else {
				target.Maximum = vf.Max
			}
		}
		for _, v := range vf.OneOf {
			if n, err := strconv.ParseFloat(v, 64); err == nil {
				target.Enum = append(target.Enum, n)
			}
		}
	}
	return s
}

func baseKind(t reflect.Type) reflect.Kind {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return reflect.Struct
	}
	return t.Kind()
}

// exampleValue parses an example tag: strings as they are, anything else as JSON when it
// parses.
func exampleValue(t reflect.Type, ex string) any {
	if baseKind(t) == reflect.String {
		return ex
	}
	var v any
	if json.Unmarshal([]byte(ex), &v) == nil {
		return v
	}
	return ex
}
