package ratelimittest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sinewdev/sinew/ratelimit"
)

// NewStore returns a fresh, empty store for one subtest, cleaned up when t ends.
type NewStore func(t *testing.T) ratelimit.Store

// RequireEnvVar is the variable that turns a missing service into a failure.
const RequireEnvVar = "SINEW_TEST_REQUIRE_SERVICES"

// RequireService returns the value of the environment variable env. When it is not set,
// t is skipped with a message naming the variable, or failed when SINEW_TEST_REQUIRE_SERVICES
// is set.
func RequireService(t testing.TB, env, what string) string {
	t.Helper()
	v := os.Getenv(env)
	if v == "" {
		if os.Getenv(RequireEnvVar) != "" {
			t.Fatalf("%s is not set, and %s is: %s must run", env, RequireEnvVar, what)
		}
		t.Skipf("set %s to run %s", env, what)
	}
	return v
}

// slack is how far a store's reported reset may be from the expected one: stores keep
// milliseconds, and Redis reports the remaining TTL rather than an instant.
const slack = 50 * time.Millisecond

func hit(t *testing.T, s ratelimit.Store, key string, window time.Duration) (int, time.Time) {
	t.Helper()
	n, reset, err := s.Hit(context.Background(), key, window)
	if err != nil {
		t.Fatalf("Hit(%.20q, %s): %v", key, window, err)
	}
	return n, reset
}

func wantCount(t *testing.T, s ratelimit.Store, key string, window time.Duration, want int) time.Time {
	t.Helper()
	n, reset := hit(t, s, key, window)
	if n != want {
		t.Fatalf("Hit(%.20q) = %d, want %d", key, n, want)
	}
	return reset
}

func near(got, want time.Time) bool {
	d := got.Sub(want)
	return d > -slack && d < slack
}

// Run runs the conformance suite against the stores newStore returns.
func Run(t *testing.T, newStore NewStore) {
	t.Helper()
	const hour = time.Hour
	tests := []struct {
		name string
		fn   func(t *testing.T, s ratelimit.Store)
	}{
		{"FirstHit", func(t *testing.T, s ratelimit.Store) {
			before := time.Now()
			n, reset := hit(t, s, "first", hour)
			after := time.Now()
			if n != 1 {
				t.Fatalf("first Hit = %d, want 1", n)
			}
			if reset.Before(before.Add(hour-slack)) || reset.After(after.Add(hour+slack)) {
				t.Fatalf("reset %s, want about %s", reset.Format(time.RFC3339Nano), before.Add(hour).Format(time.RFC3339Nano))
			}
		}},
		{"Counting", func(t *testing.T, s ratelimit.Store) {
			first := wantCount(t, s, "count", hour, 1)
			for i := 2; i <= 25; i++ {
				reset := wantCount(t, s, "count", hour, i)
				if !near(reset, first) {
					t.Fatalf("hit %d moved the window's end from %s to %s (windows are fixed)", i, first, reset)
				}
			}
		}},
		{"Isolation", func(t *testing.T, s ratelimit.Store) {
			wantCount(t, s, "a", hour, 1)
			wantCount(t, s, "a", hour, 2)
			wantCount(t, s, "b", hour, 1)
			wantCount(t, s, "A", hour, 1)
			wantCount(t, s, "a ", hour, 1)
			wantCount(t, s, "a", hour, 3)
		}},
		{"Reset", func(t *testing.T, s ratelimit.Store) {
			for range 3 {
				hit(t, s, "reset", hour)
			}
			wantCount(t, s, "other", hour, 1)
			if err := s.Reset(context.Background(), "reset"); err != nil {
				t.Fatal(err)
			}
			wantCount(t, s, "reset", hour, 1)
			wantCount(t, s, "other", hour, 2)
			if err := s.Reset(context.Background(), "never-seen"); err != nil {
				t.Fatalf("Reset of an unknown key: %v", err)
			}
		}},
		{"Expiry", func(t *testing.T, s ratelimit.Store) {
			const w = 300 * time.Millisecond
			first := wantCount(t, s, "expiry", w, 1)
			wantCount(t, s, "expiry", w, 2)
			wantCount(t, s, "long", hour, 1)
			time.Sleep(time.Until(first) + 100*time.Millisecond)
			before := time.Now()
			reset := wantCount(t, s, "expiry", w, 1)
			after := time.Now()
			if reset.Before(before.Add(w-slack)) || reset.After(after.Add(w+slack)) {
				t.Fatalf("new window ends %s, want about %s", reset, before.Add(w))
			}
			if !reset.After(first) {
				t.Fatalf("new window ends %s, not after the old one's end %s", reset, first)
			}
			wantCount(t, s, "expiry", w, 2)
			wantCount(t, s, "long", hour, 2)
		}},
		{"WindowPerHit", func(t *testing.T, s ratelimit.Store) {
			// The window given to the hit that starts a counter decides its length.
			short := wantCount(t, s, "w", 200*time.Millisecond, 1)
			if time.Until(short) > 200*time.Millisecond+slack {
				t.Fatalf("window ends in %s, want at most 200ms", time.Until(short))
			}
		}},
		{"HostileKeys", func(t *testing.T, s ratelimit.Store) {
			keys := []string{
				"", " ", "*", "?", "[a-z]*", "sinew:ratelimit:*", "' OR '1'='1", `"; DROP TABLE sinew_ratelimits; --`,
				"\x00", "\x00victim", "victim\x00", "\xff\xfe", "%", "_", "é", "\r\nDEL x",
				strings.Repeat("A", 10<<10), strings.Repeat("A", 10<<10) + "B", strings.Repeat("x", 129),
			}
			for _, k := range keys {
				wantCount(t, s, k, hour, 1)
			}
			for _, k := range keys {
				wantCount(t, s, k, hour, 2)
			}
			wantCount(t, s, "victim", hour, 1)
			for _, k := range keys {
				if err := s.Reset(context.Background(), k); err != nil {
					t.Errorf("Reset(%.20q): %v", k, err)
				}
			}
			wantCount(t, s, "victim", hour, 2)
			wantCount(t, s, "*", hour, 1)
		}},
		{"BadWindow", func(t *testing.T, s ratelimit.Store) {
			for _, w := range []time.Duration{0, -time.Second, time.Microsecond} {
				if _, _, err := s.Hit(context.Background(), "bad", w); !errors.Is(err, ratelimit.ErrBadWindow) {
					t.Errorf("Hit with window %s: %v, want ErrBadWindow", w, err)
				}
			}
			wantCount(t, s, "bad", hour, 1)
		}},
		{"CancelledContext", func(t *testing.T, s ratelimit.Store) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if _, _, err := s.Hit(ctx, "cancelled", hour); err == nil {
				t.Fatal("Hit with a cancelled context succeeded")
			}
		}},
		{"Concurrent", func(t *testing.T, s ratelimit.Store) {
			const workers, each = 40, 5
			counts := make(chan int, workers*each)
			errs := make(chan error, workers*each)
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for range each {
						n, _, err := s.Hit(context.Background(), "busy", hour)
						if err != nil {
							errs <- err
							return
						}
						counts <- n
					}
				})
			}
			wg.Wait()
			close(counts)
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			var got []int
			for n := range counts {
				got = append(got, n)
			}
			slices.Sort(got)
			for i, n := range got {
				if n != i+1 {
					t.Fatalf("counts from %d concurrent hits: %v; want each of 1..%d once", workers*each, got, workers*each)
				}
			}
			if len(got) != workers*each {
				t.Fatalf("%d counts, want %d", len(got), workers*each)
			}
			wantCount(t, s, "busy", hour, workers*each+1)
		}},
		{"ConcurrentKeys", func(t *testing.T, s ratelimit.Store) {
			const keys, each = 10, 10
			var wg sync.WaitGroup
			errs := make(chan error, keys*each)
			for k := range keys {
				for range each {
					wg.Go(func() {
						if _, _, err := s.Hit(context.Background(), fmt.Sprint("key-", k), hour); err != nil {
							errs <- err
						}
					})
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			for k := range keys {
				wantCount(t, s, fmt.Sprint("key-", k), hour, each+1)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, newStore(t))
		})
	}
}
