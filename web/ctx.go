package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ctxKey finds the *Ctx in a request's context.
type ctxKey struct{}

// ctxStash is the context.Context put into the request when middleware runs, so that
// [CtxFrom] finds the *Ctx and router values (see [Router.SetValue]) are visible through
// r.Context(). It is allocated per request (next to the request copy WithContext makes
// anyway) and never changed: contexts derived from it, such as [Ctx.Detach]'s, may outlive
// the request, so it cannot live in the pooled Ctx.
//
// The stash also carries the deadline of [Ctx.SetDeadline]: the timer context behind it is
// made only when someone asks for Done (or Err after the deadline), so requests that never
// wait on their context pay no timer.
type ctxStash struct {
	parent context.Context
	c      *Ctx
	router *Router

	mu       sync.Mutex // guards the fields below: the context methods run on any goroutine
	deadline time.Time  // set by Ctx.SetDeadline; zero: none
	timed    context.Context
	cancel   context.CancelFunc
}

// withStash returns req with a context that finds c.
func (c *Ctx) withStash(req *http.Request) *http.Request {
	s := &ctxStash{parent: req.Context(), c: c, router: c.router}
	c.stash = s
	return req.WithContext(s)
}

// current returns the context the stash stands for: the deadline's context once made,
// the parent otherwise. With start set, a pending deadline gets its context now.
func (s *ctxStash) current(start bool) context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.timed == nil && start && !s.deadline.IsZero() {
		s.timed, s.cancel = context.WithDeadline(s.parent, s.deadline)
	}
	if s.timed != nil {
		return s.timed
	}
	return s.parent
}

func (s *ctxStash) Deadline() (time.Time, bool) {
	s.mu.Lock()
	d, timed := s.deadline, s.timed
	s.mu.Unlock()
	if timed != nil {
		return timed.Deadline()
	}
	pd, ok := s.parent.Deadline()
	if d.IsZero() || (ok && pd.Before(d)) {
		return pd, ok
	}
	return d, true
}

func (s *ctxStash) Done() <-chan struct{} { return s.current(true).Done() }

func (s *ctxStash) Err() error {
	ctx := s.current(false)
	if err := ctx.Err(); err != nil || ctx != s.parent {
		return err
	}
	if d, ok := s.Deadline(); ok && !time.Now().Before(d) {
		return s.current(true).Err() // past the deadline: the context made now says so
	}
	return nil
}

func (s *ctxStash) Value(key any) any {
	if _, ok := key.(ctxKey); ok {
		return s.c
	}
	// Once made, the deadline's context answers: it also answers the context package's
	// own lookup of the cancelCtx behind Done, so contexts derived from this one are
	// cancelled with it directly rather than by a goroutine watching Done.
	if v := s.current(false).Value(key); v != nil {
		return v
	}
	return s.router.value(key)
}

// Ctx is the per-request context handed to handlers: the request, the response writer, the
// route's parameters and helpers to read input and write responses.
//
// A Ctx is pooled and reused: it, and anything that holds it (including contexts derived
// from it), must not be used after the handler returns. Strings and slices it hands out stay
// valid forever. To start work that outlives the request, use [Ctx.Detach].
//
// Ctx implements context.Context (the request's context, plus values set with
// [Router.SetValue]), so it can be passed wherever a context is expected:
//
//	posts, err := orm.Q[Post](c).All()
type Ctx struct {
	// Request is the current request. Middleware may have replaced it.
	Request *http.Request
	// Writer is the current response writer. Middleware may have wrapped it.
	Writer http.ResponseWriter

	router    *Router
	route     *Route
	params    []string
	res       responseWriter
	formErr   error // the error of the first Form parse, reported again by later calls
	query     url.Values
	locals    []local // Set's values: localBuf first, a heap slice beyond it
	localBuf  [6]local
	requestID string
	clientIP  string
	secure    int8 // 0 unknown, 1 https, -1 http
	user      any
	stash     *ctxStash    // the context put into the request by the router, if any
	escaped   atomic.Bool  // used as a context.Context: never recycled (see escape)
	reqMu     sync.Mutex   // guards Request against the context methods (see SetRequest)
	renderBuf bytes.Buffer // Render's buffer, kept with the pooled Ctx
}

func (c *Ctx) reset(w http.ResponseWriter, r *http.Request) {
	c.res.w = w
	c.Request = r
	c.Writer = &c.res
}

func (c *Ctx) clear() {
	c.Request, c.Writer = nil, nil
	c.route = nil
	c.params = c.params[:0]
	c.res = responseWriter{}
	c.formErr = nil
	c.query = nil
	clear(c.localBuf[:])
	c.locals = nil
	c.requestID, c.clientIP = "", ""
	c.stash = nil
	c.secure = 0
	c.user = nil
	if c.renderBuf.Cap() > maxPooledRenderBuf {
		c.renderBuf = bytes.Buffer{}
	}
	c.renderBuf.Reset()
}

// maxPooledRenderBuf is the largest Render buffer a pooled Ctx keeps for the next request.
const maxPooledRenderBuf = 64 << 10

// CtxFrom returns the *Ctx of a request served by a Router, from middleware or a standard
// http.Handler, or nil when the request did not come through a Router.
func CtxFrom(r *http.Request) *Ctx {
	c, _ := r.Context().Value(ctxKey{}).(*Ctx)
	return c
}

// SetRequest replaces the request, for middleware that derives a new *http.Request (with
// r.WithContext, say). Prefer it to assigning c.Request: a database driver handed c as a
// context watches c.Done() from a goroutine of its own, and SetRequest does not race with
// it.
func (c *Ctx) SetRequest(r *http.Request) {
	c.reqMu.Lock()
	c.Request = r
	c.reqMu.Unlock()
}

// SetDeadline puts deadline t on the request's context (r.Context() and the Ctx as a
// context.Context) until [Ctx.ClearDeadline], as context.WithDeadline would, without its
// cost on requests that never wait on their context: the timer is started only when Done
// is first called (or Err once t has passed). It reports false, and does nothing, when the
// request already has such a deadline (nested timeouts) or does not carry the router's
// context (a middleware replaced it, or none runs): derive a context with
// context.WithDeadline then. Middleware must call ClearDeadline before returning.
func (c *Ctx) SetDeadline(t time.Time) bool {
	s := c.stash
	if s == nil || t.IsZero() || CtxFrom(c.Request) != c {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.deadline.IsZero() || s.timed != nil {
		return false
	}
	s.deadline = t
	return true
}

// ClearDeadline ends the deadline set by [Ctx.SetDeadline]: a context made for it is
// cancelled (as the cancel function of context.WithDeadline would), otherwise the request's
// context is left as it was before.
func (c *Ctx) ClearDeadline() {
	s := c.stash
	if s == nil {
		return
	}
	s.mu.Lock()
	cancel := s.cancel
	s.deadline, s.cancel = time.Time{}, nil
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// DeadlineExceeded reports whether the deadline set by [Ctx.SetDeadline] has passed (or the
// context made for it says so).
func (c *Ctx) DeadlineExceeded() bool {
	s := c.stash
	if s == nil {
		return false
	}
	s.mu.Lock()
	d, timed := s.deadline, s.timed
	s.mu.Unlock()
	if timed != nil {
		return errors.Is(timed.Err(), context.DeadlineExceeded)
	}
	return !d.IsZero() && !time.Now().Before(d)
}

// reqContext returns the request's context for the context.Context methods, which other
// goroutines may call while the request's goroutine moves on (see SetRequest).
func (c *Ctx) reqContext() context.Context {
	c.reqMu.Lock()
	r := c.Request
	c.reqMu.Unlock()
	return r.Context()
}

// Deadline implements context.Context with the request's context.
func (c *Ctx) Deadline() (time.Time, bool) {
	c.escape()
	return c.reqContext().Deadline()
}

// Done implements context.Context with the request's context.
func (c *Ctx) Done() <-chan struct{} {
	c.escape()
	return c.reqContext().Done()
}

// Err implements context.Context with the request's context.
func (c *Ctx) Err() error {
	c.escape()
	return c.reqContext().Err()
}

// Value implements context.Context: the request context's values, then the router's values.
func (c *Ctx) Value(key any) any {
	c.escape()
	if _, ok := key.(ctxKey); ok {
		return c
	}
	if v := c.reqContext().Value(key); v != nil {
		return v
	}
	return c.router.value(key)
}

// escape records that c was used as a context.Context. Code handed a context may keep it
// beyond the handler (database drivers watch ctx.Done() from goroutines of their own), so a
// Ctx used as one is not cleared and not returned to the pool: late callers keep seeing
// this request's context, which net/http cancels when the handler returns. Requests that
// never use the Ctx as a context (plain routing) keep the zero-allocation path.
func (c *Ctx) escape() {
	if !c.escaped.Load() {
		c.escaped.Store(true)
	}
}

// Context returns the request's context.Context (itself, since Ctx is one).
func (c *Ctx) Context() context.Context { return c }

// Detach returns a context that carries the request's values (and the router's) but is
// neither cancelled with the request nor tied to the pooled Ctx: use it for work that
// outlives the handler.
func (c *Ctx) Detach() context.Context {
	return detached{parent: context.WithoutCancel(c.Request.Context()), router: c.router}
}

type detached struct {
	parent context.Context
	router *Router
}

func (d detached) Deadline() (time.Time, bool) { return d.parent.Deadline() }
func (d detached) Done() <-chan struct{}       { return d.parent.Done() }
func (d detached) Err() error                  { return d.parent.Err() }
func (d detached) Value(key any) any {
	if _, ok := key.(ctxKey); ok {
		return nil
	}
	if v := d.parent.Value(key); v != nil {
		return v
	}
	return d.router.value(key)
}

// Router returns the router serving the request.
func (c *Ctx) Router() *Router { return c.router }

// Route returns the matched route, or nil before routing and for unmatched requests.
func (c *Ctx) Route() *Route { return c.route }

// RoutePattern returns the matched route's pattern ("/posts/{id}"), or "" when none matched.
// Use it, not the raw path, to label metrics and logs.
func (c *Ctx) RoutePattern() string {
	if c.route == nil {
		return ""
	}
	return c.route.Pattern
}

// Param returns the value of the path parameter name, decoded, or "" if there is none.
func (c *Ctx) Param(name string) string {
	if c.route == nil {
		return ""
	}
	for i, n := range c.route.parsed.names {
		if n == name {
			if i < len(c.params) {
				return c.params[i]
			}
			return ""
		}
	}
	return ""
}

// Method returns the request method.
func (c *Ctx) Method() string { return c.Request.Method }

// Path returns the request's decoded URL path.
func (c *Ctx) Path() string { return c.Request.URL.Path }

// Query returns the first value of the query parameter name, or "".
func (c *Ctx) Query(name string) string {
	return c.QueryValues().Get(name)
}

// QueryValues returns the parsed query string. Malformed pairs are skipped, as net/http does.
func (c *Ctx) QueryValues() url.Values {
	if c.query == nil {
		c.query, _ = url.ParseQuery(c.Request.URL.RawQuery)
	}
	return c.query
}

// FormValue returns the first value of the form field name, from the body of a POST, PUT or
// PATCH form, then the query string. Parse errors (a malformed or oversized body) are
// reported by [Ctx.Form].
func (c *Ctx) FormValue(name string) string {
	form, _ := c.Form() // like net/http: what parsed is served, the error is Form's to report
	return form.Get(name)
}

// Form parses the request's form (URL-encoded or multipart) and returns it, body values
// first. A body over the configured limit answers a *http.MaxBytesError.
func (c *Ctx) Form() (url.Values, error) {
	r := c.Request
	if r.Form != nil {
		return r.Form, c.formErr
	}
	ct := r.Header.Get("Content-Type")
	var err error
	if strings.HasPrefix(ct, "multipart/form-data") {
		err = r.ParseMultipartForm(c.router.cfg.MaxMultipartMemory)
		if r.MultipartForm != nil {
			// net/http appends multipart values after the query's; put the body's first.
			for k, vs := range r.MultipartForm.Value {
				query := r.Form[k][:len(r.Form[k])-len(vs)]
				r.Form[k] = append(append(make([]string, 0, len(r.Form[k])), vs...), query...)
			}
		}
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		if r.Form == nil {
			r.Form = url.Values{}
		}
		// r.Form is set now, so later calls return early: remember the error for them.
		c.formErr = bodyError(err)
		return r.Form, c.formErr
	}
	return r.Form, nil
}

// Header returns the first value of the request header name.
func (c *Ctx) Header(name string) string { return c.Request.Header.Get(name) }

// Cookie returns the named request cookie's value, or "" and http.ErrNoCookie.
func (c *Ctx) Cookie(name string) (string, error) {
	ck, err := c.Request.Cookie(name)
	if err != nil {
		return "", err
	}
	return ck.Value, nil
}

// SetCookie adds a Set-Cookie header. Cookies without an explicit SameSite get Lax.
func (c *Ctx) SetCookie(ck *http.Cookie) {
	if ck.SameSite == 0 || ck.SameSite == http.SameSiteDefaultMode { // both send no attribute
		ck.SameSite = http.SameSiteLaxMode
	}
	http.SetCookie(c.Writer, ck)
}

// Body reads the whole request body into a new slice (the body limit applies).
func (c *Ctx) Body() ([]byte, error) {
	b, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return nil, bodyError(err)
	}
	return b, nil
}

// Set stores a request-scoped value under key, for later middleware and handlers.
func (c *Ctx) Set(key string, val any) {
	for i := range c.locals {
		if c.locals[i].key == key {
			c.locals[i].val = val
			return
		}
	}
	if c.locals == nil {
		c.locals = c.localBuf[:0] // the first few values cost no allocation
	}
	c.locals = append(c.locals, local{key, val})
}

// Get returns the request-scoped value stored under key, or nil.
func (c *Ctx) Get(key string) any {
	for i := range c.locals {
		if c.locals[i].key == key {
			return c.locals[i].val
		}
	}
	return nil
}

// local is one value stored with Set.
type local struct {
	key string
	val any
}

// RequestID returns the request's ID, set by the request ID middleware, or "".
func (c *Ctx) RequestID() string { return c.requestID }

// SetRequestID sets the request's ID (used by the request ID middleware).
func (c *Ctx) SetRequestID(id string) { c.requestID = id }

// BeforeWriteHeader registers fn to run once, just before the response header is written:
// when the handler calls WriteHeader, writes its first byte, flushes, hijacks the
// connection (status 101, once the hijack succeeded), or returns without writing (the 200
// net/http then sends). fn sees the header as the handler left it, the Content-Type
// included, and the status, and may change the header; it must not write.
// Middleware use it to decide headers by the response instead of wrapping the
// ResponseWriter. At most four hooks per request, run in the order registered; it reports
// false, registering nothing, when the four are taken or the header is already out.
func (c *Ctx) BeforeWriteHeader(fn func(h http.Header, status int)) bool {
	rw := &c.res
	if rw.status != 0 || rw.nhooks < 0 || int(rw.nhooks) >= maxHeaderHooks {
		return false
	}
	rw.hooks[rw.nhooks] = fn
	rw.nhooks++
	return true
}

// ClientIP returns the client's IP address: the one set by the real IP middleware (which
// trusts forwarding headers only from configured proxies), else the connection's address.
func (c *Ctx) ClientIP() string {
	if c.clientIP != "" {
		return c.clientIP
	}
	if host, _, err := net.SplitHostPort(c.Request.RemoteAddr); err == nil {
		return host
	}
	return strings.Trim(c.Request.RemoteAddr, "[]") // no port: "::1", "192.0.2.1", "[::1]"
}

// SetClientIP sets the client IP (used by the real IP middleware).
func (c *Ctx) SetClientIP(ip string) { c.clientIP = ip }

// Secure reports whether the client reached the app over HTTPS, directly or through a
// trusted proxy (as set by the real IP middleware with [Ctx.SetSecure]).
func (c *Ctx) Secure() bool {
	if c.secure != 0 {
		return c.secure > 0
	}
	return c.Request.TLS != nil
}

// SetSecure records whether the original request used HTTPS (used by the real IP middleware).
func (c *Ctx) SetSecure(https bool) {
	c.secure = -1
	if https {
		c.secure = 1
	}
}

// User returns the authenticated user set by authentication middleware, or nil.
func (c *Ctx) User() any { return c.user }

// SetUser records the authenticated user (used by authentication middleware).
func (c *Ctx) SetUser(u any) { c.user = u }

// Logger returns the router's logger with the request ID attached when there is one.
func (c *Ctx) Logger() *slog.Logger {
	if c.requestID != "" {
		return c.router.cfg.Logger.With("request_id", c.requestID)
	}
	return c.router.cfg.Logger
}

// Fail hands err to the router's error handler, exactly as if a handler had returned it, so
// the client gets the same problem+json or error page. Middleware that answers on its own
// (a 413 before the body is read, a timed-out request) uses it; such middleware sets
// c.Request and c.Writer to its own r and w first, since the ones the Ctx holds may belong
// to another layer of the chain.
func (c *Ctx) Fail(err error) { c.router.errorFn(c, err) }

// Status returns the response status written so far, or 0 if nothing was written.
func (c *Ctx) Status() int { return c.res.status }

// Written reports whether the response header has been sent.
func (c *Ctx) Written() bool { return c.res.status != 0 }

// BytesWritten returns the number of body bytes written so far (after compression, if any).
func (c *Ctx) BytesWritten() int64 { return c.res.size }

// SetHeader sets a response header.
func (c *Ctx) SetHeader(name, value string) { c.Writer.Header().Set(name, value) }

// JSON writes v as JSON with the given status.
func (c *Ctx) JSON(status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("web: encoding JSON response: %w", err)
	}
	return c.Blob(status, "application/json", buf.Bytes())
}

// Blob writes b with the given status and content type.
func (c *Ctx) Blob(status int, contentType string, b []byte) error {
	h := c.Writer.Header()
	h.Set("Content-Type", contentType)
	c.Writer.WriteHeader(status)
	_, err := c.Writer.Write(b)
	return ignoreClientGone(err)
}

// Text writes s as text/plain with the given status.
func (c *Ctx) Text(status int, s string) error {
	return c.stringBody(status, "text/plain; charset=utf-8", s)
}

// HTML writes s, which must be trusted HTML, with the given status. Use [Ctx.Render] for
// templates, which escape their data.
func (c *Ctx) HTML(status int, s string) error {
	return c.stringBody(status, "text/html; charset=utf-8", s)
}

func (c *Ctx) stringBody(status int, contentType, s string) error {
	h := c.Writer.Header()
	h.Set("Content-Type", contentType)
	c.Writer.WriteHeader(status)
	_, err := io.WriteString(c.Writer, s)
	return ignoreClientGone(err)
}

// Render renders the named template with data through the router's Renderer and writes it
// with the given status. Rendering is buffered: a template error produces an error page,
// never half a page.
func (c *Ctx) Render(status int, name string, data any) error {
	rd := c.router.cfg.Renderer
	if rd == nil {
		return errors.New("web: Render called but the router has no Renderer")
	}
	buf := &c.renderBuf
	buf.Reset()
	if err := rd.Render(c, buf, name, data); err != nil {
		buf.Reset()
		return err
	}
	h := c.Writer.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	c.Writer.WriteHeader(status)
	_, err := c.Writer.Write(buf.Bytes())
	buf.Reset()
	return ignoreClientGone(err)
}

// Stream copies r to the response with the given status and content type, flushing as it
// goes so the client sees data as soon as it is produced.
func (c *Ctx) Stream(status int, contentType string, r io.Reader) error {
	c.Writer.Header().Set("Content-Type", contentType)
	c.Writer.WriteHeader(status)
	rc := http.NewResponseController(c.Writer)
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := c.Writer.Write(buf[:n]); werr != nil {
				return ignoreClientGone(werr)
			}
			_ = rc.Flush()
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("web: streaming response: %w", err)
		}
	}
}

// NoContent writes the status with no body.
func (c *Ctx) NoContent(status int) error {
	c.Writer.WriteHeader(status)
	return nil
}

// Redirect redirects to url with the status (use 303 See Other after a form POST). The URL
// is sent as given: never pass unchecked user input (see the auth package's safe redirects).
func (c *Ctx) Redirect(status int, url string) error {
	if status < 300 || status > 308 {
		return fmt.Errorf("web: redirect status %d is not a 3xx code", status)
	}
	http.Redirect(c.Writer, c.Request, url, status)
	return nil
}

// File serves the named file from fsys with http.ServeContent: Range, If-Modified-Since and
// If-None-Match are honoured. Names are slash-separated and may not leave fsys.
func (c *Ctx) File(fsys fs.FS, name string) error {
	return serveFile(c.Writer, c.Request, fsys, name, "", nil)
}

// URL returns the path of the named route with args in place of its wildcards; see
// [Router.URL].
func (c *Ctx) URL(name string, args ...any) (string, error) { return c.router.URL(name, args...) }

// recovered turns a panic value into the error path.
func (c *Ctx) recovered(rec any) {
	err, ok := rec.(error)
	if !ok {
		err = fmt.Errorf("%v", rec)
	}
	pe := &PanicError{Value: rec, Err: err, Stack: debug.Stack()}
	if c.Request == nil || c.Writer == nil {
		return
	}
	c.router.errorFn(c, pe)
}

// PanicError is the error the router hands to the error handler when a handler panics.
type PanicError struct {
	Value any    // the value passed to panic
	Err   error  // Value as an error
	Stack []byte // the goroutine's stack at the panic
}

// Error returns "panic: " and the panic value.
func (e *PanicError) Error() string { return "panic: " + e.Err.Error() }

// Unwrap returns the panic value as an error.
func (e *PanicError) Unwrap() error { return e.Err }

func ignoreClientGone(err error) error {
	if err == nil || errors.Is(err, http.ErrHandlerTimeout) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
