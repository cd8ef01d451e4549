package orm

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/google/uuid"
)

// model is the registry's record of one model type: its public Meta plus what the query
// engine needs, computed once (field offsets, access paths, hooks).
type model struct {
	meta    *Meta
	cols    []*column // aligned with meta.Fields
	pk      *column
	rels    []*relField // aligned with meta.Relations
	hooks   hookSet
	created *column // the AutoCreate field, if any
	updated *column // the AutoUpdate field, if any
	hasJSON bool    // a column needs a scan wrapper
	hasTime bool    // a column needs its time normalised to UTC after scanning

	pending []pendingRel // relation fields awaiting resolution, during Register only
}

// access selects the fast path used to read and write a column's Go value.
type access uint8

const (
	aOther   access = iota // through reflect, with database/sql's conversions
	aInt64                 // exactly int64
	aInt                   // exactly int
	aString                // exactly string
	aBool                  // exactly bool
	aFloat64               // exactly float64
	aTime                  // exactly time.Time
	aBytes                 // exactly []byte
	aUUID                  // exactly uuid.UUID
	aJSON                  // any type stored as JSON
)

// timeFix says how a scanned time must be normalised to UTC.
type timeFix uint8

const (
	tfNone  timeFix = iota
	tfValue         // time.Time
	tfPtr           // *time.Time
	tfNull          // sql.NullTime
)

// column is one persisted field with its access path.
type column struct {
	f       *Field
	model   string // the model name, for errors
	offset  uintptr
	typ     reflect.Type // the field's Go type
	ptr     bool         // typ is a pointer (nil is NULL)
	acc     access
	fix     timeFix
	uuidArr bool // a [16]byte type other than uuid.UUID, converted through uuid.UUID

	choices  []string      // allowed values, as strings
	def      reflect.Value // Go value of the default, applied by Create to zero fields
	defNow   bool          // the default is the current time
	hasDef   bool
	fkTarget *model // the referenced model of a foreign key
}

// hookSet records which hook interfaces *T implements.
type hookSet uint8

const (
	hBeforeCreate hookSet = 1 << iota
	hAfterCreate
	hBeforeUpdate
	hAfterUpdate
	hBeforeDelete
	hAfterDelete
	hValidate
)

// relField is a relation field with its access path.
type relField struct {
	rel    *Relation
	offset uintptr
	typ    reflect.Type // the field's type: *T, T, []T or []*T
	elem   reflect.Type // the related struct type
	target *model
	fk     *column // BelongsTo: the FK column on this model; HasMany: the FK column on target
}

// pendingRel is a relation field found while parsing, resolved once all models of the
// Register call are known.
type pendingRel struct {
	name   string
	path   []int
	offset uintptr
	typ    reflect.Type
	elem   reflect.Type
	slice  bool
	ptr    bool
	opts   map[string]tagOption
}

var (
	typeTime     = reflect.TypeFor[time.Time]()
	typeUUID     = reflect.TypeFor[uuid.UUID]()
	typeNullUUID = reflect.TypeFor[uuid.NullUUID]()
	typeBytes    = reflect.TypeFor[[]byte]()
	typeScanner  = reflect.TypeFor[sql.Scanner]()
	typeValuer   = reflect.TypeFor[driver.Valuer]()
	typeNullTime = reflect.TypeFor[sql.NullTime]()
)

// parseModel reads a struct type into a model. Problems are recorded in b.errs.
func (b *builder) parseModel(t reflect.Type) *model {
	name := t.Name()
	meta := &Meta{Name: name, Type: t}
	m := &model{meta: meta}
	nerr := len(b.errs)

	meta.Table = plural(snakeCase(name))
	if tn, ok := reflect.New(t).Interface().(TableNamer); ok {
		meta.Table = tn.TableName()
		if !validIdent(meta.Table) {
			b.fail(name, "", "", "TableName() returned %q, which is not a valid table name (letters, digits, underscores)", meta.Table)
		}
	}
	if prev := b.tableOwner(meta.Table); prev != "" {
		b.fail(name, "", "", "table %q is already used by %s", meta.Table, prev)
	}
	words := strings.Split(snakeCase(name), "_")
	meta.Label = strings.Join(words, " ")
	meta.LabelPlural = strings.ReplaceAll(plural(snakeCase(name)), "_", " ")

	groups := map[string]*Index{}
	var groupOrder []string
	b.walk(m, t, nil, 0, groups, &groupOrder)
	if len(b.errs) > nerr {
		return nil
	}

	// The primary key: a field tagged pk, else a field named ID.
	var pk *column
	for _, c := range m.cols {
		if c.f.PrimaryKey {
			if pk != nil {
				b.fail(name, c.f.Name, "pk", "a second primary key (already %s); composite primary keys are not supported", pk.f.Name)
				return nil
			}
			pk = c
		}
	}
	if pk == nil {
		for _, c := range m.cols {
			if c.f.Name == "ID" {
				pk = c
				c.f.PrimaryKey = true
			}
		}
	}
	if pk == nil {
		b.fail(name, "", "", "no primary key: embed orm.Model or orm.UUIDModel, or tag a field `orm:\"pk\"`")
		return nil
	}
	switch pk.f.Kind {
	case KindInt:
		pk.f.AutoIncrement = true
	case KindUUID, KindString:
	default:
		b.fail(name, pk.f.Name, "pk", "a primary key must be an integer, a UUID or a string, not %s", pk.typ)
		return nil
	}
	if pk.f.Nullable {
		b.fail(name, pk.f.Name, "pk", "a primary key cannot be nullable")
		return nil
	}
	m.pk = pk
	meta.PK = pk.f
	meta.PrimaryKey = []*Field{pk.f}
	// The primary key first, the rest in declaration order.
	for i, c := range m.cols {
		if c == pk {
			copy(m.cols[1:i+1], m.cols[:i])
			m.cols[0] = pk
			break
		}
	}
	seen := map[string]string{}
	for _, c := range m.cols {
		meta.Fields = append(meta.Fields, c.f)
		if other, dup := seen[c.f.Column]; dup {
			b.fail(name, c.f.Name, "column", "column %q is also used by field %s", c.f.Column, other)
		}
		seen[c.f.Column] = c.f.Name
		if c.f.AutoCreate {
			m.created = c
		}
		if c.f.AutoUpdate {
			m.updated = c
		}
		if c.acc == aJSON || c.uuidArr {
			m.hasJSON = true
		}
		if c.fix != tfNone {
			m.hasTime = true
		}
	}

	// Indexes: single-column ones in field order, then the named groups.
	for _, c := range m.cols {
		if c.f.Unique && !c.f.PrimaryKey {
			meta.Indexes = append(meta.Indexes, Index{Name: indexName(meta.Table, []string{c.f.Column}, "key"), Columns: []string{c.f.Column}, Unique: true})
		}
		if c.f.Indexed {
			meta.Indexes = append(meta.Indexes, Index{Name: indexName(meta.Table, []string{c.f.Column}, "idx"), Columns: []string{c.f.Column}})
		}
	}
	for _, g := range groupOrder {
		ix := groups[g]
		if len(ix.Columns) == 1 {
			// A group of one is a plain single-column index or constraint.
			f := meta.Field(ix.Columns[0])
			if ix.Unique && !f.Unique {
				f.Unique = true
			} else if !ix.Unique && !f.Indexed {
				f.Indexed = true
			} else {
				continue
			}
		}
		suffix := "idx"
		if ix.Unique {
			suffix = "key"
		}
		ix.Name = indexName(meta.Table, ix.Columns, suffix)
		meta.Indexes = append(meta.Indexes, *ix)
	}

	pt := reflect.PointerTo(t)
	for _, h := range []struct {
		iface reflect.Type
		bit   hookSet
	}{
		{reflect.TypeFor[BeforeCreateHook](), hBeforeCreate},
		{reflect.TypeFor[AfterCreateHook](), hAfterCreate},
		{reflect.TypeFor[BeforeUpdateHook](), hBeforeUpdate},
		{reflect.TypeFor[AfterUpdateHook](), hAfterUpdate},
		{reflect.TypeFor[BeforeDeleteHook](), hBeforeDelete},
		{reflect.TypeFor[AfterDeleteHook](), hAfterDelete},
		{reflect.TypeFor[Validator](), hValidate},
	} {
		if pt.Implements(h.iface) {
			m.hooks |= h.bit
		}
	}
	return m
}

func (b *builder) tableOwner(table string) string {
	if m := b.old.tables[table]; m != nil {
		return m.Name
	}
	for _, m := range b.order {
		if m.meta.Table == table {
			return m.meta.Name
		}
	}
	return ""
}

// walk visits the fields of struct type t (reached from the model through path, at offset),
// flattening embedded structs.
func (b *builder) walk(m *model, t reflect.Type, path []int, offset uintptr, groups map[string]*Index, groupOrder *[]string) {
	name := m.meta.Name
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag, hasTag := sf.Tag.Lookup("orm")
		tag = strings.TrimSpace(tag)
		if tag == "-" {
			continue
		}
		fpath := append(append([]int(nil), path...), i)
		if sf.Anonymous {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct {
				b.fail(name, sf.Name, "", "embedded pointer %s is not supported: embed the struct by value", ft)
				continue
			}
			if ft.Kind() == reflect.Struct && !isValueStruct(ft) {
				if hasTag && tag != "" {
					b.fail(name, sf.Name, "", "an embedded struct takes no orm tag other than \"-\"")
					continue
				}
				b.walk(m, ft, fpath, offset+sf.Offset, groups, groupOrder)
				continue
			}
		}
		if !sf.IsExported() {
			if hasTag {
				b.fail(name, sf.Name, "", "unexported fields cannot be persisted (remove the orm tag or export the field)")
			}
			continue
		}
		opts, err := parseTag(tag)
		if err != nil {
			b.fail(name, sf.Name, "", "bad orm tag %q: %v", tag, err)
			continue
		}
		byKey := map[string]tagOption{}
		bad := false
		for _, o := range opts {
			if msg := checkOption(o); msg != "" {
				b.fail(name, sf.Name, o.key, "%s", msg)
				bad = true
				continue
			}
			if _, dup := byKey[o.key]; dup {
				b.fail(name, sf.Name, o.key, "tag option %q given twice", o.key)
				bad = true
			}
			byKey[o.key] = o
		}
		if bad {
			continue
		}
		if o, ok := byKey["-"]; ok {
			b.fail(name, sf.Name, o.key, "\"-\" must be the whole tag")
			continue
		}
		if rel, ok := relationCandidate(sf.Type, byKey); ok {
			for k := range byKey {
				switch k {
				case "fk", "m2m", "label", "help":
				default:
					b.fail(name, sf.Name, k, "tag option %q does not apply to a relation field", k)
					bad = true
				}
			}
			if !bad {
				rel.name = sf.Name
				rel.path = fpath
				rel.offset = offset + sf.Offset
				rel.opts = byKey
				m.pending = append(m.pending, rel)
			}
			continue
		}
		if _, ok := byKey["m2m"]; ok {
			b.fail(name, sf.Name, "m2m", "m2m needs a slice of a model type ([]Tag or []*Tag), not %s", sf.Type)
			continue
		}
		c := b.parseColumn(m, sf, fpath, offset+sf.Offset, byKey)
		if c == nil {
			continue
		}
		m.cols = append(m.cols, c)
		for _, key := range []string{"unique", "index"} {
			o, ok := byKey[key]
			if !ok {
				continue
			}
			if !o.hasValue {
				if key == "unique" {
					c.f.Unique = true
				} else {
					c.f.Indexed = true
				}
				continue
			}
			if !validIdent(o.value) {
				b.fail(name, sf.Name, key, "%s group name %q must be letters, digits and underscores", key, o.value)
				continue
			}
			gk := key + ":" + o.value
			g := groups[gk]
			if g == nil {
				g = &Index{Unique: key == "unique"}
				groups[gk] = g
				*groupOrder = append(*groupOrder, gk)
			}
			g.Columns = append(g.Columns, c.f.Column)
		}
	}
}

// isValueStruct reports whether a struct type is stored as one column rather than being a
// relation or flattened: time.Time, sql.Null*, UUIDs, and anything implementing sql.Scanner.
func isValueStruct(t reflect.Type) bool {
	if t == typeTime || t == typeNullUUID {
		return true
	}
	if t.PkgPath() == "database/sql" && strings.HasPrefix(t.Name(), "Null") {
		return true
	}
	return reflect.PointerTo(t).Implements(typeScanner) || t.Implements(typeValuer)
}

// relationCandidate reports whether a field's type makes it a relation field: a struct,
// pointer to struct or slice of either that is not a column value type, and is not tagged
// json.
func relationCandidate(t reflect.Type, opts map[string]tagOption) (pendingRel, bool) {
	if _, ok := opts["json"]; ok {
		return pendingRel{}, false
	}
	r := pendingRel{typ: t}
	e := t
	if e.Kind() == reflect.Slice {
		r.slice = true
		e = e.Elem()
	}
	if e.Kind() == reflect.Pointer {
		r.ptr = true
		e = e.Elem()
	}
	if e.Kind() != reflect.Struct || isValueStruct(e) {
		return pendingRel{}, false
	}
	r.elem = e
	return r, true
}

// baseKind maps a Go type to its column kind. nullable reports a pointer or sql.Null type.
func baseKind(t reflect.Type) (k Kind, nullable bool, inner reflect.Type) {
	if t.Kind() == reflect.Pointer {
		k, _, inner = baseKind(t.Elem())
		if t.Elem().Kind() == reflect.Pointer {
			return KindInvalid, true, nil
		}
		return k, true, inner
	}
	switch {
	case t == typeTime:
		return KindTime, false, t
	case t == typeUUID:
		return KindUUID, false, t
	case t == typeNullUUID:
		return KindUUID, true, typeUUID
	case t == typeNullTime:
		return KindTime, true, typeTime
	case t.PkgPath() == "database/sql" && strings.HasPrefix(t.Name(), "Null"):
		// sql.NullString, NullInt64, ..., and the generic sql.Null[T]: the value is the
		// first field.
		v := t.Field(0).Type
		k, _, inner = baseKind(v)
		return k, true, inner
	}
	switch t.Kind() {
	case reflect.Bool:
		return KindBool, false, t
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return KindInt, false, t
	case reflect.Float32, reflect.Float64:
		return KindFloat, false, t
	case reflect.String:
		return KindString, false, t
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return KindBytes, false, t
		}
	case reflect.Array:
		if t.Len() == 16 && t.Elem().Kind() == reflect.Uint8 {
			return KindUUID, false, t
		}
	}
	return KindInvalid, false, t
}

// parseColumn builds the Field and column for one struct field.
func (b *builder) parseColumn(m *model, sf reflect.StructField, path []int, offset uintptr, opts map[string]tagOption) *column {
	name := m.meta.Name
	fail := func(opt, format string, args ...any) *column {
		b.fail(name, sf.Name, opt, format, args...)
		return nil
	}
	t := sf.Type
	kind, nullable, inner := baseKind(t)
	f := &Field{
		Name:     sf.Name,
		Column:   snakeCase(sf.Name),
		Kind:     kind,
		Nullable: nullable,
		Type:     t,
		Path:     path,
		Label:    humanize(sf.Name),
	}
	c := &column{f: f, model: name, offset: offset, typ: t, ptr: t.Kind() == reflect.Pointer}

	isScanner := reflect.PointerTo(t).Implements(typeScanner) || t.Implements(typeValuer)
	_, isJSON := opts["json"]
	switch {
	case isJSON:
		for _, k := range []string{"text", "date", "decimal", "size"} {
			if _, ok := opts[k]; ok {
				return fail(k, "tag option %q cannot be combined with json", k)
			}
		}
		f.Kind = KindJSON
		f.Nullable = t.Kind() == reflect.Pointer
		c.acc = aJSON
	case opts["text"].key != "":
		if kind != KindString {
			return fail("text", "text applies to string fields, not %s", t)
		}
		f.Kind = KindText
	case opts["date"].key != "":
		if kind != KindTime {
			return fail("date", "date applies to time.Time fields, not %s", t)
		}
		f.Kind = KindDate
	case opts["decimal"].key != "":
		if kind != KindString && kind != KindFloat && !isScanner {
			return fail("decimal", "decimal applies to string-based, float or sql.Scanner types, not %s", t)
		}
		p, s, ok := parseDecimalSpec(opts["decimal"].value)
		if !ok {
			return fail("decimal", "bad decimal=%q: want precision.scale, e.g. decimal=10.2 (precision 1..65, scale 0..30 and not above precision)", opts["decimal"].value)
		}
		f.Kind = KindDecimal
		f.Size, f.Scale = p, s
	}
	if f.Kind == KindInvalid {
		if isScanner {
			return fail("", "type %s implements sql.Scanner but its column type is unknown: add text, json or decimal=P.S to the tag", t)
		}
		if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Pointer {
			return fail("", "pointer to pointer %s is not supported", t)
		}
		return fail("", "unsupported field type %s (add `orm:\"json\"` to store it as JSON, or `orm:\"-\"` to skip it)", t)
	}
	if f.Kind == KindString {
		f.Size = 255
	}

	if o, ok := opts["column"]; ok {
		if !validIdent(o.value) {
			return fail("column", "column=%q is not a valid column name (letters, digits, underscores, at most 63)", o.value)
		}
		f.Column = o.value
	}
	if o, ok := opts["size"]; ok {
		if f.Kind != KindString {
			return fail("size", "size applies to string fields (use text for unbounded strings)")
		}
		n, err := strconv.Atoi(o.value)
		if err != nil || n < 1 || n > 65535 {
			return fail("size", "bad size=%q: want a number from 1 to 65535", o.value)
		}
		f.Size = n
	}
	if _, ok := opts["null"]; ok {
		if !f.Nullable {
			return fail("null", "null needs a type that can hold NULL: a pointer (*%s) or a sql.Null type", t)
		}
	}
	if _, ok := opts["pk"]; ok {
		f.PrimaryKey = true
	}
	if o, ok := opts["label"]; ok {
		f.Label = o.value
	}
	if o, ok := opts["help"]; ok {
		f.Help = o.value
	}
	if o, ok := opts["fk"]; ok {
		f.ForeignKey = &ForeignKey{Model: o.value}
	}
	if o, ok := opts["ondelete"]; ok {
		if f.ForeignKey == nil {
			return fail("ondelete", "ondelete needs fk=Model on the same field")
		}
		switch strings.ToLower(strings.ReplaceAll(o.value, " ", "")) {
		case "cascade":
			f.ForeignKey.OnDelete = Cascade
		case "setnull":
			if !f.Nullable {
				return fail("ondelete", "ondelete=setnull needs a nullable field (a pointer such as *int64)")
			}
			f.ForeignKey.OnDelete = SetNull
		case "restrict":
			f.ForeignKey.OnDelete = Restrict
		case "noaction":
			f.ForeignKey.OnDelete = NoAction
		default:
			return fail("ondelete", "bad ondelete=%q: want cascade, setnull, restrict or noaction", o.value)
		}
	}
	if o, ok := opts["choices"]; ok {
		if f.Kind != KindString && f.Kind != KindInt {
			return fail("choices", "choices apply to string and integer fields")
		}
		for _, part := range strings.Split(o.value, "|") {
			v, label, hasLabel := strings.Cut(part, ":")
			v = strings.TrimSpace(v)
			if v == "" {
				return fail("choices", "bad choices=%q: empty value (want value:Label|value:Label)", o.value)
			}
			if f.Kind == KindInt {
				if _, err := strconv.ParseInt(v, 10, 64); err != nil {
					return fail("choices", "choice %q is not an integer", v)
				}
			}
			if !hasLabel {
				label = humanize(v)
			}
			f.Choices = append(f.Choices, Choice{Value: v, Label: strings.TrimSpace(label)})
			c.choices = append(c.choices, v)
		}
	}
	if o, ok := opts["default"]; ok {
		if err := b.parseDefault(c, inner, o.value); err != "" {
			return fail("default", "bad default=%q: %s", o.value, err)
		}
	}
	if f.Kind == KindTime {
		switch sf.Name {
		case "CreatedAt":
			f.AutoCreate = t == typeTime
		case "UpdatedAt":
			f.AutoUpdate = t == typeTime
		}
	}

	// The access path.
	switch {
	case c.acc == aJSON:
	case t == reflect.TypeFor[int64]():
		c.acc = aInt64
	case t == reflect.TypeFor[int]():
		c.acc = aInt
	case t == reflect.TypeFor[string]():
		c.acc = aString
	case t == reflect.TypeFor[bool]():
		c.acc = aBool
	case t == reflect.TypeFor[float64]():
		c.acc = aFloat64
	case t == typeTime:
		c.acc = aTime
	case t == typeBytes:
		c.acc = aBytes
	case t == typeUUID:
		c.acc = aUUID
	}
	if f.Kind == KindUUID && inner != typeUUID && !isScanner {
		c.uuidArr = true
	}
	if f.Kind == KindTime || f.Kind == KindDate {
		switch {
		case t == typeTime:
			c.fix = tfValue
		case t == reflect.PointerTo(typeTime):
			c.fix = tfPtr
		case t == typeNullTime:
			c.fix = tfNull
		}
	}
	return c
}

func parseDecimalSpec(s string) (p, sc int, ok bool) {
	ps, ss, found := strings.Cut(s, ".")
	p, err1 := strconv.Atoi(ps)
	if !found {
		ss = "0"
	}
	sc, err2 := strconv.Atoi(ss)
	if err1 != nil || err2 != nil || p < 1 || p > 65 || sc < 0 || sc > 30 || sc > p {
		return 0, 0, false
	}
	return p, sc, true
}

// parseDefault checks a default= value against the field's kind, stores its SQL literal in
// Field.Default and its Go value for Create. It returns a reason on error.
func (b *builder) parseDefault(c *column, inner reflect.Type, s string) string {
	f := c.f
	f.HasDefault = true
	c.hasDef = true
	var v reflect.Value
	if inner != nil {
		v = reflect.New(inner).Elem()
	}
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	switch f.Kind {
	case KindBool:
		bv, err := strconv.ParseBool(s)
		if err != nil {
			return "want true or false"
		}
		f.Default = "FALSE"
		if bv {
			f.Default = "TRUE"
		}
		if v.Kind() == reflect.Bool {
			v.SetBool(bv)
		}
	case KindInt:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return "want an integer"
		}
		f.Default = strconv.FormatInt(n, 10)
		switch v.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if v.OverflowInt(n) {
				return "out of range for " + inner.String()
			}
			v.SetInt(n)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			if n < 0 || v.OverflowUint(uint64(n)) {
				return "out of range for " + inner.String()
			}
			v.SetUint(uint64(n))
		}
	case KindFloat:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
			return "want a number"
		}
		f.Default = strconv.FormatFloat(x, 'g', -1, 64)
		if v.Kind() == reflect.Float32 || v.Kind() == reflect.Float64 {
			v.SetFloat(x)
		}
	case KindDecimal:
		norm, err := normalizeDecimal(s, f.Size, f.Scale)
		if err != "" {
			return err
		}
		f.Default = norm
		switch v.Kind() {
		case reflect.String:
			v.SetString(norm)
		case reflect.Float32, reflect.Float64:
			x, _ := strconv.ParseFloat(norm, 64)
			v.SetFloat(x)
		default:
			v = reflect.Value{} // a Scanner type: the database applies the default
		}
	case KindString, KindText:
		if f.Kind == KindString && len([]rune(s)) > f.Size {
			return fmt.Sprintf("longer than size=%d", f.Size)
		}
		if len(c.choices) > 0 && !containsStr(c.choices, s) {
			return "not one of the choices"
		}
		f.Default = quote(s)
		if v.Kind() == reflect.String {
			v.SetString(s)
		}
	case KindTime, KindDate:
		switch strings.ToLower(s) {
		case "now", "current_timestamp", "now()":
			f.Default = "CURRENT_TIMESTAMP"
			c.defNow = true
			v = reflect.Value{}
		default:
			layout := time.RFC3339Nano
			if f.Kind == KindDate {
				layout = time.DateOnly
			}
			tv, err := time.Parse(layout, s)
			if err != nil {
				return "want now or a time in " + layout + " format"
			}
			tv = tv.UTC()
			if f.Kind == KindDate {
				f.Default = quote(tv.Format(time.DateOnly))
			} else {
				f.Default = quote(tv.Format("2006-01-02 15:04:05.999999"))
			}
			if v.Type() == typeTime {
				v.Set(reflect.ValueOf(tv))
			}
		}
	case KindUUID:
		u, err := uuid.Parse(s)
		if err != nil {
			return "want a UUID"
		}
		f.Default = quote(u.String())
		if v.Kind() == reflect.Array && v.Len() == 16 {
			reflect.Copy(v, reflect.ValueOf(u[:]))
		}
	case KindJSON:
		if !json.Valid([]byte(s)) {
			return "not valid JSON"
		}
		f.Default = quote(s)
		v = reflect.New(c.typ).Elem()
		if err := json.Unmarshal([]byte(s), v.Addr().Interface()); err != nil {
			return "does not decode into " + c.typ.String() + ": " + err.Error()
		}
	default:
		return "defaults are not supported for " + f.Kind.String() + " fields"
	}
	if v.IsValid() && v.Type() != c.typ && f.Kind != KindJSON && c.typ.Kind() == reflect.Struct {
		// A sql.Null type (or uuid.NullUUID): the default is the valid value.
		nv := reflect.New(c.typ).Elem()
		valid, ok := c.typ.FieldByName("Valid")
		if !ok || nv.Field(0).Type() != v.Type() {
			return "defaults are not supported for " + c.typ.String()
		}
		nv.Field(0).Set(v)
		nv.FieldByIndex(valid.Index).SetBool(true)
		v = nv
	}
	c.def = v
	return ""
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// normalizeDecimal checks that s is a decimal number fitting precision p and scale sc, and
// returns it with exactly sc digits after the point, so that every database stores and
// returns the same text. It returns a reason on error.
func normalizeDecimal(s string, p, sc int) (string, string) {
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return "", "not a decimal number"
	}
	for _, part := range []string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return "", "not a decimal number"
			}
		}
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(frac) > sc {
		if strings.TrimRight(frac[sc:], "0") != "" {
			return "", fmt.Sprintf("more than %d digits after the decimal point", sc)
		}
		frac = frac[:sc]
	}
	frac += strings.Repeat("0", sc-len(frac))
	if len(intPart) > p-sc {
		return "", fmt.Sprintf("more than %d digits before the decimal point", p-sc)
	}
	if intPart == "" {
		intPart = "0"
	}
	out := intPart
	if sc > 0 {
		out += "." + frac
	}
	if neg && strings.Trim(out, "0.") != "" {
		out = "-" + out
	}
	return out, ""
}

// fieldPtr returns the address of a column's field in the struct at base.
func (c *column) fieldPtr(base unsafe.Pointer) unsafe.Pointer {
	return unsafe.Add(base, c.offset)
}

// value returns the reflect.Value of the column's field in the struct at base.
func (c *column) value(base unsafe.Pointer) reflect.Value {
	return reflect.NewAt(c.typ, unsafe.Add(base, c.offset)).Elem()
}
