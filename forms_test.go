package sinew_test

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/validate"
)

// TestAppFormsAndValidator: the app's Forms and Validator are made once and shared, and
// model forms see the app's registry.
func TestAppFormsAndValidator(t *testing.T) {
	t.Parallel()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	app.Models(Note{})
	if app.Forms() != app.Forms() || app.Validator() != app.Validator() {
		t.Fatal("Forms and Validator must be made once")
	}
	f, err := app.Forms().For(&Note{Title: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := f.Bound("title"); err != nil || b.Value() != "hello" {
		t.Errorf("model form field: %v %v", b, err)
	}
	type in struct {
		Email string `validate:"required,email"`
	}
	var errs validate.Errors
	if err := app.Validator().Struct(context.Background(), in{Email: "x"}); !errors.As(err, &errs) {
		t.Errorf("validator: %v", err)
	}
}
