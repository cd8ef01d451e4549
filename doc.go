// Package sinew is the root of the Sinew framework: the [App] that ties configuration, the
// router, the middleware stack, lifecycle hooks and the command line together into one
// binary that serves HTTP and is its own manage.py (`./app routes`, `./app migrate`, ...).
//
// [New] reads the configuration from the environment and an optional .env file; the zero
// [Config] runs a development app on :8080 with embedded defaults, and production refuses
// to start without a secret key. [App.Run] serves until SIGINT or SIGTERM, then stops
// accepting, lets in-flight requests finish within the drain timeout and exits 0; given a
// command name on the command line it runs that command instead. The App embeds a
// *web.Router, so routes are registered on it directly:
//
//	app := sinew.New()
//	app.GET("/hello/{name}", func(c *web.Ctx) error {
//		return c.Text(200, "Hello, "+c.Param("name"))
//	})
//	app.Run()
package sinew
