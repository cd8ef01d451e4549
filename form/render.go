package form

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
	"time"
)

//go:embed templates/form.html
var defaultTemplates embed.FS

// parseTemplates parses the default markup, then the theme's files over it.
func parseTemplates(theme fs.FS) (*template.Template, error) {
	t, err := template.New("form").ParseFS(defaultTemplates, "templates/form.html")
	if err != nil {
		return nil, fmt.Errorf("form: default templates: %w", err)
	}
	if theme != nil {
		matches, err := fs.Glob(theme, "*.html")
		if err != nil {
			return nil, fmt.Errorf("form: theme: %w", err)
		}
		if len(matches) > 0 {
			if t, err = t.ParseFS(theme, "*.html"); err != nil {
				return nil, fmt.Errorf("form: theme: %w", err)
			}
		}
	}
	for _, name := range []string{"row", "nonfield"} {
		if t.Lookup(name) == nil {
			return nil, fmt.Errorf("form: theme: template %q is missing", name)
		}
	}
	// One "row-<widget>" per widget: a copy of "row" whose {{template "input" .}} calls
	// that widget's input, so a field renders in one execution.
	row := t.Lookup("row").Tree
	for _, w := range widgets {
		if t.Lookup("input-"+string(w)) == nil {
			return nil, fmt.Errorf("form: theme: template %q is missing", "input-"+string(w))
		}
		tree := row.Copy()
		renameInput(tree.Root, "input-"+string(w))
		tree.Root = inline(t, tree.Root, 0)
		if _, err := t.AddParseTree("row-"+string(w), tree); err != nil {
			return nil, fmt.Errorf("form: %w", err)
		}
	}
	return t, nil
}

// widgets lists every widget.
var widgets = [...]Widget{Text, Email, Password, URL, TextArea, Number, Checkbox, Select, Radio, Date, DateTime, FileInput, Hidden, MultiSelect}

// inline replaces the {{template "name" .}} calls of list that run with the top-level dot
// (not inside with or range, where the dot or $ would differ) by a copy of the called
// template's body, so that executing a field's row walks one tree. It stops at a depth of
// 10 (a recursive theme is left to html/template).
func inline(t *template.Template, list *parse.ListNode, depth int) *parse.ListNode {
	if list == nil || depth > 10 {
		return list
	}
	out := list.CopyList()
	out.Nodes = out.Nodes[:0]
	for _, n := range list.Nodes {
		switch n := n.(type) {
		case *parse.TemplateNode:
			if callee := t.Lookup(n.Name); callee != nil && callee.Tree != nil && isDot(n.Pipe) {
				body := inline(t, callee.Tree.Root.CopyList(), depth+1)
				out.Nodes = append(out.Nodes, body.Nodes...)
				continue
			}
			out.Nodes = append(out.Nodes, n.Copy())
		case *parse.IfNode:
			c := n.Copy().(*parse.IfNode)
			c.List = inline(t, n.List, depth)
			c.ElseList = inline(t, n.ElseList, depth)
			out.Nodes = append(out.Nodes, c)
		default:
			out.Nodes = append(out.Nodes, n.Copy())
		}
	}
	return out
}

// isDot reports whether a template call passes the dot itself: {{template "x" .}}.
func isDot(p *parse.PipeNode) bool {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	_, ok := p.Cmds[0].Args[0].(*parse.DotNode)
	return ok
}

// renameInput points the {{template "input" .}} calls under n to name.
func renameInput(n parse.Node, name string) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			renameInput(c, name)
		}
	case *parse.TemplateNode:
		if n.Name == "input" {
			n.Name = name
		}
	case *parse.IfNode:
		renameInput(n.List, name)
		renameInput(n.ElseList, name)
	case *parse.RangeNode:
		renameInput(n.List, name)
		renameInput(n.ElseList, name)
	case *parse.WithNode:
		renameInput(n.List, name)
		renameInput(n.ElseList, name)
	}
}

// widget is what the templates receive for one field.
type widget struct {
	// The fields the default templates read on every render come first: text/template
	// finds a field by a linear search of the names.
	IsHidden    bool   // the hidden widget: no label, help or errors of its own
	Widget      Widget // the widget's name, for the row's class
	Invalid     bool
	Group       bool // radio buttons, rendered in a fieldset
	IsCheckbox  bool // the checkbox widget: the input before its label
	LabelHTML   template.HTML
	Type        string
	ID, Name    string
	Value       string // the value attribute or text (empty for passwords and files)
	Attrs       template.HTMLAttr
	Describedby string
	HelpHTML    template.HTML
	Errors      []string
	Checked     bool
	EmptyOption bool
	Choices     []choice

	// The rest serve themes and the templates rendered once per field: LabelHTML and
	// HelpHTML come from "label" and "help", Attrs from "attrs" (see Field.static).
	Label, Help    string
	Required       bool
	Multiple       bool
	MinLength      string
	MaxLength      string
	Min, Max, Step string
	Pattern        string
	Placeholder    string
	Autocomplete   string
	Accept         string
	Rows           int // textarea: the rows attribute
	Size           int // multi-select: the size attribute
}

type choice struct {
	ID, Value, Label string
	Selected         bool
}

// BoundField is one field of a form, ready to render in parts:
//
//	{{with .Form.Bound "title"}}{{.Label}} {{.Input}} {{.Help}} {{.Errors}}{{end}}
type BoundField struct {
	form  *Form
	field *Field
	w     *widget
}

// Bound returns the field with the given input name (or Go name), for rendering in parts.
func (f *Form) Bound(name string) (*BoundField, error) {
	fld := f.plan.Field(name)
	if fld == nil {
		return nil, fmt.Errorf("form: %s has no field %q", f.plan.Type, name)
	}
	return f.boundField(fld), nil
}

// BoundFields returns every field of the form, in order.
func (f *Form) BoundFields() []*BoundField {
	out := make([]*BoundField, len(f.plan.Fields))
	for i, fld := range f.plan.Fields {
		out[i] = f.boundField(fld)
	}
	return out
}

func (f *Form) boundField(fld *Field) *BoundField {
	fld = f.eff(fld)
	return &BoundField{form: f, field: fld, w: f.widget(fld)}
}

// staticParts holds what a field renders the same way in every form: its label, help text
// and constraint attributes, rendered through the templates once per field.
type staticParts struct {
	once  sync.Once
	label template.HTML
	help  template.HTML
	attrs template.HTMLAttr
	err   error
}

// static renders (once) the parts of fld that do not depend on the submission. The
// attributes are rendered by html/template in text context, where every value is
// HTML-escaped, which is also the escaping of a quoted attribute value.
func (fs *Forms) static(fld *Field, w *widget) *staticParts {
	st := fld.static
	st.once.Do(func() {
		if st.label, st.err = fs.exec("label", w); st.err != nil {
			return
		}
		if st.help, st.err = fs.exec("help", w); st.err != nil {
			return
		}
		a := *w
		a.Autocomplete, a.Accept, a.Multiple, a.Rows, a.Size = "", "", false, 0, 0
		switch fld.Widget {
		case Text, Email, URL, Password:
			a.Autocomplete = w.Autocomplete
			a.Min, a.Max, a.Step = "", "", ""
		case TextArea:
			a.Rows = w.Rows
			a.Min, a.Max, a.Step, a.Pattern = "", "", "", ""
		case Number:
			a.MinLength, a.MaxLength, a.Pattern = "", "", ""
		case FileInput:
			a = widget{Type: w.Type, ID: w.ID, Name: w.Name, Required: w.Required, Accept: w.Accept, Multiple: w.Multiple}
		case MultiSelect:
			a = widget{ID: w.ID, Name: w.Name, Size: w.Size, Required: w.Required, Multiple: true}
		case Hidden:
			a = widget{Type: w.Type, ID: w.ID, Name: w.Name}
		case Radio: // each button has its own id: the constraints only
			a = widget{Required: w.Required}
		default: // checkbox, select, date, datetime
			a = widget{Type: w.Type, ID: w.ID, Name: w.Name, Required: w.Required}
		}
		var attrs template.HTML
		attrs, st.err = fs.exec("attrs", &a)
		st.attrs = template.HTMLAttr(attrs)
	})
	return st
}

// Field renders the field with the given input name (or Go name) as a whole: its label,
// input, help text and errors in a <div class="field">.
func (f *Form) Field(name string) (template.HTML, error) {
	b, err := f.Bound(name)
	if err != nil {
		return "", err
	}
	return b.HTML()
}

// Fields renders every field, in order, for {{range .Form.Fields}}{{.}}{{end}}.
func (f *Form) Fields() ([]template.HTML, error) {
	out := make([]template.HTML, len(f.plan.Fields))
	for i, fld := range f.plan.Fields {
		h, err := f.boundField(fld).HTML()
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}

// HTML renders every field, in order, as one piece of HTML.
func (f *Form) HTML() (template.HTML, error) {
	var b strings.Builder
	for _, fld := range f.plan.Fields {
		h, err := f.boundField(fld).HTML()
		if err != nil {
			return "", err
		}
		b.WriteString(string(h))
		b.WriteByte('\n')
	}
	return template.HTML(b.String()), nil
}

// Errors renders the errors on the whole form, and those on hidden fields (which have no
// place of their own), as a list with role="alert"; nothing when there are none.
func (f *Form) Errors() (template.HTML, error) {
	var msgs []string
	for _, e := range f.errors {
		if e.Field == "" {
			msgs = append(msgs, e.Message)
		} else if fld := f.plan.byName[e.Field]; fld != nil && fld.Widget == Hidden {
			msgs = append(msgs, fld.Label+": "+e.Message)
		}
	}
	if len(msgs) == 0 {
		return "", nil
	}
	return f.forms.exec("nonfield", msgs)
}

// Field returns the field's compiled description.
func (b *BoundField) Field() *Field { return b.field }

// Name returns the input name.
func (b *BoundField) Name() string { return b.field.Name }

// ID returns the id attribute of the input.
func (b *BoundField) ID() string { return b.w.ID }

// Value returns the first value as it will be rendered (empty for passwords and files).
func (b *BoundField) Value() string { return b.w.Value }

// Invalid reports whether the field has errors.
func (b *BoundField) Invalid() bool { return b.w.Invalid }

// ErrorMessages returns the messages of the field's errors.
func (b *BoundField) ErrorMessages() []string { return b.w.Errors }

// Label renders the <label> element.
func (b *BoundField) Label() (template.HTML, error) { return b.w.LabelHTML, nil }

// Input renders the input element (or select, textarea, radio buttons).
func (b *BoundField) Input() (template.HTML, error) {
	return b.form.forms.exec("input-"+string(b.field.Widget), b.w)
}

// Help renders the help text, with the id the input's aria-describedby points to.
func (b *BoundField) Help() (template.HTML, error) { return b.w.HelpHTML, nil }

// Errors renders the field's errors, with the id the input's aria-describedby points to.
func (b *BoundField) Errors() (template.HTML, error) { return b.form.forms.exec("errors", b.w) }

// HTML renders the whole field: label, input, help text and errors.
func (b *BoundField) HTML() (template.HTML, error) {
	return b.form.forms.exec("row-"+string(b.field.Widget), b.w)
}

// exec runs one of the markup templates into a string. html/template escapes every value
// for its context, so nothing from the user or the tags can add markup.
func (fs *Forms) exec(name string, data any) (template.HTML, error) {
	var b strings.Builder
	if err := fs.tmpl.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("form: rendering %s: %w", name, err)
	}
	return template.HTML(b.String()), nil
}

// widget computes what the templates need for fld.
func (f *Form) widget(fld *Field) *widget {
	w := &widget{
		ID:          fld.id,
		Name:        fld.Name,
		Type:        inputType(fld.Widget),
		Widget:      fld.Widget,
		Label:       fld.Label,
		Help:        fld.Help,
		Required:    fld.Required,
		Multiple:    fld.Multiple,
		Group:       fld.Widget == Radio,
		IsHidden:    fld.Widget == Hidden,
		IsCheckbox:  fld.Widget == Checkbox,
		Placeholder: fld.Placeholder,
		Pattern:     fld.Pattern,
		Rows:        10,
	}
	if fld.MinLen != nil {
		w.MinLength = strconv.Itoa(*fld.MinLen)
	}
	if fld.MaxLen != nil {
		w.MaxLength = strconv.Itoa(*fld.MaxLen)
	}
	if fld.Min != nil {
		w.Min = strconv.FormatFloat(*fld.Min, 'f', -1, 64)
	}
	if fld.Max != nil {
		w.Max = strconv.FormatFloat(*fld.Max, 'f', -1, 64)
	}
	switch fld.kind {
	case kInt, kUint:
		w.Step = "1"
	case kFloat:
		w.Step = "any"
	}
	switch fld.Widget {
	case Password:
		w.Autocomplete = "off"
	case FileInput:
		w.Accept = strings.Join(fld.Accept, ",")
	case MultiSelect:
		w.Size = min(len(fld.Choices), 8)
	case DateTime:
		w.Step = ""
	}
	w.Errors = f.FieldErrors(fld.Name)
	w.Invalid = len(w.Errors) > 0
	var describe []string
	if fld.Help != "" {
		describe = append(describe, w.ID+"-help")
	}
	if w.Invalid {
		describe = append(describe, w.ID+"-error")
	}
	w.Describedby = strings.Join(describe, " ")

	st := f.forms.static(fld, w)
	w.LabelHTML, w.HelpHTML, w.Attrs = st.label, st.help, st.attrs

	values := f.values(fld)
	switch fld.Widget {
	case Password, FileInput:
	case Checkbox:
		for _, v := range values {
			if on, _ := parseBool(v); on {
				w.Checked = true
			}
		}
	case Select, Radio, MultiSelect:
		selected := map[string]bool{}
		for _, v := range values {
			selected[fld.clean(v)] = true
		}
		w.Choices = make([]choice, len(fld.Choices))
		any := false
		for i, c := range fld.Choices {
			w.Choices[i] = choice{ID: w.ID + "_" + strconv.Itoa(i), Value: c.Value, Label: c.Label, Selected: selected[c.Value]}
			any = any || selected[c.Value]
		}
		w.EmptyOption = fld.Widget == Select && (!fld.Required || !any)
		if len(values) > 0 {
			w.Value = values[0]
		}
	default:
		if len(values) > 0 {
			w.Value = values[0]
		}
	}
	return w
}

// values returns the field's text: as submitted for a bound form, else formatted from the
// struct.
func (f *Form) values(fld *Field) []string {
	if f.bound {
		return f.raw[fld.Name]
	}
	v := fieldAt(f.value, fld.index, false)
	if !v.IsValid() || fld.kind == kFile {
		return nil
	}
	if fld.Multiple {
		out := make([]string, 0, v.Len())
		for i := range v.Len() {
			out = append(out, f.format(fld, v.Index(i)))
		}
		return out
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	s := f.format(fld, v)
	if fld.kind == kTime && s == "" {
		return nil
	}
	return []string{s}
}

// format writes a value of the field's element type as an input shows it.
func (f *Form) format(fld *Field, v reflect.Value) string {
	switch fld.kind {
	case kString:
		return v.String()
	case kInt:
		return strconv.FormatInt(v.Int(), 10)
	case kUint:
		return strconv.FormatUint(v.Uint(), 10)
	case kFloat:
		return strconv.FormatFloat(v.Float(), 'f', -1, v.Type().Bits())
	case kBool:
		return strconv.FormatBool(v.Bool())
	case kTime:
		t := v.Interface().(time.Time)
		if t.IsZero() {
			return ""
		}
		t = t.In(f.forms.cfg.Location)
		if fld.Widget == Date {
			return t.Format("2006-01-02")
		}
		if t.Second() != 0 || t.Nanosecond() != 0 {
			return t.Format("2006-01-02T15:04:05")
		}
		return t.Format("2006-01-02T15:04")
	case kText:
		if m, ok := v.Interface().(interface{ MarshalText() ([]byte, error) }); ok {
			if b, err := m.MarshalText(); err == nil {
				return string(b)
			}
		}
		return fmt.Sprint(v.Interface())
	}
	return ""
}

// inputType is the type attribute of the widget's <input>, "" for the widgets that are not
// inputs.
func inputType(w Widget) string {
	switch w {
	case DateTime:
		return "datetime-local"
	case TextArea, Select, MultiSelect, Radio:
		return ""
	}
	return string(w)
}

// idSafe turns an input name into an id: brackets and dots become underscores.
func idSafe(name string) string {
	return strings.NewReplacer("[", "_", "]", "_", ".", "_").Replace(name)
}
