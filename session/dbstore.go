package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
)

// TableName is the table of the database store.
const TableName = "sinew_sessions"

// historyTable is the migration history table CreateTable uses, apart from the app's own.
const historyTable = "sinew_session_migrations"

// Migrations returns the migrations that create the database store's table,
// sinew_sessions: id (the hex SHA-256 of the session ID, never the ID itself), data,
// expires_at (indexed, for DeleteExpired) and created_at. Append them to the app's own
// migrations, or apply them on their own with CreateTable.
func Migrations() []migrate.Migration {
	return []migrate.Migration{{
		Name: "0001_sinew_sessions",
		Operations: []migrate.Operation{
			migrate.CreateTable{
				Name: TableName,
				Columns: []migrate.Column{
					{Name: "id", Kind: orm.KindString, Size: 64, PrimaryKey: true},
					{Name: "data", Kind: orm.KindBytes},
					{Name: "expires_at", Kind: orm.KindTime},
					{Name: "created_at", Kind: orm.KindTime},
				},
				Indexes: []migrate.Index{{Name: "sinew_sessions_expires_at", Columns: []string{"expires_at"}}},
			},
		},
	}}
}

// CreateTable applies Migrations to db, recording them in their own history table
// (sinew_session_migrations) so they never mix with the app's numbering. It is idempotent.
func CreateTable(ctx context.Context, db *orm.DB) error {
	m, err := migrate.FromORM(db, Migrations(), migrate.Config{Table: historyTable})
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	if _, err := m.Apply(ctx); err != nil {
		return fmt.Errorf("session: creating %s: %w", TableName, err)
	}
	return nil
}

// DBStore is a Store in the sinew_sessions table of an ORM database (SQLite, PostgreSQL or
// MySQL/MariaDB). The table must exist: see Migrations and CreateTable.
type DBStore struct {
	db *orm.DB
}

// NewDBStore returns a Store on db.
func NewDBStore(db *orm.DB) *DBStore { return &DBStore{db: db} }

// Close does nothing: the database belongs to the caller. It makes every store of this
// package an io.Closer.
func (s *DBStore) Close() error { return nil }

type dbRow struct {
	Data      []byte    `db:"data"`
	ExpiresAt time.Time `db:"expires_at"`
}

// Get implements Store.
func (s *DBStore) Get(ctx context.Context, id string) ([]byte, error) {
	if id == "" || len(id) > maxIDLen {
		return nil, ErrNotFound
	}
	rows, err := orm.Raw[dbRow](orm.WithDB(ctx, s.db),
		"SELECT data, expires_at FROM "+TableName+" WHERE id = ?", hashID(id))
	if err != nil {
		return nil, fmt.Errorf("session: reading session: %w", err)
	}
	if len(rows) == 0 || !rows[0].ExpiresAt.After(time.Now()) {
		return nil, ErrNotFound
	}
	if rows[0].Data == nil {
		return []byte{}, nil
	}
	return rows[0].Data, nil
}

// Save implements Store.
func (s *DBStore) Save(ctx context.Context, id string, data []byte, expires time.Time) error {
	if err := checkSave(id, data); err != nil {
		return err
	}
	if !expires.After(time.Now()) {
		return s.Delete(ctx, id)
	}
	if data == nil {
		data = []byte{}
	}
	var q string
	switch s.db.Dialect().Name() {
	case "mysql":
		q = "INSERT INTO " + TableName + " (id, data, expires_at, created_at) VALUES (?, ?, ?, ?) " +
			"ON DUPLICATE KEY UPDATE data = VALUES(data), expires_at = VALUES(expires_at)"
	default: // sqlite, postgres
		q = "INSERT INTO " + TableName + " (id, data, expires_at, created_at) VALUES (?, ?, ?, ?) " +
			"ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at"
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	exp := expires.UTC().Truncate(time.Microsecond)
	if _, err := orm.Exec(orm.WithDB(ctx, s.db), q, hashID(id), data, exp, now); err != nil {
		return fmt.Errorf("session: saving session: %w", err)
	}
	return nil
}

// Delete implements Store.
func (s *DBStore) Delete(ctx context.Context, id string) error {
	if id == "" || len(id) > maxIDLen {
		return nil
	}
	if _, err := orm.Exec(orm.WithDB(ctx, s.db), "DELETE FROM "+TableName+" WHERE id = ?", hashID(id)); err != nil {
		return fmt.Errorf("session: deleting session: %w", err)
	}
	return nil
}

// DeleteExpired implements Store. Run it periodically (a daily job is plenty): expired
// rows are never returned, only kept.
func (s *DBStore) DeleteExpired(ctx context.Context) (int64, error) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	res, err := orm.Exec(orm.WithDB(ctx, s.db), "DELETE FROM "+TableName+" WHERE expires_at <= ?", now)
	if err != nil {
		return 0, fmt.Errorf("session: deleting expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, errors.Join(errors.New("session: counting deleted sessions"), err)
	}
	return n, nil
}
