// Package middleware holds Sinew's built-in HTTP middleware: request IDs, the access log,
// panic recovery, the client's real IP behind trusted proxies, gzip and zstd compression,
// CORS, the request body limit, per-request timeouts and security headers. Each is a
// standard func(http.Handler) http.Handler built from a Config struct whose zero value is
// the default, so it works in a Sinew router and in any net/http stack alike.
//
// Inside a Sinew router ([web.Router.Use] or [web.Group.Use]) the middleware reads and
// writes the pooled request context found with [web.CtxFrom]: the request ID, the client IP
// and the HTTPS flag live there, the response status and size are read from it without
// wrapping the writer again, and errors meant for the client (413, 503, a refused CORS
// preflight) go through the router's error handler, so they come out as the same
// problem+json or HTML page as errors returned by handlers. In a plain net/http stack the
// same middleware keeps its state in the request (its context, RemoteAddr) and answers
// errors with http.Error. A typical global stack, outermost first:
//
//	r.Use(
//		middleware.RequestID(middleware.RequestIDConfig{}),
//		middleware.RealIP(middleware.RealIPConfig{TrustedProxies: proxies}),
//		middleware.AccessLog(middleware.AccessLogConfig{}),
//		middleware.SecureHeaders(middleware.SecureHeadersConfig{}),
//		middleware.CORS(middleware.CORSConfig{AllowOrigins: []string{"https://app.example.com"}}),
//		middleware.BodyLimit(middleware.BodyLimitConfig{}),
//		middleware.Timeout(middleware.TimeoutConfig{}),
//		middleware.Compress(middleware.CompressConfig{}),
//	)
//
// Order matters in plain net/http stacks, where each middleware sees only what the ones
// outside it did: put RequestID and RealIP before AccessLog so the log line carries the ID
// and the real client address.
package middleware
