package orm

import (
	"runtime"
	"strconv"
	"testing"
	"time"
)

// TestArgArena: values boxed in the arena read back unchanged, through slice growth (the
// arena starts small here) and garbage collections, and the interfaces have the dynamic
// types database/sql and the drivers switch on.
func TestArgArena(t *testing.T) {
	t.Parallel()
	a := newArgArena(0, 0, 0, 0, 0)
	base := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	const n = 2000
	var got []any
	for i := range n {
		got = append(got, a.str("s"+strconv.Itoa(i)), a.int(int64(i)*1000-7), a.time(base.Add(time.Duration(i)*time.Second)), a.float(float64(i)/4))
		if i%500 == 0 {
			runtime.GC()
		}
	}
	runtime.GC()
	for i := range n {
		s, ok := got[4*i].(string)
		if !ok || s != "s"+strconv.Itoa(i) {
			t.Fatalf("string %d: %#v", i, got[4*i])
		}
		if x, ok := got[4*i+1].(int64); !ok || x != int64(i)*1000-7 {
			t.Fatalf("int %d: %#v", i, got[4*i+1])
		}
		if tm, ok := got[4*i+2].(time.Time); !ok || !tm.Equal(base.Add(time.Duration(i)*time.Second)) {
			t.Fatalf("time %d: %#v", i, got[4*i+2])
		}
		if f, ok := got[4*i+3].(float64); !ok || f != float64(i)/4 {
			t.Fatalf("float %d: %#v", i, got[4*i+3])
		}
	}
	if a.int(5) != any(int64(5)) {
		t.Error("small integers must box like any other int64")
	}
}

// TestArgArenaAllocations: a single row of a few values costs one allocation (the arena).
func TestArgArenaAllocations(t *testing.T) {
	now := time.Now()
	sink := make([]any, 0, 8)
	allocs := testing.AllocsPerRun(100, func() {
		a := newArgArena(4, 2, 1, 1, 0)
		a.args = append(a.args, a.str("title"), a.str("body"), a.int(123456), a.time(now))
		sink = append(sink[:0], a.args...)
	})
	if allocs > 1 {
		t.Errorf("%.0f allocations per row, want 1", allocs)
	}
}
