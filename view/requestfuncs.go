package view

import (
	"fmt"
	"html/template"

	"github.com/sinewdev/sinew/web"
)

// RequestFunc is a template helper that sees the request being rendered, for
// [Config.RequestFuncs]: {{t "greeting" "name" .Name}} calls fn(c, "greeting", "name",
// .Name). c is nil when rendering outside a request. Its result is escaped like any
// other value, unless it is one of html/template's safe types.
type RequestFunc func(c *web.Ctx, args ...any) (any, error)

// requestFuncs returns the helpers that depend on the request being rendered, reading it
// from st: the built-in ones and Config.RequestFuncs. Each instance binds its own, so a
// render allocates nothing for them.
func (e *Engine) requestFuncs(st *renderState) template.FuncMap {
	m := e.builtinRequestFuncs(st)
	for name, fn := range e.cfg.RequestFuncs {
		m[name] = func(args ...any) (any, error) { return fn(st.c, args...) }
	}
	return m
}

// checkRequestFuncs refuses Config.RequestFuncs entries that are nil, are not valid
// names, or shadow a built-in helper (those of builtin, or a built-in request helper).
func (e *Engine) checkRequestFuncs(builtin template.FuncMap) error {
	req := e.builtinRequestFuncs(&renderState{})
	for name, fn := range e.cfg.RequestFuncs {
		_, shadows := builtin[name]
		if _, ok := req[name]; ok || shadows {
			return fmt.Errorf("view: Config.RequestFuncs: %q shadows a built-in helper", name)
		}
		if fn == nil {
			return fmt.Errorf("view: Config.RequestFuncs: %q is nil", name)
		}
		if err := checkFunc(name, func(...any) (any, error) { return nil, nil }); err != nil {
			return fmt.Errorf("view: Config.RequestFuncs: %w", err)
		}
	}
	return nil
}
