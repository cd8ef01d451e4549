package sinew

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/sinewdev/sinew/ratelimit"
)

// appLimitStore is the Store App.RateLimitStore returns: it exists from construction, so
// limiters can be built while the app is set up, and counts in the store Start opens.
type appLimitStore struct {
	s atomic.Pointer[limitBox]
}

type limitBox struct{ s ratelimit.Store }

// errLimitsNotStarted is returned by the app's rate-limit store before Start.
var errLimitsNotStarted = errors.New("sinew: the rate-limit store is opened by App.Start: start the app first")

// Hit implements ratelimit.Store.
func (as *appLimitStore) Hit(ctx context.Context, key string, window time.Duration) (int, time.Time, error) {
	b := as.s.Load()
	if b == nil {
		return 0, time.Time{}, errLimitsNotStarted
	}
	return b.s.Hit(ctx, key, window)
}

// Reset implements ratelimit.Store.
func (as *appLimitStore) Reset(ctx context.Context, key string) error {
	b := as.s.Load()
	if b == nil {
		return errLimitsNotStarted
	}
	return b.s.Reset(ctx, key)
}

// RateLimitStore returns the store of the app's rate limits, shared by every instance of
// the app: the database (table sinew_ratelimits) by default, Redis or process memory when
// Config.RateLimitStore (SINEW_RATELIMIT_STORE) says "redis://..." or "memory". It can be
// taken while the app is set up (ratelimit.New(app.RateLimitStore(), limit)); it counts
// once Start has opened the store. Without a database and without SINEW_RATELIMIT_STORE,
// the app counts in memory.
func (a *App) RateLimitStore() ratelimit.Store { return a.limits }

// openRateLimits is a start hook: it opens the store, creates its table when it is the
// database and AutoMigrate is on (`./app migrate` creates it otherwise), and deletes
// expired database counters every hour.
func (a *App) openRateLimits(ctx context.Context) error {
	url := a.cfg.RateLimitStore
	if url == "" && a.db == nil {
		url = "memory"
		a.logger.Debug("sinew: rate limits count in memory (the app has no database and " + ratelimit.StoreEnv + " is empty)")
	}
	s, err := ratelimit.OpenStore(ctx, url, a.db)
	if err != nil {
		return fmt.Errorf("sinew: %w", err)
	}
	if c, ok := s.(io.Closer); ok {
		a.OnStop(func(context.Context) error { return c.Close() })
	}
	if db, ok := s.(*ratelimit.DBStore); ok {
		cleanCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
		done := make(chan struct{})
		go a.cleanRateLimits(cleanCtx, db, done)
		a.OnStop(func(context.Context) error {
			stop()
			<-done
			return nil
		})
	}
	a.limits.s.Store(&limitBox{s})
	return nil
}

// cleanRateLimits deletes ended windows every hour until ctx is done.
func (a *App) cleanRateLimits(ctx context.Context, s *ratelimit.DBStore, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.DeleteExpired(ctx); err != nil && ctx.Err() == nil {
				a.logger.Warn("sinew: deleting expired rate-limit counters", "err", err.Error())
			}
		}
	}
}

// installMailAndLimits gives the app its mailer and rate-limit store, opened at start,
// and registers the rate-limit table with the migrations (see storeTable).
func (a *App) installMailAndLimits() {
	a.mailer = &appMailer{}
	a.limits = &appLimitStore{}
	a.OnStart(a.openMailer)
	a.OnStart(a.openRateLimits)
	a.addStoreTable("Rate-limit table "+ratelimit.TableName, func() bool { return a.cfg.RateLimitStore == "" }, ratelimit.CreateTable)
}

// mailAndLimitsFromEnv reads SINEW_MAIL_URL and SINEW_RATELIMIT_STORE.
func mailAndLimitsFromEnv(cfg *Config, get func(string) string) {
	cfg.MailURL = get("SINEW_MAIL_URL")
	cfg.RateLimitStore = get(ratelimit.StoreEnv)
}
