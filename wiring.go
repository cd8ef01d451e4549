package sinew

import (
	"io"
	"log/slog"
	"net/http"

	"github.com/sinewdev/sinew/web"
)

// installMiddleware installs the default global middleware.
func (a *App) installMiddleware() {
	limit := a.cfg.MaxBodyBytes
	a.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > limit {
				if c := web.CtxFrom(r); c != nil {
					c.Fail(web.Errorf(http.StatusRequestEntityTooLarge, "request body larger than %d bytes", limit))
					return
				}
			}
			if r.Body != nil && r.Body != http.NoBody {
				r.Body = http.MaxBytesReader(w, r.Body, limit)
			}
			next.ServeHTTP(w, r)
		})
	})
}

func newPrettyHandler(w io.Writer, opts *slog.HandlerOptions) slog.Handler {
	return slog.NewTextHandler(w, opts)
}
