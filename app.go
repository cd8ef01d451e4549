package sinew

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

// App is a Sinew application: configuration, the router (embedded, so app.GET and friends
// register routes), lifecycle hooks and the commands its binary answers to. An App is an
// http.Handler.
type App struct {
	*web.Router

	cfg     Config
	cfgErr  error
	logger  *slog.Logger
	cmds    map[string]*Command
	secret  string
	ready   atomic.Bool
	stopped atomic.Bool

	mu       sync.Mutex
	started  bool
	startErr error
	onStart  []func(context.Context) error
	onStop   []func(context.Context) error
	onDrain  []func(context.Context)

	registry   *orm.Registry
	modelErr   error
	db         *orm.DB
	migrations []migrate.Migration
	sets       []migrationSet // packages' own migrations (MigrationSet), applied first
	stores     []storeTable   // tables of the database-backed stores, created with the migrations
	forms      appForms       // the shared validator and forms (forms.go)
	checks     []healthCheck
	sec        *security // sessions and CSRF (sessions.go)

	mailer *appMailer     // the mailer opened at start (mailer.go)
	limits *appLimitStore // the rate-limit store opened at start (ratelimit.go)
	obs    *appObserve    // metrics, tracing and the ops endpoints (observe.go)
}

// New returns an App configured from the environment and the .env file in the working
// directory (see [Config] for the variables). A configuration error does not stop New; it is
// reported by [App.Run], [App.Start] and [App.Err], before anything is served.
func New() *App {
	cfg, err := ConfigFromEnv(os.LookupEnv, ".env")
	a := NewWithConfig(cfg)
	if err != nil && a.cfgErr == nil {
		a.cfgErr = err
	}
	return a
}

// NewWithConfig returns an App configured by cfg alone; the environment is not read.
func NewWithConfig(cfg Config) *App {
	full, err := cfg.withDefaults()
	a := &App{cfg: full, cfgErr: err, cmds: map[string]*Command{}, registry: orm.NewRegistry()}
	a.logger = full.Logger
	if a.logger == nil {
		a.logger = newLogger(full)
	}
	a.Router = web.NewRouter(web.Config{
		Debug:  full.Env == EnvDev,
		Logger: a.logger,
	})
	a.installMiddleware()
	a.GET("/healthz", a.healthz).Name("healthz")
	a.GET("/readyz", a.readyz).Name("readyz")
	a.registerCommands()
	a.registerDBCommands()
	a.OnStart(a.openDB)
	a.installSessions()
	a.installMailAndLimits()
	return a
}

// Config returns the effective configuration, defaults filled in.
func (a *App) Config() Config { return a.cfg }

// Logger returns the app's structured logger.
func (a *App) Logger() *slog.Logger { return a.logger }

// Err returns the configuration error found by New, if any.
func (a *App) Err() error { return a.cfgErr }

// SecretKey returns the app's secret key, once [App.Start] has run.
func (a *App) SecretKey() string { return a.secret }

// Dev reports whether the app runs in the dev environment.
func (a *App) Dev() bool { return a.cfg.Env == EnvDev }

// OnStart registers fn to run once when the app starts, before it serves or runs a command
// that needs it; an error stops the start. Hooks run in registration order.
func (a *App) OnStart(fn func(ctx context.Context) error) { a.onStart = append(a.onStart, fn) }

// OnStop registers fn to run when the app stops, after in-flight requests have finished,
// in reverse registration order (close what was opened last first).
func (a *App) OnStop(fn func(ctx context.Context) error) { a.onStop = append(a.onStop, fn) }

// OnDrain registers fn to run as soon as shutdown begins, before the server stops
// accepting requests (readiness has already turned false).
func (a *App) OnDrain(fn func(ctx context.Context)) { a.onDrain = append(a.onDrain, fn) }

// Ready reports whether the app is serving and not shutting down.
func (a *App) Ready() bool { return a.ready.Load() }

// Start validates the configuration and runs the start hooks, once. Serve calls it; call it
// yourself to use the app without serving (in tests, scripts and commands).
func (a *App) Start(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.started {
		return a.startErr
	}
	a.started = true
	a.startErr = a.start(ctx)
	return a.startErr
}

func (a *App) start(ctx context.Context) error {
	if a.cfgErr != nil {
		return a.cfgErr
	}
	key, err := a.cfg.loadSecretKey()
	if err != nil {
		return err
	}
	a.secret = key
	for _, fn := range a.onStart {
		if err := fn(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Stop runs the stop hooks once, in reverse order, and returns their errors joined.
func (a *App) Stop(ctx context.Context) error {
	if a.stopped.Swap(true) {
		return nil
	}
	var errs []error
	for i := len(a.onStop) - 1; i >= 0; i-- {
		if err := a.onStop[i](ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Server returns the *http.Server the app serves with: the app as handler and the
// configured timeouts and header limit.
func (a *App) Server() *http.Server {
	return &http.Server{
		Addr:              a.cfg.Addr,
		Handler:           a,
		ReadHeaderTimeout: a.cfg.ReadHeaderTimeout,
		ReadTimeout:       a.cfg.ReadTimeout,
		WriteTimeout:      a.cfg.WriteTimeout,
		IdleTimeout:       a.cfg.IdleTimeout,
		MaxHeaderBytes:    a.cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(a.logger.Handler(), slog.LevelWarn),
	}
}

// ListenAndServe listens on the configured address and serves until ctx is done; see Serve.
func (a *App) ListenAndServe(ctx context.Context) error {
	if err := a.Start(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("sinew: listen on %s: %w", a.cfg.Addr, err)
	}
	return a.Serve(ctx, ln)
}

// Serve starts the app and serves requests on ln until ctx is done, then shuts down
// gracefully: readiness turns false and the drain hooks run, the server stops accepting
// connections, in-flight requests get up to DrainTimeout to finish, then the stop hooks
// run. It returns nil after a clean shutdown.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	if err := a.Start(ctx); err != nil {
		ln.Close()
		return err
	}
	if err := a.serveOps(); err != nil {
		ln.Close()
		return errors.Join(err, a.Stop(context.Background()))
	}
	srv := a.Server()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.ready.Store(true)
	a.logger.Info("sinew: serving", "url", displayURL(ln.Addr()), "env", a.cfg.Env)
	select {
	case err := <-errc:
		a.ready.Store(false)
		return errors.Join(fmt.Errorf("sinew: serve: %w", err), a.Stop(context.Background()))
	case <-ctx.Done():
	}
	a.ready.Store(false)
	a.logger.Info("sinew: shutting down", "drain_timeout", a.cfg.DrainTimeout.String())
	drainCtx, cancel := context.WithTimeout(context.Background(), a.cfg.DrainTimeout)
	defer cancel()
	for _, fn := range a.onDrain {
		fn(drainCtx)
	}
	var errs []error
	if err := srv.Shutdown(drainCtx); err != nil {
		srv.Close()
		errs = append(errs, fmt.Errorf("sinew: requests still running after the %s drain timeout were cut off: %w", a.cfg.DrainTimeout, err))
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, err)
	}
	errs = append(errs, a.Stop(drainCtx))
	a.logger.Info("sinew: stopped")
	return errors.Join(errs...)
}

func displayURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if host == "" || host == "::" || host == "0.0.0.0" || host == "127.0.0.1" || host == "::1" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Command is a subcommand of the app's binary (`./app routes`).
type Command struct {
	Name    string // the word on the command line
	Summary string // one line for `./app help`
	Usage   string // the arguments, for `./app help NAME`
	// Run runs the command with the arguments after its name. Return a *UsageError for bad
	// arguments (exit code 2).
	Run func(ctx context.Context, args []string) error
	// NoStart skips App.Start (for commands that need no database or secret key).
	NoStart bool
}

// UsageError reports bad command-line arguments; the binary exits with code 2.
type UsageError struct{ Msg string }

// Error returns the message.
func (e *UsageError) Error() string { return e.Msg }

// AddCommand registers a subcommand; a later registration of the same name replaces it.
func (a *App) AddCommand(cmd *Command) {
	if cmd.Name == "" || strings.HasPrefix(cmd.Name, "-") || cmd.Run == nil {
		panic(fmt.Sprintf("sinew: bad command %q", cmd.Name))
	}
	a.cmds[cmd.Name] = cmd
}

// Commands lists the registered commands by name.
func (a *App) Commands() []*Command {
	out := make([]*Command, 0, len(a.cmds))
	for _, c := range a.cmds {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Run is the app binary's entry point: with no arguments it serves until SIGINT or SIGTERM
// and shuts down gracefully; with arguments it runs the named command (`./app routes`,
// `./app help`). On failure it prints the error and exits with status 1 (2 for usage
// errors); it returns when everything went well, so main can simply end with app.Run().
func (a *App) Run() {
	ctx, stop := signalContext()
	defer stop()
	if err := a.RunArgs(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(a.cfg.Stderr, "error:", err)
		stop()
		var ue *UsageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// RunArgs runs the command named by args[0] ("serve" when args is empty) with the rest of
// args, until ctx is done for long-running commands.
func (a *App) RunArgs(ctx context.Context, args []string) error {
	name := "serve"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	}
	cmd, ok := a.cmds[name]
	if !ok {
		return &UsageError{Msg: fmt.Sprintf("unknown command %q; run with `help` to list the commands", short(name))}
	}
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		a.printCommandHelp(cmd)
		return nil
	}
	if !cmd.NoStart {
		if err := a.Start(ctx); err != nil {
			return err
		}
		if name != "serve" {
			defer a.Stop(context.WithoutCancel(ctx))
		}
	} else if a.cfgErr != nil {
		return a.cfgErr
	}
	return cmd.Run(ctx, args)
}

func (a *App) printCommandHelp(cmd *Command) {
	fmt.Fprintf(a.cfg.Stdout, "usage: %s %s %s\n\n%s\n", progName(), cmd.Name, cmd.Usage, cmd.Summary)
}

func progName() string {
	if len(os.Args) == 0 {
		return "app"
	}
	name := os.Args[0]
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return name
}

func (a *App) registerCommands() {
	a.AddCommand(&Command{Name: "serve", Summary: "serve HTTP until SIGINT or SIGTERM (the default)",
		Run: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return &UsageError{Msg: "serve takes no arguments"}
			}
			return a.ListenAndServe(ctx)
		}})
	a.AddCommand(&Command{Name: "routes", Summary: "print the route table", NoStart: true,
		Run: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return &UsageError{Msg: "routes takes no arguments"}
			}
			a.printRoutes()
			return nil
		}})
	a.AddCommand(&Command{Name: "help", Summary: "list the commands", Usage: "[command]", NoStart: true,
		Run: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				cmd, ok := a.cmds[args[0]]
				if !ok {
					return &UsageError{Msg: fmt.Sprintf("unknown command %q", short(args[0]))}
				}
				a.printCommandHelp(cmd)
				return nil
			}
			fmt.Fprintf(a.cfg.Stdout, "usage: %s [command] [arguments]\n\ncommands:\n", progName())
			for _, c := range a.Commands() {
				fmt.Fprintf(a.cfg.Stdout, "  %-16s %s\n", c.Name, c.Summary)
			}
			return nil
		}})
}

func (a *App) printRoutes() {
	routes := a.Routes()
	w := [3]int{len("METHOD"), len("PATTERN"), len("NAME")}
	for _, r := range routes {
		w[0] = max(w[0], len(methodLabel(r.Method)))
		w[1] = max(w[1], len(r.Pattern))
		w[2] = max(w[2], len(r.Name))
	}
	fmt.Fprintf(a.cfg.Stdout, "%-*s  %-*s  %-*s  %s\n", w[0], "METHOD", w[1], "PATTERN", w[2], "NAME", "HANDLER")
	for _, r := range routes {
		fmt.Fprintf(a.cfg.Stdout, "%-*s  %-*s  %-*s  %s\n", w[0], methodLabel(r.Method), w[1], r.Pattern, w[2], r.Name, r.Handler)
	}
}

func methodLabel(m string) string {
	if m == "" {
		return "*"
	}
	return m
}
