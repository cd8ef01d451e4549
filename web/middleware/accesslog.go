package middleware

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/sinewdev/sinew/web"
)

// AccessLogConfig configures [AccessLog]. The zero value is the default.
type AccessLogConfig struct {
	// Logger receives one record per request. Default: the router's logger for requests
	// served by a Sinew router, slog.Default() for others. Whether records come out as
	// JSON or as readable lines is the logger's handler's business (see [NewDevHandler]).
	Logger *slog.Logger
	// Message is the records' message. Default: "request".
	Message string
	// Skip, when set, is asked once the response is written whether to leave the request
	// out of the log (health checks, for example). Default: every request is logged.
	Skip func(r *http.Request, status int) bool
}

// AccessLog writes one structured record per request once it is answered: method, path,
// route (the matched pattern, in a Sinew router), status, bytes (body bytes sent, after
// compression), duration, ip, request_id and user_agent. Server errors (5xx) are logged at
// Error level, client errors (4xx) at Warn, everything else at Info. A request whose
// handler panics is logged too (with panic=true and, unless a response was already started,
// status 500) before the panic goes on to the recovery above.
//
// The path is logged without the query string, which often carries tokens. In plain
// net/http stacks put [RealIP] outside AccessLog, so the record has the client's real
// address, and [RequestID] too if its header is not the default X-Request-ID; in a Sinew
// router the order does not matter.
func AccessLog(cfg AccessLogConfig) web.Middleware {
	msg := cfg.Message
	if msg == "" {
		msg = "request"
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			c := web.CtxFrom(r)
			var rec *recorder
			if c == nil {
				rec = &recorder{w: w}
				w = rec
			}
			completed := false
			defer func() {
				var status int
				var size int64
				if c != nil {
					status, size = c.Status(), c.BytesWritten()
				} else {
					status, size = rec.status, rec.size
				}
				panicked := !completed
				switch {
				case panicked && status == 0:
					status = http.StatusInternalServerError
				case status == 0:
					status = http.StatusOK // what net/http sends for an empty response
				}
				if cfg.Skip != nil && !panicked && cfg.Skip(r, status) {
					return
				}
				logger := cfg.Logger
				if logger == nil {
					if c != nil {
						logger = c.Router().Config().Logger
					} else {
						logger = slog.Default()
					}
				}
				level := slog.LevelInfo
				switch {
				case status >= 500:
					level = slog.LevelError
				case status >= 400:
					level = slog.LevelWarn
				}
				ctx := r.Context()
				if !logger.Enabled(ctx, level) {
					return
				}
				var attrs [11]slog.Attr
				n := 0
				add := func(a slog.Attr) { attrs[n] = a; n++ }
				add(slog.String("method", r.Method))
				add(slog.String("path", r.URL.Path))
				var ip, id string
				if c != nil {
					if route := c.RoutePattern(); route != "" {
						add(slog.String("route", route))
					}
					ip, id = c.ClientIP(), c.RequestID()
				} else {
					ip, id = hostOf(r.RemoteAddr), RequestIDFrom(ctx)
					if id == "" {
						// RequestID may sit inside AccessLog: its answer header tells.
						id = rec.Header().Get("X-Request-Id")
					}
				}
				end := time.Now() // the record's time and the end of the duration: one clock read
				add(slog.Int("status", status))
				add(slog.Int64("bytes", size))
				add(slog.Duration("duration", end.Sub(start)))
				add(slog.String("ip", ip))
				if id != "" {
					add(slog.String("request_id", id))
				}
				if ua := r.UserAgent(); ua != "" {
					add(slog.String("user_agent", ua))
				}
				if panicked {
					add(slog.Bool("panic", true))
				}
				// A record made here rather than by logger.LogAttrs, which would walk the
				// stack for a source position (this function's, useless in an access log).
				rec := slog.NewRecord(end, level, msg, 0)
				rec.AddAttrs(attrs[:n]...)
				_ = logger.Handler().Handle(ctx, rec) // as slog.Logger does, errors are dropped
			}()
			next.ServeHTTP(w, r)
			completed = true
		})
	}
}

// hostOf returns the address part of a RemoteAddr: "1.2.3.4:5678", "[::1]:80" or a bare
// address as left by other middleware.
func hostOf(addr string) string {
	if strings.HasPrefix(addr, "[") {
		if i := strings.IndexByte(addr, ']'); i > 0 {
			return addr[1:i]
		}
		return addr
	}
	if strings.Count(addr, ":") == 1 {
		return addr[:strings.IndexByte(addr, ':')]
	}
	return addr
}
