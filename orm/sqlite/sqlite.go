package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"modernc.org/sqlite"

	"github.com/sinewdev/sinew/orm"
)

// DefaultPath is the database file used when Open is given an empty URL.
const DefaultPath = "./data/app.db"

// busyTimeoutMS is how long a connection waits for a lock held by another process (another
// instance or a CLI command on the same file) before failing with SQLITE_BUSY.
const busyTimeoutMS = 10000

// Open opens the SQLite database named by url and returns an ORM handle over it. Accepted
// forms:
//
//	""                       ./data/app.db (DefaultPath)
//	sqlite:path/to/app.db    a file, relative to the working directory
//	sqlite:///abs/app.db     an absolute path
//	sqlite::memory:          a private in-memory database (also ":memory:")
//	file:path/to/app.db      as sqlite:path
//	path/to/app.db           a plain path
//
// A query string is passed to the driver (modernc.org/sqlite), so driver parameters such as
// _busy_timeout may be given. The directory of a file database is created if missing. Every
// connection has foreign keys on, a busy timeout, synchronous=NORMAL, and times stored as
// UTC text; file databases use WAL. Writes and transactions go through a separate pool of
// one connection (orm.Config.Writer) so that concurrent goroutines queue in the process
// instead of failing with SQLITE_BUSY, while reads use a pool of read-only connections.
// In-memory databases use a single connection for everything.
//
// Open pings the database and returns an error naming the file when it cannot be opened.
func Open(ctx context.Context, url string, cfg orm.Config) (*orm.DB, error) {
	path, params, memory, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	drv := &sqlite.Driver{}
	if memory {
		db := sql.OpenDB(connector{drv: drv, dsn: ":memory:?" + withDefaults(params, true, false)})
		cfg.Writer = nil
		cfg.MaxOpenConns, cfg.MaxIdleConns = 1, 1
		cfg.ConnMaxLifetime, cfg.ConnMaxIdleTime = -1, -1
		odb, err := orm.New(db, Dialect(), cfg)
		if err != nil {
			db.Close()
			return nil, err
		}
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("sqlite: opening an in-memory database: %w", err)
		}
		return odb, nil
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("sqlite: creating the directory of %s: %w", path, err)
		}
	}
	writer := sql.OpenDB(connector{drv: drv, dsn: path + "?" + withDefaults(params, false, true)})
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)
	// The writer connects first: it creates the file and switches it to WAL before any
	// reader opens it.
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: opening %s: %w", path, err)
	}
	reader := sql.OpenDB(connector{drv: drv, dsn: path + "?" + withDefaults(params, false, false) + "&_query_only=1"})
	cfg.Writer = writer
	odb, err := orm.New(reader, Dialect(), cfg)
	if err != nil {
		writer.Close()
		reader.Close()
		return nil, err
	}
	if err := reader.PingContext(ctx); err != nil {
		odb.Close()
		return nil, fmt.Errorf("sqlite: opening %s: %w", path, err)
	}
	return odb, nil
}

// parseURL splits a database URL into a file path and driver parameters.
func parseURL(raw string) (path string, params url.Values, memory bool, err error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return filepath.Clean(DefaultPath), url.Values{}, false, nil
	}
	switch {
	case strings.HasPrefix(s, "sqlite3:"):
		s = strings.TrimPrefix(s, "sqlite3:")
	case strings.HasPrefix(s, "sqlite:"):
		s = strings.TrimPrefix(s, "sqlite:")
	case strings.HasPrefix(s, "file:"):
		s = strings.TrimPrefix(s, "file:")
	case strings.Contains(s, "://"):
		scheme, _, _ := strings.Cut(s, "://")
		return "", nil, false, fmt.Errorf("sqlite: unsupported URL scheme %q in %q (want sqlite:path, sqlite::memory: or a file path)", scheme, raw)
	}
	if strings.HasPrefix(s, "//") {
		s = s[2:] // sqlite://relative/path, sqlite:///absolute/path
	}
	path, query, _ := strings.Cut(s, "?")
	if params, err = url.ParseQuery(query); err != nil {
		return "", nil, false, fmt.Errorf("sqlite: bad query string in %q: %w", raw, err)
	}
	if path == ":memory:" || path == "" && params.Get("mode") == "memory" {
		return "", params, true, nil
	}
	if path == "" {
		return "", nil, false, fmt.Errorf("sqlite: no file path in %q", raw)
	}
	if unescaped, uerr := url.PathUnescape(path); uerr == nil {
		path = unescaped
	}
	if strings.ContainsAny(path, "#\x00") {
		return "", nil, false, fmt.Errorf("sqlite: bad file path %q", path)
	}
	return filepath.Clean(path), params, false, nil
}

// withDefaults adds the connection settings Sinew relies on, unless the URL set them.
func withDefaults(params url.Values, memory, writer bool) string {
	p := url.Values{}
	for k, v := range params {
		p[k] = append([]string(nil), v...)
	}
	set := func(k, v string) {
		if _, ok := p[k]; !ok {
			p.Set(k, v)
		}
	}
	set("_foreign_keys", "1")
	set("_busy_timeout", strconv.Itoa(busyTimeoutMS))
	set("_synchronous", "NORMAL")
	set("_time_format", "sqlite")
	set("_timezone", "UTC")
	if !memory && writer {
		set("_journal_mode", "WAL")
	}
	if writer || memory {
		set("_txlock", "immediate")
	}
	return p.Encode()
}

// connector opens connections with a Driver of our own, so nothing is registered globally.
type connector struct {
	drv *sqlite.Driver
	dsn string
}

// Connect implements driver.Connector.
func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.drv.Open(c.dsn)
}

// Driver implements driver.Connector.
func (c connector) Driver() driver.Driver { return c.drv }
