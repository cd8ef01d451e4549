package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/sinewdev/sinew/web"
)

// Parameter locations, as OpenAPI names them.
const (
	inPath   = "path"
	inQuery  = "query"
	inHeader = "header"
	inCookie = "cookie"
)

var paramLocations = [...]string{inPath, inQuery, inHeader, inCookie}

// inputPlan is how one input type is bound, read once at registration.
type inputPlan struct {
	typ       reflect.Type
	params    []*param
	hasBody   bool
	bodyIndex int
	bodyType  reflect.Type
	bodyPtr   bool // Body is a pointer: the body is optional
	bodyRaw   bool // Body is []byte: the raw body, whatever its type
	hasQuery  bool
	validate  bool // the input has rules: validate after binding
	// paramRules says the parameters have rules too (or the input a Validate method), so the
	// whole input is checked; otherwise only the body is, which spares building "Body." paths.
	paramRules bool
	// locations maps a top-level validation key (Go name, or json/form tag name) to where the
	// value came from: "query.limit", "body".
	locations map[string]string
}

// param is one path, query, header or cookie parameter.
type param struct {
	in       string
	name     string // as sent: the header name canonicalised
	field    reflect.StructField
	index    int
	required bool
	def      *reflect.Value // the parsed default
	defText  string
	isString bool
}

func planInput(t reflect.Type, path string) (*inputPlan, error) {
	p := &inputPlan{typ: t, locations: map[string]string{}}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("input type %s is not a struct", t)
	}
	if _, ok := reflect.PointerTo(t).MethodByName("Validate"); ok {
		p.validate, p.paramRules = true, true
	}
	wild := pathWildcards(path)
	seen := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Tag.Get("validate") != "" {
			p.validate, p.paramRules = true, true
		}
		if f.Name == "Body" && !hasParamTag(f) {
			p.hasBody, p.bodyIndex = true, i
			p.bodyType = f.Type
			if f.Type.Kind() == reflect.Pointer {
				p.bodyPtr = true
				p.bodyType = f.Type.Elem()
			}
			p.bodyRaw = f.Type == reflect.TypeFor[[]byte]()
			p.locations[validationKey(f)] = "body"
			if !p.bodyRaw && hasValidateTags(p.bodyType, map[reflect.Type]bool{}) {
				p.validate = true
			}
			continue
		}
		for _, loc := range paramLocations {
			name, ok := f.Tag.Lookup(loc)
			if !ok {
				continue
			}
			name, _, _ = strings.Cut(name, ",")
			if name == "" || name == "-" {
				return nil, fmt.Errorf("field %s: empty %s parameter name", f.Name, loc)
			}
			if !web.Bindable(f.Type) {
				return nil, fmt.Errorf("field %s: %s parameters cannot be of type %s", f.Name, loc, f.Type)
			}
			pr := &param{in: loc, name: name, field: f, index: i, isString: f.Type.Kind() == reflect.String}
			switch loc {
			case inHeader:
				pr.name = http.CanonicalHeaderKey(name)
			case inPath:
				if !wild[name] {
					return nil, fmt.Errorf("field %s: the path has no {%s} wildcard", f.Name, name)
				}
				pr.required = true
			case inQuery:
				p.hasQuery = true
			}
			if seen[loc+" "+pr.name] {
				return nil, fmt.Errorf("field %s: %s parameter %q bound twice", f.Name, loc, name)
			}
			seen[loc+" "+pr.name] = true
			if f.Tag.Get("required") == "true" || hasRule(f.Tag.Get("validate"), "required") {
				pr.required = true
			}
			if d, ok := f.Tag.Lookup("default"); ok {
				v := reflect.New(f.Type).Elem()
				if err := web.BindText(v, splitDefault(f.Type, d)); err != nil {
					return nil, fmt.Errorf("field %s: default %q: %v", f.Name, d, err)
				}
				pr.def, pr.defText = &v, d
			}
			p.params = append(p.params, pr)
			p.locations[validationKey(f)] = loc + "." + name
		}
	}
	for name := range wild {
		if !seen[inPath+" "+name] {
			return nil, fmt.Errorf("path wildcard {%s} has no field tagged `path:%q` in %s", name, name, t)
		}
	}
	return p, nil
}

func hasParamTag(f reflect.StructField) bool {
	for _, loc := range paramLocations {
		if _, ok := f.Tag.Lookup(loc); ok {
			return true
		}
	}
	return false
}

// splitDefault splits a default for a slice parameter at commas.
func splitDefault(t reflect.Type, d string) []string {
	if t.Kind() == reflect.Slice {
		return strings.Split(d, ",")
	}
	return []string{d}
}

// validationKey is the name validate uses for a top-level field: its json tag name, else its
// form, query, path, header or cookie tag name, else its Go name.
func validationKey(f reflect.StructField) string {
	for _, tag := range []string{"json", "form", "query", "path", "header", "cookie"} {
		if name, _, _ := strings.Cut(f.Tag.Get(tag), ","); name != "" && name != "-" {
			return name
		}
	}
	return f.Name
}

func hasRule(tag, rule string) bool {
	for _, r := range strings.Split(tag, ",") {
		if name, _, _ := strings.Cut(r, "="); name == rule {
			return true
		}
		if strings.HasPrefix(r, "pattern=") {
			break
		}
	}
	return false
}

// hasValidateTags reports whether t (a struct, or a slice or map of them) declares any
// validation rule or a Validate method, so inputs without rules skip validation entirely.
func hasValidateTags(t reflect.Type, seen map[reflect.Type]bool) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return false
	}
	seen[t] = true
	if _, ok := reflect.PointerTo(t).MethodByName("Validate"); ok {
		return true
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Tag.Get("validate") != "" || hasValidateTags(f.Type, seen) {
			return true
		}
	}
	return false
}

// pathWildcards returns the wildcard names of a path pattern.
func pathWildcards(path string) map[string]bool {
	m := map[string]bool{}
	for {
		i := strings.IndexByte(path, '{')
		if i < 0 {
			return m
		}
		j := strings.IndexByte(path[i:], '}')
		if j < 0 {
			return m
		}
		m[strings.TrimSuffix(path[i+1:i+j], "...")] = true
		path = path[i+j+1:]
	}
}

// bind fills v (an In struct) from the request. Conversion problems (a parameter that is not
// a number, malformed JSON, a wrong JSON type, an unknown field) answer 400 listing every
// one; missing required parameters and bodies answer 422.
func (p *inputPlan) bind(c *web.Ctx, v reflect.Value, strict bool) error {
	var bad, missing []web.FieldError
	var query map[string][]string
	if p.hasQuery {
		query = c.QueryValues()
	}
	for _, pr := range p.params {
		var vs []string
		var one [1]string
		switch pr.in {
		case inPath:
			one[0] = c.Param(pr.name)
			vs = one[:]
		case inQuery:
			vs = query[pr.name]
		case inHeader:
			vs = c.Request.Header[pr.name]
		case inCookie:
			if ck, err := c.Request.Cookie(pr.name); err == nil {
				one[0] = ck.Value
				vs = one[:]
			}
		}
		fv := v.Field(pr.index)
		if len(vs) == 0 {
			switch {
			case pr.def != nil:
				fv.Set(*pr.def)
			case pr.required:
				missing = append(missing, web.FieldError{Location: pr.in + "." + pr.name, Code: "required",
					Message: "required " + pr.in + " parameter is missing"})
			}
			continue
		}
		if pr.isString {
			fv.SetString(vs[0])
			continue
		}
		if err := web.BindText(fv, vs); err != nil {
			bad = append(bad, web.FieldError{Location: pr.in + "." + pr.name, Code: "type", Message: err.Error()})
		}
	}
	if p.hasBody {
		if err := p.bindBody(c, v.Field(p.bodyIndex), strict); err != nil {
			var he *web.HTTPError
			if !errors.As(err, &he) || he.Code != http.StatusBadRequest {
				return err // 413, 415
			}
			if he.Fields == nil && he.Code == http.StatusBadRequest && he.Message == "required" {
				missing = append(missing, web.FieldError{Location: "body", Code: "required", Message: "request body is required"})
			} else if len(he.Fields) > 0 {
				bad = append(bad, he.Fields...)
			} else {
				bad = append(bad, web.FieldError{Location: "body", Code: "malformed", Message: he.Message})
			}
		}
	}
	if len(bad) > 0 {
		return &web.HTTPError{Code: http.StatusBadRequest, Message: "invalid input", Fields: bad}
	}
	if len(missing) > 0 {
		return &web.HTTPError{Code: http.StatusUnprocessableEntity, Message: "validation failed", Fields: missing}
	}
	return nil
}

var errBodyRequired = &web.HTTPError{Code: http.StatusBadRequest, Message: "required"}

func (p *inputPlan) bindBody(c *web.Ctx, fv reflect.Value, strict bool) error {
	r := c.Request
	if !requestHasBody(r) {
		if p.bodyPtr {
			return nil
		}
		return errBodyRequired
	}
	if p.bodyRaw {
		b, err := c.Body()
		if err != nil {
			return err
		}
		fv.SetBytes(b)
		return nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && ct != "application/json" {
		mt, _, _ := mime.ParseMediaType(ct)
		if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
			return &web.HTTPError{Code: http.StatusUnsupportedMediaType,
				Message: "unsupported Content-Type: send application/json"}
		}
	}
	if p.bodyPtr {
		fv.Set(reflect.New(p.bodyType))
		fv = fv.Elem()
	}
	dec := json.NewDecoder(r.Body)
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(fv.Addr().Interface()); err != nil {
		if errors.Is(err, io.EOF) {
			if p.bodyPtr {
				fv.SetZero()
				return nil
			}
			return errBodyRequired
		}
		return web.JSONError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return web.JSONError(err)
		}
		return &web.HTTPError{Code: http.StatusBadRequest, Message: "request body must hold a single JSON value"}
	}
	return nil
}

func requestHasBody(r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return false
	}
	return r.ContentLength != 0
}

// check validates the bound input v (a pointer to an In struct).
func (p *inputPlan) check(ctx context.Context, valid Validator, v any) error {
	if p.paramRules {
		if err := valid.Struct(ctx, v); err != nil {
			return p.validationError(err, false)
		}
		return nil
	}
	bv := reflect.ValueOf(v).Elem().Field(p.bodyIndex)
	if p.bodyPtr {
		if bv.IsNil() {
			return nil
		}
	} else {
		bv = bv.Addr()
	}
	if err := valid.Struct(ctx, bv.Interface()); err != nil {
		return p.validationError(err, true)
	}
	return nil
}

// validationError turns a validator's error into a 422 whose field locations name where
// each value came from: "body.title", "query.limit". bodyOnly says the body was checked on
// its own, so its paths lack the "Body" head.
func (p *inputPlan) validationError(err error, bodyOnly bool) error {
	var fe interface{ FieldErrors() []web.FieldError }
	if !errors.As(err, &fe) {
		return err // a setup error (a bad tag): a 500, logged
	}
	fields := fe.FieldErrors()
	out := make([]web.FieldError, len(fields))
	for i, f := range fields {
		switch {
		case !bodyOnly:
			f.Location = p.location(f.Location)
		case f.Location == "":
			f.Location = "body"
		case f.Location[0] == '[':
			f.Location = "body" + f.Location
		default:
			f.Location = "body." + f.Location
		}
		out[i] = f
	}
	return &web.HTTPError{Code: http.StatusUnprocessableEntity, Message: "validation failed", Fields: out, Err: err}
}

// location maps a validation path ("Body.title", "Limit", "body.items[0].name") to the
// request location.
func (p *inputPlan) location(path string) string {
	head, rest := path, ""
	if i := strings.IndexAny(path, ".["); i >= 0 {
		head, rest = path[:i], path[i:]
	}
	loc, ok := p.locations[head]
	if !ok {
		return path
	}
	return loc + rest
}
