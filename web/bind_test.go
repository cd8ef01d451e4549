package web_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"mime/multipart"
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

// bindWith serves req on a fresh router whose handler calls bind, and returns bind's error.
func bindWith(t *testing.T, cfg web.Config, req *http.Request, bind func(c *web.Ctx) error) error {
	t.Helper()
	r := web.NewRouter(cfg)
	var err error
	ran := false
	r.Handle("/b/{id}", func(c *web.Ctx) error {
		ran = true
		err = bind(c)
		return nil
	})
	r.ServeHTTP(httptest.NewRecorder(), req)
	if !ran {
		t.Fatalf("%s %s: handler did not run", req.Method, req.URL)
	}
	return err
}

// formRequest builds a POST with an URL-encoded body.
func formRequest(target string, form url.Values) *http.Request {
	req := httptest.NewRequest("POST", target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func jsonRequest(target, body string) *http.Request {
	req := httptest.NewRequest("POST", target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// fieldErrors returns "location: message" for every field error of err.
func fieldErrors(err error) []string {
	var he *web.HTTPError
	if !errors.As(err, &he) {
		return nil
	}
	var out []string
	for _, f := range he.Fields {
		out = append(out, f.Location+": "+f.Message)
	}
	return out
}

type upper string

func (u *upper) UnmarshalText(b []byte) error {
	if len(b) == 0 || b[0] == '!' {
		return errors.New("must not start with !")
	}
	*u = upper(strings.ToUpper(string(b)))
	return nil
}

type allTypes struct {
	S   string        `form:"s"`
	B   bool          `form:"b"`
	I   int           `form:"i"`
	I8  int8          `form:"i8"`
	I16 int16         `form:"i16"`
	I32 int32         `form:"i32"`
	I64 int64         `form:"i64"`
	U   uint          `form:"u"`
	U8  uint8         `form:"u8"`
	U16 uint16        `form:"u16"`
	U32 uint32        `form:"u32"`
	U64 uint64        `form:"u64"`
	F32 float32       `form:"f32"`
	F64 float64       `form:"f64"`
	T   time.Time     `form:"t"`
	D   time.Duration `form:"d"`
	P   *int          `form:"p"`
	PS  *string       `form:"ps"`
	PT  *time.Time    `form:"pt"`
	SS  []string      `form:"ss"`
	SI  []int         `form:"si"`
	SP  []*bool       `form:"sp"`
	IP  netip.Addr    `form:"ip"`
	UP  upper         `form:"up"`
	PU  *upper        `form:"pu"`
	SU  []upper       `form:"su"`
	PSI *[]int        `form:"psi"`
	Def string        `form:""`
	Ign string        `form:"-"`
	Opt string        `form:"opt,omitempty"`
}

func intp(v int) *int       { return &v }
func strp(v string) *string { return &v }
func boolp(v bool) *bool    { return &v }

func TestBindFieldTypes(t *testing.T) {
	t.Parallel()
	day := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		field string
		vals  []string
		want  any    // the field's expected value
		err   string // a fragment of the field error, if one is expected
	}{
		{"string", "s", []string{"hello wörld"}, "hello wörld", ""},
		{"string empty", "s", []string{""}, "", ""},
		{"string first of many", "s", []string{"a", "b"}, "a", ""},
		{"bool on", "b", []string{"on"}, true, ""},
		{"bool true", "b", []string{"true"}, true, ""},
		{"bool TRUE", "b", []string{"TRUE"}, true, ""},
		{"bool 1", "b", []string{"1"}, true, ""},
		{"bool yes", "b", []string{"yes"}, true, ""},
		{"bool off", "b", []string{"off"}, false, ""},
		{"bool empty", "b", []string{""}, false, ""},
		{"bool 0", "b", []string{"0"}, false, ""},
		{"bool bad", "b", []string{"maybe"}, false, `expected a boolean, got "maybe"`},
		{"int", "i", []string{"-42"}, -42, ""},
		{"int spaces", "i", []string{" 42 "}, 42, ""},
		{"int max", "i64", []string{"9223372036854775807"}, int64(math.MaxInt64), ""},
		{"int overflow", "i64", []string{"9223372036854775808"}, int64(0), "out of range"},
		{"int underflow", "i64", []string{"-9223372036854775809"}, int64(0), "out of range"},
		{"int8 overflow", "i8", []string{"128"}, int8(0), `"128" is out of range`},
		{"int8 min", "i8", []string{"-128"}, int8(-128), ""},
		{"int16 overflow", "i16", []string{"32768"}, int16(0), "out of range"},
		{"int32 overflow", "i32", []string{"2147483648"}, int32(0), "out of range"},
		{"int float", "i", []string{"1.5"}, 0, `expected an integer, got "1.5"`},
		{"int hex", "i", []string{"0x10"}, 0, "expected an integer"},
		{"int empty means unset", "i", []string{""}, 0, ""},
		{"uint", "u", []string{"7"}, uint(7), ""},
		{"uint negative", "u", []string{"-1"}, uint(0), "expected a non-negative integer"},
		{"uint8 overflow", "u8", []string{"256"}, uint8(0), "out of range"},
		{"uint16 max", "u16", []string{"65535"}, uint16(65535), ""},
		{"uint32 overflow", "u32", []string{"4294967296"}, uint32(0), "out of range"},
		{"uint64 max", "u64", []string{"18446744073709551615"}, uint64(math.MaxUint64), ""},
		{"uint64 overflow", "u64", []string{"18446744073709551616"}, uint64(0), "out of range"},
		{"float", "f64", []string{"3.25"}, 3.25, ""},
		{"float exp", "f64", []string{"-1e3"}, -1000.0, ""},
		{"float NaN", "f64", []string{"NaN"}, 0.0, `expected a number, got "NaN"`},
		{"float nan", "f64", []string{"nan"}, 0.0, "expected a number"},
		{"float Inf", "f64", []string{"Inf"}, 0.0, "expected a number"},
		{"float -Inf", "f64", []string{"-Inf"}, 0.0, "expected a number"},
		{"float +Infinity", "f64", []string{"+Infinity"}, 0.0, "expected a number"},
		{"float overflow", "f64", []string{"1e400"}, 0.0, "out of range"},
		{"float32", "f32", []string{"1.5"}, float32(1.5), ""},
		{"float32 overflow", "f32", []string{"1e39"}, float32(0), "out of range"},
		{"float32 Inf", "f32", []string{"inf"}, float32(0), "expected a number"},
		{"float word", "f64", []string{"pi"}, 0.0, "expected a number"},
		{"time date", "t", []string{"2024-01-02"}, day, ""},
		{"time RFC3339", "t", []string{"2024-01-02T03:04:05Z"}, day.Add(3*time.Hour + 4*time.Minute + 5*time.Second), ""},
		{"time RFC3339 offset", "t", []string{"2024-01-02T03:04:05.5+02:00"}, time.Date(2024, 1, 2, 3, 4, 5, 5e8, time.FixedZone("", 7200)), ""},
		{"time local seconds", "t", []string{"2024-01-02T03:04:05"}, day.Add(3*time.Hour + 4*time.Minute + 5*time.Second), ""},
		{"time local minutes (datetime-local)", "t", []string{"2024-01-02T03:04"}, day.Add(3*time.Hour + 4*time.Minute), ""},
		{"time bad", "t", []string{"yesterday"}, time.Time{}, `expected a date or time such as 2006-01-02`},
		{"time bad month", "t", []string{"2024-13-01"}, time.Time{}, "expected a date or time"},
		{"duration", "d", []string{"1m30s"}, 90 * time.Second, ""},
		{"duration no unit", "d", []string{"90"}, time.Duration(0), "expected a duration such as 1m30s"},
		{"duration overflow", "d", []string{"999999999999h"}, time.Duration(0), "expected a duration"},
		{"pointer", "p", []string{"5"}, intp(5), ""},
		{"pointer string", "ps", []string{"x"}, strp("x"), ""},
		{"pointer bad", "p", []string{"x"}, (*int)(nil), "expected an integer"},
		{"pointer time", "pt", []string{"2024-01-02"}, &day, ""},
		{"slice", "ss", []string{"a", "b", ""}, []string{"a", "b", ""}, ""},
		{"int slice", "si", []string{"1", "2", "3"}, []int{1, 2, 3}, ""},
		{"int slice bad item", "si", []string{"1", "x"}, []int(nil), `item 2: expected an integer, got "x"`},
		{"pointer slice", "sp", []string{"on", "off"}, []*bool{boolp(true), boolp(false)}, ""},
		{"netip", "ip", []string{"2001:db8::1"}, netip.MustParseAddr("2001:db8::1"), ""},
		{"netip bad", "ip", []string{"300.1.1.1"}, netip.Addr{}, `invalid value "300.1.1.1"`},
		{"text unmarshaler", "up", []string{"abc"}, upper("ABC"), ""},
		{"text unmarshaler error", "up", []string{"!x"}, upper(""), "must not start with !"},
		{"pointer text unmarshaler", "pu", []string{"abc"}, func() *upper { u := upper("ABC"); return &u }(), ""},
		{"slice text unmarshaler", "su", []string{"a", "b"}, []upper{"A", "B"}, ""},
		{"pointer to slice", "psi", []string{"1", "2"}, &[]int{1, 2}, ""},
		{"untagged name is the field name", "Def", []string{"d"}, "d", ""},
		{"options after the name", "opt", []string{"o"}, "o", ""},
		{"dash is ignored", "-", []string{"x"}, "", ""},
	}
	fieldOf := map[string]string{}
	rt := reflect.TypeFor[allTypes]()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("form"), ",")
		if name == "" {
			name = rt.Field(i).Name
		}
		fieldOf[name] = rt.Field(i).Name
	}
	fieldOf["-"] = "Ign"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var v allTypes
			err := bindWith(t, web.Config{}, formRequest("/b/1", url.Values{tt.field: tt.vals}), func(c *web.Ctx) error { return c.Bind(&v) })
			got := reflect.ValueOf(v).FieldByName(fieldOf[tt.field]).Interface()
			if tt.err == "" {
				if err != nil {
					t.Fatalf("%s=%q: %v %q", tt.field, tt.vals, err, fieldErrors(err))
				}
				if !reflect.DeepEqual(got, tt.want) {
					if gt, ok := got.(time.Time); !ok || !gt.Equal(tt.want.(time.Time)) {
						t.Fatalf("%s=%q: got %#v, want %#v", tt.field, tt.vals, got, tt.want)
					}
				}
				return
			}
			if web.StatusOf(err) != 400 {
				t.Fatalf("%s=%q: error %v, want a 400", tt.field, tt.vals, err)
			}
			fe := fieldErrors(err)
			if len(fe) != 1 || !strings.HasPrefix(fe[0], "form."+tt.field+": ") || !strings.Contains(fe[0], tt.err) {
				t.Fatalf("%s=%q: field errors %q, want one for form.%s with %q", tt.field, tt.vals, fe, tt.field, tt.err)
			}
			if !reflect.ValueOf(got).IsZero() {
				t.Fatalf("%s=%q: field set to %#v despite the error", tt.field, tt.vals, got)
			}
		})
	}
}

func TestBindSources(t *testing.T) {
	t.Parallel()
	type in struct {
		ID      int64    `path:"id"`
		Page    int      `query:"page"`
		Tags    []string `query:"tag"`
		Token   string   `header:"X-Token"`
		Lower   string   `header:"x-lower-case"`
		Langs   []string `header:"Accept-Language"`
		Title   string   `form:"title"`
		Both    string   `query:"both" form:"both"`
		NoTag   string
		private string `form:"private"`
	}
	req := formRequest("/b/42?page=3&tag=a&tag=b&both=query&NoTag=x&private=x", url.Values{
		"title": {"Hello"}, "both": {"body"}, "private": {"p"}})
	req.Header.Set("X-Token", "secret")
	req.Header.Set("X-Lower-Case", "lc")
	req.Header.Add("Accept-Language", "en")
	req.Header.Add("Accept-Language", "fr")
	var v in
	if err := bindWith(t, web.Config{}, req, func(c *web.Ctx) error { return c.Bind(&v) }); err != nil {
		t.Fatal(err)
	}
	want := in{ID: 42, Page: 3, Tags: []string{"a", "b"}, Token: "secret", Lower: "lc", Langs: []string{"en", "fr"},
		Title: "Hello", Both: "body"}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got  %+v\nwant %+v", v, want)
	}

	// A GET binds the query into form fields too; BindQuery and BindForm do one source each.
	type search struct {
		Q     string `form:"q"`
		Limit int    `query:"limit"`
	}
	var s search
	if err := bindWith(t, web.Config{}, httptest.NewRequest("GET", "/b/1?q=go&limit=5", nil), func(c *web.Ctx) error { return c.Bind(&s) }); err != nil || s != (search{"go", 5}) {
		t.Errorf("GET Bind: %+v %v", s, err)
	}
	s = search{}
	if err := bindWith(t, web.Config{}, httptest.NewRequest("GET", "/b/1?q=go&limit=5", nil), func(c *web.Ctx) error { return c.BindQuery(&s) }); err != nil || s != (search{"go", 5}) {
		t.Errorf("BindQuery: %+v %v", s, err)
	}
	s = search{}
	err := bindWith(t, web.Config{}, formRequest("/b/1?limit=5", url.Values{"q": {"body"}}), func(c *web.Ctx) error { return c.BindForm(&s) })
	if err != nil || s != (search{Q: "body"}) {
		t.Errorf("BindForm: %+v %v", s, err)
	}
	err = bindWith(t, web.Config{}, httptest.NewRequest("GET", "/b/1?limit=x", nil), func(c *web.Ctx) error { return c.BindQuery(&s) })
	if fe := fieldErrors(err); len(fe) != 1 || !strings.HasPrefix(fe[0], "query.limit: ") {
		t.Errorf("BindQuery error: %v %q", err, fe)
	}
	err = bindWith(t, web.Config{}, formRequest("/b/1", url.Values{"q": {"x"}}), func(c *web.Ctx) error {
		var bad struct {
			Q bool `form:"q"`
		}
		return c.BindForm(&bad)
	})
	if fe := fieldErrors(err); len(fe) != 1 || !strings.HasPrefix(fe[0], "form.q: ") {
		t.Errorf("BindForm error: %v %q", err, fe)
	}
}

func TestBindReportsEveryFieldAtOnce(t *testing.T) {
	t.Parallel()
	type in struct {
		ID    int     `path:"id"`
		Page  int     `query:"page"`
		Size  uint8   `header:"X-Size"`
		Price float64 `form:"price"`
		When  string  `form:"when"`
		Qty   []int   `form:"qty"`
	}
	req := formRequest("/b/abc?page=-x", url.Values{"price": {"NaN"}, "when": {"ok"}, "qty": {"1", "two"}})
	req.Header.Set("X-Size", "300")
	var v in
	err := bindWith(t, web.Config{}, req, func(c *web.Ctx) error { return c.Bind(&v) })
	want := []string{
		`path.id: expected an integer, got "abc"`,
		`query.page: expected an integer, got "-x"`,
		`header.X-Size: "300" is out of range`,
		`form.price: expected a number, got "NaN"`,
		`form.qty: item 2: expected an integer, got "two"`,
	}
	if got := fieldErrors(err); !reflect.DeepEqual(got, want) {
		t.Errorf("field errors\n%q\nwant\n%q", got, want)
	}
	var he *web.HTTPError
	if !errors.As(err, &he) || he.Code != 400 || he.Message != "invalid input" {
		t.Errorf("error %#v", err)
	}
	for _, f := range he.Fields {
		if f.Code != "type" {
			t.Errorf("field %s: code %q", f.Location, f.Code)
		}
	}
	if v.When != "ok" {
		t.Errorf("valid fields are still bound: %+v", v)
	}
}

func TestBindJSON(t *testing.T) {
	t.Parallel()
	type inner struct {
		N int `json:"n"`
	}
	type in struct {
		ID    int64    `path:"id" json:"-"`
		Page  int      `query:"page" json:"-"`
		Title string   `json:"title"`
		Count int      `json:"count"`
		Tags  []string `json:"tags"`
		Inner inner    `json:"inner"`
	}
	tests := []struct {
		name   string
		strict bool
		ctype  string
		body   string
		limit  int64
		code   int
		want   string // fragment of the message or of a field error
		bindFn string // "Bind" (default) or "BindJSON"
	}{
		{name: "ok", body: `{"title":"t","count":2,"tags":["a"],"inner":{"n":1}}`, code: 0},
		{name: "problem+json suffix", ctype: "application/merge-patch+json", body: `{"title":"t"}`, code: 0},
		{name: "charset parameter", ctype: "application/json; charset=utf-8", body: `{"title":"t"}`, code: 0},
		{name: "malformed", body: `{"title": "t",}`, code: 400, want: "malformed JSON at byte 15"},
		{name: "malformed start", body: `x`, code: 400, want: "malformed JSON at byte 1: invalid character 'x'"},
		{name: "truncated", body: `{"title": "t"`, code: 400, want: "malformed JSON: unexpected end of body"},
		{name: "wrong type", body: `{"count":"two"}`, code: 400, want: "body.count: expected an integer, got string"},
		{name: "wrong nested type", body: `{"inner":{"n":true}}`, code: 400, want: "body.inner.n: expected an integer, got bool"},
		{name: "wrong array type", body: `{"tags":"a"}`, code: 400, want: "body.tags: expected an array, got string"},
		{name: "number overflow", body: `{"count":1e100}`, code: 400, want: "body.count: expected an integer, got number 1e100"},
		{name: "unknown field allowed", body: `{"title":"t","extra":1}`, code: 0},
		{name: "unknown field strict", strict: true, body: `{"title":"t","extra":1}`, code: 400, want: "body.extra: unknown field"},
		{name: "trailing garbage", body: `{"title":"t"} x`, code: 400, want: "single JSON value"},
		{name: "two values", body: `{"title":"t"}{"title":"u"}`, code: 400, want: "single JSON value"},
		{name: "trailing space ok", body: "{\"title\":\"t\"}\n  \n", code: 0},
		{name: "empty body BindJSON", body: ``, code: 400, want: "request body is empty", bindFn: "BindJSON"},
		{name: "whitespace body BindJSON", body: "  \n", code: 400, want: "request body is empty", bindFn: "BindJSON"},
		{name: "oversized", body: `{"title":"` + strings.Repeat("x", 1000) + `"}`, limit: 100, code: 413, want: "larger than 100 bytes"},
		{name: "oversized after value", body: `{"title":"t"}` + strings.Repeat(" ", 1000) + "x", limit: 100, code: 413},
		{name: "oversized BindJSON", body: `[` + strings.Repeat("1,", 1000) + `1]`, limit: 100, code: 413, bindFn: "BindJSON"},
		{name: "unsupported type", ctype: "text/xml", body: `<a/>`, code: 415, want: `unsupported Content-Type "text/xml"`},
		{name: "no content type", ctype: "-", body: `{"title":"t"}`, code: 415},
		{name: "null", body: `null`, code: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := jsonRequest("/b/7?page=2", tt.body)
			switch tt.ctype {
			case "":
			case "-":
				req.Header.Del("Content-Type")
			default:
				req.Header.Set("Content-Type", tt.ctype)
			}
			var v in
			err := bindWith(t, web.Config{StrictJSON: tt.strict}, req, func(c *web.Ctx) error {
				if tt.limit > 0 {
					c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, tt.limit)
				}
				if tt.bindFn == "BindJSON" {
					return c.BindJSON(&v)
				}
				return c.Bind(&v)
			})
			if tt.code == 0 {
				if err != nil {
					t.Fatalf("error %v %q", err, fieldErrors(err))
				}
				if tt.body != "null" && (v.Title != "t" || v.ID != 7 || v.Page != 2) {
					t.Fatalf("bound %+v", v)
				}
				return
			}
			if got := web.StatusOf(err); got != tt.code {
				t.Fatalf("status %d (%v), want %d", got, err, tt.code)
			}
			msg := err.Error() + " " + strings.Join(fieldErrors(err), "; ")
			if !strings.Contains(msg, tt.want) {
				t.Fatalf("error %q, want %q", msg, tt.want)
			}
		})
	}
}

func TestBindJSONAndQueryErrorsTogether(t *testing.T) {
	t.Parallel()
	type in struct {
		Page  int `query:"page"`
		Count int `json:"count"`
	}
	var v in
	err := bindWith(t, web.Config{}, jsonRequest("/b/1?page=x", `{"count":"x"}`), func(c *web.Ctx) error { return c.Bind(&v) })
	want := []string{`query.page: expected an integer, got "x"`, "body.count: expected an integer, got string"}
	if got := fieldErrors(err); !reflect.DeepEqual(got, want) {
		t.Errorf("field errors %q, want %q", got, want)
	}
}

func TestBindMultipart(t *testing.T) {
	t.Parallel()
	type in struct {
		Title string   `form:"title"`
		Tags  []string `form:"tag"`
		N     int      `form:"n"`
		Q     string   `form:"q"`
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("title", "<b>hi</b>")
	mw.WriteField("tag", "a")
	mw.WriteField("tag", "b")
	mw.WriteField("n", "3")
	mw.WriteField("q", "body")
	fw, _ := mw.CreateFormFile("file", "f.bin")
	fw.Write(bytes.Repeat([]byte{1}, 4096))
	mw.Close()
	req := httptest.NewRequest("POST", "/b/1?q=query", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	var v in
	if err := bindWith(t, web.Config{MaxMultipartMemory: 1024}, req, func(c *web.Ctx) error { return c.Bind(&v) }); err != nil {
		t.Fatal(err)
	}
	if want := (in{Title: "<b>hi</b>", Tags: []string{"a", "b"}, N: 3, Q: "body"}); !reflect.DeepEqual(v, want) {
		t.Errorf("got %+v, want %+v", v, want)
	}
	// A multipart body without a boundary is a 400, a truncated one too.
	for _, ct := range []string{"multipart/form-data", "multipart/form-data; boundary=nope"} {
		req := httptest.NewRequest("POST", "/b/1", strings.NewReader("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv"))
		req.Header.Set("Content-Type", ct)
		err := bindWith(t, web.Config{}, req, func(c *web.Ctx) error { return c.Bind(&v) })
		if web.StatusOf(err) != 400 {
			t.Errorf("%s: %v", ct, err)
		}
	}
}

func TestBindOversizedForm(t *testing.T) {
	t.Parallel()
	type in struct {
		A string `form:"a"`
	}
	var v in
	err := bindWith(t, web.Config{}, formRequest("/b/1", url.Values{"a": {strings.Repeat("x", 1000)}}), func(c *web.Ctx) error {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 100)
		return c.Bind(&v)
	})
	if web.StatusOf(err) != 413 {
		t.Errorf("oversized form: %v", err)
	}
}

func TestBindHostileValues(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("A", 10<<20)
	type in struct {
		S  string    `form:"s" json:"s"`
		N  int       `form:"n" json:"-"`
		T  time.Time `form:"t" json:"-"`
		IP netip.Addr
		X  string `form:"x" json:"x"`
	}
	injections := []string{
		"'; DROP TABLE users; --",
		`<script>alert("x")</script>`,
		"{{.Secret}}",
		"\x00\x01\xff",
		"../../etc/passwd",
		"Robert'); DELETE FROM students;--",
	}
	for _, s := range append(injections, huge) {
		// Stored verbatim from a multipart form (no 10 MB limit there) and from JSON.
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("s", s)
		mw.Close()
		req := httptest.NewRequest("POST", "/b/1", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		var v in
		if err := bindWith(t, web.Config{}, req, func(c *web.Ctx) error { return c.Bind(&v) }); err != nil || v.S != s {
			t.Errorf("multipart %.40q: stored %.40q, %v", s, v.S, err)
		}
		js, _ := json.Marshal(map[string]string{"s": s, "x": s})
		v = in{}
		s = strings.ToValidUTF8(s, "\uFFFD") // what json.Marshal sent
		if err := bindWith(t, web.Config{}, jsonRequest("/b/1", string(js)), func(c *web.Ctx) error { return c.Bind(&v) }); err != nil || v.S != s || v.X != s {
			t.Errorf("JSON %.40q: stored %.40q, %v", s, v.S, err)
		}
	}
	// Hostile values in typed fields: a 400 whose messages quote at most 40 bytes of them.
	for _, field := range []string{"n", "t"} {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField(field, huge)
		mw.Close()
		req := httptest.NewRequest("POST", "/b/1", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		var v in
		err := bindWith(t, web.Config{}, req, func(c *web.Ctx) error { return c.Bind(&v) })
		fe := fieldErrors(err)
		if web.StatusOf(err) != 400 || len(fe) != 1 {
			t.Fatalf("%s: %.200v", field, err)
		}
		if !strings.Contains(fe[0], `"`+strings.Repeat("A", 40)+`"...`) || len(fe[0]) > 200 {
			t.Errorf("%s: message %.300q is not cut to 40 bytes of the value", field, fe[0])
		}
	}
	// The same through a real error response: the 10 MB value never comes back.
	r := web.NewRouter(web.Config{})
	r.POST("/b", func(c *web.Ctx) error {
		var v struct {
			N int `json:"n"`
		}
		return c.Bind(&v)
	})
	rec := doBody(t, r, "POST", "/b", strings.NewReader(`{"n":"`+huge+`"}`), "Content-Type", "application/json")
	if rec.Code != 400 || rec.Body.Len() > 2000 {
		t.Errorf("status %d, %d-byte answer", rec.Code, rec.Body.Len())
	}
	rec = doBody(t, r, "POST", "/b", strings.NewReader(`{"n":1`+strings.Repeat("0", 1<<20)+`}`), "Content-Type", "application/json")
	if rec.Code != 400 || rec.Body.Len() > 2000 {
		t.Errorf("huge number: status %d, %d-byte answer", rec.Code, rec.Body.Len())
	}
}

func TestBindProgrammerErrors(t *testing.T) {
	t.Parallel()
	req := func() *http.Request { return httptest.NewRequest("GET", "/b/1?x=1", nil) }
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"nil", nil, "non-nil pointer to a struct"},
		{"struct value", struct{}{}, "non-nil pointer to a struct"},
		{"nil pointer", (*struct{})(nil), "non-nil pointer to a struct"},
		{"pointer to int", new(int), "non-nil pointer to a struct"},
		{"map field", &struct {
			M map[string]string `query:"x"`
		}{}, "type map[string]string is not supported"},
		{"nested slice", &struct {
			M [][]int `query:"x"`
		}{}, "not supported"},
		{"struct field", &struct {
			M struct{ A int } `form:"x"`
		}{}, "not supported"},
	}
	for _, tt := range tests {
		err := bindWith(t, web.Config{}, req(), func(c *web.Ctx) error { return c.Bind(tt.v) })
		if err == nil || !strings.Contains(err.Error(), tt.want) || web.StatusOf(err) != 500 {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

type Embedded struct {
	X int `query:"x"`
}

type embeddedPlain struct {
	Embedded
	Y int `query:"y"`
}

type embeddedPtr struct {
	*Embedded
	Y int `query:"y"`
}

func TestBindEmbeddedStructs(t *testing.T) {
	t.Parallel()
	var a embeddedPlain
	if err := bindWith(t, web.Config{}, httptest.NewRequest("GET", "/b/1?x=1&y=2", nil), func(c *web.Ctx) error { return c.Bind(&a) }); err != nil || a.X != 1 || a.Y != 2 {
		t.Errorf("embedded struct: %+v %v", a, err)
	}
	var b embeddedPtr
	err := bindWith(t, web.Config{}, httptest.NewRequest("GET", "/b/1?x=1&y=2", nil), func(c *web.Ctx) error { return c.Bind(&b) })
	if err != nil || b.Embedded == nil || b.X != 1 || b.Y != 2 {
		t.Errorf("embedded pointer: %+v %v", b, err)
	}
	// Absent values leave a nil embedded pointer alone.
	var d embeddedPtr
	if err := bindWith(t, web.Config{}, httptest.NewRequest("GET", "/b/1?y=2", nil), func(c *web.Ctx) error { return c.Bind(&d) }); err != nil || d.Embedded != nil {
		t.Errorf("embedded pointer without its values: %+v %v", d, err)
	}
}

type hidden struct {
	X int `query:"x"`
}

type embeddedUnexportedPtr struct {
	*hidden
}

func TestBindEmbeddedUnexportedPointer(t *testing.T) {
	t.Parallel()
	var v embeddedUnexportedPtr
	err := bindWith(t, web.Config{}, httptest.NewRequest("GET", "/b/1?x=1", nil), func(c *web.Ctx) error { return c.Bind(&v) })
	if err == nil || !strings.Contains(err.Error(), "embedded pointer *web_test.hidden") {
		t.Errorf("error %v", err)
	}
}

func TestBindPlanIsCachedPerRouter(t *testing.T) {
	t.Parallel()
	type in struct {
		A int `query:"a"`
	}
	r := web.NewRouter(web.Config{})
	r.GET("/b", func(c *web.Ctx) error {
		var v in
		if err := c.Bind(&v); err != nil {
			return err
		}
		return c.Text(200, fmt.Sprint(v.A))
	})
	for i := range 3 {
		if rec := do(t, r, "GET", fmt.Sprintf("/b?a=%d", i)); rec.Body.String() != fmt.Sprint(i) {
			t.Errorf("try %d: %q", i, rec.Body)
		}
	}
}
