package orm

import (
	"time"
	"unsafe"
)

// argArena boxes the values bound to one statement without an allocation per value.
//
// database/sql takes arguments as []any, and putting a string, an int64 or a time.Time
// into an interface normally copies it to the heap: one allocation per value, which for a
// bulk insert of 1,000 rows of five columns is thousands of allocations (bun avoids them by
// writing the values into the SQL text; Sinew never does, so values can never become
// SQL). The arena instead copies each value into a typed slice it owns and makes the
// interface point to that copy. Interface values are immutable: a copy is written once,
// before its interface exists, and never again; the slices are only appended to, and when
// one grows, the interfaces made so far keep pointing into the old backing array, which
// the garbage collector keeps alive through them. For single-row statements the first
// values go to arrays inside the arena, so the arena itself is the statement's only
// allocation for its arguments.
type argArena struct {
	args  []any
	strs  []string
	ints  []int64
	times []time.Time
	flts  []float64

	argBuf  [8]any
	strBuf  [4]string
	intBuf  [3]int64
	timeBuf [2]time.Time
	fltBuf  [1]float64
}

// eface is the layout of an empty interface: a type word and a data pointer.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// The type words of the boxed types, taken from constants the compiler boxes statically.
func typeWord(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

// newArgArena returns an arena for a statement of about n arguments, of which the given
// numbers are strings, integers, times and floats (capacities only: more may be added).
func newArgArena(n, strs, ints, times, flts int) *argArena {
	a := &argArena{}
	a.args = a.argBuf[:0]
	if n > len(a.argBuf) {
		a.args = make([]any, 0, n)
	}
	a.strs = a.strBuf[:0]
	if strs > len(a.strBuf) {
		a.strs = make([]string, 0, strs)
	}
	a.ints = a.intBuf[:0]
	if ints > len(a.intBuf) {
		a.ints = make([]int64, 0, ints)
	}
	a.times = a.timeBuf[:0]
	if times > len(a.timeBuf) {
		a.times = make([]time.Time, 0, times)
	}
	a.flts = a.fltBuf[:0]
	if flts > len(a.fltBuf) {
		a.flts = make([]float64, 0, flts)
	}
	return a
}

// str returns s as an interface holding the arena's copy.
func (a *argArena) str(s string) any {
	a.strs = append(a.strs, s)
	return point(typeWord(""), unsafe.Pointer(&a.strs[len(a.strs)-1]))
}

// int returns x as an interface holding the arena's copy (small values need none: the
// runtime boxes them without allocating).
func (a *argArena) int(x int64) any {
	if x >= 0 && x < 256 {
		return x
	}
	a.ints = append(a.ints, x)
	return point(typeWord(int64(0)), unsafe.Pointer(&a.ints[len(a.ints)-1]))
}

// time returns t as an interface holding the arena's copy.
func (a *argArena) time(t time.Time) any {
	a.times = append(a.times, t)
	return point(typeWord(time.Time{}), unsafe.Pointer(&a.times[len(a.times)-1]))
}

// float returns x as an interface holding the arena's copy.
func (a *argArena) float(x float64) any {
	a.flts = append(a.flts, x)
	return point(typeWord(float64(0)), unsafe.Pointer(&a.flts[len(a.flts)-1]))
}

// point returns an interface of type typ whose data is at p, a value that will never
// change.
func point(typ, p unsafe.Pointer) any {
	var out any
	e := (*eface)(unsafe.Pointer(&out))
	e.typ = typ
	e.data = p
	return out
}
