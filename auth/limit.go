package auth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/sinewdev/sinew/ratelimit"
)

// limits are the flows' limiters, built at start over FlowsConfig.Attempts.
type limits struct {
	loginAcct, loginIP, resetAcct, resetIP, signupIP *ratelimit.Limiter
}

func newLimits(store ratelimit.Store, f *FlowsConfig) limits {
	mk := func(name string, l ratelimit.Limit) *ratelimit.Limiter {
		if l.Events < 0 {
			return nil // turned off
		}
		l.Name = "auth_" + name
		return ratelimit.New(store, l)
	}
	return limits{
		loginAcct: mk("login_account", f.LoginLimit),
		loginIP:   mk("login_ip", f.LoginIPLimit),
		resetAcct: mk("reset_account", f.ResetLimit),
		resetIP:   mk("reset_ip", f.ResetIPLimit),
		signupIP:  mk("signup_ip", f.SignupIPLimit),
	}
}

// limitCheck is one limiter applied to one key.
type limitCheck struct {
	l   *ratelimit.Limiter
	key string
}

// check records an attempt with every limiter and returns a *ratelimit.LimitError (429)
// when one of them is over its limit, with the longest wait. Every limiter is hit, so
// that an attacker spreading attempts over accounts still fills the per-IP counter.
// A store failure fails closed: the attempt is refused with the error (500).
func check(ctx context.Context, checks ...limitCheck) error {
	var worst *ratelimit.LimitError
	for _, c := range checks {
		if c.l == nil {
			continue
		}
		err := c.l.Check(ctx, c.key)
		var le *ratelimit.LimitError
		switch {
		case errors.As(err, &le):
			if worst == nil || le.RetryAfter > worst.RetryAfter {
				worst = le
			}
		case err != nil:
			return fmt.Errorf("auth: counting attempts: %w", err)
		}
	}
	if worst != nil {
		return worst
	}
	return nil
}

// reset forgets key's attempts with l (after a successful login).
func reset(ctx context.Context, l *ratelimit.Limiter, key string) error {
	if l == nil {
		return nil
	}
	return l.Reset(ctx, key)
}

// tooMany is the message shown for a limited attempt.
func tooMany(le *ratelimit.LimitError) string {
	return "Too many attempts. Try again in " + humanDuration(le.RetryAfter) + "."
}

func humanDuration(d time.Duration) string {
	switch {
	case d <= time.Minute:
		return "a minute"
	case d < time.Hour:
		return strconv.Itoa(int(math.Ceil(d.Minutes()))) + " minutes"
	case d < 48*time.Hour:
		return strconv.Itoa(int(math.Ceil(d.Hours()))) + " hours"
	default:
		return strconv.Itoa(int(math.Ceil(d.Hours()/24))) + " days"
	}
}
