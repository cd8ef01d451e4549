package testkit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/mysql"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/web"
)

// The databases a test app can run on (Config.Database).
const (
	// SQLite is a private in-memory SQLite database: the default, always available.
	SQLite = "sqlite"
	// Postgres is a fresh schema in the PostgreSQL database named by SINEW_TEST_POSTGRES_URL,
	// dropped when the test ends. The test is skipped when the variable is not set.
	Postgres = "postgres"
	// MySQL is a fresh database on the MySQL or MariaDB server named by SINEW_TEST_MYSQL_URL,
	// dropped when the test ends. The test is skipped when the variable is not set.
	MySQL = "mysql"
	// FromEnv picks the database named by SINEW_TEST_DB (sqlite, postgres or mysql),
	// SQLite when it is empty: one test file then runs on every engine in CI.
	FromEnv = "env"
)

// The environment variables testkit reads.
const (
	PostgresEnv = "SINEW_TEST_POSTGRES_URL"
	MySQLEnv    = "SINEW_TEST_MYSQL_URL"
	DatabaseEnv = "SINEW_TEST_DB"
	// RequireEnv set to 1 (as CI sets it) turns the skip of a test whose database server
	// is not configured into a failure.
	RequireEnv = "SINEW_TEST_REQUIRE_SERVICES"
)

// skip skips t with msg, or fails it when RequireEnv is 1.
func skip(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv(RequireEnv) == "1" {
		t.Fatal(msg + " (" + RequireEnv + "=1 makes this a failure)")
	}
	t.Skip(msg)
}

// Config tunes NewWithConfig. The zero value is the default: an app in the test
// environment on a private in-memory SQLite database, its logs discarded.
type Config struct {
	// Database is SQLite, Postgres, MySQL or FromEnv. Default: SQLite.
	Database string
	// App is the base configuration of the app. Env is always "test"; DatabaseURL is
	// replaced by the isolated database's. Default: the zero sinew.Config with its output
	// (Stdout and Stderr) discarded unless the test runs with -v.
	App sinew.Config
	// NoServe skips the listener: the App is started and can be used as an http.Handler
	// and through its database, but Client fails the test. Default false.
	NoServe bool
}

// App is an application started for one test: the *sinew.App built by the setup function,
// its isolated database, and the address it serves on.
type App struct {
	*sinew.App
	// URL is the base URL the app serves on, http://127.0.0.1:PORT.
	URL string
	// Database is the engine the app runs on: SQLite, Postgres or MySQL.
	Database string
	t        testing.TB
}

// New builds an app for t on a private in-memory SQLite database: see NewWithConfig.
func New(t testing.TB, setup func(app *sinew.App) error) *App {
	t.Helper()
	return NewWithConfig(t, Config{}, setup)
}

// NewWithConfig builds an app for t: it makes an App in the test environment on an isolated
// database chosen by cfg.Database, calls setup on it (the function main uses to register
// models, migrations and routes; nil for none), starts it (which applies the migrations),
// serves it on 127.0.0.1 on a port of its own, and registers the shutdown and the removal of
// the database with t.Cleanup. A failure stops the test; a missing database server skips it
// with a message naming the variable to set.
func NewWithConfig(t testing.TB, cfg Config, setup func(app *sinew.App) error) *App {
	t.Helper()
	engine := cfg.Database
	if engine == FromEnv {
		engine = strings.ToLower(os.Getenv(DatabaseEnv))
	}
	if engine == "" {
		engine = SQLite
	}
	ac := cfg.App
	ac.Env = sinew.EnvTest
	if ac.Stdout == nil {
		ac.Stdout = quiet()
	}
	if ac.Stderr == nil {
		ac.Stderr = quiet()
	}
	if ac.DataDir == "" {
		ac.DataDir = t.TempDir()
	}
	switch engine {
	case SQLite:
		ac.DatabaseURL = "sqlite::memory:"
	case Postgres:
		ac.DatabaseURL = postgresSchema(t)
	case MySQL:
		ac.DatabaseURL = mysqlDatabase(t)
	default:
		t.Fatalf("testkit: unknown database %q: want %q, %q, %q or %q", engine, SQLite, Postgres, MySQL, FromEnv)
	}
	app := sinew.NewWithConfig(ac)
	if setup != nil {
		if err := setup(app); err != nil {
			t.Fatalf("testkit: setting the app up: %v", err)
		}
	}
	routes(app)
	ctx, cancel := context.WithCancel(context.Background())
	if err := app.Start(ctx); err != nil {
		cancel()
		_ = app.Stop(context.Background())
		t.Fatalf("testkit: starting the app: %v", err)
	}
	ta := &App{App: app, Database: engine, t: t}
	if cfg.NoServe {
		t.Cleanup(func() {
			cancel()
			if err := app.Stop(context.Background()); err != nil {
				t.Errorf("testkit: stopping the app: %v", err)
			}
		})
		return ta
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		_ = app.Stop(context.Background())
		t.Fatalf("testkit: listening: %v", err)
	}
	ta.URL = "http://" + ln.Addr().String()
	done := make(chan error, 1)
	go func() { done <- app.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("testkit: serving: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("testkit: the app did not stop within 30s")
		}
	})
	return ta
}

// DB returns the app's database, for Make, Factory and LoadFixtures; Ctx gives a context
// carrying it for orm.Q and orm.Create.
func (a *App) DB() *orm.DB { return a.App.DB() }

// Ctx returns a context that carries the app's database, for orm.Q and orm.Create in the
// test; it is cancelled when the test ends.
func (a *App) Ctx() context.Context { return orm.WithDB(a.t.Context(), a.App.DB()) }

// quiet discards the app's output unless the test runs with -v.
func quiet() io.Writer {
	if testing.Verbose() {
		return os.Stderr
	}
	return io.Discard
}

// uniqueName returns a fresh schema or database name.
func uniqueName() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "sinew_tk_" + hex.EncodeToString(b[:])
}

// postgresSchema creates a schema in the database named by SINEW_TEST_POSTGRES_URL, drops it
// at the end of t, and returns a URL that uses it through search_path.
func postgresSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		skip(t, "testkit: set "+PostgresEnv+" (e.g. postgres://root@127.0.0.1:5432/test?sslmode=disable) to run this test on PostgreSQL")
	}
	ctx := context.Background()
	admin, err := sinew.OpenDatabase(ctx, base, orm.Config{MaxOpenConns: 2})
	if err != nil {
		t.Fatalf("testkit: %s: %v", PostgresEnv, err)
	}
	t.Cleanup(func() { admin.Close() })
	name := uniqueName()
	if _, err := admin.SQL().ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("testkit: creating schema %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := admin.SQL().ExecContext(context.Background(), "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Errorf("testkit: dropping schema %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("testkit: %s: want a postgres:// URL", PostgresEnv)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// mysqlDatabase creates a database on the server named by SINEW_TEST_MYSQL_URL, drops it at
// the end of t, and returns a mysql:// URL naming it.
func mysqlDatabase(t testing.TB) string {
	t.Helper()
	base := os.Getenv(MySQLEnv)
	if base == "" {
		skip(t, "testkit: set "+MySQLEnv+" (e.g. root@tcp(127.0.0.1:3306)/test) to run this test on MariaDB or MySQL")
	}
	ctx := context.Background()
	admin, err := mysql.Open(ctx, base, orm.Config{MaxOpenConns: 2})
	if err != nil {
		t.Fatalf("testkit: %s: %v", MySQLEnv, err)
	}
	t.Cleanup(func() { admin.Close() })
	name := uniqueName()
	if _, err := admin.SQL().ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatalf("testkit: creating database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := admin.SQL().ExecContext(context.Background(), "DROP DATABASE "+name); err != nil {
			t.Errorf("testkit: dropping database %s: %v", name, err)
		}
	})
	mc, err := mysql.Config(base)
	if err != nil {
		t.Fatalf("testkit: %s: %v", MySQLEnv, err)
	}
	if mc.Net != "tcp" {
		t.Fatalf("testkit: %s: want a TCP address", MySQLEnv)
	}
	u := url.URL{Scheme: "mysql", Host: mc.Addr, Path: "/" + name}
	if mc.Passwd != "" {
		u.User = url.UserPassword(mc.User, mc.Passwd)
	} else {
		u.User = url.User(mc.User)
	}
	return u.String()
}

// The paths of the routes testkit adds to the apps it builds. They exist only in test apps.
const (
	csrfPath  = "/_testkit/csrf"
	loginPath = "/_testkit/login/{id}"
)

// routes adds the test-only routes Clients use: one answering a CSRF token of the
// session (made the way the view's csrfField makes one), one logging the session in as a
// user by ID through auth.Login.
func routes(app *sinew.App) {
	app.GET(csrfPath, func(c *web.Ctx) error {
		return c.Text(http.StatusOK, session.CSRFToken(c))
	})
	app.GET(loginPath, func(c *web.Ctx) error {
		u, err := orm.Q[auth.User](c).Get(c.Param("id"))
		if err != nil {
			return err
		}
		if err := auth.Login(c, u); err != nil {
			if errors.Is(err, auth.ErrNoAuth) {
				return web.Error(http.StatusNotImplemented, "testkit: LoginAs needs auth.Register(app, ...) in the app's setup")
			}
			return fmt.Errorf("testkit: login: %w", err)
		}
		return c.NoContent(http.StatusNoContent)
	})
}
