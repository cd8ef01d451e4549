package validate_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sinewdev/sinew/validate"
)

// FuzzVar feeds arbitrary tags and values: a tag is either rejected with a setup error or
// applied, and checking never panics.
func FuzzVar(f *testing.F) {
	for _, seed := range []struct{ tag, value string }{
		{"required,max=3", "abcd"}, {"pattern=^a,b$", "a,b"}, {"oneof=a b", "c"}, {"email", "a@b.c"},
		{"min=", "x"}, {"len=99999999999999999999", "x"}, {"pattern=(", ""}, {",,,=,", "\xff"},
		{"eqfield=X", "y"}, {"url", "http://[::1"}, {"date,datetime", "2026-02-30"},
	} {
		f.Add(seed.tag, seed.value)
	}
	v := validate.New(validate.Config{})
	f.Fuzz(func(t *testing.T, tag, value string) {
		err := v.Var(context.Background(), value, tag)
		var errs validate.Errors
		if errors.As(err, &errs) {
			for _, fe := range errs {
				if fe.Code == "" || fe.Message == "" {
					t.Fatalf("field error without code or message: %+v", fe)
				}
			}
		}
		n := len(value)
		_ = v.Var(context.Background(), n, tag)
	})
}
