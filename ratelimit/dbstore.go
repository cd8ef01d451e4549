package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
)

// TableName is the table of the database store.
const TableName = "sinew_ratelimits"

// historyTable is the migration history table CreateTable uses, apart from the app's own.
const historyTable = "sinew_ratelimit_migrations"

// Migrations returns the migrations that create the database store's table,
// sinew_ratelimits: id (the hex SHA-256 of the key, so e-mail addresses and IPs used as
// keys are not stored in clear and any key fits), hits, and reset_ms (the end of the
// window in Unix milliseconds, indexed for DeleteExpired). Append them to the app's own
// migrations, or apply them on their own with CreateTable.
func Migrations() []migrate.Migration {
	return []migrate.Migration{{
		Name: "0001_sinew_ratelimits",
		Operations: []migrate.Operation{
			migrate.CreateTable{
				Name: TableName,
				Columns: []migrate.Column{
					{Name: "id", Kind: orm.KindString, Size: 64, PrimaryKey: true},
					{Name: "hits", Kind: orm.KindInt},
					{Name: "reset_ms", Kind: orm.KindInt},
				},
				Indexes: []migrate.Index{{Name: "sinew_ratelimits_reset_ms", Columns: []string{"reset_ms"}}},
			},
		},
	}}
}

// CreateTable applies Migrations to db, recording them in their own history table
// (sinew_ratelimit_migrations) so they never mix with the app's numbering. It is
// idempotent.
func CreateTable(ctx context.Context, db *orm.DB) error {
	m, err := migrate.FromORM(db, Migrations(), migrate.Config{Table: historyTable})
	if err != nil {
		return fmt.Errorf("ratelimit: %w", err)
	}
	if _, err := m.Apply(ctx); err != nil {
		return fmt.Errorf("ratelimit: creating %s: %w", TableName, err)
	}
	return nil
}

// DBStore is a Store in the sinew_ratelimits table of an ORM database (SQLite, PostgreSQL
// or MySQL/MariaDB), so limits hold across every instance of an app sharing the database.
// Each Hit is one atomic upsert (INSERT ... ON CONFLICT ... RETURNING on SQLite and
// PostgreSQL; INSERT ... ON DUPLICATE KEY UPDATE and a read of the locked row in one
// transaction on MySQL). The table must exist: see Migrations and CreateTable. Expired rows
// are never counted, only kept until DeleteExpired removes them.
//
// Hit and Reset run outside any transaction ctx carries, so a count survives the rollback
// of the request's work. On SQLite, whose writes go through one connection, do not call
// them while holding a write transaction on the same database: they would wait for it.
type DBStore struct {
	db  *orm.DB
	hit string // the upsert statement for db's dialect
}

// NewDBStore returns a Store on db.
func NewDBStore(db *orm.DB) *DBStore {
	s := &DBStore{db: db}
	switch db.Dialect().Name() {
	case "mysql":
		// Assignments run left to right and see the columns already assigned, so hits is
		// computed first, from the old reset_ms, and reset_ms last.
		s.hit = "INSERT INTO " + TableName + " (id, hits, reset_ms) VALUES (?, 1, ?) " +
			"ON DUPLICATE KEY UPDATE hits = IF(reset_ms <= ?, 1, hits + 1), " +
			"reset_ms = IF(reset_ms <= ?, VALUES(reset_ms), reset_ms)"
	default: // sqlite, postgres: every SET expression reads the old row
		s.hit = "INSERT INTO " + TableName + " (id, hits, reset_ms) VALUES (?, 1, ?) " +
			"ON CONFLICT (id) DO UPDATE SET " +
			"hits = CASE WHEN " + TableName + ".reset_ms <= ? THEN 1 ELSE " + TableName + ".hits + 1 END, " +
			"reset_ms = CASE WHEN " + TableName + ".reset_ms <= ? THEN excluded.reset_ms ELSE " + TableName + ".reset_ms END " +
			"RETURNING hits, reset_ms"
	}
	return s
}

// hashKey returns the hex SHA-256 of key: the row ID of the database store.
func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

type dbRow struct {
	Hits    int64 `db:"hits"`
	ResetMS int64 `db:"reset_ms"`
}

// Hit implements Store.
func (s *DBStore) Hit(ctx context.Context, key string, window time.Duration) (int, time.Time, error) {
	if err := checkWindow(window); err != nil {
		return 0, time.Time{}, err
	}
	id := hashKey(key)
	now := time.Now().UnixMilli()
	reset := now + window.Milliseconds()
	var row dbRow
	var err error
	if s.db.Dialect().Name() == "mysql" {
		// A transaction of its own, never a savepoint in the caller's: a refused login whose
		// transaction rolls back must still count.
		err = s.db.Tx(orm.WithDB(ctx, s.db), func(ctx context.Context) error {
			if _, err := orm.Exec(ctx, s.hit, id, reset, now, now); err != nil {
				return err
			}
			rows, err := orm.Raw[dbRow](ctx, "SELECT hits, reset_ms FROM "+TableName+" WHERE id = ? FOR UPDATE", id)
			if err != nil {
				return err
			}
			if len(rows) != 1 {
				return errors.New("the counter's row vanished")
			}
			row = rows[0]
			return nil
		})
	} else {
		var rows []dbRow
		rows, err = orm.Raw[dbRow](orm.WithDB(ctx, s.db), s.hit, id, reset, now, now)
		if err == nil && len(rows) != 1 {
			err = fmt.Errorf("the upsert returned %d rows", len(rows))
		}
		if err == nil {
			row = rows[0]
		}
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("ratelimit: counting an event: %w", err)
	}
	return int(row.Hits), time.UnixMilli(row.ResetMS), nil
}

// Reset implements Store.
func (s *DBStore) Reset(ctx context.Context, key string) error {
	if _, err := orm.Exec(orm.WithDB(ctx, s.db), "DELETE FROM "+TableName+" WHERE id = ?", hashKey(key)); err != nil {
		return fmt.Errorf("ratelimit: resetting a counter: %w", err)
	}
	return nil
}

// DeleteExpired removes the rows of windows that have ended and reports how many it
// removed. Run it periodically (hourly is plenty): expired rows are never counted, only
// kept.
func (s *DBStore) DeleteExpired(ctx context.Context) (int64, error) {
	res, err := orm.Exec(orm.WithDB(ctx, s.db), "DELETE FROM "+TableName+" WHERE reset_ms <= ?", time.Now().UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("ratelimit: deleting expired counters: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("ratelimit: counting deleted counters: %w", err)
	}
	return n, nil
}

// Close does nothing: the database belongs to the caller. It makes every store of this
// package an io.Closer.
func (s *DBStore) Close() error { return nil }
