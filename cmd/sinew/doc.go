// Command sinew is the Sinew framework's command line: `sinew new NAME` creates a runnable
// application (go.mod, main.go, the setup that main and the tests share, a migrations
// package, a layout and a home page, a test using package testkit, .env, .gitignore, a
// README and a Dockerfile for a static binary on a distroless image); `sinew generate
// model|resource|scaffold|migration` adds models, typed JSON APIs, HTML pages with forms and
// migrations to it, with tests that pass as generated; `sinew dev` rebuilds and restarts the
// app on every change behind a small proxy that shows compile errors in the browser.
//
// The app-level commands (migrate, makemigrations, createsuperuser, routes) belong to the
// app's own binary, which is its own manage.py; inside an app folder `sinew migrate` runs
// them through `go run .`. Every command answers --help; the exit code is 0 on success, 1
// on failure and 2 for a usage error, with a one-line message, and a refused command writes
// nothing. Generators render embedded text/templates (delimited by [[ ]] so that the
// html/template actions of the generated pages pass through) and gofmt the Go they write.
package main
