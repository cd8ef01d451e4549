// Command blog is a small blog written with Sinew's public APIs, the app that
// docs/tutorial.md builds step by step: posts in Markdown with tags and comments, written
// by users who sign up under /auth/, listed ten to a page, with forms that keep what was
// typed when it is invalid, an RSS 2.0 feed at /feed.xml, fingerprinted static files and
// the admin site at /admin/. It runs on an embedded SQLite file:
//
//	go run ./examples/blog                   # http://localhost:8080
//	go run ./examples/blog createsuperuser   # a login for /admin/
package main

import (
	"os"

	"github.com/sinewdev/sinew"
)

func main() {
	app := sinew.New()
	if err := setup(app); err != nil {
		app.Logger().Error("blog: " + err.Error())
		os.Exit(1)
	}
	app.Run()
}
