package ratelimit_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew/ratelimit"
	"github.com/sinewdev/sinew/web"
)

func TestLimiterAllow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := ratelimit.New(ratelimit.NewMemoryStore(), ratelimit.Limit{Events: 3, Per: time.Hour})
	tests := []struct {
		allowed   bool
		remaining int
	}{{true, 2}, {true, 1}, {true, 0}, {false, 0}, {false, 0}}
	for i, tt := range tests {
		d, err := l.Allow(ctx, "ada@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed != tt.allowed || d.Remaining != tt.remaining || d.Limit != 3 {
			t.Fatalf("event %d: %+v, want allowed %v remaining %d limit 3", i+1, d, tt.allowed, tt.remaining)
		}
		if until := time.Until(d.Reset); until < 59*time.Minute || until > time.Hour {
			t.Fatalf("event %d: reset in %s, want about an hour", i+1, until)
		}
		if tt.allowed {
			if d.RetryAfter != 0 || d.Err() != nil {
				t.Fatalf("event %d: allowed with RetryAfter %s, Err %v", i+1, d.RetryAfter, d.Err())
			}
			continue
		}
		if d.RetryAfter < 59*time.Minute {
			t.Fatalf("event %d: RetryAfter %s, want about an hour", i+1, d.RetryAfter)
		}
		err = d.Err()
		var le *ratelimit.LimitError
		if !errors.Is(err, ratelimit.ErrLimited) || !errors.As(err, &le) || le.RetryAfter != d.RetryAfter {
			t.Fatalf("event %d: Err() = %#v, want a *LimitError matching ErrLimited", i+1, err)
		}
		if got := web.StatusOf(err); got != http.StatusTooManyRequests {
			t.Fatalf("StatusOf(%v) = %d, want 429", err, got)
		}
		if !strings.Contains(err.Error(), "3 per 1h0m0s") {
			t.Fatalf("error %q does not name the limit", err)
		}
	}
	// Another key is not affected; Reset lets the first one in again.
	if d, _ := l.Allow(ctx, "bob@example.com"); !d.Allowed {
		t.Fatal("another key was refused")
	}
	if err := l.Reset(ctx, "ada@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := l.Check(ctx, "ada@example.com"); err != nil {
		t.Fatalf("Check after Reset: %v", err)
	}
}

func TestLimiterCheck(t *testing.T) {
	t.Parallel()
	l := ratelimit.New(ratelimit.NewMemoryStore(), ratelimit.Limit{Events: 1, Per: time.Minute})
	if err := l.Check(context.Background(), "k"); err != nil {
		t.Fatal(err)
	}
	err := l.Check(context.Background(), "k")
	if web.StatusOf(err) != http.StatusTooManyRequests {
		t.Fatalf("second Check = %v, want a 429 error", err)
	}
	h := http.Header{}
	var le *ratelimit.LimitError
	errors.As(err, &le)
	le.SetHeaders(h)
	if h.Get("Retry-After") != "60" {
		t.Fatalf("Retry-After %q, want 60", h.Get("Retry-After"))
	}
}

func TestLimitersSharingAStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := ratelimit.NewMemoryStore()
	perIP := ratelimit.New(store, ratelimit.Limit{Events: 1, Per: time.Hour, Name: "login-ip"})
	perAccount := ratelimit.New(store, ratelimit.Limit{Events: 1, Per: time.Hour, Name: "login-account"})
	unnamed := ratelimit.New(store, ratelimit.Limit{Events: 1, Per: time.Minute})
	for _, l := range []*ratelimit.Limiter{perIP, perAccount, unnamed} {
		if err := l.Check(ctx, "same-key"); err != nil {
			t.Fatalf("%s: first event refused: %v", l.Limit(), err)
		}
	}
	if store.Len() != 3 {
		t.Fatalf("store holds %d counters, want 3 (one per limiter)", store.Len())
	}
}

func TestLimiterInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		store ratelimit.Store
		limit ratelimit.Limit
		want  string
	}{
		{"zero", ratelimit.NewMemoryStore(), ratelimit.Limit{}, "Events"},
		{"negative events", ratelimit.NewMemoryStore(), ratelimit.Limit{Events: -1, Per: time.Second}, "Events"},
		{"no window", ratelimit.NewMemoryStore(), ratelimit.Limit{Events: 1}, "Per"},
		{"sub-millisecond", ratelimit.NewMemoryStore(), ratelimit.Limit{Events: 1, Per: time.Microsecond}, "Per"},
		{"no store", nil, ratelimit.Limit{Events: 1, Per: time.Second}, "Store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := ratelimit.New(tt.store, tt.limit)
			if _, err := l.Allow(context.Background(), "k"); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Allow = %v, want an error about %s", err, tt.want)
			}
			if err := l.Reset(context.Background(), "k"); err == nil {
				t.Fatal("Reset succeeded on an invalid limiter")
			}
		})
	}
}

func TestMemoryStoreSweeps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := ratelimit.NewMemoryStore()
	for i := range 2000 {
		if _, _, err := s.Hit(ctx, "short-"+string(rune('a'+i%26))+strings.Repeat("x", i%97)+time.Duration(i).String(), time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(5 * time.Millisecond)
	for i := range 3000 {
		if _, _, err := s.Hit(ctx, "long-"+time.Duration(i).String(), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	// The expired counters were swept while the new ones were added.
	if n := s.Len(); n > 3000+1024 {
		t.Fatalf("store holds %d counters after 2000 expired and 3000 live ones, want expired ones swept", n)
	}
}
