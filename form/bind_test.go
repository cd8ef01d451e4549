package form

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew/web"
)

// allTypes has a field of every type binding supports.
type allTypes struct {
	S      string     `form:"s"`
	I      int        `form:"i"`
	I8     int8       `form:"i8"`
	I64    int64      `form:"i64"`
	U      uint       `form:"u"`
	U16    uint16     `form:"u16"`
	F32    float32    `form:"f32"`
	F64    float64    `form:"f64"`
	B      bool       `form:"b"`
	D      time.Time  `form:"d" widget:"date"`
	DT     time.Time  `form:"dt"`
	PS     *string    `form:"ps"`
	PI     *int       `form:"pi"`
	PB     *bool      `form:"pb"`
	PT     *time.Time `form:"pt"`
	Strs   []string   `form:"strs" choices:"a|b|c"`
	Ints   []int      `form:"ints" choices:"1:One|2:Two|3:Three"`
	Addr   netip.Addr `form:"addr"`
	Named  level      `form:"named" choices:"low|high"`
	DateS  string     `form:"dates" widget:"date"`
	Pass   string     `form:"pass" widget:"password"`
	Area   string     `form:"area" widget:"textarea"`
	Hidden int        `form:"hidden" widget:"hidden"`
}

type level string

func ptr[T any](v T) *T { return &v }

func TestBindTypes(t *testing.T) {
	t.Parallel()
	cet := time.FixedZone("CET", 3600)
	fs := newForms(t, Config{Location: cet})
	tests := []struct {
		name   string
		values url.Values
		want   allTypes
	}{
		{"empty submission gives zero values", url.Values{}, allTypes{}},
		{"strings are trimmed except passwords and text areas", url.Values{"s": {"  hi  "}, "pass": {" p w "}, "area": {"  a\r\nb  "}},
			allTypes{S: "hi", Pass: " p w ", Area: "  a\r\nb  "}},
		{"integers", url.Values{"i": {"-42"}, "i8": {"127"}, "i64": {" 9223372036854775807 "}, "u": {"7"}, "u16": {"65535"}, "hidden": {"3"}},
			allTypes{I: -42, I8: 127, I64: 9223372036854775807, U: 7, U16: 65535, Hidden: 3}},
		{"floats", url.Values{"f32": {"1.5"}, "f64": {"-2.25e3"}}, allTypes{F32: 1.5, F64: -2250}},
		{"checkbox on", url.Values{"b": {"on"}}, allTypes{B: true}},
		{"checkbox true", url.Values{"b": {"true"}}, allTypes{B: true}},
		{"hidden false before checkbox true", url.Values{"b": {"0", "1"}}, allTypes{B: true}},
		{"checkbox off", url.Values{"b": {"off"}}, allTypes{}},
		{"date in the configured zone", url.Values{"d": {"2024-02-29"}}, allTypes{D: time.Date(2024, 2, 29, 0, 0, 0, 0, cet)}},
		{"datetime-local", url.Values{"dt": {"2024-02-29T13:45"}}, allTypes{DT: time.Date(2024, 2, 29, 13, 45, 0, 0, cet)}},
		{"datetime-local with seconds", url.Values{"dt": {"2024-02-29T13:45:07"}}, allTypes{DT: time.Date(2024, 2, 29, 13, 45, 7, 0, cet)}},
		{"RFC 3339", url.Values{"dt": {"2024-02-29T13:45:07Z"}}, allTypes{DT: time.Date(2024, 2, 29, 14, 45, 7, 0, cet)}},
		{"empty optionals stay nil", url.Values{"ps": {""}, "pi": {" "}, "pt": {""}}, allTypes{}},
		{"optionals", url.Values{"ps": {"x"}, "pi": {"0"}, "pb": {"false"}, "pt": {"2024-01-01T00:00"}},
			allTypes{PS: ptr("x"), PI: ptr(0), PB: ptr(false), PT: ptr(time.Date(2024, 1, 1, 0, 0, 0, 0, cet))}},
		{"multi-select", url.Values{"strs": {"a", "", "c"}, "ints": {"3", "1"}}, allTypes{Strs: []string{"a", "c"}, Ints: []int{3, 1}}},
		{"text unmarshaler", url.Values{"addr": {"192.0.2.1"}}, allTypes{Addr: netip.MustParseAddr("192.0.2.1")}},
		{"named string type with choices", url.Values{"named": {"high"}}, allTypes{Named: "high"}},
		{"date kept as a string", url.Values{"dates": {"2024-01-02"}}, allTypes{DateS: "2024-01-02"}},
		{"first of repeated values", url.Values{"s": {"first", "second"}}, allTypes{S: "first"}},
		{"unknown fields are ignored", url.Values{"evil": {"x"}, "S": {"by Go name"}}, allTypes{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got allTypes
			f := bind(t, fs, postForm(tt.values), &got)
			if !f.Valid() {
				t.Fatalf("errors: %v", messages(f))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("bound\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

// messages lists "field: message" for every error of f.
func messages(f *Form) []string {
	var out []string
	for _, e := range f.ErrorList() {
		out = append(out, e.Field+": "+e.Message)
	}
	return out
}

func TestBindConversionErrors(t *testing.T) {
	t.Parallel()
	fs := newForms(t, Config{MaxFieldBytes: 100})
	tests := []struct {
		field, value, code, message string
	}{
		{"i", "abc", CodeInt, "Enter a whole number."},
		{"i", "1.5", CodeInt, "Enter a whole number."},
		{"i", "1_000", CodeInt, "Enter a whole number."},
		{"i8", "300", CodeRange, "Enter a whole number between -128 and 127."},
		{"i64", "99999999999999999999", CodeRange, "Enter a whole number between -9223372036854775808 and 9223372036854775807."},
		{"u", "-1", CodeRange, "Enter a whole number between 0 and 18446744073709551615."},
		{"u16", "70000", CodeRange, "Enter a whole number between 0 and 65535."},
		{"u16", "x", CodeInt, "Enter a whole number."},
		{"f64", "NaN", CodeFloat, "Enter a number."},
		{"f64", "Inf", CodeFloat, "Enter a number."},
		{"f64", "1e999", CodeFloat, "Enter a number."},
		{"f64", "0x1p3", CodeFloat, "Enter a number."},
		{"f32", "one", CodeFloat, "Enter a number."},
		{"b", "maybe", CodeBool, "Enter yes or no."},
		{"pb", "maybe", CodeBool, "Enter yes or no."},
		{"d", "2024-02-30", CodeDate, "Enter a valid date (YYYY-MM-DD)."},
		{"d", "02/01/2024", CodeDate, "Enter a valid date (YYYY-MM-DD)."},
		{"dt", "2024-01-01", CodeDateTime, "Enter a valid date and time."},
		{"pt", "noon", CodeDateTime, "Enter a valid date and time."},
		{"strs", "d", CodeChoice, "Select a valid choice."},
		{"ints", "4", CodeChoice, "Select a valid choice."},
		{"named", "medium", CodeChoice, "Select a valid choice."},
		{"addr", "999.1.1.1", CodeInvalid, "Enter a valid value."},
		{"pi", "seven", CodeInt, "Enter a whole number."},
		{"s", strings.Repeat("x", 101), CodeTooLong, "This value is too long (at most 100 bytes)."},
		{"s", "bad \xff utf-8", CodeText, "Enter valid text (this value holds characters that are not allowed)."},
		{"area", "nul \x00 byte", CodeText, "Enter valid text (this value holds characters that are not allowed)."},
	}
	for _, tt := range tests {
		t.Run(tt.field+"="+cut(tt.value, 20), func(t *testing.T) {
			t.Parallel()
			got := allTypes{S: "initial"}
			f := bind(t, fs, postForm(url.Values{tt.field: {tt.value}}), &got)
			if f.Valid() {
				t.Fatal("form is valid")
			}
			errs := f.ErrorList()
			if len(errs) != 1 || errs[0].Field != tt.field || errs[0].Code != tt.code || errs[0].Message != tt.message {
				t.Fatalf("errors %+v, want one %s error on %s: %q", errs, tt.code, tt.field, tt.message)
			}
			if msgs := f.FieldErrors(tt.field); len(msgs) != 1 || msgs[0] != tt.message {
				t.Fatalf("FieldErrors = %q", msgs)
			}
			// The value is kept as typed for the form rendered again, except values too long
			// or not text, which are dropped.
			b, err := f.Bound(tt.field)
			if err != nil {
				t.Fatal(err)
			}
			wantValue := tt.value
			if tt.code == CodeTooLong || tt.code == CodeText {
				wantValue = ""
			}
			if tt.field == "b" || tt.field == "pb" {
				wantValue = "" // a checkbox has no text
			}
			if b.Value() != wantValue || !b.Invalid() {
				t.Fatalf("rendered value %q (invalid %v), want %q", b.Value(), b.Invalid(), wantValue)
			}
			// The struct field holds its zero value, never a half-converted one.
			fv := reflect.ValueOf(got).FieldByName(fs.mustPlan(t, &got).Field(tt.field).GoName)
			if !fv.IsZero() {
				t.Fatalf("field holds %v after a failed conversion", fv)
			}
		})
	}
}

func (fs *Forms) mustPlan(t *testing.T, v any) *Plan {
	t.Helper()
	p, err := fs.Plan(reflect.TypeOf(v))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBindGETAndEmptyBodies(t *testing.T) {
	t.Parallel()
	fs := newForms(t, Config{})
	type search struct {
		Q    string `form:"q"`
		Page int    `form:"page"`
	}
	var s search
	bind(t, fs, httptest.NewRequest(http.MethodGet, "/?q=go+forms&page=2", nil), &s)
	if s.Q != "go forms" || s.Page != 2 {
		t.Fatalf("GET bound %+v", s)
	}
	s = search{}
	f := bind(t, fs, httptest.NewRequest(http.MethodGet, "/?q=%zz", nil), &s)
	if f.Valid() || f.ErrorList()[0].Code != CodeMalformed {
		t.Fatalf("malformed query: %v", messages(f))
	}
	s = search{Q: "old"}
	f = bind(t, fs, httptest.NewRequest(http.MethodPost, "/", nil), &s)
	if !f.Valid() || s.Q != "" {
		t.Fatalf("empty POST: %+v %v", s, messages(f))
	}
}

func TestBindRequestErrors(t *testing.T) {
	t.Parallel()
	fs := newForms(t, Config{MaxRequestBytes: 1000})
	type small struct {
		A string `form:"a"`
	}
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"URL-encoded body over the limit", func() *http.Request { return postForm(url.Values{"a": {strings.Repeat("x", 2000)}}) }, 413},
		{"multipart body over the limit", func() *http.Request {
			return postMultipart(t, part{name: "a", content: []byte(strings.Repeat("x", 2000))})
		}, 413},
		{"JSON", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"a":"x"}`))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, 415},
		{"unparsable content type", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`a=b`))
			r.Header.Set("Content-Type", "multipart/form-data; boundary=\"unterminated")
			return r
		}, 415},
		{"body without a content type", func() *http.Request {
			return httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`a=b`))
		}, 415},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var s small
			f, err := fs.Bind(context.Background(), tt.req(), &s)
			var re *RequestError
			if f != nil || !errors.As(err, &re) || re.StatusCode() != tt.status {
				t.Fatalf("Bind: form %v, error %v; want a %d", f, err, tt.status)
			}
			if got := web.StatusOf(err); got != tt.status {
				t.Fatalf("web.StatusOf = %d, want %d", got, tt.status)
			}
			if tt.status == 413 {
				var mbe *http.MaxBytesError
				if !errors.As(err, &mbe) {
					t.Fatalf("a 413 does not wrap *http.MaxBytesError: %v", err)
				}
			}
			if s.A != "" {
				t.Fatalf("a refused request bound %q", s.A)
			}
		})
	}
}

func TestBindTooManyValues(t *testing.T) {
	t.Parallel()
	fs := newForms(t, Config{MaxFields: 10})
	type small struct {
		A string `form:"a"`
	}
	values := url.Values{}
	for i := range 11 {
		values.Add("a", strings.Repeat("x", i))
	}
	tiny := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("a=&", 200_000)))
	tiny.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for name, r := range map[string]*http.Request{
		"urlencoded":           postForm(values),
		"200,000 empty values": tiny,
		"multipart": postMultipart(t, func() []part {
			var p []part
			for range 11 {
				p = append(p, part{name: "a", content: []byte("x")})
			}
			return p
		}()...),
	} {
		var s small
		f := bind(t, fs, r, &s)
		if errs := f.ErrorList(); len(errs) == 0 || errs[0].Code != CodeTooMany || errs[0].Field != "" {
			t.Errorf("%s: errors %v, want too_many on the form", name, messages(f))
		}
	}
}

func TestBindRestrictsFields(t *testing.T) {
	t.Parallel()
	fs := newForms(t, Config{})
	type profile struct {
		Name    string `form:"name" validate:"required"`
		IsAdmin bool   `form:"is_admin"`
		Owner   int64  `form:"owner" validate:"required"` // set by the handler, not the user
	}
	p := profile{Name: "old", IsAdmin: false, Owner: 0}
	f := bind(t, fs, postForm(url.Values{"name": {"Ada"}, "is_admin": {"on"}, "owner": {"1"}}), &p, "Name")
	if !f.Valid() {
		t.Fatalf("errors: %v (rules on fields outside the form must not count)", messages(f))
	}
	if p.Name != "Ada" || p.IsAdmin || p.Owner != 0 {
		t.Fatalf("bound %+v: fields outside the list must not change", p)
	}
	if _, err := fs.For(&p, "Nope"); err == nil || !strings.Contains(err.Error(), `no form field "Nope"`) {
		t.Fatalf("unknown field: %v", err)
	}
	if _, err := fs.For(&p, "Name", "name"); err == nil || !strings.Contains(err.Error(), "listed twice") {
		t.Fatalf("field listed twice: %v", err)
	}
}

func TestBindEmbeddedPointer(t *testing.T) {
	t.Parallel()
	type Address struct {
		City string `form:"city" validate:"required"`
	}
	type person struct {
		*Address
		Name string `form:"name"`
	}
	fs := newForms(t, Config{})
	var p person
	f := bind(t, fs, postForm(url.Values{"city": {"Paris"}, "name": {"Ada"}}), &p)
	if !f.Valid() || p.Address == nil || p.City != "Paris" {
		t.Fatalf("bound %+v, errors %v", p, messages(f))
	}
	p = person{}
	f = bind(t, fs, postForm(url.Values{"name": {"Ada"}}), &p)
	if msgs := f.FieldErrors("city"); len(msgs) != 1 {
		t.Fatalf("city errors %q, want required", msgs)
	}
	empty, err := fs.For(&person{})
	if err != nil {
		t.Fatal(err)
	}
	if h := render(t, empty); !strings.Contains(h, `name="city"`) {
		t.Fatalf("render through a nil embedded pointer:\n%s", h)
	}
}

func TestAlreadyParsedRequests(t *testing.T) {
	t.Parallel()
	fs := newForms(t, Config{})
	type upload struct {
		Title string `form:"title"`
		File  *File  `form:"file"`
	}
	// Middleware (a CSRF check, say) parsed the body before the handler.
	r := postMultipart(t, part{name: "title", content: []byte("t")}, part{name: "file", filename: "a.txt", content: []byte("hello")})
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		t.Fatal(err)
	}
	var u upload
	f := bind(t, fs, r, &u)
	if !f.Valid() || u.Title != "t" || u.File == nil || u.File.Size != 5 || u.File.ContentType != "text/plain" {
		t.Fatalf("bound %+v, errors %v", u, messages(f))
	}
	r = postForm(url.Values{"title": {"x"}})
	if err := r.ParseForm(); err != nil {
		t.Fatal(err)
	}
	u = upload{}
	bind(t, fs, r, &u)
	if u.Title != "x" {
		t.Fatalf("bound %+v from a parsed URL-encoded form", u)
	}
	// And the other way round: after Bind, the standard accessors see the values.
	r = postForm(url.Values{"title": {"y"}})
	bind(t, fs, r, &upload{})
	if r.PostFormValue("title") != "y" {
		t.Fatal("r.PostForm not filled by Bind")
	}
}

// An unbound form shows the struct's values as the inputs expect them; binding that text
// back gives the same struct (a round trip through the browser).
func TestUnboundValuesRoundTrip(t *testing.T) {
	t.Parallel()
	fs := newForms(t, Config{})
	in := allTypes{S: "s", I: -1, I8: 8, I64: 64, U: 7, U16: 16, F32: 1.25, F64: 0.1, B: true,
		D: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), DT: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		PS: ptr("p"), PI: ptr(0), PB: ptr(true), PT: ptr(time.Date(2024, 1, 2, 3, 4, 0, 0, time.UTC)),
		Strs: []string{"a", "c"}, Ints: []int{2}, Addr: netip.MustParseAddr("::1"), Named: "low",
		DateS: "2024-01-02", Area: "text", Hidden: 9}
	f, err := fs.For(&in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"s": "s", "i": "-1", "i8": "8", "i64": "64", "u": "7", "u16": "16", "f32": "1.25", "f64": "0.1",
		"d": "2024-01-02", "dt": "2024-01-02T03:04:05", "ps": "p", "pi": "0", "pt": "2024-01-02T03:04", "strs": "a",
		"ints": "2", "addr": "::1", "named": "low", "dates": "2024-01-02", "area": "text", "hidden": "9", "pass": ""}
	values := url.Values{}
	for _, b := range f.BoundFields() {
		if w, ok := want[b.Name()]; ok && b.Value() != w {
			t.Errorf("%s shows %q, want %q", b.Name(), b.Value(), w)
		}
		values[b.Name()] = f.values(b.Field())
	}
	var out allTypes
	g := bind(t, fs, postForm(values), &out)
	if !g.Valid() {
		t.Fatal(messages(g))
	}
	if !reflect.DeepEqual(out, in) {
		t.Fatalf("round trip\n%+v\nwant\n%+v", out, in)
	}
	var empty allTypes
	f, _ = fs.For(&empty)
	for _, b := range f.BoundFields() {
		if v := b.Value(); v != "" && v != "0" && v != "false" {
			t.Errorf("empty %s shows %q", b.Name(), v)
		}
	}
}
