package sinew

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/observe"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

// appObserve is the App's observability: the observer (metrics, tracing), the run-time log
// level and the ops endpoints.
type appObserve struct {
	o        *observe.Observer
	level    *slog.LevelVar // nil when Config.Logger was given
	ops      http.Handler
	started  time.Time
	migrated atomic.Bool // every migration was found applied once (they stay applied)

	mu        sync.Mutex
	authorize []func(r *http.Request) bool
	servers   []*http.Server // ops listeners started by ServeOps
}

// onRouter is the ops handler as the app's router serves it: while no way in is configured
// (no token, not dev, no AllowOps callback) the endpoints do not exist: 404, as for any
// unknown path, so a scan learns nothing.
func (ob *appObserve) onRouter(configured bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ob.mu.Lock()
		open := configured || len(ob.authorize) > 0
		ob.mu.Unlock()
		if !open {
			http.NotFound(w, r)
			return
		}
		ob.ops.ServeHTTP(w, r)
	})
}

// stopServers shuts the ops listeners down (a stop hook).
func (ob *appObserve) stopServers(ctx context.Context) error {
	ob.mu.Lock()
	srvs := ob.servers
	ob.servers = nil
	ob.mu.Unlock()
	var errs []error
	for _, s := range srvs {
		errs = append(errs, s.Shutdown(ctx))
	}
	return errors.Join(errs...)
}

// minOpsToken is the shortest ops token accepted.
const minOpsToken = 16

// observeConfigFromEnv reads SINEW_OPS_TOKEN, SINEW_OPS_ADDR, OTEL_EXPORTER_OTLP_ENDPOINT,
// OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER(_ARG) and SINEW_DRAIN_DELAY.
func observeConfigFromEnv(cfg *Config, get func(string) string) []error {
	cfg.OpsToken = get("SINEW_OPS_TOKEN")
	cfg.OpsAddr = get("SINEW_OPS_ADDR")
	cfg.OTLPEndpoint = get("OTEL_EXPORTER_OTLP_ENDPOINT")
	cfg.ServiceName = get("OTEL_SERVICE_NAME")
	var errs []error
	switch s := get("OTEL_TRACES_SAMPLER"); s {
	case "", "always_on", "parentbased_always_on":
	case "traceidratio", "parentbased_traceidratio":
		arg := get("OTEL_TRACES_SAMPLER_ARG")
		r, err := strconv.ParseFloat(arg, 64)
		if err != nil || !(r > 0 && r <= 1) {
			errs = append(errs, fmt.Errorf("OTEL_TRACES_SAMPLER_ARG=%q: want a ratio above 0 and at most 1", short(arg)))
		}
		cfg.TraceSampleRatio = r
	default:
		errs = append(errs, fmt.Errorf("OTEL_TRACES_SAMPLER=%q: want parentbased_traceidratio (with OTEL_TRACES_SAMPLER_ARG) or parentbased_always_on; to turn tracing off, unset OTEL_EXPORTER_OTLP_ENDPOINT", short(s)))
	}
	if v := get("SINEW_DRAIN_DELAY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return append(errs, fmt.Errorf("SINEW_DRAIN_DELAY=%q: want a duration such as 5s", short(v)))
		}
		cfg.DrainDelay = d
	}
	return errs
}

// checkOpsConfig validates the ops settings of a defaulted configuration.
func checkOpsConfig(c Config) error {
	var errs []error
	if c.OpsToken != "" && len(c.OpsToken) < minOpsToken {
		errs = append(errs, fmt.Errorf("SINEW_OPS_TOKEN is too short: use at least %d random bytes (for example `openssl rand -hex 24`)", minOpsToken))
	}
	if c.OpsAddr != "" {
		host, port, err := net.SplitHostPort(c.OpsAddr)
		if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
			errs = append(errs, fmt.Errorf("SINEW_OPS_ADDR=%q: want host:port, for example 127.0.0.1:9090", short(c.OpsAddr)))
		} else if c.Env == EnvProd && c.OpsToken == "" && !privateHost(host) {
			errs = append(errs, fmt.Errorf("SINEW_OPS_ADDR=%q listens on a public or every interface without SINEW_OPS_TOKEN: set a token, or bind to a loopback or private address", short(c.OpsAddr)))
		}
	}
	if c.TraceSampleRatio < 0 || c.TraceSampleRatio > 1 {
		errs = append(errs, fmt.Errorf("TraceSampleRatio=%v: want a ratio above 0 and at most 1", c.TraceSampleRatio))
	}
	if c.DrainDelay < 0 || c.DrainDelay >= c.DrainTimeout {
		errs = append(errs, fmt.Errorf("SINEW_DRAIN_DELAY=%s: want a duration from 0 to less than the drain timeout (%s)", c.DrainDelay, c.DrainTimeout))
	}
	if len(errs) > 0 {
		return fmt.Errorf("sinew: bad configuration: %w", errors.Join(errs...))
	}
	return nil
}

// privateHost reports whether host is a loopback or private-network address.
func privateHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsPrivate())
}

// installObserve creates the app's observer and wires it: the metrics and tracing
// middleware (returned, for installMiddleware to place), the ORM hook (see queryHook), the
// pool statistics, the ops endpoints, the `config` command and span flushing at stop.
//
// The ops endpoints (/metrics, /ops, /ops/loglevel, /debug/pprof/) are served:
//   - on their own listener when SINEW_OPS_ADDR is set (with /healthz and /readyz), guarded
//     by SINEW_OPS_TOKEN when it is set;
//   - otherwise on the app's router, guarded by SINEW_OPS_TOKEN and AllowOps callbacks, and
//     in dev open to requests from the loopback interface; in test and prod with neither a
//     token nor a callback they answer 404.
func (a *App) installObserve() web.Middleware {
	ob := &appObserve{started: time.Now()}
	a.obs = ob
	if err := checkOpsConfig(a.cfg); err != nil {
		a.cfgErr = errors.Join(a.cfgErr, err)
	}
	o, err := observe.New(observe.Config{OTLPEndpoint: a.cfg.OTLPEndpoint, ServiceName: a.cfg.ServiceName,
		SampleRatio: a.cfg.TraceSampleRatio, Logger: a.logger})
	if err != nil {
		a.cfgErr = errors.Join(a.cfgErr, fmt.Errorf("sinew: OTEL_EXPORTER_OTLP_ENDPOINT: %w", err))
		o, _ = observe.New(observe.Config{Logger: a.logger}) // tracing off; Start reports the error
	}
	ob.o = o
	if lh, ok := a.logger.Handler().(*observe.LogHandler); ok {
		ob.level = lh.Level()
		lh.SetTraceIDs(o.Tracing())
	}
	guard := observe.Guard{Token: a.cfg.OpsToken, AllowLoopback: a.cfg.Env == EnvDev, Authorize: ob.allowed}
	if a.cfg.OpsAddr != "" && a.cfg.OpsToken == "" {
		guard = observe.Guard{Authorize: func(*http.Request) bool { return true }} // the port is the protection
	}
	ob.ops = o.OpsHandler(observe.OpsConfig{Guard: guard, Level: ob.level, Logger: a.logger, Report: a.opsReport})
	o.WatchPools("app", a.dbPools)
	a.OnStop(o.Shutdown) // registered first, so it runs last: spans of the shutdown are flushed
	a.OnStop(ob.stopServers)
	a.OnStart(a.checkDataDir) // before the database opens
	if d := a.cfg.DrainDelay; d > 0 {
		a.OnDrain(func(ctx context.Context) {
			// Readiness is already false: keep serving while load balancers notice.
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
			}
		})
	}
	if a.cfg.OpsAddr == "" {
		// Registered in every environment, so a conflicting route of the app's is found in
		// dev as in prod; they answer 404 while no way in is configured (see onRouter).
		onRouter := ob.onRouter(a.cfg.OpsToken != "" || a.cfg.Env == EnvDev)
		a.HandleHTTP("/metrics", onRouter).Name("metrics")
		a.HandleHTTP("/ops", onRouter).Name("ops")
		a.HandleHTTP("/ops/loglevel", onRouter).Name("ops_loglevel")
		a.HandleHTTP("/debug/pprof/{name...}", onRouter).Name("pprof")
		// The level endpoint is for scripts holding the token (bearer or Basic), which have
		// no session: the app's CSRF token check is replaced by the ops handler's own
		// cross-origin check. (CSRFExempt needs the session wiring, installed later.)
		a.cfg.CSRF.Exempt = append(a.cfg.CSRF.Exempt, "/ops/loglevel")
	}
	a.AddCommand(&Command{Name: "config", NoStart: true,
		Summary: "print the effective configuration, secrets redacted",
		Run: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return &UsageError{Msg: "config takes no arguments"}
			}
			for _, s := range a.settings() {
				fmt.Fprintf(a.cfg.Stdout, "%s=%s\n", s.Name, s.Value)
			}
			return nil
		}})
	return o.Middleware()
}

// Observer returns the app's observer: add metrics of your own with its Counter, Gauge,
// Histogram and GaugeFunc, and spans with its Tracer.
func (a *App) Observer() *observe.Observer { return a.obs.o }

// HTTPClient returns an *http.Client for outgoing calls: with tracing on, each call is a
// span of the request whose context it is made with, and carries the W3C trace context.
func (a *App) HTTPClient() *http.Client { return a.obs.o.Client() }

// AllowOps adds a way into the ops endpoints besides the ops token, for example a staff
// user's session: fn is asked about requests without the token. The auth package and the
// admin site use it.
func (a *App) AllowOps(fn func(r *http.Request) bool) {
	a.obs.mu.Lock()
	defer a.obs.mu.Unlock()
	a.obs.authorize = append(a.obs.authorize, fn)
}

func (ob *appObserve) allowed(r *http.Request) bool {
	ob.mu.Lock()
	fns := ob.authorize
	ob.mu.Unlock()
	for _, fn := range fns {
		if fn(r) {
			return true
		}
	}
	return false
}

// queryHook is the ORM hook of the app's database.
func (a *App) queryHook() orm.QueryHook {
	if a.obs == nil {
		return nil
	}
	return a.obs.o.QueryHook()
}

// dbPools names the database's pools for the go_sql_* metrics.
func (a *App) dbPools() []observe.NamedPool {
	db := a.db
	if db == nil {
		return nil
	}
	pools := []observe.NamedPool{{Name: "default", DB: db.SQL()}}
	if db.Writer() != db.SQL() {
		pools = append(pools, observe.NamedPool{Name: "default_writer", DB: db.Writer()})
	}
	return pools
}

// serveOps starts the ops listener when SINEW_OPS_ADDR is set; it stops with the app.
func (a *App) serveOps() error {
	if a.cfg.OpsAddr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", a.cfg.OpsAddr)
	if err != nil {
		return fmt.Errorf("sinew: listen on SINEW_OPS_ADDR %s: %w", a.cfg.OpsAddr, err)
	}
	return a.ServeOps(ln)
}

// ServeOps serves the ops endpoints (and /healthz, /readyz) on ln, in the background, until
// the app stops. Serve calls it with a listener on SINEW_OPS_ADDR when that is set. It is
// safe to call while the app serves.
func (a *App) ServeOps(ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", a)
	mux.Handle("GET /readyz", a)
	mux.Handle("/", a.obs.ops)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		MaxHeaderBytes: 64 << 10, ErrorLog: slog.NewLogLogger(a.logger.Handler(), slog.LevelWarn)}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.logger.Error("sinew: ops listener stopped", "error", err)
		}
	}()
	a.obs.mu.Lock()
	a.obs.servers = append(a.obs.servers, srv)
	a.obs.mu.Unlock()
	a.logger.Info("sinew: ops endpoints", "url", displayURL(ln.Addr())+"/ops")
	return nil
}

// settings lists the effective configuration, redacted, as environment variables.
func (a *App) settings() []observe.Setting {
	c := a.cfg
	dur := func(d time.Duration) string { return d.String() }
	autoMigrate := strconv.FormatBool(a.autoMigrate())
	var proxies []string
	for _, p := range c.TrustedProxies {
		proxies = append(proxies, p.String())
	}
	secret := c.SecretKey
	secretNote := ""
	if secret == "" {
		switch c.Env {
		case EnvDev:
			secretNote = "(generated, kept in " + c.DataDir + "/secret_key)"
		case EnvTest:
			secretNote = "(random per app)"
		default:
			secretNote = "(not set)"
		}
	}
	ratio := c.TraceSampleRatio
	if ratio <= 0 {
		ratio = 1
	}
	raw := []observe.Setting{
		{Name: "SINEW_ENV", Value: c.Env},
		{Name: "SINEW_ADDR", Value: c.Addr},
		{Name: "SINEW_SECRET_KEY", Value: secret},
		{Name: "SINEW_DATA_DIR", Value: c.DataDir},
		{Name: "DATABASE_URL", Value: a.databaseURL()},
		{Name: "SINEW_AUTO_MIGRATE", Value: autoMigrate},
		{Name: "SINEW_MIGRATIONS_DIR", Value: c.MigrationsDir},
		{Name: "SINEW_READ_HEADER_TIMEOUT", Value: dur(c.ReadHeaderTimeout)},
		{Name: "SINEW_READ_TIMEOUT", Value: dur(c.ReadTimeout)},
		{Name: "SINEW_WRITE_TIMEOUT", Value: dur(c.WriteTimeout)},
		{Name: "SINEW_IDLE_TIMEOUT", Value: dur(c.IdleTimeout)},
		{Name: "SINEW_REQUEST_TIMEOUT", Value: dur(c.RequestTimeout)},
		{Name: "SINEW_DRAIN_TIMEOUT", Value: dur(c.DrainTimeout)},
		{Name: "SINEW_DRAIN_DELAY", Value: dur(c.DrainDelay)},
		{Name: "SINEW_MAX_HEADER_BYTES", Value: strconv.Itoa(c.MaxHeaderBytes)},
		{Name: "SINEW_MAX_BODY_BYTES", Value: strconv.FormatInt(c.MaxBodyBytes, 10)},
		{Name: "SINEW_TRUSTED_PROXIES", Value: strings.Join(proxies, ",")},
		{Name: "SINEW_LOG_LEVEL", Value: a.logLevel().String()},
		{Name: "SINEW_LOG_FORMAT", Value: c.LogFormat},
		{Name: "SINEW_SESSION_STORE", Value: c.SessionStore},
		{Name: "SINEW_CSRF", Value: map[bool]string{true: "off", false: "on"}[c.CSRF.Off]},
		{Name: "SINEW_MAIL_URL", Value: c.MailURL},
		{Name: "SINEW_RATELIMIT_STORE", Value: c.RateLimitStore},
		{Name: "SINEW_OPS_TOKEN", Value: c.OpsToken},
		{Name: "SINEW_OPS_ADDR", Value: c.OpsAddr},
		{Name: "OTEL_EXPORTER_OTLP_ENDPOINT", Value: c.OTLPEndpoint},
		{Name: "OTEL_SERVICE_NAME", Value: c.ServiceName},
		{Name: "OTEL_TRACES_SAMPLER_ARG", Value: strconv.FormatFloat(ratio, 'g', -1, 64)},
	}
	for i, s := range raw {
		raw[i].Value = observe.Redact(s.Name, s.Value)
	}
	if secretNote != "" {
		raw[2].Value = secretNote
	}
	return raw
}

// logLevel is the level records are logged at now.
func (a *App) logLevel() slog.Level {
	if a.obs != nil && a.obs.level != nil {
		return a.obs.level.Level()
	}
	for _, l := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
		if a.logger.Enabled(context.Background(), l) {
			return l
		}
	}
	return slog.LevelError
}

// opsReport gathers what the ops page shows.
func (a *App) opsReport(ctx context.Context) observe.Report {
	rep := observe.Report{Started: a.obs.started, Settings: a.settings()}
	for _, r := range a.Routes() {
		rep.Routes = append(rep.Routes, observe.RouteInfo{Method: methodLabel(r.Method), Pattern: r.Pattern, Name: r.Name})
	}
	ms, err := a.migrationStates(ctx)
	if err != nil {
		rep.MigrateErr = err.Error()
	}
	rep.Migrations = ms
	if !a.Ready() {
		rep.Checks = map[string]string{"serving": "not ready (starting or shutting down)"}
	}
	return rep
}

// migrationStates lists the state of every migration: the packages' sets, then the app's.
func (a *App) migrationStates(ctx context.Context) ([]observe.MigrationState, error) {
	if a.db == nil {
		return nil, nil
	}
	var out []observe.MigrationState
	add := func(prefix string, m *migrate.Migrator) error {
		st, err := m.Status(ctx)
		if err != nil {
			return err
		}
		for _, s := range st {
			out = append(out, observe.MigrationState{Name: prefix + s.Name, Applied: s.Applied, AppliedAt: s.AppliedAt})
		}
		return nil
	}
	for i, s := range a.sets {
		m, err := migrate.FromORM(a.db, s.list, migrate.Config{Logger: a.logger,
			Table: "sinew_" + s.name + "_migrations", Base: a.setBase(i)})
		if err == nil {
			err = add(s.name+".", m)
		}
		if err != nil {
			return out, fmt.Errorf("%s migrations: %w", s.name, err)
		}
	}
	if a.migrations != nil {
		m, err := migrate.FromORM(a.db, a.migrations, migrate.Config{Logger: a.logger, Base: a.setBase(len(a.sets))})
		if err == nil {
			err = add("", m)
		}
		if err != nil {
			return out, fmt.Errorf("migrations: %w", err)
		}
	}
	return out, nil
}

// migrationsApplied is the readiness check of migrations: it fails while one is pending.
// Once all were found applied the answer is kept, so probes cost nothing after that.
func (a *App) migrationsApplied(ctx context.Context) error {
	if a.obs.migrated.Load() {
		return nil
	}
	st, err := a.migrationStates(ctx)
	if err != nil {
		return err
	}
	var pending []string
	for _, s := range st {
		if !s.Applied {
			pending = append(pending, s.Name)
		}
	}
	if len(pending) > 0 {
		return fmt.Errorf("%d migrations pending (%s): run `./app migrate`", len(pending), strings.Join(pending, ", "))
	}
	a.obs.migrated.Store(true)
	return nil
}

// hasMigrations reports whether the app has migrations to check for readiness.
func (a *App) hasMigrations() bool {
	return a.db != nil && (a.migrations != nil || len(a.sets) > 0)
}

// checkDataDir refuses to start in prod when the app would keep its embedded database in a
// data directory it cannot write (a read-only container file system, a missing volume):
// the error says what to set, instead of SQLite's "attempt to write a readonly database"
// at the first request that writes.
func (a *App) checkDataDir(context.Context) error {
	if a.cfg.Env != EnvProd || a.cfg.DatabaseURL != "" || !a.usesDB() {
		return nil
	}
	dir := a.cfg.DataDir
	err := os.MkdirAll(dir, 0o700)
	if err == nil {
		var f *os.File
		if f, err = os.CreateTemp(dir, ".sinew-write-check-*"); err == nil {
			name := f.Name()
			f.Close()
			os.Remove(name)
		}
	}
	if err != nil {
		return fmt.Errorf("sinew: the embedded database would live in SINEW_DATA_DIR=%s, which cannot be written (%w): in production set DATABASE_URL, or mount a writable volume there", dir, err)
	}
	return nil
}
