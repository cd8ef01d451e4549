package middleware

import (
	"fmt"
	"net/http"

	"github.com/sinewdev/sinew/web"
)

// BodyLimitConfig configures [BodyLimit]. The zero value is the default.
type BodyLimitConfig struct {
	// Limit is the largest request body accepted, in bytes. A negative Limit turns the
	// check off. Default: 10 MiB.
	Limit int64
}

// DefaultBodyLimit is the body limit of a zero BodyLimitConfig: 10 MiB.
const DefaultBodyLimit = 10 << 20

// BodyLimit refuses request bodies larger than the limit with 413 Payload Too Large. A
// request whose Content-Length is over the limit is answered at once, without reading the
// body (through the router's error handler in a Sinew router, with http.Error otherwise).
// For the others, chunked bodies and bodies that lie about their length included, the
// body is wrapped with http.MaxBytesReader: reading past the limit fails with an
// *http.MaxBytesError, which [web.StatusOf] (and so an error returned by a Sinew handler)
// turns into 413. Requests without a body pass untouched.
func BodyLimit(cfg BodyLimitConfig) web.Middleware {
	limit := cfg.Limit
	if limit == 0 {
		limit = DefaultBodyLimit
	}
	return func(next http.Handler) http.Handler {
		if limit < 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body == nil || r.Body == http.NoBody {
				next.ServeHTTP(w, r)
				return
			}
			if r.ContentLength > limit {
				fail(w, r, &web.HTTPError{Code: http.StatusRequestEntityTooLarge,
					Message: fmt.Sprintf("request body larger than %d bytes", limit),
					Err:     &http.MaxBytesError{Limit: limit}})
				return
			}
			r2 := new(http.Request)
			*r2 = *r
			r2.Body = http.MaxBytesReader(w, r.Body, limit)
			if c := web.CtxFrom(r); c != nil {
				c.SetRequest(r2)
			}
			next.ServeHTTP(w, r2)
		})
	}
}
