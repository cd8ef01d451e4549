package middleware

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sinewdev/sinew/web"
)

// TimeoutConfig configures [Timeout]. The zero value is the default.
type TimeoutConfig struct {
	// Timeout is how long a request may take. A negative Timeout turns the deadline off.
	// Default: 30 seconds.
	Timeout time.Duration
	// Skip, when set, picks the requests that get no deadline. Default: long-lived
	// connections, that is protocol upgrades such as WebSocket (a Connection: Upgrade
	// header) and event streams (Accept: text/event-stream).
	Skip func(r *http.Request) bool
}

// longLived reports whether r asks for a connection meant to outlive a normal request: a
// protocol upgrade (WebSocket) or a server-sent event stream.
func longLived(r *http.Request) bool {
	for _, v := range r.Header["Connection"] {
		for tok := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "upgrade") {
				return true
			}
		}
	}
	for _, v := range r.Header["Accept"] {
		if containsFold(v, "text/event-stream") {
			return true
		}
	}
	return false
}

// containsFold reports whether s contains the lowercase ASCII sub, ignoring case, without
// the copy strings.ToLower makes.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i]|0x20 == sub[0] && strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// DefaultTimeout is the timeout of a zero TimeoutConfig.
const DefaultTimeout = 30 * time.Second

// ErrTimeout is the error a timed-out request is answered with: it wraps
// context.DeadlineExceeded, which [web.StatusOf] maps to 503 Service Unavailable.
var ErrTimeout = fmt.Errorf("middleware: request timed out: %w", context.DeadlineExceeded)

// Timeout puts a deadline on each request's context. When the handler returns after the
// deadline without having written anything, the client gets 503 Service Unavailable
// (through the router's error handler in a Sinew router, with http.Error otherwise).
//
// The timeout is cooperative: the handler runs in the request's goroutine, as always, and
// must honour its context: pass it (or the *web.Ctx) to database calls, HTTP clients and
// anything else that blocks, and check ctx.Err() in long loops. A handler that ignores its
// context runs to the end, and whatever it writes late is still sent. Timeout never runs
// the handler in another goroutine the way http.TimeoutHandler does: the pooled web.Ctx
// must not outlive the request, and a handler abandoned in the background keeps using it.
// For a hard bound on slow clients, set the server's ReadTimeout and WriteTimeout too.
//
// WebSocket upgrades and event streams get no deadline by default (see
// [TimeoutConfig.Skip]): they are meant to stay open.
func Timeout(cfg TimeoutConfig) web.Middleware {
	d := cfg.Timeout
	if d == 0 {
		d = DefaultTimeout
	}
	skip := cfg.Skip
	if skip == nil {
		skip = longLived
	}
	return func(next http.Handler) http.Handler {
		if d < 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if skip(r) {
				next.ServeHTTP(w, r)
				return
			}
			if c := web.CtxFrom(r); c != nil && c.SetDeadline(time.Now().Add(d)) {
				// The router's context carries the deadline: no timer, no request copy
				// unless the handler waits on its context.
				defer c.ClearDeadline()
				next.ServeHTTP(w, r)
				if c.DeadlineExceeded() && !c.Written() {
					fail(w, r, ErrTimeout)
				}
				return
			}
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			r = r.WithContext(ctx)
			c := web.CtxFrom(r)
			var rec *recorder
			if c != nil {
				c.SetRequest(r)
			} else {
				rec = &recorder{w: w}
				w = rec
			}
			next.ServeHTTP(w, r)
			if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return
			}
			if (c != nil && c.Written()) || (rec != nil && rec.status != 0) {
				return
			}
			if rec != nil {
				w = rec.w
			}
			fail(w, r, ErrTimeout)
		})
	}
}
