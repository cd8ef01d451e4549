package testkit_test

import (
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/testkit"
)

// BenchmarkRequest compares a testkit client's GET (cookie jar, whole body read, Response
// value) with a plain http.Client's on the same app: the overhead a test pays per request.
func BenchmarkRequest(b *testing.B) {
	app := testkit.New(b, setup)
	testkit.Make[Author](b, app.DB())
	b.Run("testkit", func(b *testing.B) {
		c := app.Client()
		b.ReportAllocs()
		for b.Loop() {
			if c.Get("/posts").Status != 200 {
				b.Fatal("status")
			}
		}
	})
	b.Run("net_http", func(b *testing.B) {
		c := &http.Client{}
		b.ReportAllocs()
		for b.Loop() {
			res, err := c.Get(app.URL + "/posts")
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Fatal("status")
			}
		}
	})
}

// BenchmarkMake compares Make (metadata fill, sequence count, insert) with orm.Create of a
// value filled by hand.
func BenchmarkMake(b *testing.B) {
	app := testkit.NewWithConfig(b, testkit.Config{NoServe: true}, setup)
	db := app.DB()
	b.Run("testkit.Make", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			testkit.Make[Author](b, db)
		}
	})
	b.Run("orm.Create", func(b *testing.B) {
		ctx := orm.WithDB(b.Context(), db)
		n := 0
		b.ReportAllocs()
		for b.Loop() {
			n++
			a := Author{Name: "Name", Email: "bench" + strconv.Itoa(n) + "@example.com"}
			if err := orm.Create(ctx, &a); err != nil {
				b.Fatal(err)
			}
		}
	})
}
