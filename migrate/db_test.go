package migrate

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"

	"github.com/sinewdev/sinew/orm"
	ormmysql "github.com/sinewdev/sinew/orm/mysql"
	ormpostgres "github.com/sinewdev/sinew/orm/postgres"
	ormsqlite "github.com/sinewdev/sinew/orm/sqlite"
)

// Environment variables that make the server-backed suites run.
const (
	envPostgres = "SINEW_TEST_POSTGRES_URL"
	envMySQL    = "SINEW_TEST_MYSQL_URL"
)

// newTestDialect returns the orm package's dialect of that name.
func newTestDialect(name string) orm.Dialect {
	switch name {
	case "postgres":
		return ormpostgres.Dialect()
	case "mysql":
		return ormmysql.Dialect()
	}
	return ormsqlite.Dialect()
}

// testDialect renames a dialect, to test that unknown engines are refused.
type testDialect struct {
	orm.Dialect
	name string
}

func (d testDialect) Name() string { return d.name }

// testDB is one isolated database: a temporary SQLite file, a PostgreSQL schema or a
// MySQL database, dropped when the test ends.
type testDB struct {
	name    string // the dialect: sqlite, postgres, mysql
	dsn     string // opens the same database again (see openDSN)
	db      *sql.DB
	dialect orm.Dialect
}

// sqliteConnector opens modernc's SQLite without relying on its global registration.
type sqliteConnector struct{ dsn string }

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) {
	return (&sqlite.Driver{}).Open(c.dsn)
}

func (c sqliteConnector) Driver() driver.Driver { return &sqlite.Driver{} }

// openDSN opens a database of the given dialect from a dsn made by newTestDB.
func openDSN(dialect, dsn string) (*sql.DB, error) {
	switch dialect {
	case "sqlite":
		return sql.OpenDB(sqliteConnector{dsn: dsn}), nil
	case "postgres":
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, err
		}
		return stdlib.OpenDB(*cfg), nil
	case "mysql":
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			return nil, err
		}
		c, err := mysql.NewConnector(cfg)
		if err != nil {
			return nil, err
		}
		return sql.OpenDB(c), nil
	}
	return nil, fmt.Errorf("unknown dialect %q", dialect)
}

func randomName(t testing.TB) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "mt_" + hex.EncodeToString(b)
}

// newTestDB creates an isolated database of the given dialect, or skips the test when the
// server's environment variable is not set.
func newTestDB(t testing.TB, dialect string) *testDB {
	t.Helper()
	ctx := context.Background()
	tdb := &testDB{name: dialect, dialect: newTestDialect(dialect)}
	switch dialect {
	case "sqlite":
		path := filepath.Join(t.TempDir(), "test.db")
		tdb.dsn = "file:" + path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"
	case "postgres":
		base := os.Getenv(envPostgres)
		if base == "" {
			t.Skip("set " + envPostgres + " (e.g. postgres://root@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL suite")
		}
		admin, err := openDSN("postgres", base)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		schemaName := randomName(t)
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schemaName); err != nil {
			t.Fatalf("creating schema: %v", err)
		}
		t.Cleanup(func() {
			admin, err := openDSN("postgres", base)
			if err != nil {
				t.Error(err)
				return
			}
			defer admin.Close()
			if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schemaName+" CASCADE"); err != nil {
				t.Errorf("dropping schema: %v", err)
			}
		})
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schemaName)
		u.RawQuery = q.Encode()
		tdb.dsn = u.String()
	case "mysql":
		base := os.Getenv(envMySQL)
		if base == "" {
			t.Skip("set " + envMySQL + " (e.g. root@tcp(127.0.0.1:3306)/test) to run the MySQL/MariaDB suite")
		}
		admin, err := openDSN("mysql", base)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		dbName := randomName(t)
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+dbName); err != nil {
			t.Fatalf("creating database: %v", err)
		}
		t.Cleanup(func() {
			admin, err := openDSN("mysql", base)
			if err != nil {
				t.Error(err)
				return
			}
			defer admin.Close()
			if _, err := admin.ExecContext(ctx, "DROP DATABASE "+dbName); err != nil {
				t.Errorf("dropping database: %v", err)
			}
		})
		cfg, err := mysql.ParseDSN(base)
		if err != nil {
			t.Fatal(err)
		}
		cfg.DBName = dbName
		tdb.dsn = cfg.FormatDSN()
	default:
		t.Fatalf("unknown dialect %q", dialect)
	}
	db, err := openDSN(dialect, tdb.dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("connecting to %s: %v", dialect, err)
	}
	tdb.db = db
	return tdb
}

// forEachDB runs fn as the subtests sqlite, postgres and mysql, each on its own database.
func forEachDB(t *testing.T, fn func(t *testing.T, tdb *testDB)) {
	t.Helper()
	for _, d := range dialectNames {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, newTestDB(t, d))
		})
	}
}
