package orm_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/sqlite"
)

type hookKey struct{}

// recordingHook records what it is told and marks the context it returns.
type recordingHook struct {
	mu     sync.Mutex
	events []orm.QueryEvent
	errs   []error
	marked int // AfterQuery calls that saw the context BeforeQuery returned
}

func (h *recordingHook) BeforeQuery(ctx context.Context, q orm.QueryEvent) context.Context {
	return context.WithValue(ctx, hookKey{}, q.SQL)
}

func (h *recordingHook) AfterQuery(ctx context.Context, q orm.QueryEvent, d time.Duration, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, q)
	h.errs = append(h.errs, err)
	if ctx.Value(hookKey{}) == q.SQL && d >= 0 {
		h.marked++
	}
}

func TestQueryHook(t *testing.T) {
	t.Parallel()
	reg := orm.NewRegistry()
	if err := reg.Register(User{}, Post{}, Tag{}); err != nil {
		t.Fatal(err)
	}
	h := &recordingHook{}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, "sqlite::memory:", orm.Config{Registry: reg, Hook: h})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CreateTables(ctx); err != nil {
		t.Fatal(err)
	}
	ctx = orm.WithDB(ctx, db)
	h.mu.Lock()
	h.events, h.errs, h.marked = nil, nil, 0
	h.mu.Unlock()

	u := User{Name: "Ann", Email: "ann@example.com"}
	if err := orm.Create(ctx, &u); err != nil {
		t.Fatal(err)
	}
	if _, err := orm.Q[User](ctx).Filter("name", "Ann").All(); err != nil {
		t.Fatal(err)
	}
	dupErr := orm.Create(ctx, &User{Name: "Bob", Email: "ann@example.com"})
	var dup *orm.UniqueViolation
	if !errors.As(dupErr, &dup) {
		t.Fatalf("duplicate: %v", dupErr)
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.events) != 3 {
		t.Fatalf("hook saw %d statements, want 3: %+v", len(h.events), h.events)
	}
	want := []struct{ op, table string }{{"insert", "users"}, {"select", "users"}, {"insert", "users"}}
	for i, w := range want {
		ev := h.events[i]
		if ev.Operation != w.op || ev.Table != w.table || ev.System != "sqlite" || ev.SQL == "" {
			t.Errorf("statement %d: %+v, want operation %s on %s", i, ev, w.op, w.table)
		}
	}
	if h.errs[0] != nil || h.errs[1] != nil || h.errs[2] == nil {
		t.Errorf("errors seen by the hook: %v", h.errs)
	}
	if h.marked != 3 {
		t.Errorf("AfterQuery saw BeforeQuery's context %d times, want 3", h.marked)
	}
}

func TestOperation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ sql, want string }{
		{"SELECT 1", "select"},
		{"  select * from x", "select"},
		{"(SELECT 1) UNION (SELECT 2)", "select"},
		{"WITH t AS (SELECT 1) SELECT * FROM t", "select"},
		{"INSERT INTO x VALUES (1)", "insert"},
		{"Update x SET a=1", "update"},
		{"DELETE FROM x", "delete"},
		{"CREATE TABLE x (a INT)", "other"},
		{"", "other"},
		{"SELECTED", "other"},
		{"\x00\xff", "other"},
	} {
		if got := orm.Operation(tc.sql); got != tc.want {
			t.Errorf("Operation(%q) = %q, want %q", tc.sql, got, tc.want)
		}
	}
}

func BenchmarkOperation(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = orm.Operation(`SELECT "id", "name" FROM "users" WHERE "id" = ?`)
	}
}
