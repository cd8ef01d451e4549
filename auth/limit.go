package auth

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// AttemptStore counts attempts per key in fixed windows. It has the method set of
// ratelimit.Store, so the database and Redis stores of package ratelimit plug in as they
// are and the limits then hold across every instance of the app.
type AttemptStore interface {
	// Hit records one attempt for key and reports the attempts in the current window and
	// when the window ends.
	Hit(ctx context.Context, key string, window time.Duration) (count int, reset time.Time, err error)
	// Reset forgets the attempts for key.
	Reset(ctx context.Context, key string) error
}

// Limit is a number of attempts per period.
type Limit struct {
	Attempts int
	Per      time.Duration
}

// LimitError is the answer to an attempt over a limit: 429 with Retry-After.
type LimitError struct {
	// RetryAfter is when the client may try again.
	RetryAfter time.Duration
}

// Error says when to try again.
func (e *LimitError) Error() string {
	return fmt.Sprintf("Too many attempts. Try again in %s.", humanDuration(e.RetryAfter))
}

// StatusCode returns 429.
func (e *LimitError) StatusCode() int { return http.StatusTooManyRequests }

// SetHeaders sets Retry-After (whole seconds, rounded up).
func (e *LimitError) SetHeaders(h http.Header) {
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(max(e.RetryAfter, time.Second).Seconds()))))
}

func humanDuration(d time.Duration) string {
	switch {
	case d <= time.Minute:
		return "a minute"
	case d < time.Hour:
		return strconv.Itoa(int(math.Ceil(d.Minutes()))) + " minutes"
	default:
		return strconv.Itoa(int(math.Ceil(d.Hours()))) + " hours"
	}
}

// limiter applies Limits over an AttemptStore.
type limiter struct {
	store AttemptStore
}

// rule is one limit on one key.
type rule struct {
	key   string
	limit Limit
}

// hit records an attempt under every rule and returns a *LimitError when one of them is
// over its limit. Every rule is hit, so that an attacker spreading attempts over accounts
// still fills the per-IP counter.
func (l *limiter) hit(ctx context.Context, rules ...rule) error {
	var worst time.Duration
	over := false
	for _, r := range rules {
		if r.limit.Attempts <= 0 {
			continue
		}
		n, reset, err := l.store.Hit(ctx, r.key, r.limit.Per)
		if err != nil {
			return fmt.Errorf("auth: counting attempts: %w", err)
		}
		if n > r.limit.Attempts {
			over = true
			worst = max(worst, time.Until(reset))
		}
	}
	if over {
		return &LimitError{RetryAfter: worst}
	}
	return nil
}

func (l *limiter) reset(ctx context.Context, key string) error { return l.store.Reset(ctx, key) }

// memoryAttempts is the AttemptStore used when none is configured: counters in this
// process only, so each instance of a scaled-out app counts on its own.
type memoryAttempts struct {
	mu      sync.Mutex
	entries map[string]memoryEntry
	sweeps  int
}

type memoryEntry struct {
	count int
	reset time.Time
}

func newMemoryAttempts() *memoryAttempts {
	return &memoryAttempts{entries: map[string]memoryEntry{}}
}

// Hit implements AttemptStore.
func (m *memoryAttempts) Hit(_ context.Context, key string, window time.Duration) (int, time.Time, error) {
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sweeps++; m.sweeps%1024 == 0 {
		for k, e := range m.entries {
			if !now.Before(e.reset) {
				delete(m.entries, k)
			}
		}
	}
	e := m.entries[key]
	if !now.Before(e.reset) {
		e = memoryEntry{reset: now.Add(window)}
	}
	e.count++
	m.entries[key] = e
	return e.count, e.reset, nil
}

// Reset implements AttemptStore.
func (m *memoryAttempts) Reset(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries, key)
	return nil
}
