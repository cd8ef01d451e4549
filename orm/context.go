package orm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
)

// ctxKey is the context key under which the ORM keeps the *DB, or the *txState of the open
// transaction (which knows its DB).
type ctxKey struct{}

// WithDB returns a context carrying db, from which Q, Create and the other functions of this
// package take their database.
func WithDB(ctx context.Context, db *DB) context.Context {
	return context.WithValue(ctx, ctxKey{}, db)
}

// FromContext returns the DB carried by ctx (directly or through an open transaction), or
// nil.
func FromContext(ctx context.Context) *DB {
	switch v := ctx.Value(ctxKey{}).(type) {
	case *DB:
		return v
	case *txState:
		return v.db
	}
	return nil
}

// ContextValue returns the key and value under which WithDB stores db, so that a context
// implementation (such as the web layer's per-request context) can answer Value(key) with
// db for every request without allocating a context.
func ContextValue(db *DB) (key, value any) {
	return ctxKey{}, db
}

// session returns the DB and open transaction carried by ctx.
func session(ctx context.Context) (*DB, *txState) {
	switch v := ctx.Value(ctxKey{}).(type) {
	case *DB:
		return v, nil
	case *txState:
		return v.db, v
	}
	return nil, nil
}

// txState is an open transaction in a context: the transaction and the savepoint depth.
type txState struct {
	db    *DB
	tx    *sql.Tx
	depth int
}

// InTx reports whether ctx carries an open transaction.
func InTx(ctx context.Context) bool {
	_, ok := ctx.Value(ctxKey{}).(*txState)
	return ok
}

// Tx runs fn in a transaction. The context fn receives carries the transaction: every ORM
// call made with it (or a context derived from it) runs in the transaction. If fn returns
// an error or panics, the transaction is rolled back (and the panic continues); otherwise it
// is committed. Called with a context that already carries a transaction of this DB, Tx
// opens a savepoint instead, so nested calls roll back only their own part.
//
// Inside fn, use the context it receives: a statement run with another context waits for a
// connection the transaction may be holding (on SQLite the only writer connection).
func (db *DB) Tx(ctx context.Context, fn func(ctx context.Context) error) error {
	return db.TxWith(ctx, nil, fn)
}

// TxWith is Tx with transaction options (isolation level, read-only). The options are
// ignored for a nested call, which opens a savepoint.
func (db *DB) TxWith(ctx context.Context, opts *sql.TxOptions, fn func(ctx context.Context) error) (err error) {
	if st, ok := ctx.Value(ctxKey{}).(*txState); ok && st.db == db {
		return st.savepoint(ctx, fn)
	}
	tx, err := db.writer.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("orm: begin transaction: %w", err)
	}
	st := &txState{db: db, tx: tx}
	tctx := context.WithValue(ctx, ctxKey{}, st)
	returned := false
	defer func() {
		if returned {
			return
		}
		// fn panicked or called runtime.Goexit (t.FailNow in a test): never leave the
		// transaction, and its connection, open.
		_ = tx.Rollback()
		if p := recover(); p != nil {
			panic(p)
		}
	}()
	err = fn(tctx)
	returned = true
	if err != nil {
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("orm: rollback: %w", rerr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return db.translate(fmt.Errorf("orm: commit: %w", err), nil)
	}
	return nil
}

// savepoint runs fn within a savepoint of the open transaction.
func (st *txState) savepoint(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	db := st.db
	name := "sinew_sp_" + strconv.Itoa(st.depth+1)
	if _, err := db.execute(ctx, st.tx, nil, "SAVEPOINT "+name, nil); err != nil {
		return fmt.Errorf("orm: savepoint: %w", err)
	}
	child := &txState{db: db, tx: st.tx, depth: st.depth + 1}
	cctx := context.WithValue(ctx, ctxKey{}, child)
	rollback := func() error {
		if _, err := db.execute(ctx, st.tx, nil, "ROLLBACK TO SAVEPOINT "+name, nil); err != nil {
			return fmt.Errorf("orm: rollback to savepoint: %w", err)
		}
		if _, err := db.execute(ctx, st.tx, nil, "RELEASE SAVEPOINT "+name, nil); err != nil {
			return fmt.Errorf("orm: release savepoint: %w", err)
		}
		return nil
	}
	returned := false
	defer func() {
		if returned {
			return
		}
		_ = rollback()
		if p := recover(); p != nil {
			panic(p)
		}
	}()
	err = fn(cctx)
	returned = true
	if err != nil {
		if rerr := rollback(); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	if _, err := db.execute(ctx, st.tx, nil, "RELEASE SAVEPOINT "+name, nil); err != nil {
		return fmt.Errorf("orm: release savepoint: %w", err)
	}
	return nil
}

// inTx runs fn in a transaction (or savepoint) of db when needed is true, else directly.
func (db *DB) inTx(ctx context.Context, needed bool, fn func(ctx context.Context) error) error {
	if !needed {
		return fn(ctx)
	}
	return db.Tx(ctx, fn)
}
