package orm

import (
	"context"
	"time"
)

// QueryHook observes every statement the ORM runs: metrics and tracing (the observe
// package) plug in here through Config.Hook. BeforeQuery is called just before the
// statement is sent, and the context it returns is the one the statement runs with (a
// tracing span lives there); AfterQuery is called with that context once the driver has
// answered (for a query, when the first rows are available, before they are scanned).
// Both run on the caller's goroutine and must be cheap and safe for concurrent use.
type QueryHook interface {
	BeforeQuery(ctx context.Context, q QueryEvent) context.Context
	AfterQuery(ctx context.Context, q QueryEvent, d time.Duration, err error)
}

// QueryEvent describes one statement for a QueryHook.
type QueryEvent struct {
	// Operation is the statement's kind, lower case: "select", "insert", "update",
	// "delete", or "other". It is a constant string, safe to use as a metric label.
	Operation string
	// Table is the table of the model the statement is about, or "" for raw SQL and
	// statements not tied to one model.
	Table string
	// SQL is the statement with its placeholders (never the argument values).
	SQL string
	// System is the dialect's name: "sqlite", "postgres" or "mysql".
	System string
}

// hookBefore calls the hook, if any, before a statement; it returns the context to run the
// statement with and what hookAfter needs.
func (db *DB) hookBefore(ctx context.Context, m *model, query string) (context.Context, QueryEvent, time.Time) {
	if db.cfg.Hook == nil {
		return ctx, QueryEvent{}, time.Time{}
	}
	ev := QueryEvent{Operation: Operation(query), SQL: query, System: db.d.Name()}
	if m != nil {
		ev.Table = m.meta.Table
	}
	return db.cfg.Hook.BeforeQuery(ctx, ev), ev, time.Now()
}

// hookAfter calls the hook, if any, once a statement has run.
func (db *DB) hookAfter(ctx context.Context, ev QueryEvent, start time.Time, err error) {
	if db.cfg.Hook == nil {
		return
	}
	db.cfg.Hook.AfterQuery(ctx, ev, time.Since(start), err)
}

// Operation returns the kind of an SQL statement from its first keyword, lower case:
// "select" (also for WITH and VALUES), "insert", "update", "delete" or "other".
// It allocates nothing.
func Operation(query string) string {
	i := 0
	for i < len(query) && (query[i] == ' ' || query[i] == '\t' || query[i] == '\n' || query[i] == '\r' || query[i] == '(') {
		i++
	}
	j := i
	for j < len(query) && (query[j]|0x20) >= 'a' && (query[j]|0x20) <= 'z' {
		j++
	}
	word := query[i:j]
	for _, k := range [...]struct{ kw, op string }{
		{"select", "select"}, {"insert", "insert"}, {"update", "update"}, {"delete", "delete"},
		{"with", "select"}, {"values", "select"}, {"replace", "insert"},
	} {
		if len(word) == len(k.kw) && equalFoldASCII(word, k.kw) {
			return k.op
		}
	}
	return "other"
}

func equalFoldASCII(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		if s[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}
