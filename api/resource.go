package api

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/validate"
	"github.com/sinewdev/sinew/web"
)

// Action is what a resource operation does, as passed to the resource's hooks.
type Action string

// The actions of a resource.
const (
	ActionList     Action = "list"
	ActionRetrieve Action = "retrieve"
	ActionCreate   Action = "create"
	ActionUpdate   Action = "update" // PUT and PATCH
	ActionDelete   Action = "delete"
)

// ResourceConfig configures Resource. The zero value mounts the five actions with page
// pagination of 20 rows, ordering by primary key, and no filters.
//
// Field names in the configuration and in requests are JSON names (the json tag, else the Go
// name), as clients see them.
type ResourceConfig[T any] struct {
	// Name is the singular name used in operation IDs and summaries. Default: the model's Go
	// name ("Post" gives listPost, getPost, createPost, ...).
	Name string
	// Tag groups the operations in the docs. Default: Name.
	Tag string
	// ReadOnly mounts only list and retrieve.
	ReadOnly bool
	// Filter lists the fields clients may filter on: ?published=true, ?views__gte=10,
	// ?id__in=1,2,3 (numbers and times also take __gt, __gte, __lt, __lte; strings
	// __icontains).
	Filter []string
	// Order lists the fields clients may order by: ?order=-created_at,title.
	Order []string
	// DefaultOrder is the ordering without ?order (JSON names, "-" for descending). Default:
	// the primary key. The primary key is always added last so that pages are stable.
	DefaultOrder []string
	// PageSize is the default number of rows per page (?per_page); MaxPageSize its limit.
	// Defaults: 20 and 100.
	PageSize, MaxPageSize int
	// Prefetch lists relations (Go names) loaded with every object, so they are nested in
	// the JSON (the relation field needs a json name that is not "-").
	Prefetch []string
	// ReadOnlyFields are never written by clients (ignored in request bodies). The primary
	// key, CreatedAt, UpdatedAt and relation fields always are.
	ReadOnlyFields []string
	// WriteOnlyFields are accepted in request bodies and never sent back (secrets).
	WriteOnlyFields []string
	// Readable decides, per caller and object, whether a field is sent (an e-mail visible
	// only to its owner and to staff). Default: every field but the write-only ones.
	Readable func(ctx context.Context, obj *T, field string) bool
	// Writable decides, per caller, whether a field may be set (a role writable only by
	// admins); obj is nil on create. A request that sets a field it may not answers 403.
	// Default: every field but the read-only ones.
	Writable func(ctx context.Context, obj *T, field string) bool
	// Authorize is the object-level permission check, run before each action: obj is nil for
	// list and create. Return a 403 (or 404, to hide existence) web.HTTPError to refuse.
	Authorize func(ctx context.Context, action Action, obj *T) error
	// Query narrows what list, retrieve, update and delete can see (only the caller's own
	// rows, only published ones).
	Query func(ctx context.Context, q *orm.Query[T]) *orm.Query[T]
	// Validate runs after the tag rules on create and update, for rules that differ between
	// them (a password required on create only). Fields tagged `create:"..."` or
	// `update:"..."` (the validate rule syntax) are checked on that action only.
	Validate func(ctx context.Context, action Action, obj *T) error
	// Security is required on every action (API Config.Security when nil). With
	// Permissions set, each requirement also carries the action's auth permission as a
	// scope: view_post, add_post, change_post, delete_post.
	Security    []Requirement
	Permissions bool
	// PublicRead makes list and retrieve public whatever Security says.
	PublicRead bool
}

// resField is one JSON property of the model.
type resField struct {
	json      string
	goName    string
	index     []int
	typ       reflect.Type
	readOnly  bool
	writeOnly bool
	pk        bool
}

type resource[T any] struct {
	a        *API
	cfg      ResourceConfig[T]
	fields   []*resField
	byJSON   map[string]*resField
	pk       *resField
	valid    Validator
	onCreate Validator // the `create:"..."` rules, nil when there are none
	onUpdate Validator
	perm     string // lower-case model name for permission scopes
}

// Resource mounts a REST resource for the registered ORM model T under path, and documents
// it like typed handlers:
//
//	GET    path               list: ?page=&per_page= or ?cursor=, ?order=, ?fields=, filters
//	GET    path/{id}          retrieve (ETag; If-None-Match answers 304)
//	POST   path               create (201 with Location)
//	PUT    path/{id}          replace every writable field (If-Match answers 412 when stale)
//	PATCH  path/{id}          change the fields sent
//	DELETE path/{id}          delete (204)
//
// Request bodies are checked against the model's validate tags; unknown fields answer 400,
// read-only ones are ignored. ORM errors map through web.StatusOf (404, 409, 422).
//
//	api.Resource(a, "/posts", api.ResourceConfig[Post]{
//		Filter: []string{"published"}, Order: []string{"created_at"}, Prefetch: []string{"Author"},
//	})
func Resource[T any](a *API, path string, cfg ResourceConfig[T]) {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("api: Resource: %s is not a struct", t))
	}
	path = strings.TrimSuffix(path, "/")
	if cfg.Name == "" {
		cfg.Name = t.Name()
	}
	if cfg.Tag == "" {
		cfg.Tag = cfg.Name
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 20
	}
	if cfg.MaxPageSize <= 0 {
		cfg.MaxPageSize = 100
	}
	if cfg.PageSize > cfg.MaxPageSize {
		cfg.PageSize = cfg.MaxPageSize
	}
	r := &resource[T]{a: a, cfg: cfg, byJSON: map[string]*resField{}, valid: a.state.valid,
		perm: strings.ToLower(t.Name())}
	r.readFields(t)
	if r.pk == nil {
		panic(fmt.Sprintf("api: Resource: %s has no primary key (an ID field or one tagged orm:\"pk\")", t))
	}
	for _, list := range [][]string{cfg.Filter, cfg.Order, cfg.ReadOnlyFields, cfg.WriteOnlyFields, trimDash(cfg.DefaultOrder)} {
		for _, name := range list {
			if r.byJSON[name] == nil {
				panic(fmt.Sprintf("api: Resource %s: unknown field %q (use JSON names)", cfg.Name, name))
			}
		}
	}
	if hasTag(t, "create") {
		r.onCreate = validate.New(validate.Config{Tag: "create"})
	}
	if hasTag(t, "update") {
		r.onUpdate = validate.New(validate.Config{Tag: "update"})
	}
	item := path + "/{" + r.pk.json + "}"
	r.mount(http.MethodGet, path, "list"+cfg.Name, "List "+cfg.Name+" objects", ActionList, http.StatusOK, r.list, r.docList)
	r.mount(http.MethodGet, item, "get"+cfg.Name, "Get a "+cfg.Name, ActionRetrieve, http.StatusOK, r.retrieve, r.docRetrieve)
	if cfg.ReadOnly {
		return
	}
	r.mount(http.MethodPost, path, "create"+cfg.Name, "Create a "+cfg.Name, ActionCreate, http.StatusCreated, r.create, r.docWrite(true, false))
	r.mount(http.MethodPut, item, "replace"+cfg.Name, "Replace a "+cfg.Name, ActionUpdate, http.StatusOK, r.replace, r.docWrite(true, true))
	r.mount(http.MethodPatch, item, "update"+cfg.Name, "Update fields of a "+cfg.Name, ActionUpdate, http.StatusOK, r.patch, r.docWrite(false, true))
	r.mount(http.MethodDelete, item, "delete"+cfg.Name, "Delete a "+cfg.Name, ActionDelete, http.StatusNoContent, r.delete, r.docDelete)
}

func trimDash(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.TrimPrefix(n, "-")
	}
	return out
}

func hasTag(t reflect.Type, tag string) bool {
	for _, f := range reflect.VisibleFields(t) {
		if _, ok := f.Tag.Lookup(tag); ok {
			return true
		}
	}
	return false
}

var permActions = map[Action]string{ActionList: "view", ActionRetrieve: "view", ActionCreate: "add", ActionUpdate: "change", ActionDelete: "delete"}

func (r *resource[T]) mount(method, path, id, summary string, action Action, status int,
	h func(c *web.Ctx, reqs []Requirement) error, doc func(g *schemaGen, op *Operation)) {
	sec := r.cfg.Security
	if sec == nil {
		sec = r.a.state.cfg.Security
	}
	if r.cfg.PublicRead && (action == ActionList || action == ActionRetrieve) {
		sec = Public
	}
	if r.cfg.Permissions && len(sec) > 0 {
		scoped := make([]Requirement, len(sec))
		for i, req := range sec {
			scoped[i] = Requirement{Scheme: req.Scheme, Scopes: append(slices.Clone(req.Scopes), permActions[action]+"_"+r.perm)}
		}
		sec = scoped
	}
	if sec == nil {
		sec = Public
	}
	opn := &operation{method: method, path: path, doc: doc,
		op: Op{ID: id, Summary: summary, Tags: []string{r.cfg.Tag}, Status: status, Security: sec,
			Errors: resourceErrors(action)}}
	r.a.prepare(opn, nil)
	reqs := opn.op.Security
	authorize := r.a.state.cfg.Authorize
	r.a.add(opn, func(c *web.Ctx) error {
		if len(reqs) > 0 {
			if err := authorize(c, reqs); err != nil {
				return err
			}
		}
		return h(c, reqs)
	})
}

func resourceErrors(a Action) []int {
	switch a {
	case ActionRetrieve:
		return []int{http.StatusForbidden, http.StatusNotFound}
	case ActionCreate:
		return []int{http.StatusForbidden, http.StatusConflict}
	case ActionUpdate:
		return []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusPreconditionFailed}
	case ActionDelete:
		return []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusPreconditionFailed}
	}
	return []int{http.StatusForbidden}
}

// readFields lists T's JSON properties as encoding/json sees them.
func (r *resource[T]) readFields(t reflect.Type) {
	ro := map[string]bool{}
	for _, n := range r.cfg.ReadOnlyFields {
		ro[n] = true
	}
	wo := map[string]bool{}
	for _, n := range r.cfg.WriteOnlyFields {
		wo[n] = true
	}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || hasEmbeddedTaggedParent(t, f) {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		ft := f.Type
		if f.Anonymous && name == "" {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		if r.byJSON[name] != nil {
			continue
		}
		rf := &resField{json: name, goName: f.Name, index: f.Index, typ: f.Type, writeOnly: wo[name]}
		ormTag := f.Tag.Get("orm")
		rf.pk = hasOption(ormTag, "pk") || (f.Name == "ID" && r.pk == nil)
		rf.readOnly = ro[name] || rf.pk || f.Name == "CreatedAt" || f.Name == "UpdatedAt" ||
			isRelation(f.Type) || f.Tag.Get("access") == "readonly"
		if rf.pk {
			if r.pk != nil && r.pk.goName == "ID" && !hasOption(ormTag, "pk") {
				rf.pk = false
			} else {
				if r.pk != nil {
					r.pk.pk = false
				}
				r.pk = rf
			}
		}
		r.fields = append(r.fields, rf)
		r.byJSON[name] = rf
	}
}

func hasOption(tag, opt string) bool {
	for _, o := range strings.Split(tag, ",") {
		if strings.TrimSpace(o) == opt {
			return true
		}
	}
	return false
}

// isRelation reports whether a field of type t holds related models rather than a column.
func isRelation(t reflect.Type) bool {
	if t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == timeType {
		return false
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[interface{ Scan(any) error }]()) {
		return false // sql.NullString and friends are columns
	}
	return true
}

func (r *resource[T]) query(ctx context.Context) *orm.Query[T] {
	q := orm.Q[T](ctx)
	if r.cfg.Query != nil {
		q = r.cfg.Query(ctx, q)
	}
	return q
}

func (r *resource[T]) authorize(ctx context.Context, a Action, obj *T) error {
	if r.cfg.Authorize == nil {
		return nil
	}
	return r.cfg.Authorize(ctx, a, obj)
}

// page is the list response.
type page[T any] struct {
	Items      []any   `json:"items"`
	Total      int64   `json:"total"`
	Page       int     `json:"page"`
	PerPage    int     `json:"per_page"`
	NextCursor *string `json:"next_cursor"`
}

func (r *resource[T]) lookupsFor(f *resField) []string {
	switch baseKind(f.typ) {
	case reflect.String:
		return []string{"icontains", "in"}
	case reflect.Bool:
		return nil
	case reflect.Struct: // times
		return []string{"gt", "gte", "lt", "lte"}
	}
	return []string{"gt", "gte", "lt", "lte", "in"}
}

func (r *resource[T]) list(c *web.Ctx, _ []Requirement) error {
	if err := r.authorize(c, ActionList, nil); err != nil {
		return err
	}
	q := c.QueryValues()
	var bad []web.FieldError
	badParam := func(name, code, msg string) {
		bad = append(bad, web.FieldError{Location: "query." + cutName(name), Code: code, Message: msg})
	}
	pageNo, perPage := 1, r.cfg.PageSize
	query := r.query(c)
	var order []string
	var fields map[string]bool
	var cursor *T
	for key, vals := range q {
		v := vals[0]
		switch key {
		case "page":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1_000_000 {
				badParam(key, "type", "expected a page number from 1")
				continue
			}
			pageNo = n
		case "per_page":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > r.cfg.MaxPageSize {
				badParam(key, "range", fmt.Sprintf("expected a number from 1 to %d", r.cfg.MaxPageSize))
				continue
			}
			perPage = n
		case "cursor":
			row, err := r.decodeCursor(v)
			if err != nil {
				badParam(key, "invalid", "malformed cursor")
				continue
			}
			cursor = row
		case "order":
			for _, o := range strings.Split(v, ",") {
				name := strings.TrimPrefix(o, "-")
				if !slices.Contains(r.cfg.Order, name) {
					badParam(key, "invalid", fmt.Sprintf("cannot order by %s (allowed: %s)", quoteCut(name), strings.Join(r.cfg.Order, ", ")))
					continue
				}
				order = append(order, strings.TrimSuffix(o, name)+r.byJSON[name].goName)
			}
		case "fields":
			fields = r.fieldSet(v, func(name string) { badParam(key, "invalid", "unknown field "+quoteCut(name)) })
		default:
			name, lookup, hasLookup := strings.Cut(key, "__")
			f := r.byJSON[name]
			if f == nil || !slices.Contains(r.cfg.Filter, name) || (hasLookup && !slices.Contains(r.lookupsFor(f), lookup)) {
				badParam(key, "unknown_parameter", "unknown query parameter")
				continue
			}
			expr := f.goName
			if hasLookup {
				expr += "__" + lookup
			}
			if lookup == "in" {
				query = query.Filter(expr, strings.Split(v, ","))
			} else {
				query = query.Filter(expr, v)
			}
		}
	}
	if len(bad) > 0 {
		slices.SortFunc(bad, func(a, b web.FieldError) int { return strings.Compare(a.Location, b.Location) })
		return &web.HTTPError{Code: http.StatusBadRequest, Message: "invalid query", Fields: bad}
	}
	if order == nil {
		for _, o := range r.cfg.DefaultOrder {
			name := strings.TrimPrefix(o, "-")
			order = append(order, strings.TrimSuffix(o, name)+r.byJSON[name].goName)
		}
	}
	if !slices.ContainsFunc(order, func(o string) bool { return strings.TrimPrefix(o, "-") == r.pk.goName }) {
		order = append(order, r.pk.goName)
	}
	total, err := query.Clone().Count()
	if err != nil {
		return err
	}
	query = query.OrderBy(order...)
	if cursor != nil {
		query = query.After(cursor)
	} else if pageNo > 1 {
		query = query.Offset((pageNo - 1) * perPage)
	}
	if len(r.cfg.Prefetch) > 0 {
		query = query.Prefetch(r.cfg.Prefetch...)
	}
	rows, err := query.Limit(perPage).All()
	if err != nil {
		return err
	}
	out := page[T]{Items: make([]any, 0, len(rows)), Total: total, Page: pageNo, PerPage: perPage}
	if cursor != nil {
		out.Page = 0
	}
	for i := range rows {
		v, _, err := r.render(c, &rows[i], fields)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, v)
	}
	if len(rows) == perPage {
		cur, err := r.encodeCursor(&rows[len(rows)-1], order)
		if err != nil {
			return err
		}
		out.NextCursor = &cur
	}
	return c.JSON(http.StatusOK, out)
}

func cutName(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

func quoteCut(s string) string { return strconv.Quote(cutName(s)) }

// fieldSet parses ?fields=a,b.
func (r *resource[T]) fieldSet(v string, bad func(string)) map[string]bool {
	set := map[string]bool{}
	for _, name := range strings.Split(v, ",") {
		if f := r.byJSON[name]; f == nil || f.writeOnly {
			bad(name)
			continue
		}
		set[name] = true
	}
	return set
}

// encodeCursor encodes the ordering fields (and key) of the last row of a page.
func (r *resource[T]) encodeCursor(row *T, order []string) (string, error) {
	rv := reflect.ValueOf(row).Elem()
	m := map[string]any{}
	for _, o := range order {
		name := strings.TrimPrefix(o, "-")
		for _, f := range r.fields {
			if f.goName == name {
				m[f.json] = rv.FieldByIndex(f.index).Interface()
			}
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("api: encoding a cursor: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (r *resource[T]) decodeCursor(s string) (*T, error) {
	if len(s) > 4096 {
		return nil, errors.New("cursor too long")
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	row := new(T)
	if err := json.Unmarshal(b, row); err != nil {
		return nil, err
	}
	return row, nil
}

// render returns obj as the caller may see it (write-only and unreadable fields dropped,
// and only the requested fields when fields is set), and the ETag of its full form.
func (r *resource[T]) render(ctx context.Context, obj *T, fields map[string]bool) (any, string, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, "", fmt.Errorf("api: encoding %s: %w", r.cfg.Name, err)
	}
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	if fields == nil && len(r.cfg.WriteOnlyFields) == 0 && r.cfg.Readable == nil {
		return json.RawMessage(b), etag, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, "", fmt.Errorf("api: re-reading %s: %w", r.cfg.Name, err)
	}
	for _, f := range r.fields {
		if f.writeOnly || (fields != nil && !fields[f.json]) || (r.cfg.Readable != nil && !r.cfg.Readable(ctx, obj, f.json)) {
			delete(m, f.json)
		}
	}
	return m, etag, nil
}

func (r *resource[T]) load(c *web.Ctx, action Action) (*T, error) {
	id := c.Param(r.pk.json)
	q := r.query(c)
	if len(r.cfg.Prefetch) > 0 {
		q = q.Prefetch(r.cfg.Prefetch...)
	}
	obj, err := q.Get(id)
	if err != nil {
		var ve *orm.ValueError
		var fe *orm.FieldError
		if errors.As(err, &ve) || errors.As(err, &fe) { // a key that cannot exist
			return nil, &web.HTTPError{Code: http.StatusNotFound, Err: err}
		}
		return nil, err
	}
	if err := r.authorize(c, action, obj); err != nil {
		return nil, err
	}
	return obj, nil
}

func (r *resource[T]) retrieve(c *web.Ctx, _ []Requirement) error {
	var fields map[string]bool
	var bad []web.FieldError
	for key, vals := range c.QueryValues() {
		if key != "fields" {
			bad = append(bad, web.FieldError{Location: "query." + cutName(key), Code: "unknown_parameter", Message: "unknown query parameter"})
			continue
		}
		fields = r.fieldSet(vals[0], func(name string) {
			bad = append(bad, web.FieldError{Location: "query.fields", Code: "invalid", Message: "unknown field " + quoteCut(name)})
		})
	}
	if len(bad) > 0 {
		return &web.HTTPError{Code: http.StatusBadRequest, Message: "invalid query", Fields: bad}
	}
	obj, err := r.load(c, ActionRetrieve)
	if err != nil {
		return err
	}
	v, etag, err := r.render(c, obj, fields)
	if err != nil {
		return err
	}
	c.SetHeader("ETag", etag)
	if inm := c.Header("If-None-Match"); inm != "" && etagMatch(inm, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.JSON(http.StatusOK, v)
}

func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// checkIfMatch answers 412 when the client's If-Match names another version of obj.
func (r *resource[T]) checkIfMatch(c *web.Ctx, obj *T) error {
	im := c.Header("If-Match")
	if im == "" {
		return nil
	}
	_, etag, err := r.render(c, obj, nil)
	if err != nil {
		return err
	}
	if !etagMatch(im, etag) {
		return &web.HTTPError{Code: http.StatusPreconditionFailed, Message: "the object changed since you read it (ETag mismatch): read it again"}
	}
	return nil
}

// decodeBody reads a JSON object body and returns its writable keys. Unknown keys answer 400
// (unless the API allows them), read-only keys are dropped, keys the caller may not write
// answer 403.
func (r *resource[T]) decodeBody(c *web.Ctx, obj *T) (map[string]json.RawMessage, error) {
	if ct := c.Header("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") && !strings.Contains(ct, "+json") {
		return nil, &web.HTTPError{Code: http.StatusUnsupportedMediaType, Message: "unsupported Content-Type: send application/json"}
	}
	b, err := c.Body()
	if err != nil {
		return nil, err
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, &web.HTTPError{Code: http.StatusUnprocessableEntity, Message: "validation failed",
			Fields: []web.FieldError{{Location: "body", Code: "required", Message: "request body is required"}}}
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			return nil, &web.HTTPError{Code: http.StatusBadRequest, Message: "invalid input",
				Fields: []web.FieldError{{Location: "body", Code: "type", Message: "expected a JSON object"}}}
		}
		he := web.JSONError(err)
		return nil, he
	}
	var bad, forbidden []web.FieldError
	for k := range m {
		f := r.byJSON[k]
		switch {
		case f == nil:
			if !r.a.state.cfg.AllowUnknownFields {
				bad = append(bad, web.FieldError{Location: "body." + cutName(k), Code: "unknown_field", Message: "unknown field"})
			}
			delete(m, k)
		case f.readOnly:
			delete(m, k)
		case r.cfg.Writable != nil && !r.cfg.Writable(c, obj, k):
			forbidden = append(forbidden, web.FieldError{Location: "body." + k, Code: "forbidden", Message: "you may not set this field"})
		}
	}
	if len(bad) > 0 {
		return nil, &web.HTTPError{Code: http.StatusBadRequest, Message: "invalid input", Fields: bad}
	}
	if len(forbidden) > 0 {
		return nil, &web.HTTPError{Code: http.StatusForbidden, Message: "forbidden fields", Fields: forbidden}
	}
	return m, nil
}

// apply sets the fields of m on obj and checks the result.
func (r *resource[T]) apply(c *web.Ctx, action Action, obj *T, m map[string]json.RawMessage) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, obj); err != nil {
		return web.JSONError(err)
	}
	var fields []web.FieldError
	add := func(err error) error {
		var fe interface{ FieldErrors() []web.FieldError }
		if !errors.As(err, &fe) {
			return err
		}
		for _, f := range fe.FieldErrors() {
			f.Location = "body." + f.Location
			fields = append(fields, f)
		}
		return nil
	}
	for _, v := range []Validator{r.valid, map[Action]Validator{ActionCreate: r.onCreate, ActionUpdate: r.onUpdate}[action]} {
		if v == nil {
			continue
		}
		if err := v.Struct(c, obj); err != nil {
			if err := add(err); err != nil {
				return err
			}
		}
	}
	if len(fields) == 0 && r.cfg.Validate != nil {
		if err := r.cfg.Validate(c, action, obj); err != nil {
			if err := add(err); err != nil {
				return err
			}
		}
	}
	if len(fields) > 0 {
		return &web.HTTPError{Code: http.StatusUnprocessableEntity, Message: "validation failed", Fields: fields}
	}
	return nil
}

func (r *resource[T]) respond(c *web.Ctx, status int, obj *T) error {
	v, etag, err := r.render(c, obj, nil)
	if err != nil {
		return err
	}
	c.SetHeader("ETag", etag)
	return c.JSON(status, v)
}

func (r *resource[T]) create(c *web.Ctx, _ []Requirement) error {
	if err := r.authorize(c, ActionCreate, nil); err != nil {
		return err
	}
	m, err := r.decodeBody(c, nil)
	if err != nil {
		return err
	}
	obj := new(T)
	if err := r.apply(c, ActionCreate, obj, m); err != nil {
		return err
	}
	if err := orm.Create(c, obj); err != nil {
		return err
	}
	pk := reflect.ValueOf(obj).Elem().FieldByIndex(r.pk.index).Interface()
	c.SetHeader("Location", strings.TrimSuffix(c.Request.URL.Path, "/")+"/"+fmt.Sprint(pk))
	if len(r.cfg.Prefetch) > 0 {
		if fresh, err := orm.Q[T](c).Prefetch(r.cfg.Prefetch...).Get(pk); err == nil {
			obj = fresh
		}
	}
	return r.respond(c, http.StatusCreated, obj)
}

func (r *resource[T]) replace(c *web.Ctx, _ []Requirement) error { return r.update(c, true) }
func (r *resource[T]) patch(c *web.Ctx, _ []Requirement) error   { return r.update(c, false) }

func (r *resource[T]) update(c *web.Ctx, full bool) error {
	obj, err := r.load(c, ActionUpdate)
	if err != nil {
		return err
	}
	if err := r.checkIfMatch(c, obj); err != nil {
		return err
	}
	m, err := r.decodeBody(c, obj)
	if err != nil {
		return err
	}
	var names []string
	rv := reflect.ValueOf(obj).Elem()
	for _, f := range r.fields {
		if f.readOnly {
			continue
		}
		if _, sent := m[f.json]; sent {
			names = append(names, f.goName)
		} else if full {
			if r.cfg.Writable != nil && !r.cfg.Writable(c, obj, f.json) {
				continue // a field the caller may not write keeps its value
			}
			rv.FieldByIndex(f.index).SetZero()
			names = append(names, f.goName)
		}
	}
	if err := r.apply(c, ActionUpdate, obj, m); err != nil {
		return err
	}
	if len(names) > 0 {
		if err := orm.Save(c, obj, names...); err != nil {
			return err
		}
	}
	return r.respond(c, http.StatusOK, obj)
}

func (r *resource[T]) delete(c *web.Ctx, _ []Requirement) error {
	obj, err := r.load(c, ActionDelete)
	if err != nil {
		return err
	}
	if err := r.checkIfMatch(c, obj); err != nil {
		return err
	}
	if err := orm.Delete(c, obj); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// modelSchema returns the reference to T's schema, marking its read-only and write-only
// properties.
func (r *resource[T]) modelSchema(g *schemaGen) *Schema {
	ref := g.schemaFor(reflect.TypeFor[T](), false)
	if s := g.comps[strings.TrimPrefix(ref.Ref, "#/components/schemas/")]; s != nil {
		for _, f := range r.fields {
			p := s.Properties[f.json]
			if p == nil {
				continue
			}
			p.ReadOnly = p.ReadOnly || f.readOnly
			p.WriteOnly = p.WriteOnly || f.writeOnly
			if f.writeOnly {
				s.Required = slices.DeleteFunc(s.Required, func(n string) bool { return n == f.json })
			}
		}
	}
	return ref
}

// inputSchema is the request body of create (PostCreate) and PUT (PostUpdate), whose
// required fields come from the validate rules plus the action's create:"..." or
// update:"..." rules, or of PATCH (PostPatch, nothing required): the writable properties of T.
func (r *resource[T]) inputSchema(g *schemaGen, full, item bool) *Schema {
	name, extra := r.cfg.Name+"Patch", Validator(nil)
	switch {
	case full && !item:
		name, extra = r.cfg.Name+"Create", r.onCreate
	case full:
		name, extra = r.cfg.Name+"Update", r.onUpdate
	}
	if _, ok := g.comps[name]; ok {
		return &Schema{Ref: "#/components/schemas/" + name}
	}
	model := g.comps[strings.TrimPrefix(r.modelSchema(g).Ref, "#/components/schemas/")]
	s := &Schema{Type: "object", Properties: map[string]*Schema{}}
	if !r.a.state.cfg.AllowUnknownFields {
		s.AdditionalProperties = false
	}
	t := reflect.TypeFor[T]()
	plan := g.plan(t)
	var extraPlan *validate.Plan
	if p, ok := extra.(planner); ok && extra != nil {
		extraPlan, _ = p.Plan(t)
	}
	for _, f := range r.fields {
		if f.readOnly || model == nil || model.Properties[f.json] == nil {
			continue
		}
		p := *model.Properties[f.json]
		p.WriteOnly = false
		s.Properties[f.json] = &p
		vf, ef := fieldPlan(plan, f.index), fieldPlan(extraPlan, f.index)
		if full && ((vf != nil && vf.Required) || (ef != nil && ef.Required)) {
			s.Required = append(s.Required, f.json)
		}
	}
	g.comps[name] = s
	return &Schema{Ref: "#/components/schemas/" + name}
}

func (r *resource[T]) pkParam(g *schemaGen) *Parameter {
	s := g.schemaFor(r.pk.typ, false)
	s.Type = nonNull(s.Type)
	return &Parameter{Name: r.pk.json, In: inPath, Required: true, Schema: s}
}

func (r *resource[T]) docList(g *schemaGen, op *Operation) {
	one := 1.0
	maxPage := float64(r.cfg.MaxPageSize)
	op.Parameters = []*Parameter{
		{Name: "page", In: inQuery, Description: "The page number, from 1.", Schema: &Schema{Type: "integer", Minimum: &one, Default: 1}},
		{Name: "per_page", In: inQuery, Description: "Rows per page.", Schema: &Schema{Type: "integer", Minimum: &one, Maximum: &maxPage, Default: r.cfg.PageSize}},
		{Name: "cursor", In: inQuery, Description: "Continue after the page that returned this next_cursor (instead of page).", Schema: &Schema{Type: "string"}},
	}
	if len(r.cfg.Order) > 0 {
		op.Parameters = append(op.Parameters, &Parameter{Name: "order", In: inQuery,
			Description: "Comma-separated fields, - for descending: " + strings.Join(r.cfg.Order, ", ") + ".",
			Schema:      &Schema{Type: "string"}})
	}
	op.Parameters = append(op.Parameters, &Parameter{Name: "fields", In: inQuery,
		Description: "Comma-separated fields to return (all by default).", Schema: &Schema{Type: "string"}})
	for _, name := range r.cfg.Filter {
		f := r.byJSON[name]
		s := g.schemaFor(f.typ, false)
		s.Type = nonNull(s.Type)
		op.Parameters = append(op.Parameters, &Parameter{Name: name, In: inQuery, Description: "Only rows whose " + name + " equals this.", Schema: s})
		for _, l := range r.lookupsFor(f) {
			ls := g.schemaFor(f.typ, false)
			ls.Type = nonNull(ls.Type)
			if l == "in" || l == "icontains" {
				ls = &Schema{Type: "string"}
			}
			op.Parameters = append(op.Parameters, &Parameter{Name: name + "__" + l, In: inQuery,
				Description: lookupDoc[l] + " (" + name + ").", Schema: ls})
		}
	}
	listName := r.cfg.Name + "List"
	if _, ok := g.comps[listName]; !ok {
		g.comps[listName] = &Schema{Type: "object", Properties: map[string]*Schema{
			"items":       {Type: "array", Items: r.modelSchema(g)},
			"total":       {Type: "integer", Format: "int64", Description: "Rows matching the filters."},
			"page":        {Type: "integer", Description: "The page number (0 when a cursor was given)."},
			"per_page":    {Type: "integer"},
			"next_cursor": {Type: []string{"string", "null"}, Description: "Pass as ?cursor= for the next page; null on the last page."},
		}, Required: []string{"items", "total", "page", "per_page", "next_cursor"}, AdditionalProperties: false}
	}
	op.Responses["200"] = &Response{Description: "OK", Content: map[string]*MediaType{
		"application/json": {Schema: &Schema{Ref: "#/components/schemas/" + listName}}}}
}

var lookupDoc = map[string]string{
	"gt": "Greater than", "gte": "Greater than or equal to", "lt": "Less than", "lte": "Less than or equal to",
	"icontains": "Contains, ignoring case", "in": "One of these comma-separated values",
}

func (r *resource[T]) itemResponse(g *schemaGen, status int) *Response {
	return &Response{Description: http.StatusText(status),
		Headers: map[string]*Header{"ETag": {Description: "The version of the object, for If-Match and If-None-Match.", Schema: &Schema{Type: "string"}}},
		Content: map[string]*MediaType{"application/json": {Schema: r.modelSchema(g)}}}
}

func (r *resource[T]) docRetrieve(g *schemaGen, op *Operation) {
	op.Parameters = []*Parameter{r.pkParam(g),
		{Name: "fields", In: inQuery, Description: "Comma-separated fields to return (all by default).", Schema: &Schema{Type: "string"}},
		{Name: "If-None-Match", In: inHeader, Description: "An ETag: 304 Not Modified when the object has not changed.", Schema: &Schema{Type: "string"}},
	}
	op.Responses["200"] = r.itemResponse(g, http.StatusOK)
	op.Responses["304"] = &Response{Description: "Not Modified"}
}

func (r *resource[T]) docWrite(full, item bool) func(g *schemaGen, op *Operation) {
	return func(g *schemaGen, op *Operation) {
		if item {
			op.Parameters = []*Parameter{r.pkParam(g),
				{Name: "If-Match", In: inHeader, Description: "The ETag read: 412 when the object changed since.", Schema: &Schema{Type: "string"}}}
		}
		op.RequestBody = &RequestBody{Required: true, Content: map[string]*MediaType{
			"application/json": {Schema: r.inputSchema(g, full, item)}}}
		status := http.StatusOK
		if !item {
			status = http.StatusCreated
		}
		resp := r.itemResponse(g, status)
		if !item {
			resp.Headers["Location"] = &Header{Description: "The URL of the new object.", Schema: &Schema{Type: "string"}}
		}
		op.Responses[strconv.Itoa(status)] = resp
	}
}

func (r *resource[T]) docDelete(g *schemaGen, op *Operation) {
	op.Parameters = []*Parameter{r.pkParam(g),
		{Name: "If-Match", In: inHeader, Description: "The ETag read: 412 when the object changed since.", Schema: &Schema{Type: "string"}}}
	op.Responses["204"] = &Response{Description: "No Content"}
}
