package form

import (
	"context"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/validate"
)

// Config configures a [Forms]. Its zero value is the default.
type Config struct {
	// Validator checks the bound struct's `validate:"..."` rules (and its Validate method);
	// its Plan gives the HTML attributes. Default: validate.New(validate.Config{}).
	// Share the application's Validator so custom rules (Config.Funcs) work in forms too.
	Validator *validate.Validator
	// Registry holds the application's models: a form over a registered model reads labels,
	// help texts, choices, sizes and unique columns from it, and `form:",unique=Model.Field"`
	// names models in it. Default: none (plain struct forms only).
	Registry *orm.Registry

	// MaxRequestBytes caps the body of one form submission; a larger body is refused with
	// 413 before anything is kept. Default: 32 MiB.
	MaxRequestBytes int64
	// MaxFieldBytes caps one text value; a longer one is an error on its field ("too long")
	// and is not kept. Default: 1 MiB.
	MaxFieldBytes int64
	// MaxFileBytes is the size limit of one uploaded file, unless the field's
	// `maxsize:"2MB"` tag says otherwise. Default: 10 MiB.
	MaxFileBytes int64
	// MaxFields caps the number of values and files in one submission. Default: 1000.
	MaxFields int
	// MaxMemory is how much of an uploaded file is kept in memory; the rest spills to a
	// temporary file removed by Form.Close or when the request ends. Default: 1 MiB.
	MaxMemory int64
	// TempDir holds the temporary files of uploads. Default: os.TempDir().
	TempDir string
	// AllowedTypes lists the media types an upload may have (its content is sniffed with
	// http.DetectContentType; the client's claim is ignored), unless the field's
	// `accept:"image/png,image/*"` tag says otherwise. Default: PNG, JPEG, GIF and WebP
	// images, PDF and plain text.
	AllowedTypes []string
	// Location is the time zone of datetime-local values (which carry none). Default: UTC.
	Location *time.Location
	// Message writes the message of one of the form's own errors (type, choice, size,
	// file and unique errors), for translations; rule errors take theirs from the
	// Validator's Config.Message. Default: English.
	Message func(e *Error) string
	// Theme holds templates (*.html) that replace the default markup; each file may
	// redefine any of the templates "row", "label", "help", "attrs", "errors", "nonfield"
	// and "input-<widget>" (see the package's templates/form.html). "label", "help" and
	// "attrs" are rendered once per field and cached, so they may use only what describes
	// the field (ID, Name, Label, Help, Required, the constraints), not the submission.
	// Default: none.
	Theme fs.FS
	// IDPrefix starts every id attribute the form renders, so that two forms on a page
	// can be told apart. Default: "id_".
	IDPrefix string
}

// defaultAllowedTypes is the upload allow-list of a zero Config.
var defaultAllowedTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}

// Forms compiles form plans, binds requests and renders forms. Create one per application
// with New and share it; it caches one Plan per struct type (and field list) and is safe for
// concurrent use.
type Forms struct {
	cfg       Config
	validator *validate.Validator
	tmpl      *template.Template

	mu    sync.Mutex
	plans sync.Map // planKey → *Plan
}

type planKey struct {
	t      reflect.Type
	fields string
	prefix string
}

// New returns a Forms configured by cfg. It fails only when Config.Theme holds templates
// that do not parse.
func New(cfg Config) (*Forms, error) {
	if cfg.Validator == nil {
		cfg.Validator = validate.New(validate.Config{})
	}
	if cfg.MaxRequestBytes <= 0 {
		cfg.MaxRequestBytes = 32 << 20
	}
	if cfg.MaxFieldBytes <= 0 {
		cfg.MaxFieldBytes = 1 << 20
	}
	if cfg.MaxFileBytes <= 0 {
		cfg.MaxFileBytes = 10 << 20
	}
	if cfg.MaxFields <= 0 {
		cfg.MaxFields = 1000
	}
	if cfg.MaxMemory <= 0 {
		cfg.MaxMemory = 1 << 20
	}
	if cfg.AllowedTypes == nil {
		cfg.AllowedTypes = slices.Clone(defaultAllowedTypes) // a copy: plans hand it out
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.IDPrefix == "" {
		cfg.IDPrefix = "id_"
	}
	tmpl, err := parseTemplates(cfg.Theme)
	if err != nil {
		return nil, err
	}
	return &Forms{cfg: cfg, validator: cfg.Validator, tmpl: tmpl}, nil
}

// Plan returns the compiled plan of the struct type t (a pointer type is dereferenced).
// fields, when given, lists the fields to show, in order, by Go name or input name;
// otherwise every exported field is shown, except, for a registered model, the primary key,
// CreatedAt, UpdatedAt and relation fields. Problems with the tags (an unknown widget, a
// widget that cannot show the field's type, bad choices) are reported here, naming the
// field. Plans are cached: call it at start-up to catch mistakes early.
func (fs *Forms) Plan(t reflect.Type, fields ...string) (*Plan, error) {
	return fs.plan(t, "", fields)
}

// maxPrefix bounds the prefixes of ForPrefix, whose plans are cached one per prefix.
const maxPrefix = 64

func (fs *Forms) plan(t reflect.Type, prefix string, fields []string) (*Plan, error) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return nil, fmt.Errorf("form: nil type")
	}
	key := planKey{t, strings.Join(fields, ","), prefix}
	if p, ok := fs.plans.Load(key); ok {
		return p.(*Plan), nil
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if p, ok := fs.plans.Load(key); ok {
		return p.(*Plan), nil
	}
	p, err := fs.compile(t, fields, prefix)
	if err != nil {
		return nil, err
	}
	fs.plans.Store(key, p)
	return p, nil
}

// For returns an unbound form showing the values of v, a pointer to a struct: the form a
// GET handler renders, empty or filled with an instance to edit. fields restricts and
// orders the fields as in Plan.
func (fs *Forms) For(v any, fields ...string) (*Form, error) {
	rv, err := target(v)
	if err != nil {
		return nil, err
	}
	p, err := fs.Plan(rv.Type(), fields...)
	if err != nil {
		return nil, err
	}
	return &Form{forms: fs, plan: p, value: rv, ptr: v}, nil
}

// ForPrefix is For with every input name (and id) starting with prefix, so that several
// forms of one type fit in one <form> element and are bound from one request: the admin's
// inline rows "comments-0-body", "comments-1-body". The prefix takes letters, digits and
// _ - . only, at most 64 bytes; each distinct prefix compiles (and keeps) a plan of its own,
// so use a bounded set of them.
func (fs *Forms) ForPrefix(v any, prefix string, fields ...string) (*Form, error) {
	if len(prefix) > maxPrefix || !validName(prefix) {
		return nil, fmt.Errorf("form: bad prefix %q (letters, digits, _ - . only, at most %d bytes)", prefix, maxPrefix)
	}
	rv, err := target(v)
	if err != nil {
		return nil, err
	}
	p, err := fs.plan(rv.Type(), prefix, fields)
	if err != nil {
		return nil, err
	}
	return &Form{forms: fs, plan: p, value: rv, ptr: v}, nil
}

// Bind reads the form submitted in r into v (a pointer to a struct), then validates it: the
// `validate` rules and the struct's Validate(ctx) method through the Validator, the
// choices, then uniqueness against the database (with the database carried by ctx, such as
// a *web.Ctx). fields restricts and orders the fields as in Plan; other fields of v are
// left alone.
//
// Problems with the input are errors on the returned form, shown when it is rendered again
// with the values as typed; check Form.Valid. Bind returns an error only when the request
// cannot be read as a form at all (a body over Config.MaxRequestBytes: 413; a content type
// that is not a form: 415) or the check itself failed (a database error, a misdeclared
// rule). Uploaded files are kept in memory or temporary files until the request ends (or
// Form.Close): save them, with File.Save, only when the form is valid.
func (fs *Forms) Bind(ctx context.Context, r *http.Request, v any, fields ...string) (*Form, error) {
	f, err := fs.For(v, fields...)
	if err != nil {
		return nil, err
	}
	if err := f.Bind(ctx, r); err != nil {
		return nil, err
	}
	return f, nil
}

// Bind reads the submission in r into the form's value and validates it, as Forms.Bind
// does. Use it after SetChoices, on a form made with For or ModelForm.New:
//
//	f, _ := forms.For(&in)
//	f.SetChoices("author_id", authorChoices) // from the database
//	if err := f.Bind(c, c.Request); err != nil { ... }
//
// A form is bound once.
func (f *Form) Bind(ctx context.Context, r *http.Request) error {
	if f.bound {
		return fmt.Errorf("form: %s bound twice", f.plan.Type)
	}
	if err := f.bind(ctx, r); err != nil {
		f.Close()
		return err
	}
	return nil
}

// SetChoices gives the field with the given input name (or Go name) the choices of this
// form only, replacing those of its tags: choices read from the database, such as the rows
// a foreign key may point to. A field that had no choice widget becomes a select (a
// multi-select for a slice). Binding accepts only these values. Call it before Bind and
// before rendering.
func (f *Form) SetChoices(name string, choices []Choice) error {
	fld := f.plan.Field(name)
	if fld == nil {
		return fmt.Errorf("form: %s has no field %q", f.plan.Type, name)
	}
	if fld.kind == kFile || fld.kind == kBool {
		return fmt.Errorf("form: field %q cannot have choices", fld.Name)
	}
	if f.bound {
		return fmt.Errorf("form: SetChoices on %q after Bind", fld.Name)
	}
	for _, c := range choices {
		if err := checkText(fld, c.Value); err != nil {
			return fmt.Errorf("form: field %q: choice %q: %v", fld.Name, c.Value, err)
		}
	}
	cp := *fld
	cp.Choices = slices.Clone(choices)
	cp.static = &staticParts{}
	switch {
	case cp.Widget == Select || cp.Widget == Radio || cp.Widget == MultiSelect:
	case cp.Multiple:
		cp.Widget = MultiSelect
	default:
		cp.Widget = Select
	}
	if f.overrides == nil {
		f.overrides = map[string]*Field{}
	}
	f.overrides[cp.Name] = &cp
	return nil
}

// eff returns the field as this form shows it: with its choices replaced, if they were.
func (f *Form) eff(fld *Field) *Field {
	if o := f.overrides[fld.Name]; o != nil {
		return o
	}
	return fld
}

// target checks that v is a non-nil pointer to a struct and returns the struct.
func target(v any) (reflect.Value, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return reflect.Value{}, fmt.Errorf("form: want a non-nil pointer to a struct, got %T", v)
	}
	return rv.Elem(), nil
}

// ModelForm is the form of a registered model T with a fixed list of fields, checked once
// by ForModel. It is safe for concurrent use.
type ModelForm[T any] struct {
	forms  *Forms
	plan   *Plan
	fields []string
}

// ForModel returns the form of model T, which must be registered in Config.Registry, showing
// the named fields (Go or column names) in order, or every editable field when none are
// named. Labels, help texts, choices, maximum lengths (size=), optional fields (pointers,
// null) and unique columns come from the registry; `validate` tags on the model add rules.
//
//	posts, err := form.ForModel[Post](forms, "Title", "Body", "Published")
func ForModel[T any](fs *Forms, fields ...string) (*ModelForm[T], error) {
	t := reflect.TypeFor[T]()
	if fs.cfg.Registry == nil || fs.cfg.Registry.MetaOf(t) == nil {
		return nil, fmt.Errorf("form: %s: %w (in form.Config.Registry)", t, orm.ErrNotRegistered)
	}
	p, err := fs.Plan(t, fields...)
	if err != nil {
		return nil, err
	}
	return &ModelForm[T]{forms: fs, plan: p, fields: fields}, nil
}

// Plan returns the form's compiled plan.
func (m *ModelForm[T]) Plan() *Plan { return m.plan }

// New returns an unbound form showing v, or, when v is nil, a new T with the defaults the
// model declares (`orm:"default=..."`) in the form's fields: the form of a new row.
func (m *ModelForm[T]) New(v *T) *Form {
	if v == nil {
		v = new(T)
		m.forms.applyDefaults(m.plan, reflect.ValueOf(v).Elem())
	}
	return &Form{forms: m.forms, plan: m.plan, value: reflect.ValueOf(v).Elem(), ptr: v}
}

// Bind binds and validates the submitted form into v, as Forms.Bind. When v holds a row
// loaded from the database (an edit), unique checks ignore that row.
func (m *ModelForm[T]) Bind(ctx context.Context, r *http.Request, v *T) (*Form, error) {
	f := m.New(v)
	if err := f.Bind(ctx, r); err != nil {
		return nil, err
	}
	return f, nil
}

// Form is one form: a plan, the struct it reads from or binds into, and, once bound, the
// values as the user typed them and the errors. Templates render it with Field, Fields,
// Bound and Errors. A Form belongs to one request and is not safe for concurrent use.
type Form struct {
	forms *Forms
	plan  *Plan
	value reflect.Value // the struct
	ptr   any           // the pointer given by the caller

	bound     bool
	overrides map[string]*Field   // fields whose choices SetChoices replaced, by input name
	raw       map[string][]string // the submitted text by input name
	errors    []*Error
	files     []*File
}

// Plan returns the form's compiled plan.
func (f *Form) Plan() *Plan { return f.plan }

// Value returns the pointer to the struct the form shows or was bound into.
func (f *Form) Value() any { return f.ptr }

// IsBound reports whether the form holds a submission (Bind), rather than showing a value
// (For).
func (f *Form) IsBound() bool { return f.bound }

// Valid reports whether the form is bound and has no errors.
func (f *Form) Valid() bool { return f.bound && len(f.errors) == 0 }

// Enctype returns the encoding the <form> element must declare: "multipart/form-data" when
// the form has a file field, else "application/x-www-form-urlencoded".
func (f *Form) Enctype() string {
	if f.plan.multipart {
		return "multipart/form-data"
	}
	return "application/x-www-form-urlencoded"
}

// ErrorList returns every error: those on the whole form first, then those on fields in
// the form's order.
func (f *Form) ErrorList() []*Error {
	pos := func(e *Error) int {
		if e.Field == "" {
			return -1
		}
		for i, fld := range f.plan.Fields {
			if fld.Name == e.Field {
				return i
			}
		}
		return len(f.plan.Fields)
	}
	out := slices.Clone(f.errors)
	slices.SortStableFunc(out, func(a, b *Error) int { return pos(a) - pos(b) })
	return out
}

// FieldErrors returns the messages of the errors on the field with the given input name.
func (f *Form) FieldErrors(name string) []string {
	var out []string
	for _, e := range f.errors {
		if e.Field == name {
			out = append(out, e.Message)
		}
	}
	return out
}

// NonFieldErrors returns the messages of the errors on the whole form.
func (f *Form) NonFieldErrors() []string { return f.FieldErrors("") }

// AddError adds an error with the given message to the field with the given input name (or
// Go name), or to the whole form when name is empty or names no field. Handlers use it for
// checks only they can make; the form is then no longer Valid.
func (f *Form) AddError(name, message string) {
	if fld := f.plan.Field(name); fld != nil {
		name = fld.Name
	} else {
		name = ""
	}
	f.errors = append(f.errors, &Error{Field: name, Code: "custom", Message: message})
}

// addError records an error of one of the form's codes (or a rule's), with its message
// from msg when given, else Config.Message, else English.
func (f *Form) addError(name, code, param string, msg func(*Error) string) {
	e := &Error{Field: name, Code: code, Param: param}
	switch {
	case msg != nil:
		e.Message = msg(e)
	case f.forms.cfg.Message != nil:
		e.Message = f.forms.cfg.Message(e)
	}
	if e.Message == "" {
		e.Message = message(e)
	}
	f.errors = append(f.errors, e)
}

// hasError reports whether the field has an error already.
func (f *Form) hasError(name string) bool {
	for _, e := range f.errors {
		if e.Field == name {
			return true
		}
	}
	return false
}

// Close removes the temporary files of the form's uploads. It is called when the request
// ends; call it earlier (defer f.Close()) outside a server, in tests or commands. Files
// must not be used after Close.
func (f *Form) Close() error {
	var first error
	for _, file := range f.files {
		if err := file.remove(); err != nil && first == nil {
			first = err
		}
	}
	f.files = nil
	return first
}

// applyDefaults sets the fields of rv that the model gives a default (an SQL literal in
// orm.Field.Default) to that default. Defaults computed by the database (CURRENT_TIMESTAMP)
// are left to it.
func (fs *Forms) applyDefaults(p *Plan, rv reflect.Value) {
	if p.Model == nil {
		return
	}
	for _, fld := range p.Fields {
		of := p.Model.Field(fld.GoName)
		if of == nil || !of.HasDefault || fld.Multiple || fld.kind == kFile {
			continue
		}
		text, ok := literalText(of.Default)
		if !ok {
			continue
		}
		ev := reflect.New(fld.elem).Elem()
		if fld.kind == kTime {
			t, err := time.Parse("2006-01-02 15:04:05.999999999", text)
			if err != nil {
				if t, err = time.Parse(time.DateOnly, text); err != nil {
					continue
				}
			}
			ev.Set(reflect.ValueOf(t))
		} else if code, _ := convert(fld, text, ev, fs.cfg.Location); code != "" {
			continue
		}
		fv := fieldAt(rv, fld.index, true)
		if fld.Optional {
			fv.Set(ev.Addr())
		} else {
			fv.Set(ev)
		}
	}
}

// literalText reads an SQL literal as the orm writes defaults: quoted text (a quote inside doubled),
// a number, TRUE or FALSE. Expressions such as CURRENT_TIMESTAMP give false.
func literalText(lit string) (string, bool) {
	switch {
	case len(lit) >= 2 && lit[0] == '\'' && lit[len(lit)-1] == '\'':
		return strings.ReplaceAll(lit[1:len(lit)-1], "''", "'"), true
	case lit == "TRUE", lit == "FALSE":
		return strings.ToLower(lit), true
	case lit != "" && strings.Trim(lit, "0123456789.-+eE") == "":
		return lit, true
	}
	return "", false
}
