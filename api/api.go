package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"unicode"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/validate"
	"github.com/sinewdev/sinew/web"
)

// Registrar is where an API registers its routes: a *web.Router, a *web.Group or a
// *sinew.App (which embeds the router).
type Registrar interface {
	Handle(pattern string, h web.HandlerFunc) *web.Route
}

// Validator checks a bound input struct. *validate.Validator is one; an error that has a
// FieldErrors() []web.FieldError method is reported field by field, with each location
// mapped to where the value came from ("body.title", "query.limit").
type Validator interface {
	Struct(ctx context.Context, v any) error
}

// Config configures an API. The zero value is the default.
type Config struct {
	// Title, Version and Description fill the OpenAPI document's info object. Default title:
	// "API"; default version: "0.0.0".
	Title, Version, Description string
	// Servers are base URLs listed in the document (e.g. "https://api.example.com").
	// Default: none (the docs UI calls the host that served it).
	Servers []string
	// SpecPath is where the OpenAPI document is served, as JSON at SpecPath+".json" and YAML
	// at SpecPath+".yaml". Default: "/openapi"; "-" serves no document.
	SpecPath string
	// DocsPath is where the interactive docs page (Swagger UI, served from an embedded copy)
	// is served. Default: "/docs"; "-" serves no page.
	DocsPath string
	// Validator checks every bound input. Default: the App's (App.Validator) when r is an
	// App, else validate.New(validate.Config{}).
	Validator Validator
	// AllowUnknownFields accepts JSON bodies with fields the body type does not have.
	// Default: such bodies answer 400 (code "unknown_field"), and the document says
	// additionalProperties: false.
	AllowUnknownFields bool
	// Security is the requirement of every operation whose Op.Security is nil. Default: none
	// (operations are public unless they say otherwise).
	Security []Requirement
	// Authorize checks a request against an operation's security requirements before its
	// input is bound; it returns nil to let the request through, or an error (typically a
	// 401 or 403 web.HTTPError). It is required when any operation declares security:
	// the auth package provides one that accepts session cookies and API tokens.
	Authorize func(c *web.Ctx, reqs []Requirement) error
	// SessionCookie is the cookie named by the "session" security scheme.
	// Default: "sinew_session".
	SessionCookie string
}

// Requirement is one acceptable way to authenticate an operation: a security scheme
// ("session" or "bearer", as documented in the OpenAPI document) and the scopes the
// credentials must carry. An operation lists alternatives; any one of them is enough.
type Requirement struct {
	Scheme string
	Scopes []string
}

// The security schemes every API documents.
const (
	SchemeSession = "session" // the session cookie of a logged-in browser
	SchemeBearer  = "bearer"  // Authorization: Bearer <API token>
)

// Bearer is a requirement for an API token (Authorization: Bearer) with the given scopes.
func Bearer(scopes ...string) Requirement { return Requirement{Scheme: SchemeBearer, Scopes: scopes} }

// Session is a requirement for a logged-in session cookie with the given scopes
// (permissions).
func Session(scopes ...string) Requirement {
	return Requirement{Scheme: SchemeSession, Scopes: scopes}
}

// Public is an Op.Security value that makes an operation public when Config.Security
// requires authentication for the others.
var Public = []Requirement{}

// Op documents and configures one operation. The zero value is valid: the operation ID comes
// from the handler's name (or the method and path), the success status is 200 (204 when the
// handler returns a nil output).
type Op struct {
	// ID is the operation ID: unique, used by generated clients as the function name.
	ID string
	// Summary is a one-line description; Description may be longer (CommonMark).
	Summary, Description string
	// Tags group operations in the docs.
	Tags []string
	// Status is the success status. Default: 200 (a nil output answers 204).
	Status int
	// Security lists the acceptable requirements (any one is enough). Default:
	// Config.Security; api.Public for none.
	Security []Requirement
	// Errors lists the error statuses the operation may answer besides the ones every
	// operation documents (400, 422 for inputs, 401 and 403 for secured operations, 500):
	// 404, 409, ...
	Errors []int
	// Deprecated marks the operation deprecated in the document.
	Deprecated bool
	// Hidden keeps the operation out of the document (it is still served).
	Hidden bool
}

// API collects typed operations registered on a router and serves their OpenAPI document and
// docs page. Create one per router (or per group, see API.Group) with New.
type API struct {
	reg    Registrar
	prefix string // the group prefix, for the document's paths
	state  *state
}

// state is what an API and the groups derived from it share.
type state struct {
	cfg   Config
	mu    sync.Mutex
	ops   []*operation
	ids   map[string]*operation
	spec  *specCache
	bufs  sync.Pool
	valid Validator
}

// New returns an API that registers its operations on r and serves the OpenAPI document at
// /openapi.json and /openapi.yaml and the docs page at /docs (see Config to move or turn
// them off).
//
//	a := api.New(app, api.Config{Title: "Blog API", Version: "1.0.0"})
//	api.Get(a, "/posts/{id}", getPost, api.Op{Summary: "Get a post", Tags: []string{"posts"}})
func New(r Registrar, cfg Config) *API {
	if cfg.Title == "" {
		cfg.Title = "API"
	}
	if cfg.Version == "" {
		cfg.Version = "0.0.0"
	}
	if cfg.SpecPath == "" {
		cfg.SpecPath = "/openapi"
	}
	if cfg.DocsPath == "" {
		cfg.DocsPath = "/docs"
	}
	if cfg.SessionCookie == "" {
		cfg.SessionCookie = "sinew_session"
	}
	st := &state{cfg: cfg, ids: map[string]*operation{}, spec: &specCache{}}
	st.bufs.New = func() any { return new(bytes.Buffer) }
	st.valid = cfg.Validator
	if st.valid == nil {
		if app, ok := r.(interface{ Validator() *validate.Validator }); ok && app.Validator() != nil {
			st.valid = app.Validator() // the App's shared one, with its custom rules and messages
		} else {
			st.valid = validate.New(validate.Config{})
		}
	}
	a := &API{reg: r, state: st}
	a.serveSpec()
	if app, ok := r.(*sinew.App); ok {
		a.addCommand(app)
	}
	return a
}

// Group returns an API that registers its operations on g (a web.Group, with its prefix and
// middleware) and documents them in the same OpenAPI document as a. prefix must be g's
// prefix relative to a's registrar, so that the documented paths are right:
//
//	v1 := a.Group(app.Group("/v1"), "/v1")
func (a *API) Group(g Registrar, prefix string) *API {
	return &API{reg: g, prefix: a.prefix + strings.TrimSuffix(prefix, "/"), state: a.state}
}

// Config returns the API's configuration with defaults filled in.
func (a *API) Config() Config { return a.state.cfg }

// Handler is a typed operation: it receives the request's context (a *web.Ctx, see Ctx) and
// the bound, validated input, and returns the output to send as JSON, or an error that
// web.StatusOf turns into a status (an *orm.ErrNotFound answers 404, a web.HTTPError its
// code). A nil output with a nil error answers 204 No Content.
type Handler[In, Out any] func(ctx context.Context, in *In) (*Out, error)

// Ctx returns the *web.Ctx of the request a handler serves, for what the typed input and
// output do not cover (the authenticated user, the client IP, cookies to set). ctx is the
// context the handler received, or one derived from it.
func Ctx(ctx context.Context) *web.Ctx { return web.CtxFromContext(ctx) }

// Get registers h for GET (and HEAD) requests to path. See Register.
func Get[In, Out any](a *API, path string, h Handler[In, Out], op ...Op) *web.Route {
	return Register(a, http.MethodGet, path, h, op...)
}

// Post registers h for POST requests to path. See Register.
func Post[In, Out any](a *API, path string, h Handler[In, Out], op ...Op) *web.Route {
	return Register(a, http.MethodPost, path, h, op...)
}

// Put registers h for PUT requests to path. See Register.
func Put[In, Out any](a *API, path string, h Handler[In, Out], op ...Op) *web.Route {
	return Register(a, http.MethodPut, path, h, op...)
}

// Patch registers h for PATCH requests to path. See Register.
func Patch[In, Out any](a *API, path string, h Handler[In, Out], op ...Op) *web.Route {
	return Register(a, http.MethodPatch, path, h, op...)
}

// Delete registers h for DELETE requests to path. See Register.
func Delete[In, Out any](a *API, path string, h Handler[In, Out], op ...Op) *web.Route {
	return Register(a, http.MethodDelete, path, h, op...)
}

// Register registers the typed handler h for method and path (Go 1.22 pattern syntax,
// "/posts/{id}") and adds it to the OpenAPI document, described by op (at most one).
//
// In is a struct whose fields tagged `path:"id"`, `query:"limit"`, `header:"X-Request-Id"`
// and `cookie:"theme"` are parameters (a `default:"20"` tag gives a missing one a value,
// `required:"true"` or a validate "required" rule makes it mandatory; path parameters always
// are), and whose field named Body is the JSON request body (a pointer makes it optional).
// `validate:"..."` tags anywhere are checked after binding; `doc:"..."` and `example:"..."`
// document a field.
//
// Out is the JSON response body, or an envelope when it has a field named Body: then a field
// `Status int` sets the status, fields tagged `header:"Name"` set response headers, and a
// Body of type io.Reader or StreamFunc is streamed instead of encoded.
//
// Register reads both types once: a field of a type that cannot be bound, a default that
// does not parse, a path parameter without a field (or a field without a parameter), or an
// operation ID used twice panics here, naming the field, rather than failing on a request.
func Register[In, Out any](a *API, method, path string, h Handler[In, Out], op ...Op) *web.Route {
	if h == nil {
		panic(fmt.Sprintf("api: nil handler for %s %s", method, path))
	}
	if len(op) > 1 {
		panic(fmt.Sprintf("api: %s %s: at most one Op", method, path))
	}
	var o Op
	if len(op) == 1 {
		o = op[0]
	}
	st := a.state
	in, err := planInput(reflect.TypeFor[In](), path)
	if err != nil {
		panic(fmt.Sprintf("api: %s %s: %v", method, path, err))
	}
	out, err := planOutput(reflect.TypeFor[Out]())
	if err != nil {
		panic(fmt.Sprintf("api: %s %s: %v", method, path, err))
	}
	opn := &operation{method: method, path: path, op: o, in: in, out: out}
	a.prepare(opn, h)
	strict := !st.cfg.AllowUnknownFields
	valid := st.valid
	authorize := st.cfg.Authorize
	secured := len(opn.op.Security) > 0
	inPlan, outPlan, status := in, out, opn.op.Status
	handler := func(c *web.Ctx) error {
		if secured {
			if err := authorize(c, opn.op.Security); err != nil {
				return err
			}
		}
		v := new(In)
		if err := inPlan.bind(c, reflect.ValueOf(v).Elem(), strict); err != nil {
			return err
		}
		if inPlan.validate && valid != nil {
			if err := inPlan.check(c, valid, v); err != nil {
				return err
			}
		}
		res, err := h(c, v)
		if err != nil {
			return err
		}
		if res == nil {
			return c.NoContent(http.StatusNoContent)
		}
		return outPlan.write(c, st, res, status)
	}
	return a.add(opn, handler)
}

// prepare fills an operation's defaults (ID, status, security) and checks its security.
func (a *API) prepare(opn *operation, h any) {
	st := a.state
	o := &opn.op
	if o.Security == nil {
		o.Security = st.cfg.Security
	}
	if len(o.Security) > 0 && st.cfg.Authorize == nil {
		panic(fmt.Sprintf("api: %s %s declares security but Config.Authorize is nil", opn.method, opn.path))
	}
	for _, r := range o.Security {
		if r.Scheme != SchemeSession && r.Scheme != SchemeBearer {
			panic(fmt.Sprintf("api: %s %s: unknown security scheme %q (use api.Session or api.Bearer)", opn.method, opn.path, r.Scheme))
		}
	}
	if o.ID == "" {
		o.ID = operationID(h, opn.method, a.prefix+opn.path)
	}
	if o.Status == 0 {
		o.Status = http.StatusOK
	}
}

// add records an operation for the document and registers its handler.
func (a *API) add(opn *operation, handler web.HandlerFunc) *web.Route {
	st := a.state
	route := opn.path
	opn.path = a.prefix + opn.path
	st.mu.Lock()
	if prev, dup := st.ids[opn.op.ID]; dup {
		st.mu.Unlock()
		panic(fmt.Sprintf("api: operation ID %q of %s %s is already used by %s %s (set Op.ID)", opn.op.ID, opn.method, opn.path, prev.method, prev.path))
	}
	st.ids[opn.op.ID] = opn
	st.ops = append(st.ops, opn)
	st.spec.invalidate()
	st.mu.Unlock()
	return a.reg.Handle(opn.method+" "+route, handler)
}

// operationID derives an ID from the handler's function name ("getPost"), or from the method
// and path for closures ("get_posts_id").
func operationID(h any, method, path string) string {
	name := ""
	if fn := runtime.FuncForPC(reflect.ValueOf(h).Pointer()); fn != nil {
		name = fn.Name()
	}
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	if name != "" && !strings.HasPrefix(name, "func") && !strings.Contains(name, "-") && isIdent(name) {
		return name
	}
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(path, "/") {
		seg = strings.Trim(seg, "{}.")
		if seg == "" {
			continue
		}
		b.WriteByte('_')
		for _, r := range seg {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(unicode.ToLower(r))
			} else {
				b.WriteByte('_')
			}
		}
	}
	return b.String()
}

func isIdent(s string) bool {
	for i, r := range s {
		if !(unicode.IsLetter(r) || r == '_' || (i > 0 && unicode.IsDigit(r))) {
			return false
		}
	}
	return s != ""
}

// operation is one registered operation, for the document.
type operation struct {
	method, path string
	op           Op
	in           *inputPlan
	out          *outputPlan
	// doc, when set, documents the operation instead of in and out (resources, whose
	// parameters and bodies depend on their configuration).
	doc func(g *schemaGen, op *Operation)
}
