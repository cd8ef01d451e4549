package orm

import (
	"context"
	"sync"
)

// trackerKey is the context key of the request's *Tracker.
type trackerKey struct{}

// Tracker counts the statements the ORM runs within one unit of work, usually an HTTP
// request, by shape (the SQL text with placeholders). With Config.DetectNPlusOne, the DB logs
// a warning naming the call site when one shape repeats more than Config.NPlusOneThreshold
// times: the signature of a query issued in a loop (N+1). Tests use it to count queries.
//
// A Tracker is safe for concurrent use.
type Tracker struct {
	mu      sync.Mutex
	total   int
	byShape map[string]int
}

// WithTracker returns a context carrying a new Tracker, and the Tracker. The web layer
// installs one per request in development.
func WithTracker(ctx context.Context) (context.Context, *Tracker) {
	t := &Tracker{byShape: map[string]int{}}
	return context.WithValue(ctx, trackerKey{}, t), t
}

// TrackerFrom returns the Tracker carried by ctx, or nil.
func TrackerFrom(ctx context.Context) *Tracker {
	t, _ := ctx.Value(trackerKey{}).(*Tracker)
	return t
}

// add records one statement and returns how many times its shape has run.
func (t *Tracker) add(query string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total++
	t.byShape[query]++
	return t.byShape[query]
}

// Queries returns the number of statements recorded.
func (t *Tracker) Queries() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.total
}

// Shapes returns how many times each statement shape ran.
func (t *Tracker) Shapes() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]int, len(t.byShape))
	for k, v := range t.byShape {
		out[k] = v
	}
	return out
}

// Reset forgets everything recorded.
func (t *Tracker) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total = 0
	clear(t.byShape)
}
