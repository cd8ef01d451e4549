package form

import (
	"context"
	"errors"
	"html/template"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/validate"
)

// booking checks its dates against each other, and its code with a custom rule.
type booking struct {
	From  time.Time `form:"from" widget:"date" validate:"required"`
	To    time.Time `form:"to" widget:"date" validate:"required"`
	Code  string    `form:"code" validate:"required,even_length"`
	Guest string    `form:"guest" validate:"required,max=20"`
}

func (b *booking) Validate(ctx context.Context) error {
	var errs validate.Errors
	if !b.To.After(b.From) {
		errs = append(errs, &validate.FieldError{Path: "to", Field: "To", Code: "after_from", Message: "The departure must come after the arrival."})
	}
	if b.Guest == "nobody" {
		errs = append(errs, &validate.FieldError{Code: "guest", Message: "We cannot book for nobody."}) // on the whole form
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

func bookingForms(t *testing.T, message func(*Error) string) *Forms {
	t.Helper()
	v := validate.New(validate.Config{Funcs: map[string]validate.Func{
		"even_length": func(ctx context.Context, v reflect.Value, param string) (bool, error) {
			if v.String() == "boom" {
				return false, errors.New("rule backend down")
			}
			return len(v.String())%2 == 0, nil
		},
	}})
	return newForms(t, Config{Validator: v, Message: message})
}

func TestValidation(t *testing.T) {
	t.Parallel()
	fs := bookingForms(t, nil)
	ok := url.Values{"from": {"2026-12-01"}, "to": {"2026-12-05"}, "code": {"AB12"}, "guest": {"Ada"}}
	with := func(k, v string) url.Values {
		out := url.Values{}
		for key, vs := range ok {
			out[key] = vs
		}
		out.Set(k, v)
		return out
	}
	tests := []struct {
		name   string
		values url.Values
		want   []string // "field: code"
	}{
		{"valid", ok, nil},
		{"cross-field check on a field", with("to", "2026-11-30"), []string{"to: after_from"}},
		{"cross-field check on the whole form", with("guest", "nobody"), []string{": guest"}},
		{"custom rule", with("code", "ABC"), []string{"code: even_length"}},
		{"rules first, then the Validate method", with("guest", strings.Repeat("g", 21)), []string{"guest: max"}},
		{"conversion error hides the rules of its field", with("from", "soon"), []string{"from: date"}},
		{"every field at once", url.Values{}, []string{"from: required", "to: required", "code: required", "guest: required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b booking
			f := bind(t, fs, postForm(tt.values), &b)
			var got []string
			for _, e := range f.ErrorList() {
				got = append(got, e.Field+": "+e.Code)
			}
			if strings.Join(got, ", ") != strings.Join(tt.want, ", ") {
				t.Fatalf("errors %v, want %v (%v)", got, tt.want, messages(f))
			}
			if f.Valid() != (len(tt.want) == 0) {
				t.Fatalf("Valid = %v", f.Valid())
			}
		})
	}

	// A rule that fails to run is an error of the server, not of the user.
	if _, err := fs.Bind(context.Background(), postForm(with("code", "boom")), &booking{}); err == nil || !strings.Contains(err.Error(), "rule backend down") {
		t.Fatalf("failing rule: %v", err)
	}
}

func TestMessagesTranslated(t *testing.T) {
	t.Parallel()
	french := func(e *Error) string {
		switch e.Code {
		case CodeDate:
			return "Saisissez une date valide."
		case CodeTooLong:
			return "Texte trop long (" + e.Param + " au plus)."
		}
		return "" // the English default
	}
	fs := bookingForms(t, french)
	fs.cfg.MaxFieldBytes = 10
	f := bind(t, fs, postForm(url.Values{"from": {"demain"}, "to": {"2026-13-01"}, "guest": {strings.Repeat("x", 11)}, "code": {"AB"}}), &booking{})
	want := "from: Saisissez une date valide.|to: Saisissez une date valide.|guest: Texte trop long (10 bytes au plus)."
	if got := strings.Join(messages(f), "|"); got != want {
		t.Fatalf("messages %s\nwant %s", got, want)
	}
}

func TestFormMessages(t *testing.T) {
	t.Parallel()
	// Every code of the form's own has an English message.
	tests := map[string]string{
		CodeInt: "Enter a whole number.", CodeRange: "Enter a whole number between P.", CodeFloat: "Enter a number.",
		CodeBool: "Enter yes or no.", CodeDate: "Enter a valid date (YYYY-MM-DD).", CodeDateTime: "Enter a valid date and time.",
		CodeInvalid: "Enter a valid value.", CodeChoice: "Select a valid choice.", CodeTooLong: "This value is too long (at most P).",
		CodeFileSize: "The file is too large (at most P).", CodeFileType: "This type of file is not allowed (allowed: P).",
		CodeFileEmpty: "The submitted file is empty.", CodeEnctype: "The file did not arrive: the form must be sent as multipart/form-data.",
		CodeUnique: "P already exists.", CodeMalformed: "The form data could not be read (P). Please try again.",
		CodeTooMany: "The form has too many values (at most P).", CodeText: "Enter valid text (this value holds characters that are not allowed).",
	}
	for code, want := range tests {
		if got := message(&Error{Code: code, Param: "P"}); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
	for n, want := range map[int64]string{1: "1 bytes", 1023: "1023 bytes", 1024: "1 KiB", 1536: "1.5 KiB", 1 << 20: "1 MiB", 10 << 20: "10 MiB", 1 << 30: "1 GiB"} {
		if got := sizeText(n); got != want {
			t.Errorf("sizeText(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestAddErrorAndAbsorb(t *testing.T) {
	t.Parallel()
	fs := newForms(t, Config{Registry: registry(t)})
	writers, err := ForModel[Writer](fs, "Name", "Email", "Role")
	if err != nil {
		t.Fatal(err)
	}
	f := writers.New(nil)
	f.AddError("email", "Taken by a bot.")
	f.AddError("Name", "By Go name.")
	f.AddError("nope", "Goes to the whole form.")
	if got := strings.Join(messages(f), "|"); got != ": Goes to the whole form.|name: By Go name.|email: Taken by a bot." {
		t.Fatalf("AddError: %s", got)
	}
	tests := []struct {
		err  error
		want string
	}{
		{validate.Errors{{Field: "Email", Code: "email", Message: "Bad address."}}, "email: Bad address."},
		{&validate.FieldError{Code: "x", Message: "Whole form."}, ": Whole form."},
		{&orm.UniqueViolation{Table: "writers", Columns: []string{"email"}}, "email: Writer with this Email already exists."},
		{&orm.UniqueViolation{Table: "writers", Columns: []string{"name", "role"}}, ": Writer with these values already exists."},
		{&orm.UniqueViolation{Table: "others", Columns: []string{"email"}}, ": A record with these values already exists."},
		{&orm.ValueError{Model: "Writer", Field: "Name", Reason: "too long"}, "name: Enter a valid value."},
		{&orm.NotNullViolation{Table: "writers", Column: "role"}, "role: This field is required."},
		{&orm.CheckViolation{Table: "writers", Column: "role"}, "role: Enter a valid value."},
		{&orm.ForeignKeyViolation{Table: "writers", Columns: []string{"role"}}, "role: Select a valid choice."},
	}
	for _, tt := range tests {
		f := writers.New(nil)
		if !f.Absorb(tt.err) {
			t.Errorf("Absorb(%T) = false", tt.err)
			continue
		}
		if got := strings.Join(messages(f), "|"); got != tt.want {
			t.Errorf("Absorb(%T): %s, want %s", tt.err, got, tt.want)
		}
	}
	for _, err := range []error{nil, errors.New("database is down"), orm.ErrNotFound} {
		if f := writers.New(nil); f.Absorb(err) || len(f.ErrorList()) != 0 {
			t.Errorf("Absorb(%v) took the error", err)
		}
	}
}

func TestPlanErrors(t *testing.T) {
	t.Parallel()
	fs := newForms(t, Config{})
	tests := []struct {
		v    any
		want string
	}{
		{&struct {
			A int `widget:"checkbox"`
		}{}, `widget "checkbox" cannot show a int`},
		{&struct {
			A string `widget:"slider"`
		}{}, `unknown widget "slider"`},
		{&struct {
			A []string `widget:"text"`
		}{}, `widget "text" cannot show a []string`},
		{&struct {
			A string `widget:"multiselect" choices:"a|b"`
		}{}, `widget "multiselect" cannot show a string`},
		{&struct {
			A int `choices:"1|two"`
		}{}, `choice "two": Enter a whole number.`},
		{&struct {
			A string `choices:"a:A||b"`
		}{}, `empty value`},
		{&struct {
			A File
		}{}, `a *form.File or a []*form.File`},
		{&struct {
			A *File `maxsize:"lots"`
		}{}, `bad maxsize="lots"`},
		{&struct {
			A *File `accept:"png"`
		}{}, `bad accept="png"`},
		{&struct {
			A string `accept:"image/png"`
		}{}, `accept applies to file fields`},
		{&struct {
			A string `form:"a b"`
		}{}, `bad input name "a b"`},
		{&struct {
			A chan int `form:"a"`
		}{}, `type chan int cannot be a form field`},
		{&struct {
			A string `validate:"max=x"`
		}{}, `max`},
		{&struct{ A, B string }{}, ""}, // no error: a check that the table works
	}
	for _, tt := range tests {
		_, err := fs.For(tt.v)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%T: %v", tt.v, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%T: %v, want an error containing %q", tt.v, err, tt.want)
		}
	}
	for _, v := range []any{nil, struct{}{}, new(int), (*struct{})(nil)} {
		if _, err := fs.For(v); err == nil {
			t.Errorf("For(%T) succeeded", v)
		}
	}
}

func TestPlanCached(t *testing.T) {
	t.Parallel()
	fs := newForms(t, Config{})
	a, _ := fs.Plan(reflect.TypeFor[textForm]())
	b, _ := fs.Plan(reflect.TypeFor[*textForm]())
	if a == nil || a != b {
		t.Fatal("plan compiled twice for one type")
	}
	other := newForms(t, Config{})
	if c, _ := other.Plan(reflect.TypeFor[textForm]()); c == a {
		t.Fatal("two Forms share a plan: the cache must live in the Forms")
	}
}

func TestRenderingParts(t *testing.T) {
	t.Parallel()
	fs := newForms(t, Config{IDPrefix: "signup-"})
	f, err := fs.For(&textForm{Title: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Bound("title")
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]func() (template.HTML, error){"label": b.Label, "input": b.Input, "help": b.Help, "errors": b.Errors}
	want := map[string]string{
		"label":  `<label for="signup-title">Title<span class="required" aria-hidden="true">*</span></label>`,
		"input":  `<input type="text" id="signup-title" name="title" required minlength="3" maxlength="200" placeholder="A title" value="Hello" aria-describedby="signup-title-help">`,
		"help":   "\n" + `<p class="help" id="signup-title-help">At most 200 characters.</p>`,
		"errors": "",
	}
	for name, fn := range parts {
		got, err := fn()
		if err != nil || string(got) != want[name] {
			t.Errorf("%s: %q, %v\nwant %q", name, got, err, want[name])
		}
	}
	if b.Name() != "title" || b.ID() != "signup-title" || b.Value() != "Hello" || b.Invalid() || b.Field().GoName != "Title" || len(b.ErrorMessages()) != 0 {
		t.Error("BoundField accessors")
	}
	if _, err := f.Bound("nope"); err == nil {
		t.Error("Bound of an unknown field")
	}
	if _, err := f.Field("nope"); err == nil {
		t.Error("Field of an unknown field")
	}
	whole, err := f.Field("title")
	if err != nil || !strings.Contains(string(whole), string(want["input"])) {
		t.Errorf("Field: %q %v", whole, err)
	}
	list, err := f.Fields()
	if err != nil || len(list) != 1 || list[0] != whole {
		t.Errorf("Fields: %q %v", list, err)
	}
	if len(f.BoundFields()) != 1 || f.IsBound() || f.Valid() || f.Value().(*textForm).Title != "Hello" {
		t.Error("Form accessors")
	}
	if f.Enctype() != "application/x-www-form-urlencoded" {
		t.Error("Enctype")
	}
	if h, err := f.Errors(); h != "" || err != nil {
		t.Errorf("Errors of a form without any: %q %v", h, err)
	}

	// Through html/template: the form's HTML is inserted as is, once.
	page := template.Must(template.New("page").Parse(`<form method="post" enctype="{{.Enctype}}">{{.Errors}}{{range .Fields}}{{.}}{{end}}{{with .Bound "title"}}[{{.Input}}]{{end}}</form>`))
	var sb strings.Builder
	if err := page.Execute(&sb, f); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sb.String(), "["+string(want["input"])+"]") || strings.Contains(sb.String(), "&lt;") {
		t.Fatalf("page:\n%s", sb.String())
	}
}

func TestTheme(t *testing.T) {
	t.Parallel()
	theme := fstest.MapFS{"bootstrap.html": {Data: []byte(`{{define "input-text"}}<input class="form-control" name="{{.Name}}" value="{{.Value}}">{{end}}`)}}
	fs := newForms(t, Config{Theme: theme})
	f, err := fs.For(&textForm{Title: `"quoted"`})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := f.Bound("title")
	if in, err := b.Input(); err != nil || string(in) != `<input class="form-control" name="title" value="&#34;quoted&#34;">` {
		t.Fatalf("themed input %q %v", in, err)
	}
	if _, err := New(Config{Theme: fstest.MapFS{"x.html": {Data: []byte(`{{define "row"}}{{.Nope}`)}}}); err == nil || !strings.Contains(err.Error(), "form: theme") {
		t.Errorf("theme with a syntax error: %v", err)
	}
}
