package sinew

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/mysql"
	"github.com/sinewdev/sinew/orm/postgres"
	"github.com/sinewdev/sinew/orm/sqlite"
	"github.com/sinewdev/sinew/web"
)

// Models registers model structs in the app's registry, which migrations, the admin site,
// REST resources and forms all read. Tags are read once, here; a problem (a misspelt tag
// option, an unsupported type, a reference to an unregistered model) is reported by Start,
// naming the model, field and option, before anything is served.
func (a *App) Models(models ...any) {
	if err := a.registry.Register(models...); err != nil {
		a.modelErr = errors.Join(a.modelErr, err)
	}
}

// Registry returns the app's model registry.
func (a *App) Registry() *orm.Registry { return a.registry }

// DB returns the app's database, opened by Start; nil before, or when the app uses no
// database (no models, no migrations and no DATABASE_URL).
func (a *App) DB() *orm.DB { return a.db }

// Migrations gives the app its migrations (usually migrations.All, the list
// `./app makemigrations` writes). `./app migrate` applies them; in dev and test they are
// applied at start (see Config.AutoMigrate).
func (a *App) Migrations(ms []migrate.Migration) { a.migrations = ms }

// migrationSet is a package's own list of migrations, applied before the app's.
type migrationSet struct {
	name string
	list []migrate.Migration
}

// MigrationSet registers the migrations of a package that owns tables of its own (the
// session store, auth's users, the rate limiter), the way a Django app ships its
// migrations. Sets are applied in the order they are registered, before the app's own
// migrations, each recording its history in a table of its own, sinew_<name>_migrations, so
// their numbering never mixes with the app's. The app's makemigrations starts from the
// schema the sets create: it does not write their tables again, and the app's models may
// point to them with foreign keys. Registering the same name twice keeps the first list;
// a name that is not lower-case letters, digits and underscores is reported by Start.
func (a *App) MigrationSet(name string, ms []migrate.Migration) {
	for _, s := range a.sets {
		if s.name == name {
			return
		}
	}
	if !validSetName(name) {
		a.modelErr = errors.Join(a.modelErr, fmt.Errorf("sinew: migration set name %q: want lower-case letters, digits and underscores", name))
		return
	}
	a.sets = append(a.sets, migrationSet{name: name, list: ms})
}

func validSetName(name string) bool {
	if name == "" || len(name) > 40 {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// setBase returns the migrations of the first n sets, the base the next list folds from.
func (a *App) setBase(n int) []migrate.Migration {
	var base []migrate.Migration
	for _, s := range a.sets[:n] {
		base = append(base, s.list...)
	}
	return base
}

// storeTable is the table of a store the App opens on its database when no other store is
// configured (the session and rate-limit stores). Unlike a MigrationSet it does not make
// the app open a database: it is created only when the app has one anyway, by the same
// auto-migrate at start and `./app migrate` that apply the migrations.
type storeTable struct {
	label  string      // "Session table sinew_sessions"
	inUse  func() bool // the database store is the one configured
	create func(context.Context, *orm.DB) error
}

// addStoreTable registers a store's table (see storeTable).
func (a *App) addStoreTable(label string, inUse func() bool, create func(context.Context, *orm.DB) error) {
	a.stores = append(a.stores, storeTable{label: label, inUse: inUse, create: create})
}

// applyMigrations creates the store tables in use, applies every set, then the app's own
// migrations. out, when not nil,
// receives what was applied (the migrate command); otherwise the logger does.
func (a *App) applyMigrations(ctx context.Context, out io.Writer) error {
	for _, t := range a.stores {
		if !t.inUse() {
			continue
		}
		if err := t.create(ctx, a.db); err != nil {
			return fmt.Errorf("sinew: %w", err)
		}
		if out != nil {
			fmt.Fprintln(out, t.label+" is up to date.")
		}
	}
	for i, s := range a.sets {
		m, err := migrate.FromORM(a.db, s.list, migrate.Config{Logger: a.logger,
			Table: "sinew_" + s.name + "_migrations", Base: a.setBase(i)})
		if err != nil {
			return fmt.Errorf("sinew: %s migrations: %w", s.name, err)
		}
		rep, err := m.Apply(ctx)
		if err != nil {
			return fmt.Errorf("sinew: applying %s migrations: %w", s.name, err)
		}
		if out != nil && rep != nil {
			for _, name := range rep.Applied {
				fmt.Fprintf(out, "Applied %s.%s\n", s.name, name)
			}
		}
	}
	if out != nil || a.migrations == nil {
		return nil // the migrate command applies the app's own list itself, with its report
	}
	m, err := migrate.FromORM(a.db, a.migrations, migrate.Config{Logger: a.logger, Base: a.setBase(len(a.sets))})
	if err != nil {
		return fmt.Errorf("sinew: migrations: %w", err)
	}
	if _, err := m.Apply(ctx); err != nil {
		return fmt.Errorf("sinew: applying migrations: %w", err)
	}
	return nil
}

// usesDB reports whether Start must open a database.
func (a *App) usesDB() bool {
	return a.cfg.DatabaseURL != "" || len(a.registry.Models()) > 0 || a.migrations != nil || len(a.sets) > 0
}

// databaseURL returns the configured URL, or the default: an SQLite file in the data
// directory, or a private in-memory SQLite database in test.
func (a *App) databaseURL() string {
	if a.cfg.DatabaseURL != "" {
		return a.cfg.DatabaseURL
	}
	if a.cfg.Env == EnvTest {
		return "sqlite::memory:"
	}
	return "sqlite:" + filepath.Join(a.cfg.DataDir, "app.db")
}

// OpenDatabase opens the database named by a DATABASE_URL: sqlite:path (or file:path,
// sqlite::memory:), postgres:// or postgresql://, mysql://. Errors name the problem and
// never the password.
func OpenDatabase(ctx context.Context, rawURL string, cfg orm.Config) (*orm.DB, error) {
	scheme, _, ok := strings.Cut(rawURL, ":")
	if !ok {
		return nil, fmt.Errorf("DATABASE_URL %q: want sqlite:path, postgres://... or mysql://...", redactURL(rawURL))
	}
	switch strings.ToLower(scheme) {
	case "sqlite", "sqlite3", "file":
		return sqlite.Open(ctx, rawURL, cfg)
	case "postgres", "postgresql":
		return postgres.Open(ctx, rawURL, cfg)
	case "mysql", "mariadb":
		if strings.EqualFold(scheme, "mariadb") {
			rawURL = "mysql" + rawURL[len(scheme):]
		}
		return mysql.Open(ctx, rawURL, cfg)
	}
	return nil, fmt.Errorf("DATABASE_URL: unknown scheme %q: want sqlite:, postgres:// or mysql://", short(scheme))
}

// redactURL hides the password of a URL for messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return short(s)
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return short(u.String())
}

// openDB is the first start hook: it opens the database, makes it reachable from every
// request's context, and applies pending migrations when AutoMigrate is on.
func (a *App) openDB(ctx context.Context) error {
	if a.modelErr != nil {
		return fmt.Errorf("sinew: registering models: %w", a.modelErr)
	}
	if !a.usesDB() {
		return nil
	}
	openCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	db, err := OpenDatabase(openCtx, a.databaseURL(), orm.Config{
		Registry:        a.registry,
		Logger:          a.logger,
		DetectNPlusOne:  a.cfg.Env == EnvDev,
		Hook:            a.queryHook(),
		MaxOpenConns:    a.cfg.DBMaxOpenConns,
		MaxIdleConns:    a.cfg.DBMaxIdleConns,
		ConnMaxLifetime: a.cfg.DBConnMaxLifetime,
		ConnMaxIdleTime: a.cfg.DBConnMaxIdleTime,
		SlowQuery:       a.cfg.DBSlowQuery,
		LogQueries:      a.cfg.DBLogQueries,
	})
	if err != nil {
		return fmt.Errorf("sinew: opening the database: %w", err)
	}
	a.db = db
	a.Router.SetValue(orm.ContextValue(db))
	a.OnStop(func(context.Context) error { return db.Close() })
	if a.autoMigrate() {
		return a.applyMigrations(ctx, nil)
	}
	return nil
}

func (a *App) autoMigrate() bool {
	if a.cfg.AutoMigrate != nil {
		return *a.cfg.AutoMigrate
	}
	return a.cfg.Env != EnvProd
}

// trackQueries gives each request, in dev, a query tracker so the ORM can warn about N+1
// query patterns and name the call site. It costs an allocation per request, so it is not
// installed in prod.
func trackQueries(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, _ := orm.WithTracker(r.Context())
		r = r.WithContext(ctx)
		if c := web.CtxFrom(r); c != nil {
			c.SetRequest(r)
		}
		next.ServeHTTP(w, r)
	})
}

func (a *App) registerDBCommands() {
	a.AddCommand(&Command{Name: "makemigrations", NoStart: true,
		Summary: "write the migration that brings the schema to the registered models",
		Usage:   "[--name NAME] [--empty] [--check] [--dry-run] [--rename old=new]...",
		Run: func(ctx context.Context, args []string) error {
			if a.modelErr != nil {
				return fmt.Errorf("registering models: %w", a.modelErr)
			}
			return usage(migrate.MakeMigrationsCommand(ctx, migrate.CommandEnv{
				Migrations: a.migrations, Models: a.registry.Models(), Dir: a.cfg.MigrationsDir, Out: a.cfg.Stdout,
				Config: migrate.Config{Base: a.setBase(len(a.sets))},
			}, args))
		}})
	a.AddCommand(&Command{Name: "migrate", NoStart: true,
		Summary: "apply pending migrations; also: migrate status | rollback [N] | sql NAME",
		Usage:   "[status | rollback [N] | sql NAME]",
		Run: func(ctx context.Context, args []string) error {
			// MigrateCommand checks its arguments before it needs a database: a first call
			// without one reports bad arguments before the app opens anything.
			if err := migrate.MigrateCommand(ctx, migrate.CommandEnv{Out: io.Discard}, args); errors.Is(err, migrate.ErrUsage) {
				return usage(err)
			}
			off := false
			a.cfg.AutoMigrate = &off // the command applies them itself, with output
			if err := a.Start(ctx); err != nil {
				return err
			}
			defer a.Stop(context.WithoutCancel(ctx))
			if a.db == nil {
				return errors.New("no database: the app registers no models and DATABASE_URL is not set")
			}
			if len(args) == 0 { // plain migrate applies the package sets first
				if err := a.applyMigrations(ctx, a.cfg.Stdout); err != nil {
					return err
				}
			}
			return usage(migrate.MigrateCommand(ctx, migrate.CommandEnv{
				DB: a.db.Writer(), Dialect: a.db.Dialect(), Migrations: a.migrations,
				Models: a.registry.Models(), Out: a.cfg.Stdout,
				Config: migrate.Config{Logger: a.logger, Base: a.setBase(len(a.sets))},
			}, args))
		}})
}

// usage turns migrate's usage errors into the App's, for exit code 2.
func usage(err error) error {
	if err != nil && errors.Is(err, migrate.ErrUsage) {
		return &UsageError{Msg: err.Error()}
	}
	return err
}
