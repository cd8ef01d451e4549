package form

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/validate"
)

// Widget is the kind of HTML control a field renders as.
type Widget string

// The widgets. A field's widget comes from its `widget:"..."` tag, or else from its type,
// its rules and, for model fields, the registry: strings are Text (Email with the email
// rule, URL with url, Date with date, TextArea for `orm:"text"` columns or a maximum over 255
// characters, Select with choices), integers and floats Number, bools Checkbox, time.Time
// DateTime (Date for `orm:"date"` columns), slices with choices MultiSelect, and *File or
// []*File FileInput.
const (
	Text        Widget = "text"
	Email       Widget = "email"
	Password    Widget = "password" // never re-rendered with its value
	URL         Widget = "url"
	TextArea    Widget = "textarea"
	Number      Widget = "number"
	Checkbox    Widget = "checkbox"
	Select      Widget = "select"
	Radio       Widget = "radio"
	Date        Widget = "date"
	DateTime    Widget = "datetime" // <input type="datetime-local">
	FileInput   Widget = "file"
	Hidden      Widget = "hidden"
	MultiSelect Widget = "multiselect"
)

// Choice is one option of a select, radio group or multi-select.
type Choice struct {
	Value string
	Label string
}

// Field is the compiled description of one form field, read once from the struct's tags,
// the validation rules and (for models) the registry. Templates and the admin site read it;
// it never changes after compilation.
type Field struct {
	Name        string // the input's name attribute: the form tag, the model's column, or the snake_case Go name
	GoName      string // the Go field name
	Label       string
	Help        string
	Placeholder string
	Widget      Widget
	Choices     []Choice
	Required    bool         // the validate rule required (rendered as the required attribute)
	Optional    bool         // the field is a pointer: empty input leaves it nil
	Multiple    bool         // the field holds several values (multi-select, several files)
	MinLen      *int         // minlength, from the rules
	MaxLen      *int         // maxlength, from the rules or the column size
	Min, Max    *float64     // min and max of a number, from inclusive rules
	Pattern     string       // the pattern rule's regular expression
	Accept      []string     // files: the media types allowed ("image/png", "image/*")
	MaxBytes    int64        // files: the size limit of one file
	Unique      bool         // checked against the database table
	Type        reflect.Type // the Go type of the field

	index  []int
	kind   valueKind
	elem   reflect.Type // the type converted: the field's type without pointer or slice
	unique *uniqueCheck
	static *staticParts // rendered once, on first use
	id     string       // the id attribute: Config.IDPrefix and the name
}

// valueKind is how a field's text is converted.
type valueKind uint8

const (
	kString valueKind = iota + 1
	kInt
	kUint
	kFloat
	kBool
	kTime
	kText // a type implementing encoding.TextUnmarshaler
	kFile
)

var (
	timeType          = reflect.TypeFor[time.Time]()
	fileType          = reflect.TypeFor[File]()
	textUnmarshalType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// Plan is the compiled form of one struct type (and, for a model, one list of fields):
// which fields it shows, in which order, with which widgets and limits. Plans are built
// once by [Forms.Plan] and cached in the Forms; they are immutable and safe to share.
type Plan struct {
	Type   reflect.Type
	Fields []*Field
	// Model is the registry's metadata when the type is a registered model, else nil.
	Model *orm.Meta

	byName    map[string]*Field
	byGo      map[string]*Field
	pk        []int // index of the field holding the edited instance's key, for unique checks
	multipart bool
}

// Field returns the field with the given input name or Go name, or nil.
func (p *Plan) Field(name string) *Field {
	if f := p.byName[name]; f != nil {
		return f
	}
	return p.byGo[name]
}

// Multipart reports whether the form has a file field and must be sent as
// multipart/form-data.
func (p *Plan) Multipart() bool { return p.multipart }

// compile builds the plan of struct type t. When fields is not empty it lists the fields to
// show, in order, by Go or input name.
func (fs *Forms) compile(t reflect.Type, fields []string, prefix string) (*Plan, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("form: %s is not a struct", t)
	}
	p := &Plan{Type: t, byName: map[string]*Field{}, byGo: map[string]*Field{}}
	if fs.cfg.Registry != nil {
		p.Model = fs.cfg.Registry.MetaOf(t)
	}
	vp, err := fs.validator.Plan(t)
	if err != nil {
		return nil, fmt.Errorf("form: %w", err)
	}
	rules := map[string]*validate.Field{}
	for _, vf := range vp.Fields {
		rules[vf.Name] = vf
	}
	var all []*Field
	var errs []error
	fs.collect(p, t, nil, rules, &all, &errs)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if p.Model != nil && p.Model.PK != nil && p.pk == nil {
		p.pk = p.Model.PK.Path
	}

	if len(fields) == 0 {
		for _, f := range all {
			if p.Model != nil && f.omitByDefault(p.Model) {
				continue
			}
			p.add(f)
		}
	} else {
		for _, name := range fields {
			var found *Field
			for _, f := range all {
				if f.GoName == name || f.Name == name {
					found = f
					break
				}
			}
			if found == nil {
				errs = append(errs, fmt.Errorf("form: %s has no form field %q", t, name))
				continue
			}
			if p.byGo[found.GoName] != nil {
				errs = append(errs, fmt.Errorf("form: %s: field %q listed twice", t, name))
				continue
			}
			p.add(found)
		}
		if len(errs) > 0 {
			return nil, errors.Join(errs...)
		}
	}
	if prefix != "" {
		clear(p.byName)
		for _, f := range p.Fields { // compiled for this plan alone: renaming them is safe
			f.Name = prefix + f.Name
			f.id = fs.cfg.IDPrefix + idSafe(f.Name)
			p.byName[f.Name] = f
		}
	}
	return p, nil
}

func (p *Plan) add(f *Field) {
	p.Fields = append(p.Fields, f)
	p.byName[f.Name] = f
	p.byGo[f.GoName] = f
	if f.kind == kFile {
		p.multipart = true
	}
}

// omitByDefault reports whether a model field stays off a model form whose fields were not
// listed: the primary key, the automatic timestamps and fields that are not columns.
func (f *Field) omitByDefault(m *orm.Meta) bool {
	of := m.Field(f.GoName)
	if of == nil {
		return f.kind != kFile // a file field is never a column; anything else not a column is skipped
	}
	return of.PrimaryKey || of.AutoCreate || of.AutoUpdate
}

// collect compiles the fields of t (embedded structs promoted) into all.
func (fs *Forms) collect(p *Plan, t reflect.Type, prefix []int, rules map[string]*validate.Field, all *[]*Field, errs *[]error) {
	for i := range t.NumField() {
		sf := t.Field(i)
		index := append(append([]int(nil), prefix...), i)
		tag, hasTag := sf.Tag.Lookup("form")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" && opts == "" {
			continue
		}
		if et := sf.Type; sf.Anonymous && !hasTag {
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct && et != timeType && et != fileType {
				fs.collect(p, et, index, rules, all, errs)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		f, err := fs.compileField(p, sf, index, name, opts, rules[sf.Name])
		if err != nil {
			*errs = append(*errs, fmt.Errorf("form: %s.%s: %w", t, sf.Name, err))
			continue
		}
		if f != nil {
			*all = append(*all, f)
		}
	}
}

// compileField compiles one struct field; it returns nil for a field that is not a form
// field (a relation, a nested struct without a form tag).
func (fs *Forms) compileField(p *Plan, sf reflect.StructField, index []int, name, opts string, vf *validate.Field) (*Field, error) {
	f := &Field{GoName: sf.Name, Type: sf.Type, index: index, static: &staticParts{}}
	var of *orm.Field
	if p.Model != nil {
		of = p.Model.Field(sf.Name)
	}
	// Options of the form tag.
	var uniqueRef string
	isPK := false
	for _, o := range strings.Split(opts, ",") {
		key, val, _ := strings.Cut(strings.TrimSpace(o), "=")
		switch key {
		case "":
		case "pk":
			isPK = true
		case "unique":
			uniqueRef = val
			if val == "" {
				uniqueRef = "."
			}
		default:
			return nil, fmt.Errorf("unknown form tag option %q (want pk or unique[=Model.Field])", key)
		}
	}
	if isPK {
		p.pk = index
		return nil, nil
	}
	if name == "-" {
		return nil, nil
	}

	// The value kind.
	t := sf.Type
	if t.Kind() == reflect.Pointer && t.Elem() != fileType {
		f.Optional = true
		t = t.Elem()
	}
	if t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 {
		f.Multiple = true
		t = t.Elem()
	}
	if t.Kind() == reflect.Pointer && t.Elem() == fileType {
		t = t.Elem()
	}
	f.elem = t
	switch {
	case t == fileType:
		f.kind = kFile
		if f.Optional {
			return nil, errors.New("a file field is a *form.File or a []*form.File")
		}
		if sf.Type.Kind() != reflect.Pointer && !(f.Multiple && sf.Type.Elem().Kind() == reflect.Pointer) {
			return nil, errors.New("a file field is a *form.File or a []*form.File")
		}
	case t == timeType:
		f.kind = kTime
	case reflect.PointerTo(t).Implements(textUnmarshalType):
		f.kind = kText
	default:
		switch t.Kind() {
		case reflect.String:
			f.kind = kString
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			f.kind = kInt
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			f.kind = kUint
		case reflect.Float32, reflect.Float64:
			f.kind = kFloat
		case reflect.Bool:
			f.kind = kBool
		default:
			if p.Model != nil || (!hasTagged(sf) && (t.Kind() == reflect.Struct || t.Kind() == reflect.Slice || t.Kind() == reflect.Map)) {
				return nil, nil // a relation or a nested value: not a form field
			}
			return nil, fmt.Errorf("type %s cannot be a form field", sf.Type)
		}
	}
	if f.Multiple && f.Optional {
		return nil, fmt.Errorf("type %s cannot be a form field (a pointer to a slice)", sf.Type)
	}
	if f.Multiple && f.kind == kBool {
		return nil, fmt.Errorf("type %s cannot be a form field", sf.Type)
	}

	// Name, label, help.
	f.Name = name
	if f.Name == "" {
		if of != nil {
			f.Name = of.Column
		} else {
			f.Name = snakeCase(sf.Name)
		}
	}
	if !validName(f.Name) {
		return nil, fmt.Errorf("bad input name %q (letters, digits, _ - . [ ] only)", f.Name)
	}
	f.id = fs.cfg.IDPrefix + idSafe(f.Name)
	f.Label = sf.Tag.Get("label")
	if f.Label == "" && of != nil {
		f.Label = of.Label
	}
	if f.Label == "" {
		f.Label = humanize(sf.Name)
	}
	f.Help = sf.Tag.Get("help")
	if f.Help == "" && of != nil {
		f.Help = of.Help
	}
	f.Placeholder = sf.Tag.Get("placeholder")

	// Choices.
	if c, ok := sf.Tag.Lookup("choices"); ok {
		choices, err := parseChoices(c)
		if err != nil {
			return nil, err
		}
		f.Choices = choices
	} else if of != nil && len(of.Choices) > 0 {
		for _, c := range of.Choices {
			f.Choices = append(f.Choices, Choice{Value: c.Value, Label: c.Label})
		}
	} else if vf != nil && len(vf.OneOf) > 0 {
		for _, v := range vf.OneOf {
			f.Choices = append(f.Choices, Choice{Value: v, Label: v})
		}
	}
	for _, c := range f.Choices {
		if err := checkText(f, c.Value); err != nil {
			return nil, fmt.Errorf("choice %q: %v", c.Value, err)
		}
	}

	// Constraints from the rules, then the column.
	format := ""
	if vf != nil {
		f.Required = vf.Required
		f.MinLen, f.MaxLen = vf.MinLen, vf.MaxLen
		if f.kind == kInt || f.kind == kUint || f.kind == kFloat {
			if !vf.ExclusiveMin {
				f.Min = vf.Min
			}
			if !vf.ExclusiveMax {
				f.Max = vf.Max
			}
			f.MinLen, f.MaxLen = nil, nil
		}
		if f.Multiple || f.kind == kFile {
			f.MinLen, f.MaxLen = nil, nil // counts of items, not characters
		}
		f.Pattern = vf.Pattern
		format = vf.Format
	}
	if of != nil && of.Kind == orm.KindString && of.Size > 0 && (f.MaxLen == nil || *f.MaxLen > of.Size) && f.kind == kString && !f.Multiple {
		size := of.Size
		f.MaxLen = &size
	}

	// Widget.
	f.Widget = Widget(sf.Tag.Get("widget"))
	if f.Widget == "" {
		f.Widget = f.defaultWidget(of, format)
	}
	if err := f.checkWidget(); err != nil {
		return nil, err
	}

	// Files.
	if f.kind == kFile {
		f.MaxBytes = fs.cfg.MaxFileBytes
		if s, ok := sf.Tag.Lookup("maxsize"); ok {
			n, err := parseSize(s)
			if err != nil {
				return nil, fmt.Errorf("bad maxsize=%q: %v", s, err)
			}
			f.MaxBytes = n
		}
		f.Accept = fs.cfg.AllowedTypes
		if s, ok := sf.Tag.Lookup("accept"); ok {
			f.Accept = nil
			for _, a := range strings.Split(s, ",") {
				if a = strings.ToLower(strings.TrimSpace(a)); a != "" {
					if !strings.Contains(a, "/") {
						return nil, fmt.Errorf("bad accept=%q: want media types such as image/png or image/*", s)
					}
					f.Accept = append(f.Accept, a)
				}
			}
		}
	} else if _, ok := sf.Tag.Lookup("accept"); ok {
		return nil, errors.New("accept applies to file fields")
	}

	// Uniqueness.
	switch {
	case uniqueRef != "":
		u, err := fs.uniqueFor(p, of, uniqueRef)
		if err != nil {
			return nil, err
		}
		f.unique = u
	case of != nil && of.Unique:
		f.unique = &uniqueCheck{meta: p.Model, field: of}
	}
	f.Unique = f.unique != nil
	if f.Unique && (f.Multiple || f.kind == kFile) {
		return nil, errors.New("unique applies to single-valued fields")
	}
	return f, nil
}

// hasTagged reports whether the struct field has one of the tags that make it a form field.
func hasTagged(sf reflect.StructField) bool {
	for _, k := range [...]string{"form", "widget", "label", "choices"} {
		if _, ok := sf.Tag.Lookup(k); ok {
			return true
		}
	}
	return false
}

func (f *Field) defaultWidget(of *orm.Field, format string) Widget {
	switch f.kind {
	case kFile:
		return FileInput
	case kBool:
		return Checkbox
	case kTime:
		if of != nil && of.Kind == orm.KindDate {
			return Date
		}
		return DateTime
	}
	if f.Multiple {
		return MultiSelect
	}
	if len(f.Choices) > 0 {
		return Select
	}
	switch f.kind {
	case kInt, kUint, kFloat:
		return Number
	}
	switch format {
	case "email":
		return Email
	case "url":
		return URL
	case "date":
		return Date
	}
	if of != nil && of.Kind == orm.KindText {
		return TextArea
	}
	if f.MaxLen != nil && *f.MaxLen > 255 {
		return TextArea
	}
	return Text
}

// checkWidget refuses a widget that cannot show the field's type.
func (f *Field) checkWidget() error {
	bad := func() error {
		return fmt.Errorf("widget %q cannot show a %s", f.Widget, f.Type)
	}
	if f.Multiple && f.Widget != MultiSelect && f.Widget != FileInput || !f.Multiple && f.Widget == MultiSelect {
		return bad()
	}
	switch f.Widget {
	case Text, Email, Password, URL, TextArea, Hidden:
		if f.kind == kFile || f.kind == kBool {
			return bad()
		}
	case Number:
		if f.kind != kInt && f.kind != kUint && f.kind != kFloat {
			return bad()
		}
	case Checkbox:
		if f.kind != kBool {
			return bad()
		}
	case Select, Radio, MultiSelect:
		if f.kind == kFile || f.kind == kBool {
			return bad()
		}
	case Date, DateTime:
		if f.kind != kTime && f.kind != kString {
			return bad()
		}
	case FileInput:
		if f.kind != kFile {
			return bad()
		}
	default:
		return fmt.Errorf("unknown widget %q", f.Widget)
	}
	return nil
}

// parseChoices reads `value:Label|value:Label` (the orm tag's syntax); a value without a
// label is its own label.
func parseChoices(s string) ([]Choice, error) {
	var out []Choice
	for _, part := range strings.Split(s, "|") {
		v, label, hasLabel := strings.Cut(part, ":")
		v = strings.TrimSpace(v)
		if v == "" {
			return nil, fmt.Errorf("bad choices=%q: empty value (want value:Label|value:Label)", s)
		}
		label = strings.TrimSpace(label)
		if !hasLabel || label == "" {
			label = v
		}
		out = append(out, Choice{Value: v, Label: label})
	}
	return out, nil
}

// checkText reports whether s converts to the field's type.
func checkText(f *Field, s string) error {
	v := reflect.New(f.elem).Elem()
	if code, param := convert(f, s, v, nil); code != "" {
		return errors.New(message(&Error{Code: code, Param: param}))
	}
	return nil
}

// parseSize reads a byte count: 2048, 512KB, 2MB, 1.5MiB (KB and KiB both mean 1024).
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	up := strings.ToUpper(s)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(up, u.suffix) {
			mult = u.mult
			s = strings.TrimSpace(s[:len(s)-len(u.suffix)])
			break
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || !(n*float64(mult) >= 1) || n*float64(mult) > 1<<50 {
		return 0, errors.New("want a size of at least one byte, such as 2MB or 512KiB")
	}
	return int64(n * float64(mult)), nil
}

// validName reports whether name is safe as an input name and, with a prefix, as an id.
func validName(name string) bool {
	if name == "" || len(name) > 100 {
		return false
	}
	for _, r := range name {
		if !(r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_-.[]", r))) {
			return false
		}
	}
	return true
}

// snakeCase turns a Go name into snake_case: AuthorID → author_id, HTMLBody → html_body.
func snakeCase(s string) string {
	var b strings.Builder
	runes := []rune(s)
	for i, r := range runes {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(runes[i-1]) || unicode.IsDigit(runes[i-1]) ||
				(i+1 < len(runes) && unicode.IsLower(runes[i+1]) && unicode.IsUpper(runes[i-1]))) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// humanize turns a Go name into a label: AuthorID → "Author ID", PublishedAt → "Published at".
func humanize(s string) string {
	words := strings.Split(snakeCase(s), "_")
	for i, w := range words {
		switch w {
		case "id", "url", "uuid", "ip", "html", "json", "api", "http", "https", "sql", "uri":
			words[i] = strings.ToUpper(w)
		}
	}
	out := strings.Join(words, " ")
	if r, size := utf8.DecodeRuneInString(out); size > 0 {
		out = string(unicode.ToUpper(r)) + out[size:]
	}
	return out
}
