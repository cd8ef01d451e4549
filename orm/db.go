package orm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures a DB. Its zero value is the default configuration.
type Config struct {
	// Registry holds the models. Default: a new empty registry (register models on it
	// through DB.Registry).
	Registry *Registry
	// Logger receives slow-query and N+1 warnings, and every statement when LogQueries is
	// set. Default: slog.Default().
	Logger *slog.Logger
	// LogQueries logs every statement at debug level with its duration. Default: false.
	LogQueries bool
	// SlowQuery is the duration above which a statement is logged as a warning. Default:
	// 200ms; a negative value disables the warning.
	SlowQuery time.Duration
	// DetectNPlusOne makes the ORM warn, once per statement shape and request, when a
	// statement of the same shape runs more than NPlusOneThreshold times within one
	// request (a context prepared with WithTracker). Meant for development. Default: false.
	DetectNPlusOne bool
	// NPlusOneThreshold is the number of repetitions of one statement shape tolerated per
	// request before the N+1 warning. Default: 10.
	NPlusOneThreshold int

	// MaxOpenConns is the maximum number of open connections in the pool. Default:
	// max(4, 2×GOMAXPROCS); a negative value means no limit.
	MaxOpenConns int
	// MaxIdleConns is the maximum number of idle connections kept. Default: MaxOpenConns;
	// a negative value keeps none.
	MaxIdleConns int
	// ConnMaxLifetime closes connections older than this. Default: 30 minutes; a negative
	// value keeps them forever.
	ConnMaxLifetime time.Duration
	// ConnMaxIdleTime closes connections idle for longer than this. Default: 5 minutes; a
	// negative value keeps them forever.
	ConnMaxIdleTime time.Duration

	// Writer, when set, is a separate pool for statements that write and for transactions,
	// while the pool given to New serves reads outside transactions. orm/sqlite sets it to
	// a one-connection pool so that writes are serialised in the process and never meet
	// SQLITE_BUSY. The pool settings above do not apply to it. Default: nil (one pool).
	Writer *sql.DB
	// Now returns the current time for CreatedAt and UpdatedAt. Default: time.Now.
	Now func() time.Time
	// Hook, when set, observes every statement (metrics, tracing; see QueryHook).
	// Default: none.
	Hook QueryHook
}

// DB is a database handle for the ORM: the connection pool(s), the dialect, the model
// registry and the plans built from it. It is safe for concurrent use; create one per
// database at start-up (drivers' Open functions do) and share it.
type DB struct {
	sql    *sql.DB
	writer *sql.DB
	d      Dialect
	feat   Features
	reg    *Registry
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
	ormPkg string // this package's import path followed by ".", to find call sites

	planMu sync.Mutex
	plans  atomic.Pointer[map[reflect.Type]*plan]
	rawMu  sync.Mutex
	raws   atomic.Pointer[map[reflect.Type]*rawPlan]
}

// New returns a DB over an open *sql.DB and the dialect of its engine. Drivers call it (see
// orm/sqlite, orm/postgres and orm/mysql); call it directly to wrap a pool you opened
// yourself. New applies cfg's pool settings to sqlDB and does not connect; Ping does.
func New(sqlDB *sql.DB, d Dialect, cfg Config) (*DB, error) {
	if sqlDB == nil {
		return nil, errors.New("orm: New: nil *sql.DB")
	}
	if d == nil {
		return nil, errors.New("orm: New: nil Dialect")
	}
	db := &DB{sql: sqlDB, writer: sqlDB, d: d, feat: d.Features(), cfg: cfg, reg: cfg.Registry, log: cfg.Logger, now: cfg.Now}
	if cfg.Writer != nil {
		db.writer = cfg.Writer
	}
	if db.reg == nil {
		db.reg = NewRegistry()
	}
	if db.log == nil {
		db.log = slog.Default()
	}
	if db.now == nil {
		db.now = time.Now
	}
	if db.cfg.SlowQuery == 0 {
		db.cfg.SlowQuery = 200 * time.Millisecond
	}
	if db.cfg.NPlusOneThreshold <= 0 {
		db.cfg.NPlusOneThreshold = 10
	}
	if db.feat.MaxParams <= 0 {
		db.feat.MaxParams = 999
	}
	db.ormPkg = reflect.TypeFor[DB]().PkgPath() + "."

	maxOpen := cfg.MaxOpenConns
	switch {
	case maxOpen == 0:
		maxOpen = max(4, 2*runtime.GOMAXPROCS(0))
	case maxOpen < 0:
		maxOpen = 0
	}
	maxIdle := cfg.MaxIdleConns
	switch {
	case maxIdle == 0:
		maxIdle = maxOpen
		if maxIdle == 0 {
			maxIdle = 2 * runtime.GOMAXPROCS(0)
		}
	case maxIdle < 0:
		maxIdle = 0
	}
	life := durationOr(cfg.ConnMaxLifetime, 30*time.Minute)
	idle := durationOr(cfg.ConnMaxIdleTime, 5*time.Minute)
	sqlDB.SetMaxOpenConns(maxOpen)
	sqlDB.SetMaxIdleConns(maxIdle)
	sqlDB.SetConnMaxLifetime(life)
	sqlDB.SetConnMaxIdleTime(idle)

	empty := map[reflect.Type]*plan{}
	db.plans.Store(&empty)
	emptyRaw := map[reflect.Type]*rawPlan{}
	db.raws.Store(&emptyRaw)
	return db, nil
}

func durationOr(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

// Close closes the pool(s).
func (db *DB) Close() error {
	var errs []error
	if db.writer != db.sql {
		errs = append(errs, db.writer.Close())
	}
	errs = append(errs, db.sql.Close())
	return errors.Join(errs...)
}

// Ping checks that the database is reachable.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.sql.PingContext(ctx); err != nil {
		return fmt.Errorf("orm: ping %s: %w", db.d.Name(), err)
	}
	if db.writer != db.sql {
		if err := db.writer.PingContext(ctx); err != nil {
			return fmt.Errorf("orm: ping %s writer: %w", db.d.Name(), err)
		}
	}
	return nil
}

// Dialect returns the dialect of the database engine.
func (db *DB) Dialect() Dialect { return db.d }

// Registry returns the model registry the DB uses.
func (db *DB) Registry() *Registry { return db.reg }

// SQL returns the underlying pool (the read pool when the driver uses a separate writer).
func (db *DB) SQL() *sql.DB { return db.sql }

// Writer returns the pool used for writes and transactions: SQL() unless the driver set a
// separate writer (SQLite).
func (db *DB) Writer() *sql.DB { return db.writer }

// executor is what statements run on: a pool or a transaction.
type executor interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// exec returns what a statement runs on: the open transaction, else the writer for writes
// and the read pool for reads.
func (db *DB) executor(st *txState, write bool) executor {
	if st != nil {
		return st.tx
	}
	if write {
		return db.writer
	}
	return db.sql
}

// observe records a statement for the request's tracker and returns the start time, for
// done. It is called before every statement the ORM runs.
func (db *DB) observe(ctx context.Context, query string) time.Time {
	if tr, ok := ctx.Value(trackerKey{}).(*Tracker); ok {
		if n := tr.add(query); db.cfg.DetectNPlusOne && n == db.cfg.NPlusOneThreshold+1 {
			db.log.LogAttrs(ctx, slog.LevelWarn, "orm: possible N+1 query: the same statement ran many times in one request; use Prefetch or a single query with IN",
				slog.Int("count", n), slog.String("sql", clip(query)), slog.String("caller", db.caller()))
		}
	}
	if db.cfg.SlowQuery < 0 && !db.cfg.LogQueries {
		return time.Time{}
	}
	return time.Now()
}

// done logs the statement if it was slow or if every statement is logged.
func (db *DB) done(ctx context.Context, start time.Time, query string, err error) {
	if start.IsZero() {
		return
	}
	d := time.Since(start)
	if db.cfg.SlowQuery > 0 && d >= db.cfg.SlowQuery {
		db.log.LogAttrs(ctx, slog.LevelWarn, "orm: slow query", slog.Duration("duration", d),
			slog.String("sql", clip(query)), slog.String("caller", db.caller()))
	} else if db.cfg.LogQueries {
		attrs := []slog.Attr{slog.Duration("duration", d), slog.String("sql", clip(query))}
		if err != nil {
			attrs = append(attrs, slog.String("error", err.Error()))
		}
		db.log.LogAttrs(ctx, slog.LevelDebug, "orm: query", attrs...)
	}
}

// caller names the first stack frame outside this package, "file:line (function)".
func (db *DB) caller() string {
	var pcs [32]uintptr
	n := runtime.Callers(2, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, db.ormPkg) && !strings.HasPrefix(f.Function, "runtime.") &&
			!strings.HasPrefix(f.Function, "database/sql.") {
			return fmt.Sprintf("%s:%d (%s)", f.File, f.Line, f.Function)
		}
		if !more {
			return "unknown"
		}
	}
}

// query runs a statement returning rows, with observation and error translation.
func (db *DB) query(ctx context.Context, ex executor, m *model, query string, args []any) (*sql.Rows, error) {
	start := db.observe(ctx, query)
	ctx, ev, hstart := db.hookBefore(ctx, m, query)
	rows, err := ex.QueryContext(ctx, query, args...)
	db.hookAfter(ctx, ev, hstart, err)
	db.done(ctx, start, query, err)
	if err != nil {
		return nil, db.translate(err, m)
	}
	return rows, nil
}

// execute runs a statement returning no rows, with observation and error translation.
func (db *DB) execute(ctx context.Context, ex executor, m *model, query string, args []any) (sql.Result, error) {
	start := db.observe(ctx, query)
	ctx, ev, hstart := db.hookBefore(ctx, m, query)
	res, err := ex.ExecContext(ctx, query, args...)
	db.hookAfter(ctx, ev, hstart, err)
	db.done(ctx, start, query, err)
	if err != nil {
		return nil, db.translate(err, m)
	}
	return res, nil
}

// maxLoggedSQL is the length at which logged statements are cut (a bulk insert can be
// hundreds of kilobytes).
const maxLoggedSQL = 300

func clip(query string) string {
	if len(query) <= maxLoggedSQL {
		return query
	}
	return query[:maxLoggedSQL] + "... (" + strconv.Itoa(len(query)) + " bytes)"
}
