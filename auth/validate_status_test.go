package auth_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/web"
)

// TestInputErrorsAre422: a handler returning the error of a refused password or e-mail
// address answers 422, not 500.
func TestInputErrorsAre422(t *testing.T) {
	t.Parallel()
	_, emailErr := auth.NormalizeEmail("not an address")
	for _, err := range []error{
		auth.ValidatePassword("short"), auth.ValidatePassword("1234567890123"), auth.ValidatePassword("password123"),
		emailErr, fmt.Errorf("signup: %w", auth.ErrPasswordTooShort),
	} {
		if err == nil {
			t.Fatal("want an error")
		}
		if got := web.StatusOf(err); got != http.StatusUnprocessableEntity {
			t.Errorf("%v: status %d, want 422", err, got)
		}
	}
}
