// Package web is Sinew's HTTP layer: a radix-tree router with Go 1.22 ServeMux pattern
// syntax, the pooled per-request [Ctx], binding, responses, static files and the single
// place where errors become HTTP responses ([StatusOf], [ErrorPages]).
//
// Handlers are func(*web.Ctx) error and middleware is the standard
// func(http.Handler) http.Handler, so any net/http middleware plugs in and plain
// http.Handlers mount with [Router.HandleHTTP] and [Router.Mount]. Routing static and
// parameter routes allocates nothing: the Ctx, its parameter slice and its response-writer
// wrapper come from a pool and are reset between requests (only when middleware runs does
// the request get a small context of its own, which may outlive it, see [Ctx.Detach]),
// and every string handed to user code is a substring of the request
// (never an unsafe view of a reused buffer), so nothing a handler keeps can change after it
// returns. Errors returned by handlers, and recovered panics, go to one error handler that
// answers API clients with RFC 9457 problem+json and browsers with an HTML page.
package web
