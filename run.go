package sinew

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/sinewdev/sinew/observe"
)

// signalContext returns a context cancelled by the first SIGINT or SIGTERM; once it is
// cancelled, a second signal kills the process as usual.
func signalContext() (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // restore default handling: a second signal ends the process at once
	}()
	return ctx, stop
}

// newLogger builds the app's logger from the configuration.
func newLogger(cfg Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.Env == EnvTest && cfg.LogLevel == 0 {
		opts.Level = slog.LevelWarn
	}
	var h slog.Handler
	switch cfg.LogFormat {
	case "json":
		h = slog.NewJSONHandler(cfg.Stderr, opts)
	case "pretty":
		h = newPrettyHandler(cfg.Stderr, opts)
	default:
		h = slog.NewTextHandler(cfg.Stderr, opts)
	}
	return slog.New(observe.NewLogHandler(h, opts.Level.Level())) // level changeable at run time
}
