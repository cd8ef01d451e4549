package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/sinewdev/sinew/ratelimit"
)

// A login handler allows five attempts per account per 15 minutes, and forgets the count
// after a successful login.
func ExampleLimiter_Check() {
	ctx := context.Background()
	store := ratelimit.NewMemoryStore() // in an app: app.RateLimitStore(), shared by every instance
	perAccount := ratelimit.New(store, ratelimit.Limit{Events: 5, Per: 15 * time.Minute, Name: "login-account"})

	for attempt := 1; attempt <= 6; attempt++ {
		err := perAccount.Check(ctx, "ada@example.com")
		var le *ratelimit.LimitError
		if errors.As(err, &le) {
			fmt.Printf("attempt %d: %d, retry in about %s\n", attempt, le.StatusCode(), le.RetryAfter.Round(time.Minute))
			continue
		}
		fmt.Printf("attempt %d: checking the password\n", attempt)
	}
	_ = perAccount.Reset(ctx, "ada@example.com") // after a successful login
	// Output:
	// attempt 1: checking the password
	// attempt 2: checking the password
	// attempt 3: checking the password
	// attempt 4: checking the password
	// attempt 5: checking the password
	// attempt 6: 429, retry in about 15m0s
}

// Middleware limits a whole route per client IP.
func ExampleMiddleware() {
	l := ratelimit.New(ratelimit.NewMemoryStore(), ratelimit.Limit{Events: 2, Per: time.Minute})
	h := ratelimit.Middleware(l, ratelimit.ByIP)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "hello")
	}))
	for range 3 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		fmt.Printf("%d remaining=%s retry-after=%q\n", rec.Code, rec.Header().Get("RateLimit-Remaining"), rec.Header().Get("Retry-After"))
	}
	// Output:
	// 200 remaining=1 retry-after=""
	// 200 remaining=0 retry-after=""
	// 429 remaining=0 retry-after="60"
}
