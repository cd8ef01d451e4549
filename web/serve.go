package web

import (
	"net/http"
	"net/url"
	"strings"
)

// ServeHTTP routes the request, runs the middleware and the handler, and turns a returned
// error or a panic into a response through the error handler.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	c := r.pool.Get().(*Ctx)
	c.reset(w, req)
	returned := false
	defer func() {
		if !returned { // only a panic gets here with returned unset: spare recover's cost
			r.recoverPanic(c, recover())
		}
		r.recycle(c)
	}()
	if len(r.global) == 0 {
		r.dispatch(c)
	} else {
		r.serveChain(c, req)
	}
	returned = true
}

// serveChain serves c through the global middleware.
func (r *Router) serveChain(c *Ctx, req *http.Request) {
	chain := r.chain.Load()
	if chain == nil {
		var h http.Handler = http.HandlerFunc(r.dispatchHTTP)
		for i := len(r.global) - 1; i >= 0; i-- {
			h = r.global[i](h)
		}
		chain = &h
		r.chain.Store(chain)
	}
	req = c.withStash(req)
	c.SetRequest(req)
	(*chain).ServeHTTP(&c.res, req)
	if c.res.status == 0 {
		// Nothing was written: net/http sends a 200 with the header as it is now.
		c.res.beforeHeader(http.StatusOK)
	}
}

// recoverPanic turns rec, a value recovered from the handler or middleware, into the error
// path. http.ErrAbortHandler is panicked again, after c is recycled, for net/http to abort
// the response; a nil rec (runtime.Goexit) is left alone.
func (r *Router) recoverPanic(c *Ctx, rec any) {
	if rec == nil {
		return
	}
	if rec == http.ErrAbortHandler {
		r.recycle(c)
		panic(rec)
	}
	c.recovered(rec)
}

// recycle returns c to the pool, unless it was used as a context.Context (see Ctx.escape):
// then it is left to the garbage collector, intact, for whoever still holds it.
func (r *Router) recycle(c *Ctx) {
	if c.escaped.Load() {
		return
	}
	c.clear()
	r.pool.Put(c)
}

// dispatchHTTP is the end of the global middleware chain.
func (r *Router) dispatchHTTP(w http.ResponseWriter, req *http.Request) {
	c := CtxFrom(req)
	if c == nil {
		http.Error(w, "web: request context lost by a middleware", http.StatusInternalServerError)
		return
	}
	c.SetRequest(req)
	c.Writer = w
	r.dispatch(c)
}

// dispatch finds the route for c's request and serves it.
func (r *Router) dispatch(c *Ctx) {
	req := c.Request
	path := req.URL.Path
	raw := req.URL.RawPath != ""
	if raw {
		// EscapedPath, not RawPath: it falls back to escaping Path when a middleware changed
		// Path and left a stale RawPath.
		path = matchPath(req.URL.EscapedPath())
	}
	if path == "" || path[0] != '/' {
		if req.Method == http.MethodConnect || req.URL.Path == "*" {
			r.notFound(c)
			return
		}
		path = "/" + path
	}
	rt := r.lookup(req.Method, path, &c.params)
	// A path with //, /./ or /../ redirects to its clean form, matched or not. A match needs
	// only its wildcard values looked at (for most routes: no parameter is "." or ".."), a
	// miss the whole path.
	clean := true
	if !r.cfg.DisableCleanPathRedirect {
		switch {
		case rt == nil:
			clean = isClean(path)
		case rt.cleanStatics && !rt.catchAll:
			clean = dotFree(c.params)
		default:
			clean = rt.matchClean(c.params)
		}
	}
	if !clean {
		c.params = c.params[:0]
		// Clean the path routing saw (where %2e is already a dot, so "/%2e%2e/" cannot
		// redirect to itself forever), then escape it again for the Location header.
		target := (&url.URL{Path: cleanPath(path)}).EscapedPath()
		if raw {
			// The match form's only '%' are the %2F and %25 escapes it kept: undo the
			// escaping of their '%'.
			target = strings.ReplaceAll(target, "%25", "%")
		}
		r.redirect(c, target)
		return
	}
	if rt != nil {
		if raw {
			unescapeParams(c.params)
		}
		c.route = rt
		if rt.chain != nil {
			if CtxFrom(req) != c { // not installed yet, or another router's Ctx (Mount)
				req = c.withStash(req)
				c.SetRequest(req)
			}
			rt.chain.ServeHTTP(c.Writer, req)
			return
		}
		if err := rt.handler(c); err != nil {
			r.errorFn(c, err)
		}
		return
	}
	if !r.cfg.DisableTrailingSlashRedirect && path != "/" {
		alt := path + "/"
		if strings.HasSuffix(path, "/") {
			alt = path[:len(path)-1]
		}
		if r.lookup(req.Method, alt, &c.params) != nil {
			c.params = c.params[:0]
			target := req.URL.EscapedPath()
			if strings.HasSuffix(target, "/") {
				target = target[:len(target)-1]
			} else {
				target += "/"
			}
			r.redirect(c, target)
			return
		}
	}
	allow := r.allowed(path, &c.params)
	if len(allow) > 0 {
		c.Writer.Header().Set("Allow", strings.Join(allow, ", "))
		if req.Method == http.MethodOptions {
			c.Writer.WriteHeader(http.StatusNoContent)
			return
		}
		if r.cfg.MethodNotAllowed != nil {
			if err := r.cfg.MethodNotAllowed(c); err != nil {
				r.errorFn(c, err)
			}
			return
		}
		r.errorFn(c, ErrMethodNotAllowed)
		return
	}
	r.notFound(c)
}

func (r *Router) notFound(c *Ctx) {
	if r.cfg.NotFound != nil {
		if err := r.cfg.NotFound(c); err != nil {
			r.errorFn(c, err)
		}
		return
	}
	r.errorFn(c, ErrNotFound)
}

// redirect sends a permanent redirect to target (an escaped path starting with a single
// '/'), keeping the query string: 301 for GET and HEAD, 308 otherwise so the method and
// body are kept.
func (r *Router) redirect(c *Ctx, target string) {
	if len(target) > 1 && (target[1] == '/' || target[1] == '\\') {
		// Never produce a scheme-relative URL ("//evil.example") from a path.
		target = "/" + strings.TrimLeft(target, "/\\")
	}
	if q := c.Request.URL.RawQuery; q != "" {
		target += "?" + q
	}
	code := http.StatusPermanentRedirect
	if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		code = http.StatusMovedPermanently
	}
	c.Writer.Header().Set("Location", target)
	c.Writer.WriteHeader(code)
}
