package orm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	sinew "github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/postgres"
	"github.com/sinewdev/sinew/orm/sqlite"
)

// Engine names a database engine the benchmarks run on.
type Engine string

// The engines.
const (
	SQLite   Engine = "SQLite"   // modernc.org/sqlite, a file in WAL mode
	Postgres Engine = "Postgres" // PostgreSQL through pgx v5
)

// DefaultExecMode is the pgx query execution mode every library uses on
// PostgreSQL unless Target.ExecMode says otherwise: each statement is sent as an
// unnamed prepared statement (Parse, Bind, Describe, Execute, Sync) in one round
// trip, and nothing is cached on the server. It is the one mode in which every
// library does the same work: bun writes values into the SQL text, so a
// statement cache would serve the libraries that bind parameters and make bun
// prepare a new statement for nearly every query.
const DefaultExecMode = "exec"

// ErrTarget is returned (wrapped) for a Target that cannot be used.
var ErrTarget = errors.New("bench/orm: bad target")

// Target says where one library's copy of the data lives. Every library gets its
// own copy, seeded with the same rows by Prepare: on SQLite a file of its own,
// on PostgreSQL a schema of its own holding the same posts table.
type Target struct {
	// Engine is the database engine. Required.
	Engine Engine
	// Path is the SQLite database file. Required for SQLite.
	Path string
	// URL is a postgres:// URL of the PostgreSQL database. Required for Postgres.
	URL string
	// Schema is the PostgreSQL schema (lower-case letters, digits and _, at most
	// 63 characters) that Prepare creates, dropping any old one, and that every
	// connection uses as its search_path. Required for Postgres.
	Schema string
	// ExecMode is pgx's default_query_exec_mode on PostgreSQL. Default:
	// DefaultExecMode.
	ExecMode string
	// Tracer, when set, sees every statement the stores send to PostgreSQL;
	// the test that records each library's SQL uses it. Default: nil.
	Tracer pgx.QueryTracer
}

// check validates the target.
func (t Target) check() error {
	switch t.Engine {
	case SQLite:
		if t.Path == "" {
			return fmt.Errorf("%w: no SQLite path", ErrTarget)
		}
	case Postgres:
		if t.URL == "" {
			return fmt.Errorf("%w: no PostgreSQL URL", ErrTarget)
		}
		if !validSchema(t.Schema) {
			return fmt.Errorf("%w: schema %q (want 1 to 63 of a-z, 0-9 and _, not starting with a digit)", ErrTarget, t.Schema)
		}
	default:
		return fmt.Errorf("%w: unknown engine %q", ErrTarget, t.Engine)
	}
	return nil
}

func validSchema(s string) bool {
	if s == "" || len(s) > 63 || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// DSN returns the URL every library connects with: for SQLite the sqlite: URL of
// the file, for PostgreSQL t.URL with search_path set to the schema and the
// query execution mode.
func (t Target) DSN() (string, error) {
	if err := t.check(); err != nil {
		return "", err
	}
	if t.Engine == SQLite {
		return "sqlite:" + t.Path, nil
	}
	u, err := url.Parse(t.URL)
	if err != nil || u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return "", fmt.Errorf("%w: PostgreSQL URL must be postgres://... (%v)", ErrTarget, err)
	}
	mode := t.ExecMode
	if mode == "" {
		mode = DefaultExecMode
	}
	q := u.Query()
	q.Set("search_path", t.Schema)
	q.Set("default_query_exec_mode", mode)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// open opens the target through Sinew's driver for its engine. Every library
// runs on pools opened this way, so connection settings (SQLite pragmas, pgx
// configuration, pool sizes) are the same for all of them.
func open(ctx context.Context, t Target, reg *sinew.Registry) (*sinew.DB, error) {
	dsn, err := t.DSN()
	if err != nil {
		return nil, err
	}
	cfg := sinew.Config{
		Registry: reg,
		// Slow-query warnings of a loaded machine are noise here; they are
		// still timed, as in any application.
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	switch {
	case t.Engine == SQLite:
		return sqlite.Open(ctx, dsn, cfg)
	case t.Tracer == nil:
		return postgres.Open(ctx, dsn, cfg)
	}
	// What postgres.Open does, with the tracer added to the configuration.
	cc, err := postgres.Config(dsn)
	if err != nil {
		return nil, err
	}
	cc.Tracer = t.Tracer
	sqlDB := stdlib.OpenDB(*cc)
	db, err := sinew.New(sqlDB, postgres.Dialect(), cfg)
	if err != nil {
		sqlDB.Close()
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// The posts table, the same for every library: the column types Sinew's
// dialects give the models' fields.
const (
	sqliteTable = `CREATE TABLE posts (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	title VARCHAR(200) NOT NULL,
	body TEXT NOT NULL,
	views INTEGER NOT NULL,
	published BOOLEAN NOT NULL,
	created_at DATETIME NOT NULL
)`
	postgresTable = `CREATE TABLE posts (
	id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	title VARCHAR(200) NOT NULL,
	body TEXT NOT NULL,
	views BIGINT NOT NULL,
	published BOOLEAN NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
)`
)

// seedEpoch is the creation time of seed row 0.
func seedEpoch() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

// SeedPost returns the n-th seeded row (n from 1), which Prepare stores with
// primary key n. Even rows are published.
func SeedPost(n int) Post {
	return Post{
		ID:        int64(n),
		Title:     "Post number " + strconv.Itoa(n),
		Body:      "The body of post " + strconv.Itoa(n) + ". " + strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 4),
		Views:     int64(n * 7 % 1000),
		Published: n%2 == 0,
		CreatedAt: seedEpoch().Add(time.Duration(n) * time.Minute),
	}
}

// seedBatch is the number of rows per INSERT when seeding.
const seedBatch = 500

// Prepare creates the target's posts table, dropping what was there (the
// PostgreSQL schema, or the rows of an existing SQLite file), and inserts rows
// seed rows, SeedPost(1) to SeedPost(rows), with hand-written SQL, the same for
// every library. The returned cleanup drops the PostgreSQL schema; it does
// nothing for SQLite, whose file the caller owns.
func Prepare(ctx context.Context, t Target, rows int) (cleanup func() error, err error) {
	if rows < 0 {
		return nil, fmt.Errorf("%w: %d seed rows", ErrTarget, rows)
	}
	db, err := open(ctx, t, nil)
	if err != nil {
		return nil, err
	}
	w := db.Writer()
	var stmts []string
	switch t.Engine {
	case SQLite:
		stmts = []string{"DROP TABLE IF EXISTS posts", sqliteTable}
	default:
		s := `"` + t.Schema + `"` // validated by open
		stmts = []string{
			"DROP SCHEMA IF EXISTS " + s + " CASCADE",
			"CREATE SCHEMA " + s,
			strings.Replace(postgresTable, "posts", s+".posts", 1),
		}
	}
	for _, q := range stmts {
		if _, err := w.ExecContext(ctx, q); err != nil {
			db.Close()
			return nil, fmt.Errorf("bench/orm: preparing %s: %s: %w", t.Engine, firstLine(q), err)
		}
	}
	for start := 1; start <= rows; start += seedBatch {
		end := min(start+seedBatch-1, rows)
		var b strings.Builder
		b.WriteString("INSERT INTO posts (title, body, views, published, created_at) VALUES ")
		args := make([]any, 0, 5*(end-start+1))
		for n := start; n <= end; n++ {
			if n > start {
				b.WriteString(", ")
			}
			b.WriteString(valuesRow(t.Engine, len(args), 5))
			p := SeedPost(n)
			args = append(args, p.Title, p.Body, p.Views, p.Published, p.CreatedAt)
		}
		if _, err := w.ExecContext(ctx, b.String(), args...); err != nil {
			db.Close()
			return nil, fmt.Errorf("bench/orm: seeding %s: %w", t.Engine, err)
		}
	}
	switch t.Engine {
	case SQLite:
		// Move the seeded pages from the WAL into the database file, so that
		// no library pays for reading them through the WAL index.
		_, err = w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	default:
		_, err = w.ExecContext(ctx, "ANALYZE posts")
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("bench/orm: after seeding %s: %w", t.Engine, err)
	}
	if t.Engine == SQLite {
		return func() error { return nil }, db.Close()
	}
	return func() error {
		// A fresh context: the caller's may be over by now.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := w.ExecContext(ctx, `DROP SCHEMA IF EXISTS "`+t.Schema+`" CASCADE`)
		return errors.Join(err, db.Close())
	}, nil
}

// valuesRow returns one parenthesised row of n placeholders, numbered after
// the first `before` ones on PostgreSQL.
func valuesRow(e Engine, before, n int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		if e == Postgres {
			b.WriteString("$" + strconv.Itoa(before+i))
		} else {
			b.WriteByte('?')
		}
	}
	b.WriteByte(')')
	return b.String()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// EngineVersion returns the version of the database engine at t: SQLite's
// sqlite_version() or PostgreSQL's server_version.
func EngineVersion(ctx context.Context, t Target) (string, error) {
	db, err := open(ctx, t, nil)
	if err != nil {
		return "", err
	}
	defer db.Close()
	q := "SHOW server_version"
	if t.Engine == SQLite {
		q = "SELECT sqlite_version()"
	}
	var v string
	if err := db.SQL().QueryRowContext(ctx, q).Scan(&v); err != nil {
		return "", fmt.Errorf("bench/orm: reading the %s version: %w", t.Engine, err)
	}
	return v, nil
}
