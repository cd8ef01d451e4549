package sinew

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/view"
	"github.com/sinewdev/sinew/web/middleware"
)

// security holds the session manager and the CSRF middleware the App builds at start and
// the middleware installed at construction delegates to.
type security struct {
	sessions atomic.Pointer[session.Manager]
	csrf     atomic.Pointer[middleware.CSRFConfig]
	started  atomic.Bool
}

// sessionConfigFromEnv reads SINEW_SESSION_STORE, SINEW_CSRF and SINEW_CSRF_TRUSTED_ORIGINS.
func sessionConfigFromEnv(cfg *Config, get func(string) string) []error {
	var errs []error
	cfg.SessionStore = get(session.StoreEnv)
	if v := get("SINEW_CSRF"); v != "" {
		switch strings.ToLower(v) {
		case "off", "false", "0":
			cfg.CSRF.Off = true
		case "on", "true", "1":
		default:
			errs = append(errs, fmt.Errorf("SINEW_CSRF=%q: want on or off", short(v)))
		}
	}
	if v := get("SINEW_CSRF_TRUSTED_ORIGINS"); v != "" {
		for _, o := range strings.Split(v, ",") {
			if o = strings.TrimSpace(o); o == "" {
				continue
			}
			if err := http.NewCrossOriginProtection().AddTrustedOrigin(o); err != nil {
				errs = append(errs, fmt.Errorf("SINEW_CSRF_TRUSTED_ORIGINS=%q: want origins such as https://example.com, comma-separated", short(o)))
				continue
			}
			cfg.CSRF.TrustedOrigins = append(cfg.CSRF.TrustedOrigins, o)
		}
	}
	return errs
}

// installSessions installs, innermost in the global middleware, the session middleware and
// CSRF protection, both built at start (sessions need the database) and registers what
// opens and cleans the store; its table is created with the migrations (storeTable).
func (a *App) installSessions() {
	a.sec = &security{}
	a.Use(a.sessionMiddleware, a.csrfMiddleware)
	// Templates built with a zero view.Config find the CSRF token and flashes here.
	a.Router.SetValue(view.CSRFTokenHook{}, session.CSRFToken)
	a.Router.SetValue(view.FlashesHook{}, session.ViewFlashes)
	a.OnStart(a.openSessions)
	a.addStoreTable("Session table "+session.TableName, func() bool { return a.cfg.SessionStore == "" }, session.CreateTable)
}

// Sessions returns the app's session manager, opened by Start; nil before, and when the
// app has no session store (no database and no SINEW_SESSION_STORE).
func (a *App) Sessions() *session.Manager { return a.sec.sessions.Load() }

// CSRFExempt exempts requests matching the net/http.ServeMux patterns from CSRF checks
// ("POST /webhooks/{provider}"): for endpoints called by other sites that authenticate
// their requests otherwise (a signature header, say). Call it before the app starts.
// To turn CSRF protection off entirely, set Config.CSRF.Off or SINEW_CSRF=off.
func (a *App) CSRFExempt(patterns ...string) {
	if a.sec.started.Load() {
		panic("sinew: CSRFExempt called after the app started")
	}
	a.cfg.CSRF.Exempt = append(a.cfg.CSRF.Exempt, patterns...)
}

// sessionMiddleware hands requests to the session manager once Start has made it; it is
// lazy: the store is read only when a handler uses the session.
func (a *App) sessionMiddleware(next http.Handler) http.Handler {
	var once sync.Once
	var wrapped http.Handler
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := a.sec.sessions.Load()
		if m == nil {
			next.ServeHTTP(w, r)
			return
		}
		once.Do(func() { wrapped = m.Middleware(next) })
		wrapped.ServeHTTP(w, r)
	})
}

// csrfMiddleware applies the CSRF checks configured at start. Before Start (an App used
// as a handler without starting) it checks origins only.
func (a *App) csrfMiddleware(next http.Handler) http.Handler {
	var once sync.Once
	var wrapped http.Handler
	originOnly := middleware.CSRF(middleware.CSRFConfig{Off: a.cfg.CSRF.Off})(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cfg := a.sec.csrf.Load()
		if cfg == nil {
			originOnly.ServeHTTP(w, r)
			return
		}
		once.Do(func() { wrapped = middleware.CSRF(*cfg)(next) })
		wrapped.ServeHTTP(w, r)
	})
}

// openSessions is a start hook: it opens the session store named by SessionStore (the
// app's database by default, its table created when AutoMigrate is on), starts an hourly
// cleanup of expired database sessions, and builds the CSRF configuration.
func (a *App) openSessions(ctx context.Context) error {
	a.sec.started.Store(true)
	csrf := a.cfg.CSRF
	for _, o := range csrf.TrustedOrigins {
		if err := http.NewCrossOriginProtection().AddTrustedOrigin(o); err != nil {
			return fmt.Errorf("sinew: CSRF trusted origin %q: %w", short(o), err)
		}
	}
	if err := checkPatterns(csrf.Exempt); err != nil {
		return err
	}
	if a.cfg.SessionStore == "" && a.db == nil {
		// No database and no Redis: no sessions, and CSRF checks origins only.
		a.logger.Debug("sinew: no session store (the app has no database and SINEW_SESSION_STORE is empty)")
		a.sec.csrf.Store(&csrf)
		return nil
	}
	store, err := session.OpenStore(ctx, a.cfg.SessionStore, a.db)
	if err != nil {
		return fmt.Errorf("sinew: %w", err)
	}
	cleanCtx, stopClean := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go a.cleanSessions(cleanCtx, store, done)
	a.OnStop(func(context.Context) error {
		stopClean()
		<-done
		if c, ok := store.(io.Closer); ok {
			return c.Close()
		}
		return nil
	})
	scfg := a.cfg.Session
	if scfg.Logger == nil {
		scfg.Logger = a.logger
	}
	a.sec.sessions.Store(session.New(store, scfg))
	if csrf.Secret == nil {
		csrf.Secret = session.CSRFSecret
	}
	a.sec.csrf.Store(&csrf)
	return nil
}

// cleanSessions deletes expired sessions every hour until ctx is done.
func (a *App) cleanSessions(ctx context.Context, store session.Store, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := store.DeleteExpired(ctx)
			if err != nil && ctx.Err() == nil {
				a.logger.Warn("sinew: deleting expired sessions", "err", err.Error())
			} else if n > 0 {
				a.logger.Debug("sinew: deleted expired sessions", "count", n)
			}
		}
	}
}

// checkPatterns reports an exempt pattern net/http.ServeMux refuses, as an error rather
// than the panic of ServeMux.Handle.
func checkPatterns(patterns []string) (err error) {
	mux := http.NewServeMux()
	for _, p := range patterns {
		func() {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("sinew: CSRF exempt pattern %q: %v", short(p), r)
				}
			}()
			mux.Handle(p, http.NotFoundHandler())
		}()
		if err != nil {
			return err
		}
	}
	return nil
}
