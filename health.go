package sinew

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/sinewdev/sinew/web"
)

type healthCheck struct {
	name string
	fn   func(ctx context.Context) error
}

// HealthCheck adds a readiness check: GET /readyz answers 503 while fn returns an error.
// Checks run on every probe with a 2-second deadline; keep them cheap.
func (a *App) HealthCheck(name string, fn func(ctx context.Context) error) {
	a.checks = append(a.checks, healthCheck{name, fn})
}

// healthz answers liveness probes: the process serves.
func (a *App) healthz(c *web.Ctx) error {
	c.SetHeader("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// checkResult is one check in the /readyz answer.
type checkResult struct {
	Status    string  `json:"status"`
	LatencyMS float64 `json:"latency_ms"`
	Error     string  `json:"error,omitempty"`
}

// readyz answers readiness probes: the app is serving and not shutting down, the database
// answers, and every check added with HealthCheck passes. Error details are shown only in
// dev; elsewhere a failing check says "failing".
func (a *App) readyz(c *web.Ctx) error {
	c.SetHeader("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	results := map[string]checkResult{}
	ok := true
	run := func(name string, fn func(context.Context) error) {
		start := time.Now()
		err := fn(ctx)
		r := checkResult{Status: "ok", LatencyMS: float64(time.Since(start).Microseconds()) / 1000}
		if err != nil {
			ok = false
			r.Status = "failing"
			if a.cfg.Env == EnvDev {
				r.Error = err.Error()
			}
		}
		results[name] = r
	}
	run("serving", func(context.Context) error {
		if !a.ready.Load() {
			return errNotReady
		}
		return nil
	})
	if a.db != nil {
		run("database", a.db.Ping)
	}
	if a.hasMigrations() {
		run("migrations", a.migrationsApplied)
	}
	for _, ch := range a.checks {
		run(ch.name, ch.fn)
	}
	status, code := "ok", http.StatusOK
	if !ok {
		status, code = "unavailable", http.StatusServiceUnavailable
	}
	return c.JSON(code, map[string]any{"status": status, "checks": results})
}

var errNotReady = errors.New("not serving (starting or shutting down)")
