package sinew_test

import (
	"fmt"
	"io"
	"net/http/httptest"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/web"
)

func ExampleNew() {
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard}) // sinew.New() reads the environment
	app.GET("/hello/{name}", func(c *web.Ctx) error {
		return c.Text(200, "Hello, "+c.Param("name")+"!")
	})

	// An App is an http.Handler; app.Run() would serve it on :8080.
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest("GET", "/hello/gopher", nil))
	fmt.Println(rec.Code, rec.Body.String())
	// Output: 200 Hello, gopher!
}
