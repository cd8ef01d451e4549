package middleware

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/sinewdev/sinew/web"
)

// RecoverConfig configures [Recover]. The zero value is the default.
type RecoverConfig struct {
	// Logger receives recovered panics with their stack, in plain net/http stacks (inside
	// a Sinew router the router's error handler logs them). Default: slog.Default().
	Logger *slog.Logger
}

// Recover turns a panic in the handlers below it into a logged error and a 500 answer, so
// one bad request cannot take the process down. It is for plain net/http stacks: a Sinew
// router recovers panics itself. Used inside a router anyway, it hands the panic to the
// router's error handler as a [web.PanicError], as the router would.
//
// If the response had already started when the panic happened, no 500 can be sent: the
// panic is logged and the connection is aborted (by panicking with http.ErrAbortHandler),
// so the client sees a broken response rather than a truncated one that looks complete.
// A panic with http.ErrAbortHandler itself is passed on untouched.
func Recover(cfg RecoverConfig) web.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := web.CtxFrom(r)
			var rec *recorder
			if c == nil {
				rec = &recorder{w: w}
				w = rec
			}
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				err, ok := v.(error)
				if !ok {
					err = fmt.Errorf("%v", v)
				}
				pe := &web.PanicError{Value: v, Err: err, Stack: debug.Stack()}
				if c != nil {
					started := c.Written()
					c.SetRequest(r)
					c.Writer = w
					c.Fail(pe) // logs it, and answers 500 if nothing was sent yet
					if started {
						panic(http.ErrAbortHandler)
					}
					return
				}
				logger := cfg.Logger
				if logger == nil {
					logger = slog.Default()
				}
				logger.ErrorContext(r.Context(), "panic recovered", "err", pe.Error(),
					"method", r.Method, "path", r.URL.Path,
					"request_id", RequestIDFrom(r.Context()), "stack", string(pe.Stack))
				if rec.status != 0 {
					panic(http.ErrAbortHandler)
				}
				// Whatever encoded the body below has died with the panic.
				rec.w.Header().Del("Content-Encoding")
				http.Error(rec.w, http.StatusText(http.StatusInternalServerError),
					http.StatusInternalServerError)
			}()
			next.ServeHTTP(w, r)
		})
	}
}
