package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Limit is a rate: at most Events events per Per, counted in fixed windows that start at a
// key's first event. Limit{Events: 10, Per: 15 * time.Minute} allows ten login attempts a
// quarter of an hour.
type Limit struct {
	// Events is how many events a window allows; it must be at least 1.
	Events int
	// Per is the window's length; it must be at least a millisecond.
	Per time.Duration
	// Name prefixes the keys of the Limiter's counters, so limiters sharing a store never
	// share counters. Default: "<Events>/<Per>", such as "10/15m0s".
	Name string
}

// String returns the limit as "10 per 15m0s".
func (l Limit) String() string { return strconv.Itoa(l.Events) + " per " + l.Per.String() }

func (l Limit) check() error {
	if l.Events < 1 {
		return fmt.Errorf("ratelimit: Limit.Events is %d: want at least 1", l.Events)
	}
	if l.Per < time.Millisecond {
		return fmt.Errorf("ratelimit: Limit.Per is %s: want at least 1ms", l.Per)
	}
	return nil
}

// Store keeps counters of events per key in fixed windows. Implementations must be safe for
// concurrent use and atomic: n concurrent Hits on a fresh key report the counts 1 to n, each
// once, even from several processes sharing the store. The package provides a database
// store (DBStore), a Redis store (RedisStore) and an in-process one (MemoryStore); all pass
// the conformance suite in ratelimit/ratelimittest.
type Store interface {
	// Hit records one event for key and reports the number of events in key's current
	// window, this one included, and when that window ends. The first event of a key, or
	// the first after its window ended, starts a new window of the given length.
	Hit(ctx context.Context, key string, window time.Duration) (count int, reset time.Time, err error)
	// Reset forgets key's counter; resetting an unknown key is not an error.
	Reset(ctx context.Context, key string) error
}

// ErrLimited is matched by every *LimitError: errors.Is(err, ratelimit.ErrLimited).
var ErrLimited = errors.New("ratelimit: too many requests")

// LimitError reports that a limit was reached. Its StatusCode is 429, so a handler that
// returns it gets a 429 answer; call SetHeaders first to tell the client when to retry.
type LimitError struct {
	// Limit is the limit that was reached.
	Limit Limit
	// RetryAfter is how long until the window ends and events are allowed again.
	RetryAfter time.Duration
}

// Error describes the limit and when to retry.
func (e *LimitError) Error() string {
	return fmt.Sprintf("too many requests (limit %s): retry in %s", e.Limit, retrySeconds(e.RetryAfter)+"s")
}

// StatusCode returns 429 Too Many Requests.
func (e *LimitError) StatusCode() int { return http.StatusTooManyRequests }

// Is reports whether target is ErrLimited.
func (e *LimitError) Is(target error) bool { return target == ErrLimited }

// SetHeaders sets Retry-After (in whole seconds, rounded up) on h.
func (e *LimitError) SetHeaders(h http.Header) { h.Set("Retry-After", retrySeconds(e.RetryAfter)) }

// retrySeconds rounds d up to whole seconds, at least 1.
func retrySeconds(d time.Duration) string {
	s := int64((d + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	return strconv.FormatInt(s, 10)
}

// Decision is the outcome of one Limiter.Allow.
type Decision struct {
	// Allowed reports whether the event is within the limit.
	Allowed bool
	// Limit is the number of events a window allows.
	Limit int
	// Remaining is how many more events the current window allows (0 once it is exhausted).
	Remaining int
	// Reset is when the current window ends.
	Reset time.Time
	// RetryAfter is how long until Reset when the event was refused; 0 when it was allowed.
	RetryAfter time.Duration

	limit Limit
}

// Err returns nil when the event was allowed and a *LimitError when it was refused.
func (d Decision) Err() error {
	if d.Allowed {
		return nil
	}
	return &LimitError{Limit: d.limit, RetryAfter: d.RetryAfter}
}

// SetHeaders sets the RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset headers
// (draft-ietf-httpapi-ratelimit-headers: Reset in seconds from now), and Retry-After when
// the event was refused.
func (d Decision) SetHeaders(h http.Header) {
	h.Set("RateLimit-Limit", strconv.Itoa(d.Limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(d.Remaining))
	h.Set("RateLimit-Reset", retrySeconds(time.Until(d.Reset)))
	if !d.Allowed {
		h.Set("Retry-After", retrySeconds(d.RetryAfter))
	}
}

// Limiter applies one Limit to many keys (an IP address, an account, an API token) over a
// Store. It is safe for concurrent use.
type Limiter struct {
	store  Store
	limit  Limit
	prefix string
	err    error
}

// New returns a Limiter of limit over store. An invalid limit (Events < 1 or Per < 1ms)
// makes every Allow fail with an error that says so.
func New(store Store, limit Limit) *Limiter {
	l := &Limiter{store: store, limit: limit, err: limit.check()}
	if store == nil {
		l.err = errors.New("ratelimit: New needs a Store")
	}
	name := limit.Name
	if name == "" {
		name = strconv.Itoa(limit.Events) + "/" + limit.Per.String()
	}
	l.prefix = name + ":"
	return l
}

// Limit returns the limiter's limit.
func (l *Limiter) Limit() Limit { return l.limit }

// Allow records one event for key and decides whether it is within the limit. Refused
// events are counted too, so a client that keeps trying stays refused until the window
// ends. Errors come from the store; callers choose whether to fail open or closed.
func (l *Limiter) Allow(ctx context.Context, key string) (Decision, error) {
	if l.err != nil {
		return Decision{}, l.err
	}
	count, reset, err := l.store.Hit(ctx, l.prefix+key, l.limit.Per)
	if err != nil {
		return Decision{}, err
	}
	d := Decision{Allowed: count <= l.limit.Events, Limit: l.limit.Events, Reset: reset, limit: l.limit}
	if d.Allowed {
		d.Remaining = l.limit.Events - count
	} else {
		d.RetryAfter = max(time.Until(reset), 0)
	}
	return d, nil
}

// Check is Allow for handlers: it returns nil when the event is allowed, a *LimitError
// (429) when it is refused, and the store's error otherwise.
func (l *Limiter) Check(ctx context.Context, key string) error {
	d, err := l.Allow(ctx, key)
	if err != nil {
		return err
	}
	return d.Err()
}

// Reset forgets key's counter, for instance after a successful login.
func (l *Limiter) Reset(ctx context.Context, key string) error {
	if l.err != nil {
		return l.err
	}
	return l.store.Reset(ctx, l.prefix+key)
}

// ErrBadWindow is returned by the stores for a window shorter than a millisecond.
var ErrBadWindow = errors.New("ratelimit: window must be at least 1ms")

func checkWindow(w time.Duration) error {
	if w < time.Millisecond {
		return fmt.Errorf("%w (got %s)", ErrBadWindow, w)
	}
	return nil
}
