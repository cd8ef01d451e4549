package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"time"
)

// record is one row of the history table.
type record struct {
	checksum  string
	appliedAt time.Time
}

// execQuerier is what both *sql.Conn and *sql.Tx offer.
type execQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// historyDDL creates the history table if it does not exist.
func (m *Migrator) historyDDL() string {
	ts := map[string]string{"sqlite": "DATETIME", "postgres": "TIMESTAMPTZ", "mysql": "DATETIME(6)"}[m.dialect.Name()]
	return fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (name VARCHAR(255) NOT NULL PRIMARY KEY, checksum VARCHAR(64) NOT NULL, applied_at %s NOT NULL)",
		m.dialect.Quote(m.cfg.Table), ts)
}

// historyExists reports whether the history table exists, without creating it.
func (m *Migrator) historyExists(ctx context.Context, q execQuerier) (bool, error) {
	var query string
	switch m.dialect.Name() {
	case "sqlite":
		query = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
	case "postgres":
		query = "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = $1"
	default:
		query = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?"
	}
	var n int
	if err := q.QueryRowContext(ctx, query, m.cfg.Table).Scan(&n); err != nil {
		return false, fmt.Errorf("migrate: looking for the history table: %w", err)
	}
	return n > 0, nil
}

// readHistory returns the applied migrations by name.
func (m *Migrator) readHistory(ctx context.Context, q execQuerier) (map[string]record, error) {
	rows, err := q.QueryContext(ctx, "SELECT name, checksum, applied_at FROM "+m.dialect.Quote(m.cfg.Table))
	if err != nil {
		return nil, fmt.Errorf("migrate: reading the history table: %w", err)
	}
	defer rows.Close()
	out := map[string]record{}
	for rows.Next() {
		var (
			name, sum string
			at        any
		)
		if err := rows.Scan(&name, &sum, &at); err != nil {
			return nil, fmt.Errorf("migrate: reading the history table: %w", err)
		}
		t, err := asTime(at)
		if err != nil {
			return nil, fmt.Errorf("migrate: history of %s: %w", name, err)
		}
		out[name] = record{checksum: sum, appliedAt: t}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("migrate: reading the history table: %w", err)
	}
	return out, nil
}

// isApplied reports whether one migration is recorded, inside the migration's transaction.
func (m *Migrator) isApplied(ctx context.Context, q execQuerier, name string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+m.dialect.Quote(m.cfg.Table)+" WHERE name = "+m.dialect.Placeholder(1), name).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("migrate: reading the history table: %w", err)
	}
	return n > 0, nil
}

func (m *Migrator) recordApplied(ctx context.Context, q execQuerier, mig Migration) error {
	_, err := q.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s (name, checksum, applied_at) VALUES (%s, %s, %s)",
		m.dialect.Quote(m.cfg.Table), m.dialect.Placeholder(1), m.dialect.Placeholder(2), m.dialect.Placeholder(3)),
		mig.Name, mig.Checksum(), time.Now().UTC())
	if err != nil {
		return fmt.Errorf("migrate: recording %s in the history table: %w", mig.Name, err)
	}
	return nil
}

func (m *Migrator) recordRolledBack(ctx context.Context, q execQuerier, mig Migration) error {
	_, err := q.ExecContext(ctx, "DELETE FROM "+m.dialect.Quote(m.cfg.Table)+" WHERE name = "+m.dialect.Placeholder(1), mig.Name)
	if err != nil {
		return fmt.Errorf("migrate: removing %s from the history table: %w", mig.Name, err)
	}
	return nil
}

// asTime converts a scanned timestamp: drivers return time.Time, or text when they do not
// parse times (go-sql-driver/mysql without parseTime).
func asTime(v any) (time.Time, error) {
	switch v := v.(type) {
	case time.Time:
		return v.UTC(), nil
	case []byte:
		return parseTime(string(v))
	case string:
		return parseTime(v)
	case nil:
		return time.Time{}, errors.New("applied_at is NULL")
	}
	return time.Time{}, fmt.Errorf("applied_at has unexpected type %T", v)
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{
		time.RFC3339Nano,
		"2006-01-02 15:04:05.999999999-07:00",
		"2006-01-02 15:04:05.999999999 -0700 MST",
		"2006-01-02 15:04:05.999999999",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("applied_at %q is not a timestamp", s)
}

// lockName is the name of the lock that serialises migration runs on one database (schema),
// so that runs on other schemas of the same server do not wait for each other.
func (m *Migrator) lockName(ctx context.Context, conn *sql.Conn) (string, error) {
	var ns string
	var q string
	switch m.dialect.Name() {
	case "postgres":
		q = "SELECT current_database() || '.' || current_schema()"
	case "mysql":
		q = "SELECT DATABASE()"
	default:
		return "", nil
	}
	var v sql.NullString
	if err := conn.QueryRowContext(ctx, q).Scan(&v); err != nil {
		return "", fmt.Errorf("migrate: reading the current schema: %w", err)
	}
	ns = v.String
	name := "sinew_migrations:" + ns + ":" + m.cfg.Table
	if len(name) > 64 { // MySQL's limit for lock names
		h := fnv.New64a()
		h.Write([]byte(name))
		name = fmt.Sprintf("sinew_migrations:%x", h.Sum64())
	}
	return name, nil
}

// lock takes the database-wide migration lock on conn (PostgreSQL's session advisory lock,
// MySQL's GET_LOCK), waiting up to Config.LockTimeout, and returns its release. SQLite
// needs none: each migration runs in a BEGIN IMMEDIATE transaction that holds the write
// lock while it checks the history and applies.
func (m *Migrator) lock(ctx context.Context, conn *sql.Conn) (func(), error) {
	name, err := m.lockName(ctx, conn)
	if err != nil {
		return nil, err
	}
	switch m.dialect.Name() {
	case "postgres":
		h := fnv.New64a()
		h.Write([]byte(name))
		key := int64(h.Sum64())
		deadline := time.Now().Add(m.cfg.LockTimeout)
		for wait := 10 * time.Millisecond; ; wait = min(wait*2, time.Second) {
			var ok bool
			if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ok); err != nil {
				return nil, fmt.Errorf("migrate: taking the migration lock: %w", err)
			}
			if ok {
				break
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("%w (%s)", ErrLockTimeout, m.cfg.LockTimeout)
			}
			select {
			case <-ctx.Done():
				return nil, fmt.Errorf("migrate: waiting for the migration lock: %w", ctx.Err())
			case <-time.After(wait):
			}
		}
		return func() {
			// A fresh context: release even when ctx was cancelled mid-run.
			// An error leaves the lock to end with the session.
			_, _ = conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", key)
		}, nil
	case "mysql":
		secs := max(int64(m.cfg.LockTimeout/time.Second), 1)
		var got sql.NullInt64
		if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, ?)", name, secs).Scan(&got); err != nil {
			return nil, fmt.Errorf("migrate: taking the migration lock: %w", err)
		}
		if !got.Valid || got.Int64 != 1 {
			return nil, fmt.Errorf("%w (%s)", ErrLockTimeout, m.cfg.LockTimeout)
		}
		return func() {
			_, _ = conn.ExecContext(context.Background(), "SELECT RELEASE_LOCK(?)", name)
		}, nil
	}
	return func() {}, nil
}

// sqlitePragma reads an integer pragma on conn.
func sqlitePragma(ctx context.Context, conn *sql.Conn, name string) (int64, error) {
	var v int64
	if err := conn.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
		return 0, fmt.Errorf("migrate: reading PRAGMA %s: %w", name, err)
	}
	return v, nil
}

// foreignKeyViolations runs SQLite's foreign_key_check and describes the first violation.
func foreignKeyViolations(ctx context.Context, q execQuerier) (string, error) {
	rows, err := q.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return "", fmt.Errorf("migrate: PRAGMA foreign_key_check: %w", err)
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var (
			table, parent string
			rowid         sql.NullInt64
			fkid          int64
		)
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return "", fmt.Errorf("migrate: PRAGMA foreign_key_check: %w", err)
		}
		found = append(found, fmt.Sprintf("a row of %s references a missing row of %s", table, parent))
		if len(found) == 3 {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("migrate: PRAGMA foreign_key_check: %w", err)
	}
	return strings.Join(found, "; "), nil
}
