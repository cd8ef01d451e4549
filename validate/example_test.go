package validate_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/sinewdev/sinew/validate"
)

func Example() {
	type Signup struct {
		Email    string `json:"email" validate:"required,email"`
		Password string `json:"password" validate:"required,min=12"`
		Plan     string `json:"plan" validate:"oneof=free pro"`
	}
	v := validate.New(validate.Config{}) // one per application: plans are cached inside
	err := v.Struct(context.Background(), Signup{Email: "ada@", Password: "short", Plan: "pro"})

	var errs validate.Errors
	if errors.As(err, &errs) {
		for _, fe := range errs {
			fmt.Printf("%s (%s): %s\n", fe.Path, fe.Code, fe.Message)
		}
	}
	// Output:
	// email (email): Enter a valid e-mail address.
	// password (min): Must be at least 12 characters long.
}
