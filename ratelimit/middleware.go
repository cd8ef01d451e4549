package ratelimit

import (
	"fmt"
	"net"
	"net/http"

	"github.com/sinewdev/sinew/web"
)

// Middleware limits requests with l, counting them per key(r). Every counted response
// carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset headers; a refused
// request gets 429 Too Many Requests with Retry-After, rendered by the router's error
// handler (problem+json for APIs, an error page for browsers) when the request runs inside
// a Sinew router, as plain text otherwise. A request whose key is "" is not limited. When
// the store fails the request gets 503 (the limit fails closed: brute-force protection
// that silently turns off when Redis is down protects nothing).
func Middleware(l *Limiter, key func(*http.Request) string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			k := key(r)
			if k == "" {
				next.ServeHTTP(w, r)
				return
			}
			d, err := l.Allow(r.Context(), k)
			if err != nil {
				fail(w, r, &web.HTTPError{Code: http.StatusServiceUnavailable,
					Message: "rate limiting is unavailable, try again shortly", Err: err})
				return
			}
			d.SetHeaders(w.Header())
			if !d.Allowed {
				fail(w, r, d.Err())
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// fail answers err through the Sinew router's error handler when there is one.
func fail(w http.ResponseWriter, r *http.Request, err error) {
	if c := web.CtxFrom(r); c != nil {
		c.Request, c.Writer = r, w
		c.Fail(err)
		return
	}
	code := web.StatusOf(err)
	msg := http.StatusText(code)
	if code == http.StatusTooManyRequests {
		msg = err.Error()
	}
	http.Error(w, fmt.Sprint(msg), code)
}

// ByIP is a key function for Middleware: the client's IP address, as the router's RealIP
// middleware determined it (trusting X-Forwarded-For only from configured proxies), or the
// connection's remote address outside a Sinew router.
func ByIP(r *http.Request) string {
	if c := web.CtxFrom(r); c != nil {
		if ip := c.ClientIP(); ip != "" {
			return "ip:" + ip
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "ip:" + host
}
