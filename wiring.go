package sinew

import (
	"io"
	"log/slog"

	"github.com/sinewdev/sinew/web/middleware"
)

// installMiddleware installs the default global middleware, outermost first: request ID,
// real IP, metrics and tracing, access log, security headers, body limit, request timeout
// and compression.
func (a *App) installMiddleware() {
	observeMW := a.installObserve()
	a.Use(
		middleware.RequestID(middleware.RequestIDConfig{}),
		middleware.RealIP(middleware.RealIPConfig{TrustedProxies: a.cfg.TrustedProxies}),
		observeMW,
		middleware.AccessLog(middleware.AccessLogConfig{Logger: a.logger}),
		middleware.SecureHeaders(a.cfg.SecureHeaders),
		middleware.BodyLimit(middleware.BodyLimitConfig{Limit: a.cfg.MaxBodyBytes}),
		middleware.Timeout(middleware.TimeoutConfig{Timeout: a.cfg.RequestTimeout}),
		middleware.Compress(middleware.CompressConfig{}),
	)
	if a.cfg.Env == EnvDev {
		a.Use(trackQueries)
	}
}

func newPrettyHandler(w io.Writer, opts *slog.HandlerOptions) slog.Handler {
	return middleware.NewDevHandler(w, middleware.DevHandlerConfig{Level: opts.Level})
}
