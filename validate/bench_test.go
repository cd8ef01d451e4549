package validate_test

import (
	"context"
	"testing"

	"github.com/sinewdev/sinew/validate"
)

// BenchmarkStructValid is the cost added to every request that validates a typical input;
// it must stay allocation-free.
func BenchmarkStructValid(b *testing.B) {
	v := validate.New(validate.Config{})
	a := validArticle()
	ctx := context.Background()
	if err := v.Struct(ctx, &a); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Struct(ctx, &a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStructInvalid builds the errors of two failing fields.
func BenchmarkStructInvalid(b *testing.B) {
	v := validate.New(validate.Config{})
	a := validArticle()
	a.Title, a.Rating = "", 9
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Struct(ctx, &a); err == nil {
			b.Fatal("want errors")
		}
	}
}
