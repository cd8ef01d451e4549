package web

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Bind fills the struct pointed to by v from the request: path parameters into fields tagged
// `path:"name"`, then the query string into fields tagged `query:"name"`, then the body
// according to its Content-Type: JSON (encoding/json rules), or a URL-encoded or multipart
// form into fields tagged `form:"name"`. Requests without a body (GET, HEAD, DELETE) bind the
// query string into the form fields too, so one struct serves a search form.
//
// Every problem is reported at once in an *HTTPError with status 400 (413 for a body over the
// limit, 415 for an unsupported Content-Type) whose Fields name each bad input.
func (c *Ctx) Bind(v any) error {
	plan, err := c.router.bindPlan(v)
	if err != nil {
		return err
	}
	rv := reflect.ValueOf(v).Elem()
	var errs []FieldError
	path := c.pathValues()
	errs = plan.bindSource(rv, srcPath, path, errs)
	errs = plan.bindSource(rv, srcQuery, c.QueryValues(), errs)
	errs = plan.bindSource(rv, srcHeader, c.Request.Header, errs)
	if hasBody(c.Request) {
		ct, _, _ := mime.ParseMediaType(c.Request.Header.Get("Content-Type"))
		switch {
		case ct == "application/json" || strings.HasSuffix(ct, "+json"):
			if err := c.decodeJSON(v); err != nil {
				return mergeFieldErrors(err, errs)
			}
		case ct == "application/x-www-form-urlencoded" || ct == "multipart/form-data":
			form, err := c.Form()
			if err != nil {
				return err
			}
			errs = plan.bindSource(rv, srcForm, form, errs)
		default:
			return &HTTPError{Code: http.StatusUnsupportedMediaType,
				Message: fmt.Sprintf("unsupported Content-Type %s: send application/json or a form", quoteShort(ct))}
		}
	} else {
		errs = plan.bindSource(rv, srcForm, c.QueryValues(), errs)
	}
	// Path parameters win over the body: middleware may have authorised the request on
	// c.Param("id"), and a body must not redirect the handler to another record.
	if len(plan.fields[srcPath]) > 0 {
		plan.bindSource(rv, srcPath, path, nil) // its errors were recorded by the first pass
	}
	if len(errs) > 0 {
		return &HTTPError{Code: http.StatusBadRequest, Message: "invalid input", Fields: errs}
	}
	return nil
}

// BindJSON decodes the JSON request body into v, whatever the Content-Type says.
func (c *Ctx) BindJSON(v any) error { return c.decodeJSON(v) }

// BindQuery fills v's fields tagged `query:"name"` (or `form`) from the query string.
func (c *Ctx) BindQuery(v any) error {
	plan, err := c.router.bindPlan(v)
	if err != nil {
		return err
	}
	rv := reflect.ValueOf(v).Elem()
	errs := plan.bindSource(rv, srcQuery, c.QueryValues(), nil)
	errs = plan.bindSource(rv, srcForm, c.QueryValues(), errs)
	if len(errs) > 0 {
		return &HTTPError{Code: http.StatusBadRequest, Message: "invalid query", Fields: errs}
	}
	return nil
}

// BindForm fills v's fields tagged `form:"name"` from the request's form.
func (c *Ctx) BindForm(v any) error {
	plan, err := c.router.bindPlan(v)
	if err != nil {
		return err
	}
	form, err := c.Form()
	if err != nil {
		return err
	}
	errs := plan.bindSource(reflect.ValueOf(v).Elem(), srcForm, form, nil)
	if len(errs) > 0 {
		return &HTTPError{Code: http.StatusBadRequest, Message: "invalid form", Fields: errs}
	}
	return nil
}

func mergeFieldErrors(err error, errs []FieldError) error {
	var he *HTTPError
	if len(errs) > 0 && errors.As(err, &he) && he.Code == http.StatusBadRequest {
		he.Fields = append(errs, he.Fields...)
	}
	return err
}

func hasBody(r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return false
	}
	if r.ContentLength > 0 || len(r.TransferEncoding) > 0 {
		return true
	}
	return r.ContentLength < 0 && r.Header.Get("Content-Type") != ""
}

func (c *Ctx) pathValues() map[string][]string {
	if c.route == nil || len(c.route.parsed.names) == 0 {
		return nil
	}
	m := make(map[string][]string, len(c.route.parsed.names))
	for i, n := range c.route.parsed.names {
		if i < len(c.params) {
			m[n] = []string{c.params[i]}
		}
	}
	return m
}

func (c *Ctx) decodeJSON(v any) error {
	if c.Request.Body == nil {
		return &HTTPError{Code: http.StatusBadRequest, Message: "request body is empty"}
	}
	dec := json.NewDecoder(c.Request.Body)
	if c.router.cfg.StrictJSON {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return bodyError(err)
		}
		return &HTTPError{Code: http.StatusBadRequest, Message: "request body must hold a single JSON value"}
	}
	return nil
}

// jsonError turns an encoding/json error into a client error naming the problem.
func jsonError(err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &mbe):
		return bodyError(err)
	case errors.Is(err, io.EOF):
		return &HTTPError{Code: http.StatusBadRequest, Message: "request body is empty", Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &HTTPError{Code: http.StatusBadRequest, Message: "malformed JSON: unexpected end of body", Err: err}
	case errors.As(err, &syn):
		return &HTTPError{Code: http.StatusBadRequest, Message: fmt.Sprintf("malformed JSON at byte %d: %v", syn.Offset, syn), Err: err}
	case errors.As(err, &typ):
		loc := "body"
		if typ.Field != "" {
			loc += "." + typ.Field // map keys are part of Field: cut below
		}
		// typ.Value holds the whole literal of a number ("number 1e999..."): cut it.
		return &HTTPError{Code: http.StatusBadRequest, Message: "invalid input", Err: err,
			Fields: []FieldError{{Location: cutText(loc, 100), Code: "type",
				Message: fmt.Sprintf("expected %s, got %s", jsonTypeName(typ.Type), cutText(typ.Value, 40))}}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &HTTPError{Code: http.StatusBadRequest, Message: "invalid input", Err: err,
			Fields: []FieldError{{Location: cutText("body."+name, 100), Code: "unknown_field", Message: "unknown field"}}}
	}
	return &HTTPError{Code: http.StatusBadRequest, Message: "malformed JSON: " + err.Error(), Err: err}
}

func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

type bindSrc uint8

const (
	srcPath bindSrc = iota
	srcQuery
	srcHeader
	srcForm
)

var srcNames = [...]string{"path", "query", "header", "form"}

// bindPlan is the cached description of how to bind one struct type.
type bindPlan struct {
	fields [4][]bindField
}

type bindField struct {
	name  string
	index []int
	typ   reflect.Type
}

func (r *Router) bindPlan(v any) (*bindPlan, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("web: Bind needs a non-nil pointer to a struct, got %T", v)
	}
	t := rv.Elem().Type()
	if p, ok := r.binds.Load(t); ok {
		return p.(*bindPlan), nil
	}
	p, err := newBindPlan(t)
	if err != nil {
		return nil, err
	}
	r.binds.Store(t, p)
	return p, nil
}

func newBindPlan(t reflect.Type) (*bindPlan, error) {
	p := &bindPlan{}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		for src := range srcNames {
			name, ok := f.Tag.Lookup(srcNames[src])
			if !ok {
				continue
			}
			name, _, _ = strings.Cut(name, ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if !bindable(f.Type) {
				return nil, fmt.Errorf("web: cannot bind %s.%s: type %s is not supported", t.Name(), f.Name, f.Type)
			}
			for i := 1; i < len(f.Index); i++ {
				if e := t.FieldByIndex(f.Index[:i]); e.Type.Kind() == reflect.Pointer && !e.IsExported() {
					return nil, fmt.Errorf("web: cannot bind %s.%s: it is reached through the embedded pointer %s of an unexported type, which Bind cannot allocate", t.Name(), f.Name, e.Type)
				}
			}
			p.fields[src] = append(p.fields[src], bindField{name: name, index: f.Index, typ: f.Type})
		}
	}
	return p, nil
}

var textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()

func bindable(t reflect.Type) bool {
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	case reflect.Pointer:
		return bindable(t.Elem())
	case reflect.Slice:
		return t.Elem().Kind() != reflect.Slice && bindable(t.Elem())
	}
	return false
}

func (p *bindPlan) bindSource(rv reflect.Value, src bindSrc, vals map[string][]string, errs []FieldError) []FieldError {
	for _, f := range p.fields[src] {
		vs, ok := vals[f.name]
		if src == srcHeader {
			vs, ok = vals[http.CanonicalHeaderKey(f.name)]
		}
		if !ok || len(vs) == 0 {
			continue
		}
		if err := setField(fieldByIndexAlloc(rv, f.index), vs); err != nil {
			errs = append(errs, FieldError{Location: srcNames[src] + "." + f.name, Code: "type", Message: err.Error()})
		}
	}
	return errs
}

// fieldByIndexAlloc is rv.FieldByIndex, allocating the nil embedded struct pointers on the
// way (reflect.Value.FieldByIndex panics on them). newBindPlan refused the unexported ones.
func fieldByIndexAlloc(rv reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				rv.Set(reflect.New(rv.Type().Elem()))
			}
			rv = rv.Elem()
		}
		rv = rv.Field(x)
	}
	return rv
}

// setField converts vs into fv, which has a bindable type.
func setField(fv reflect.Value, vs []string) error {
	if fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.Slice &&
		!fv.Type().Implements(textUnmarshalerType) {
		ptr := reflect.New(fv.Type().Elem()) // *[]T: bind the slice, then point to it
		if err := setField(ptr.Elem(), vs); err != nil {
			return err
		}
		fv.Set(ptr)
		return nil
	}
	if fv.Kind() == reflect.Slice && !fv.Addr().Type().Implements(textUnmarshalerType) {
		s := reflect.MakeSlice(fv.Type(), len(vs), len(vs))
		for i, v := range vs {
			if err := setScalar(s.Index(i), v); err != nil {
				return fmt.Errorf("item %d: %w", i+1, err)
			}
		}
		fv.Set(s)
		return nil
	}
	return setScalar(fv, vs[0])
}

var timeType = reflect.TypeFor[time.Time]()

func setScalar(fv reflect.Value, s string) error {
	if strings.TrimSpace(s) == "" && blankIsUnset(fv.Type()) {
		// A blank optional input (<input type=number> left empty) means "not given".
		fv.SetZero()
		return nil
	}
	if fv.Kind() == reflect.Pointer {
		ptr := reflect.New(fv.Type().Elem())
		if err := setScalar(ptr.Elem(), s); err != nil {
			return err
		}
		fv.Set(ptr)
		return nil
	}
	if fv.Type() == timeType {
		t, err := parseTime(s)
		if err != nil {
			return err
		}
		fv.Set(reflect.ValueOf(t))
		return nil
	}
	if tu, ok := fv.Addr().Interface().(encoding.TextUnmarshaler); ok {
		if err := tu.UnmarshalText([]byte(s)); err != nil {
			// The type's message often quotes the whole input: cut it like the value.
			return fmt.Errorf("invalid value %s: %s", quoteShort(s), cutText(err.Error(), 100))
		}
		return nil
	}
	switch fv.Kind() {
	case reflect.String:
		fv.SetString(s)
	case reflect.Bool:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "1", "t", "true", "on", "yes":
			fv.SetBool(true)
		case "", "0", "f", "false", "off", "no":
			fv.SetBool(false)
		default:
			return fmt.Errorf("expected a boolean, got %s", quoteShort(s))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if fv.Type() == reflect.TypeFor[time.Duration]() {
			d, err := time.ParseDuration(strings.TrimSpace(s))
			if err != nil {
				return fmt.Errorf("expected a duration such as 1m30s, got %s", quoteShort(s))
			}
			fv.SetInt(int64(d))
			return nil
		}
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, fv.Type().Bits())
		if err != nil {
			return numError(err, "an integer", s)
		}
		fv.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(strings.TrimSpace(s), 10, fv.Type().Bits())
		if err != nil {
			return numError(err, "a non-negative integer", s)
		}
		fv.SetUint(n)
	case reflect.Float32, reflect.Float64:
		n, err := strconv.ParseFloat(strings.TrimSpace(s), fv.Type().Bits())
		if err != nil || n != n || n > 1.7976931348623157e308 || n < -1.7976931348623157e308 {
			return numError(err, "a number", s)
		}
		fv.SetFloat(n)
	default:
		return fmt.Errorf("unsupported type %s", fv.Type())
	}
	return nil
}

// blankIsUnset reports whether a blank value leaves a field of type t at its zero value
// rather than being an error: numbers, times and pointers to them.
func blankIsUnset(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return true
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

func numError(err error, want, s string) error {
	var ne *strconv.NumError
	if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
		return fmt.Errorf("%s is out of range", quoteShort(s))
	}
	return fmt.Errorf("expected %s, got %s", want, quoteShort(s))
}

// quoteShort quotes s for an error message, cut to 40 bytes so a hostile value cannot flood
// responses and logs.
func quoteShort(s string) string {
	if len(s) > 40 {
		return strconv.Quote(s[:40]) + "..."
	}
	return strconv.Quote(s)
}

// cutText cuts s to at most n bytes on a character boundary, marking the cut with "...".
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("expected a date or time such as 2006-01-02 or 2006-01-02T15:04:05Z, got %s", quoteShort(s))
}
